import * as assert from 'assert';
import type { Sandbox } from '../../sandbox/server';
import { zitiModule, ZitiClient, managementPathFrom } from '../../../src/backends/ziti/client';
import { certificatesFromPkcs7 } from '../../../src/backends/ziti/pkcs7';
import type { ConnectionSecrets } from '../../../src/model/connection';
import type { ClientDeps } from '../../../src/backends/types';
import { ApiError } from '../../../src/http/errors';
import { doubles, rejection, sandboxZitiRecord, useSandbox } from './doubles';

const record = sandboxZitiRecord;

function deps(answers: { code?: string; password?: string } = {}): ClientDeps & {
  logs: string[];
  saved: Partial<ConnectionSecrets>[];
  asked: string[];
  codeRequests: unknown[];
  passwordRequests: unknown[];
} {
  const d = doubles(answers);
  return { ...d.deps, logs: d.lines, saved: d.saved, asked: d.asked, codeRequests: d.codeRequests, passwordRequests: d.passwordRequests };
}

describe('OpenZiti client against the sandbox', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const { sandbox } = useSandbox({ backends: ['ziti'] });
  before(() => {
    sb = sandbox();
  });

  it('finds the management path from /version, as the vendor CLI does', () => {
    assert.strictEqual(managementPathFrom({ apiVersions: { 'edge-management': { v1: { path: '/edge/management/v1' } } } }), '/edge/management/v1');
    assert.strictEqual(managementPathFrom({ apiVersions: { 'edge-management': { v1: { apiBaseUrls: ['https://c:1280/mgmt/v1/'] } } } }), '/mgmt/v1');
    assert.strictEqual(managementPathFrom(undefined), '/edge/management/v1');
  });

  it('signs in with a password, stores the token, and lists the controller as its environment', async () => {
    const d = deps();
    const client = new ZitiClient(record(sb), { password: 'ziti-sandbox-admin' }, d);
    const r = await client.signIn();
    assert.match(r.summary, /signed in as .+ · v?\d/);
    assert.ok(r.expiresAt && r.expiresAt > Date.now());
    assert.ok(client.signedIn);
    assert.ok(d.saved.some((s) => typeof s.token === 'string' && s.token.length > 10));
    const envs = await client.listEnvironments();
    assert.strictEqual(envs.length, 1);
    assert.strictEqual(envs[0].label, new URL(sb.urls.ziti).host);
    assert.strictEqual(envs[0].details['management API'], '/edge/management/v1');
    const token = d.saved.find((s) => s.token)?.token as string;
    assert.ok(!d.logs.join('\n').includes(token), 'the zt-session token never reaches the log');
  });

  it('answers the MFA challenge with the code the person gives', async () => {
    const d = deps({ code: '123456' });
    const client = new ZitiClient(record(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d);
    await client.signIn();
    assert.ok(d.asked.some((a) => a.startsWith('code:')));
    assert.match(await client.test(), /^OK/);
  });

  it('a cancelled MFA prompt is a cancellation, not an error', async () => {
    const client = new ZitiClient(record(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, deps({}));
    await assert.rejects(client.signIn(), (e: unknown) => e instanceof ApiError && e.kind === 'cancelled');
  });

  it('a wrong password is a clear error that does not contain the password', async () => {
    const client = new ZitiClient(record(sb), { password: 'wrong-password-123' }, deps());
    await assert.rejects(client.signIn(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.match(e.message, /Lab controller: sign in failed: .*401/);
      assert.ok(!e.message.includes('wrong-password-123'));
      return true;
    });
  });

  it('re-authenticates silently once when the API session expires', async () => {
    const d = deps();
    const client = new ZitiClient(record(sb), { password: 'ziti-sandbox-admin' }, d);
    await client.signIn();
    const before = d.saved.filter((s) => s.token).length;
    await sb.faults.set('ziti', { expireTokens: true });
    await sb.faults.clear('ziti');
    assert.match(await client.test(), /^OK/);
    assert.strictEqual(d.saved.filter((s) => s.token).length, before + 1, 'exactly one new sign-in');
  });

  it('an MFA connection whose API session expired signs in again and asks the code once, without deadlocking', async () => {
    const d = deps({ code: '123456' });
    const client = new ZitiClient(record(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d);
    await client.signIn();
    assert.strictEqual(d.codeRequests.length, 1);
    await sb.faults.set('ziti', { expireTokens: true });
    await sb.faults.clear('ziti');
    // Before the fix the re-login's own MFA calls waited for the re-login itself: this call never returned.
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error('the call after the expiry hung (re-login deadlock)')), 5_000);
    });
    try {
      assert.match(await Promise.race([client.test(), hung]), /^OK/);
    } finally {
      clearTimeout(timer);
    }
    assert.strictEqual(d.codeRequests.length, 2, 'the code is asked exactly once for the new sign-in');
    assert.strictEqual(d.passwordRequests.length, 0, 'the stored password is used');
    // Later calls use the new, fully authenticated session.
    assert.match(await client.test(), /^OK/);
    assert.strictEqual(d.codeRequests.length, 2);
  });

  it('a wrong MFA code during sign-in is an auth error, not another sign-in', async () => {
    const d = deps({ code: '000000' });
    const client = new ZitiClient(record(sb, { auth: { method: 'password', username: 'mfa-admin' } }), { password: 'ziti-sandbox-mfa' }, d);
    const e = await rejection(client.signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.operation, /MFA/);
    assert.strictEqual(d.codeRequests.length, 1, 'asked once; the rejected code does not start the sign-in over');
  });

  it('a pasted token that expired asks for a new one', async () => {
    const first = new ZitiClient(record(sb), { password: 'ziti-sandbox-admin' }, deps());
    const d = deps();
    await first.signIn();
    const token = (first as unknown as { token: string }).token;
    const pasted = new ZitiClient(record(sb, { auth: { method: 'token' } }), { token }, d);
    await pasted.signIn();
    await first.signOut();
    await assert.rejects(pasted.test(), (e: unknown) => e instanceof ApiError && e.kind === 'auth' && /paste a new one/.test(e.message));
  });

  it('refuses the untrusted sandbox CA until it is trusted, through the cacerts bootstrap', async () => {
    const untrusted = new ZitiClient(record(sb, { tls: undefined }), { password: 'ziti-sandbox-admin' }, deps());
    await assert.rejects(untrusted.signIn(), (e: unknown) => e instanceof ApiError && e.kind === 'untrusted-certificate');
    const candidate = await zitiModule.trustCandidate!(record(sb, { tls: undefined }));
    assert.ok(candidate.verified, 'the server chains to the CA bundle');
    assert.match(candidate.source, /cacerts/);
    assert.ok(candidate.certificates.some((c) => c.sha256.replace(/:/g, '').toLowerCase() === sb.ca.sha256Fingerprint.replace(/:/g, '').toLowerCase()), 'the sandbox CA is offered');
    const trusted = new ZitiClient(record(sb, { tls: { trustedCertificates: candidate.certificates.map((c) => c.pem) } }), { password: 'ziti-sandbox-admin' }, deps());
    assert.match((await trusted.signIn()).summary, /signed in/);
  });

  it('parses the PKCS#7 bundle the controller serves', () => {
    const pems = certificatesFromPkcs7(sb.ca.pkcs7Base64);
    assert.ok(pems.length >= 1);
    assert.throws(() => certificatesFromPkcs7('bm90IHBrY3M3'), /PKCS#7/);
  });

  it('signs out by ending the API session on the controller', async () => {
    const client = new ZitiClient(record(sb), { password: 'ziti-sandbox-admin' }, deps());
    await client.signIn();
    const token = (client as unknown as { token: string }).token;
    assert.match(await client.signOut(), /ended on the controller/);
    const again = new ZitiClient(record(sb, { auth: { method: 'token' } }), { token }, deps());
    await assert.rejects(again.signIn(), (e: unknown) => e instanceof ApiError && e.kind === 'auth');
  });

  it('uses the management path in a URL that has one, as the vendor CLI does', async () => {
    const client = new ZitiClient(record(sb, { endpoints: { url: `${sb.urls.ziti}/edge/management/v1/` } }), { password: 'ziti-sandbox-admin' }, deps());
    await client.signIn();
    const envs = await client.listEnvironments();
    assert.strictEqual(envs[0].details['management API'], '/edge/management/v1');
  });

  it('falls back to the /version of the management API when the root does not answer it', async () => {
    const http = await import('http');
    const server = http.createServer((req, res) => {
      if (req.url === '/edge/management/v1/version') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: { version: 'v9.9.9', apiVersions: { 'edge-management': { v1: { path: '/edge/management/v1' } } } }, meta: {} }));
      } else {
        res.statusCode = 404;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'not found', requestId: 'r1' }, meta: {} }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const client = new ZitiClient(record(sb, { endpoints: { url: `http://127.0.0.1:${port}` }, tls: undefined }), { password: 'x' }, deps());
      assert.strictEqual((await client.controllerVersion()).version, 'v9.9.9');
    } finally {
      server.close();
    }
  });

  it('an unreachable controller is a network error naming the address', async () => {
    const client = new ZitiClient(record(sb, { endpoints: { url: 'https://127.0.0.1:1' } }), { password: 'x' }, deps());
    await assert.rejects(client.signIn(), (e: unknown) => e instanceof ApiError && e.kind === 'network' && /127\.0\.0\.1:1/.test(e.message));
  });
});
