// HttpClient's attempts as its log and its errors tell them: one line per attempt (status, time, retry number), why it
// waits or stops, the error an AuthHandler throws, a sign-in that fails with a secret in its message, a second expiry
// later, the keep-alive agent, the proxy bypass for plain-HTTP targets and the certificate probe switched off.
import * as assert from 'assert';
import * as zlib from 'zlib';
import { ApiError, type AuthHandler, HttpClient, type HttpClientOptions } from '../../../src/http';
import { collectLog, freePort, type Handler, json, pki, recordingSleep, rejection, startHttp, startHttps, type TestServer } from './helpers';

describe('http/client attempts', function () {
  this.timeout(20_000);
  let server: TestServer;
  let handler: Handler;

  beforeEach(async () => {
    server = await startHttp((req, res, body, i) => handler(req, res, body, i));
  });
  afterEach(() => server.close());

  /** A clock that moves 5 ms each time it is read. */
  function ticking(): () => number {
    let t = 1_000_000;
    return () => (t += 5);
  }

  function make(extra: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab', baseURL: `${server.url}/api/v1`, ...extra });
  }

  describe('the log', () => {
    it('one line per attempt with its status, time and retry number, and why and how long it waits', async () => {
      handler = (_req, res, _b, i) => (i === 0 ? json(res, 503, {}, { 'retry-after': '2' }) : i === 1 ? json(res, 503, {}) : json(res, 200, {}));
      const log = collectLog();
      await make({ log: log.log, now: ticking(), sleep: recordingSleep().sleep, random: () => 0.5, retry: { baseDelayMs: 100 } }).get('/x', 'read');
      const url = `${server.url}/api/v1/x`;
      assert.deepStrictEqual(log.lines, [
        `debug [Lab] GET ${url} → 503 (5 ms)`,
        `info [Lab] GET ${url} → 503; retry 1/3 in 2000 ms (Retry-After)`,
        `debug [Lab] GET ${url} → 503 (5 ms) [retry 1]`,
        `info [Lab] GET ${url} → 503; retry 2/3 in 100 ms`,
        `debug [Lab] GET ${url} → 200 (5 ms) [retry 2]`,
      ]);
    });

    it('a 401 that signs in again says so', async () => {
      handler = (req, res) => (req.headers['zt-session'] === 'new-token-1234' ? json(res, 200, {}) : json(res, 401, {}));
      let token = 'old-token-1234';
      const log = collectLog();
      const auth: AuthHandler = { apply: async (h) => void (h['zt-session'] = token), reauthenticate: async () => void (token = 'new-token-1234') };
      await make({ log: log.log, now: ticking(), auth }).get('/y', 'read');
      assert.ok(log.lines.includes(`info [Lab] GET ${server.url}/api/v1/y → 401; signing in again`), log.lines.join('\n'));
    });

    it('a cancelled request, a timeout, a failure below HTTP and an oversized answer each leave their line', async () => {
      const log = collectLog();
      const controller = new AbortController();
      handler = (req, res) => {
        if (req.url?.endsWith('/cancel')) {
          controller.abort();
        } else if (req.url?.endsWith('/big')) {
          json(res, 200, { data: 'x'.repeat(200) });
        } // /slow never answers
      };
      const c = make({ log: log.log, timeoutMs: 150, retry: { retries: 0 } });
      await rejection(c.get('/cancel', 'read', { signal: controller.signal }));
      await rejection(c.get('/slow', 'read'));
      await rejection(c.get('/big', 'read', { maxResponseBytes: 100 }));
      const port = await freePort();
      await rejection(new HttpClient({ connectionId: 'c2', connectionLabel: 'Lab', baseURL: `http://127.0.0.1:${port}`, log: log.log }).get('/gone', 'read'));
      assert.deepStrictEqual(log.lines, [
        `debug [Lab] GET ${server.url}/api/v1/cancel cancelled`,
        `debug [Lab] GET ${server.url}/api/v1/slow timed out after 150 ms`,
        `warn [Lab] GET ${server.url}/api/v1/big failed: the response body is larger than 100 bytes`,
        `debug [Lab] GET http://127.0.0.1:${port}/gone failed: cannot reach http://127.0.0.1:${port} (connection refused, ECONNREFUSED)`,
      ]);
    });
  });

  describe('errors', () => {
    it('an answer too large only once decompressed says so', async () => {
      const zipped = zlib.gzipSync(Buffer.from(JSON.stringify({ data: '0'.repeat(5000) })));
      handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length }).end(zipped);
      const e = await rejection(make().get('/x', 'read', { maxResponseBytes: 1000 }));
      assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
      assert.match(e.summary, /^the server sent too much: the answer is larger than .+ once decompressed, the limit for this call; it was not read further$/);
    });

    it('a POST with a null body is sent (there is nothing in it to scrub)', async () => {
      handler = (_req, res) => json(res, 200, { ok: true });
      assert.deepStrictEqual((await make().post('/x', null, 'send')).data, { ok: true });
      assert.strictEqual(server.requests[0].method, 'POST');
    });

    it('a connection dropped every time is retried as often as configured, then reported', async () => {
      handler = (req) => req.socket.destroy();
      const e = await rejection(make({ sleep: recordingSleep().sleep, retry: { retries: 2 } }).get('/x', 'read'));
      assert.strictEqual(e.kind, 'network');
      assert.strictEqual(server.requests.length, 3);
    });

    it('the Retry-After of the final error is read with the injected clock and capped at maxDelayMs', async () => {
      const now = Date.parse('2030-01-01T00:00:00Z');
      handler = (_req, res, _b, i) => json(res, 429, {}, { 'retry-after': i === 0 ? new Date(now + 5000).toUTCString() : '100' });
      const c = make({ now: () => now, retry: { retries: 0, maxDelayMs: 30_000 } });
      assert.strictEqual((await rejection(c.get('/x', 'read'))).retryAfterMs, 5000);
      assert.strictEqual((await rejection(c.get('/x', 'read'))).retryAfterMs, 30_000);
    });

    it("an AuthHandler's own ApiError is passed on as it is; any other failure of apply() is an auth error, or cancelled when the request was", async () => {
      handler = (_req, res) => json(res, 200, {});
      const own = new ApiError({ kind: 'network', connectionLabel: 'Lab', operation: 'sign in', summary: 'the identity provider is down' });
      assert.strictEqual(await rejection(make({ auth: { apply: async () => Promise.reject(own) } }).get('/x', 'read')), own);

      const failing = await rejection(make({ auth: { apply: async () => Promise.reject(new Error('no stored key sk-9f8e7d6c')), secrets: () => ['sk-9f8e7d6c'] } }).get('/x', 'read'));
      assert.strictEqual(failing.kind, 'auth');
      assert.strictEqual(failing.message, 'Lab: read failed: signing in failed: no stored key «redacted»');

      const controller = new AbortController();
      const auth: AuthHandler = {
        apply: async () => {
          controller.abort();
          throw new Error('interrupted');
        },
      };
      assert.strictEqual((await rejection(make({ auth }).get('/x', 'read', { signal: controller.signal }))).kind, 'cancelled');
      assert.strictEqual(server.requests.length, 0);
    });

    it('a failing re-authentication scrubs the secrets of the handler from its message', async () => {
      handler = (_req, res) => json(res, 401, {});
      const auth: AuthHandler = {
        apply: async (h) => void (h.authorization = 'Bearer old-token-1234'),
        reauthenticate: async () => Promise.reject(new Error('refresh token rt-5566778899 was revoked')),
        secrets: () => ['rt-5566778899'],
      };
      const e = await rejection(make({ auth }).get('/x', 'list environments'));
      assert.strictEqual(e.message, 'Lab: list environments failed: signing in failed: refresh token «redacted» was revoked');
    });

    it('a wait that fails for another reason than cancellation passes that failure on', async () => {
      handler = (_req, res) => json(res, 503, {});
      const broken = new Error('the timer broke');
      const controller = new AbortController();
      const c = make({ sleep: async () => Promise.reject(broken) });
      await assert.rejects(c.get('/x', 'read', { signal: controller.signal }), (e) => e === broken);
    });
  });

  describe('sessions', () => {
    it('a token that expires again later signs in again', async () => {
      let valid = 'token-1-abcdef';
      handler = (req, res) => (req.headers['zt-session'] === valid ? json(res, 200, {}) : json(res, 401, {}));
      let token = 'token-0-abcdef';
      let reauths = 0;
      const auth: AuthHandler = {
        apply: async (h) => void (h['zt-session'] = token),
        reauthenticate: async () => void (token = `token-${++reauths}-abcdef`),
      };
      const c = make({ auth });
      await c.get('/a', 'read');
      valid = 'token-2-abcdef'; // the server ends the session
      await c.get('/b', 'read');
      assert.strictEqual(reauths, 2);
    });

    it('plain-HTTP requests keep their connection alive', async () => {
      handler = (_req, res) => json(res, 200, {});
      const c = make();
      await c.get('/a', 'read');
      assert.strictEqual(server.requests[0].headers.connection, 'keep-alive');
      c.dispose();
    });

    it('dispose closes the connections it kept alive', async () => {
      let onClose: () => void = () => undefined;
      const closed = new Promise<void>((resolve) => (onClose = resolve));
      handler = (req, res) => {
        req.socket.once('close', onClose);
        json(res, 200, {});
      };
      const c = make();
      await c.get('/a', 'read');
      c.dispose();
      const outcome = await Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after a second'), 1000))]);
      assert.strictEqual(outcome, 'closed');
    });

    it('a plain-HTTP target the no-proxy list names goes direct', async () => {
      handler = (_req, res) => json(res, 200, { direct: true });
      const proxyPort = await freePort(); // nothing listens: going through the proxy would fail
      const c = make({ proxy: { url: `http://127.0.0.1:${proxyPort}`, strictSSL: true, noProxy: ['127.0.0.1'] } });
      assert.deepStrictEqual((await c.get('/a', 'read')).data, { direct: true });
      c.dispose();
    });
  });

  it('with probeUntrustedCertificate: false an untrusted certificate is reported without reading it', async () => {
    const selfSigned = await startHttps((_req, res) => json(res, 200, {}), pki().selfSigned);
    try {
      const c = new HttpClient({ connectionId: 'c3', connectionLabel: 'Lab', baseURL: selfSigned.url, probeUntrustedCertificate: false });
      const e = await rejection(c.get('/x', 'read'));
      assert.strictEqual(e.kind, 'untrusted-certificate');
      assert.strictEqual(e.peerCertificate, undefined);
      c.dispose();
    } finally {
      await selfSigned.close();
    }
  });
});
