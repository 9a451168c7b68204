// PingOne sessions against the real sandbox over HTTP: the client calls (users by next link with the count, a user's
// sessions, read and DELETE one) and the session source on top (levels, paging, filter, order, dimming, revoke with
// per-entry outcomes, faults).
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { PingOneClient, pingoneModule } from '../../../src/backends/pingone';
import {
  createPingOneSessionSource,
  PINGONE_ENTRY_TYPES,
  type PingOneSessionSourceOptions,
  toScimFilter,
  validatePingOneFilter,
} from '../../../src/backends/pingone/sessions';
import { sessionTrail } from '../../../src/backends/pingone/trail';
import type { PingOneSession } from '../../../src/backends/pingone/models';
import { type SessionEntry, type SessionSource, type SessionSourceContext, summarizeOutcomes } from '../../../src/backends/sessionSource';
import { Pager } from '../../../src/http/paging';
import type { Sandbox } from '../../sandbox/server';
import type { PingOneState } from '../../sandbox/pingone';
import type { P1User } from '../../sandbox/pingone/data';
import { type Doubles, doubles, rejection, useSandbox } from './doubles';

const FIRST = { offset: 0, limit: 100, cursor: '' };
const HOUR = 3_600_000;

describe('backends/pingone sessions', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => PingOneState;
  const delays: number[] = [];
  const { sandbox, clients } = useSandbox<PingOneClient>({ backends: ['pingone'], seed: 3 });

  before(() => {
    sb = sandbox();
    creds = sb.details.pingone.credentials;
    state = () => sb.state.pingone.state as PingOneState;
  });
  afterEach(() => {
    sb.reset();
    delays.length = 0;
  });

  function record(): ConnectionRecord {
    return {
      id: 'pingone-sessions-test',
      backend: 'pingone',
      label: 'Sandbox PingOne',
      endpoints: { region: 'custom', apiUrl: sb.details.pingone.urls.apiBase, authUrl: sb.details.pingone.urls.authBase },
      auth: { method: 'clientCredentials', environmentId: creds.environmentId, clientId: creds.basicClientId, clientAuth: 'basic' },
      source: 'user',
    };
  }

  function client(d: Doubles = doubles()): PingOneClient {
    const c = new PingOneClient(record(), { clientSecret: creds.basicClientSecret }, d.deps, {
      http: {
        sleep: async (ms) => {
          delays.push(ms);
        },
      },
    });
    clients.push(c);
    return c;
  }

  function source(options: PingOneSessionSourceOptions = {}, d: Doubles = doubles()): { src: SessionSource; d: Doubles; c: PingOneClient } {
    const c = client(d);
    const ctx: SessionSourceContext = { record: c.record, client: async () => c, log: d.deps.log, now: () => sb.now() };
    return { src: createPingOneSessionSource(ctx, options), d, c };
  }

  function envs(): PingOneState['data']['environments'] {
    return state().data.environments;
  }

  function usersOf(i: number): P1User[] {
    return state().data.users.get(envs()[i].id)!;
  }

  async function environmentEntry(src: SessionSource, i: number): Promise<SessionEntry> {
    const page = await src.list(undefined, FIRST, {});
    const e = page.items.find((x) => x.id === envs()[i].id);
    assert.ok(e, `environment ${i} listed`);
    return e;
  }

  async function userEntry(src: SessionSource, envIndex: number, user: P1User): Promise<SessionEntry> {
    const env = await environmentEntry(src, envIndex);
    const page = await src.list(env, { offset: 0, limit: 1, cursor: '' }, { filter: `id eq "${user.id}"` });
    assert.strictEqual(page.items.length, 1);
    return page.items[0];
  }

  async function sessionsOf(src: SessionSource, user: SessionEntry, order?: string): Promise<SessionEntry[]> {
    return (await src.list(user, { offset: 0, limit: 10, cursor: '' }, { order })).items;
  }

  /** The first user of environment `envIndex` (past `skip`) with at least `min` sessions. */
  async function userWithSessions(src: SessionSource, envIndex: number, min: number, skip = 1): Promise<{ user: SessionEntry; sessions: SessionEntry[] }> {
    const env = await environmentEntry(src, envIndex);
    const users = (await src.list(env, { offset: 0, limit: 1000, cursor: '' }, {})).items;
    for (const user of users.slice(skip)) {
      const sessions = await sessionsOf(src, user);
      if (sessions.length >= min) {
        return { user, sessions };
      }
    }
    throw new Error(`no user with ${min} sessions`);
  }

  describe('client', () => {
    it('reads users a page at a time: limit and filter on the first, then the next href verbatim, with the count', async () => {
      const d = doubles();
      const c = client(d);
      const env = envs()[2];
      const first = await c.usersPage(env.id, { limit: 50 });
      assert.strictEqual(first.items.length, 50);
      assert.strictEqual(first.total, 5000);
      assert.ok(first.next?.startsWith(`${sb.details.pingone.origin}/v1/environments/${env.id}/users?`), first.next);
      const second = await c.usersPage(env.id, { cursor: first.next, limit: 999 });
      assert.strictEqual(second.items.length, 50, 'a next page keeps the limit its link carries');
      assert.deepStrictEqual(
        [...first.items, ...second.items].map((u) => u.id),
        usersOf(2)
          .slice(0, 100)
          .map((u) => u.id),
      );
      const gets = d.lines.filter((l) => /GET \S+\/users\S* → 200/.test(l));
      assert.match(gets[0], /\/users\?limit=50 /);
      assert.ok(gets[1].includes(first.next!.replace(sb.details.pingone.origin, '')), `${gets[1]} follows ${first.next}`);

      const filtered = await c.usersPage(env.id, { limit: 1000, filter: 'email sw "alice."' });
      const expected = usersOf(2).filter((u) => u.email.startsWith('alice.'));
      assert.strictEqual(filtered.total, expected.length);
      assert.deepStrictEqual(
        filtered.items.map((u) => u.id),
        expected.map((u) => u.id),
      );
    });

    it("lists a user's sessions, reads one, deletes it (revoked), then it is gone (already ended, undefined)", async () => {
      const c = client();
      const env = envs()[1];
      const user = usersOf(1)[0];
      const list = await c.listUserSessions(env.id, user.id);
      assert.ok(list.length >= 1 && list.length <= 10);
      const one = await c.readSession(env.id, user.id, list[0].id);
      assert.deepStrictEqual(one, list[0]);
      assert.strictEqual(await c.deleteSession(env.id, user.id, list[0].id), 'revoked');
      assert.strictEqual(await c.deleteSession(env.id, user.id, list[0].id), 'already-ended');
      assert.strictEqual(await c.readSession(env.id, user.id, list[0].id), undefined);
      assert.strictEqual((await c.listUserSessions(env.id, user.id)).length, list.length - 1);
      assert.strictEqual((await c.readUser(env.id, user.id))?.username, user.username);
      assert.strictEqual(await c.readUser(env.id, '00000000-0000-4000-8000-000000000000'), undefined);
    });

    it("a 403 on DELETE rejects with the server's words, naming the role the worker app lacks", async () => {
      const c = client();
      const env = envs()[1];
      const user = usersOf(1)[0];
      const [s] = await c.listUserSessions(env.id, user.id);
      state().sessionDeleteForbidden.add(user.id);
      const e = await rejection(c.deleteSession(env.id, user.id, s.id));
      assert.strictEqual(e.status, 403);
      assert.strictEqual(e.vendorCode, 'ACCESS_FAILED');
      assert.strictEqual(e.operation, 'revoke session');
      assert.match(
        e.message,
        /^Sandbox PingOne: revoke session failed: 403 ACCESS_FAILED — The actor attempting to perform the request is not authorized: deleting a user's sessions requires the Identity Data Admin role for the user's population\. \(request [0-9a-f-]{36}\)$/,
      );
    });
  });

  describe('source', () => {
    it('is the module factory; filter and orders offered, find and a session count not (PingOne cannot)', async () => {
      assert.strictEqual(typeof pingoneModule.sessionSource, 'function');
      const c = client();
      const src = pingoneModule.sessionSource!({ record: c.record, client: async () => c, log: () => undefined, now: Date.now });
      assert.strictEqual(src.backendLabel, 'PingOne');
      assert.strictEqual(src.capabilities.find, false);
      assert.ok(src.capabilities.filter?.prompt);
      assert.deepStrictEqual(
        src.capabilities.orders?.map((o) => o.id),
        ['newest', 'oldest'],
      );
      assert.strictEqual(src.find, undefined);
      assert.strictEqual(src.countSessions, undefined);
      assert.match(src.revokeNote ?? '', /every application/);
      assert.deepStrictEqual(src.paging(undefined), { cursor: true, maxPageSize: 1000 });
    });

    it('lists the environments the worker app may see, each a filterable level of paged users', async () => {
      const { src } = source();
      const page = await src.list(undefined, FIRST, {});
      const visible = envs().slice(0, -1);
      assert.deepStrictEqual(
        page.items.map((e) => e.label),
        visible.map((e) => e.name),
      );
      assert.strictEqual(page.next, undefined);
      const e = page.items[1];
      assert.strictEqual(e.type, PINGONE_ENTRY_TYPES.environment);
      assert.strictEqual(e.key, `env/${visible[1].id}`);
      assert.strictEqual(e.id, visible[1].id);
      assert.strictEqual(e.children, 'paged');
      assert.strictEqual(e.filterable, true);
      assert.strictEqual(e.description, 'Production · NA');
      assert.deepStrictEqual(e.flags, { hasDetails: true });
      assert.strictEqual((e.details as { name: string }).name, visible[1].name);
      assert.deepStrictEqual(src.paging(e), { cursor: true, maxPageSize: 1000 });
    });

    it('pages 5,000 users 50 at a time by following the next link, with the total ("50 of 5,000")', async () => {
      const d = doubles();
      const { src } = source({}, d);
      const env = await environmentEntry(src, 2);
      const pager = new Pager<SessionEntry>((req, signal) => src.list(env, req, {}, signal), {
        idOf: (e) => e.key,
        pageSize: 50,
        maxPageSize: src.paging(env).maxPageSize,
        firstCursor: '',
      });
      await pager.loadMore();
      assert.strictEqual(`${pager.items.length} of ${pager.total?.toLocaleString('en-US')}`, '50 of 5,000');
      assert.strictEqual(pager.hasMore, true);
      await pager.loadMore();
      assert.strictEqual(pager.items.length, 100);
      assert.deepStrictEqual(
        pager.items.map((u) => u.id),
        usersOf(2)
          .slice(0, 100)
          .map((u) => u.id),
      );
      const gets = d.lines.filter((l) => /GET \S+\/users\S* → 200/.test(l));
      assert.strictEqual(gets.length, 2);
      assert.match(gets[0], /\/users\?limit=50 /);
      assert.match(gets[1], /\/users\?limit=50&cursor=/);

      const u = usersOf(2)[7];
      const entry = pager.items[7];
      assert.strictEqual(entry.type, PINGONE_ENTRY_TYPES.user);
      assert.strictEqual(entry.key, `env/${envs()[2].id}/user/${u.id}`);
      assert.strictEqual(entry.label, `${u.given} ${u.family}`);
      assert.strictEqual(entry.description?.split(' · ')[0], u.username);
      assert.deepStrictEqual(entry.flags, { canRevokeAll: true, hasDetails: true });
      assert.strictEqual(entry.children, 'all');
      assert.strictEqual(entry.showCount, true, 'the view says how many sessions once they were read');
      assert.strictEqual(entry.revokeLabel, `all sessions of ${u.given} ${u.family} (${u.username}) in Workforce EU (Sandbox PingOne)`);
      assert.deepStrictEqual(src.paging(entry), { cursor: true, maxPageSize: 10 });
    });

    it('filters users server-side: free text by username, email, given or family name; SCIM passes through', async () => {
      const { src } = source();
      const env = await environmentEntry(src, 2);
      const users = usersOf(2);
      const ids = async (filter: string): Promise<{ ids: string[]; total?: number }> => {
        const page = await src.list(env, { offset: 0, limit: 1000, cursor: '' }, { filter });
        return { ids: page.items.map((e) => e.id), total: page.total };
      };
      const sw = (v: string | undefined, p: string): boolean => (v ?? '').toLowerCase().startsWith(p.toLowerCase());
      const free = users.filter((u) => sw(u.username, 'Ali') || sw(u.email, 'Ali') || sw(u.given, 'Ali') || sw(u.family, 'Ali'));
      const got = await ids('Ali');
      assert.ok(free.length > 0);
      assert.strictEqual(got.total, free.length);
      assert.deepStrictEqual(got.ids, free.map((u) => u.id).slice(0, 1000));

      const family = users.filter((u) => sw(u.family, 'Müller'));
      assert.deepStrictEqual((await ids('Müller')).ids, family.map((u) => u.id).slice(0, 1000), 'non-ASCII text');

      const u0 = users[3];
      const both = users.filter((u) => sw(u.given, u0.given) && sw(u.family, u0.family));
      assert.deepStrictEqual((await ids(`${u0.given} ${u0.family}`)).ids, both.map((u) => u.id), '"first last": given and family name together');

      const scim = `(name.family eq "${u0.family}") and (email ew "@example.com")`;
      const expected = users.filter((u) => u.family === u0.family && u.email.endsWith('@example.com'));
      assert.strictEqual((await ids(scim)).total, expected.length);

      // A quote in free text is escaped, not an error.
      assert.deepStrictEqual(await ids('o"brien\\'), { ids: [], total: 0 });
      // An empty filter is no filter.
      assert.strictEqual((await ids('   ')).total, 5000);
    });

    it("an operator the attribute does not support: PingOne's 400, in the server's words", async () => {
      const { src } = source();
      const env = await environmentEntry(src, 1);
      const text = 'username ew "son1"';
      assert.strictEqual(src.validateFilter?.(text), undefined, 'well-formed: the server decides');
      const e = await rejection(src.list(env, FIRST, { filter: text }));
      assert.strictEqual(e.status, 400);
      assert.strictEqual(e.vendorCode, 'INVALID_DATA');
      assert.match(e.message, /list users failed: 400 INVALID_DATA — .* filter: The operator 'ew' is not supported for attribute 'username'/);
    });

    it('sessions: newest activity first (or oldest), dimmed when idle past staleAfterHours, with what a row shows', async () => {
      const { src } = source();
      const { user, sessions } = await userWithSessions(src, 1, 4);
      const times = sessions.map((s) => Date.parse(s.time!));
      assert.deepStrictEqual(times, [...times].sort((a, b) => b - a), 'newest first by default');
      const oldest = await sessionsOf(src, user, 'oldest');
      assert.deepStrictEqual(
        oldest.map((s) => s.id),
        [...sessions].reverse().map((s) => s.id),
      );
      for (const s of sessions) {
        const raw = s.details as PingOneSession;
        assert.strictEqual(s.type, PINGONE_ENTRY_TYPES.session);
        assert.strictEqual(s.key, `${user.key}/session/${raw.id}`);
        assert.strictEqual(s.time, new Date(Date.parse(raw.activeAt!)).toISOString());
        assert.strictEqual(s.dimmed, sb.now() - Date.parse(raw.activeAt!) > 12 * HOUR, s.time);
        assert.strictEqual(s.label, `${raw.browser!.name} on ${raw.operatingSystem!.name}`);
        assert.deepStrictEqual(s.flags, { canRevoke: true, hasDetails: true, hasTrail: true });
        assert.strictEqual(s.children, undefined);
        const newest = [...raw.locations!].sort((a, b) => Date.parse(b.at!) - Date.parse(a.at!))[0];
        const parts = s.description!.split(' · ');
        assert.strictEqual(parts[0], raw.device!.type);
        assert.strictEqual(parts[1].toLowerCase(), `${newest.city}, ${newest.country}`);
        assert.strictEqual(parts[2], newest.remoteIp);
        assert.ok(s.revokeLabel?.startsWith(`${s.label} of ${user.label} in Customers Prod (Sandbox PingOne)`), s.revokeLabel);
        assert.strictEqual(s.tooltip.note !== undefined, s.dimmed, 'the tooltip says why it is dimmed');
      }
      // The threshold is an option, read at every listing.
      let hours = 24 * 365;
      const { src: lenient } = source({ staleAfterHours: () => hours });
      const userAgain = await userEntry(lenient, 1, usersOf(1).find((u) => u.id === user.id)!);
      assert.ok((await sessionsOf(lenient, userAgain)).every((s) => !s.dimmed));
      hours = 0.001;
      assert.ok((await sessionsOf(lenient, userAgain)).every((s) => s.dimmed));
    });

    it('a mix of dimmed and live sessions across users, never hidden; the user row then says how many sessions', async () => {
      const { src } = source();
      const env = await environmentEntry(src, 1);
      const users = (await src.list(env, { offset: 0, limit: 1000, cursor: '' }, {})).items;
      let dimmed = 0;
      let live = 0;
      let listed = 0;
      let served = 0;
      for (const u of users.slice(0, 30)) {
        const s = await sessionsOf(src, u);
        dimmed += s.filter((x) => x.dimmed).length;
        live += s.filter((x) => !x.dimmed).length;
        listed += s.length;
        served += state().sessions.get(u.id)?.length ?? 0;
      }
      assert.ok(dimmed > 0 && live > 0, `${dimmed} dimmed, ${live} live`);
      assert.strictEqual(listed, served, 'every session the server lists is shown');
      const again = (await src.list(env, { offset: 0, limit: 30, cursor: '' }, {})).items;
      for (const u of again) {
        const n = state().sessions.get(u.id)!.length;
        assert.ok(u.tooltip.lines?.some(([k, v]) => k === 'Sessions' && v === String(n)), `${JSON.stringify(u.tooltip.lines)} (${n})`);
      }
    });

    it('revokes one session (revoked), then again (already ended); refreshEntry finds it gone', async () => {
      const { src } = source();
      const { user, sessions } = await userWithSessions(src, 1, 2);
      const target = sessions[1];
      assert.deepStrictEqual(await src.revoke([target]), [{ outcome: 'revoked' }]);
      const userId = user.id;
      assert.ok(!state().sessions.get(userId)!.some((s) => s.id === target.id), 'gone on the server');
      assert.deepStrictEqual(await src.revoke([target]), [{ outcome: 'already-ended' }]);
      assert.strictEqual(await src.refreshEntry!(target), undefined);
      const stillThere = await src.refreshEntry!(sessions[0]);
      assert.strictEqual(stillThere?.key, sessions[0].key);
      const refreshedUser = await src.refreshEntry!(user);
      assert.ok(refreshedUser?.tooltip.lines?.some(([k, v]) => k === 'Sessions' && v === String(sessions.length - 1)), JSON.stringify(refreshedUser?.tooltip.lines));
    });

    it('revokes all of a user and sessions of other users in one call, one outcome each in order: revoked, already ended, 403', async () => {
      const d = doubles();
      const { src } = source({}, d);
      const a = await userWithSessions(src, 1, 3);
      const b = await userWithSessions(src, 1, 1, usersOf(1).findIndex((u) => u.id === a.user.id) + 1);
      state().sessionDeleteForbidden.add(b.user.id);
      await src.revoke([a.sessions[2]]);
      const impact = await src.revokeImpact!([a.user]);
      assert.strictEqual(impact.sessionsBelow, a.sessions.length - 1);
      assert.strictEqual(impact.endsOwnSession, false);

      const outcomes = await src.revoke([...a.sessions, b.sessions[0]]);
      assert.deepStrictEqual(
        outcomes.slice(0, a.sessions.length),
        a.sessions.map((_s, i) => (i === 2 ? { outcome: 'already-ended' } : { outcome: 'revoked' })),
      );
      const denied = outcomes[a.sessions.length];
      assert.strictEqual(denied.outcome, 'failed');
      assert.match((denied as { error: string }).error, /^403 ACCESS_FAILED — The actor attempting to perform the request is not authorized: .*Identity Data Admin role/);
      assert.strictEqual(summarizeOutcomes(outcomes), `Revoked ${a.sessions.length} sessions (1 already ended); 1 failed.`);
      assert.strictEqual(state().sessions.get(a.user.id)!.length, 0);
      assert.strictEqual(state().sessions.get(b.user.id)!.length, b.sessions.length, "the forbidden user's sessions stay");
      assert.ok(d.lines.some((l) => /^warn PingOne: revoking session \S+ of user \S+ in Customers Prod \(Sandbox PingOne\) failed: 403/.test(l)));

      // A user entry itself: every session it has, as one outcome.
      const [asUser] = await src.revoke([b.user]);
      assert.strictEqual(asUser.outcome, 'failed');
      const n = b.sessions.length;
      assert.match((asUser as { error: string }).error, new RegExp(`^${n} of ${n} sessions? not revoked: 403 ACCESS_FAILED — `));
      state().sessionDeleteForbidden.clear();
      assert.deepStrictEqual(await src.revoke([b.user]), [{ outcome: 'revoked' }]);
      assert.deepStrictEqual(await src.revoke([b.user]), [{ outcome: 'already-ended' }], 'nothing left to revoke');
    });

    it("what a revoke of users reaches: their sessions, read when not yet known; refreshEntry re-reads each level", async () => {
      const { src } = source();
      const users = usersOf(1).slice(0, 6);
      const entries = await Promise.all(users.map((u) => userEntry(src, 1, u)));
      const impact = await src.revokeImpact!(entries);
      const served = users.reduce((n, u) => n + state().sessions.get(u.id)!.length, 0);
      assert.ok(served > 0);
      assert.deepStrictEqual(impact, { sessionsBelow: served, warnings: [], endsOwnSession: false });
      const env = await environmentEntry(src, 1);
      assert.deepStrictEqual(await src.refreshEntry!(env), env);
      const user = await src.refreshEntry!(entries[0]);
      assert.strictEqual(user?.label, entries[0].label);
      assert.ok(user?.tooltip.lines?.some(([k, v]) => k === 'Sessions' && v === String(state().sessions.get(users[0].id)!.length)), JSON.stringify(user?.tooltip.lines));
      assert.strictEqual(await src.refreshEntry!({ ...entries[0], key: `env/${envs()[1].id}/user/00000000-0000-4000-8000-000000000000` }), undefined);
    });

    it('runs the deletes with bounded concurrency', async () => {
      const { src } = source({ revokeConcurrency: 2 });
      const { sessions } = await userWithSessions(src, 1, 5);
      const backend = sb.state.pingone;
      const original = backend.handle.bind(backend);
      let inFlight = 0;
      let most = 0;
      backend.handle = async (req) => {
        if (req.method !== 'DELETE') {
          return original(req);
        }
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 40));
        inFlight--;
        return original(req);
      };
      try {
        const outcomes = await src.revoke(sessions);
        assert.ok(outcomes.every((o) => o.outcome === 'revoked'));
        assert.strictEqual(most, 2);
      } finally {
        backend.handle = original;
      }
    });

    it('a cancelled bulk revoke sends nothing more and says so per entry', async () => {
      const { src } = source();
      const { user, sessions } = await userWithSessions(src, 1, 2);
      const ac = new AbortController();
      ac.abort();
      const outcomes = await src.revoke(sessions, ac.signal);
      assert.deepStrictEqual(
        outcomes,
        sessions.map(() => ({ outcome: 'failed', error: 'not sent: cancelled' })),
      );
      assert.strictEqual(state().sessions.get(user.id)!.length, sessions.length);
    });

    it('faults: a 429 is waited out, a 500 and malformed JSON reject with clear errors', async () => {
      const { src } = source();
      const env = await environmentEntry(src, 1);
      sb.faults.set('pingone', { mode: 'rate-limit', count: 1, retryAfterSeconds: 1, pathRegex: '/users$' });
      const page = await src.list(env, { offset: 0, limit: 50, cursor: '' }, {});
      assert.strictEqual(page.items.length, 50);
      assert.deepStrictEqual(delays, [1000]);

      sb.faults.set('pingone', { mode: 'server-error', pathRegex: '/users$' });
      const e500 = await rejection(src.list(env, FIRST, {}));
      assert.strictEqual(e500.status, 500);
      assert.match(e500.message, /^Sandbox PingOne: list users failed: 500 UNEXPECTED_ERROR — An unhandled error occurred/);

      const user = page.items[0];
      sb.faults.set('pingone', { mode: 'malformed-json', pathRegex: '/sessions$' });
      const bad = await rejection(src.list(user, FIRST, {}));
      assert.strictEqual(bad.kind, 'invalid-response');
      assert.match(bad.message, /list sessions failed: 200 — the server answered with malformed JSON/);

      sb.faults.clear();
      const { sessions } = await userWithSessions(src, 1, 1);
      sb.faults.set('pingone', { mode: 'server-error', pathRegex: '/sessions/[^/]+$' });
      const [outcome] = await src.revoke([sessions[0]]);
      assert.strictEqual(outcome.outcome, 'failed');
      assert.match((outcome as { error: string }).error, /^500 UNEXPECTED_ERROR — An unhandled error occurred/);
    });

    it('the traveller session of the sandbox gives a trail with a fast-country-change warning', async () => {
      const { src } = source();
      const user = await userEntry(src, 1, usersOf(1)[0]);
      const [newest] = await sessionsOf(src, user);
      const trail = sessionTrail(newest.details as PingOneSession);
      assert.strictEqual(trail.warnings, 1);
      assert.ok(trail.lines.some((l) => /WARNING: the country changed within 35 min/.test(l)), trail.lines.join('\n'));
      assert.strictEqual(newest.dimmed, false);
    });
  });

  describe('filter text', () => {
    it('free text becomes username/email/given/family sw, quoted and escaped; SCIM passes through unchanged', () => {
      assert.strictEqual(toScimFilter('ali'), 'username sw "ali" or email sw "ali" or name.given sw "ali" or name.family sw "ali"');
      assert.strictEqual(toScimFilter('  o"b\\ '), 'username sw "o\\"b\\\\" or email sw "o\\"b\\\\" or name.given sw "o\\"b\\\\" or name.family sw "o\\"b\\\\"');
      assert.strictEqual(
        toScimFilter('Ada Lovelace'),
        'username sw "Ada Lovelace" or email sw "Ada Lovelace" or name.given sw "Ada Lovelace" or name.family sw "Ada Lovelace" or (name.given sw "Ada" and name.family sw "Lovelace")',
      );
      for (const scim of ['email ew "@example.com"', '(name.family eq "Smith") and (name.given sw "W")', 'username SW "a" or email co "b"']) {
        assert.strictEqual(toScimFilter(scim), scim);
      }
      assert.strictEqual(toScimFilter(''), undefined);
      assert.strictEqual(toScimFilter(undefined), undefined);
    });

    it('validateFilter catches obviously broken SCIM and leaves free text and sound SCIM alone', () => {
      for (const ok of ['alice', 'o"brien', '(', 'email ew "@example.com"', '(name.family eq "Smith") and (name.given sw "W")', 'enabled eq true', 'username eq "a(b"']) {
        assert.strictEqual(validatePingOneFilter(ok), undefined, ok);
      }
      const broken: Array<[string, RegExp]> = [
        ['username eq "alice', /not closed/],
        ['(username eq "a"', /"\(" is not closed/],
        ['username eq "a")', /no matching/],
        ['username eq', /value in double quotes is missing after "eq"/],
        ['username sw "a" and', /ends with "and"/],
        ['username eq alice', /double quotes: eq "alice"/],
      ];
      for (const [text, message] of broken) {
        assert.match(validatePingOneFilter(text) ?? '', message, text);
      }
    });

    it('list refuses a broken filter before sending it', async () => {
      const d = doubles();
      const { src } = source({}, d);
      const env = await environmentEntry(src, 1);
      await assert.rejects(src.list(env, FIRST, { filter: 'username eq "x' }), /The filter cannot be sent to PingOne: A quoted value is not closed/);
      assert.ok(!d.lines.some((l) => /filter=/.test(l)), 'nothing was sent');
    });
  });
});
