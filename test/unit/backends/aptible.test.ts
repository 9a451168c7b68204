// The Aptible client against the real sandbox over HTTP: password and OTP sign-in, stored-token reuse, pasted and
// CLI tokens, expiry and re-authentication, accounts as environments (sensitive fields stripped), sign out.
import * as assert from 'assert';
import type { AuthMethod, ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { AptibleClient, aptibleEnvironmentInfo, aptibleModule, APTIBLE_DEFAULT_API_URL, APTIBLE_DEFAULT_AUTH_URL, stripSensitive } from '../../../src/backends/aptible';
import type { Sandbox } from '../../sandbox/server';
import type { AptibleState } from '../../sandbox/aptible';
import { type Doubles, doubles, failOnRequestViolations, rejection, useSandbox } from './doubles';
import { IncompleteListError } from '../../../src/http/paging';

describe('backends/aptible', () => {
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => AptibleState;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], sizes: { aptibleAccounts: 5 } });
  // A request the client sent that breaks aptible.yaml fails the test that sent it.
  failOnRequestViolations(sandbox, 'aptible');

  before(() => {
    sb = sandbox();
    creds = sb.details.aptible.credentials;
    state = () => sb.state.aptible.state as AptibleState;
  });
  afterEach(() => sb.faults.clear());

  function record(method: AuthMethod, username?: string): ConnectionRecord {
    return {
      id: `aptible-test-${method}`,
      backend: 'aptible',
      label: 'Sandbox Aptible',
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: `${sb.details.aptible.urls.authRoot}/` },
      auth: { method, username },
      source: 'user',
    };
  }

  function client(method: AuthMethod, secrets: ConnectionSecrets, d: Doubles, username?: string): AptibleClient {
    const c = new AptibleClient(record(method, username), secrets, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    return c;
  }

  /** A token issued by the sandbox's auth server (for the pasted-token tests). */
  async function issueToken(): Promise<string> {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    await c.signIn();
    return d.saved[0].token as string;
  }

  it('signs in with email and password, stores the issued token and its expiry, and lists accounts as environments', async () => {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    const before = state().tokens.size;
    const result = await c.signIn();
    assert.match(result.summary, new RegExp(`^signed in as ${creds.email.replace('.', '\\.')} \\(token valid until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\)$`));
    assert.strictEqual(state().tokens.size, before + 1);
    assert.strictEqual(d.saved.length, 1);
    const saved = d.saved[0];
    assert.ok(saved.token && state().tokens.has(saved.token), 'the issued token is saved');
    // expires_at is in whole seconds.
    assert.strictEqual(saved.tokenExpiresAt, Math.floor((state().tokens.get(saved.token as string)?.expiresAt as number) / 1000) * 1000);
    assert.strictEqual(result.expiresAt, saved.tokenExpiresAt);
    assert.strictEqual(c.signedIn, true);

    const envs = await c.listEnvironments();
    const accounts = state().data.accounts;
    assert.deepStrictEqual(
      envs.map((e) => e.label),
      accounts.map((a) => a.handle),
    );
    const a = accounts[0];
    const info = envs[0];
    assert.strictEqual(info.id, String(a.id));
    const apps = state().data.apps.filter((p) => p.accountId === a.id).length;
    assert.strictEqual(info.description, `${a.type} · ${apps} app${apps === 1 ? '' : 's'}`);
    assert.strictEqual(info.details.handle, a.handle);
    assert.strictEqual(info.details.type, a.type);
    assert.strictEqual(info.details.apps, apps);
    assert.strictEqual(typeof info.details.databases, 'number');
    assert.strictEqual(info.details.created, new Date(a.createdAt).toISOString());
    assert.strictEqual(await c.test(), `${accounts.length} environments`);
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.password), line);
      assert.ok(!line.includes(saved.token as string), line);
    }
  });

  it('follows _links.next across pages of accounts', async () => {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    state().perPage = 2;
    try {
      const envs = await c.listEnvironments();
      assert.strictEqual(envs.length, 5);
      assert.strictEqual(new Set(envs.map((e) => e.id)).size, 5);
      assert.strictEqual(d.lines.filter((l) => /GET \S+\/accounts(\?page=\d)? → 200/.test(l)).length, 3, d.lines.join('\n'));
    } finally {
      state().perPage = 20;
    }
  });

  it('a next link to another origin: keeps the accounts read and refuses the link without sending anything there', async () => {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    state().perPage = 2;
    sb.faults.set('aptible', { mode: 'foreign-next-link', pathRegex: '/accounts$' });
    try {
      const e = await c.listEnvironments().then(
        () => assert.fail('listEnvironments should reject'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof IncompleteListError, String(e));
      assert.strictEqual(e.items.length, 2, 'the first page is kept');
      assert.match(e.message, /refused to follow a link to another origin \(https:\/\/elsewhere\.invalid/);
      assert.ok(!d.lines.some((l) => l.includes('elsewhere.invalid') && /GET/.test(l)), d.lines.join('\n'));
    } finally {
      state().perPage = 20;
      sb.faults.clear('aptible');
    }
  });

  it('never exposes ca_private_key, ca_body or other sensitive account fields', async () => {
    const c = client('password', { password: creds.password }, doubles(), creds.email);
    const envs = await c.listEnvironments();
    for (const e of envs) {
      const text = JSON.stringify(e);
      assert.ok(!/ca_private_key|ca_body|gentlemanjerry_certificate/.test(text), text);
    }
    // A real account carries the stack CA's key and body: they are stripped, however deep.
    const account = {
      id: 9,
      handle: 'acme-prod',
      type: 'production',
      total_app_count: 1,
      total_database_count: 2,
      created_at: '2024-01-01T00:00:00.000Z',
      ca_private_key: '-----BEGIN RSA PRIVATE KEY-----\nMIIsecret\n-----END RSA PRIVATE KEY-----',
      ca_body: '-----BEGIN CERTIFICATE-----\nMIIbody\n-----END CERTIFICATE-----',
      gentlemanjerry_certificate: 'cert',
      _embedded: { stack: { ca_private_key: 'nested-secret', name: 'shared-us-east-1' } },
    };
    const info = aptibleEnvironmentInfo(account);
    const text = JSON.stringify(info);
    assert.ok(!/ca_private_key|ca_body|MIIsecret|MIIbody|nested-secret|gentlemanjerry_certificate/.test(text), text);
    assert.strictEqual((info.raw as { handle: string }).handle, 'acme-prod');
    assert.deepStrictEqual((info.raw as { _embedded: unknown })._embedded, { stack: { name: 'shared-us-east-1' } });
    assert.strictEqual(info.description, 'production · 1 app');
    assert.deepStrictEqual(stripSensitive({ a: [{ private_key: 'x', b: 1 }] }), { a: [{ b: 1 }] });
  });

  it('asks for the two-factor code when the server answers otp_token_required, and signs in with it', async () => {
    const d = doubles({ code: creds.otpToken });
    const c = client('password', { password: creds.mfaPassword }, d, creds.mfaEmail);
    const result = await c.signIn();
    assert.match(result.summary, /^signed in as mfa@aptible\.sandbox/);
    assert.strictEqual(d.codeRequests.length, 1);
    assert.strictEqual(d.codeRequests[0].title, 'Aptible two-factor code');
    assert.match(d.codeRequests[0].prompt, /mfa@aptible\.sandbox/);
    assert.strictEqual(d.saved.length, 1);
    // MFA tokens last at most 12 h.
    assert.ok((d.saved[0].tokenExpiresAt as number) - Date.now() <= 12 * 3600 * 1000 + 5000);
    assert.strictEqual((await c.listEnvironments()).length, 5);
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.mfaPassword), line);
      assert.ok(!line.includes(`otp_token=${creds.otpToken}`), line);
    }
  });

  it('cancelling the two-factor prompt is a silent cancelled error and saves nothing', async () => {
    const d = doubles({ code: undefined });
    const c = client('password', { password: creds.mfaPassword }, d, creds.mfaEmail);
    const e = await rejection(c.signIn());
    assert.strictEqual(e.kind, 'cancelled');
    assert.strictEqual(e.operation, 'sign in');
    assert.strictEqual(d.codeRequests.length, 1);
    assert.deepStrictEqual(d.saved, []);
    assert.strictEqual(c.signedIn, false);
  });

  it('a wrong two-factor code and a wrong password give clear auth errors without the secrets', async () => {
    const d = doubles({ code: '999999' });
    const e = await rejection(client('password', { password: creds.mfaPassword }, d, creds.mfaEmail).signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, /Aptible rejected the two-factor code \(invalid_otp_token\)/);

    const wrong = 'not-the-sandbox-password-42';
    const d2 = doubles();
    const e2 = await rejection(client('password', { password: wrong }, d2, creds.email).signIn());
    assert.strictEqual(e2.kind, 'auth');
    assert.strictEqual(e2.status, 401);
    assert.strictEqual(e2.message, 'Sandbox Aptible: sign in failed: Aptible rejected the email or password (invalid_credentials)');
    for (const line of d2.lines) {
      assert.ok(!line.includes(wrong), line);
    }
    assert.deepStrictEqual(d2.saved, []);
  });

  it('reuses a stored, unexpired token without signing in again', async () => {
    const first = doubles();
    await client('password', { password: creds.password }, first, creds.email).signIn();
    const stored = first.saved[0];
    const count = state().tokens.size;

    const d = doubles();
    const c = client('password', { password: creds.password, token: stored.token, tokenExpiresAt: stored.tokenExpiresAt }, d, creds.email);
    assert.strictEqual(c.signedIn, true);
    await c.signIn();
    assert.strictEqual((await c.listEnvironments()).length, 5);
    assert.strictEqual(state().tokens.size, count, 'no new token was issued');
    assert.deepStrictEqual(d.saved, []);
    assert.ok(!d.lines.some((l) => /\/tokens/.test(l)), d.lines.join('\n'));
  });

  it('signs in again with the stored password when the stored token has passed expires_at', async () => {
    const first = doubles();
    await client('password', { password: creds.password }, first, creds.email).signIn();
    const d = doubles();
    const c = client('password', { password: creds.password, token: first.saved[0].token, tokenExpiresAt: Date.now() - 1000 }, d, creds.email);
    assert.strictEqual(c.signedIn, false);
    await c.listEnvironments();
    assert.strictEqual(d.saved.length, 1, 'a new token was issued and saved');
    assert.notStrictEqual(d.saved[0].token, first.saved[0].token);
    assert.ok(!d.lines.some((l) => / → 401/.test(l)), 'renewed before the call, not after a 401');
  });

  it('re-authenticates silently with the password when the server expires the token', async () => {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    await c.signIn();
    sb.faults.set('aptible', { expireTokens: true });
    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 5);
    assert.strictEqual(d.saved.length, 2, 'the new token was saved too');
    assert.ok(d.lines.some((l) => /\/accounts → 401; signing in again/.test(l)), d.lines.join('\n'));
  });

  it('asks for the password when none is stored, and cancels cleanly', async () => {
    const d = doubles({ password: creds.password });
    const c = client('password', {}, d, creds.email);
    await c.signIn();
    assert.strictEqual(d.passwordRequests.length, 1);
    assert.deepStrictEqual(Object.keys(d.saved[0]).sort(), ['token', 'tokenExpiresAt'], 'the asked password is not saved');

    const d2 = doubles({ password: undefined });
    const e = await rejection(client('password', {}, d2, creds.email).signIn());
    assert.strictEqual(e.kind, 'cancelled');
  });

  it('signs in with a pasted token and uses it as-is', async () => {
    const token = await issueToken();
    const d = doubles();
    const c = client('token', { token }, d);
    const result = await c.signIn();
    assert.match(result.summary, /^signed in with the pasted token \(token valid until /);
    assert.ok(result.expiresAt, 'the expiry is read from the JWT');
    assert.strictEqual((await c.listEnvironments()).length, 5);
    assert.deepStrictEqual(d.saved, []);
    assert.ok(!d.lines.some((l) => /\/tokens/.test(l)));
    for (const line of d.lines) {
      assert.ok(!line.includes(token), line);
    }
  });

  it('an expired pasted token is an auth error telling the person to paste a new one', async () => {
    const token = await issueToken();
    const d = doubles();
    const c = client('token', { token }, d);
    await c.signIn();
    sb.faults.set('aptible', { expireTokens: true });
    const e = await rejection(c.listEnvironments());
    assert.strictEqual(e.kind, 'auth');
    assert.strictEqual(e.operation, 'list environments');
    assert.match(e.message, /^Sandbox Aptible: list environments failed: Aptible rejected the token \(invalid_token\); it has expired or was revoked\. Paste a new token/);
    assert.ok(!e.message.includes(token));
    assert.deepStrictEqual(d.codeRequests, []);
    assert.deepStrictEqual(d.passwordRequests, []);
    assert.strictEqual(c.signedIn, false);
  });

  it('an imported CLI token works the same way, and its failure points to aptible login', async () => {
    const token = await issueToken();
    const c = client('cliToken', { token }, doubles());
    assert.match((await c.signIn()).summary, /^signed in with the aptible CLI token/);
    assert.strictEqual(await c.test(), '5 environments');
    sb.faults.set('aptible', { expireTokens: true });
    const e = await rejection(c.test());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, /Run "aptible login" and import the CLI token again/);

    const none = await rejection(client('cliToken', {}, doubles()).signIn());
    assert.strictEqual(none.kind, 'auth');
    assert.match(none.message, /no token is stored for this connection/);
  });

  it('sign out discards the token locally and says Aptible tokens expire on their own', async () => {
    const d = doubles();
    const c = client('password', { password: creds.password }, d, creds.email);
    await c.signIn();
    const msg = await c.signOut();
    assert.match(msg, /^The Aptible token was discarded locally; Aptible's API has no sign-out, and Aptible tokens expire on their own \(this one at \d{4}-\d\d-\d\d \d\d:\d\d\)\.$/);
    assert.deepStrictEqual(d.saved[d.saved.length - 1], { token: undefined, tokenExpiresAt: undefined });
    assert.strictEqual(c.signedIn, false);

    const pasted = client('token', { token: await issueToken() }, doubles());
    assert.match(await pasted.signOut(), /stopped using the pasted token \(discarded locally\)/);
    assert.strictEqual(pasted.signedIn, false);
  });

  it('an HTML 502 and a 429 with Retry-After are handled by the shared core', async () => {
    const c = client('password', { password: creds.password }, doubles(), creds.email);
    await c.signIn();
    sb.faults.set('aptible', { mode: 'rate-limit', count: 1, retryAfterSeconds: 1, pathRegex: '^/accounts' });
    assert.strictEqual((await c.listEnvironments()).length, 5);
    sb.faults.set('aptible', { mode: 'html-502', pathRegex: '^/accounts' });
    const e = await rejection(c.listEnvironments());
    assert.strictEqual(e.status, 502);
    assert.match(e.message, /^Sandbox Aptible: list environments failed: 502 — the server answered with an HTML page/);
  });

  it('a cancelled listing is an ApiError of kind cancelled', async () => {
    const c = client('password', { password: creds.password }, doubles(), creds.email);
    await c.signIn();
    const ac = new AbortController();
    ac.abort();
    const e = await rejection(c.listEnvironments(ac.signal));
    assert.strictEqual(e.kind, 'cancelled');
    assert.strictEqual(e.operation, 'list environments');
  });

  it('uses the public Aptible hosts by default, and aptibleModule builds a client', () => {
    const c = aptibleModule.createClient({ ...record('token'), endpoints: {} }, { token: 'x.y.z' }, doubles().deps) as AptibleClient;
    assert.strictEqual(c.apiUrl, APTIBLE_DEFAULT_API_URL);
    assert.strictEqual(c.authUrl, APTIBLE_DEFAULT_AUTH_URL);
    assert.strictEqual(APTIBLE_DEFAULT_AUTH_URL, 'https://auth.aptible.com');
    assert.strictEqual(aptibleModule.trustCandidate, undefined);
  });
});
