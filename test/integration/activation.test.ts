// Runs first (file order): activation itself, before anything else has activated the extension.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extension } from './helpers';

describe('activation', () => {
  it('is lazy: the extension is not active before a view or command needs it', () => {
    assert.strictEqual(extension().isActive, false);
    const events: string[] = extension().packageJSON.activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `eager activation events: ${events.join(', ')}`);
  });

  it('activates without any network request', async () => {
    // The real module objects (a TypeScript namespace import would be a read-only copy).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const http = require('http') as typeof import('http');
    const https = require('https') as typeof import('https');
    const net = require('net') as typeof import('net');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const calls: string[] = [];
    const originals = { httpRequest: http.request, httpGet: http.get, httpsRequest: https.request, httpsGet: https.get, connect: net.connect, createConnection: net.createConnection };
    const spy = (name: string, fn: (...a: any[]) => any) => // eslint-disable-line @typescript-eslint/no-explicit-any
      function (this: unknown, ...args: unknown[]) {
        calls.push(`${name}(${JSON.stringify(args[0])?.slice(0, 120)})`);
        return fn.apply(this, args);
      };
    const mutableHttp = http as { -readonly [K in keyof typeof http]: (typeof http)[K] };
    const mutableHttps = https as { -readonly [K in keyof typeof https]: (typeof https)[K] };
    const mutableNet = net as { -readonly [K in keyof typeof net]: (typeof net)[K] };
    mutableHttp.request = spy('http.request', originals.httpRequest) as typeof http.request;
    mutableHttp.get = spy('http.get', originals.httpGet) as typeof http.get;
    mutableHttps.request = spy('https.request', originals.httpsRequest) as typeof https.request;
    mutableHttps.get = spy('https.get', originals.httpsGet) as typeof https.get;
    mutableNet.connect = spy('net.connect', originals.connect) as typeof net.connect;
    mutableNet.createConnection = spy('net.createConnection', originals.createConnection) as typeof net.createConnection;
    try {
      const exports = await extension().activate();
      assert.ok(extension().isActive);
      assert.ok(exports.testing, 'the testing API is returned in test mode');
      // Let anything activation scheduled run too.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      Object.assign(mutableHttp, { request: originals.httpRequest, get: originals.httpGet });
      Object.assign(mutableHttps, { request: originals.httpsRequest, get: originals.httpsGet });
      Object.assign(mutableNet, { connect: originals.connect, createConnection: originals.createConnection });
    }
    assert.deepStrictEqual(calls, [], `activation made network calls: ${calls.join('; ')}`);
  });

  it('registers every command that package.json contributes', async () => {
    await extension().activate();
    const contributed: string[] = extension().packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, []);
    assert.ok(contributed.includes('sessionManager.showLogs'));
  });
});
