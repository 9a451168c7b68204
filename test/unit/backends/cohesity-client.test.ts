// The Cohesity client's calls one by one against the sandbox cluster over HTTPS: the request each sends (path, query,
// body, signal), what it makes of every answer shape (missing or wrongly typed fields, null bodies, errors), the
// operation named in its errors, the session it creates (body, one-time codes, prompts, logs) and when it forgets it.
// Shapes the emulator never sends are answered in its place through `intercept` (still over real HTTP).
import * as assert from 'assert';
import { generateKeyPairSync } from 'crypto';
import type { AuthMethod, ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { ApiError } from '../../../src/http';
import { chainIsComplete, COHESITY_SIGN_OUT_MESSAGE, CohesityClient, type CohesityClientOptions, cohesityTrustCandidate } from '../../../src/backends/cohesity';
import type { Sandbox } from '../../sandbox/server';
import type { CohesityState } from '../../sandbox/cohesity';
import forge from 'node-forge';
import { type Doubles, doubles, rejection, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const LABEL = 'Sandbox cluster';

describe('backends/cohesity client calls', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => CohesityState;
  const { sandbox, clients } = useSandbox<CohesityClient>({ backends: ['cohesity'] });
  const net = interceptEachTest(sandbox, 'cohesity');

  before(() => {
    sb = sandbox();
    creds = sb.details.cohesity.credentials;
    state = () => sb.state.cohesity.state as CohesityState;
  });

  function record(method: AuthMethod, opts: { username?: string | null; domain?: string } = {}): ConnectionRecord {
    return {
      id: `cohesity-client-test-${method}`,
      backend: 'cohesity',
      label: LABEL,
      endpoints: { url: `${sb.urls.cohesity}/` },
      auth: { method, username: opts.username === null ? undefined : (opts.username ?? (method === 'apiKey' ? undefined : creds.username)), domain: opts.domain },
      tls: { trustedCertificates: [sb.details.cohesity.trustPem as string] },
      source: 'user',
    };
  }

  function client(rec: ConnectionRecord, secrets: ConnectionSecrets, d: Doubles = doubles(), options: CohesityClientOptions = {}): CohesityClient {
    const c = new CohesityClient(rec, secrets, d.deps, { http: { sleep: async () => undefined }, ...options });
    clients.push(c);
    return c;
  }

  const admin = (d: Doubles = doubles(), extra: ConnectionSecrets = {}): CohesityClient => client(record('password'), { password: creds.password, ...extra }, d);
  const keyed = (d: Doubles = doubles()): CohesityClient => client(record('apiKey'), { apiKey: creds.apiKey }, d);
  const sentTo = (method: string, path: string) => net().sent.filter((s) => s.method === method && s.path === path);
  const json = (body: unknown, status = 200) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const aborted = (): AbortSignal => {
    const ac = new AbortController();
    ac.abort();
    return ac.signal;
  };

  describe('the connection and its sign-in', () => {
    it('says exactly why signing out ends nothing on the cluster', () => {
      assert.strictEqual(
        COHESITY_SIGN_OUT_MESSAGE,
        'The Cohesity session id was discarded locally. The cluster API cannot end only this session: DELETE /v2/users/sessions ' +
          "without a user SID ends EVERY session on the cluster, and with a SID it ends all of that user's sessions, so Session " +
          "Manager did not call it. The session ends on its own after the cluster's inactivity timeout.",
      );
    });

    it('refuses a connection without a cluster address', () => {
      const rec = { ...record('password'), endpoints: {} };
      assert.throws(() => new CohesityClient(rec, {}, doubles().deps), { message: 'Sandbox cluster: the connection has no cluster address.' });
    });

    it('an API key connection without a stored key fails before anything is sent', async () => {
      const c = client(record('apiKey'), {});
      assert.strictEqual(c.signedIn, false);
      const e = await rejection(c.test());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: no API key is stored for this connection; edit the connection and enter it');
      assert.deepStrictEqual(net().sent, []);
    });

    it('an API key refused with 403 is the server\'s answer, not "rejected the API key"', async () => {
      net().answer(route('GET', '/v2/clusters'), json({ errorCode: 'KPermissionDenied', message: 'Access denied' }, 403));
      const e = await rejection(keyed().signIn());
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: 403 KPermissionDenied — Access denied');
    });

    it('a refused API key whose answer says nothing is described by its status', async () => {
      net().answer(route('GET', '/v2/clusters'), json({ error: {} }, 401));
      const e = await rejection(keyed().signIn());
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: the cluster rejected the API key (401); create a new key and edit the connection');
    });

    it('a refused API key is described without the status and the request id', async () => {
      net().answer(route('GET', '/v2/clusters'), { ...json({ errorCode: 'KStatusUnauthorized', message: 'Invalid API key' }, 401), headers: { 'x-request-id': 'req-4711' } });
      const e = await rejection(keyed().test());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.status, 401);
      assert.strictEqual(
        e.message,
        'Sandbox cluster: test connection failed: the cluster rejected the API key (KStatusUnauthorized — Invalid API key); create a new key and edit the connection',
      );
    });

    it('scrubs the API key and the password from what the cluster echoes back', async () => {
      net().answer(route('GET', '/v2/clusters'), (req) => json({ errorCode: 'KInvalidRequest', message: `key ${req.headers.apikey} is malformed` }, 400));
      const e = await rejection(keyed().test());
      assert.ok(!e.message.includes(creds.apiKey), e.message);
      assert.match(e.message, /^Sandbox cluster: test connection failed: 400 KInvalidRequest — key \S+ is malformed$/);

      net().answer(route('POST', '/v2/users/sessions'), (req) => json({ errorCode: 'KInvalidRequest', message: `password ${(JSON.parse(req.body.toString()) as { password: string }).password} is too old` }, 400));
      const d = doubles();
      const e2 = await rejection(admin(d).signIn());
      assert.ok(!e2.message.includes(creds.password), e2.message);
      assert.match(e2.message, /^Sandbox cluster: sign in failed: 400 KInvalidRequest — password \S+ is too old$/);
      for (const line of d.lines) {
        assert.ok(!line.includes(creds.password), line);
      }
    });

    it('names the cluster in its summaries, and says "the cluster" when it has no name or version', async () => {
      const cluster = state().cluster;
      assert.strictEqual((await keyed().signIn()).summary, `API key accepted by ${cluster.name} (${cluster.swVersion})`);
      net().answer(route('GET', '/v2/clusters'), json({ id: 42 }));
      assert.strictEqual((await admin().signIn()).summary, 'signed in as admin@LOCAL to the cluster');
      assert.strictEqual((await keyed().signIn()).summary, 'API key accepted by the cluster');
      assert.strictEqual(await keyed().test(), 'The cluster answered and accepted the credentials');
    });

    it('a stored session without a username signs in as "(no username)"', async () => {
      const d = doubles();
      await admin(d).signIn();
      const token = d.saved[0].token as string;
      const c = client(record('password', { username: null }), { token });
      assert.strictEqual(c.sessionPrincipal, undefined);
      assert.strictEqual((await c.signIn()).summary, `signed in as (no username)@LOCAL to ${state().cluster.name} (${state().cluster.swVersion})`);
    });

    it('without a username no session is asked for', async () => {
      const e = await rejection(client(record('password', { username: null }), { password: creds.password }).signIn());
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: the connection has no username; edit the connection');
      assert.deepStrictEqual(net().sent, []);
    });

    it('creates the session with username, password and the LOCAL domain, and logs it', async () => {
      const d = doubles();
      const c = admin(d);
      await c.signIn();
      const posts = sentTo('POST', '/v2/users/sessions');
      assert.strictEqual(posts.length, 1);
      assert.deepStrictEqual(posts[0].json, { username: 'admin', password: creds.password, domain: 'LOCAL' });
      assert.ok(d.lines.includes('debug created a Cohesity session for admin@LOCAL'), d.lines.join('\n'));
      assert.deepStrictEqual(c.sessionPrincipal, { username: 'admin', domain: 'LOCAL' });
    });

    it('asks for a missing password once, remembers it for a new session, and says when none was entered', async () => {
      const d = doubles({ password: creds.password });
      const c = client(record('password'), {}, d);
      await c.signIn();
      assert.deepStrictEqual(d.passwordRequests, [{ title: 'Cohesity password', prompt: `Password for admin@LOCAL on ${sb.urls.cohesity}/` }]);
      assert.deepStrictEqual(d.saved.map((s) => Object.keys(s)), [['token', 'tokenExpiresAt']], 'the password itself is never saved');
      state().sessions.clear();
      await c.listEnvironments();
      assert.strictEqual(d.passwordRequests.length, 1, 'the new session used the password asked before');
      assert.ok(d.lines.includes('info the cluster answered 401 (session ended or expired); creating a new session'), d.lines.join('\n'));

      const none = doubles();
      const e = await rejection(client(record('password'), {}, none).signIn());
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: no password was entered');
    });

    it('forgets a wrong password it asked for, and asks again next time', async () => {
      const d = doubles({ password: 'Not-The-Password-1' });
      const c = client(record('password'), {}, d);
      const e = await rejection(c.signIn());
      assert.strictEqual(e.operation, 'sign in');
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: the cluster rejected the username or password for admin@LOCAL (KStatusUnauthorized — Invalid username or password)');
      await rejection(c.signIn());
      assert.strictEqual(d.passwordRequests.length, 2);
    });

    it('sends the trimmed one-time code with otpType totp (or the one configured)', async () => {
      const d = doubles({ code: ` ${creds.otpCode} ` });
      await client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, d).signIn();
      const posts = sentTo('POST', '/v2/users/sessions');
      assert.strictEqual(posts.length, 2);
      assert.deepStrictEqual(posts[0].json, { username: creds.mfaUsername, password: creds.mfaPassword, domain: 'LOCAL' });
      assert.deepStrictEqual(posts[1].json, { username: creds.mfaUsername, password: creds.mfaPassword, domain: 'LOCAL', otpCode: creds.otpCode, otpType: 'totp' });

      await client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, doubles({ code: creds.otpCode }), { otpType: 'email' }).signIn();
      assert.strictEqual((sentTo('POST', '/v2/users/sessions')[3].json as { otpType: string }).otpType, 'email');
    });

    it('a blank one-time code is no code: nothing more is sent', async () => {
      const d = doubles({ code: '   ' });
      const e = await rejection(client(record('password', { username: creds.mfaUsername }), { password: creds.mfaPassword }, d).signIn());
      assert.strictEqual(e.kind, 'cancelled');
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: no one-time code was entered');
      assert.strictEqual(sentTo('POST', '/v2/users/sessions').length, 1);
      assert.deepStrictEqual(d.saved, []);
    });

    /** Signs in as admin with the first session request refused with `first` (401) and the second with `second`. */
    async function otpFlow(first: string, second = 'Invalid otpCode'): Promise<{ e: ApiError; d: Doubles }> {
      net().answer(route('POST', '/v2/users/sessions'), (req) => {
        const body = JSON.parse(req.body.toString()) as { otpCode?: string };
        return json({ errorCode: 'KStatusUnauthorized', message: body.otpCode === undefined ? first : second }, 401);
      });
      const d = doubles({ code: '654321' });
      const e = await rejection(admin(d).signIn());
      return { e, d };
    }

    it('recognises the wordings of "a one-time code is required"', async () => {
      for (const wording of [
        'otpCode is required',
        'OTP code is required',
        'OTP  code is required',
        'Multifactor authentication is enabled for this user',
        'Multi-factor authentication is required',
        'Two-factor authentication is required',
        'Twofactor is enabled',
        'MFA is required for this account',
      ]) {
        const { e, d } = await otpFlow(wording);
        assert.strictEqual(d.codeRequests.length, 1, `asks for a code after "${wording}"`);
        assert.strictEqual(
          e.message,
          'Sandbox cluster: sign in failed: the cluster rejected the one-time code (KStatusUnauthorized — Invalid otpCode); sign in again with a fresh code',
          wording,
        );
      }
    });

    it('asks for a one-time code only after a 401', async () => {
      net().answer(route('POST', '/v2/users/sessions'), json({ errorCode: 'KInvalidRequest', message: 'otpCode is required' }, 400));
      const d = doubles({ code: '654321' });
      const e = await rejection(admin(d).signIn());
      assert.strictEqual(d.codeRequests.length, 0);
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: 400 KInvalidRequest — otpCode is required');
    });

    it('a first refusal that mentions an OTP without requiring one is a wrong username or password', async () => {
      const { e, d } = await otpFlow('Invalid otpCode');
      assert.strictEqual(d.codeRequests.length, 0);
      assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: the cluster rejected the username or password for admin@LOCAL (KStatusUnauthorized — Invalid otpCode)');
    });

    it('after a code, a refusal is the code\'s only when it speaks of one', async () => {
      for (const [wording, code] of [
        ['Wrong onetime passcode', true],
        ['Wrong one-time passcode', true],
        ['multifactor check failed', true],
        ['Invalid username or password', false],
      ] as const) {
        const { e } = await otpFlow('otpCode is required', wording);
        assert.strictEqual(
          e.message,
          code
            ? `Sandbox cluster: sign in failed: the cluster rejected the one-time code (KStatusUnauthorized — ${wording}); sign in again with a fresh code`
            : `Sandbox cluster: sign in failed: the cluster rejected the username or password for admin@LOCAL (KStatusUnauthorized — ${wording})`,
        );
      }
    });

    it('a session answer without a session id is an invalid response, and nothing is saved', async () => {
      for (const body of ['null', { sessionId: '' }, { sessionId: 7 }, {}]) {
        net().answer(route('POST', '/v2/users/sessions'), json(body, 201));
        const d = doubles();
        const e = await rejection(admin(d).signIn());
        assert.strictEqual(e.kind, 'invalid-response', JSON.stringify(body));
        assert.strictEqual(e.message, 'Sandbox cluster: sign in failed: POST /v2/users/sessions answered without a sessionId');
        assert.deepStrictEqual(d.saved, []);
      }
    });

    it('signing out or ending a session that was never created saves nothing; an API key client keeps its key', async () => {
      const d = doubles();
      const c = admin(d);
      assert.strictEqual(await c.signOut(), COHESITY_SIGN_OUT_MESSAGE);
      await c.sessionEnded();
      assert.deepStrictEqual(d.saved, []);

      const k = doubles();
      const kc = keyed(k);
      await kc.signIn();
      await kc.sessionEnded();
      assert.deepStrictEqual(k.saved, []);
      assert.strictEqual(kc.signedIn, true);
      assert.strictEqual(kc.sessionPrincipal, undefined);
    });
  });

  describe('the cluster', () => {
    it('shows the cluster as one environment, every detail from the answer', async () => {
      const raw = await keyed().clusterInfo();
      const c = state().cluster;
      assert.deepStrictEqual(await keyed().listEnvironments(), [
        {
          id: String(c.id),
          label: c.name,
          description: `v${c.swVersion}`,
          details: { id: String(c.id), name: c.name, version: c.swVersion, type: 'Physical', nodes: 4 },
          raw,
          icon: 'server',
        },
      ]);
    });

    it('leaves out what the answer lacks or types wrongly', async () => {
      net().answer(route('GET', '/v2/clusters'), json({ id: 42 }));
      assert.deepStrictEqual(await keyed().listEnvironments(), [
        { id: '42', label: '42', description: undefined, details: { id: '42', name: undefined, version: undefined, type: undefined, nodes: undefined }, raw: { id: 42 }, icon: 'server' },
      ]);
      const odd = { name: 'c1', swVersion: 7, type: 3, nodeCount: '4' };
      net().answer(route('GET', '/v2/clusters'), json(odd));
      assert.deepStrictEqual(await keyed().listEnvironments(), [
        { id: 'c1', label: 'c1', description: undefined, details: { id: undefined, name: 'c1', version: undefined, type: undefined, nodes: undefined }, raw: odd, icon: 'server' },
      ]);
    });

    it('an answer without an id or a name is an invalid response', async () => {
      for (const body of ['null', '"sandbox"', {}, { swVersion: '7.1' }]) {
        net().answer(route('GET', '/v2/clusters'), json(body));
        const e = await rejection(keyed().clusterInfo());
        assert.strictEqual(e.kind, 'invalid-response', JSON.stringify(body));
        assert.strictEqual(e.message, 'Sandbox cluster: read cluster failed: GET /v2/clusters answered without a cluster id or name');
      }
      net().answer(route('GET', '/v2/clusters'), json({ name: 'only-a-name' }));
      assert.strictEqual((await keyed().clusterInfo()).name, 'only-a-name');
    });
  });

  describe('sessions and users', () => {
    it('counts sessions per user: only string SIDs, counts that are positive numbers, the total as answered', async () => {
      net().answer(
        route('GET', '/v2/users/sessions'),
        json({
          sessionsPerUser: [null, { sid: 5, sessionsCount: 1 }, { sid: '', sessionsCount: 1 }, { sid: 'S-a', sessionsCount: 2 }, { sid: 'S-b', sessionsCount: -1 }, { sid: 'S-c' }, { sid: 'S-d', sessionsCount: 0 }],
          totalSessionsCount: 9,
        }),
      );
      assert.deepStrictEqual(await keyed().sessionsCount(), {
        perUser: [
          { sid: 'S-a', count: 2 },
          { sid: 'S-b', count: 0 },
          { sid: 'S-c', count: 0 },
          { sid: 'S-d', count: 0 },
        ],
        total: 9,
      });
      assert.strictEqual(sentTo('GET', '/v2/users/sessions')[0].query.toString(), '', 'no sids: every user with sessions');
    });

    it('adds the counts up when the total is missing; no list is no user', async () => {
      net().answer(route('GET', '/v2/users/sessions'), json({ sessionsPerUser: [{ sid: 'S-a', sessionsCount: 2 }, { sid: 'S-b', sessionsCount: 3 }] }));
      assert.strictEqual((await keyed().sessionsCount()).total, 5);
      net().answer(route('GET', '/v2/users/sessions'), json({ totalSessionsCount: 3 }));
      assert.deepStrictEqual(await keyed().sessionsCount(), { perUser: [], total: 3 });
    });

    it('a session count answer of another shape is an invalid response', async () => {
      for (const body of ['null', '"none"', { sessionsPerUser: 'none' }, { sessionsPerUser: {} }]) {
        net().answer(route('GET', '/v2/users/sessions'), json(body));
        const e = await rejection(keyed().sessionsCount());
        assert.strictEqual(e.kind, 'invalid-response', JSON.stringify(body));
        assert.strictEqual(e.message, 'Sandbox cluster: list sessions failed: GET /v2/users/sessions answered without sessionsPerUser');
      }
    });

    it('finds users by exact username, in one domain or in any', async () => {
      const st = state();
      const c = keyed();
      assert.deepStrictEqual(await c.findUsers('admin'), [{ sid: st.users[0].sid, username: 'admin', domain: 'LOCAL' }]);
      let q = sentTo('GET', '/v2/users').at(-1)!.query;
      assert.strictEqual(q.get('usernames'), 'admin');
      assert.strictEqual(q.has('domain'), false);
      const ad = st.users.find((u) => u.domain !== 'LOCAL')!;
      assert.deepStrictEqual(await c.findUsers(ad.username, ad.domain), [{ sid: ad.sid, username: ad.username, domain: ad.domain }]);
      assert.deepStrictEqual(await c.findUsers(ad.username, 'LOCAL'), []);
      q = sentTo('GET', '/v2/users').at(-1)!.query;
      assert.strictEqual(q.get('domain'), 'LOCAL');
      assert.deepStrictEqual(await c.findUsers('a&b c,d', 'X&Y=Z'), []);
      q = sentTo('GET', '/v2/users').at(-1)!.query;
      assert.deepStrictEqual([...q.entries()], [['usernames', 'a&b c,d'], ['domain', 'X&Y=Z']], 'both encoded');
    });

    it('keeps the found users with a SID; a missing username or domain is the SID and empty', async () => {
      net().answer(route('GET', '/v2/users'), json({ users: [null, { sid: 1, username: 'n' }, { sid: '', username: 'e' }, { sid: 'S-x' }, { sid: 'S-y', username: 'u', domain: 'D' }] }));
      assert.deepStrictEqual(await keyed().findUsers('u'), [
        { sid: 'S-x', username: 'S-x', domain: '' },
        { sid: 'S-y', username: 'u', domain: 'D' },
      ]);
      for (const body of ['null', {}, { users: null }]) {
        net().answer(route('GET', '/v2/users'), json(body));
        assert.deepStrictEqual(await keyed().findUsers('u'), [], JSON.stringify(body));
      }
      for (const body of [{ users: 'u' }, { users: {} }]) {
        net().answer(route('GET', '/v2/users'), json(body));
        const e = await rejection(keyed().findUsers('u'));
        assert.strictEqual(e.kind, 'invalid-response');
        assert.strictEqual(e.message, 'Sandbox cluster: find user failed: GET /v2/users answered without users');
      }
    });

    it('counts the sessions of chosen users (0 included) with one sids request, and nothing for none', async () => {
      const st = state();
      const c = keyed();
      assert.deepStrictEqual(await c.sessionsCountOf([]), new Map());
      assert.deepStrictEqual(net().sent, []);
      const idle = st.users.find((u) => ![...st.sessions.values()].some((s) => s.sid === u.sid))!;
      const busy = st.users[0];
      const counts = await c.sessionsCountOf([busy.sid, idle.sid, 'S-1-0-unknown']);
      assert.deepStrictEqual(counts, new Map([[busy.sid, [...st.sessions.values()].filter((s) => s.sid === busy.sid).length], [idle.sid, 0]]));
      assert.strictEqual(sentTo('GET', '/v2/users/sessions')[0].query.get('sids'), `${busy.sid},${idle.sid},S-1-0-unknown`);
      await c.sessionsCountOf(['S-a&b']);
      assert.strictEqual(sentTo('GET', '/v2/users/sessions')[1].query.get('sids'), 'S-a&b', 'encoded');

      net().answer(route('GET', '/v2/users/sessions'), json({ sessionsPerUser: [null, { sid: 3, sessionsCount: 1 }, { sid: 'S-a', sessionsCount: 'x' }, { sid: 'S-b', sessionsCount: 2 }] }));
      assert.deepStrictEqual(await c.sessionsCountOf(['S-a', 'S-b']), new Map([['S-a', 0], ['S-b', 2]]));
      for (const body of ['null', { sessionsPerUser: 'x' }]) {
        net().answer(route('GET', '/v2/users/sessions'), json(body));
        assert.deepStrictEqual(await c.sessionsCountOf(['S-a']), new Map(), JSON.stringify(body));
      }
    });

    it('resolves SIDs to principals in one request; nothing is sent for none', async () => {
      const st = state();
      const c = keyed();
      assert.deepStrictEqual(await c.securityPrincipals([]), []);
      assert.deepStrictEqual(net().sent, []);
      const found = await c.securityPrincipals([st.users[0].sid, st.removedSids[0]]);
      assert.deepStrictEqual(found, [{ sid: st.users[0].sid, principalName: 'admin', fullName: 'Cluster Admin', domainName: 'LOCAL', objectClass: 'User' }]);
      assert.strictEqual(sentTo('GET', '/v2/security-principals')[0].query.get('sids'), `${st.users[0].sid},${st.removedSids[0]}`);
    });

    it('keeps the principals with a string SID; no list is none; another shape is an invalid response', async () => {
      net().answer(route('GET', '/v2/security-principals'), json({ securityPrincipals: [null, { sid: 1 }, 'S-z', { sid: 'S-a', principalName: 'A' }] }));
      assert.deepStrictEqual(await keyed().securityPrincipals(['S-a']), [{ sid: 'S-a', principalName: 'A' }]);
      for (const body of ['null', '"x"', {}, { securityPrincipals: null }]) {
        net().answer(route('GET', '/v2/security-principals'), json(body));
        assert.deepStrictEqual(await keyed().securityPrincipals(['S-a']), [], JSON.stringify(body));
      }
      for (const body of [{ securityPrincipals: 'S-a' }, { securityPrincipals: {} }]) {
        net().answer(route('GET', '/v2/security-principals'), json(body));
        const e = await rejection(keyed().securityPrincipals(['S-a']));
        assert.strictEqual(e.kind, 'invalid-response');
        assert.strictEqual(e.message, 'Sandbox cluster: resolve user names failed: GET /v2/security-principals answered without securityPrincipals');
      }
    });

    it('ends one user\'s sessions with DELETE ?sid= (404: already ended), and refuses to send it without a SID', async () => {
      const st = state();
      const c = keyed();
      const sid = st.users[0].sid;
      for (const blank of ['', '   ', undefined as unknown as string]) {
        await assert.rejects(c.deleteUserSessions(blank), { message: 'No user SID was given, so nothing was sent: without a SID the cluster would end every session.' });
      }
      assert.deepStrictEqual(net().sent, []);
      assert.strictEqual(await c.deleteUserSessions(sid), 'revoked');
      assert.ok(![...st.sessions.values()].some((s) => s.sid === sid));
      assert.strictEqual(await c.deleteUserSessions('S-1-5-21-0-0-0-404&x'), 'already-ended');
      assert.deepStrictEqual(
        sentTo('DELETE', '/v2/users/sessions').map((s) => [...s.query.entries()]),
        [[['sid', sid]], [['sid', 'S-1-5-21-0-0-0-404&x']]],
      );
      sb.faults.set('cohesity', { mode: 'server-error', pathRegex: 'users/sessions' });
      const e = await rejection(c.deleteUserSessions(sid));
      assert.strictEqual(e.status, 500);
    });

    it('ends every session with DELETE without sid, then drops its own session id', async () => {
      const d = doubles();
      const c = admin(d);
      await c.signIn();
      await c.deleteAllSessions();
      const deletes = sentTo('DELETE', '/v2/users/sessions');
      assert.strictEqual(deletes.length, 1);
      assert.strictEqual(deletes[0].query.toString(), '');
      assert.strictEqual(state().sessions.size, 0);
      assert.strictEqual(c.signedIn, false);
      assert.deepStrictEqual(d.saved.at(-1), { token: undefined, tokenExpiresAt: undefined });
    });

    it('reads the session configuration, and nothing of another shape', async () => {
      const c = keyed();
      assert.deepStrictEqual(await c.sessionConfiguration(), { ...state().sessionConfiguration });
      for (const body of ['null', '"x"', {}, { sessionConfiguration: null }, { sessionConfiguration: 'x' }, { sessionConfiguration: [1] }]) {
        net().answer(route('GET', '/v2/security-config'), json(body));
        assert.strictEqual(await c.sessionConfiguration(), undefined, JSON.stringify(body));
      }
    });
  });

  describe('errors and cancellation', () => {
    it('each call names its operation when it fails', async () => {
      const c = keyed();
      const calls: [string, () => Promise<unknown>][] = [
        ['sign in', () => c.signIn()],
        ['test connection', () => c.test()],
        ['list environments', () => c.listEnvironments()],
        ['read cluster', () => c.clusterInfo()],
        ['list sessions', () => c.sessionsCount()],
        ['find user', () => c.findUsers('admin')],
        ['count sessions', () => c.sessionsCountOf(['S-a'])],
        ['resolve user names', () => c.securityPrincipals(['S-a'])],
        ['revoke sessions', () => c.deleteUserSessions('S-a')],
        ['revoke all sessions on the cluster', () => c.deleteAllSessions()],
        ['read session policy', () => c.sessionConfiguration()],
      ];
      sb.faults.set('cohesity', { mode: 'html-502' });
      for (const [operation, call] of calls) {
        const e = await rejection(call());
        assert.strictEqual(e.operation, operation);
        assert.strictEqual(e.status, 502, operation);
      }
      assert.ok(state().sessions.size > 0, 'nothing was ended');
    });

    it('each call passes the caller\'s signal: cancelled before anything is sent', async () => {
      const c = keyed();
      const calls: (() => Promise<unknown>)[] = [
        () => c.signIn(aborted()),
        () => c.test(aborted()),
        () => c.listEnvironments(aborted()),
        () => c.clusterInfo(aborted()),
        () => c.sessionsCount(aborted()),
        () => c.findUsers('admin', undefined, aborted()),
        () => c.sessionsCountOf(['S-a'], aborted()),
        () => c.securityPrincipals(['S-a'], aborted()),
        () => c.deleteUserSessions(state().users[0].sid, aborted()),
        () => c.deleteAllSessions(aborted()),
        () => c.sessionConfiguration(aborted()),
      ];
      const sessions = state().sessions.size;
      for (const call of calls) {
        const e = await rejection(call());
        assert.strictEqual(e.kind, 'cancelled');
      }
      assert.deepStrictEqual(net().sent, []);
      assert.strictEqual(state().sessions.size, sessions);
    });
  });

  describe('certificates', () => {
    /** A certificate built here (no key identifiers: issuers are found by name), signed with `signingKey`. */
    function certificate(subject: string, issuer: string, publicKey: string, signingKey: string, ca: boolean): string {
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
      cert.serialNumber = '01';
      cert.validity.notBefore = new Date(Date.now() - 3_600_000);
      cert.validity.notAfter = new Date(Date.now() + 3_600_000);
      cert.setSubject([{ name: 'commonName', value: subject }]);
      cert.setIssuer([{ name: 'commonName', value: issuer }]);
      cert.setExtensions([{ name: 'basicConstraints', cA: ca }]);
      cert.sign(forge.pki.privateKeyFromPem(signingKey), forge.md.sha256.create());
      return forge.pki.certificateToPem(cert);
    }

    it('a chain is complete when each certificate is issued and signed by the next and the last by itself', () => {
      const rsa = () => generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
      const [a, b] = [rsa(), rsa()];
      const ca = certificate('Chain Test CA', 'Chain Test CA', a.publicKey, a.privateKey, true);
      const leaf = certificate('leaf.chain.test', 'Chain Test CA', b.publicKey, a.privateKey, false);
      // The same name as the CA, another key: the names match, the signatures do not.
      const impostor = certificate('Chain Test CA', 'Chain Test CA', b.publicKey, b.privateKey, true);
      assert.strictEqual(chainIsComplete([leaf, ca]), true);
      assert.strictEqual(chainIsComplete([leaf]), false, 'a leaf alone is not self-signed');
      assert.strictEqual(chainIsComplete([ca, leaf]), false, 'the wrong order');
      assert.strictEqual(chainIsComplete([leaf, impostor]), false, 'named as the issuer, but did not sign it');
      assert.strictEqual(chainIsComplete([leaf, ca, impostor]), false);
      assert.strictEqual(chainIsComplete(['not a certificate']), false);
    });

    it('trusting a cluster\'s certificate needs an address and a certificate issued for it (names and IPs)', async () => {
      await assert.rejects(cohesityTrustCandidate({ ...record('password'), endpoints: {} }), { message: 'Sandbox cluster: the connection has no cluster address.' });
      const port = new URL(sb.urls.cohesity).port;
      const byName = await cohesityTrustCandidate({ ...record('password'), endpoints: { url: `https://localhost:${port}` } });
      assert.strictEqual(byName.verified, true);
      assert.strictEqual(byName.certificates[0].sha256, sb.details.cohesity.certSha256Fingerprint);
      await assert.rejects(cohesityTrustCandidate({ ...record('password'), endpoints: { url: `https://[::ffff:127.0.0.1]:${port}` } }), (e: Error) => {
        assert.match(
          e.message,
          /^Sandbox cluster: the cluster's certificate \(.*cohesity\.sandbox\.local.*\) is not issued for ::ffff:7f00:1, so trusting it would not help; connect with a name the certificate lists \(subject alternative names: DNS:localhost, IP Address:127\.0\.0\.1/,
        );
        return true;
      });
    });
  });
});
