// ZitiClient's sign-in paths, /version discovery, sign-out and status texts, against the sandbox's OpenZiti
// controller over real HTTPS (intercept.ts answers in its place where a shape the emulator never sends is needed).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Sandbox } from '../../sandbox/server';
import { ZitiClient, managementPathFrom, DEFAULT_MANAGEMENT_PATH } from '../../../src/backends/ziti/client';
import { doubles, rejection, sandboxZitiRecord, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const MGMT = '/edge/management/v1';
const ADMIN_PASSWORD = 'ziti-sandbox-admin';

/** An OpenZiti error envelope. */
function errBody(_status: number, code: string, message: string): unknown {
  return { error: { code, message, requestId: 'req-1' }, meta: {} };
}

describe('OpenZiti client: sign-in methods, /version, sign-out and status texts', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const { sandbox, clients } = useSandbox<ZitiClient>({ backends: ['ziti'] });
  const wire = interceptEachTest(sandbox, 'ziti');
  before(() => {
    sb = sandbox();
  });

  function client(...args: ConstructorParameters<typeof ZitiClient>): ZitiClient {
    const c = new ZitiClient(...args);
    clients.push(c);
    return c;
  }

  /** A stored token for the admin (signed in once through another client). */
  async function adminToken(): Promise<string> {
    const d = doubles();
    await client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps).signIn();
    const token = d.saved.find((s) => s.token)?.token;
    assert.ok(token);
    return token;
  }

  describe('managementPathFrom', () => {
    it('drops every trailing slash, ignores a relative path and a /version without edge-management', () => {
      assert.strictEqual(managementPathFrom({ apiVersions: { 'edge-management': { v1: { path: '/mgmt/v1//' } } } }), '/mgmt/v1');
      assert.strictEqual(managementPathFrom({ apiVersions: { 'edge-management': { v1: { path: 'mgmt/v1' } } } }), DEFAULT_MANAGEMENT_PATH);
      assert.strictEqual(managementPathFrom({ apiVersions: { 'edge-client': { v1: { path: '/edge/client/v1' } } } }), DEFAULT_MANAGEMENT_PATH);
      assert.strictEqual(managementPathFrom({}), DEFAULT_MANAGEMENT_PATH);
    });
  });

  describe('constructor', () => {
    it('a connection without a controller URL is refused with a message naming it', () => {
      const d = doubles();
      assert.throws(() => new ZitiClient(sandboxZitiRecord(sb, { endpoints: {} }), {}, d.deps), (e: Error) => e.message === 'Lab controller: the controller URL is missing');
    });

    it('a certificate connection without certificate or key files is refused', () => {
      const d = doubles();
      assert.throws(
        () => new ZitiClient(sandboxZitiRecord(sb, { auth: { method: 'certificate', certificatePath: '/tmp/x.pem' } }), {}, d.deps),
        (e: Error) => e.message === 'Lab controller: the client certificate and key files are not set',
      );
    });

    it('an unreadable certificate file is refused with the reason, the file error kept as the cause', () => {
      const d = doubles();
      const missing = path.join(os.tmpdir(), `ziti-no-such-cert-${process.pid}.pem`);
      assert.throws(
        () => new ZitiClient(sandboxZitiRecord(sb, { auth: { method: 'certificate', certificatePath: missing, keyPath: missing } }), {}, d.deps),
        (e: Error) => {
          assert.ok(e.message.startsWith('Lab controller: cannot read the client certificate or key: '), e.message);
          assert.match(e.message, /ENOENT/);
          assert.strictEqual((e.cause as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
          return true;
        },
      );
    });

    it('a URL whose path ends in several slashes names the management API without them', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb, { endpoints: { url: `${sb.urls.ziti}${MGMT}//` } }), { password: ADMIN_PASSWORD }, d.deps);
      await c.controllerVersion();
      assert.deepStrictEqual(
        wire().sent.map((s) => `${s.method} ${s.path}`),
        [`GET ${MGMT}/version`],
      );
    });
  });

  describe('sign-in', () => {
    it('signs in with a client certificate: POST /authenticate?method=cert, no body fields, no password asked', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ziti-cert-'));
      try {
        const issued = sb.issueClientCert('Default Admin');
        const certificatePath = path.join(dir, 'client.pem');
        const keyPath = path.join(dir, 'client.key');
        fs.writeFileSync(certificatePath, issued.certPem);
        fs.writeFileSync(keyPath, issued.keyPem);
        const d = doubles();
        const c = client(sandboxZitiRecord(sb, { auth: { method: 'certificate', certificatePath, keyPath } }), {}, d.deps);
        const r = await c.signIn();
        assert.match(r.summary, /^signed in as Default Admin · v1\.2\.3$/);
        const auth = wire().sent.filter((s) => s.path === `${MGMT}/authenticate`);
        assert.strictEqual(auth.length, 1);
        assert.strictEqual(auth[0].query.get('method'), 'cert');
        assert.ok(auth[0].json === undefined || JSON.stringify(auth[0].json) === '{}', `body ${JSON.stringify(auth[0].json)}`);
        assert.strictEqual(d.passwordRequests.length, 0);
        assert.ok(c.signedIn);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('without a stored password asks for it, naming the connection and the user, and signs in with the answer', async () => {
      const d = doubles({ password: ADMIN_PASSWORD });
      const c = client(sandboxZitiRecord(sb), {}, d.deps);
      await c.signIn();
      assert.deepStrictEqual(d.passwordRequests, [{ title: 'Sign in to Lab controller', prompt: 'Password for admin' }]);
      const auth = wire().sent.filter((s) => s.path === `${MGMT}/authenticate`);
      assert.strictEqual(auth.length, 1);
      assert.strictEqual(auth[0].query.get('method'), 'password');
      assert.deepStrictEqual(auth[0].json, { username: 'admin', password: ADMIN_PASSWORD });
      assert.ok(c.signedIn);
    });

    it('a password connection without a user name asks "Password for " (no "undefined")', async () => {
      const d = doubles({});
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'password' } }), {}, d.deps);
      await rejection(c.signIn());
      assert.deepStrictEqual(d.passwordRequests, [{ title: 'Sign in to Lab controller', prompt: 'Password for ' }]);
    });

    it('a cancelled password prompt is a cancellation and sends no sign-in request', async () => {
      const d = doubles({});
      const c = client(sandboxZitiRecord(sb), {}, d.deps);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.operation, 'sign in');
      assert.strictEqual(e.connectionLabel, 'Lab controller');
      assert.strictEqual(e.message, 'Lab controller: sign in failed: cancelled');
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 0);
      assert.strictEqual(d.saved.length, 0);
      assert.strictEqual(c.signedIn, false);
    });

    it('a stored password is used without asking', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps);
      await c.signIn();
      assert.strictEqual(d.passwordRequests.length, 0);
    });

    it('a TOTP auth query is answered like an MFA one: the code is asked with the connection named, then sent', async () => {
      wire().answer(route('POST', `${MGMT}/authenticate`), async (req) => {
        const real = await wire().original(req);
        const body = real.body as { data: { authQueries: { typeId: string }[] } };
        body.data.authQueries = body.data.authQueries.map((q) => ({ ...q, typeId: 'TOTP' }));
        return real;
      });
      const d = doubles({ code: '123456' });
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d.deps);
      const r = await c.signIn();
      assert.deepStrictEqual(d.codeRequests, [{ title: 'Lab controller: multi-factor authentication', prompt: 'Enter the code from your authenticator app (or a recovery code)' }]);
      const mfa = wire().sent.filter((s) => s.path === `${MGMT}/authenticate/mfa`);
      assert.strictEqual(mfa.length, 1);
      assert.deepStrictEqual(mfa[0].json, { code: '123456' });
      assert.match(r.summary, /^signed in as mfa-admin/);
    });

    it('an auth query of another kind asks no code', async () => {
      wire().answer(route('POST', `${MGMT}/authenticate`), async (req) => {
        const real = await wire().original(req);
        (real.body as { data: { authQueries: unknown[] } }).data.authQueries = [{ typeId: 'EXT-JWT', provider: 'idp' }];
        return real;
      });
      const d = doubles({ code: '123456' });
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps);
      await c.signIn();
      assert.strictEqual(d.codeRequests.length, 0);
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate/mfa`).length, 0);
    });

    it('a cancelled MFA code is a sign-in cancellation and forgets the partial token', async () => {
      const d = doubles({});
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d.deps);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.operation, 'sign in');
      assert.match(e.message, /cancelled/);
      assert.strictEqual(c.signedIn, false);
      assert.strictEqual(d.saved.length, 0);
    });

    it('the MFA steps are not re-authenticated: an expired partial session fails the sign-in once', async () => {
      wire().answer(route('GET', `${MGMT}/current-api-session`), { status: 401, body: errBody(401, 'UNAUTHORIZED', 'The request could not be completed. The session is not authorized or the credentials are invalid') });
      const d = doubles({ code: '123456' });
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d.deps);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.operation, 'read the API session');
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 1, 'no second sign-in');
      assert.strictEqual(d.codeRequests.length, 1);
    });

    it('a refused MFA code (401) fails the sign-in at once: no second sign-in, the code asked once', async () => {
      wire().answer(route('POST', `${MGMT}/authenticate/mfa`), { status: 401, body: errBody(401, 'INVALID_AUTH', 'The authentication request failed') });
      const d = doubles({ code: '654321' });
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d.deps);
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error('the sign-in hung (the MFA step waited for its own re-login)')), 5_000);
      });
      try {
        const e = await rejection(Promise.race([c.signIn(), hung]));
        assert.strictEqual(e.kind, 'auth');
        assert.strictEqual(e.operation, 'answer the MFA challenge');
      } finally {
        clearTimeout(timer);
      }
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 1);
      assert.strictEqual(d.codeRequests.length, 1);
    });

    it('a stale pasted token is forgotten when the controller refuses it: the client is no longer signed in', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'token' } }), { token: 'pasted-stale-9999' }, d.deps);
      assert.strictEqual(c.signedIn, true);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(c.signedIn, false, 'the refused token is dropped');
    });

    it('a stale stored token with a wrong stored password leaves the client signed out', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'stored-stale-9999', password: 'wrong-password-1' }, d.deps);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.ok(!e.message.includes('wrong-password-1'));
      assert.strictEqual(c.signedIn, false, 'the refused token is dropped');
    });

    it('an API session with only expirationSeconds expires that many seconds from the client clock', async () => {
      wire().answer(route('POST', `${MGMT}/authenticate`), async (req) => {
        const real = await wire().original(req);
        const data = (real.body as { data: Record<string, unknown> }).data;
        delete data.expiresAt;
        data.expirationSeconds = 90;
        return real;
      });
      const d = doubles();
      const fixed = Date.parse('2030-01-01T00:00:00Z');
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, { ...d.deps, now: () => fixed });
      const r = await c.signIn();
      assert.strictEqual(r.expiresAt, fixed + 90_000);
      assert.deepStrictEqual(d.saved.at(-1)?.tokenExpiresAt, fixed + 90_000);
    });

    it('a stored token is checked with GET /current-api-session and kept when good (no new sign-in)', async () => {
      const token = await adminToken();
      wire.renew();
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token, password: ADMIN_PASSWORD }, d.deps);
      const r = await c.signIn();
      assert.match(r.summary, /^signed in as Default Admin · v1\.2\.3$/);
      assert.deepStrictEqual(
        wire().sent.map((s) => `${s.method} ${s.path}`),
        ['GET /version', `GET ${MGMT}/current-api-session`],
      );
      assert.strictEqual(wire().sent[0].headers['zt-session'], undefined, '/version is asked without the token');
      assert.strictEqual(wire().sent[1].headers['zt-session'], token);
    });

    it('a stored token the controller refuses (401) is dropped and the stored password signs in again', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'stale-token-0000', password: ADMIN_PASSWORD }, d.deps);
      const r = await c.signIn();
      assert.match(r.summary, /^signed in as Default Admin/);
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 1);
      const saved = d.saved.at(-1)?.token;
      assert.ok(saved && saved !== 'stale-token-0000');
    });

    it('a stored token whose check fails otherwise (500) fails the sign-in without signing in again', async () => {
      wire().answer(route('GET', `${MGMT}/current-api-session`), { status: 500, body: errBody(500, 'UNHANDLED', 'boom') });
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'some-token-1111', password: ADMIN_PASSWORD }, { ...d.deps });
      const e = await rejection(c.signIn());
      assert.strictEqual(e.status, 500);
      assert.strictEqual(e.operation, 'check the API session');
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 0);
    });

    it('a pasted token that is no longer valid says to paste a new one, and never shows the token', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb, { auth: { method: 'token' } }), { token: 'pasted-secret-2222' }, d.deps);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.operation, 'sign in');
      assert.match(e.message, /paste a new one/);
      assert.ok(!e.message.includes('pasted-secret-2222'));
    });

    it('the summary keeps the name from the sign-in when the session check has none, and says "unknown version" without one', async () => {
      wire().answer(route('GET', '/version'), { status: 200, body: { data: { apiVersions: { 'edge-management': { v1: { path: MGMT } } } }, meta: {} } });
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps);
      const r = await c.signIn();
      assert.strictEqual(r.summary, 'signed in as Default Admin · unknown version');
    });
  });

  describe('signedIn', () => {
    it('is true with a token that has not expired, false at or after its expiry or without a token', () => {
      const d = doubles();
      const now = Date.parse('2030-01-01T00:00:00Z');
      const deps = { ...d.deps, now: () => now };
      assert.strictEqual(client(sandboxZitiRecord(sb), {}, deps).signedIn, false);
      assert.strictEqual(client(sandboxZitiRecord(sb), { tokenExpiresAt: now + 1000 }, deps).signedIn, false);
      assert.strictEqual(client(sandboxZitiRecord(sb), { token: 't' }, deps).signedIn, true);
      assert.strictEqual(client(sandboxZitiRecord(sb), { token: 't', tokenExpiresAt: now + 1 }, deps).signedIn, true);
      assert.strictEqual(client(sandboxZitiRecord(sb), { token: 't', tokenExpiresAt: now }, deps).signedIn, false);
      assert.strictEqual(client(sandboxZitiRecord(sb), { token: 't', tokenExpiresAt: now - 1 }, deps).signedIn, false);
    });
  });

  describe('/version', () => {
    it('is read once, without the token, and cached', async () => {
      const token = await adminToken();
      wire.renew();
      const c = client(sandboxZitiRecord(sb), { token }, doubles().deps);
      const v = await c.controllerVersion();
      assert.strictEqual(v.version, 'v1.2.3');
      assert.strictEqual(await c.controllerVersion(), v);
      assert.strictEqual(wire().sent.length, 1);
      assert.strictEqual(wire().sent[0].path, '/version');
      assert.strictEqual(wire().sent[0].headers['zt-session'], undefined);
    });

    it('a root /version that is not JSON falls back to the management API copy', async () => {
      wire().answer(route('GET', '/version'), { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>hello</html>' });
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, doubles().deps);
      assert.strictEqual((await c.controllerVersion()).version, 'v1.2.3');
      assert.deepStrictEqual(
        wire().sent.map((s) => s.path),
        ['/version', `${MGMT}/version`],
      );
    });

    it('a root /version failing otherwise (500) is an error naming the operation, with no fallback', async () => {
      wire().answer(route('GET', '/version'), { status: 500, body: errBody(500, 'UNHANDLED', 'boom') });
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, doubles().deps);
      const e = await rejection(c.controllerVersion());
      assert.strictEqual(e.status, 500);
      assert.strictEqual(e.operation, 'read the controller version');
      assert.deepStrictEqual(
        wire().sent.map((s) => s.path),
        ['/version'],
      );
    });

    it('the fallback /version is asked without the token and names the operation when it fails', async () => {
      wire().answer(route('GET', '/version'), { status: 404, body: errBody(404, 'NOT_FOUND', 'not found') });
      wire().answer(route('GET', `${MGMT}/version`), { status: 503, body: errBody(503, 'UNAVAILABLE', 'down') });
      const c = client(sandboxZitiRecord(sb), { token: 'tok-3333' }, { ...doubles().deps });
      const e = await rejection(c.controllerVersion());
      assert.strictEqual(e.operation, 'read the controller version');
      const fallback = wire().sent.filter((s) => s.path === `${MGMT}/version`);
      assert.ok(fallback.length >= 1);
      assert.ok(fallback.every((s) => s.headers['zt-session'] === undefined));
    });

    it('with a management path in the URL, a 404 on its /version is an error (no root fallback)', async () => {
      wire().answer(route('GET', `${MGMT}/version`), { status: 404, body: errBody(404, 'NOT_FOUND', 'not found') });
      const c = client(sandboxZitiRecord(sb, { endpoints: { url: `${sb.urls.ziti}${MGMT}` } }), { password: ADMIN_PASSWORD }, doubles().deps);
      const e = await rejection(c.controllerVersion());
      assert.strictEqual(e.status, 404);
      assert.deepStrictEqual(
        wire().sent.map((s) => s.path),
        [`${MGMT}/version`],
      );
    });

    it('an empty /version answer still gives the default management path', async () => {
      wire().answer(route('GET', '/version'), { status: 200, body: {} });
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, doubles().deps);
      assert.deepStrictEqual(await c.controllerVersion(), {});
      await c.signIn();
      assert.ok(wire().sent.some((s) => s.path === `${MGMT}/authenticate`));
    });

    it('the first management call reads /version first to find the management path', async () => {
      const token = await adminToken();
      wire.renew();
      wire().answer(route('GET', '/version'), { status: 200, body: { data: { version: 'v2', apiVersions: { 'edge-management': { v1: { path: '/alt/mgmt' } } } }, meta: {} } });
      wire().answer((req) => req.path.startsWith('/alt/mgmt/'), async (req) => wire().original({ ...req, path: MGMT + req.path.slice('/alt/mgmt'.length) }));
      const c = client(sandboxZitiRecord(sb), { token }, doubles().deps);
      assert.match(await c.test(), /^OK: v2, signed in as Default Admin/);
      assert.deepStrictEqual(
        wire().sent.map((s) => `${s.method} ${s.path}`),
        ['GET /version', 'GET /alt/mgmt/current-api-session'],
      );
    });

    it('management calls use the path /version names', async () => {
      wire().answer(route('GET', '/version'), { status: 200, body: { data: { version: 'v2', apiVersions: { 'edge-management': { v1: { path: '/alt/mgmt' } } } }, meta: {} } });
      wire().answer((req) => req.path.startsWith('/alt/mgmt/'), async (req) => wire().original({ ...req, path: MGMT + req.path.slice('/alt/mgmt'.length) }));
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, doubles().deps);
      await c.signIn();
      assert.ok(wire().sent.some((s) => s.path === '/alt/mgmt/authenticate'));
      assert.ok(!wire().sent.some((s) => s.path === `${MGMT}/authenticate`));
    });
  });

  describe('sign-out', () => {
    it('without a token says "Signed out." and sends nothing', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), {}, d.deps);
      assert.strictEqual(await c.signOut(), 'Signed out.');
      assert.strictEqual(wire().sent.length, 0);
    });

    it('ends the API session with DELETE /current-api-session and forgets the token (both fields cleared)', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps);
      await c.signIn();
      assert.strictEqual(await c.signOut(), 'Signed out: the API session was ended on the controller.');
      const del = wire().sent.filter((s) => s.method === 'DELETE');
      assert.deepStrictEqual(del.map((s) => s.path), [`${MGMT}/current-api-session`]);
      assert.deepStrictEqual(d.saved.at(-1), { token: undefined, tokenExpiresAt: undefined });
      assert.ok(Object.keys(d.saved.at(-1) ?? {}).includes('token') && Object.keys(d.saved.at(-1) ?? {}).includes('tokenExpiresAt'));
      assert.strictEqual(c.signedIn, false);
    });

    it('a 404 means the API session had already ended; no sign-in to sign out', async () => {
      wire().answer(route('DELETE', `${MGMT}/current-api-session`), { status: 404, body: errBody(404, 'NOT_FOUND', 'not found') });
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'tok-4444', password: ADMIN_PASSWORD }, d.deps);
      assert.strictEqual(await c.signOut(), 'Signed out: the API session had already ended on the controller.');
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 0);
    });

    it('a 401 means the same and does not sign in just to sign out', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'tok-5555', password: ADMIN_PASSWORD }, d.deps);
      assert.strictEqual(await c.signOut(), 'Signed out: the API session had already ended on the controller.');
      assert.strictEqual(wire().sent.filter((s) => s.path === `${MGMT}/authenticate`).length, 0);
      assert.strictEqual(wire().sent.filter((s) => s.method === 'DELETE').length, 1);
    });

    it('another failure is thrown, naming the operation, and the token is still forgotten', async () => {
      wire().answer(route('DELETE', `${MGMT}/current-api-session`), { status: 400, body: errBody(400, 'BAD', 'bad') });
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { token: 'tok-6666' }, d.deps);
      const e = await rejection(c.signOut());
      assert.strictEqual(e.status, 400);
      assert.strictEqual(e.operation, 'sign out');
      assert.ok(!e.message.includes('tok-6666'));
      assert.deepStrictEqual(d.saved, [{ token: undefined, tokenExpiresAt: undefined }]);
      assert.strictEqual(c.signedIn, false);
    });
  });

  describe('test() and listEnvironments()', () => {
    it('test() names the version, the identity and the expiry', async () => {
      const d = doubles();
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, d.deps);
      await c.signIn();
      const text = await c.test();
      assert.match(text, /^OK: v1\.2\.3, signed in as Default Admin, session expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('test() before /version says "controller", and names no one when the session has no identity', async () => {
      const token = await adminToken();
      wire.renew();
      wire().answer(route('GET', `${MGMT}/current-api-session`), async (req) => {
        const real = await wire().original(req);
        const data = (real.body as { data: Record<string, unknown> }).data;
        delete data.identity;
        delete data.expiresAt;
        delete data.expirationSeconds;
        return real;
      });
      const c = client(sandboxZitiRecord(sb, { endpoints: { url: `${sb.urls.ziti}${MGMT}` } }), { token }, doubles().deps);
      assert.strictEqual(await c.test(), 'OK: controller');
    });

    it('a failing check names the operation', async () => {
      wire().answer(route('GET', `${MGMT}/current-api-session`), { status: 500, body: errBody(500, 'UNHANDLED', 'boom') });
      const c = client(sandboxZitiRecord(sb, { endpoints: { url: `${sb.urls.ziti}${MGMT}` } }), { token: 'tok-8888' }, doubles().deps);
      assert.strictEqual((await rejection(c.test())).operation, 'check the API session');
      assert.strictEqual((await rejection(c.listEnvironments())).operation, 'check the API session');
    });

    it('listEnvironments describes the controller: version, server icon, capabilities joined', async () => {
      const c = client(sandboxZitiRecord(sb), { password: ADMIN_PASSWORD }, doubles().deps);
      await c.signIn();
      const [env] = await c.listEnvironments();
      assert.strictEqual(env.id, 'controller');
      assert.strictEqual(env.description, 'controller v1.2.3');
      assert.strictEqual(env.icon, 'server');
      assert.strictEqual(env.details.capabilities, 'HA_CONTROLLER');
      assert.strictEqual(env.details.version, 'v1.2.3');
    });

    it('listEnvironments with several, or no, capabilities and no version', async () => {
      const token = await adminToken();
      wire.renew();
      wire().answer(route('GET', '/version'), { status: 200, body: { data: { capabilities: ['A', 'B'] }, meta: {} } });
      const c = client(sandboxZitiRecord(sb), { token }, doubles().deps);
      const [env] = await c.listEnvironments();
      assert.strictEqual(env.details.capabilities, 'A, B');
      assert.strictEqual(env.description, 'controller');
      wire().answer(route('GET', '/version'), { status: 200, body: { data: { version: 'v3' }, meta: {} } });
      const c2 = client(sandboxZitiRecord(sb), { token }, doubles().deps);
      const [env2] = await c2.listEnvironments();
      assert.strictEqual(env2.details.capabilities, undefined);
      assert.strictEqual(env2.description, 'controller v3');
    });
  });
});
