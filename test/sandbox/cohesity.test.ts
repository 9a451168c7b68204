// Cohesity cluster emulator over real HTTPS with a self-signed certificate (trusted by passing its PEM as `ca`).
// Cohesity ships no spec: the shapes are asserted explicitly, per api-contracts.md §4.
import * as assert from 'assert';
import * as https from 'https';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { start, Sandbox } from './server';
import { create as createCohesity, CohesityState } from './cohesity';
import { DEFAULT_SIZES } from './types';

// Response bodies are checked field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function isError(body: unknown, errorCode?: string): void {
  const b = body as Record<string, unknown>;
  assert.strictEqual(typeof b.errorCode, 'string', JSON.stringify(b));
  assert.strictEqual(typeof b.message, 'string');
  if (errorCode) {
    assert.strictEqual(b.errorCode, errorCode, JSON.stringify(b));
  }
}

function isCounts(body: Json): void {
  assert.ok(Array.isArray(body.sessionsPerUser));
  for (const r of body.sessionsPerUser) {
    assert.deepStrictEqual(Object.keys(r).sort(), ['sessionsCount', 'sid']);
    assert.strictEqual(typeof r.sid, 'string');
    assert.ok(Number.isInteger(r.sessionsCount) && r.sessionsCount >= 0);
  }
  assert.ok(Number.isInteger(body.totalSessionsCount));
  assert.strictEqual(body.totalSessionsCount, body.sessionsPerUser.reduce((n: number, r: { sessionsCount: number }) => n + r.sessionsCount, 0));
}

describe('sandbox: Cohesity emulator', function () {
  this.timeout(20000);
  let sb: Sandbox;
  let base: string;
  let creds: Record<string, string>;
  let st: CohesityState;
  let http: AxiosInstance;

  async function login(body: Record<string, unknown> = { username: creds.username, password: creds.password, domain: 'LOCAL' }): Promise<string> {
    const res = await http.post('/v2/users/sessions', body);
    assert.strictEqual(res.status, 201, JSON.stringify(res.data));
    assert.deepStrictEqual(Object.keys(res.data), ['sessionId']);
    return res.data.sessionId;
  }
  async function accessToken(): Promise<string> {
    const res = await http.post('/v2/access-tokens', { username: creds.username, password: creds.password, domain: 'LOCAL' });
    assert.strictEqual(res.status, 201);
    return res.data.accessToken;
  }
  const withSession = (sid: string) => ({ headers: { 'session-id': sid } });
  const counts = async (sessionId: string, sids?: string[]): Promise<AxiosResponse> => {
    const res = await http.get(`/v2/users/sessions${sids ? `?sids=${sids.map(encodeURIComponent).join(',')}` : ''}`, withSession(sessionId));
    assert.strictEqual(res.status, 200, JSON.stringify(res.data));
    isCounts(res.data);
    return res;
  };

  before(async () => {
    sb = await start({ backends: ['cohesity'], seed: 31 });
    base = sb.details.cohesity.origin;
    creds = sb.details.cohesity.credentials;
    assert.ok(base.startsWith('https://'));
    assert.ok(sb.details.cohesity.trustPem, 'the framework exposes the self-signed certificate');
    http = axios.create({
      baseURL: base,
      validateStatus: () => true,
      httpsAgent: new https.Agent({ ca: sb.details.cohesity.trustPem }),
    });
  });
  after(async () => {
    await sb?.stop();
  });
  beforeEach(() => {
    sb.reset();
    st = sb.state.cohesity.state as CohesityState;
  });

  it('speaks HTTPS with a self-signed certificate that default trust rejects', async () => {
    await assert.rejects(axios.get(`${base}/v2/clusters`), (e: Error & { code?: string }) => /SELF_SIGNED|self[- ]signed/i.test(`${e.code} ${e.message}`));
    const res = await http.get('/v2/clusters', { headers: { apiKey: creds.apiKey } });
    assert.strictEqual(res.status, 200);
  });

  describe('authentication', () => {
    it('creates a session (201 {sessionId}) and accepts it in the session-id header', async () => {
      const sid = await login();
      const res = await http.get('/v2/clusters', withSession(sid));
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.data.name, 'sandbox-cluster-01');
      assert.ok(Number.isInteger(res.data.id));
      assert.match(res.data.swVersion, /^7\.1\.2/);
    });

    it('domain defaults to LOCAL; AD users log in with their domain', async () => {
      await login({ username: creds.username, password: creds.password });
      await login({ username: creds.adUsername, password: creds.adPassword, domain: creds.adDomain });
      const wrongDomain = await http.post('/v2/users/sessions', { username: creds.adUsername, password: creds.adPassword, domain: 'LOCAL' });
      assert.strictEqual(wrongDomain.status, 401);
      isError(wrongDomain.data, 'KStatusUnauthorized');
    });

    it('requires otpCode for the MFA user', async () => {
      const body = { username: creds.mfaUsername, password: creds.mfaPassword, domain: 'LOCAL' };
      const without = await http.post('/v2/users/sessions', body);
      assert.strictEqual(without.status, 401);
      isError(without.data, 'KStatusUnauthorized');
      assert.match(without.data.message, /otp/i);
      const wrong = await http.post('/v2/users/sessions', { ...body, otpCode: '000000', otpType: 'totp' });
      assert.strictEqual(wrong.status, 401);
      const badType = await http.post('/v2/users/sessions', { ...body, otpCode: creds.otpCode, otpType: 'sms' });
      assert.strictEqual(badType.status, 400);
      isError(badType.data, 'KInvalidRequest');
      await login({ ...body, otpCode: creds.otpCode, otpType: 'totp' });
    });

    it('rejects a wrong password and a missing body field', async () => {
      const bad = await http.post('/v2/users/sessions', { username: creds.username, password: 'nope', domain: 'LOCAL' });
      assert.strictEqual(bad.status, 401);
      isError(bad.data, 'KStatusUnauthorized');
      const missing = await http.post('/v2/users/sessions', { username: creds.username });
      assert.strictEqual(missing.status, 400);
      isError(missing.data, 'KInvalidRequest');
    });

    it('issues access tokens (201) used as Authorization: Bearer; they expire after 24 h', async () => {
      const res = await http.post('/v2/access-tokens', { username: creds.username, password: creds.password, domain: 'LOCAL' });
      assert.strictEqual(res.status, 201);
      assert.strictEqual(typeof res.data.accessToken, 'string');
      assert.strictEqual(res.data.tokenType, 'Bearer');
      assert.ok(Array.isArray(res.data.privileges) && res.data.privileges.every((p: unknown) => typeof p === 'string'));
      const auth = { headers: { authorization: `${res.data.tokenType} ${res.data.accessToken}` } };
      assert.strictEqual((await http.get('/v2/clusters', auth)).status, 200);
      sb.advanceTime(24 * 3600 * 1000 + 1000);
      const expired = await http.get('/v2/clusters', auth);
      assert.strictEqual(expired.status, 401);
      isError(expired.data, 'KStatusUnauthorized');
      assert.strictEqual(expired.data.message, 'Token expired');
    });

    it('accepts the seeded API key; rejects bad credentials of every kind and no credentials', async () => {
      assert.strictEqual((await http.get('/v2/users/sessions', { headers: { apiKey: creds.apiKey } })).status, 200);
      for (const headers of [{ apiKey: 'nope' }, { authorization: 'Bearer nope' }, { 'session-id': 'nope' }, {}]) {
        const res = await http.get('/v2/users/sessions', { headers });
        assert.strictEqual(res.status, 401, JSON.stringify(headers));
        isError(res.data, 'KStatusUnauthorized');
      }
    });

    it('expire-tokens ends client sessions and access tokens; the API key stays valid', async () => {
      const sid = await login();
      const tok = await accessToken();
      const admin = await http.post('/__sandbox/expire-tokens');
      assert.strictEqual(admin.status, 200);
      assert.strictEqual((await http.get('/v2/clusters', withSession(sid))).status, 401);
      assert.strictEqual((await http.get('/v2/clusters', { headers: { authorization: `Bearer ${tok}` } })).status, 401);
      assert.strictEqual((await http.get('/v2/clusters', { headers: { apiKey: creds.apiKey } })).status, 200);
    });

    it('ends an idle session after the inactivity timeout', async () => {
      const sid = await login();
      sb.advanceTime(st.sessionConfiguration.inactivityTimeout * 1000 + 1000);
      const res = await http.get('/v2/clusters', withSession(sid));
      assert.strictEqual(res.status, 401);
      isError(res.data, 'KStatusUnauthorized');
    });
  });

  describe('sessions and principals', () => {
    it('counts sessions per user SID, system-wide and for given sids', async () => {
      const me = await login();
      const all = await counts(me);
      const admin = st.users[0];
      const adminRow = all.data.sessionsPerUser.find((r: { sid: string }) => r.sid === admin.sid);
      assert.ok(adminRow.sessionsCount >= 2, 'the seeded admin session plus ours');
      assert.ok(all.data.sessionsPerUser.length >= 3);
      assert.ok(all.data.sessionsPerUser.some((r: { sid: string }) => r.sid.startsWith('S-1-5-21-')), 'AD users too');
      assert.ok(all.data.sessionsPerUser.every((r: { sessionsCount: number }) => r.sessionsCount > 0));
      for (const r of all.data.sessionsPerUser) {
        assert.match(r.sid, /^S-1-\d+(-\d+)+$/);
      }
      const two = all.data.sessionsPerUser.slice(1, 3).map((r: { sid: string }) => r.sid);
      const some = await counts(me, [...two, 'S-1-100-21-0-0-424242']);
      assert.deepStrictEqual(some.data.sessionsPerUser.map((r: { sid: string }) => r.sid), two, 'unknown sids are absent');
      // the array form (?sids=a&sids=b) works too
      const rep = await http.get(`/v2/users/sessions?sids=${encodeURIComponent(two[0])}&sids=${encodeURIComponent(two[1])}`, withSession(me));
      assert.deepStrictEqual(rep.data, some.data);
      const two2 = await login();
      const after = await counts(two2);
      assert.strictEqual(after.data.totalSessionsCount, all.data.totalSessionsCount + 1);
    });

    it('DELETE ?sid= ends every session of that user only (204)', async () => {
      const me = await login();
      const before = await counts(me);
      const victim = before.data.sessionsPerUser.find((r: { sid: string }) => r.sid !== st.users[0].sid);
      const del = await http.delete(`/v2/users/sessions?sid=${encodeURIComponent(victim.sid)}`, withSession(me));
      assert.strictEqual(del.status, 204);
      assert.strictEqual(del.data, '');
      const after = await counts(me);
      assert.ok(!after.data.sessionsPerUser.some((r: { sid: string }) => r.sid === victim.sid));
      assert.strictEqual(after.data.totalSessionsCount, before.data.totalSessionsCount - victim.sessionsCount);
      const zero = await counts(me, [victim.sid]);
      assert.deepStrictEqual(zero.data, { sessionsPerUser: [{ sid: victim.sid, sessionsCount: 0 }], totalSessionsCount: 0 });
      const unknown = await http.delete('/v2/users/sessions?sid=S-1-100-21-0-0-424242', withSession(me));
      assert.strictEqual(unknown.status, 404);
      isError(unknown.data);
    });

    it('DELETE without sid ends every session on the cluster, the caller\'s too (next call 401)', async () => {
      const me = await login();
      const tok = await accessToken();
      const del = await http.delete('/v2/users/sessions', withSession(me));
      assert.strictEqual(del.status, 204);
      const next = await http.get('/v2/users/sessions', withSession(me));
      assert.strictEqual(next.status, 401);
      isError(next.data, 'KStatusUnauthorized');
      // access tokens are not sessions
      const viaToken = await http.get('/v2/users/sessions', { headers: { authorization: `Bearer ${tok}` } });
      assert.strictEqual(viaToken.status, 200);
      assert.deepStrictEqual(viaToken.data, { sessionsPerUser: [], totalSessionsCount: 0 });
    });

    it('names SIDs with security principals; sids is required', async () => {
      const me = await login();
      const local = st.users[0];
      const ad = st.users.find((u) => u.domain !== 'LOCAL')!;
      const res = await http.get(
        `/v2/security-principals?sids=${[local.sid, ad.sid, 'S-1-100-21-0-0-424242'].map(encodeURIComponent).join(',')}`,
        withSession(me),
      );
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(res.data, {
        securityPrincipals: [
          { sid: local.sid, principalName: 'admin', fullName: local.fullName, domainName: 'LOCAL', objectClass: 'User' },
          { sid: ad.sid, principalName: ad.username, fullName: ad.fullName, domainName: ad.domain, objectClass: 'User' },
        ],
      });
      assert.strictEqual(local.sid, 'S-1-100-21-36725958-19386433-1');
      const missing = await http.get('/v2/security-principals', withSession(me));
      assert.strictEqual(missing.status, 400);
      isError(missing.data, 'KInvalidRequest');
    });

    it('counts a removed user\'s sessions under a SID that security-principals cannot name; DELETE ?sid= ends them', async () => {
      const me = await login();
      const removed = st.removedSids[0];
      assert.ok(!st.users.some((u) => u.sid === removed));
      const all = await counts(me);
      assert.deepStrictEqual(all.data.sessionsPerUser.find((r: { sid: string }) => r.sid === removed), { sid: removed, sessionsCount: 2 });
      const named = await http.get(`/v2/security-principals?sids=${encodeURIComponent(removed)}`, withSession(me));
      assert.deepStrictEqual(named.data, { securityPrincipals: [] });
      const del = await http.delete(`/v2/users/sessions?sid=${encodeURIComponent(removed)}`, withSession(me));
      assert.strictEqual(del.status, 204);
      assert.ok(!(await counts(me)).data.sessionsPerUser.some((r: { sid: string }) => r.sid === removed));
      const again = await http.delete(`/v2/users/sessions?sid=${encodeURIComponent(removed)}`, withSession(me));
      assert.strictEqual(again.status, 404, 'gone with its last session');
    });

    it('GET /security-config answers the session policy to an admin, 403 to a viewer; sign-ins past a limit are 403', async () => {
      const me = await login();
      const res = await http.get('/v2/security-config', withSession(me));
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(res.data, {
        sessionConfiguration: { absoluteTimeout: 86_400, inactivityTimeout: 3_600, limitSessions: true, sessionLimitPerUser: 10, sessionLimitSystemWide: 500 },
      });
      const viewer = st.users.find((u) => u.domain === 'LOCAL' && !u.privileges.includes('ADMIN') && !u.mfa)!;
      const v = await login({ username: viewer.username, password: viewer.password });
      const denied = await http.get('/v2/security-config', withSession(v));
      assert.strictEqual(denied.status, 403);
      isError(denied.data, 'KPermissionDenied');
      st.sessionConfiguration.sessionLimitSystemWide = st.sessions.size;
      const full = await http.post('/v2/users/sessions', { username: viewer.username, password: viewer.password });
      assert.strictEqual(full.status, 403);
      assert.match(full.data.message, /System-wide session limit of \d+ reached/);
      st.sessionConfiguration.limitSessions = false;
      await login({ username: viewer.username, password: viewer.password });
    });

    it('GET /users finds users by exact username (csv, any case), domain and sids', async () => {
      const me = await login();
      const ad = st.users.find((u) => u.domain !== 'LOCAL')!;
      const res = await http.get(`/v2/users?usernames=${ad.username.toUpperCase()},admin`, withSession(me));
      assert.strictEqual(res.status, 200);
      assert.deepStrictEqual(res.data.users.map((u: { sid: string }) => u.sid).sort(), [ad.sid, st.users[0].sid].sort());
      assert.deepStrictEqual(res.data.users.find((u: { sid: string }) => u.sid === ad.sid), { sid: ad.sid, username: ad.username, domain: ad.domain, roles: [ad.privileges.includes('ADMIN') ? 'Admin' : 'Viewer'], locked: false });
      const local = await http.get(`/v2/users?usernames=${ad.username}&domain=LOCAL`, withSession(me));
      assert.deepStrictEqual(local.data, { users: [] });
      const bySid = await http.get(`/v2/users?sids=${encodeURIComponent(ad.sid)}`, withSession(me));
      assert.deepStrictEqual(bySid.data.users.map((u: { username: string }) => u.username), [ad.username]);
    });

    it('answers unknown APIs with 404 in the error shape', async () => {
      const res = await http.get('/v2/users/sessions/abc', { headers: { apiKey: creds.apiKey } });
      assert.strictEqual(res.status, 404);
      isError(res.data);
    });

    it('is deterministic per seed with ~12 users of LOCAL and an AD domain, 0-4 sessions each', () => {
      const ctx = { seed: 9, sizes: DEFAULT_SIZES, now: () => 1_750_000_000_000 };
      const a = createCohesity(ctx).state;
      const b = createCohesity(ctx).state;
      assert.deepStrictEqual(a.users, b.users);
      assert.deepStrictEqual([...a.sessions.keys()], [...b.sessions.keys()]);
      assert.strictEqual(a.users.length, DEFAULT_SIZES.cohesityUsers);
      assert.ok(a.users.some((u) => u.domain === 'LOCAL') && a.users.some((u) => u.domain !== 'LOCAL'));
      const per = new Map<string, number>();
      for (const s of a.sessions.values()) {
        per.set(s.sid, (per.get(s.sid) ?? 0) + 1);
      }
      assert.ok([...per.values()].every((n) => n <= 4));
    });
  });
});
