// The Aptible client's calls one by one against the sandbox over real HTTP: the headers it sends, the operation named
// in its errors, what it makes of answer shapes the emulator never sends (through `intercept`), the account row, token
// expiry and renewal, the password and two-factor prompts, the sign-in refusals, and secrets kept out of what it says.
import * as assert from 'assert';
import type { AuthMethod, ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { AptibleClient, aptibleEnvironmentInfo, stripSensitive } from '../../../src/backends/aptible';
import type { Sandbox } from '../../sandbox/server';
import type { SandboxRequest } from '../../sandbox/types';
import { type Doubles, doubles, failOnRequestViolations, rejection, useSandbox } from './doubles';
import { type Interceptor, intercept, route } from './intercept';

const LABEL = 'Sandbox Aptible';

/** Local "YYYY-MM-DD HH:MM", written out independently of the client. */
const local = (y: number, m: number, d: number, h: number, min: number): number => new Date(y, m - 1, d, h, min).getTime();

/** An unsigned JWT whose payload is `payload`. */
function jwt(payload: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.sig`;
}

describe('backends/aptible client calls', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let net: Interceptor;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], sizes: { aptibleAccounts: 3 } });
  failOnRequestViolations(sandbox, 'aptible');

  before(() => {
    sb = sandbox();
    creds = sb.details.aptible.credentials;
  });
  beforeEach(() => {
    net = intercept(sb.state.aptible);
  });
  afterEach(() => {
    net.restore();
    sb.faults.clear();
  });

  function record(method: AuthMethod, username?: string): ConnectionRecord {
    return {
      id: `aptible-client-test-${method}`,
      backend: 'aptible',
      label: LABEL,
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: `${sb.details.aptible.urls.authRoot}/` },
      auth: { method, username },
      source: 'user',
    };
  }

  function client(method: AuthMethod, secrets: ConnectionSecrets, d: Doubles = doubles(), username?: string): AptibleClient {
    const c = new AptibleClient(record(method, username), secrets, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    return c;
  }

  const signedIn = (d: Doubles = doubles()): AptibleClient => client('password', { password: creds.password }, d, creds.email);
  const json = (body: unknown, status = 200) => ({ status, body: JSON.stringify(body) });
  const form = (req: { json: unknown }): URLSearchParams => new URLSearchParams(String(req.json));
  const tokenPosts = () => net.sent.filter((s) => s.method === 'POST' && s.path === '/tokens');
  const aborted = (): AbortSignal => {
    const ac = new AbortController();
    ac.abort();
    return ac.signal;
  };
  /** The real token answer, changed by `edit`. */
  const editedToken = (edit: (body: Record<string, unknown>) => Record<string, unknown>) => async (req: SandboxRequest) => {
    const real = await net.original(req);
    const body = typeof real.body === 'string' ? (JSON.parse(real.body) as Record<string, unknown>) : (real.body as Record<string, unknown>);
    return json(edit({ ...body }), real.status);
  };

  describe('requests and operation names', () => {
    it('sends the token as a bearer and asks for application/hal+json', async () => {
      const c = signedIn();
      await c.signIn();
      const root = net.sent.filter((s) => s.method === 'GET' && s.path === '/');
      assert.strictEqual(root.length, 1);
      assert.strictEqual(root[0].headers.accept, 'application/hal+json');
      assert.match(root[0].headers.authorization ?? '', /^Bearer \S+$/);
    });

    it('asks the auth server for a manage-scoped password grant', async () => {
      await signedIn().signIn();
      const sent = form(tokenPosts()[0]);
      assert.strictEqual(sent.get('grant_type'), 'password');
      assert.strictEqual(sent.get('username'), creds.email);
      assert.strictEqual(sent.get('scope'), 'manage');
      assert.strictEqual(sent.get('otp_token'), null);
    });

    it('names the operation in every error', async () => {
      const c = signedIn();
      await c.signIn();
      net.answer((r) => r.path !== '/tokens', json({ code: 403, error: 'forbidden', message: 'nope' }, 403));
      const cases: [string, () => Promise<unknown>][] = [
        ['test connection', () => c.test()],
        ['list environments', () => c.listEnvironments()],
        ['list apps', () => c.appsPage('1', undefined)],
        ['list ephemeral sessions', () => c.appSessionsPage('1', undefined)],
        ['list operations', () => c.appOperationsPage('1', undefined)],
        ['list ephemeral sessions of an operation', () => c.operationSessionsPage('1', undefined)],
        ['read ephemeral session', () => c.readEphemeralSession('1')],
        ['list ephemeral containers', () => c.sessionContainersPage('1', undefined)],
        ['read app', () => c.readApp('1')],
        ['read operation', () => c.readOperation('1')],
        ['cancel operation', () => c.cancelOperation('1')],
        ['sign in', () => c.signIn()],
      ];
      for (const [operation, call] of cases) {
        const e = await rejection(call());
        assert.strictEqual(e.operation, operation, e.message);
        assert.ok(e.message.startsWith(`${LABEL}: ${operation} failed: `), e.message);
      }
    });

    it('a list answer without its _embedded list is refused with the key it lacks', async () => {
      const c = signedIn();
      await c.signIn();
      net.answer((r) => r.method === 'GET' && r.path !== '/', json({ total_count: 1 }));
      assert.strictEqual((await rejection(c.listEnvironments())).message, `${LABEL}: list environments failed: 200 — the answer has no _embedded.accounts list`);
      assert.strictEqual((await rejection(c.appsPage('1', undefined))).message, `${LABEL}: list apps failed: 200 — the answer has no _embedded.apps list`);
      assert.strictEqual(
        (await rejection(c.sessionContainersPage('1', undefined))).summary,
        '200 — the answer has no _embedded.ephemeral_containers list',
      );
      net.answer((r) => r.method === 'GET' && r.path !== '/', json(null));
      assert.strictEqual((await rejection(c.listEnvironments())).summary, '200 — the answer has no _embedded.accounts list');
      assert.strictEqual((await rejection(c.appOperationsPage('1', undefined))).summary, '200 — the answer has no _embedded.operations list');
    });

    it('an item answer without a numeric id is refused ("no id", "no operation id")', async () => {
      const c = signedIn();
      await c.signIn();
      for (const body of [null, { id: '7' }, {}]) {
        net.answer((r) => r.method === 'GET' && r.path !== '/', json(body));
        const app = await rejection(c.readApp('7'));
        assert.strictEqual(app.message, `${LABEL}: read app failed: 200 — the answer has no id`);
        assert.strictEqual(app.kind, 'invalid-response');
        assert.strictEqual((await rejection(c.readEphemeralSession('7'))).summary, '200 — the answer has no id');
        const op = await rejection(c.readOperation('7'));
        assert.strictEqual(op.message, `${LABEL}: read operation failed: 200 — the answer has no operation id`);
        assert.strictEqual(op.kind, 'invalid-response');
      }
    });

    it('an aborted signal stops each call before it reaches Aptible', async () => {
      const c = client('token', { token: 'opaque-token-abcdef' });
      const calls: [string, () => Promise<unknown>][] = [
        ['sign in', () => c.signIn(aborted())],
        ['test connection', () => c.test(aborted())],
        ['list environments', () => c.listEnvironments(aborted())],
        ['list apps', () => c.appsPage('1', undefined, aborted())],
        ['read app', () => c.readApp('1', aborted())],
        ['read operation', () => c.readOperation('1', aborted())],
      ];
      for (const [name, call] of calls) {
        await call().then(
          () => assert.fail(`${name} should reject`),
          () => undefined,
        );
      }
      assert.deepStrictEqual(net.sent, [], 'nothing was sent');
      const d = doubles();
      await signedIn(d)
        .signIn(aborted())
        .then(
          () => assert.fail('a password sign-in should reject'),
          () => undefined,
        );
      assert.strictEqual(tokenPosts().length, 0, 'no token request');
    });
  });

  describe('test connection', () => {
    it('counts environments from total_count, else the list, else none', async () => {
      const c = signedIn();
      await c.signIn();
      const answers: [unknown, string][] = [
        [{ total_count: 1, _embedded: { accounts: [] } }, '1 environment'],
        [{ total_count: 0, _embedded: { accounts: [{ id: 1 }] } }, '0 environments'],
        [{ _embedded: { accounts: [{ id: 1 }, { id: 2 }] } }, '2 environments'],
        [{ _embedded: { accounts: [{ id: 1 }] } }, '1 environment'],
        [{ total_count: '4' }, '0 environments'],
        [null, '0 environments'],
      ];
      for (const [body, text] of answers) {
        net.answer(route('GET', '/accounts'), json(body));
        assert.strictEqual(await c.test(), text, JSON.stringify(body));
      }
      assert.strictEqual(net.sent.filter((s) => s.path === '/accounts')[0].headers.accept, 'application/hal+json');
    });
  });

  describe('the account row', () => {
    it('production · 3 apps with the environment icon; singular app; counts only when numeric', () => {
      const prod = aptibleEnvironmentInfo({ id: 11, handle: 'prod', type: 'production', total_app_count: 3, total_database_count: 2, created_at: '2024-01-01T00:00:00Z' });
      assert.strictEqual(prod.id, '11');
      assert.strictEqual(prod.label, 'prod');
      assert.strictEqual(prod.description, 'production · 3 apps');
      assert.strictEqual(prod.icon, 'server-environment');
      assert.deepStrictEqual(prod.details, { id: 11, handle: 'prod', type: 'production', apps: 3, databases: 2, created: '2024-01-01T00:00:00Z' });

      const dev = aptibleEnvironmentInfo({ id: 12, handle: 'dev', type: 'development', total_app_count: 1 });
      assert.strictEqual(dev.description, 'development · 1 app');
      assert.strictEqual(dev.icon, 'server');

      const odd = aptibleEnvironmentInfo({ id: 13, handle: 'odd', total_app_count: '3', total_database_count: '2' } as never);
      assert.strictEqual(odd.description, undefined);
      assert.strictEqual(odd.icon, 'server');
      assert.strictEqual(odd.details.apps, undefined);
      assert.strictEqual(odd.details.databases, undefined);

      const none = aptibleEnvironmentInfo({ id: 14, handle: 'none', type: null, total_app_count: 0 });
      assert.strictEqual(none.description, '0 apps');
      assert.strictEqual(aptibleEnvironmentInfo({ id: 15, handle: 'bare' }).description, undefined);
    });

    it('listEnvironments leaves out accounts without an id (missing or null)', async () => {
      const c = signedIn();
      await c.signIn();
      net.answer(route('GET', '/accounts'), json({ _embedded: { accounts: [{ handle: 'a' }, { handle: 'b', id: null }, { id: 3, handle: 'c' }] } }));
      const envs = await c.listEnvironments();
      assert.deepStrictEqual(
        envs.map((e) => e.label),
        ['c'],
      );
    });
  });

  describe('pages', () => {
    it('keeps a next link verbatim, ignores an empty or non-string one, and reads total_count only when numeric', async () => {
      const c = signedIn();
      await c.signIn();
      const page = (links: unknown, total: unknown) => json({ _embedded: { apps: [{ id: 1, handle: 'web', secret_key: 's3', api_token: 't' }] }, _links: links, total_count: total });
      net.answer(route('GET', '/accounts/5/apps'), page({ next: { href: 'https://elsewhere.example/accounts/5/apps?page=2&x=%20' } }, 9));
      const first = await c.appsPage('5', undefined);
      assert.strictEqual(first.next, 'https://elsewhere.example/accounts/5/apps?page=2&x=%20');
      assert.strictEqual(first.total, 9);
      assert.deepStrictEqual(first.items, [{ id: 1, handle: 'web' }]);
      for (const [links, total] of [
        [{ next: { href: '' } }, '9'],
        [{ next: { href: 5 } }, null],
        [undefined, undefined],
      ] as [unknown, unknown][]) {
        net.answer(route('GET', '/accounts/5/apps'), page(links, total));
        const p = await c.appsPage('5', undefined);
        assert.strictEqual(p.next, undefined, JSON.stringify(links));
        assert.strictEqual(p.total, undefined);
      }
    });
  });

  describe('token expiry', () => {
    it('reads expiry from expires_in when there is no expires_at', async () => {
      const d = doubles();
      const now = local(2031, 6, 15, 12, 0);
      d.deps.now = () => now;
      net.answer(route('POST', '/tokens'), editedToken(({ expires_at: _drop, ...rest }) => ({ ...rest, access_token: 'opaque-issued-token', expires_in: 3600 })));
      net.answer(route('GET', '/'), json({}));
      const c = signedIn(d);
      const result = await c.signIn();
      assert.strictEqual(d.saved[0].tokenExpiresAt, now + 3_600_000);
      assert.strictEqual(result.expiresAt, now + 3_600_000);
      assert.strictEqual(result.summary, `signed in as ${creds.email} (token valid until 2031-06-15 13:00)`);
      assert.ok(d.lines.includes('debug obtained an Aptible token valid until 2031-06-15 13:00'), d.lines.join('\n'));
    });

    it('reads expiry from the JWT exp when the answer has none, and logs no expiry for an opaque token', async () => {
      const exp = local(2031, 6, 15, 12, 30);
      const d = doubles();
      net.answer(route('POST', '/tokens'), json({ access_token: jwt({ exp: exp / 1000 }), token_type: 'bearer' }));
      net.answer(route('GET', '/'), json({}));
      const result = await signedIn(d).signIn();
      assert.strictEqual(result.expiresAt, exp);
      assert.strictEqual(d.saved[0].tokenExpiresAt, exp);

      const d2 = doubles();
      net.answer(route('POST', '/tokens'), json({ access_token: 'opaque-issued-token', token_type: 'bearer' }));
      const r2 = await signedIn(d2).signIn();
      assert.strictEqual(r2.expiresAt, undefined);
      assert.strictEqual(r2.summary, `signed in as ${creds.email}`);
      assert.ok(d2.lines.includes('debug obtained an Aptible token'), d2.lines.join('\n'));
    });

    it('a pasted JWT: expiry from exp, shown in the sign-in and sign-out texts', async () => {
      const exp = local(2031, 6, 15, 12, 30);
      net.answer(route('GET', '/'), json({}));
      const c = client('token', { token: jwt({ exp: exp / 1000 }) });
      const result = await c.signIn();
      assert.strictEqual(result.expiresAt, exp);
      assert.strictEqual(result.summary, 'signed in with the pasted token (token valid until 2031-06-15 12:30)');
      assert.strictEqual(
        await c.signOut(),
        "Session Manager stopped using the pasted token (discarded locally); Aptible's API has no sign-out, and Aptible tokens expire on their own (this one at 2031-06-15 12:30).",
      );
      const cli = client('cliToken', { token: 'opaque-cli-token' });
      assert.strictEqual((await cli.signIn()).summary, 'signed in with the aptible CLI token');
      assert.strictEqual(
        await cli.signOut(),
        "Session Manager stopped using the imported CLI token (discarded locally); Aptible's API has no sign-out, and Aptible tokens expire on their own.",
      );
    });

    it('is not signed in at the very millisecond the token expires', () => {
      const d = doubles();
      const at = local(2031, 6, 15, 12, 30);
      d.deps.now = () => at;
      assert.strictEqual(client('token', { token: 'opaque-token-abcdef', tokenExpiresAt: at }, d).signedIn, false);
      d.deps.now = () => at - 1;
      assert.strictEqual(client('token', { token: 'opaque-token-abcdef', tokenExpiresAt: at }, d).signedIn, true);
    });

    it('signs in again exactly one minute before the stored token expires, and says so', async () => {
      const d = doubles();
      const at = local(2031, 6, 15, 12, 30);
      d.deps.now = () => at - 60_000;
      net.answer(route('GET', '/'), json({}));
      net.answer(route('POST', '/tokens'), json({ access_token: 'opaque-new-token', expires_in: 3600 }));
      const c = client('password', { password: creds.password, token: 'opaque-old-token', tokenExpiresAt: at }, d, creds.email);
      await c.signIn();
      assert.strictEqual(tokenPosts().length, 1, 'a new token was requested');
      assert.ok(d.lines.includes('info the Aptible token expired at 2031-06-15 12:30; signing in again'), d.lines.join('\n'));

      const d2 = doubles();
      d2.deps.now = () => at - 60_001;
      const fresh = client('password', { password: creds.password, token: 'opaque-old-token', tokenExpiresAt: at }, d2, creds.email);
      await fresh.signIn();
      assert.strictEqual(tokenPosts().length, 1, 'the stored token was still used');
      assert.ok(!d2.lines.some((l) => l.includes('expired')), d2.lines.join('\n'));
    });

    it('a stored token without an email: signed in as (no email); signing out a password connection that holds nothing saves nothing', async () => {
      net.answer(route('GET', '/'), json({}));
      const c = client('password', { token: 'opaque-stored-token' });
      assert.strictEqual((await c.signIn()).summary, 'signed in as (no email)');
      const d = doubles();
      const never = client('password', { password: creds.password }, d, creds.email);
      assert.strictEqual(await never.signOut(), "The Aptible token was discarded locally; Aptible's API has no sign-out, and Aptible tokens expire on their own.");
      assert.deepStrictEqual(d.saved, []);
    });
  });

  describe('prompts and sign-in refusals', () => {
    it('asks for the password with its title and prompt, and keeps it for signing in again after a 401', async () => {
      const d = doubles({ password: creds.password });
      const c = client('password', {}, d, creds.email);
      await c.signIn();
      assert.deepStrictEqual(d.passwordRequests, [{ title: 'Aptible password', prompt: `Password for ${creds.email} at ${c.authUrl}` }]);
      assert.strictEqual(c.authUrl, sb.details.aptible.urls.authRoot);
      sb.state.aptible.expireAllTokens();
      await c.listEnvironments();
      assert.strictEqual(d.passwordRequests.length, 1, 'not asked again');
      assert.strictEqual(tokenPosts().length, 2);
      assert.ok(d.lines.includes('info Aptible answered 401; signing in again with the stored password'), d.lines.join('\n'));
    });

    it('a cancelled password prompt is a cancelled sign-in', async () => {
      const e = await rejection(client('password', {}, doubles(), creds.email).signIn());
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.message, `${LABEL}: sign in failed: no password was entered`);
      assert.strictEqual(tokenPosts().length, 0);
    });

    it('refuses a password connection without an email', async () => {
      const e = await rejection(client('password', { password: creds.password }).signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.message, `${LABEL}: sign in failed: the connection has no email address; edit the connection`);
    });

    it('asks for the two-factor code with its title and prompt, and sends it trimmed', async () => {
      const d = doubles({ code: `  ${creds.otpToken}  ` });
      const c = client('password', { password: creds.mfaPassword }, d, creds.mfaEmail);
      await c.signIn();
      assert.deepStrictEqual(d.codeRequests, [{ title: 'Aptible two-factor code', prompt: `Enter the two-factor code for ${creds.mfaEmail} (from your authenticator app)` }]);
      const posts = tokenPosts();
      assert.strictEqual(posts.length, 2);
      assert.strictEqual(form(posts[1]).get('otp_token'), creds.otpToken);
    });

    it('a blank or cancelled two-factor code is a cancelled sign-in that sends nothing more', async () => {
      for (const code of ['   ', undefined]) {
        net.sent.length = 0;
        const e = await rejection(client('password', { password: creds.mfaPassword }, doubles({ code }), creds.mfaEmail).signIn());
        assert.strictEqual(e.kind, 'cancelled');
        assert.strictEqual(e.message, `${LABEL}: sign in failed: no two-factor code was entered`);
        assert.strictEqual(tokenPosts().length, 1);
      }
    });

    it('words a wrong password, a wrong code and a bare 401 apart; other refusals stay as the server said', async () => {
      const wrong = await rejection(client('password', { password: 'not-the-password' }, doubles(), creds.email).signIn());
      assert.strictEqual(wrong.message, `${LABEL}: sign in failed: Aptible rejected the email or password (invalid_credentials)`);
      assert.strictEqual(wrong.kind, 'auth');

      const badCode = await rejection(client('password', { password: creds.mfaPassword }, doubles({ code: '000000' }), creds.mfaEmail).signIn());
      assert.strictEqual(badCode.message, `${LABEL}: sign in failed: Aptible rejected the two-factor code (invalid_otp_token); sign in again with a fresh code`);
      assert.strictEqual(badCode.kind, 'auth');

      net.answer(route('POST', '/tokens'), json({}, 401));
      const bare = await rejection(signedIn().signIn());
      assert.strictEqual(bare.message, `${LABEL}: sign in failed: Aptible rejected the email or password (401)`);

      net.answer(route('POST', '/tokens'), json({}, 403));
      const forbidden = await rejection(signedIn().signIn());
      assert.doesNotMatch(forbidden.message, /rejected the (email|two-factor)/);
      assert.strictEqual(forbidden.status, 403);

      net.answer(route('POST', '/tokens'), json({ code: 400, error: 'invalid_scope', message: 'Invalid scope: manage' }, 400));
      const scope = await rejection(signedIn().signIn());
      assert.doesNotMatch(scope.message, /rejected the (email|two-factor)/);
      assert.strictEqual(scope.vendorCode, 'invalid_scope');
    });

    it('an auth answer without an access_token is refused', async () => {
      for (const body of [null, { access_token: '' }, { access_token: 5 }]) {
        net.answer(route('POST', '/tokens'), json(body));
        const e = await rejection(signedIn().signIn());
        assert.strictEqual(e.message, `${LABEL}: sign in failed: the auth server answered without an access_token`, JSON.stringify(body));
        assert.strictEqual(e.kind, 'invalid-response');
      }
    });

    it('a pasted token: none stored, or refused with and without a code, is advice to paste a new one', async () => {
      const none = await rejection(client('token', {}).signIn());
      assert.strictEqual(none.message, `${LABEL}: sign in failed: no token is stored for this connection. Paste a new token with Edit Connection`);
      net.answer(route('GET', '/'), json({}, 401));
      const bare = await rejection(client('token', { token: 'opaque-token-abcdef' }).signIn());
      assert.strictEqual(bare.message, `${LABEL}: sign in failed: Aptible rejected the token; it has expired or was revoked. Paste a new token with Edit Connection`);
      net.answer(route('GET', '/'), json({ code: 401, error: 'invalid_token', message: 'Invalid token' }, 401));
      const coded = await rejection(client('cliToken', { token: 'opaque-token-abcdef' }).signIn());
      assert.strictEqual(
        coded.message,
        `${LABEL}: sign in failed: Aptible rejected the token (invalid_token); it has expired or was revoked. Run "aptible login" and import the CLI token again (Edit Connection), or paste a new token`,
      );
    });
  });

  describe('secrets', () => {
    it('the password and the token never appear in an error', async () => {
      // A later API call (whose request carries no password) answered with the stored password in its text.
      const c = signedIn();
      await c.signIn();
      net.answer(route('GET', '/accounts'), json({ code: 403, error: 'forbidden', message: `refused: ${creds.password}` }, 403));
      const e4 = await rejection(c.test());
      assert.ok(e4.message.includes('refused: '), e4.message);
      assert.ok(!e4.message.includes(creds.password), e4.message);
      net.restore();
      net = intercept(sb.state.aptible);

      const password = 'hunter2-secret-password';
      // The auth server echoes the password it was sent.
      net.answer(route('POST', '/tokens'), (req) => json({ code: 400, error: 'invalid_request', message: `refused: ${new URLSearchParams(req.body.toString('utf8')).get('password')}` }, 400));
      const e = await rejection(client('password', { password }, doubles(), creds.email).signIn());
      assert.ok(!e.message.includes(password), e.message);
      assert.ok(e.message.includes('refused: '), e.message);
      assert.ok(!JSON.stringify(e).includes(password));

      const asked = 'asked-secret-password';
      const e2 = await rejection(client('password', {}, doubles({ password: asked }), creds.email).signIn());
      assert.ok(!e2.message.includes(asked), e2.message);
      assert.ok(e2.message.includes('refused: '), e2.message);

      const token = 'opaque-token-abcdef';
      net.answer(route('GET', '/accounts'), json({ code: 403, error: 'forbidden', message: `refused: ${token}` }, 403));
      const e3 = await rejection(client('token', { token }).test());
      assert.ok(!e3.message.includes(token), e3.message);
      assert.ok(e3.message.includes('refused: '), e3.message);
    });

    it('strips sensitive fields by name at any depth, but not look-alikes', () => {
      const stripped = stripSensitive({
        id: 1,
        password: 'p',
        privatekey: 'k',
        ca_body: 'b',
        nested: [{ gentlemanjerry_certificate: 'c', api_token: 't', keep: 1 }],
        xca_body: 'kept',
        ca_body_note: 'kept',
      });
      assert.deepStrictEqual(stripped, { id: 1, nested: [{ keep: 1 }], xca_body: 'kept', ca_body_note: 'kept' });

      // Twenty levels down is still stripped.
      let deep: Record<string, unknown> = { password: 'p', keep: 1 };
      for (let i = 0; i < 20; i++) {
        deep = { a: deep };
      }
      let cur = stripSensitive(deep) as Record<string, unknown>;
      for (let i = 0; i < 20; i++) {
        cur = cur.a as Record<string, unknown>;
      }
      assert.deepStrictEqual(cur, { keep: 1 });
    });

    it('a cyclic value does not overflow the stack', () => {
      const obj: Record<string, unknown> = { id: 1 };
      obj.self = obj;
      const arr: unknown[] = [];
      arr.push(arr);
      assert.doesNotThrow(() => stripSensitive(obj));
      assert.doesNotThrow(() => stripSensitive(arr));
    });
  });
});
