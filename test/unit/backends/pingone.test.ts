// The PingOne client against the real sandbox over HTTP: both client-auth styles, wrong secrets, hosts, paging,
// token renewal (before expiry, after a server-side expiry, after the expire-tokens fault), retries and bad answers.
import * as assert from 'assert';
import type { ConnectionRecord, Endpoints } from '../../../src/model/connection';
import { PingOneClient, type PingOneClientOptions, pingoneModule } from '../../../src/backends/pingone';
import type { Sandbox } from '../../sandbox/server';
import type { PingOneState } from '../../sandbox/pingone';
import { type Doubles, doubles, rejection, useSandbox } from './doubles';
import { IncompleteListError } from '../../../src/http/paging';

describe('backends/pingone', () => {
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => PingOneState;
  const delays: number[] = [];
  const instantSleep = async (ms: number): Promise<void> => {
    delays.push(ms);
  };
  const { sandbox, clients } = useSandbox<PingOneClient>({ backends: ['pingone'], sizes: { pingoneEnvironments: 7 } });

  before(() => {
    sb = sandbox();
    creds = sb.details.pingone.credentials;
    state = () => sb.state.pingone.state as PingOneState;
  });
  afterEach(() => {
    sb.faults.clear();
    delays.length = 0;
  });

  function endpoints(): Endpoints {
    return { region: 'custom', apiUrl: sb.details.pingone.urls.apiBase, authUrl: sb.details.pingone.urls.authBase };
  }

  function record(style: 'basic' | 'post', clientId: string, extra: Partial<ConnectionRecord> = {}): ConnectionRecord {
    return {
      id: `pingone-test-${style}`,
      backend: 'pingone',
      label: `Sandbox PingOne (${style})`,
      endpoints: endpoints(),
      auth: { method: 'clientCredentials', environmentId: creds.environmentId, clientId, clientAuth: style },
      source: 'user',
      ...extra,
    };
  }

  function client(style: 'basic' | 'post', d: Doubles = doubles(), secret?: string, options: PingOneClientOptions = {}): PingOneClient {
    const clientId = style === 'basic' ? creds.basicClientId : creds.postClientId;
    const clientSecret = secret ?? (style === 'basic' ? creds.basicClientSecret : creds.postClientSecret);
    const c = new PingOneClient(record(style, clientId), { clientSecret }, d.deps, { http: { sleep: instantSleep }, ...options });
    clients.push(c);
    return c;
  }

  function envNames(): { all: string[]; restricted: string } {
    const envs = state().data.environments;
    return { all: envs.map((e) => e.name), restricted: envs[envs.length - 1].name };
  }

  it('signs in with CLIENT_SECRET_BASIC and lists the environments the worker app may see', async () => {
    const d = doubles();
    const c = client('basic', d);
    assert.strictEqual(c.signedIn, false);
    const result = await c.signIn();
    assert.match(result.summary, new RegExp(`signed in as worker app ${creds.basicClientId} \\(token valid until \\d\\d:\\d\\d\\)`));
    assert.ok(result.expiresAt && result.expiresAt > Date.now());
    assert.strictEqual(c.signedIn, true);
    const envs = await c.listEnvironments();
    const { all, restricted } = envNames();
    assert.deepStrictEqual(
      envs.map((e) => e.label),
      all.filter((n) => n !== restricted),
    );
    const first = state().data.environments[0];
    const info = envs.find((e) => e.id === first.id);
    assert.ok(info);
    assert.strictEqual(info.description, `${first.type.charAt(0)}${first.type.slice(1).toLowerCase()} · ${first.region}`);
    assert.deepStrictEqual(info.details, {
      id: first.id,
      type: first.type,
      region: first.region,
      status: first.status,
      license: first.licenseId,
      organization: first.organizationId,
    });
    assert.strictEqual((info.raw as { name: string }).name, first.name);
    assert.ok(info.icon);
    // The token is held in memory only.
    assert.deepStrictEqual(d.saved, []);
  });

  it('signs in with CLIENT_SECRET_POST (client_id/client_secret in the form) and sees every environment', async () => {
    const c = client('post');
    await c.signIn();
    const envs = await c.listEnvironments();
    assert.deepStrictEqual(
      envs.map((e) => e.label),
      envNames().all,
    );
    assert.strictEqual(await c.test(), `${envNames().all.length} environments visible`);
  });

  it('a wrong client secret gives a clear auth error that never contains the secret, in the message or the log', async () => {
    const d = doubles();
    const wrong = 'sandbox-basic-WRONG-secret-0123456789abcdef';
    const c = client('basic', d, wrong);
    const e = await rejection(c.signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.strictEqual(e.status, 401);
    assert.strictEqual(e.operation, 'sign in');
    assert.match(e.message, /^Sandbox PingOne \(basic\): sign in failed: PingOne rejected the client id or secret \(invalid_client\)/);
    assert.ok(!e.message.includes(wrong));
    assert.ok(!JSON.stringify(e).includes(wrong));
    assert.ok(d.lines.length > 0, 'the request was logged');
    for (const line of d.lines) {
      assert.ok(!line.includes(wrong), line);
      assert.ok(!line.includes(Buffer.from(`${creds.basicClientId}:${wrong}`).toString('base64')), line);
    }
    assert.strictEqual(c.signedIn, false);
  });

  it('the right secret sent the wrong way says which client authentication the app expects', async () => {
    // The BASIC app's secret sent as CLIENT_SECRET_POST.
    const d = doubles();
    const c = new PingOneClient(record('post', creds.basicClientId), { clientSecret: creds.basicClientSecret }, d.deps);
    clients.push(c);
    const e = await rejection(c.signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, /PingOne rejected the client id or secret \(invalid_client\): .*expected CLIENT_SECRET_BASIC/);
    assert.ok(!e.message.includes(creds.basicClientSecret));
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.basicClientSecret), line);
    }
  });

  it('an unknown worker-app environment id is reported as such', async () => {
    const c = new PingOneClient(
      { ...record('basic', creds.basicClientId), auth: { method: 'clientCredentials', environmentId: '00000000-0000-4000-8000-000000000000', clientId: creds.basicClientId, clientAuth: 'basic' } },
      { clientSecret: creds.basicClientSecret },
      doubles().deps,
    );
    clients.push(c);
    const e = await rejection(c.signIn());
    assert.strictEqual(e.status, 404);
    assert.match(e.message, /PingOne does not know the environment 00000000-0000-4000-8000-000000000000/);
  });

  it('a missing client secret fails before any request', async () => {
    const d = doubles();
    const c = new PingOneClient(record('basic', creds.basicClientId), {}, d.deps);
    const e = await rejection(c.signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, /no client secret is stored/);
    assert.deepStrictEqual(d.lines, []);
  });

  it('maps regions (SG included) and custom hosts to the API and auth hosts', () => {
    const deps = doubles().deps;
    const make = (endpoints: Endpoints): PingOneClient =>
      new PingOneClient({ ...record('basic', 'x'), endpoints }, { clientSecret: 's3cret-value' }, deps);
    const sg = make({ region: 'SG' });
    assert.strictEqual(sg.apiUrl, 'https://api.pingone.sg/v1');
    assert.strictEqual(sg.authUrl, 'https://auth.pingone.sg');
    const eu = make({ region: 'EU' });
    assert.strictEqual(eu.apiUrl, 'https://api.pingone.eu/v1');
    assert.strictEqual(eu.authUrl, 'https://auth.pingone.eu');
    const na = make({});
    assert.strictEqual(na.apiUrl, 'https://api.pingone.com/v1');
    assert.strictEqual(na.authUrl, 'https://auth.pingone.com');
    const au = make({ region: 'AU' });
    assert.strictEqual(au.apiUrl, 'https://api.pingone.com.au/v1');
    const custom = make({ region: 'custom', apiUrl: 'https://api.id.example.com/v1/', authUrl: 'https://auth.id.example.com/' });
    assert.strictEqual(custom.apiUrl, 'https://api.id.example.com/v1');
    assert.strictEqual(custom.authUrl, 'https://auth.id.example.com');
    assert.throws(() => make({ region: 'custom', apiUrl: 'https://api.id.example.com/v1' }), /needs both the API URL and the auth URL/);
  });

  it('follows _links.next across pages (limit 2 → 4 pages for 7 environments)', async () => {
    const d = doubles();
    const c = client('post', d, undefined, { pageSize: 2 });
    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 7);
    assert.strictEqual(new Set(envs.map((e) => e.id)).size, 7);
    assert.deepStrictEqual(
      envs.map((e) => e.label),
      envNames().all,
    );
    const pageGets = d.lines.filter((l) => /GET \S+\/v1\/environments\?limit=2\S* → 200/.test(l));
    assert.strictEqual(pageGets.length, 4, d.lines.join('\n'));
    assert.strictEqual(pageGets.filter((l) => l.includes('cursor=')).length, 3);
  });

  it('a next link to another origin: keeps the environments read, then the refusal (IncompleteListError)', async () => {
    const c = client('post', doubles(), undefined, { pageSize: 2 });
    sb.faults.set('pingone', { mode: 'foreign-next-link', pathRegex: '/environments$' });
    const e = await c.listEnvironments().then(
      () => assert.fail('listEnvironments should reject'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof IncompleteListError, String(e));
    assert.deepStrictEqual(
      e.items.map((i) => (i as { label: string }).label),
      envNames().all.slice(0, 2),
    );
    assert.match(e.message, /another origin \(https:\/\/elsewhere\.invalid/);
  });

  it('renews the token shortly before it expires, without waiting for a 401', async () => {
    const d = doubles();
    const c = client('post', d);
    const before = state().tokens.size;
    const { expiresAt } = await c.signIn();
    assert.strictEqual(state().tokens.size, before + 1);
    await c.listEnvironments();
    assert.strictEqual(state().tokens.size, before + 1, 'the held token is reused');
    // 30 s before expiry (inside the renewal margin), by the client's clock only.
    d.clock.offsetMs = (expiresAt as number) - Date.now() - 30_000;
    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 7);
    assert.strictEqual(state().tokens.size, before + 2, 'a new token was requested before the call');
    assert.ok(!d.lines.some((l) => / → 401/.test(l)), 'no 401 was needed');
    assert.ok((c.tokenExpiresAt as number) > (expiresAt as number));
  });

  it('re-authenticates silently when the server says the token expired (state.tokenLifetimeSeconds)', async () => {
    const d = doubles();
    const c = client('post', d);
    state().tokenLifetimeSeconds = 120;
    try {
      await c.signIn();
      // The sandbox's clock passes the token's lifetime; the client's does not, so the server answers 401.
      sb.advanceTime(121_000);
      const envs = await c.listEnvironments();
      assert.strictEqual(envs.length, 7);
      assert.ok(d.lines.some((l) => /\/v1\/environments → 401/.test(l)), d.lines.join('\n'));
      assert.ok(d.lines.some((l) => /as\/token → 200/.test(l)));
      assert.strictEqual(c.signedIn, true);
    } finally {
      state().tokenLifetimeSeconds = 3600;
    }
  });

  it('re-authenticates silently after the expire-tokens fault', async () => {
    const d = doubles();
    const c = client('basic', d);
    await c.signIn();
    sb.faults.set('pingone', { expireTokens: true });
    assert.strictEqual(state().tokens.size, 0);
    assert.strictEqual(await c.test(), `${envNames().all.length - 1} environments visible`);
    assert.strictEqual(state().tokens.size, 1);
    assert.ok(d.lines.some((l) => / → 401; signing in again/.test(l)));
  });

  it('waits out a 429 with Retry-After and succeeds', async () => {
    const c = client('post');
    await c.signIn();
    sb.faults.set('pingone', { mode: 'rate-limit', count: 1, retryAfterSeconds: 2, pathRegex: '^/v1/' });
    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 7);
    assert.deepStrictEqual(delays, [2000]);
  });

  it('an HTML 502 from a proxy becomes a clear ApiError after the retries', async () => {
    const c = client('post');
    await c.signIn();
    sb.faults.set('pingone', { mode: 'html-502', pathRegex: '^/v1/' });
    const e = await rejection(c.listEnvironments());
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 502);
    assert.strictEqual(e.operation, 'list environments');
    assert.match(e.message, /^Sandbox PingOne \(post\): list environments failed: 502 — the server answered with an HTML page \(status 502\), not JSON \("502 Bad Gateway"\)/);
    assert.strictEqual(delays.length, 3, 'retried three times');
  });

  it('a truncated JSON body becomes an invalid-response ApiError', async () => {
    const c = client('post');
    await c.signIn();
    sb.faults.set('pingone', { mode: 'malformed-json', pathRegex: '^/v1/environments$' });
    const e = await rejection(c.listEnvironments());
    assert.strictEqual(e.kind, 'invalid-response');
    assert.match(e.message, /list environments failed: 200 — the server answered with malformed JSON/);
  });

  it('a worker app without roles sees no environments', async () => {
    const c = new PingOneClient(record('basic', creds.noRolesClientId), { clientSecret: creds.noRolesClientSecret }, doubles().deps);
    clients.push(c);
    await c.signIn();
    assert.deepStrictEqual(await c.listEnvironments(), []);
    assert.strictEqual(await c.test(), '0 environments visible');
  });

  it('sign out discards the token and says that PingOne cannot revoke it', async () => {
    const c = client('basic');
    const { expiresAt } = await c.signIn();
    const hhmm = new Date(expiresAt as number).toTimeString().slice(0, 5);
    const msg = await c.signOut();
    assert.strictEqual(
      msg,
      `The worker-app token was discarded; PingOne has no sign-out for client-credentials tokens; it expires on its own at ${hhmm}.`,
    );
    assert.strictEqual(c.signedIn, false);
    assert.match(await c.signOut(), /nothing to discard/);
  });

  it('a cancelled request is an ApiError of kind cancelled', async () => {
    const c = client('post');
    await c.signIn();
    const ac = new AbortController();
    ac.abort();
    const e = await rejection(c.listEnvironments(ac.signal));
    assert.strictEqual(e.kind, 'cancelled');
  });

  it('pingoneModule creates a working client and offers no certificate trust (PingOne uses public CAs)', async () => {
    const d = doubles();
    const c = pingoneModule.createClient(record('post', creds.postClientId), { clientSecret: creds.postClientSecret }, d.deps);
    clients.push(c as PingOneClient);
    await c.signIn();
    assert.strictEqual((await c.listEnvironments()).length, 7);
    assert.strictEqual(pingoneModule.trustCandidate, undefined);
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.postClientSecret), line);
      assert.ok(!/eyJ[A-Za-z0-9_-]{5,}\./.test(line), `a JWT leaked into the log: ${line}`);
    }
  });
});
