// The sandbox server itself: fault injection over real HTTP(S), admin endpoints, several instances side by side,
// and the generic contract validator (Swagger 2.0 and OpenAPI 3.0).
import * as assert from 'assert';
import * as net from 'net';
import { requireSpec, specFromObject, validateResponse, findOperation } from './contract';
import { request, HttpResult } from './http';
import { start, Sandbox } from './server';
import type { ZitiState } from './ziti';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;


async function login(sb: Sandbox): Promise<string> {
  const r = await request(`${sb.urls.ziti}/edge/management/v1/authenticate?method=password`, {
    method: 'POST',
    body: { username: 'admin', password: 'ziti-sandbox-admin' },
    ca: sb.ca.pem,
  });
  assert.strictEqual(r.status, 200);
  return (r.json as J).data.token;
}

function get(sb: Sandbox, path: string, token?: string): Promise<HttpResult> {
  return request(`${sb.urls.ziti}${path}`, { ca: sb.ca.pem, headers: token ? { 'zt-session': token } : {} });
}

function admin(sb: Sandbox, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return request(`${sb.urls.ziti}/__sandbox/${path}`, { method, body, ca: sb.ca.pem });
}

/** Checks an answer against the vendor spec; `ctx` is the test's, which fails (or is skipped) without the spec. */
function checkContract(ctx: Mocha.Context, path: string, r: HttpResult): void {
  assert.deepStrictEqual(validateResponse(requireSpec(ctx, 'ziti'), 'GET', path, r.status, r.json), []);
}

describe('sandbox server: faults over real HTTPS', function () {
  this.timeout(30000);
  let sb: Sandbox;
  let token: string;
  const SESSIONS = '/edge/management/v1/sessions';

  before(async () => {
    sb = await start({ backends: ['ziti'], seed: 5 });
    token = await login(sb);
  });
  afterEach(() => sb.faults.clear());
  after(async () => {
    await sb?.stop();
  });

  it('exposes urls, details, CA and state for the started backends only', () => {
    assert.match(sb.urls.ziti, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.strictEqual(sb.details.ziti.credentials.username, 'admin');
    assert.strictEqual(sb.details.ziti.certSha256Fingerprint, sb.ca.sha256Fingerprint);
    assert.match(sb.ca.sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.ok(sb.ca.pem.startsWith('-----BEGIN CERTIFICATE-----'));
    assert.ok(sb.state.ziti.state);
    assert.strictEqual(sb.urls.pingone, undefined);
  });

  it('latency: the answer takes at least the added latency', async () => {
    sb.faults.set('ziti', { latencyMs: 250 });
    const r = await get(sb, SESSIONS, token);
    assert.strictEqual(r.status, 200);
    assert.ok(r.elapsedMs >= 240, `took ${r.elapsedMs} ms`);
  });

  it('429 with Retry-After and the vendor error body for the next N requests, then normal', async function () {
    sb.faults.set('ziti', { mode: 'rate-limit', count: 2, retryAfterSeconds: 4 });
    for (let i = 0; i < 2; i++) {
      const r = await get(sb, SESSIONS, token);
      assert.strictEqual(r.status, 429);
      assert.strictEqual(r.headers['retry-after'], '4');
      assert.strictEqual((r.json as J).error.code, 'RATE_LIMITED');
      assert.ok((r.json as J).error.requestId);
      checkContract(this, SESSIONS, r);
    }
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
  });

  it('500 for the next request, with the vendor error body', async () => {
    sb.faults.set('ziti', { mode: 'server-error', count: 1 });
    const r = await get(sb, SESSIONS, token);
    assert.strictEqual(r.status, 500);
    assert.strictEqual((r.json as J).error.code, 'UNHANDLED');
    assert.ok((r.json as J).meta);
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
  });

  it('503 for all requests until cleared', async function () {
    sb.faults.set('ziti', { mode: 'unavailable' });
    for (let i = 0; i < 3; i++) {
      const r = await get(sb, SESSIONS, token);
      assert.strictEqual(r.status, 503);
      checkContract(this, SESSIONS, r);
    }
    sb.faults.clear('ziti');
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
  });

  it('POST {"mode":"off"} clears the fault over HTTP, as DELETE does', async () => {
    assert.strictEqual((await admin(sb, 'POST', 'faults', { mode: 'unavailable' })).status, 200);
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 503);
    const off = await admin(sb, 'POST', 'faults', { mode: 'off' });
    assert.strictEqual(off.status, 200, JSON.stringify(off.json));
    assert.deepStrictEqual(off.json, { backend: 'ziti', fault: null });
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
    assert.deepStrictEqual((await admin(sb, 'GET', 'faults')).json, { backend: 'ziti', fault: null, remaining: null, hits: 0 });
    // And an unknown mode still fails, naming the ones that exist.
    const bad = await admin(sb, 'POST', 'faults', { mode: 'latency' });
    assert.strictEqual(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /unknown fault mode 'latency'.*off/);
  });

  it('connection reset mid-response: the client sees ECONNRESET / socket hang up', async () => {
    sb.faults.set('ziti', { mode: 'reset', count: 1 });
    await assert.rejects(get(sb, SESSIONS, token), (e: NodeJS.ErrnoException) => ['ECONNRESET', 'EPIPE'].includes(e.code ?? '') || /socket hang up|aborted/.test(e.message));
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
  });

  it('slow body: trickled, but complete and valid', async function () {
    sb.faults.set('ziti', { mode: 'slow-body', count: 1, slowBodyChunkBytes: 512, slowBodyIntervalMs: 10 });
    const r = await get(sb, SESSIONS, token);
    assert.strictEqual(r.status, 200);
    assert.strictEqual((r.json as J).data.length, 10);
    const chunks = Math.ceil(Buffer.byteLength(r.text) / 512);
    assert.ok(r.elapsedMs >= (chunks - 1) * 10, `took ${r.elapsedMs} ms for ${chunks} chunks`);
    checkContract(this, SESSIONS, r);
  });

  it('malformed JSON: 200 application/json whose body does not parse', async () => {
    sb.faults.set('ziti', { mode: 'malformed-json', count: 1 });
    const r = await get(sb, SESSIONS, token);
    assert.strictEqual(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    assert.throws(() => JSON.parse(r.text));
    assert.ok(r.text.length > 0);
  });

  it('HTML error page with status 502', async () => {
    sb.faults.set('ziti', { mode: 'html-502', count: 1 });
    const r = await get(sb, SESSIONS, token);
    assert.strictEqual(r.status, 502);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.match(r.text, /<html>[\s\S]*502 Bad Gateway/);
    assert.strictEqual(r.json, undefined);
  });

  it('ignore-offset: every page is the first page, and hits counts the matching requests', async () => {
    sb.faults.set('ziti', { mode: 'ignore-offset', pathRegex: '/sessions$' });
    const first = (await get(sb, `${SESSIONS}?limit=3&offset=0`, token)).json as J;
    const later = (await get(sb, `${SESSIONS}?limit=3&offset=3`, token)).json as J;
    assert.strictEqual(first.data.length, 3);
    assert.deepStrictEqual(later.data.map((s: J) => s.id), first.data.map((s: J) => s.id));
    await get(sb, '/edge/management/v1/api-sessions', token);
    assert.strictEqual(sb.faults.hits('ziti'), 2);
    sb.faults.clear('ziti');
    const real = (await get(sb, `${SESSIONS}?limit=3&offset=3`, token)).json as J;
    assert.notDeepStrictEqual(real.data.map((s: J) => s.id), first.data.map((s: J) => s.id));
  });

  it('pathRegex scopes a fault to matching paths', async () => {
    sb.faults.set('ziti', { mode: 'unavailable', pathRegex: '/sessions$' });
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 503);
    assert.strictEqual((await get(sb, '/edge/management/v1/api-sessions', token)).status, 200);
    assert.strictEqual((await get(sb, '/version')).status, 200);
  });

  it('expireTokens fault: every token stops working at once', async () => {
    const t = await login(sb);
    assert.strictEqual((await get(sb, SESSIONS, t)).status, 200);
    sb.faults.set('ziti', { expireTokens: true });
    const r = await get(sb, SESSIONS, t);
    assert.strictEqual(r.status, 401);
    assert.strictEqual((r.json as J).error.code, 'UNAUTHORIZED');
    token = await login(sb);
  });

  it('admin endpoint: set, read and clear faults; invalid specs are refused; admin paths are never faulted', async () => {
    let r = await admin(sb, 'POST', 'faults', { mode: 'rate-limit', count: 1, retryAfterSeconds: 2 });
    assert.strictEqual(r.status, 200);
    r = await admin(sb, 'GET', 'faults');
    assert.deepStrictEqual((r.json as J).fault, { mode: 'rate-limit', count: 1, retryAfterSeconds: 2 });
    assert.strictEqual((r.json as J).remaining, 1);
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 429);
    assert.strictEqual((await admin(sb, 'GET', 'faults')).status, 200);
    assert.strictEqual((await admin(sb, 'POST', 'faults', { mode: 'html-502' })).status, 200);
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 502);
    r = await admin(sb, 'DELETE', 'faults');
    assert.strictEqual(r.status, 200);
    assert.strictEqual((r.json as J).fault, null);
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 200);
    assert.strictEqual((await admin(sb, 'POST', 'faults', { mode: 'explode' })).status, 400);
    assert.strictEqual((await admin(sb, 'POST', 'faults', { latencyMs: -1 })).status, 400);
    assert.strictEqual((await admin(sb, 'POST', 'faults', { pathRegex: '(' })).status, 400);
    assert.strictEqual((await admin(sb, 'POST', 'faults', 'not json')).status, 400);
    assert.strictEqual((await admin(sb, 'GET', 'nothing-here')).status, 404);
    const info = await admin(sb, 'GET', 'info');
    assert.strictEqual((info.json as J).url, sb.urls.ziti);
  });

  it('admin reset: state back to the seed (deleted data returns, new API sessions go) and faults cleared', async () => {
    const st = (): ZitiState => sb.state.ziti.state as ZitiState;
    const before = st().data.sessions.size;
    const victim = [...st().data.sessions.keys()][0];
    const del = await request(`${sb.urls.ziti}${SESSIONS}/${victim}`, { method: 'DELETE', ca: sb.ca.pem, headers: { 'zt-session': token } });
    assert.strictEqual(del.status, 200);
    assert.strictEqual(st().data.sessions.size, before - 1);
    sb.faults.set('ziti', { mode: 'unavailable' });
    assert.strictEqual((await admin(sb, 'POST', 'reset')).status, 200);
    assert.strictEqual(sb.faults.get('ziti'), undefined);
    assert.strictEqual(st().data.sessions.size, before);
    assert.ok(st().data.sessions.has(victim));
    assert.strictEqual((await get(sb, SESSIONS, token)).status, 401, 'API sessions created after start are gone');
    token = await login(sb);
    // The same through the API.
    await request(`${sb.urls.ziti}${SESSIONS}/${victim}`, { method: 'DELETE', ca: sb.ca.pem, headers: { 'zt-session': token } });
    sb.reset();
    assert.ok(st().data.sessions.has(victim));
    token = await login(sb);
  });
});

describe('sandbox server: instances and options', function () {
  this.timeout(30000);

  it('runs two instances side by side on free ports, each with its own CA', async () => {
    const [a, b] = await Promise.all([start({ backends: ['ziti'], seed: 1 }), start({ backends: ['ziti'], seed: 2 })]);
    try {
      assert.notStrictEqual(a.urls.ziti, b.urls.ziti);
      assert.notStrictEqual(a.ca.sha256Fingerprint, b.ca.sha256Fingerprint);
      assert.strictEqual((await request(`${a.urls.ziti}/version`, { ca: a.ca.pem })).status, 200);
      assert.strictEqual((await request(`${b.urls.ziti}/version`, { ca: b.ca.pem })).status, 200);
      // A's CA does not vouch for B.
      await assert.rejects(request(`${b.urls.ziti}/version`, { ca: a.ca.pem }), /certificate|self.signed|verify/i);
      // Faults are per instance.
      a.faults.set('ziti', { mode: 'unavailable' });
      assert.strictEqual((await request(`${a.urls.ziti}/version`, { ca: a.ca.pem })).status, 503);
      assert.strictEqual((await request(`${b.urls.ziti}/version`, { ca: b.ca.pem })).status, 200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('applies faults given to start(), and listens on an explicit base port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const sb = await start({ backends: ['ziti'], port, faults: { ziti: { mode: 'rate-limit', count: 1 } } });
    try {
      assert.strictEqual(sb.urls.ziti, `https://127.0.0.1:${port}`);
      const r = await request(`${sb.urls.ziti}/version`, { ca: sb.ca.pem });
      assert.strictEqual(r.status, 429);
      assert.strictEqual(r.headers['retry-after'], '1');
      assert.strictEqual((await request(`${sb.urls.ziti}/version`, { ca: sb.ca.pem })).status, 200);
    } finally {
      await sb.stop();
    }
    // After stop the port is free again and nothing answers.
    await assert.rejects(request(`https://127.0.0.1:${port}/version`, { ca: sb.ca.pem }), /ECONNREFUSED/);
  });

  it('refuses an unknown backend module with a clear message', async () => {
    await assert.rejects(start({ backends: ['nope' as never] }), /cannot load backend 'nope'/);
  });
});

describe('contract.ts: generic response validation', () => {
  const oas3 = specFromObject(
    {
      openapi: '3.0.0',
      servers: [{ url: '{protocol}://{host}/v1', variables: { protocol: { default: 'https' }, host: { default: 'api.example.com' } } }],
      paths: {
        '/things/{id}': {
          get: {
            responses: {
              '200': { description: 'ok', content: { 'application/hal+json': { schema: { $ref: '#/components/schemas/Thing' } } } },
              '404': { $ref: '#/components/responses/NotFound' },
            },
          },
        },
        '/things/special': { get: { responses: { default: { description: 'any', content: { 'application/json': { schema: { type: 'object', required: ['x'], properties: { x: { type: 'integer' } } } } } } } } },
        '/pets': {
          get: {
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: {
                      oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
                      discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: 'object',
            required: ['id', 'name', 'when'],
            properties: { id: { type: 'integer' }, name: { type: 'string', nullable: true }, when: { type: 'string', format: 'date-time' }, size: { type: 'integer', format: 'int64', minimum: 0, exclusiveMinimum: true } },
          },
          Cat: { type: 'object', required: ['kind', 'meows'], properties: { kind: { type: 'string' }, meows: { type: 'boolean' } } },
          Dog: { type: 'object', required: ['kind', 'barks'], properties: { kind: { type: 'string' }, barks: { type: 'boolean' } } },
          Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
        },
        responses: { NotFound: { description: 'nf', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
      },
    },
    'pingone',
  );

  it('OpenAPI 3: matches concrete paths (with the server base path), prefers literal segments, resolves refs', () => {
    assert.strictEqual(findOperation(oas3, 'GET', '/v1/things/42')?.template, '/things/{id}');
    assert.strictEqual(findOperation(oas3, 'GET', '/things/special')?.template, '/things/special');
    assert.strictEqual(findOperation(oas3, 'GET', '/v1/things/42?x=1')?.template, '/things/{id}');
    assert.deepStrictEqual(validateResponse(oas3, 'GET', '/v1/things/42', 200, { id: 1, name: null, when: '2024-01-01T00:00:00Z' }), []);
    assert.deepStrictEqual(validateResponse(oas3, 'GET', '/v1/things/42', 404, { message: 'gone' }), []);
    assert.ok(validateResponse(oas3, 'GET', '/v1/things/42', 404, {}).some((e) => /message/.test(e)));
  });

  it('OpenAPI 3: reports missing/mistyped fields, bad formats, nullable and exclusiveMinimum', () => {
    const errs = validateResponse(oas3, 'GET', '/things/{id}', 200, { id: 'x', when: 'yesterday', size: 0 });
    assert.ok(errs.some((e) => /\/id must be integer/.test(e)), errs.join('\n'));
    assert.ok(errs.some((e) => /name/.test(e)));
    assert.ok(errs.some((e) => /\/when must match format/.test(e)));
    assert.ok(errs.some((e) => /\/size must be > 0/.test(e)));
  });

  it('OpenAPI 3: default responses, undocumented statuses, unknown operations, discriminators', () => {
    assert.deepStrictEqual(validateResponse(oas3, 'GET', '/things/special', 418, { x: 1 }), []);
    assert.ok(validateResponse(oas3, 'GET', '/things/7', 500, {})[0].includes('not documented'));
    assert.ok(validateResponse(oas3, 'DELETE', '/things/7', 200, {})[0].includes('no operation'));
    assert.deepStrictEqual(validateResponse(oas3, 'GET', '/pets', 200, { kind: 'cat', meows: true }), []);
    assert.ok(validateResponse(oas3, 'GET', '/pets', 200, { kind: 'cat', barks: true }).length > 0);
    assert.ok(validateResponse(oas3, 'GET', '/pets', 200, { kind: 'cow' }).length > 0);
  });

  it('Swagger 2 (OpenZiti): basePath, definitions, x-nullable', function () {
    const zitiSpec = requireSpec(this, 'ziti');
    assert.strictEqual(findOperation(zitiSpec, 'GET', '/edge/management/v1/sessions/abc/route-path')?.template, '/sessions/{id}/route-path');
    assert.deepStrictEqual(validateResponse(zitiSpec, 'GET', '/sessions/{id}/route-path', 200, { data: { routePath: ['a'] }, meta: {} }), []);
    assert.ok(validateResponse(zitiSpec, 'GET', '/sessions/{id}/route-path', 200, { data: { routePath: [1] }, meta: {} }).length > 0);
    assert.ok(validateResponse(zitiSpec, 'GET', '/sessions/{id}/route-path', 200, { data: { routePath: [] } }).some((e) => /meta/.test(e)));
    // x-nullable: identity.externalId may be null but not a number.
    const errs = validateResponse(zitiSpec, 'GET', '/identities/{id}', 200, { data: { externalId: 5 }, meta: {} });
    assert.ok(errs.some((e) => /externalId/.test(e)));
    assert.ok(!errs.some((e) => /externalId/.test(e) && /null/.test(e) && /must have required/.test(e)));
  });

  it('loads the PingOne and Aptible specs (OpenAPI 3) when present', function () {
    const p = requireSpec(this, 'pingone');
    const a = requireSpec(this, 'aptible');
    assert.strictEqual(p.kind, 'openapi3');
    assert.deepStrictEqual(p.basePaths, ['/v1']);
    assert.strictEqual(findOperation(p, 'GET', '/v1/environments/abc/users')?.template, '/environments/{environmentID}/users');
    assert.strictEqual(findOperation(a, 'GET', '/accounts/12')?.template, '/accounts/{id}');
  });
});
