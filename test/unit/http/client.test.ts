// HttpClient over real local HTTP: retries, Retry-After, 401 re-authentication, cancellation, timeouts, network
// failures, same-origin links and redaction.
import * as assert from 'assert';
import { type AuthHandler, HttpClient, type HttpClientOptions, toAbortSignal } from '../../../src/http';
import { collectLog, freePort, type Handler, json, recordingSleep, rejection, startHttp, type TestServer } from './helpers';

describe('http/client', () => {
  let server: TestServer;
  let handler: Handler;

  beforeEach(async () => {
    server = await startHttp((req, res, body, i) => handler(req, res, body, i));
  });
  afterEach(() => server.close());

  function make(extra: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab', baseURL: `${server.url}/api/v1`, ...extra });
  }

  describe('requests', () => {
    it('joins relative URLs to the base, serialises params, sends JSON and parses JSON', async () => {
      handler = (req, res, body) => json(res, 200, { data: { echo: body ? JSON.parse(body) : null, url: req.url } });
      const c = make();
      const r = await c.post<{ data: { echo: unknown; url: string } }>('./sessions', { a: 1 }, 'create', { params: { filter: 'name contains "x"', roleFilter: ['#a', '#b'], skip: undefined } });
      assert.strictEqual(r.status, 200);
      assert.deepStrictEqual(r.data.data.echo, { a: 1 });
      const u = new URL(r.data.data.url, server.url);
      assert.strictEqual(u.pathname, '/api/v1/sessions');
      assert.strictEqual(u.searchParams.get('filter'), 'name contains "x"');
      assert.deepStrictEqual(u.searchParams.getAll('roleFilter'), ['#a', '#b']);
      assert.ok(!u.searchParams.has('skip'));
      assert.strictEqual(server.requests[0].headers['content-type'], 'application/json');
      assert.strictEqual(server.requests[0].headers['user-agent'], 'session-manager');
    });

    it('follows an absolute same-origin link and refuses another origin before sending anything', async () => {
      handler = (_req, res) => json(res, 200, { ok: true });
      const c = make();
      await c.get(`${server.url}/api/v1/x?cursor=abc`, 'next page');
      assert.strictEqual(server.requests[0].url, '/api/v1/x?cursor=abc');
      const e = await rejection(c.get('https://evil.example.com/steal', 'next page'));
      assert.strictEqual(e.kind, 'invalid-response');
      assert.match(e.message, /refused to follow a link to another origin \(https:\/\/evil\.example\.com/);
      assert.strictEqual(server.requests.length, 1);
    });

    it("responseType 'text' returns the body as a string", async () => {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/pkcs7-mime' });
        res.end('MIIBase64==');
      };
      const r = await make().get<string>('/.well-known/est/cacerts', 'fetch CA bundle', { responseType: 'text', authenticate: false });
      assert.strictEqual(r.data, 'MIIBase64==');
      assert.strictEqual(r.headers['content-type'], 'application/pkcs7-mime');
    });

    it('does not follow redirects (they could carry credentials elsewhere)', async () => {
      handler = (_req, res) => {
        res.writeHead(302, { location: 'https://elsewhere.example.com/login' });
        res.end();
      };
      const e = await rejection(make().get('/x', 'read'));
      assert.strictEqual(e.status, 302);
      assert.match(e.message, /redirected to https:\/\/elsewhere\.example\.com\/login/);
      assert.strictEqual(server.requests.length, 1);
    });
  });

  describe('retries', () => {
    it('retries a 429 after Retry-After seconds', async () => {
      handler = (_req, res, _b, i) => (i === 0 ? json(res, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '2' }) : json(res, 200, { ok: 1 }));
      const s = recordingSleep();
      const r = await make({ sleep: s.sleep }).get<{ ok: number }>('/sessions', 'list sessions');
      assert.deepStrictEqual(r.data, { ok: 1 });
      assert.deepStrictEqual(s.delays, [2000]);
      assert.strictEqual(server.requests.length, 2);
    });

    it('retries a 429 after a Retry-After HTTP-date (relative to the injected clock), capped at maxDelayMs', async () => {
      const now = Date.parse('2025-06-01T10:00:00Z');
      handler = (_req, res, _b, i) => {
        if (i === 0) {
          return json(res, 429, {}, { 'retry-after': 'Sun, 01 Jun 2025 10:00:05 GMT' });
        }
        if (i === 1) {
          return json(res, 429, {}, { 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' });
        }
        return json(res, 200, {});
      };
      const s = recordingSleep();
      await make({ sleep: s.sleep, now: () => now, retry: { maxDelayMs: 10_000 } }).get('/sessions', 'list sessions');
      assert.deepStrictEqual(s.delays, [5000, 10_000]);
    });

    it('retries 503 then succeeds, with jittered exponential backoff when there is no Retry-After', async () => {
      handler = (_req, res, _b, i) => (i < 2 ? json(res, 503, { error: { code: 'UNAVAILABLE' } }) : json(res, 200, { data: [] }));
      const s = recordingSleep();
      await make({ sleep: s.sleep, random: () => 0.5, retry: { baseDelayMs: 100 } }).get('/sessions', 'list sessions');
      assert.deepStrictEqual(s.delays, [50, 100]);
      assert.strictEqual(server.requests.length, 3);
    });

    it('retries 502 and 504 for idempotent requests', async () => {
      handler = (_req, res, _b, i) => (i === 0 ? json(res, 502, {}) : i === 1 ? json(res, 504, {}) : json(res, 200, {}));
      const s = recordingSleep();
      await make({ sleep: s.sleep }).delete('/sessions/1', 'revoke session');
      assert.strictEqual(server.requests.length, 3);
    });

    it('retries a GET whose connection was dropped (ECONNRESET / socket hang up)', async () => {
      handler = (req, res, _b, i) => (i === 0 ? req.socket.destroy() : json(res, 200, { ok: true }));
      const s = recordingSleep();
      const log = collectLog();
      const r = await make({ sleep: s.sleep, log: log.log }).get('/sessions', 'list sessions');
      assert.deepStrictEqual(r.data, { ok: true });
      assert.strictEqual(server.requests.length, 2);
      assert.strictEqual(s.delays.length, 1);
      assert.ok(log.lines.some((l) => /connection dropped; retry 1\/3/.test(l)), log.lines.join('\n'));
    });

    it('does not retry a POST whose connection was dropped', async () => {
      handler = (req, res, _b, i) => (i === 0 ? req.socket.destroy() : json(res, 201, { data: { id: 'x' } }));
      const s = recordingSleep();
      const e = await rejection(make({ sleep: s.sleep }).post('/enrollments', { method: 'ott' }, 'create enrollment'));
      assert.strictEqual(e.kind, 'network');
      assert.match(e.message, /^Lab: create enrollment failed: cannot reach http:\/\/127\.0\.0\.1:\d+ \(connection reset, ECONNRESET\)$/);
      assert.strictEqual(server.requests.length, 1);
      assert.deepStrictEqual(s.delays, []);
    });

    it('does not retry a POST on 500 (nor on 503)', async () => {
      handler = (_req, res) => json(res, 500, { code: 'UNEXPECTED_ERROR', message: 'boom', id: 'e1' });
      const s = recordingSleep();
      const c = make({ sleep: s.sleep });
      const e = await rejection(c.post('/x', {}, 'create thing'));
      assert.strictEqual(e.status, 500);
      handler = (_req, res) => json(res, 503, {});
      const e2 = await rejection(c.post('/x', {}, 'create thing'));
      assert.strictEqual(e2.status, 503);
      assert.strictEqual(server.requests.length, 2);
      assert.deepStrictEqual(s.delays, []);
    });

    it('retries a POST on 429 only when Retry-After says when', async () => {
      handler = (_req, res, _b, i) => (i === 0 ? json(res, 429, {}, { 'retry-after': '1' }) : i === 1 ? json(res, 429, {}) : json(res, 200, {}));
      const s = recordingSleep();
      const e = await rejection(make({ sleep: s.sleep }).post('/authenticate', {}, 'sign in', { authenticate: false }));
      assert.strictEqual(e.status, 429);
      assert.deepStrictEqual(s.delays, [1000]);
      assert.strictEqual(server.requests.length, 2);
    });

    it('a DELETE retried after a dropped connection says an earlier attempt may have succeeded (404 on the retry)', async () => {
      // The server performs the first DELETE, then the connection drops before the answer: the retry finds nothing.
      const gone = new Set<string>();
      handler = (req, res) => {
        if (gone.has(req.url ?? '')) {
          json(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
          return;
        }
        gone.add(req.url ?? '');
        req.socket.destroy();
      };
      const s = recordingSleep();
      const e = await rejection(make({ sleep: s.sleep }).delete('/sessions/s1', 'revoke the session'));
      assert.strictEqual(e.status, 404);
      assert.strictEqual(e.earlierAttemptMayHaveSucceeded, true);
      assert.strictEqual(server.requests.length, 2);
    });

    it('a 502 or 504 before the answer also marks the result; 429, 503 and first attempts do not', async () => {
      const s = recordingSleep();
      const c = make({ sleep: s.sleep });
      for (const [first, expected] of [[502, true], [504, true], [429, false], [503, false]] as const) {
        handler = (_req, res, _b, i) => (i % 2 === 0 ? json(res, first, {}) : json(res, 404, { error: { code: 'NOT_FOUND' } }));
        server.requests.length = 0;
        const e = await rejection(c.delete('/sessions/s1', 'revoke the session'));
        assert.strictEqual(e.status, 404);
        assert.strictEqual(e.earlierAttemptMayHaveSucceeded, expected, `after ${first}`);
      }
      handler = (_req, res) => json(res, 404, { error: { code: 'NOT_FOUND' } });
      server.requests.length = 0;
      assert.strictEqual((await rejection(c.delete('/sessions/s1', 'revoke the session'))).earlierAttemptMayHaveSucceeded, false);
      handler = (_req, res, _b, i) => (i % 2 === 0 ? json(res, 504, {}) : json(res, 200, {}));
      server.requests.length = 0;
      const ok = await c.delete('/sessions/s2', 'revoke the session');
      assert.strictEqual(ok.earlierAttemptMayHaveSucceeded, true, 'a success after a 504 says so too');
      handler = (_req, res) => json(res, 200, {});
      assert.strictEqual((await c.delete('/sessions/s3', 'revoke the session')).earlierAttemptMayHaveSucceeded, false);
    });

    it('gives up after the configured retries with an error carrying the status and Retry-After', async () => {
      handler = (_req, res) => json(res, 503, { error: { code: 'UNAVAILABLE', message: 'try later', requestId: 'r9' } }, { 'retry-after': '1' });
      const s = recordingSleep();
      const e = await rejection(make({ sleep: s.sleep, retry: { retries: 2 } }).get('/sessions', 'list sessions'));
      assert.strictEqual(e.kind, 'http');
      assert.strictEqual(e.status, 503);
      assert.strictEqual(e.vendorCode, 'UNAVAILABLE');
      assert.strictEqual(e.retryAfterMs, 1000);
      assert.strictEqual(server.requests.length, 3);
      assert.deepStrictEqual(s.delays, [1000, 1000]);
    });
  });

  describe('re-authentication on 401', () => {
    function tokenAuth(state: { token: string; reauths: number; delayMs?: number }): AuthHandler {
      return {
        apply: async (h) => {
          h['zt-session'] = state.token;
        },
        reauthenticate: async () => {
          state.reauths++;
          await new Promise((r) => setTimeout(r, state.delayMs ?? 0));
          state.token = `token-v${state.reauths + 1}-abcdef`;
        },
        secrets: () => [state.token],
      };
    }

    it('re-authenticates once and repeats the request', async () => {
      handler = (req, res) => (req.headers['zt-session'] === 'token-v2-abcdef' ? json(res, 200, { data: 'ok' }) : json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'expired' } }));
      const state = { token: 'token-v1-abcdef', reauths: 0 };
      const r = await make({ auth: tokenAuth(state) }).post<{ data: string }>('/sessions', {}, 'create');
      assert.strictEqual(r.data.data, 'ok');
      assert.strictEqual(state.reauths, 1);
      assert.deepStrictEqual(server.requests.map((q) => q.headers['zt-session']), ['token-v1-abcdef', 'token-v2-abcdef']);
    });

    it('concurrent 401s share one re-authentication', async () => {
      handler = (req, res) => (req.headers['zt-session'] === 'token-v2-abcdef' ? json(res, 200, { n: req.url }) : json(res, 401, { error: { code: 'UNAUTHORIZED' } }));
      const state = { token: 'token-v1-abcdef', reauths: 0, delayMs: 30 };
      const c = make({ auth: tokenAuth(state) });
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => c.get<{ n: string }>(`/s/${n}`, 'read')));
      assert.deepStrictEqual(results.map((r) => r.data.n), ['/api/v1/s/1', '/api/v1/s/2', '/api/v1/s/3', '/api/v1/s/4', '/api/v1/s/5']);
      assert.strictEqual(state.reauths, 1);
    });

    it('a request started while re-authentication is running waits for it instead of using the stale token', async () => {
      handler = (req, res) => (req.headers['zt-session'] === 'token-v2-abcdef' ? json(res, 200, {}) : json(res, 401, {}));
      const state = { token: 'token-v1-abcdef', reauths: 0 };
      let late: Promise<unknown> | undefined;
      const auth = tokenAuth(state);
      const c = make({
        auth: {
          ...auth,
          reauthenticate: async () => {
            setTimeout(() => (late = c.get('/late', 'read')), 0);
            await new Promise((r) => setTimeout(r, 30));
            await auth.reauthenticate?.();
          },
        },
      });
      await c.get('/first', 'read');
      await late;
      assert.strictEqual(state.reauths, 1);
      assert.deepStrictEqual(
        server.requests.filter((q) => q.url === '/api/v1/late').map((q) => q.headers['zt-session']),
        ['token-v2-abcdef'],
      );
    });

    it("requests that are steps of the re-authentication (signInStep) do not wait for it, and carry the new token", async () => {
      // As an OpenZiti MFA sign-in: a new partial token, then POST /authenticate/mfa and GET /current-api-session
      // with it. Without signInStep they would wait for the re-authentication they belong to: a deadlock.
      handler = (req, res) => (req.headers['zt-session'] === 'token-v2-abcdef' ? json(res, 200, { url: req.url }) : json(res, 401, {}));
      const state = { token: 'token-v1-abcdef', reauths: 0 };
      const c: HttpClient = make({
        auth: {
          apply: async (h) => void (h['zt-session'] = state.token),
          reauthenticate: async () => {
            state.reauths++;
            state.token = 'token-v2-abcdef';
            await c.post('/authenticate/mfa', { code: '123456' }, 'answer the MFA challenge', { signInStep: true });
            await c.get('/current-api-session', 'read the API session', { signInStep: true });
          },
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error('deadlock: the sign-in waited for itself')), 3_000);
      });
      try {
        const r = await Promise.race([c.get<{ url: string }>('/sessions', 'list sessions'), hung]);
        assert.strictEqual(r.data.url, '/api/v1/sessions');
      } finally {
        clearTimeout(timer);
      }
      assert.strictEqual(state.reauths, 1);
      assert.deepStrictEqual(
        server.requests.map((q) => `${q.method} ${q.url} ${String(q.headers['zt-session'])}`),
        [
          'GET /api/v1/sessions token-v1-abcdef',
          'POST /api/v1/authenticate/mfa token-v2-abcdef',
          'GET /api/v1/current-api-session token-v2-abcdef',
          'GET /api/v1/sessions token-v2-abcdef',
        ],
      );
    });

    it('a 401 on a signInStep request is an auth error at once (no new sign-in)', async () => {
      handler = (_req, res) => json(res, 401, { data: {}, meta: {} });
      const state = { token: 'token-v1-abcdef', reauths: 0 };
      const e = await rejection(make({ auth: tokenAuth(state) }).post('/authenticate/mfa', { code: '000000' }, 'answer the MFA challenge', { signInStep: true }));
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.status, 401);
      assert.strictEqual(state.reauths, 0);
      assert.strictEqual(server.requests.length, 1);
      assert.strictEqual(server.requests[0].headers['zt-session'], 'token-v1-abcdef', 'the current credentials are applied');
    });

    it('a 401 after re-authentication is an auth error', async () => {
      handler = (_req, res) => json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'The request could not be completed. The session is not authorized or the credentials are invalid', requestId: 'q1' } });
      const state = { token: 'token-v1-abcdef', reauths: 0 };
      const e = await rejection(make({ auth: tokenAuth(state) }).get('/sessions', 'list sessions'));
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.status, 401);
      assert.strictEqual(e.vendorCode, 'UNAUTHORIZED');
      assert.strictEqual(state.reauths, 1);
      assert.strictEqual(server.requests.length, 2);
    });

    it('without reauthenticate a 401 is an auth error at once', async () => {
      handler = (_req, res) => json(res, 401, { errorCode: 'KStatusUnauthorized', message: 'Token expired' });
      const e = await rejection(make({ auth: { apply: async (h) => void (h.apikey = 'key-123456') } }).get('/clusters', 'test connection'));
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.message, 'Lab: test connection failed: 401 KStatusUnauthorized — Token expired');
      assert.strictEqual(server.requests.length, 1);
    });

    it('a failing re-authentication surfaces as kind auth', async () => {
      handler = (_req, res) => json(res, 401, {});
      const auth: AuthHandler = {
        apply: async (h) => void (h.authorization = 'Bearer old-token-1234'),
        reauthenticate: async () => {
          throw new Error('password rejected');
        },
      };
      const e = await rejection(make({ auth }).get('/x', 'list environments'));
      assert.strictEqual(e.kind, 'auth');
      assert.match(e.message, /signing in failed: password rejected/);
    });

    it('authenticate: false skips the handler', async () => {
      handler = (_req, res) => json(res, 200, {});
      let applied = 0;
      await make({ auth: { apply: async () => void applied++ } }).get('/version', 'read version', { authenticate: false });
      assert.strictEqual(applied, 0);
      assert.strictEqual(server.requests[0].headers['zt-session'], undefined);
    });
  });

  describe('failures below HTTP', () => {
    it('ECONNREFUSED → network, "cannot reach"', async () => {
      const port = await freePort();
      const s = recordingSleep();
      const c = new HttpClient({ connectionId: 'c', connectionLabel: 'Down', baseURL: `http://127.0.0.1:${port}/v1`, sleep: s.sleep });
      const e = await rejection(c.get('/x', 'list sessions'));
      assert.strictEqual(e.kind, 'network');
      assert.strictEqual(e.message, `Down: list sessions failed: cannot reach http://127.0.0.1:${port} (connection refused, ECONNREFUSED)`);
      assert.deepStrictEqual(s.delays, [], 'a refused connection is not retried');
    });

    it('ENOTFOUND → network', async () => {
      const c = new HttpClient({ connectionId: 'c', connectionLabel: 'Nowhere', baseURL: 'https://no-such-host.invalid:8443/v1' });
      const e = await rejection(c.get('/x', 'test connection'));
      assert.strictEqual(e.kind, 'network');
      assert.match(e.message, /cannot reach https:\/\/no-such-host\.invalid:8443 \(host name (not found|lookup failed)/);
    });

    it('no answer within timeoutMs → timeout, not retried', async () => {
      handler = () => undefined; // never answers
      const s = recordingSleep();
      const e = await rejection(make({ timeoutMs: 150, sleep: s.sleep }).get('/slow', 'list sessions'));
      assert.strictEqual(e.kind, 'timeout');
      assert.match(e.message, /^Lab: list sessions failed: http:\/\/127\.0\.0\.1:\d+ did not answer within 150 ms$/);
      assert.strictEqual(server.requests.length, 1);
      assert.deepStrictEqual(s.delays, []);
    });

    it('a timeout of whole seconds is said in seconds', async () => {
      handler = () => undefined; // never answers
      const e = await rejection(make({ timeoutMs: 1000, sleep: recordingSleep().sleep }).get('/slow', 'list sessions'));
      assert.match(e.message, /^Lab: list sessions failed: http:\/\/127\.0\.0\.1:\d+ did not answer within 1 s$/);
    });

    it('a timeout of a fraction of a second above one second is said in milliseconds', async () => {
      handler = () => undefined; // never answers
      const e = await rejection(make({ timeoutMs: 1500, sleep: recordingSleep().sleep }).get('/slow', 'list sessions'));
      assert.match(e.message, /^Lab: list sessions failed: http:\/\/127\.0\.0\.1:\d+ did not answer within 1500 ms$/);
    });
  });

  describe('cancellation', () => {
    it('aborting mid-request → cancelled', async () => {
      const controller = new AbortController();
      handler = () => controller.abort(); // the request arrived; cancel while it waits for the answer
      const e = await rejection(make().get('/slow', 'list sessions', { signal: controller.signal }));
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.message, 'Lab: list sessions failed: cancelled');
      assert.strictEqual(server.requests.length, 1);
    });

    it('cancelling during a retry wait stops retrying', async () => {
      handler = (_req, res) => json(res, 503, {});
      const controller = new AbortController();
      const s = recordingSleep(() => controller.abort());
      const e = await rejection(make({ sleep: s.sleep }).get('/x', 'list sessions', { signal: controller.signal }));
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(server.requests.length, 1);
      assert.strictEqual(s.delays.length, 1);
    });

    it('the default sleep is interrupted by the signal', async () => {
      handler = (_req, res) => json(res, 429, {}, { 'retry-after': '600' });
      const controller = new AbortController();
      const c = make({ retry: { maxDelayMs: 600_000 } });
      const p = c.get('/x', 'list sessions', { signal: controller.signal });
      // Abort once the 429 was answered (the client is then in its 10-minute wait).
      while (server.requests.length === 0) {
        await new Promise((r) => setTimeout(r, 5));
      }
      setTimeout(() => controller.abort(), 20);
      const e = await rejection(p);
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(server.requests.length, 1);
    });

    it('an already-aborted signal sends nothing', async () => {
      handler = (_req, res) => json(res, 200, {});
      const e = await rejection(make().get('/x', 'read', { signal: AbortSignal.abort() }));
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(server.requests.length, 0);
    });

    it('toAbortSignal follows a CancellationToken-like object', () => {
      const listeners: (() => void)[] = [];
      let disposed = 0;
      const token = {
        isCancellationRequested: false,
        onCancellationRequested: (l: () => void) => {
          listeners.push(l);
          return { dispose: () => void disposed++ };
        },
      };
      const signal = toAbortSignal(token);
      assert.ok(signal && !signal.aborted);
      listeners.forEach((l) => l());
      assert.ok(signal.aborted);
      assert.strictEqual(disposed, 1);
      assert.ok(toAbortSignal({ isCancellationRequested: true, onCancellationRequested: () => ({ dispose: () => undefined }) })?.aborted);
      assert.strictEqual(toAbortSignal(undefined), undefined);
    });
  });

  describe('redaction', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl';
    const token = 'tok-SECRET-4f9a8b7c6d';

    it('a token the auth handler applies and the server echoes never reaches the message, details or log', async () => {
      handler = (req, res) =>
        json(res, 400, {
          id: 'e-1',
          code: 'INVALID_DATA',
          message: `bad session ${String(req.headers['zt-session'])} with ${String(req.headers.authorization)}`,
          details: [{ target: 'token', message: `got ${String(req.headers['zt-session'])}` }],
        });
      const log = collectLog();
      const auth: AuthHandler = {
        apply: async (h) => {
          h['zt-session'] = token;
          h.authorization = `Bearer ${jwt}`;
        },
      };
      const c = make({ auth, log: log.log });
      const e = await rejection(c.get(`/sessions?access_token=${token}`, 'list sessions'));
      const everything = [e.message, ...(e.details ?? []), ...log.lines].join('\n');
      assert.ok(!everything.includes(token), everything);
      assert.ok(!everything.includes(jwt), everything);
      assert.ok(e.message.includes('INVALID_DATA'));
      assert.ok(log.lines.some((l) => /GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sessions\?access_token=(redacted|«redacted») → 400/.test(l)), log.lines.join('\n'));
      assert.strictEqual(server.requests[0].headers['zt-session'], token, 'the token was really sent');
    });

    it('secrets() values and password fields of the request body are scrubbed from errors', async () => {
      handler = (_req, res, body) => json(res, 401, { code: 401, error: 'invalid_credentials', message: `no user for ${body}` });
      const c = make({ auth: { apply: async () => undefined, secrets: () => ['api-key-777888'] } });
      const e = await rejection(c.post('/tokens', { username: 'alice', password: 'hunter2-pass', note: 'api-key-777888' }, 'sign in'));
      assert.ok(!e.message.includes('hunter2-pass'), e.message);
      assert.ok(!e.message.includes('api-key-777888'), e.message);
      assert.ok(e.message.includes('alice'));
    });

    it('the MFA answer {code} the extension sends (also a recovery code) is scrubbed when the server echoes it', async () => {
      handler = (_req, res, body) => res.writeHead(401, { 'content-type': 'text/plain' }).end(`rejected ${body} for session`);
      const log = collectLog();
      const c = make({ log: log.log });
      for (const code of ['123456', 'rc7-Hq2x-9ZkP']) {
        const e = await rejection(c.post('/authenticate/mfa', { code }, 'answer the MFA challenge', { authenticate: false }));
        assert.ok(!e.message.includes(code), e.message);
      }
      assert.ok(!log.lines.join('\n').includes('rc7-Hq2x-9ZkP'));
    });

    it('scrubs the values of secret headers and body fields wherever the server echoes them, however bare', async () => {
      // The server echoes the values alone (no key beside them), so only the request's own secrets can find them.
      handler = (req, res, body) => {
        const values = (req.headers['content-type'] ?? '').includes('json') ? Object.values(JSON.parse(body) as Record<string, unknown>) : [...new URLSearchParams(body).values()];
        const token = String(req.headers['x-auth-token'] ?? '').split(/\s+/)[1] ?? '';
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`echo ${token} ${String(req.headers['x-trace'] ?? '')} ${values.join(' ')}`);
      };
      const c = make({ retry: { retries: 0 } });
      const headers = { 'X-Auth-Token': 'Token  tk-abcdef', 'X-Trace': 'trace-id-123' };
      const json = await rejection(c.post('/a', { password: 'pw-secret-77', user: 'bob-the-user', passwd: 'pw4x', secret: 'x1' }, 'sign in', { headers }));
      assert.strictEqual(json.summary, '500 Internal Server Error — echo «redacted» trace-id-123 «redacted» bob-the-user «redacted» x1', 'secrets of 4 characters and more');
      const form = await rejection(c.post('/a', new URLSearchParams({ client_secret: 'cs-secret-88', code: 'rc7-Hq2x', password: 'pw4x', scope: 'read-all' }), 'sign in', { headers }));
      assert.strictEqual(form.summary, '500 Internal Server Error — echo «redacted» trace-id-123 «redacted» «redacted» «redacted» read-all');
    });

    it('logs method, URL, status and duration, never header values or bodies', async () => {
      handler = (_req, res) => json(res, 200, { data: { token: 'server-issued-secret-1' } });
      const log = collectLog();
      const c = make({ log: log.log, auth: { apply: async (h) => void (h['session-id'] = 'sid-0123456789') } });
      const r = await c.post<{ data: { token: string } }>('/users/sessions', { password: 'pw-abcdef' }, 'sign in');
      assert.strictEqual(r.data.data.token, 'server-issued-secret-1');
      const all = log.lines.join('\n');
      assert.match(all, /debug \[Lab\] POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users\/sessions → 200 \(\d+ ms\)/);
      for (const secret of ['sid-0123456789', 'pw-abcdef', 'server-issued-secret-1']) {
        assert.ok(!all.includes(secret), `${secret} in log: ${all}`);
      }
    });
  });
});

describe('http/client resolveUrl and raceSignal (no server)', () => {
  const client = new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab', baseURL: 'https://ctrl.example:8441/edge/v1/' });

  it('resolveUrl: relative paths, queries, parameters and links of the same origin', () => {
    const CASES: [string, Record<string, unknown> | undefined, string][] = [
      ['', undefined, 'https://ctrl.example:8441/edge/v1'],
      ['./', undefined, 'https://ctrl.example:8441/edge/v1'],
      ['sessions', undefined, 'https://ctrl.example:8441/edge/v1/sessions'],
      ['./sessions', undefined, 'https://ctrl.example:8441/edge/v1/sessions'],
      ['//sessions', undefined, 'https://ctrl.example:8441/edge/v1/sessions'],
      ['?limit=5', undefined, 'https://ctrl.example:8441/edge/v1?limit=5'],
      ['sessions', { limit: 5, filter: undefined, sort: null, id: ['a', 'b'], on: true }, 'https://ctrl.example:8441/edge/v1/sessions?limit=5&id=a&id=b&on=true'],
      ['?x=1', { y: 'a b' }, 'https://ctrl.example:8441/edge/v1?x=1&y=a+b'],
      ['HTTPS://CTRL.example:8441/other?page=2', undefined, 'https://ctrl.example:8441/other?page=2'],
      // A colon later in a relative URL is no scheme; `./` and `/` are only dropped at its start.
      ['sessions?filter=a:b', undefined, 'https://ctrl.example:8441/edge/v1/sessions?filter=a:b'],
      ['a/./b', undefined, 'https://ctrl.example:8441/edge/v1/a/./b'],
      ['a//b', undefined, 'https://ctrl.example:8441/edge/v1/a//b'],
    ];
    for (const [url, params, full] of CASES) {
      assert.strictEqual(client.resolveUrl(url, params as never), full, url);
    }
  });

  it('a base URL: every trailing slash dropped; only http and https', () => {
    assert.strictEqual(new HttpClient({ connectionId: 'c', connectionLabel: 'L', baseURL: 'https://h.example/v1///' }).resolveUrl(''), 'https://h.example/v1');
    assert.throws(() => new HttpClient({ connectionId: 'c', connectionLabel: 'Lab', baseURL: 'ftp://h.example/' }), { message: 'Lab: unsupported URL scheme ftp:' });
  });

  it('resolveUrl: a link to another origin or an unparseable link is refused, naming the operation', () => {
    assert.throws(() => client.resolveUrl('https://evil.example/x', undefined, 'list sessions'), {
      name: 'ApiError',
      kind: 'invalid-response',
      message: 'Lab: list sessions failed: refused to follow a link to another origin (https://evil.example; this connection is https://ctrl.example:8441)',
    });
    assert.throws(() => client.resolveUrl('http://ctrl.example:8441/x'), { message: /^Lab: request failed: refused to follow a link to another origin \(http:\/\/ctrl\.example:8441;/ });
    assert.throws(() => client.resolveUrl('https://exa mple/?token=abcdef', undefined, 'next page'), {
      message: 'Lab: next page failed: the link https://exa mple/?token=«redacted» is not a valid URL',
    });
  });

  it('raceSignal: the promise as it is without a signal; an abort before or during rejects; a settled promise releases the signal', async () => {
    const { raceSignal } = await import('../../../src/http/client');
    assert.strictEqual(await raceSignal(Promise.resolve(1), undefined), 1);
    const done = new AbortController();
    done.abort();
    await assert.rejects(raceSignal(Promise.resolve(1), done.signal), { name: 'AbortError', message: 'cancelled' });
    const later = new AbortController();
    const pending = raceSignal(new Promise<number>(() => undefined), later.signal);
    later.abort();
    await assert.rejects(pending, { name: 'AbortError', message: 'cancelled' });
    const ok = new AbortController();
    assert.strictEqual(await raceSignal(Promise.resolve(2), ok.signal), 2);
    await assert.rejects(raceSignal(Promise.reject(new Error('boom')), ok.signal), { message: 'boom' });
    // Once settled, an abort of the signal no longer reaches the race (its listener was removed).
    const seen: unknown[] = [];
    ok.signal.addEventListener = ((orig) =>
      function (this: AbortSignal, ...args: Parameters<AbortSignal['addEventListener']>) {
        seen.push(args[0]);
        return orig.apply(this, args);
      })(ok.signal.addEventListener);
    const removed: unknown[] = [];
    ok.signal.removeEventListener = ((orig) =>
      function (this: AbortSignal, ...args: Parameters<AbortSignal['removeEventListener']>) {
        removed.push(args[0]);
        return orig.apply(this, args);
      })(ok.signal.removeEventListener);
    await raceSignal(Promise.resolve(3), ok.signal);
    await raceSignal(Promise.reject(new Error('x')), ok.signal).catch(() => undefined);
    assert.deepStrictEqual([seen, removed], [['abort', 'abort'], ['abort', 'abort']]);
  });
});
