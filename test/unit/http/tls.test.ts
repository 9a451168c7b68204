// Per-connection TLS trust, the untrusted-certificate error with the peer's certificate, the certificate probe,
// client certificates and the CONNECT proxy tunnel, against local https servers with a CA made at test time.
import * as assert from 'assert';
import * as crypto from 'crypto';
import type * as http from 'http';
import * as https from 'https';
import httpModule from 'http';
import type { TLSSocket } from 'tls';
import { HttpClient } from '../../../src/http';
import { fetchPeerCertificateChain } from '../../../src/http/tls';
import { json, pki, rejection, replaceHttpsAgents, startConnectProxy, startHttps, type TestServer } from './helpers';

function fingerprint(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256;
}

describe('http/tls', function () {
  this.timeout(20_000);
  let caServer: TestServer; // leaf issued by the test CA (chain not sent)
  let selfSignedServer: TestServer;

  before(async () => {
    const p = pki();
    caServer = await startHttps((_req, res) => json(res, 200, { data: { version: 'v1.2.0' } }), p.leaf);
    selfSignedServer = await startHttps((_req, res) => json(res, 200, { ok: true }), p.selfSigned);
  });
  after(async () => {
    await caServer.close();
    await selfSignedServer.close();
  });

  it('a self-signed server → untrusted-certificate, with its certificate attached for the trust prompt', async () => {
    const c = new HttpClient({ connectionId: 'z', connectionLabel: 'Cluster', baseURL: `${selfSignedServer.url}/v2` });
    const e = await rejection(c.get('/clusters', 'test connection'));
    assert.strictEqual(e.kind, 'untrusted-certificate');
    assert.strictEqual(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.match(e.message, /^Cluster: test connection failed: the certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted: it is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
    assert.ok(e.peerCertificate, 'peer certificate attached');
    assert.strictEqual(e.peerCertificate.sha256Fingerprint, fingerprint(pki().selfSigned.certPem));
    assert.match(e.peerCertificate.subject, /CN=self-signed test server/);
    assert.match(e.peerCertificate.pem, /^-----BEGIN CERTIFICATE-----/);
    assert.strictEqual(selfSignedServer.requests.length, 0, 'no HTTP request reached the server');
  });

  it('a private-CA server fails without its CA, succeeds once the CA is passed in `ca`, and the trust stays per connection', async () => {
    const base = `${caServer.url}/edge/management/v1`;
    const untrusted = new HttpClient({ connectionId: 'a', connectionLabel: 'Lab controller', baseURL: base });
    const e1 = await rejection(untrusted.get('/version', 'read version'));
    assert.strictEqual(e1.kind, 'untrusted-certificate');
    assert.strictEqual(e1.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');

    const trusted = new HttpClient({ connectionId: 'b', connectionLabel: 'Lab controller (trusted)', baseURL: base, ca: [pki().caPem] });
    const r = await trusted.get<{ data: { version: string } }>('/version', 'read version');
    assert.strictEqual(r.data.data.version, 'v1.2.0');

    // Another connection without the CA (created after the trusted one) still fails: no global change.
    const other = new HttpClient({ connectionId: 'c', connectionLabel: 'Other', baseURL: base });
    const e2 = await rejection(other.get('/version', 'read version'));
    assert.strictEqual(e2.kind, 'untrusted-certificate');
    // And a different CA does not help.
    const wrong = new HttpClient({ connectionId: 'd', connectionLabel: 'Wrong CA', baseURL: base, ca: [pki().otherCaPem] });
    assert.strictEqual((await rejection(wrong.get('/version', 'read version'))).kind, 'untrusted-certificate');
    // Plain Node https (the global agent) is unaffected too.
    await assert.rejects(
      new Promise((resolve, reject) => https.get(`${base}/version`, resolve).on('error', reject)),
      (err: NodeJS.ErrnoException) => err.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    trusted.dispose();
  });

  it('a host-name mismatch is an untrusted certificate even with the CA trusted', async () => {
    const server = await startHttps((_req, res) => json(res, 200, {}), pki().wrongName);
    try {
      const c = new HttpClient({ connectionId: 'h', connectionLabel: 'Lab', baseURL: `${server.url}/v1`, ca: [pki().caPem] });
      const e = await rejection(c.get('/version', 'read version'));
      assert.strictEqual(e.kind, 'untrusted-certificate');
      assert.strictEqual(e.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      assert.match(e.message, /it is not issued for this host name/);
      assert.strictEqual(e.peerCertificate?.sha256Fingerprint, fingerprint(pki().wrongName.certPem));
      assert.strictEqual(server.requests.length, 0);
      c.dispose();
    } finally {
      await server.close();
    }
  });

  it('fetchPeerCertificateChain reads the chain of an untrusted server without sending a request', async () => {
    const requestsBefore = caServer.requests.length;
    const chain = await fetchPeerCertificateChain(`${caServer.url}/anything`);
    assert.strictEqual(chain.trusted, false);
    assert.strictEqual(chain.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.strictEqual(chain.certificates[0].sha256Fingerprint, fingerprint(pki().leaf.certPem));
    assert.match(chain.certificates[0].issuer, /CN=HTTP core test CA/);
    assert.strictEqual(chain.certificates[0].isCa, false);
    assert.strictEqual(caServer.requests.length, requestsBefore, 'the probe sent no HTTP request');

    const trusted = await fetchPeerCertificateChain(caServer.url, { ca: [pki().caPem] });
    assert.strictEqual(trusted.trusted, true);
    assert.strictEqual(trusted.certificates[0].sha256Fingerprint, fingerprint(pki().leaf.certPem));
    assert.strictEqual(trusted.certificates[trusted.certificates.length - 1].sha256Fingerprint, fingerprint(pki().caPem));
  });

  it('presents the client certificate when the server asks (OpenZiti method=cert)', async () => {
    const p = pki();
    const server = https.createServer({ cert: p.leaf.certPem, key: p.leaf.keyPem, ca: p.caPem, requestCert: true /* and, by default for servers, reject clients without a valid one */ }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      json(res, 200, { cn: peer.subject?.CN });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as import('net').AddressInfo).port;
      const c = new HttpClient({ connectionId: 'x', connectionLabel: 'Ziti', baseURL: `https://127.0.0.1:${port}/edge/management/v1`, ca: [p.caPem], clientCertificate: p.client });
      const r = await c.post<{ cn: string }>('/authenticate', {}, 'sign in', { params: { method: 'cert' }, authenticate: false });
      assert.strictEqual(r.data.cn, 'test client');
      c.dispose();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  for (const keepAgentCa of [true, false]) {
    it(`keeps the connection's CA and client certificate when VS Code's proxy support replaces the agent (agent CA ${keepAgentCa ? 'carried over' : 'dropped'})`, async () => {
      const p = pki();
      const server = https.createServer({ cert: p.leaf.certPem, key: p.leaf.keyPem, ca: p.caPem, requestCert: true }, (req, res) => {
        json(res, 200, { cn: (req.socket as TLSSocket).getPeerCertificate().subject?.CN });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const restore = replaceHttpsAgents(keepAgentCa);
      try {
        const port = (server.address() as import('net').AddressInfo).port;
        const c = new HttpClient({ connectionId: 'v', connectionLabel: 'Ziti', baseURL: `https://127.0.0.1:${port}/edge/management/v1`, ca: [p.caPem], clientCertificate: p.client, retry: { retries: 0 } });
        const r = await c.post<{ cn: string }>('/authenticate', {}, 'sign in', { params: { method: 'cert' }, authenticate: false });
        assert.strictEqual(r.data.cn, 'test client');
        c.dispose();
        // Without the connection's CA, the replaced agent still verifies the server: nothing is switched off.
        const untrusted = new HttpClient({ connectionId: 'w', connectionLabel: 'Ziti', baseURL: `https://127.0.0.1:${port}/edge/management/v1`, clientCertificate: p.client, retry: { retries: 0 } });
        assert.strictEqual((await rejection(untrusted.get('/version', 'read version'))).kind, 'untrusted-certificate');
        untrusted.dispose();
      } finally {
        restore();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  }

  it("opens its CONNECT tunnels without node's http.request, which VS Code's proxy support sends through the proxy itself when the proxy is not on localhost", async () => {
    const proxy = await startConnectProxy();
    // What the host does to a request for a proxy that is not on localhost: it goes through that proxy, in absolute form.
    const original = httpModule.request;
    httpModule.request = ((options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) =>
      original({ ...options, path: `http://${options.host}:${options.port}/${options.path}` }, callback)) as typeof httpModule.request;
    try {
      const c = new HttpClient({ connectionId: 't', connectionLabel: 'Via proxy', baseURL: `${caServer.url}/v1`, ca: [pki().caPem], proxy: { url: proxy.url, strictSSL: true }, retry: { retries: 0 } });
      const r = await c.get<{ data: { version: string } }>('/version', 'read version');
      assert.strictEqual(r.data.data.version, 'v1.2.0');
      c.dispose();
      // The trust prompt's certificate probe goes through the same tunnel.
      const chain = await fetchPeerCertificateChain(caServer.url, { proxyUrl: proxy.url });
      assert.strictEqual(chain.certificates[0]?.sha256Fingerprint, fingerprint(pki().leaf.certPem));
      assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${caServer.port}`, `127.0.0.1:${caServer.port}`]);
      assert.strictEqual(proxy.authHeaders[1], `Basic ${Buffer.from('proxyuser:proxy-pass-9876').toString('base64')}`);
    } finally {
      httpModule.request = original;
      await proxy.close();
    }
  });

  it('reaches an https target through an HTTP proxy with CONNECT, still verifying TLS, and never logs the proxy password', async () => {
    const proxy = await startConnectProxy();
    try {
      const lines: string[] = [];
      const c = new HttpClient({
        connectionId: 'p',
        connectionLabel: 'Via proxy',
        baseURL: `${caServer.url}/v1`,
        ca: [pki().caPem],
        proxy: { url: proxy.url, strictSSL: true },
        log: (_l, m) => lines.push(m),
      });
      const r = await c.get<{ data: { version: string } }>('/version', 'read version');
      assert.strictEqual(r.data.data.version, 'v1.2.0');
      assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${caServer.port}`]);
      assert.strictEqual(proxy.authHeaders[0], `Basic ${Buffer.from('proxyuser:proxy-pass-9876').toString('base64')}`);
      c.dispose();

      const untrusted = new HttpClient({ connectionId: 'q', connectionLabel: 'Via proxy', baseURL: `${caServer.url}/v1`, proxy: { url: proxy.url, strictSSL: false }, log: (_l, m) => lines.push(m) });
      const e = await rejection(untrusted.get('/version', 'read version'));
      assert.strictEqual(e.kind, 'untrusted-certificate', 'strictSSL: false does not switch verification off');
      assert.ok(e.peerCertificate, 'the probe also goes through the proxy');
      assert.ok(!lines.join('\n').includes('proxy-pass-9876'));
      assert.ok(lines.some((l) => /proxyStrictSSL is off/.test(l)));

      const bypass = new HttpClient({ connectionId: 'r', connectionLabel: 'Bypass', baseURL: `${caServer.url}/v1`, ca: [pki().caPem], proxy: { url: proxy.url, strictSSL: true, noProxy: ['127.0.0.1'] } });
      const before = proxy.tunnels.length;
      await bypass.get('/version', 'read version');
      assert.strictEqual(proxy.tunnels.length, before, 'noProxy hosts go direct');
      bypass.dispose();
    } finally {
      await proxy.close();
    }
  });
});
