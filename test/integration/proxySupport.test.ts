// Per-connection TLS (a trusted CA and an OpenZiti client certificate) under VS Code's own proxy support, in the real
// extension host. With `http.proxySupport` at its default `override`, the host patches node's http/https modules
// (@vscode/proxy-agent) and, for every host but `localhost`/`127.0.0.1`, replaces an extension's agent with its own,
// which connects direct or through the proxy it resolves. The sandbox therefore listens on 127.0.0.2: still this
// machine, but not "localhost" to VS Code. For localhost targets VS Code keeps the extension's agent, whose CONNECT
// tunnel must then get through a proxy that is not on localhost (which VS Code would re-route) on its own.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, type Sandbox } from '../sandbox/server';
import type { ZitiState } from '../sandbox/ziti';
import { testingApi } from './helpers';
import { removeAllConnections } from './connections.test';

const HOST = '127.0.0.2';

interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/** A plain CONNECT proxy on `host` that records the tunnels it opened. */
async function startConnectProxy(host: '127.0.0.1' | '127.0.0.2'): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const done = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', done);
    client.on('error', done);
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    url: `http://${host}:${(server.address() as net.AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

/** Whether this machine can listen on `host` (127.0.0.2 is loopback on Linux; macOS needs an alias). */
function canListenOn(host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(`${host} cannot be listened on here (${e.code ?? e.message})`));
    srv.listen(0, host, () => srv.close(() => resolve(undefined)));
  });
}

describe('per-connection TLS under VS Code proxy support (http.proxySupport) on an address that is not localhost', function () {
  this.timeout(120_000);
  let api: TestingApi;
  let sb: Sandbox | undefined;
  let dir: string;
  let identity: string;

  before(async function () {
    const why = await canListenOn(HOST);
    if (why) {
      console.log(`SKIPPED: per-connection TLS under VS Code proxy support cannot be tested: ${why}`);
      this.skip();
    }
    api = await testingApi();
    sb = await start({ backends: ['ziti'], host: HOST });
    assert.strictEqual(new URL(sb.urls.ziti).hostname, HOST);
    await removeAllConnections(api);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-proxy-'));
    identity = [...(sb.state.ziti.state as ZitiState).data.identities.values()][0].name;
    const issued = sb.issueClientCert(identity);
    fs.writeFileSync(path.join(dir, 'id.cert.pem'), issued.certPem);
    fs.writeFileSync(path.join(dir, 'id.key.pem'), issued.keyPem, { mode: 0o600 });
  });

  after(async () => {
    if (!sb) {
      return;
    }
    await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await removeAllConnections(api);
    fs.rmSync(dir, { recursive: true, force: true });
    await sb.stop();
  });

  async function signInAndList(id: string, label: string, server: Sandbox | undefined = sb, files = 'id'): Promise<void> {
    assert.ok(server);
    await api.store.save({
      id,
      backend: 'ziti',
      label,
      endpoints: { url: server.urls.ziti },
      auth: { method: 'certificate', certificatePath: path.join(dir, `${files}.cert.pem`), keyPath: path.join(dir, `${files}.key.pem`) },
      tls: { trustedCertificates: [server.ca.pem] },
      source: 'user',
    });
    try {
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', id), true, JSON.stringify(api.recentErrors.slice(-1)));
      const state = api.manager.state(id);
      assert.strictEqual(state.kind, 'signedIn');
      assert.ok(state.kind === 'signedIn' && state.summary.includes(identity), `signed in as the certificate's identity: ${JSON.stringify(state)}`);
      // Listing: the Sessions view's "Sessions" group of this controller loads its first page.
      const sessions = api.views.providers.sessions;
      const controller = (await sessions.getChildren()).find((n) => n.id === `ziti/${id}`);
      assert.ok(controller, 'the controller is in the Sessions view');
      const groups = await sessions.getChildren(controller);
      const group = groups.find((g) => g.id === `ziti/${id}/sessions`) as TreeNode;
      assert.ok(group, 'a Sessions group');
      const rows = await sessions.getChildren(group);
      const expected = Math.min(100, (server.state.ziti.state as ZitiState).data.sessions.size);
      assert.strictEqual(rows.filter((r) => typeof (r as { session?: unknown }).session === 'object').length, expected, `rows: ${rows.length}`);
    } finally {
      await api.store.remove(id);
      api.manager.forget(id);
    }
  }

  it("runs with VS Code's default proxy support, which replaces extension agents for this address", () => {
    assert.strictEqual(vscode.workspace.getConfiguration('http').get('proxySupport'), 'override');
  });

  it('signs in with a client certificate and lists sessions, with the CA trusted for this connection only', async () => {
    await signInAndList('ziti-px-direct', 'Direct controller');
  });

  it('does the same through the proxy set in http.proxy, which sees only a CONNECT tunnel', async () => {
    assert.ok(sb);
    const proxy = await startConnectProxy('127.0.0.1');
    try {
      await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await signInAndList('ziti-px-proxy', 'Proxied controller');
      const target = `${HOST}:${new URL(sb.urls.ziti).port}`;
      assert.ok(proxy.tunnels.length > 0 && proxy.tunnels.every((t) => t === target), `tunnels: ${proxy.tunnels.join(', ')}`);
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });

  it('reaches a localhost controller through a proxy that is not on localhost, with its own CONNECT tunnel', async () => {
    const proxy = await startConnectProxy(HOST);
    const local = await start({ backends: ['ziti'] }); // 127.0.0.1: VS Code leaves the extension's agent alone
    try {
      const issued = local.issueClientCert(identity);
      fs.writeFileSync(path.join(dir, 'local.cert.pem'), issued.certPem);
      fs.writeFileSync(path.join(dir, 'local.key.pem'), issued.keyPem, { mode: 0o600 });
      await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await signInAndList('ziti-px-local', 'Local controller', local, 'local');
      const target = `127.0.0.1:${new URL(local.urls.ziti).port}`;
      assert.ok(proxy.tunnels.length > 0 && proxy.tunnels.every((t) => t === target), `tunnels: ${proxy.tunnels.join(', ')}`);
    } finally {
      await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
      await local.stop();
    }
  });

  it('through that proxy, with http.proxyStrictSSL off, still refuses an untrusted server and shows its certificate for the trust prompt', async () => {
    assert.ok(sb);
    const proxy = await startConnectProxy(HOST);
    const httpConfig = vscode.workspace.getConfiguration('http');
    try {
      await httpConfig.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await httpConfig.update('proxyStrictSSL', false, vscode.ConfigurationTarget.Global);
      await api.store.save({ id: 'ziti-px-untrusted', backend: 'ziti', label: 'Untrusted controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'certificate', certificatePath: path.join(dir, 'id.cert.pem'), keyPath: path.join(dir, 'id.key.pem') }, source: 'user' });
      const err = await api.manager.signedInClient('ziti-px-untrusted').then(
        () => assert.fail('signed in to a server whose certificate is not trusted'),
        (e: { kind?: string; peerCertificate?: { issuer?: string } }) => e,
      );
      assert.strictEqual(err.kind, 'untrusted-certificate');
      assert.match(String(err.peerCertificate?.issuer), /Session Manager Sandbox CA/, 'the certificate probe went through the tunnel too');
      assert.ok(proxy.tunnels.length >= 2, `tunnels: ${proxy.tunnels.join(', ')}`);
    } finally {
      await httpConfig.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await httpConfig.update('proxyStrictSSL', undefined, vscode.ConfigurationTarget.Global);
      await api.store.remove('ziti-px-untrusted');
      api.manager.forget('ziti-px-untrusted');
      await proxy.close();
    }
  });
});
