// HttpClient's plumbing, seen from outside: what a plain-HTTP proxy receives (absolute-form request, Proxy-Authorization
// from the proxy URL, default ports, IPv6), response headers as callers get them, request header names, the proxy
// password scrubbed from errors, and the certificate probe after an untrusted certificate (through the proxy or not,
// and within the request's own timeout, at most 10 s).
import * as assert from 'assert';
import * as http from 'http';
import httpModule from 'http';
import httpsModule from 'https';
import * as net from 'net';
import type { AddressInfo } from 'net';
import { HttpClient, type HttpClientOptions } from '../../../src/http';
import { collectLog, freePort, json, pki, rejection, startConnectProxy, startHttp, startHttps, type TestServer } from './helpers';

/** A plain-HTTP forward proxy: records the absolute-form request line and Proxy-Authorization, and answers itself. */
async function startForwardProxy(
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  host = '127.0.0.1',
): Promise<{ port: number; seen: { url: string; auth: string | undefined }[]; close(): Promise<void> }> {
  const seen: { url: string; auth: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers['proxy-authorization'] });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

const basic = (userPass: string): string => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('http/client transport', function () {
  this.timeout(20_000);

  function client(baseURL: string, extra: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab', baseURL, retry: { retries: 0 }, ...extra });
  }

  describe('a plain-HTTP target through the proxy', () => {
    it('goes to the proxy in absolute form, with Basic credentials decoded from the proxy URL (user and password, either alone, or none)', async () => {
      const proxy = await startForwardProxy((_req, res) => json(res, 200, { via: 'proxy' }));
      try {
        const target = 'http://api.internal.example:8080';
        const CASES: [string, string | undefined][] = [
          [`http://u%20x:p%40ss-w0rd@127.0.0.1:${proxy.port}`, basic('u x:p@ss-w0rd')],
          [`http://:only-pass@127.0.0.1:${proxy.port}`, basic(':only-pass')],
          [`http://only-user@127.0.0.1:${proxy.port}`, basic('only-user:')],
          [`http://127.0.0.1:${proxy.port}`, undefined],
        ];
        for (const [i, [url, auth]] of CASES.entries()) {
          const c = client(`${target}/v1`, { proxy: { url, strictSSL: true } });
          const r = await c.get<{ via: string }>('/sessions', 'list sessions', { params: { n: i } });
          assert.strictEqual(r.data.via, 'proxy');
          assert.deepStrictEqual(proxy.seen[i], { url: `${target}/v1/sessions?n=${i}`, auth }, url);
          c.dispose();
        }
      } finally {
        await proxy.close();
      }
    });

    it('reaches a proxy on an IPv6 address', async () => {
      const proxy = await startForwardProxy((_req, res) => json(res, 200, { via: 'v6' }), '::1');
      try {
        const c = client('http://api.internal.example/v1', { proxy: { url: `http://[::1]:${proxy.port}`, strictSSL: true } });
        assert.strictEqual((await c.get<{ via: string }>('/x', 'read')).data.via, 'v6');
        assert.strictEqual(proxy.seen[0].url, 'http://api.internal.example/v1/x');
        c.dispose();
      } finally {
        await proxy.close();
      }
    });

    it('a proxy URL without a port means port 80 (http) or 443 (https)', async () => {
      // Where the request is sent is seen at node's http.request / https.request, then sent on to a closed port.
      const closed = await freePort();
      const seen: { module: string; host: unknown; port: unknown }[] = [];
      const originals = { http: httpModule.request, https: httpsModule.request };
      const spy = (name: 'http' | 'https') =>
        ((options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
          seen.push({ module: name, host: options.hostname ?? options.host, port: options.port });
          return originals.http({ ...options, protocol: 'http:', agent: undefined, hostname: '127.0.0.1', port: closed }, callback);
        }) as typeof httpModule.request;
      httpModule.request = spy('http');
      httpsModule.request = spy('https') as unknown as typeof httpsModule.request;
      try {
        for (const url of ['http://proxy.example', 'https://proxy.example']) {
          const c = client('http://api.internal.example/v1', { proxy: { url, strictSSL: true } });
          assert.strictEqual((await rejection(c.get('/x', 'read'))).kind, 'network');
          c.dispose();
        }
      } finally {
        httpModule.request = originals.http;
        httpsModule.request = originals.https;
      }
      assert.deepStrictEqual(seen, [
        { module: 'http', host: 'proxy.example', port: 80 },
        { module: 'https', host: 'proxy.example', port: 443 },
      ]);
    });

    it("the proxy password (decoded) is scrubbed from an error that echoes it, and from the log", async () => {
      const proxy = await startForwardProxy((req, res) => {
        const [user, pass] = Buffer.from(String(req.headers['proxy-authorization']).replace(/^Basic /, ''), 'base64').toString().split(':');
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`proxy rejected ${user} / ${pass}`);
      });
      try {
        const log = collectLog();
        const c = client('http://api.internal.example/v1', { proxy: { url: `http://proxy-user:p%40ss-w0rd@127.0.0.1:${proxy.port}`, strictSSL: true }, log: log.log });
        const e = await rejection(c.get('/x', 'read'));
        assert.strictEqual(e.summary, '500 Internal Server Error — proxy rejected proxy-user / «redacted»');
        assert.ok(!log.lines.join('\n').includes('p@ss-w0rd'), log.lines.join('\n'));
        c.dispose();
      } finally {
        await proxy.close();
      }
    });
  });

  describe('headers', () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startHttp((_req, res) => {
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Request-ID', 'r-42');
        json(res, 200, { ok: true });
      });
    });
    afterEach(() => server.close());

    it('response headers come with lower-case names, a repeated header joined with ", "', async () => {
      const r = await client(server.url).get('/x', 'read');
      assert.strictEqual(r.headers['set-cookie'], 'a=1, b=2');
      assert.strictEqual(r.headers['x-request-id'], 'r-42');
      assert.strictEqual(r.headers['content-type'], 'application/json');
      assert.ok(!('X-Request-ID' in r.headers));
    });

    it("a caller's header replaces the default of the same name, whatever its case; the auth handler sees lower-case names", async () => {
      const names: string[][] = [];
      const c = client(server.url, { auth: { apply: async (h) => void names.push(Object.keys(h)) } });
      await c.get('/x', 'read', { headers: { Accept: 'text/plain', 'User-Agent': 'custom-agent/1', 'X-Trace': 't-1' } });
      const sent = server.requests[0].headers;
      assert.deepStrictEqual([sent.accept, sent['user-agent'], sent['x-trace']], ['text/plain', 'custom-agent/1', 't-1']);
      assert.deepStrictEqual(names, [['accept', 'user-agent', 'x-trace']]);
    });
  });

  describe('the certificate probe after an untrusted certificate', () => {
    let selfSigned: TestServer;
    before(async () => {
      selfSigned = await startHttps((_req, res) => json(res, 200, { ok: true }), pki().selfSigned);
    });
    after(() => selfSigned.close());

    it('goes through the proxy like the request, or direct when the target bypasses it', async () => {
      const proxy = await startConnectProxy();
      try {
        const via = client(`${selfSigned.url}/v1`, { proxy: { url: proxy.url, strictSSL: true } });
        const e = await rejection(via.get('/x', 'read'));
        assert.strictEqual(e.kind, 'untrusted-certificate');
        assert.match(e.peerCertificate?.subject ?? '', /CN=self-signed test server/);
        assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${selfSigned.port}`, `127.0.0.1:${selfSigned.port}`], 'the request and the probe');
        via.dispose();

        const direct = client(`${selfSigned.url}/v1`, { proxy: { url: proxy.url, strictSSL: true, noProxy: ['127.0.0.1'] } });
        const d = await rejection(direct.get('/x', 'read'));
        assert.match(d.peerCertificate?.subject ?? '', /CN=self-signed test server/);
        assert.strictEqual(proxy.tunnels.length, 2, 'neither the request nor the probe of a bypassed host uses the proxy');
        direct.dispose();
      } finally {
        await proxy.close();
      }
    });

    it("waits for the server's certificate no longer than the request's own timeout, then logs why it has none", async () => {
      // The first connection reaches the self-signed server; later ones (the probe) are accepted and left silent.
      const sockets = new Set<net.Socket>();
      const front = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
        if (sockets.size === 1) {
          const upstream = net.connect(selfSigned.port, '127.0.0.1');
          upstream.on('error', () => socket.destroy());
          socket.pipe(upstream).pipe(socket);
          sockets.add(upstream);
        }
      });
      await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
      const port = (front.address() as AddressInfo).port;
      try {
        const log = collectLog();
        const c = client(`https://127.0.0.1:${port}/v1`, { timeoutMs: 400, log: log.log });
        const started = Date.now();
        const e = await rejection(c.get('/x', 'read'));
        assert.strictEqual(e.kind, 'untrusted-certificate');
        assert.strictEqual(e.peerCertificate, undefined);
        assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms`);
        assert.ok(
          log.lines.includes(`debug [Lab] could not read the certificate of https://127.0.0.1:${port}: 127.0.0.1:${port} did not complete a TLS handshake within 400 ms`),
          log.lines.join('\n'),
        );
        c.dispose();
      } finally {
        for (const s of sockets) {
          s.destroy();
        }
        await new Promise<void>((r) => front.close(() => r()));
      }
    });
  });
});
