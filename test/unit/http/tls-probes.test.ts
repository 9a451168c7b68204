// The trust probes over real sockets on 127.0.0.1 (and ::1): fetchPeerCertificateChain (the certificate chain for the
// "Trust Certificate…" prompt) and probeGet (the unauthenticated CA-bundle GET), with their deadlines, cancellation,
// proxy tunnel and anchors. Deadlines are small and injected; nothing here waits for long.
import * as assert from 'assert';
import * as crypto from 'crypto';
import { getEventListeners } from 'events';
import type * as http from 'http';
import httpsModule from 'https';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as tls from 'tls';
import forge from 'node-forge';
import { BodyTooLargeError } from '../../../src/http/body';
import { fetchPeerCertificateChain, probeGet } from '../../../src/http/tls';
import { freePort, json, makeCert, pki, startConnectProxy, startHttps, type TestServer } from './helpers';

function fingerprint(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256;
}

/** A TCP server that accepts connections and never answers (a TLS handshake or HTTP answer that never comes). */
async function startSilentServer(host = '127.0.0.1'): Promise<{ port: number; connections: number; waitForConnection(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let waiters: (() => void)[] = [];
  const state = {
    port: 0,
    connections: 0,
    waitForConnection: () => (state.connections > 0 ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => done());
      }),
  };
  const server = net.createServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    const w = waiters;
    waiters = [];
    w.forEach((r) => r());
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** Runs `fn` with every `setTimeout(…, fromMs)` shortened to `toMs`, so a deadline's message can be read without waiting for it. */
async function withShortenedTimer<T>(fromMs: number, toMs: number, fn: () => Promise<T>): Promise<T> {
  const original = globalThis.setTimeout;
  globalThis.setTimeout = ((cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => original(cb, ms === fromMs ? toMs : ms, ...args)) as typeof setTimeout;
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = original;
  }
}

/** Emulates VS Code's proxy support replacing the agent of https.get (agent dropped, its CA not carried over). */
function replaceHttpsGetAgent(): () => void {
  const original = httpsModule.get;
  httpsModule.get = ((url: URL, options: httpsModule.RequestOptions, cb: (res: http.IncomingMessage) => void) => {
    const req = httpsModule.request(url, { ...options, agent: false }, cb);
    req.end();
    return req;
  }) as typeof httpsModule.get;
  return () => {
    httpsModule.get = original;
  };
}

async function rejectsWith(p: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
    return e as NodeJS.ErrnoException;
  }
  throw new Error('expected a rejection');
}

describe('http/tls probes', function () {
  this.timeout(20_000);
  let caServer: TestServer; // leaf issued by the test CA (chain not sent)

  before(async () => {
    caServer = await startHttps((req, res) => {
      if (req.url === '/big') {
        res.end('x'.repeat(5000));
      } else if (req.url === '/missing') {
        json(res, 404, { error: 'not here' });
      } else if (req.url !== '/silent') {
        res.end(`pem for ${req.url}`);
      }
    }, pki().leaf);
  });
  after(async () => {
    await caServer.close();
  });

  describe('fetchPeerCertificateChain', () => {
    it('refuses a URL that does not use TLS, without connecting', async () => {
      const silent = await startSilentServer();
      try {
        const e = await rejectsWith(fetchPeerCertificateChain(`http://127.0.0.1:${silent.port}/edge`, { timeoutMs: 500 }));
        assert.strictEqual(e.message, `http://127.0.0.1:${silent.port} does not use TLS`);
        assert.strictEqual(silent.connections, 0);
      } finally {
        await silent.close();
      }
    });

    it('reads the chain of a server on an IPv6 literal ([::1])', async () => {
      const server = await new Promise<tls.Server>((resolve) => {
        const s = tls.createServer({ cert: pki().leaf.certPem, key: pki().leaf.keyPem });
        s.listen(0, '::1', () => resolve(s));
      });
      try {
        const port = (server.address() as AddressInfo).port;
        const chain = await fetchPeerCertificateChain(`https://[::1]:${port}/`, { ca: [pki().caPem], timeoutMs: 5000 });
        assert.strictEqual(chain.certificates[0]?.sha256Fingerprint, fingerprint(pki().leaf.certPem));
        // The leaf names 127.0.0.1 and localhost, not ::1.
        assert.strictEqual(chain.trusted, false);
        assert.strictEqual(chain.authorizationError, 'ERR_TLS_CERT_ALTNAME_INVALID');
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('caOnly verifies against the given CAs alone', async () => {
      const trusted = await fetchPeerCertificateChain(caServer.url, { ca: [pki().caPem], caOnly: true });
      assert.strictEqual(trusted.trusted, true);
      assert.strictEqual(trusted.authorizationError, undefined);
      assert.deepStrictEqual(
        trusted.certificates.map((c) => c.sha256Fingerprint),
        [fingerprint(pki().leaf.certPem), fingerprint(pki().caPem)],
      );
      const other = await fetchPeerCertificateChain(caServer.url, { ca: [pki().otherCaPem], caOnly: true });
      assert.strictEqual(other.trusted, false);
      assert.strictEqual(other.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      assert.deepStrictEqual(
        other.certificates.map((c) => c.sha256Fingerprint),
        [fingerprint(pki().leaf.certPem)],
      );
    });

    it('offers ALPN http/1.1, like the HTTP client that follows', async () => {
      const offered: string[][] = [];
      const server = tls.createServer({
        cert: pki().leaf.certPem,
        key: pki().leaf.keyPem,
        ALPNCallback: ({ protocols }) => {
          offered.push(protocols);
          return protocols[0];
        },
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        const port = (server.address() as AddressInfo).port;
        const chain = await fetchPeerCertificateChain(`https://127.0.0.1:${port}`, { ca: [pki().caPem] });
        assert.strictEqual(chain.trusted, true);
        assert.deepStrictEqual(offered, [['http/1.1']]);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('returns the chain of an expired or not yet valid certificate as untrusted, with the reason', async () => {
      // The key of the test's other leaf (no new key: generating one is slow).
      const leafKeys = { privateKeyPem: pki().leaf.keyPem, publicKeyPem: crypto.createPublicKey(pki().leaf.keyPem).export({ type: 'spki', format: 'pem' }).toString() };
      const issuer = forge.pki.certificateFromPem(pki().caPem);
      const day = 24 * 3600_000;
      for (const [code, notBefore, notAfter] of [
        ['CERT_HAS_EXPIRED', new Date(Date.now() - 3 * day), new Date(Date.now() - day)],
        ['CERT_NOT_YET_VALID', new Date(Date.now() + day), new Date(Date.now() + 3 * day)],
      ] as const) {
        const certPem = forge.pki.certificateToPem(makeCert({ cn: '127.0.0.1', publicKeyPem: leafKeys.publicKeyPem, signingKeyPem: pki().caKeyPem, issuer, isCa: false, notBefore, notAfter }));
        const server = await startHttps(() => undefined, { certPem, keyPem: leafKeys.privateKeyPem });
        try {
          const chain = await fetchPeerCertificateChain(server.url, { ca: [pki().caPem] });
          assert.strictEqual(chain.trusted, false, code);
          assert.strictEqual(chain.authorizationError, code);
          assert.strictEqual(chain.certificates[0]?.sha256Fingerprint, fingerprint(certPem));
        } finally {
          await server.close();
        }
      }
    });

    it('rejects with the network error when nothing listens', async () => {
      const port = await freePort();
      const e = await rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${port}`, { timeoutMs: 5000 }));
      assert.strictEqual(e.code, 'ECONNREFUSED');
    });

    it('gives up after its deadline when the handshake does not complete', async () => {
      const silent = await startSilentServer();
      try {
        const e = await rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${silent.port}`, { timeoutMs: 50 }));
        assert.strictEqual(e.code, 'ETIMEDOUT');
        assert.strictEqual(e.message, `127.0.0.1:${silent.port} did not complete a TLS handshake within 50 ms`);
        // A deadline of a second or more is told in seconds.
        const e2 = await withShortenedTimer(1000, 30, () => rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${silent.port}`, { timeoutMs: 1000 })));
        assert.strictEqual(e2.message, `127.0.0.1:${silent.port} did not complete a TLS handshake within 1 s`);
        const e3 = await withShortenedTimer(15_250, 30, () => rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${silent.port}`, { timeoutMs: 15_250 })));
        assert.strictEqual(e3.message, `127.0.0.1:${silent.port} did not complete a TLS handshake within 15.3 s`);
      } finally {
        await silent.close();
      }
    });

    it('is cancelled by its signal during the handshake, and before it starts (without connecting)', async () => {
      const silent = await startSilentServer();
      try {
        const ac = new AbortController();
        const pending = rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${silent.port}`, { signal: ac.signal, timeoutMs: 5000 }));
        await silent.waitForConnection();
        ac.abort();
        const e = await pending;
        assert.strictEqual(e.code, 'ERR_CANCELED');
        assert.strictEqual(e.message, 'cancelled');

        const before = silent.connections;
        const e2 = await rejectsWith(fetchPeerCertificateChain(`https://127.0.0.1:${silent.port}`, { signal: AbortSignal.abort(), timeoutMs: 300 }));
        assert.strictEqual(e2.code, 'ERR_CANCELED');
        await new Promise((r) => setImmediate(r));
        assert.strictEqual(silent.connections, before, 'no connection once cancelled');
      } finally {
        await silent.close();
      }
    });

    it('stops listening to its signal once done', async () => {
      const ac = new AbortController();
      const chain = await fetchPeerCertificateChain(caServer.url, { ca: [pki().caPem], signal: ac.signal });
      assert.strictEqual(chain.trusted, true);
      assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
      const untrusted = await fetchPeerCertificateChain(caServer.url, { signal: ac.signal });
      assert.strictEqual(untrusted.trusted, false);
      assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
    });

    it('cancelled while the proxy opens the tunnel: drops the tunnel when it comes, without a handshake', async () => {
      // A proxy that answers CONNECT only when told, and records what the client sends through the tunnel.
      let answer: (() => void) | undefined;
      let onConnect!: () => void;
      const connected = new Promise<void>((r) => (onConnect = r));
      let bytesAfterTunnel = 0;
      let clientClosed: Promise<void> | undefined;
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((s) => {
        sockets.add(s);
        s.on('error', () => undefined);
        let open = false;
        // Settles when the client drops the tunnel, or as soon as it sends anything through it.
        clientClosed = new Promise<void>((r) => {
          s.on('close', () => r());
          s.on('data', (chunk: Buffer) => {
            if (open) {
              bytesAfterTunnel += chunk.length;
              r();
            }
          });
        });
        s.on('data', () => {
          if (open) {
            return;
          }
          answer = () => {
            open = true;
            s.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          };
          onConnect();
        });
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      try {
        const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        const ac = new AbortController();
        const pending = rejectsWith(fetchPeerCertificateChain(caServer.url, { proxyUrl, signal: ac.signal, timeoutMs: 5000 }));
        await connected;
        ac.abort();
        assert.strictEqual((await pending).code, 'ERR_CANCELED');
        assert.ok(answer && clientClosed);
        answer();
        await clientClosed;
        assert.strictEqual(bytesAfterTunnel, 0, 'no TLS handshake through a tunnel opened after cancellation');
      } finally {
        for (const s of sockets) {
          s.destroy();
        }
        await new Promise<void>((r) => proxy.close(() => r()));
      }
    });

    it('rejects when the proxy cannot be reached', async () => {
      const port = await freePort();
      const e = await rejectsWith(fetchPeerCertificateChain(caServer.url, { proxyUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 }));
      assert.strictEqual(e.code, 'ECONNREFUSED');
    });
  });

  describe('probeGet', () => {
    it('GETs the answer verified against the anchors alone, with the accept headers and no credential', async () => {
      const before = caServer.requests.length;
      const r = await probeGet(`${caServer.url}/.well-known/est/cacerts`, { anchors: [pki().caPem] });
      assert.deepStrictEqual(r, { status: 200, body: 'pem for /.well-known/est/cacerts' });
      const seen = caServer.requests.slice(before);
      assert.strictEqual(seen.length, 1);
      assert.strictEqual(seen[0].method, 'GET');
      assert.strictEqual(seen[0].headers.accept, '*/*');
      assert.strictEqual(seen[0].headers['accept-encoding'], 'gzip, deflate, br');
      assert.strictEqual(seen[0].headers.authorization, undefined);

      const r2 = await probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], accept: 'application/pkcs7-mime' });
      assert.strictEqual(r2.body, 'pem for /cacerts');
      assert.strictEqual(caServer.requests[caServer.requests.length - 1].headers.accept, 'application/pkcs7-mime');
    });

    it('resolves with an error status and its body', async () => {
      const r = await probeGet(`${caServer.url}/missing`, { anchors: [pki().caPem] });
      assert.deepStrictEqual(r, { status: 404, body: '{"error":"not here"}' });
    });

    it('refuses a server that does not chain to the anchors', async () => {
      const e = await rejectsWith(probeGet(`${caServer.url}/cacerts`, { anchors: [pki().otherCaPem] }));
      // (allowPartialTrustChain makes OpenSSL name the missing issuer this way)
      assert.strictEqual(e.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    });

    it("keeps its anchors when VS Code's proxy support replaces the agent", async () => {
      const restore = replaceHttpsGetAgent();
      try {
        const r = await probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], timeoutMs: 5000 });
        assert.strictEqual(r.body, 'pem for /cacerts');
      } finally {
        restore();
      }
    });

    it('caps the body at maxBytes', async () => {
      const e = await rejectsWith(probeGet(`${caServer.url}/big`, { anchors: [pki().caPem], maxBytes: 1000 }));
      assert.ok(e instanceof BodyTooLargeError, String(e));
      assert.strictEqual(e.limit, 1000);
    });

    it('goes through the proxy, unless the host is in the no-proxy list', async () => {
      const proxy = await startConnectProxy();
      try {
        const r = await probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], proxy: { url: proxy.url, strictSSL: true } });
        assert.strictEqual(r.body, 'pem for /cacerts');
        assert.deepStrictEqual(proxy.tunnels, [`127.0.0.1:${caServer.port}`]);
        await probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], proxy: { url: proxy.url, strictSSL: true, noProxy: ['127.0.0.1'] } });
        assert.strictEqual(proxy.tunnels.length, 1, 'the no-proxy host went direct');
      } finally {
        await proxy.close();
      }
    });

    it('rejects with the network error when nothing listens', async () => {
      const port = await freePort();
      const e = await rejectsWith(probeGet(`https://127.0.0.1:${port}/cacerts`, { anchors: [pki().caPem], timeoutMs: 5000 }));
      assert.strictEqual(e.code, 'ECONNREFUSED');
    });

    it('gives up after its deadline when the answer does not come', async () => {
      const e = await rejectsWith(probeGet(`${caServer.url}/silent`, { anchors: [pki().caPem], timeoutMs: 50 }));
      assert.strictEqual(e.code, 'ETIMEDOUT');
      assert.strictEqual(e.message, `127.0.0.1:${caServer.port} did not answer /silent within 50 ms`);
    });

    it('is cancelled by its signal while waiting, and at once when already cancelled', async () => {
      const ac = new AbortController();
      const before = caServer.requests.length;
      const pending = rejectsWith(probeGet(`${caServer.url}/silent`, { anchors: [pki().caPem], signal: ac.signal, timeoutMs: 5000 }));
      while (caServer.requests.length === before) {
        await new Promise((r) => setTimeout(r, 5));
      }
      ac.abort();
      const e = await pending;
      assert.strictEqual(e.code, 'ERR_CANCELED');
      assert.strictEqual(e.name, 'AbortError');
      assert.strictEqual(e.message, 'cancelled');

      const e2 = await rejectsWith(probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], signal: AbortSignal.abort(), timeoutMs: 5000 }));
      assert.strictEqual(e2.code, 'ERR_CANCELED');
      assert.strictEqual(e2.name, 'AbortError');
    });

    it('stops listening to its signal once done', async () => {
      const ac = new AbortController();
      await probeGet(`${caServer.url}/cacerts`, { anchors: [pki().caPem], signal: ac.signal });
      assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
    });
  });
});
