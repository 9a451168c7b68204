// The Cohesity client against the real sandbox cluster over HTTPS (self-signed): sessions (LOCAL, OTP, AD domain),
// API keys, session reuse, silent re-authentication after a system-wide delete, sign out, and certificate trust.
import * as assert from 'assert';
import type { AuthMethod, ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { chainIsComplete, COHESITY_SIGN_OUT_MESSAGE, CohesityClient, cohesityModule } from '../../../src/backends/cohesity';
import type { Sandbox } from '../../sandbox/server';
import type { CohesityState } from '../../sandbox/cohesity';
import { type Doubles, doubles, rejection, useSandbox } from './doubles';

describe('backends/cohesity', () => {
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => CohesityState;
  const { sandbox, clients } = useSandbox<CohesityClient>({ backends: ['cohesity'] });

  before(() => {
    sb = sandbox();
    creds = sb.details.cohesity.credentials;
    state = () => sb.state.cohesity.state as CohesityState;
  });
  afterEach(() => {
    sb.faults.clear();
    // Each test makes its own clients: end their sessions so the per-user session limit is never reached.
    sb.state.cohesity.expireAllTokens();
  });

  function record(method: AuthMethod, opts: { username?: string; domain?: string; trusted?: boolean } = {}): ConnectionRecord {
    return {
      id: `cohesity-test-${method}`,
      backend: 'cohesity',
      label: 'Sandbox cluster',
      endpoints: { url: `${sb.urls.cohesity}/` },
      auth: { method, username: opts.username, domain: opts.domain },
      tls: opts.trusted === false ? undefined : { trustedCertificates: [sb.details.cohesity.trustPem as string] },
      source: 'user',
    };
  }

  function client(rec: ConnectionRecord, secrets: ConnectionSecrets, d: Doubles): CohesityClient {
    const c = new CohesityClient(rec, secrets, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    return c;
  }

  function admin(d: Doubles, extra: ConnectionSecrets = {}): CohesityClient {
    return client(record('password', { username: creds.username }), { password: creds.password, ...extra }, d);
  }

  it('creates a session (LOCAL), sends it as session-id, stores it, and shows the cluster as the environment', async () => {
    const d = doubles();
    const c = admin(d);
    const before = state().sessions.size;
    const result = await c.signIn();
    const cluster = state().cluster;
    assert.strictEqual(result.summary, `signed in as admin@LOCAL to ${cluster.name} (${cluster.swVersion})`);
    assert.strictEqual(state().sessions.size, before + 1);
    assert.strictEqual(d.saved.length, 1);
    const sessionId = d.saved[0].token as string;
    assert.ok(state().sessions.has(sessionId), 'the saved session id is the live session');
    assert.strictEqual(c.signedIn, true);

    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 1);
    assert.strictEqual(envs[0].label, cluster.name);
    assert.strictEqual(envs[0].description, `v${cluster.swVersion}`);
    assert.deepStrictEqual({ id: envs[0].details.id, name: envs[0].details.name, version: envs[0].details.version }, {
      id: String(cluster.id),
      name: cluster.name,
      version: cluster.swVersion,
    });
    assert.match(await c.test(), new RegExp(`^${cluster.name} \\(Cohesity ${cluster.swVersion.replace(/\./g, '\\.')}\\) answered`));
    assert.strictEqual(state().sessions.size, before + 1, 'one session for all calls');
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.password), line);
      assert.ok(!line.includes(sessionId), line);
    }
  });

  it('reuses a stored session id after a reload without creating a new session', async () => {
    const first = doubles();
    await admin(first).signIn();
    const sessionId = first.saved[0].token as string;
    const count = state().sessions.size;
    const d = doubles();
    const c = admin(d, { token: sessionId });
    assert.strictEqual(c.signedIn, true);
    await c.signIn();
    await c.listEnvironments();
    assert.strictEqual(state().sessions.size, count);
    assert.deepStrictEqual(d.saved, []);
  });

  it('re-creates the session silently after a system-wide session delete', async () => {
    const d = doubles();
    const c = admin(d);
    await c.signIn();
    const old = d.saved[0].token as string;
    // What DELETE /v2/users/sessions without sid does on the cluster: every session ends.
    state().sessions.clear();
    const envs = await c.listEnvironments();
    assert.strictEqual(envs.length, 1);
    assert.strictEqual(d.saved.length, 2, 'the new session id was saved');
    const fresh = d.saved[1].token as string;
    assert.notStrictEqual(fresh, old);
    assert.ok(state().sessions.has(fresh));
    assert.ok(d.lines.some((l) => /\/v2\/clusters → 401; signing in again/.test(l)), d.lines.join('\n'));
  });

  it('also re-authenticates after the expire-tokens fault', async () => {
    const d = doubles();
    const c = admin(d);
    await c.signIn();
    sb.faults.set('cohesity', { expireTokens: true });
    await c.test();
    assert.strictEqual(d.saved.length, 2);
  });

  it('asks for the one-time code when the user has MFA, and signs in with it', async () => {
    const d = doubles({ code: creds.otpCode });
    const c = client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, d);
    const result = await c.signIn();
    assert.match(result.summary, /^signed in as mfa-operator@LOCAL to /);
    assert.strictEqual(d.codeRequests.length, 1);
    assert.strictEqual(d.codeRequests[0].title, 'Cohesity one-time code');
    assert.match(d.codeRequests[0].prompt, /mfa-operator@LOCAL/);
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.mfaPassword), line);
    }
  });

  it('a cancelled one-time code prompt is a cancelled error; a wrong code is a clear auth error', async () => {
    const d = doubles({ code: undefined });
    const e = await rejection(client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, d).signIn());
    assert.strictEqual(e.kind, 'cancelled');
    assert.deepStrictEqual(d.saved, []);

    const d2 = doubles({ code: '000000' });
    const e2 = await rejection(client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, d2).signIn());
    assert.strictEqual(e2.kind, 'auth');
    assert.match(e2.message, /^Sandbox cluster: sign in failed: the cluster rejected the one-time code \(KStatusUnauthorized — Invalid otpCode\)/);
  });

  it('signs in an Active Directory user with their domain (and not as LOCAL)', async () => {
    const d = doubles();
    const c = client(record('password', { username: creds.adUsername, domain: creds.adDomain }), { password: creds.adPassword }, d);
    const result = await c.signIn();
    assert.match(result.summary, new RegExp(`^signed in as ${creds.adUsername}@${creds.adDomain.replace(/\./g, '\\.')} to `));

    const local = client(record('password', { username: creds.adUsername }), { password: creds.adPassword }, doubles());
    const e = await rejection(local.signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, new RegExp(`the cluster rejected the username or password for ${creds.adUsername}@LOCAL \\(KStatusUnauthorized — Invalid username or password\\)`));
  });

  it('a wrong password is a clear auth error without the password, in the message or the log', async () => {
    const wrong = 'Definitely-Not-The-Password-7';
    const d = doubles();
    const e = await rejection(admin(d, { password: wrong }).signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.strictEqual(e.status, 401);
    assert.ok(!e.message.includes(wrong));
    assert.ok(d.lines.length > 0);
    for (const line of d.lines) {
      assert.ok(!line.includes(wrong), line);
    }
    assert.deepStrictEqual(d.saved, []);
  });

  it('uses an API key in the apiKey header; a wrong key is a clear auth error without the key', async () => {
    const d = doubles();
    const c = client(record('apiKey'), { apiKey: creds.apiKey }, d);
    const before = state().sessions.size;
    assert.match((await c.signIn()).summary, /^API key accepted by sandbox-cluster-01/);
    assert.strictEqual((await c.listEnvironments())[0].label, state().cluster.name);
    assert.strictEqual(state().sessions.size, before, 'no session is created for an API key');
    assert.deepStrictEqual(d.saved, []);
    for (const line of d.lines) {
      assert.ok(!line.includes(creds.apiKey), line);
    }
    assert.match(await c.signOut(), /API keys have no session to end/);

    const wrongKey = '0badc0de-0000-4000-8000-000000000000';
    const e = await rejection(client(record('apiKey'), { apiKey: wrongKey }, doubles()).signIn());
    assert.strictEqual(e.kind, 'auth');
    assert.match(e.message, /the cluster rejected the API key \(KStatusUnauthorized — Invalid API key\)/);
    assert.ok(!e.message.includes(wrongKey));
  });

  it('sign out discards the session id locally, ends no session on the cluster, and says why', async () => {
    const d = doubles();
    const c = admin(d);
    await c.signIn();
    const sessionId = d.saved[0].token as string;
    const count = state().sessions.size;
    const msg = await c.signOut();
    assert.strictEqual(msg, COHESITY_SIGN_OUT_MESSAGE);
    assert.match(msg, /without a user SID ends EVERY session on the cluster/);
    assert.match(msg, /with a SID it ends all of that user's sessions/);
    assert.deepStrictEqual(d.saved[d.saved.length - 1], { token: undefined, tokenExpiresAt: undefined });
    assert.strictEqual(c.signedIn, false);
    assert.strictEqual(state().sessions.size, count, "nobody's session was ended");
    assert.ok(state().sessions.has(sessionId));
  });

  it('an untrusted self-signed certificate → trustCandidate → a client trusting it succeeds; one without still fails', async () => {
    const untrusted = record('password', { username: creds.username, trusted: false });
    const e = await rejection(client(untrusted, { password: creds.password }, doubles()).signIn());
    assert.strictEqual(e.kind, 'untrusted-certificate');
    assert.match(e.message, /is not trusted: it is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);

    assert.ok(cohesityModule.trustCandidate);
    const candidate = await cohesityModule.trustCandidate(untrusted);
    assert.strictEqual(candidate.source, "the cluster's TLS handshake");
    assert.strictEqual(candidate.verified, true);
    assert.strictEqual(candidate.certificates.length, 1);
    const cert = candidate.certificates[0];
    assert.strictEqual(cert.sha256, sb.details.cohesity.certSha256Fingerprint);
    assert.match(cert.subject, /cohesity\.sandbox\.local/);
    assert.strictEqual(cert.subject, cert.issuer);
    assert.ok(cert.validFrom && cert.validTo);

    const trusted: ConnectionRecord = { ...untrusted, tls: { trustedCertificates: candidate.certificates.map((c) => c.pem), fingerprints: [cert.sha256] } };
    const ok = client(trusted, { password: creds.password }, doubles());
    assert.match((await ok.signIn()).summary, /^signed in as admin@LOCAL/);

    const still = await rejection(client(untrusted, { password: creds.password }, doubles()).test());
    assert.strictEqual(still.kind, 'untrusted-certificate');
  });

  it('chainIsComplete accepts a self-signed certificate and rejects an unrelated pair', () => {
    const pem = sb.details.cohesity.trustPem as string;
    assert.strictEqual(chainIsComplete([pem]), true);
    assert.strictEqual(chainIsComplete([pem, sb.ca.pem]), false);
    assert.strictEqual(chainIsComplete([]), false);
  });

  it('an HTML 502 from a proxy in front of the cluster is a clear ApiError', async () => {
    const c = admin(doubles());
    await c.signIn();
    sb.faults.set('cohesity', { mode: 'html-502', pathRegex: '^/v2/clusters' });
    const e = await rejection(c.listEnvironments());
    assert.strictEqual(e.status, 502);
    assert.strictEqual(e.operation, 'list environments');
    assert.match(e.message, /^Sandbox cluster: list environments failed: 502 — the server answered with an HTML page/);
  });
});
