// The trust probes ("Trust Certificate…"): every step has a deadline, can be cancelled and goes through the proxy
// when one is configured. Against the OpenZiti sandbox (which serves /.well-known/est/cacerts), a local https
// server that accepts and never answers, and a tiny CONNECT proxy.
import * as assert from 'assert';
import * as net from 'net';
import type { AddressInfo } from 'net';
import type { Sandbox } from '../../sandbox/server';
import { zitiModule } from '../../../src/backends/ziti/client';
import { cohesityModule } from '../../../src/backends/cohesity';
import type { ConnectionRecord } from '../../../src/model/connection';
import { pki, startConnectProxy, startHttps } from '../http/helpers';
import { useSandbox } from './doubles';

function zitiRecord(url: string): ConnectionRecord {
  return { id: 'probe', backend: 'ziti', label: 'Probe controller', endpoints: { url }, auth: { method: 'password', username: 'admin' }, source: 'user' };
}

describe('trust probes: timeouts, cancellation and the proxy', function () {
  this.timeout(20_000);
  let sb: Sandbox;
  const { sandbox } = useSandbox({ backends: ['ziti', 'cohesity'] });
  before(function () {
    sb = sandbox();
    // The test PKI (seven RSA key pairs) is made once per run; on a loaded machine that alone can take many seconds,
    // which belongs to no test's deadline.
    this.timeout(120_000);
    pki();
  });

  it('OpenZiti: a server that completes TLS but never answers /.well-known/est/cacerts fails with a timeout message within the limit', async () => {
    const silent = await startHttps(() => undefined, pki().leaf);
    try {
      const started = Date.now();
      await assert.rejects(
        zitiModule.trustCandidate!(zitiRecord(silent.url), undefined, { timeoutMs: 700 }),
        (e: Error) => /did not answer \/\.well-known\/est\/cacerts within 700 ms/.test(e.message),
      );
      const took = Date.now() - started;
      assert.ok(took < 3_000, `failed after ${took} ms`);
      assert.strictEqual(silent.requests.length, 1, 'the GET was sent once');
    } finally {
      await silent.close();
    }
  });

  it('OpenZiti: a server that accepts TCP and never speaks TLS fails with a handshake timeout within the limit', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const started = Date.now();
      await assert.rejects(zitiModule.trustCandidate!(zitiRecord(`https://127.0.0.1:${port}`), undefined, { timeoutMs: 500 }), /did not complete a TLS handshake within 500 ms/);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it('OpenZiti: cancelling stops the probe at once', async () => {
    const silent = await startHttps(() => undefined, pki().leaf);
    try {
      const controller = new AbortController();
      const probe = zitiModule.trustCandidate!(zitiRecord(silent.url), controller.signal, { timeoutMs: 60_000 });
      setTimeout(() => controller.abort(), 300);
      const started = Date.now();
      await assert.rejects(probe, (e: Error & { code?: string }) => e.code === 'ERR_CANCELED');
      assert.ok(Date.now() - started < 3_000);
    } finally {
      await silent.close();
    }
  });

  it('OpenZiti: every step of the probe goes through the configured proxy (and a noProxy host goes direct)', async () => {
    const proxy = await startConnectProxy();
    try {
      const target = new URL(sb.urls.ziti);
      const candidate = await zitiModule.trustCandidate!(zitiRecord(sb.urls.ziti), undefined, { proxy: { url: proxy.url, strictSSL: true } });
      assert.ok(candidate.verified);
      assert.ok(candidate.certificates.length > 0);
      // The handshake read, the CA bundle GET and the verification: three tunnels to the controller.
      assert.deepStrictEqual(proxy.tunnels, [target.host, target.host, target.host]);
      await zitiModule.trustCandidate!(zitiRecord(sb.urls.ziti), undefined, { proxy: { url: proxy.url, strictSSL: true, noProxy: [target.hostname] } });
      assert.strictEqual(proxy.tunnels.length, 3, 'noProxy hosts go direct');
    } finally {
      await proxy.close();
    }
  });

  it('Cohesity: the certificate read goes through the configured proxy', async () => {
    const proxy = await startConnectProxy();
    try {
      const url = sb.urls.cohesity;
      const record: ConnectionRecord = { id: 'probe-c', backend: 'cohesity', label: 'Probe cluster', endpoints: { url }, auth: { method: 'apiKey' }, source: 'user' };
      const candidate = await cohesityModule.trustCandidate!(record, undefined, { proxy: { url: proxy.url, strictSSL: true } });
      assert.ok(candidate.certificates.length > 0);
      assert.deepStrictEqual(proxy.tunnels, [new URL(url).host]);
    } finally {
      await proxy.close();
    }
  });
});
