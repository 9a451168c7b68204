// The OpenZiti session source (pure) against the sandbox over real HTTP: its levels, paged and filtered listing in
// the chosen order, identity names, grouping, revoke outcomes, what ending an API session reaches, count and find.
import * as assert from 'assert';
import type { Sandbox } from '../../sandbox/server';
import type { ZitiState } from '../../sandbox/ziti';
import { ADMIN_PASSWORD } from '../../sandbox/ziti';
import { ZitiClient } from '../../../src/backends/ziti/client';
import { API_SESSIONS_KEY, SESSIONS_KEY, ZitiSessionSource } from '../../../src/backends/ziti/sessions/source';
import type { SessionEntry } from '../../../src/backends/sessionSource';
import { doubles, sandboxZitiRecord, useSandbox } from './doubles';

describe('OpenZiti session source against the sandbox', function () {
  this.timeout(60_000);
  const { sandbox, clients } = useSandbox<ZitiClient>({ backends: ['ziti'] });
  let sb: Sandbox;
  let source: ZitiSessionSource;
  let client: ZitiClient;
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;
  const page = (limit = 500): { offset: number; limit: number; cursor: string } => ({ offset: 0, limit, cursor: '' });

  before(async () => {
    sb = sandbox();
    const record = sandboxZitiRecord(sb, { id: 'zs-unit', label: 'Unit controller' });
    client = new ZitiClient(record, { password: ADMIN_PASSWORD }, doubles().deps);
    clients.push(client);
    await client.signIn();
    source = new ZitiSessionSource({ record, client: async () => client, log: () => undefined, now: () => Date.now() });
  });

  async function top(): Promise<{ sessions: SessionEntry; apiSessions: SessionEntry }> {
    const roots = await source.list(undefined, page(), {});
    assert.deepStrictEqual(
      roots.items.map((e) => [e.key, e.type, e.label]),
      [
        [SESSIONS_KEY, 'zitiSessionGroup', 'Sessions'],
        [API_SESSIONS_KEY, 'zitiApiSessionGroup', 'API Sessions'],
      ],
    );
    return { sessions: roots.items[0], apiSessions: roots.items[1] };
  }

  it('lists the controller’s two lists, read before they are drawn, the Sessions one filterable, groupable and counted', async () => {
    const { sessions, apiSessions } = await top();
    assert.strictEqual(sessions.children, 'paged');
    assert.ok(sessions.preload && sessions.filterable && sessions.groupable && sessions.countsSessions);
    assert.ok(apiSessions.preload && !apiSessions.countsSessions);
    assert.deepStrictEqual(source.paging(), { cursor: false, maxPageSize: 500 });
  });

  it('pages sessions by offset with the server total, newest first by default, oldest first when asked', async () => {
    const { sessions } = await top();
    const total = state().data.sessions.size;
    const first = await source.list(sessions, { offset: 0, limit: 50 }, {});
    const second = await source.list(sessions, { offset: 50, limit: 50 }, {});
    assert.strictEqual(first.total, total);
    assert.strictEqual(first.items.length, 50);
    const created = (e: SessionEntry): number => Date.parse(String(e.time));
    const all = [...first.items, ...second.items].map(created);
    assert.ok(
      all.every((t, i) => i === 0 || all[i - 1] >= t),
      'newest first across pages',
    );
    assert.strictEqual(new Set([...first.items, ...second.items].map((e) => e.key)).size, 100, 'no repeats across pages');
    const oldest = (await source.list(sessions, { offset: 0, limit: 20 }, { order: 'oldest' })).items.map(created);
    assert.ok(oldest.every((t, i) => i === 0 || oldest[i - 1] <= t));
    assert.ok(oldest[0] < all[0]);
  });

  it('turns free text into a ZitiQL search of service and identity names, and sends raw ZitiQL as is', async () => {
    const { sessions } = await top();
    const web = await source.list(sessions, page(), { filter: 'web' });
    assert.ok(web.items.length > 0);
    for (const e of web.items) {
      const s = state().data.sessions.get(e.id)!;
      const svc = state().data.services.get(s.serviceId)?.name ?? '';
      const who = state().data.identities.get(s.identityId)?.name ?? '';
      assert.ok(svc.includes('web') || who.includes('web'), `${svc} / ${who}`);
    }
    const binds = await source.list(sessions, page(), { filter: 'type = "Bind"' });
    assert.strictEqual(binds.total, [...state().data.sessions.values()].filter((s) => s.type === 'Bind').length);
    assert.ok(binds.items.every((e) => e.description?.startsWith('Bind')));
    await assert.rejects(source.list(sessions, page(), { filter: 'type = ' }), (e: Error & { status?: number }) => e.status === 400);
  });

  it('describes a session row: service, type · identity name, Dial rows with a route path, the token never in it', async () => {
    const { sessions } = await top();
    const rows = (await source.list(sessions, page(100), {})).items;
    const dial = rows.find((e) => e.description?.startsWith('Dial'))!;
    const bind = rows.find((e) => e.description?.startsWith('Bind'))!;
    const s = state().data.sessions.get(dial.id)!;
    assert.strictEqual(dial.label, state().data.services.get(s.serviceId)?.name);
    assert.strictEqual(dial.description, `Dial · ${state().data.identities.get(s.identityId)?.name}`, 'identity names resolved');
    assert.deepStrictEqual(dial.flags, { canRevoke: true, hasDetails: true, hasRoute: true });
    assert.deepStrictEqual(bind.flags, { canRevoke: true, hasDetails: true, hasRoute: false });
    assert.strictEqual(dial.key, `session/${dial.id}`);
    const json = JSON.stringify({ ...dial, details: undefined }) + JSON.stringify(dial.tooltip);
    assert.ok(!json.includes('"token"'), 'no token outside the redacted details');
  });

  it('groups by service, identity or type', async () => {
    const { sessions } = await top();
    const rows = (await source.list(sessions, page(50), {})).items;
    for (const e of rows) {
      const s = state().data.sessions.get(e.id)!;
      assert.deepStrictEqual(source.groupOf(e, 'type'), { key: s.type, label: s.type });
      assert.strictEqual(source.groupOf(e, 'service').label, state().data.services.get(s.serviceId)?.name);
      assert.strictEqual(source.groupOf(e, 'identity').label, state().data.identities.get(s.identityId)?.name);
    }
  });

  it('lists an API session’s sessions through the apiSessionId filter, and says what ending it reaches', async () => {
    const { apiSessions } = await top();
    const logins = (await source.list(apiSessions, page(), {})).items;
    const other = logins.find((a) => !state().data.apiSessions.get(a.id)?.interactive && (state().sessionsByApiSession.get(a.id)?.size ?? 0) >= 2)!;
    assert.ok(other, 'a client API session with sessions');
    assert.deepStrictEqual(other.flags, { canEndLogin: true, hasDetails: true });
    const below = await source.list(other, page(), {});
    assert.deepStrictEqual(new Set(below.items.map((e) => e.id)), state().sessionsByApiSession.get(other.id));
    assert.ok(below.items.every((e) => e.key === `${other.key}/session/${e.id}`), 'keys distinct from the Sessions list');
    const impact = await source.revokeImpact([other]);
    assert.strictEqual(impact.sessionsBelow, state().sessionsByApiSession.get(other.id)!.size);
    assert.deepStrictEqual(impact.warnings, []);
    assert.strictEqual(impact.endsOwnSession, false);
    const own = await source.ownEntryIds();
    assert.ok(own && own.length === 1);
    const mine = logins.find((a) => a.id === own[0])!;
    const ownImpact = await source.revokeImpact([mine]);
    assert.strictEqual(ownImpact.endsOwnSession, true);
    assert.match(ownImpact.warnings[0], /you will be signed out of that controller/);
  });

  it('revokes with one outcome per entry: revoked, then already ended; ends an API session with its sessions', async () => {
    const { sessions, apiSessions } = await top();
    const [a, b] = (await source.list(sessions, page(2), {})).items;
    assert.deepStrictEqual(await source.revoke([a, b]), [{ outcome: 'revoked' }, { outcome: 'revoked' }]);
    assert.ok(!state().data.sessions.has(a.id) && !state().data.sessions.has(b.id));
    assert.deepStrictEqual(await source.revoke([a]), [{ outcome: 'already-ended' }]);
    const login = (await source.list(apiSessions, page(), {})).items.find((x) => !state().data.apiSessions.get(x.id)?.interactive && (state().sessionsByApiSession.get(x.id)?.size ?? 0) > 0)!;
    const ids = [...state().sessionsByApiSession.get(login.id)!];
    assert.deepStrictEqual(await source.revoke([login]), [{ outcome: 'revoked' }]);
    assert.ok(!state().data.apiSessions.has(login.id));
    assert.ok(ids.every((id) => !state().data.sessions.has(id)), 'its sessions went with it');
  });

  it('reports a failed revoke with the server’s reason, the others still revoked', async () => {
    const { sessions } = await top();
    const [a, b] = (await source.list(sessions, page(2), {})).items;
    sb.faults.set('ziti', { mode: 'server-error', pathRegex: `/sessions/${b.id}$` });
    try {
      const out = await source.revoke([a, b]);
      assert.deepStrictEqual(out[0], { outcome: 'revoked' });
      assert.strictEqual(out[1].outcome, 'failed');
      assert.match((out[1] as { error: string }).error, /revoke the session failed: 500/);
    } finally {
      sb.faults.clear('ziti');
    }
  });

  it('counts the controller’s sessions and finds one by id (undefined when gone)', async () => {
    assert.strictEqual(await source.countSessions(), state().data.sessions.size);
    const target = [...state().data.sessions.values()][7];
    const found = await source.find(target.id);
    assert.ok(found);
    assert.strictEqual(found.entry.id, target.id);
    assert.deepStrictEqual(found.path.map((p) => p.key), [SESSIONS_KEY]);
    assert.strictEqual(await source.find('no-such-session'), undefined);
    assert.strictEqual(await source.refreshEntry(found.entry).then((e) => e?.id), target.id);
  });
});
