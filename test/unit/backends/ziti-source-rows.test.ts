// The OpenZiti session source row by row against the sandbox controller over HTTPS: every field of the two list rows,
// of a session row (with its tooltip's routers and policies) and of an API session row, the filter and order each list
// sends, names that cannot be resolved, the outcome and the request of each revoke, what ending API sessions reaches,
// its own API session, Find and refresh. Sessions and API sessions the emulator cannot produce (no service name, no
// identity, no IP address, MFA pending) are answered in its place through `intercept`.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import type { SessionEntry, SessionSourceContext } from '../../../src/backends/sessionSource';
import type { ZitiApiSession, ZitiSession } from '../../../src/backends/ziti/api';
import { ZitiClient } from '../../../src/backends/ziti/client';
import { ZitiSessionSource } from '../../../src/backends/ziti/sessions/source';
import type { Sandbox } from '../../sandbox/server';
import { ADMIN_PASSWORD, BASE_PATH, type ZitiState } from '../../sandbox/ziti';
import { doubles, sandboxZitiRecord, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const LABEL = 'Lab controller';
const FIRST = { offset: 0, limit: 50, cursor: '' };
const SESSIONS = `${BASE_PATH}/sessions`;
const API_SESSIONS = `${BASE_PATH}/api-sessions`;
const IDENTITIES = `${BASE_PATH}/identities`;
const CURRENT = `${BASE_PATH}/current-api-session`;

const DIAL: ZitiSession = {
  id: 'ses-dial',
  createdAt: '2026-01-02T03:04:05.000Z',
  type: 'Dial',
  token: 'ses-token-dial',
  apiSessionId: 'api-1',
  identityId: 'id-alice',
  serviceId: 'svc-web',
  service: { id: 'svc-web', name: 'web' },
  edgeRouters: [{ name: 'er-1', hostname: 'er1.example', isOnline: true }, { hostname: 'er2.example', isOnline: false, disabled: true }, { name: 'er-3' }],
  servicePolicies: [
    { id: 'sp-1', name: 'web-dial' },
    { id: 'sp-2', name: '' },
  ],
};
/** A Bind session whose service has no name and whose identity the controller no longer knows. */
const BIND: ZitiSession = { id: 'ses-bind', type: 'Bind', apiSessionId: 'api-2', identityId: 'id-gone', serviceId: 'svc-db' };
/** A session without an identity id. */
const NOBODY: ZitiSession = { id: 'ses-nobody', createdAt: '2026-01-03T00:00:00.000Z', type: 'Dial', apiSessionId: 'api-2', identityId: '', serviceId: 'svc-db', service: { id: 'svc-db', name: 'db' } };

const ALICE_LOGIN: ZitiApiSession = {
  id: 'api-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  token: 'api-token-1',
  identityId: 'id-alice',
  identity: { id: 'id-alice', name: 'alice' },
  ipAddress: '10.0.0.7',
  authenticatorId: 'auth-1',
  isMfaRequired: true,
  isMfaComplete: true,
  lastActivityAt: '2026-01-02T00:00:00.000Z',
  cachedLastActivityAt: '2026-01-01T12:00:00.000Z',
};
/** An identity without a name, no IP address, no MFA, only the cached last activity. */
const BOB_LOGIN: ZitiApiSession = { id: 'api-2', identityId: 'id-bob', identity: { id: 'id-bob', name: '' }, isMfaRequired: false, cachedLastActivityAt: '2026-01-01T06:00:00.000Z' };
/** No identity at all, MFA not yet done. */
const PENDING_LOGIN: ZitiApiSession = { id: 'api-3', ipAddress: '10.0.0.9', isMfaRequired: true, isMfaComplete: false };

describe('backends/ziti session source rows', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const { sandbox, clients } = useSandbox<ZitiClient>({ backends: ['ziti'] });
  const net = interceptEachTest(sandbox, 'ziti');
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;

  before(() => {
    sb = sandbox();
  });

  const record = (): ConnectionRecord => sandboxZitiRecord(sb, { id: 'ziti-rows', label: LABEL });

  /** A source on a fresh client (the sandbox is reset after each test); `logged` holds what the source logs. */
  function source(): { src: ZitiSessionSource; logged: string[] } {
    const r = record();
    const c = new ZitiClient(r, { password: ADMIN_PASSWORD }, doubles().deps);
    clients.push(c);
    const logged: string[] = [];
    const ctx: SessionSourceContext = { record: r, client: async () => c, log: (level, message) => logged.push(`${level} ${message}`), now: () => Date.now() };
    return { src: new ZitiSessionSource(ctx), logged };
  }

  const json = (body: unknown, status = 200): { status: number; body: string } => ({ status, body: JSON.stringify(body) });
  const page = (data: unknown[], totalCount = data.length): { status: number; body: string } => json({ data, meta: { pagination: { limit: 50, offset: 0, totalCount } } });
  const error = (status: number, code: string, message: string): { status: number; body: string } => json(sb.state.ziti.errorBody!(status, code, message), status);
  /** The `filter`, `limit` and `offset` of each GET the source sent to `path`. */
  const listed = (path: string): { filter: string | null; limit: string | null; offset: string | null }[] =>
    net()
      .sent.filter((s) => s.method === 'GET' && s.path === path)
      .map((s) => ({ filter: s.query.get('filter'), limit: s.query.get('limit'), offset: s.query.get('offset') }));

  /** The controller answers these sessions (and these identity names) in place of its own. */
  function sessionsWorld(sessions: ZitiSession[], names: Record<string, string>, totalCount = sessions.length): void {
    net().answer(route('GET', SESSIONS), page(sessions, totalCount));
    net().answer(route('GET', IDENTITIES), (req) => {
      const ids = [...(req.query.get('filter') ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
      return page(ids.filter((id) => id in names).map((id) => ({ id, name: names[id] })));
    });
  }

  async function groups(src: ZitiSessionSource, filter?: string): Promise<{ sessions: SessionEntry; apiSessions: SessionEntry }> {
    const top = await src.list(undefined, FIRST, { filter });
    assert.strictEqual(top.items.length, 2);
    return { sessions: top.items[0], apiSessions: top.items[1] };
  }

  it('describes itself: backend, connection noun, the revoke note, filter, orders, groupings, Find, offset paging', () => {
    const { src } = source();
    assert.strictEqual(src.backendLabel, 'OpenZiti');
    assert.strictEqual(src.connectionNoun, 'controller');
    assert.strictEqual(
      src.revokeNote,
      'The client may get a new session while its API session and service policies still allow it; to stop an identity, disable it or end its API session.',
    );
    assert.deepStrictEqual(src.capabilities, {
      filter: {
        prompt: 'Text to find in service or identity names, or a ZitiQL filter (e.g. type = "Dial" and service.name contains "web"). Empty clears the filter.',
        placeholder: 'web   or   type = "Bind"',
      },
      orders: [
        { id: 'newest', label: 'Newest first' },
        { id: 'oldest', label: 'Oldest first' },
      ],
      groupings: [
        { id: 'service', label: 'Service', icon: 'symbol-interface' },
        { id: 'identity', label: 'Identity', icon: 'account' },
        { id: 'type', label: 'Type (Dial / Bind)', icon: 'symbol-enum' },
      ],
      find: true,
    });
    assert.deepStrictEqual(src.paging(), { cursor: false, maxPageSize: 500 });
  });

  it('the two list rows, field by field, without a filter', async () => {
    const { src } = source();
    const top = await src.list(undefined, FIRST, {});
    assert.strictEqual(top.total, undefined);
    assert.deepStrictEqual(top.items, [
      {
        key: 'sessions',
        id: 'sessions',
        type: 'zitiSessionGroup',
        label: 'Sessions',
        icon: 'plug',
        tooltip: { title: `Service sessions (Dial and Bind) on ${LABEL}`, lines: [['Filter', undefined]] },
        flags: {},
        children: 'paged',
        preload: true,
        filterable: true,
        groupable: true,
        countsSessions: true,
        childrenName: `sessions of ${LABEL}`,
        emptyText: 'No active sessions',
        details: undefined,
      },
      {
        key: 'apiSessions',
        id: 'apiSessions',
        type: 'zitiApiSessionGroup',
        label: 'API Sessions',
        icon: 'key',
        tooltip: { title: `Authenticated logins (API sessions) on ${LABEL}`, note: undefined },
        flags: {},
        children: 'paged',
        preload: true,
        filterable: false,
        childrenName: `API sessions of ${LABEL}`,
        emptyText: 'No API sessions',
        details: undefined,
      },
    ]);
    assert.deepStrictEqual(net().sent, [], 'no request for the two fixed rows');
  });

  it('free text filters both lists; a ZitiQL filter only the Sessions list, and the API Sessions row says so', async () => {
    const { src } = source();
    const text = await groups(src, 'alice');
    assert.deepStrictEqual(text.sessions.tooltip.lines, [['Filter', 'alice']]);
    assert.strictEqual(text.apiSessions.filterable, true);
    assert.strictEqual(text.apiSessions.tooltip.note, undefined);
    const raw = await groups(src, 'type = "Bind"');
    assert.deepStrictEqual(raw.sessions.tooltip.lines, [['Filter', 'type = "Bind"']]);
    assert.strictEqual(raw.sessions.filterable, true);
    assert.strictEqual(raw.apiSessions.filterable, false);
    assert.strictEqual(raw.apiSessions.tooltip.note, 'A ZitiQL filter applies to the Sessions list only; free text also finds API sessions by identity name.');
    const blank = await groups(src, '   ');
    assert.strictEqual(blank.apiSessions.filterable, false);
  });

  it('a session row, field by field: names resolved, routers and policies in the tooltip, a route path for Dial only', async () => {
    sessionsWorld([DIAL, BIND, NOBODY], { 'id-alice': 'alice' }, 42);
    const { src, logged } = source();
    const { sessions } = await groups(src);
    const p = await src.list(sessions, { offset: 4, limit: 3 }, {});
    assert.strictEqual(p.total, 42);
    assert.deepStrictEqual(listed(SESSIONS), [{ filter: 'sort by createdAt desc', limit: '3', offset: '4' }]);
    assert.deepStrictEqual(listed(IDENTITIES), [{ filter: 'id in ["id-alice", "id-gone"]', limit: '2', offset: '0' }], 'one batch, blank ids left out');
    const [dial, bind, nobody] = p.items;
    assert.deepStrictEqual(dial, {
      key: 'session/ses-dial',
      id: 'ses-dial',
      type: 'zitiSession',
      label: 'web',
      description: 'Dial · alice',
      icon: 'arrow-right',
      time: '2026-01-02T03:04:05.000Z',
      tooltip: {
        title: `web — Dial session on ${LABEL}`,
        lines: [
          ['Session', 'ses-dial'],
          ['Identity', 'alice (id-alice)'],
          ['Service', 'svc-web'],
          ['API session', 'api-1'],
          ['Created', '2026-01-02T03:04:05.000Z'],
        ],
        sections: [
          {
            heading: 'Allowed edge routers (where this session may connect, not its live circuit)',
            items: ['er-1 (er1.example) — online', '? (er2.example) — offline, disabled', 'er-3 — offline'],
          },
          { heading: 'Service policies', items: ['web-dial', 'sp-2'] },
        ],
        note: 'The routers its open connection crosses now: Show Route Path.',
      },
      accessibilityLabel: 'web, Dial session of alice',
      flags: { canRevoke: true, hasDetails: true, hasRoute: true },
      details: { ...DIAL, identity: { id: 'id-alice', name: 'alice' }, controller: LABEL },
      revokeLabel: `web — Dial, alice, created 2026-01-02T03:04:05.000Z (${LABEL})`,
      what: 'the Dial session of service "web" for identity "alice"',
    });
    assert.deepStrictEqual(bind, {
      key: 'session/ses-bind',
      id: 'ses-bind',
      type: 'zitiSession',
      label: 'svc-db',
      description: 'Bind · id-gone',
      icon: 'radio-tower',
      time: undefined,
      tooltip: {
        title: `svc-db — Bind session on ${LABEL}`,
        lines: [
          ['Session', 'ses-bind'],
          ['Identity', 'id-gone'],
          ['Service', 'svc-db'],
          ['API session', 'api-2'],
          ['Created', undefined],
        ],
        sections: [],
        note: undefined,
      },
      accessibilityLabel: 'svc-db, Bind session of id-gone',
      flags: { canRevoke: true, hasDetails: true, hasRoute: false },
      details: { ...BIND, identity: { id: 'id-gone', name: undefined }, controller: LABEL },
      revokeLabel: `svc-db — Bind, id-gone (${LABEL})`,
      what: 'the Bind session of service "svc-db" for identity "id-gone"',
    });
    // No identity id: said in words wherever the identity goes (the API session rows say it the same way).
    assert.strictEqual(nobody.description, 'Dial · (unknown identity)');
    assert.strictEqual(nobody.label, 'db');
    assert.strictEqual(nobody.accessibilityLabel, 'db, Dial session of (unknown identity)');
    assert.strictEqual(nobody.revokeLabel, `db — Dial, (unknown identity), created 2026-01-03T00:00:00.000Z (${LABEL})`);
    assert.strictEqual(nobody.what, 'the Dial session of service "db" for identity "(unknown identity)"');
    assert.deepStrictEqual(logged, []);
  });

  it('sends the filter and order to the Sessions list: free text as a name search, ZitiQL as typed', async () => {
    sessionsWorld([], {});
    const { src } = source();
    const { sessions } = await groups(src);
    assert.deepStrictEqual((await src.list(sessions, FIRST, { filter: 'web', order: 'oldest' })).items, []);
    await src.list(sessions, FIRST, { filter: 'type = "Bind"', order: 'newest' });
    await src.list(sessions, FIRST, { filter: '  ' });
    assert.deepStrictEqual(
      listed(SESSIONS).map((q) => q.filter),
      ['service.name contains "web" or identity.name contains "web" sort by createdAt asc', 'type = "Bind" sort by createdAt desc', 'sort by createdAt desc'],
    );
  });

  it('still lists sessions with identity ids when the names cannot be read, and logs why', async () => {
    sessionsWorld([DIAL], {});
    net().answer(route('GET', IDENTITIES), error(403, 'UNAUTHORIZED', 'not allowed to list identities'));
    const { src, logged } = source();
    const { sessions } = await groups(src);
    const [row] = (await src.list(sessions, FIRST, {})).items;
    assert.strictEqual(row.description, 'Dial · id-alice');
    assert.deepStrictEqual(row.tooltip.lines?.[1], ['Identity', 'id-alice']);
    assert.strictEqual(logged.length, 1);
    assert.match(logged[0], /^warn Identity names could not be resolved: .*resolve identity names.*403/);
  });

  it('a cancelled list stops with the cancellation, not with rows without names', async () => {
    const ac = new AbortController();
    sessionsWorld([DIAL], {});
    net().answer(route('GET', IDENTITIES), () => {
      ac.abort();
      return page([]);
    });
    const { src, logged } = source();
    const { sessions } = await groups(src);
    await assert.rejects(src.list(sessions, FIRST, {}, ac.signal), (e: Error & { kind?: string }) => e.kind === 'cancelled');
    assert.deepStrictEqual(logged, []);
  });

  it('an API session row, field by field: with an identity name, with only an id, with neither', async () => {
    net().answer(route('GET', API_SESSIONS), page([ALICE_LOGIN, BOB_LOGIN, PENDING_LOGIN], 3));
    const { src } = source();
    const { apiSessions } = await groups(src);
    const p = await src.list(apiSessions, FIRST, {});
    assert.strictEqual(p.total, 3);
    const [alice, bob, pending] = p.items;
    assert.deepStrictEqual(alice, {
      key: 'apiSession/api-1',
      id: 'api-1',
      type: 'zitiApiSession',
      label: 'alice',
      description: '10.0.0.7 · MFA ✓',
      icon: 'account',
      time: '2026-01-02T00:00:00.000Z',
      tooltip: {
        title: `alice — API session on ${LABEL}`,
        lines: [
          ['API session', 'api-1'],
          ['Identity', 'id-alice'],
          ['IP address', '10.0.0.7'],
          ['Authenticator', 'auth-1'],
          ['Last activity', '2026-01-02T00:00:00.000Z'],
          ['Created', '2026-01-01T00:00:00.000Z'],
          ['MFA', 'required, complete'],
        ],
      },
      accessibilityLabel: 'API session of alice from 10.0.0.7',
      flags: { canEndLogin: true, hasDetails: true },
      children: 'paged',
      childrenName: 'sessions of API session alice',
      emptyText: 'No sessions under this API session',
      details: { ...ALICE_LOGIN, controller: LABEL },
      revokeLabel: `alice from 10.0.0.7, created 2026-01-01T00:00:00.000Z (${LABEL})`,
      what: 'the API session of alice from 10.0.0.7',
      noun: 'API session',
    });
    assert.deepStrictEqual(bob, {
      key: 'apiSession/api-2',
      id: 'api-2',
      type: 'zitiApiSession',
      label: 'id-bob',
      description: 'no MFA',
      icon: 'account',
      time: '2026-01-01T06:00:00.000Z',
      tooltip: {
        title: `id-bob — API session on ${LABEL}`,
        lines: [
          ['API session', 'api-2'],
          ['Identity', 'id-bob'],
          ['IP address', undefined],
          ['Authenticator', undefined],
          ['Last activity', '2026-01-01T06:00:00.000Z'],
          ['Created', undefined],
          ['MFA', 'not required'],
        ],
      },
      accessibilityLabel: 'API session of id-bob',
      flags: { canEndLogin: true, hasDetails: true },
      children: 'paged',
      childrenName: 'sessions of API session id-bob',
      emptyText: 'No sessions under this API session',
      details: { ...BOB_LOGIN, controller: LABEL },
      revokeLabel: `id-bob (${LABEL})`,
      what: 'the API session of id-bob',
      noun: 'API session',
    });
    assert.strictEqual(pending.label, '(unknown identity)');
    assert.strictEqual(pending.description, '10.0.0.9 · MFA pending');
    assert.strictEqual(pending.time, undefined);
    assert.deepStrictEqual(pending.tooltip.lines?.[6], ['MFA', 'required, not complete']);
  });

  it('sends the API Sessions list free text as an identity name search, and no ZitiQL meant for sessions', async () => {
    net().answer(route('GET', API_SESSIONS), page([]));
    const { src } = source();
    const { apiSessions } = await groups(src);
    // 'name in ' is free text once trimmed (untrimmed it would look like an unfinished ZitiQL clause).
    for (const filter of ['al"ice', '  bob  ', 'type = "Bind"', '   ', undefined, 'name in ']) {
      await src.list(apiSessions, FIRST, { filter, order: filter === '  bob  ' ? 'oldest' : undefined });
    }
    assert.deepStrictEqual(
      listed(API_SESSIONS).map((q) => q.filter),
      [
        'identity.name contains "al\\"ice" sort by createdAt desc',
        'identity.name contains "bob" sort by createdAt asc',
        'sort by createdAt desc',
        'sort by createdAt desc',
        'sort by createdAt desc',
        'identity.name contains "name in" sort by createdAt desc',
      ],
    );
  });

  it('lists the sessions below an API session by its id, and nothing below a session', async () => {
    net().answer(route('GET', API_SESSIONS), page([ALICE_LOGIN]));
    sessionsWorld([DIAL], { 'id-alice': 'alice' });
    const { src } = source();
    const { apiSessions } = await groups(src);
    const [login] = (await src.list(apiSessions, FIRST, {})).items;
    const below = await src.list(login, FIRST, { order: 'oldest' });
    assert.deepStrictEqual(listed(SESSIONS).map((q) => q.filter), ['apiSessionId = "api-1" sort by createdAt asc']);
    assert.deepStrictEqual(below.items.map((e) => [e.key, e.description]), [['apiSession/api-1/session/ses-dial', 'Dial · alice']]);
    const sent = net().sent.length;
    assert.deepStrictEqual(await src.list(below.items[0], FIRST, {}), { items: [] });
    assert.strictEqual(net().sent.length, sent, 'no request');
  });

  it('refuses a connection that is not an OpenZiti controller', async () => {
    const r = record();
    const src = new ZitiSessionSource({ record: r, client: async () => ({ record: r }) as never, log: () => undefined, now: () => 0 });
    const { sessions } = await groups(src);
    await assert.rejects(src.list(sessions, FIRST, {}), /^Error: This connection is not an OpenZiti controller\.$/);
    await assert.rejects(src.revoke([]), /not an OpenZiti controller/);
  });

  it('groups only sessions; the two lists and API sessions fall in "(other)"', async () => {
    net().answer(route('GET', API_SESSIONS), page([ALICE_LOGIN]));
    sessionsWorld([DIAL, BIND], { 'id-alice': 'alice' });
    const { src } = source();
    const { sessions, apiSessions } = await groups(src);
    const [dial, bind] = (await src.list(sessions, FIRST, {})).items;
    const [login] = (await src.list(apiSessions, FIRST, {})).items;
    for (const e of [sessions, apiSessions, login]) {
      assert.deepStrictEqual(src.groupOf(e, 'service'), { key: '?', label: '(other)' });
    }
    assert.deepStrictEqual(src.groupOf(dial, 'service'), { key: 'svc-web', label: 'web' });
    assert.deepStrictEqual(src.groupOf(dial, 'identity'), { key: 'id-alice', label: 'alice' });
    assert.deepStrictEqual(src.groupOf(bind, 'identity'), { key: 'id-gone', label: 'id-gone' });
    assert.deepStrictEqual(src.groupOf(bind, 'type'), { key: 'Bind', label: 'Bind' });
  });

  it('revokes sessions and ends API sessions with the right request each, also for an API session row it did not make', async () => {
    const { src } = source();
    const { sessions, apiSessions } = await groups(src);
    const [session] = (await src.list(sessions, { offset: 0, limit: 1 }, {})).items;
    const logins = (await src.list(apiSessions, FIRST, {})).items.filter((a) => !state().data.apiSessions.get(a.id)?.interactive && a.id !== state().data.sessions.get(session.id)?.apiSessionId);
    const [one, two] = logins;
    const copy: SessionEntry = { ...two };
    assert.deepStrictEqual(await src.revoke([session, one, copy]), [{ outcome: 'revoked' }, { outcome: 'revoked' }, { outcome: 'revoked' }]);
    const deletes = net()
      .sent.filter((s) => s.method === 'DELETE')
      .map((s) => s.path)
      .sort();
    assert.deepStrictEqual(deletes, [`${API_SESSIONS}/${one.id}`, `${API_SESSIONS}/${two.id}`, `${SESSIONS}/${session.id}`].sort());
    assert.ok(!state().data.sessions.has(session.id));
    assert.ok(!state().data.apiSessions.has(one.id) && !state().data.apiSessions.has(two.id));
  });

  it('ending API sessions: how many sessions each takes, the own one warned about, nothing logged', async () => {
    const { src, logged } = source();
    const { sessions, apiSessions } = await groups(src);
    const [session] = (await src.list(sessions, { offset: 0, limit: 1 }, {})).items;
    const logins = (await src.list(apiSessions, FIRST, {})).items;
    const own = (await src.ownEntryIds())![0];
    const mine = logins.find((a) => a.id === own)!;
    const other = logins.find((a) => (state().sessionsByApiSession.get(a.id)?.size ?? 0) >= 2)!;
    const below = state().sessionsByApiSession.get(other.id)!.size;
    net.renew();
    const impact = await src.revokeImpact([session, other, mine]);
    assert.deepStrictEqual(impact, {
      sessionsBelow: below,
      perEntry: [below, 0],
      warnings: ['This includes the API session Session Manager itself uses: you will be signed out of that controller.'],
      endsOwnSession: true,
      note: 'The identity can sign in again; to stop it, disable the identity.',
    });
    assert.deepStrictEqual(listed(SESSIONS).map((q) => [q.filter, q.limit]).sort(), [[`apiSessionId = "${other.id}"`, '1'], [`apiSessionId = "${own}"`, '1']].sort());
    assert.deepStrictEqual(logged, []);
    const others = await src.revokeImpact([other]);
    assert.strictEqual(others.endsOwnSession, false);
    assert.deepStrictEqual(others.warnings, []);
  });

  it('ending only sessions asks the controller nothing and warns of nothing', async () => {
    const { src } = source();
    const { sessions } = await groups(src);
    const rows = (await src.list(sessions, { offset: 0, limit: 2 }, {})).items;
    net.renew();
    assert.deepStrictEqual(await src.revokeImpact(rows), { warnings: [], endsOwnSession: false });
    assert.deepStrictEqual(net().sent, []);
  });

  it('ending an API session when the controller cannot say which one is its own: warned, with the reason, and logged', async () => {
    const { src, logged } = source();
    const { apiSessions } = await groups(src);
    const [login] = (await src.list(apiSessions, FIRST, {})).items;
    net().answer(route('GET', CURRENT), error(403, 'UNAUTHORIZED', 'no'));
    const impact = await src.revokeImpact([login]);
    assert.strictEqual(impact.endsOwnSession, false);
    assert.strictEqual(impact.warnings.length, 1);
    assert.match(impact.warnings[0], /^Session Manager could not check whether this is the API session it uses itself \(.*read the API session.*403.*\): if it is, you will be signed out of that controller\.$/);
    assert.strictEqual(logged.length, 1);
    assert.match(logged[0], /^warn end API session: could not read the current API session: .*read the API session.*403/);
  });

  it('names its own API session only when the controller gives its id', async () => {
    const { src } = source();
    const own = await src.ownEntryIds();
    assert.deepStrictEqual(own, [[...state().data.apiSessions.values()].find((a) => a.interactive)!.id]);
    net().answer(route('GET', CURRENT), json({ data: { id: '' }, meta: {} }));
    assert.strictEqual(await src.ownEntryIds(), undefined);
    net().answer(route('GET', CURRENT), json({ data: {}, meta: {} }));
    assert.strictEqual(await src.ownEntryIds(), undefined);
  });

  it('Find resolves the identity name of the session it finds, below the Sessions row', async () => {
    const { src } = source();
    const target = [...state().data.sessions.values()][3];
    const found = await src.find(target.id);
    assert.ok(found);
    assert.strictEqual(found.entry.key, `session/${target.id}`);
    assert.strictEqual(found.entry.description, `${target.type} · ${state().data.identities.get(target.identityId)!.name}`);
    assert.deepStrictEqual(
      found.path.map((e) => [e.key, e.label, e.tooltip.lines]),
      [['sessions', 'Sessions', [['Filter', undefined]]]],
    );
  });

  it('refreshes a session from the controller (gone: undefined) and leaves other rows as they are', async () => {
    const { src } = source();
    const { sessions, apiSessions } = await groups(src);
    const [a, b] = (await src.list(sessions, { offset: 0, limit: 2 }, {})).items;
    const [login] = (await src.list(apiSessions, FIRST, {})).items;
    await src.revoke([b]);
    net.renew();
    const fresh = await src.refreshEntry(a);
    assert.ok(fresh && fresh !== a);
    assert.deepStrictEqual(fresh, a);
    assert.strictEqual(await src.refreshEntry(b), undefined, 'revoked meanwhile');
    assert.deepStrictEqual(
      net().sent.map((s) => `${s.method} ${s.path}`),
      [`GET ${SESSIONS}/${a.id}`, `GET ${SESSIONS}/${b.id}`],
    );
    net.renew();
    assert.strictEqual(await src.refreshEntry(login), login);
    assert.strictEqual(await src.refreshEntry(sessions), sessions);
    assert.deepStrictEqual(net().sent, [], 'nothing to read again for an API session or a list row');
  });

  it('forgets the identity names it learnt when disposed', async () => {
    sessionsWorld([DIAL], { 'id-alice': 'alice' });
    const { src } = source();
    const { sessions } = await groups(src);
    await src.list(sessions, FIRST, {});
    await src.list(sessions, FIRST, {});
    assert.strictEqual(listed(IDENTITIES).length, 1, 'names cached');
    src.dispose();
    await src.list(sessions, FIRST, {});
    assert.strictEqual(listed(IDENTITIES).length, 2, 'asked again after dispose');
  });
});
