// The PingOne client against a scripted local HTTP server (answers the sandbox never gives): the exact requests
// (paths, query, client authentication), the shapes of answers it accepts or refuses, the token endpoint's refusals in
// the server's words, token expiry and renewal, 404 as "gone", and cancellation before any request.
import * as assert from 'assert';
import type * as http from 'http';
import type { ConnectionRecord } from '../../../src/model/connection';
import { PingOneClient, toEnvironmentInfo } from '../../../src/backends/pingone/client';
import type { PingOneEnvironment } from '../../../src/backends/pingone/models';
import { ApiError } from '../../../src/http/errors';
import { type TestServer, json, startHttp } from '../http/helpers';
import { doubles, rejection } from './doubles';

type Answer = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };

describe('backends/pingone client: requests and answers (scripted server)', () => {
  let server: TestServer;
  /** Answers by "METHOD path" (path with query); the token endpoint answers a token unless scripted. */
  let answers: Map<string, Answer | ((body: string) => Answer)>;
  const clients: PingOneClient[] = [];

  before(async () => {
    server = await startHttp((req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
      const key = `${req.method} ${req.url}`;
      const a = answers.get(key);
      const answer: Answer | undefined = typeof a === 'function' ? a(body) : a;
      if (!answer) {
        if (req.method === 'POST' && /\/as\/token$/.test(req.url ?? '')) {
          json(res, 200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 });
          return;
        }
        json(res, 404, { id: 'r-404', code: 'NOT_FOUND', message: `no route ${key}` });
        return;
      }
      if (answer.raw !== undefined) {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.raw);
      } else if (answer.body === undefined) {
        res.writeHead(answer.status, answer.headers);
        res.end();
      } else {
        json(res, answer.status, answer.body, answer.headers);
      }
    });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    answers = new Map();
    server.requests.length = 0;
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.dispose());
  });

  function record(auth: Partial<ConnectionRecord['auth']> = {}): ConnectionRecord {
    return {
      id: 'p1-scripted',
      backend: 'pingone',
      label: 'Scripted PingOne',
      endpoints: { region: 'custom', apiUrl: `${server.url}/v1`, authUrl: `${server.url}/auth` },
      auth: { method: 'clientCredentials', environmentId: 'wenv', clientId: 'app', clientAuth: 'post', ...auth },
      source: 'user',
    };
  }

  function client(o: { auth?: Partial<ConnectionRecord['auth']>; secret?: string; now?: () => number; d?: ReturnType<typeof doubles>; pageSize?: number } = {}): PingOneClient {
    const d = o.d ?? doubles();
    const deps = o.now ? { ...d.deps, now: o.now } : d.deps;
    const c = new PingOneClient(record(o.auth), { clientSecret: o.secret ?? 's3cret' }, deps, { http: { sleep: async () => undefined, retry: { retries: 0 } }, pageSize: o.pageSize });
    clients.push(c);
    return c;
  }

  const apiRequests = (): string[] => server.requests.filter((r) => r.url.startsWith('/v1/')).map((r) => `${r.method} ${r.url}`);

  describe('client authentication at the token endpoint', () => {
    it('sends Basic with both parts form-encoded when the style is basic or not set, and only the grant in the form', async () => {
      for (const clientAuth of ['basic', undefined] as const) {
        server.requests.length = 0;
        await client({ auth: { clientAuth, clientId: 'app:1 é' }, secret: 'p&ss:w' }).signIn();
        const [r] = server.requests;
        assert.strictEqual(`${r.method} ${r.url}`, 'POST /auth/wenv/as/token');
        const expected = Buffer.from(`${encodeURIComponent('app:1 é')}:${encodeURIComponent('p&ss:w')}`, 'utf8').toString('base64');
        assert.strictEqual(r.headers.authorization, `Basic ${expected}`, String(clientAuth));
        assert.strictEqual(r.body, 'grant_type=client_credentials');
      }
    });

    it('sends client_id and client_secret in the form for post, and no Authorization header', async () => {
      await client({ auth: { clientAuth: 'post' } }).signIn();
      const [r] = server.requests;
      assert.strictEqual(r.headers.authorization, undefined);
      assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(r.body)), { grant_type: 'client_credentials', client_id: 'app', client_secret: 's3cret' });
    });

    it('refuses before any request without an environment id or client id, or without a secret', async () => {
      for (const auth of [{ environmentId: '' }, { clientId: '' }]) {
        const e = await rejection(client({ auth }).signIn());
        assert.strictEqual(e.kind, 'auth');
        assert.strictEqual(e.summary, 'the connection has no worker app environment id or client id; edit the connection');
        assert.strictEqual(e.operation, 'sign in');
      }
      const e = await rejection(client({ secret: '' }).signIn());
      assert.strictEqual(e.summary, 'no client secret is stored for this connection; edit the connection and enter it');
      assert.strictEqual(server.requests.length, 0);
    });

    it('a token answer without an access_token is an invalid response', async () => {
      answers.set('POST /auth/wenv/as/token', { status: 200, body: { token_type: 'Bearer', expires_in: 3600 } });
      const e = await rejection(client().signIn());
      assert.strictEqual(e.kind, 'invalid-response');
      assert.strictEqual(e.summary, 'the token endpoint answered without an access_token');
      assert.strictEqual(e.operation, 'sign in');
    });
  });

  describe("the token endpoint's refusals, in the server's words", () => {
    const refuse = async (a: Answer): Promise<ApiError> => {
      answers.set('POST /auth/wenv/as/token', a);
      return rejection(client().signIn());
    };

    it('invalid_client (or a bare 401): the client id or secret', async () => {
      let e = await refuse({ status: 401, body: { error: 'invalid_client', error_description: 'Bad creds' }, headers: { 'x-request-id': 'req-77' } });
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.summary, 'PingOne rejected the client id or secret (invalid_client): Bad creds');
      assert.strictEqual(e.status, 401);
      e = await refuse({ status: 401, raw: '' });
      assert.strictEqual(e.summary, 'PingOne rejected the client id or secret (invalid_client)');
      e = await refuse({ status: 400, body: { error: 'invalid_client', error_description: 'Unsupported authentication method' } });
      assert.strictEqual(e.summary, 'PingOne rejected the client id or secret (invalid_client): Unsupported authentication method');
    });

    it('a 401 with another code is not called a wrong secret', async () => {
      const e = await refuse({ status: 401, body: { error: 'invalid_grant', error_description: 'nope' } });
      assert.ok(!/rejected the client id/.test(e.summary), e.summary);
      assert.strictEqual(e.vendorCode, 'invalid_grant');
    });

    it('404: the environment is unknown on that auth host', async () => {
      let e = await refuse({ status: 404, body: { error: 'not_found', error_description: 'No such environment' }, headers: { 'x-request-id': 'abc-123' } });
      assert.strictEqual(e.kind, 'http');
      assert.strictEqual(e.summary, `PingOne does not know the environment wenv on ${server.url}/auth; check the worker app's environment id and the region (No such environment)`);
      e = await refuse({ status: 404, raw: '' });
      assert.strictEqual(e.summary, `PingOne does not know the environment wenv on ${server.url}/auth; check the worker app's environment id and the region`);
    });

    it('unauthorized_client and unsupported_grant_type: the grant is not allowed', async () => {
      for (const code of ['unauthorized_client', 'unsupported_grant_type']) {
        const e = await refuse({ status: 400, body: { error: code, error_description: 'grant not enabled' }, headers: { 'x-request-id': 'q-1' } });
        assert.strictEqual(e.kind, 'auth');
        assert.strictEqual(e.summary, `the worker app may not use the client_credentials grant (${code}): grant not enabled`);
      }
      const e = await refuse({ status: 400, body: { error: 'unauthorized_client' } });
      assert.strictEqual(e.summary, 'the worker app may not use the client_credentials grant (unauthorized_client)');
    });

    it('another refusal keeps the HTTP core error as it is', async () => {
      const e = await refuse({ status: 400, body: { error: 'invalid_request', error_description: 'Missing grant' } });
      assert.strictEqual(e.kind, 'http');
      assert.strictEqual(e.summary, '400 invalid_request — Missing grant');
    });
  });

  describe('token lifetime', () => {
    it('is signed in until the moment the token expires, not at it', async () => {
      let now = 1_000_000;
      const c = client({ now: () => now });
      const r = await c.signIn();
      assert.strictEqual(r.expiresAt, 1_000_000 + 3_600_000);
      assert.strictEqual(c.tokenExpiresAt, r.expiresAt);
      assert.strictEqual(c.signedIn, true);
      now = r.expiresAt - 1;
      assert.strictEqual(c.signedIn, true);
      now = r.expiresAt;
      assert.strictEqual(c.signedIn, false);
    });

    it('renews a token near its end before the request, and says so in the log', async () => {
      let now = 1_000_000;
      const d = doubles();
      const c = client({ now: () => now, d });
      await c.signIn();
      answers.set('GET /v1/environments/e1/users/u1', { status: 200, body: { id: 'u1' } });
      await c.readUser('e1', 'u1');
      assert.strictEqual(server.requests.filter((r) => r.method === 'POST').length, 1, 'a fresh token is used as it is');
      now += 3_600_000 - 1_000;
      await c.readUser('e1', 'u1');
      assert.strictEqual(server.requests.filter((r) => r.method === 'POST').length, 2, 'renewed before the request');
      assert.ok(d.lines.some((l) => /^debug the PingOne token expires at \d\d:\d\d; renewing it$/.test(l)), d.lines.join('\n'));
    });

    it('a 401 from the API gets a new token once, and the log says why', async () => {
      const d = doubles();
      const c = client({ d });
      let calls = 0;
      answers.set('GET /v1/environments/e1/users/u1', () => (++calls === 1 ? { status: 401, body: { id: 'x', code: 'UNAUTHORIZED', message: 'expired' } } : { status: 200, body: { id: 'u1' } }));
      assert.deepStrictEqual(await c.readUser('e1', 'u1'), { id: 'u1' });
      assert.ok(d.lines.includes('info PingOne answered 401; requesting a new worker-app token'), d.lines.join('\n'));
    });
  });

  describe('test connection', () => {
    it('asks for one environment and counts from count, else from the list, else none', async () => {
      const c = client();
      answers.set('GET /v1/environments?limit=1', { status: 200, body: { count: 1, _embedded: { environments: [{ id: 'a' }] } } });
      assert.strictEqual(await c.test(), '1 environment visible');
      answers.set('GET /v1/environments?limit=1', { status: 200, body: { count: 12, _embedded: { environments: [{ id: 'a' }] } } });
      assert.strictEqual(await c.test(), '12 environments visible');
      answers.set('GET /v1/environments?limit=1', { status: 200, body: { _embedded: { environments: [{ id: 'a' }, { id: 'b' }] } } });
      assert.strictEqual(await c.test(), '2 environments visible');
      answers.set('GET /v1/environments?limit=1', { status: 200, body: {} });
      assert.strictEqual(await c.test(), '0 environments visible');
      answers.set('GET /v1/environments?limit=1', { status: 200, raw: 'null' });
      assert.strictEqual(await c.test(), '0 environments visible');
    });
  });

  describe('environments', () => {
    it('asks GET /environments without a limit by default, and refuses an answer without the list', async () => {
      const c = client();
      answers.set('GET /v1/environments', { status: 200, body: { _embedded: { environments: [{ id: 'a', name: 'A' }] } } });
      assert.deepStrictEqual((await c.listEnvironments()).map((e) => e.label), ['A']);
      assert.deepStrictEqual(apiRequests(), ['GET /v1/environments']);
      for (const raw of ['{}', 'null', '{"_embedded":{}}']) {
        answers.set('GET /v1/environments', { status: 200, raw });
        const e = await rejection(c.listEnvironments());
        assert.strictEqual(e.kind, 'invalid-response', raw);
        assert.strictEqual(e.summary, '200 — the answer has no _embedded.environments list');
        assert.strictEqual(e.operation, 'list environments');
      }
    });

    it('describes an environment as the console does, and picks its icon', () => {
      const info = (e: Partial<PingOneEnvironment>) => toEnvironmentInfo({ id: 'e', ...e } as PingOneEnvironment);
      assert.strictEqual(info({ type: 'PRODUCTION', region: 'EU' }).description, 'Production · EU');
      assert.strictEqual(info({ region: 'EU' }).description, 'EU');
      assert.strictEqual(info({ type: 5 as never, region: 'EU' }).description, 'EU');
      assert.strictEqual(info({ type: 5 as never }).details.type, undefined);
      assert.strictEqual(info({}).description, undefined);
      assert.strictEqual(info({}).label, 'e');
      assert.strictEqual(info({ type: 'PRODUCTION' }).icon, 'server-environment');
      assert.strictEqual(info({ type: 'SANDBOX' }).icon, 'beaker');
      assert.strictEqual(info({ type: 'PRODUCTION', status: 'DELETE_PENDING' }).icon, 'trash');
    });
  });

  describe('users', () => {
    it('asks the first page with a limit kept within 1..1000 and the filter, and a next link verbatim', async () => {
      const c = client();
      const base = '/v1/environments/e%2F1/users';
      answers.set(`GET ${base}?limit=1&filter=name.family+eq+%22X%22`, { status: 200, body: { count: 3, _embedded: { users: [{ id: 'u1' }] }, _links: { next: { href: `${server.url}/v1/environments/e%2F1/users?cursor=abc&limit=1` } } } });
      const p = await c.usersPage('e/1', { limit: 0, filter: 'name.family eq "X"' });
      assert.deepStrictEqual(p, { items: [{ id: 'u1' }], next: `${server.url}/v1/environments/e%2F1/users?cursor=abc&limit=1`, total: 3 });
      answers.set(`GET ${base}?cursor=abc&limit=1`, { status: 200, body: { _embedded: { users: [{ id: 'u2' }] }, _links: { next: { href: '' } } } });
      assert.deepStrictEqual(await c.usersPage('e/1', { limit: 1, cursor: p.next }), { items: [{ id: 'u2' }], next: undefined, total: undefined });
      answers.set(`GET ${base}?limit=1000`, { status: 200, body: { count: 'many', _embedded: { users: [] }, _links: { next: { href: 42 } } } });
      assert.deepStrictEqual(await c.usersPage('e/1', { limit: 5000, filter: '' }), { items: [], next: undefined, total: undefined });
      answers.set(`GET ${base}?limit=2`, { status: 200, body: { _embedded: { users: [] } } });
      assert.deepStrictEqual(await c.usersPage('e/1', { limit: 2.9 }), { items: [], next: undefined, total: undefined });
      assert.deepStrictEqual(apiRequests(), [`GET ${base}?limit=1&filter=name.family+eq+%22X%22`, `GET ${base}?cursor=abc&limit=1`, `GET ${base}?limit=1000`, `GET ${base}?limit=2`]);
    });

    it('refuses an answer without the users list', async () => {
      const c = client();
      for (const raw of ['null', '{"_embedded":{"users":{}}}']) {
        answers.set('GET /v1/environments/e/users?limit=5', { status: 200, raw });
        const e = await rejection(c.usersPage('e', { limit: 5 }));
        assert.strictEqual(e.kind, 'invalid-response');
        assert.strictEqual(e.summary, '200 — the answer has no _embedded.users list');
        assert.strictEqual(e.operation, 'list users');
      }
    });

    it('reads one user, undefined once it is gone, and refuses an answer without an id', async () => {
      const c = client();
      answers.set('GET /v1/environments/e/users/u%201', { status: 200, body: { id: 'u 1', username: 'ada' } });
      assert.deepStrictEqual(await c.readUser('e', 'u 1'), { id: 'u 1', username: 'ada' });
      assert.strictEqual(await c.readUser('e', 'gone'), undefined);
      for (const raw of ['null', '"text"', '{"id":5}', '{}']) {
        answers.set('GET /v1/environments/e/users/u%201', { status: 200, raw });
        const e = await rejection(c.readUser('e', 'u 1'));
        assert.strictEqual(e.kind, 'invalid-response', raw);
        assert.strictEqual(e.summary, '200 — the answer has no id');
        assert.strictEqual(e.operation, 'read user');
      }
      answers.set('GET /v1/environments/e/users/u%201', { status: 403, body: { id: 'r', code: 'ACCESS_FAILED', message: 'The worker app may not read users' } });
      const e = await rejection(c.readUser('e', 'u 1'));
      assert.strictEqual(e.status, 403);
      assert.match(e.summary, /The worker app may not read users/);
    });
  });

  describe('sessions', () => {
    const path = '/v1/environments/e/users/u/sessions';

    it('lists a user\'s sessions, keeping only entries with a string id', async () => {
      const c = client();
      answers.set(`GET ${path}`, { status: 200, body: { _embedded: { sessions: [{ id: 's1' }, null, {}, { id: 7 }, { id: 's2' }] } } });
      assert.deepStrictEqual(await c.listUserSessions('e', 'u'), [{ id: 's1' }, { id: 's2' }]);
      for (const raw of ['null', '{}', '{"_embedded":{"sessions":"x"}}']) {
        answers.set(`GET ${path}`, { status: 200, raw });
        const e = await rejection(c.listUserSessions('e', 'u'));
        assert.strictEqual(e.kind, 'invalid-response', raw);
        assert.strictEqual(e.summary, '200 — the answer has no _embedded.sessions list');
        assert.strictEqual(e.operation, 'list sessions');
      }
    });

    it('reads one session (undefined once gone) under its encoded id', async () => {
      const c = client();
      answers.set(`GET ${path}/s%2F1`, { status: 200, body: { id: 's/1' } });
      assert.deepStrictEqual(await c.readSession('e', 'u', 's/1'), { id: 's/1' });
      assert.strictEqual(await c.readSession('e', 'u', 'gone'), undefined);
      answers.set(`GET ${path}/s%2F1`, { status: 200, raw: '{}' });
      const e = await rejection(c.readSession('e', 'u', 's/1'));
      assert.strictEqual(e.operation, 'read session');
    });

    it('revokes: 204 revoked, 404 already ended, 403 in the server\'s words', async () => {
      const c = client();
      answers.set(`DELETE ${path}/s1`, { status: 204 });
      assert.strictEqual(await c.deleteSession('e', 'u', 's1'), 'revoked');
      assert.strictEqual(await c.deleteSession('e', 'u', 's2'), 'already-ended');
      answers.set(`DELETE ${path}/s3`, { status: 403, body: { id: 'r', code: 'ACCESS_FAILED', message: 'Actor does not have permission to delete sessions' } });
      const e = await rejection(c.deleteSession('e', 'u', 's3'));
      assert.strictEqual(e.status, 403);
      assert.match(e.summary, /Actor does not have permission to delete sessions/);
      assert.deepStrictEqual(apiRequests(), [`DELETE ${path}/s1`, `DELETE ${path}/s2`, `DELETE ${path}/s3`]);
    });
  });

  it('a cancelled signal stops every call before it reaches the API', async () => {
    const c = client();
    await c.signIn();
    server.requests.length = 0;
    const ac = new AbortController();
    ac.abort();
    const calls: [string, Promise<unknown>][] = [
      ['test', c.test(ac.signal)],
      ['environments', c.listEnvironments(ac.signal)],
      ['users', c.usersPage('e', { limit: 5 }, ac.signal)],
      ['user', c.readUser('e', 'u', ac.signal)],
      ['sessions', c.listUserSessions('e', 'u', ac.signal)],
      ['session', c.readSession('e', 'u', 's', ac.signal)],
      ['delete', c.deleteSession('e', 'u', 's', ac.signal)],
    ];
    for (const [name, p] of calls) {
      const e = await rejection(p);
      assert.strictEqual(e.kind, 'cancelled', name);
    }
    assert.deepStrictEqual(apiRequests(), []);
  });
});
