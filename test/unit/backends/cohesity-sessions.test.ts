// Cohesity sessions against the real sandbox cluster over HTTPS: the session source (the cluster row with its total
// and session policy, one row per principal with sessions named from its SID in csv batches, unresolved SIDs as
// SIDs, the order, revoke per principal with per-entry outcomes and never without a SID, revoking one's own
// sessions, the count for the badge, faults) and the client calls under it.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { CohesityClient, cohesityModule } from '../../../src/backends/cohesity';
import { COHESITY_ENTRY_TYPES, durationText, sidBatches } from '../../../src/backends/cohesity/sessions';
import type { SessionEntry, SessionSource, SessionSourceContext } from '../../../src/backends/sessionSource';
import type { Sandbox } from '../../sandbox/server';
import type { CohesityState } from '../../sandbox/cohesity';
import { type Doubles, doubles, useSandbox } from './doubles';

const FIRST = { offset: 0, limit: 100, cursor: '' };

describe('backends/cohesity sessions', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => CohesityState;
  const { sandbox, clients } = useSandbox<CohesityClient>({ backends: ['cohesity'], seed: 5 });

  before(() => {
    sb = sandbox();
    creds = sb.details.cohesity.credentials;
    state = () => sb.state.cohesity.state as CohesityState;
  });
  afterEach(() => {
    sb.faults.clear();
    sb.reset();
  });

  function record(opts: { username?: string; domain?: string; apiKey?: boolean } = {}): ConnectionRecord {
    return {
      id: 'cohesity-sessions-test',
      backend: 'cohesity',
      label: 'Sandbox cluster',
      endpoints: { url: sb.urls.cohesity },
      auth: opts.apiKey ? { method: 'apiKey' } : { method: 'password', username: opts.username ?? creds.username, domain: opts.domain },
      tls: { trustedCertificates: [sb.details.cohesity.trustPem as string] },
      source: 'user',
    };
  }

  function source(opts: { username?: string; password?: string; domain?: string; apiKey?: boolean } = {}, d: Doubles = doubles()): { src: SessionSource; d: Doubles; c: CohesityClient } {
    const rec = record(opts);
    const c = new CohesityClient(rec, opts.apiKey ? { apiKey: creds.apiKey } : { password: opts.password ?? creds.password }, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    const ctx: SessionSourceContext = { record: rec, client: async () => c, log: d.deps.log, now: () => sb.now() };
    const factory = cohesityModule.sessionSource;
    assert.ok(factory, 'the Cohesity module offers a session source');
    return { src: factory(ctx), d, c };
  }

  /** Session count per SID as the sandbox holds it. */
  function countsBySid(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of state().sessions.values()) {
      m.set(s.sid, (m.get(s.sid) ?? 0) + 1);
    }
    return m;
  }

  async function rows(src: SessionSource): Promise<{ cluster: SessionEntry; principals: SessionEntry[] }> {
    const top = await src.list(undefined, FIRST, {});
    assert.strictEqual(top.items.length, 1);
    const cluster = top.items[0];
    const principals = (await src.list(cluster, FIRST, {})).items;
    return { cluster, principals };
  }

  it('shows the cluster (name, version, total sessions, policy) and one row per principal, named, counted, sorted', async () => {
    const { src, d } = source();
    const { cluster, principals } = await rows(src);
    const st = state();
    const counts = countsBySid();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.strictEqual(cluster.type, COHESITY_ENTRY_TYPES.cluster);
    assert.strictEqual(cluster.label, st.cluster.name);
    assert.strictEqual(cluster.description, `${total} sessions · v${st.cluster.swVersion}`);
    assert.strictEqual(cluster.children, 'all');
    assert.deepStrictEqual(cluster.flags, { hasDetails: true, canRevokeCluster: true });
    const lines = new Map(cluster.tooltip.lines);
    assert.strictEqual(lines.get('Absolute timeout'), '1 d');
    assert.strictEqual(lines.get('Inactivity timeout'), '1 h');
    assert.strictEqual(lines.get('Sessions per user'), 'at most 10');
    assert.strictEqual(lines.get('Sessions on the cluster'), 'at most 500');
    assert.strictEqual(await src.countSessions?.(), total, 'the badge counts sessions, not users');

    assert.strictEqual(principals.length, counts.size);
    for (const p of principals) {
      assert.strictEqual(p.type, COHESITY_ENTRY_TYPES.principal);
      const user = st.users.find((u) => u.sid === p.id);
      const n = counts.get(p.id)!;
      assert.ok(n > 0);
      assert.deepStrictEqual(new Map(p.tooltip.lines).get('SID'), p.id);
      assert.deepStrictEqual(new Map(p.tooltip.lines).get('Sessions'), String(n));
      assert.deepStrictEqual(p.flags, { canRevoke: true, hasDetails: true });
      if (user) {
        assert.strictEqual(p.label, user.username);
        assert.strictEqual(p.what, `the ${n === 1 ? 'session' : `${n} sessions`} of ${user.username} (${user.domain})`);
        assert.ok(p.description?.includes(user.domain), p.description);
        assert.strictEqual(new Map(p.tooltip.lines).get('Object class'), 'User');
      } else {
        assert.ok(st.removedSids.includes(p.id), `${p.id} is the removed user`);
        assert.strictEqual(p.label, p.id, 'an unresolved SID shows as itself');
        assert.strictEqual(p.icon, 'question');
      }
    }
    assert.ok(principals.some((p) => p.label !== p.id && st.users.find((u) => u.sid === p.id)?.domain === 'LOCAL'), 'LOCAL users');
    assert.ok(principals.some((p) => st.users.find((u) => u.sid === p.id && u.domain !== 'LOCAL')), 'AD users');
    for (let i = 1; i < principals.length; i++) {
      const [a, b] = [principals[i - 1], principals[i]];
      const [na, nb] = [counts.get(a.id)!, counts.get(b.id)!];
      assert.ok(na > nb || (na === nb && a.label.localeCompare(b.label) <= 0), `${a.label} (${na}) before ${b.label} (${nb})`);
    }
    // One principals request for this short list; a second listing uses the cache.
    const principalGets = () => d.lines.filter((l) => /GET \S*security-principals\?sids=\S+ → 200/.test(l)).length;
    assert.strictEqual(principalGets(), 1, d.lines.join('\n'));
    await rows(src);
    assert.strictEqual(principalGets(), 1, 'names are cached');
  });

  it('resolves SIDs in csv batches of bounded URL length', async () => {
    const sids = Array.from({ length: 200 }, (_, i) => `S-1-5-21-3623811015-3361044348-30300820-${10_000 + i}`);
    const batches = sidBatches(sids, 500);
    assert.ok(batches.length > 1);
    assert.deepStrictEqual(batches.flat(), sids, 'every SID once, in order');
    for (const b of batches) {
      assert.ok(b.map(encodeURIComponent).join(',').length <= 500, `${b.length} SIDs fit`);
    }
    assert.deepStrictEqual(sidBatches(['x'.repeat(600)], 500), [['x'.repeat(600)]], 'a SID longer than the bound goes alone');
    assert.deepStrictEqual(sidBatches([]), []);

    // Many principals with sessions: the source splits its principals requests.
    const st = state();
    for (let i = 0; i < 150; i++) {
      const sid = `S-1-5-21-3623811015-3361044348-30300820-${20_000 + i}`;
      st.users.push({ sid, username: `bulk${i}`, fullName: `Bulk ${i}`, domain: 'CORP.ACME.EXAMPLE', password: 'x', mfa: false, privileges: [] });
      st.sessions.set(`bulk-${i}`, { sid, createdAt: sb.now(), lastActivity: sb.now(), background: true });
    }
    const { src, d } = source();
    const { principals } = await rows(src);
    const gets = d.lines.filter((l) => /GET \S*security-principals\?sids=/.test(l));
    assert.ok(gets.length >= 2, gets.join('\n'));
    assert.ok(principals.filter((p) => p.label.startsWith('bulk')).length === 150, 'every batch was named');
  });

  it('shows SIDs when the principals lookup fails, and logs why', async () => {
    const { src, d } = source();
    await src.list(undefined, FIRST, {});
    sb.faults.set('cohesity', { mode: 'server-error', pathRegex: 'security-principals' });
    const cluster = (await src.list(undefined, FIRST, {})).items[0];
    const principals = (await src.list(cluster, FIRST, {})).items;
    assert.ok(principals.length > 0);
    assert.ok(principals.every((p) => p.label === p.id), principals.map((p) => p.label).join(', '));
    assert.ok(d.lines.some((l) => /^warn .*could not be resolved to names/.test(l)), d.lines.join('\n'));
  });

  it('revokes one principal with DELETE ?sid=, one outcome per entry, never without a SID', async () => {
    const { src, d } = source();
    const { principals } = await rows(src);
    const st = state();
    const other = principals.find((p) => p.id !== st.users[0].sid && st.users.some((u) => u.sid === p.id))!;
    const removed = principals.find((p) => st.removedSids.includes(p.id))!;
    const before = countsBySid();
    const impact = await src.revokeImpact!([other, removed]);
    assert.strictEqual(impact.endsOwnSession, false);
    assert.deepStrictEqual(impact.perEntry, [before.get(other.id), before.get(removed.id)]);
    const outcomes = await src.revoke([other, removed]);
    assert.deepStrictEqual(outcomes, [{ outcome: 'revoked' }, { outcome: 'revoked' }]);
    const after = countsBySid();
    assert.ok(!after.has(other.id) && !after.has(removed.id));
    assert.strictEqual(after.get(st.users[0].sid), before.get(st.users[0].sid), 'the others keep their sessions');
    // Again: the removed user is gone (404 → already ended); the other user has none left but exists (204).
    assert.deepStrictEqual(await src.revoke([removed]), [{ outcome: 'already-ended' }]);
    const deletes = d.lines.filter((l) => /DELETE /.test(l));
    assert.ok(deletes.length >= 3);
    assert.ok(deletes.every((l) => /DELETE \S*users\/sessions\?sid=S-1-/.test(l)), deletes.join('\n'));

    // A cluster row or an entry of another kind is not revoked here, and nothing is sent for it.
    const cluster = (await src.list(undefined, FIRST, {})).items[0];
    const n = d.lines.length;
    const [o] = await src.revoke([cluster]);
    assert.strictEqual(o.outcome, 'failed');
    assert.ok(!d.lines.slice(n).some((l) => /DELETE/.test(l)), 'no DELETE without a SID');
    assert.strictEqual(countsBySid().size, after.size);
  });

  it('a failed revoke is that entry\'s outcome; the others still go', async () => {
    const { src } = source();
    const { principals } = await rows(src);
    const st = state();
    const [a, b] = principals.filter((p) => p.id !== st.users[0].sid);
    sb.faults.set('cohesity', { mode: 'server-error', count: 1, pathRegex: 'users/sessions' });
    const outcomes = await src.revoke([a, b]);
    assert.strictEqual(outcomes[0].outcome, 'failed');
    assert.match((outcomes[0] as { error: string }).error, /500/);
    assert.deepStrictEqual(outcomes[1], { outcome: 'revoked' });
    assert.ok(countsBySid().has(a.id) && !countsBySid().has(b.id));
  });

  it('revoking the signed-in user warns, ends Session Manager\'s own session, and drops its id', async () => {
    const { src, c, d } = source();
    await c.signIn();
    const own = d.saved.find((s) => s.token)?.token as string;
    assert.ok(state().sessions.has(own));
    const { principals } = await rows(src);
    const me = principals.find((p) => p.id === state().users[0].sid)!;
    const other = principals.find((p) => p !== me)!;
    const impact = await src.revokeImpact!([me]);
    assert.strictEqual(impact.endsOwnSession, true);
    assert.strictEqual(impact.warnings.length, 1);
    assert.match(impact.warnings[0], /^admin \(LOCAL\) is the user Session Manager signs in as on Sandbox cluster: this signs Session Manager out/);
    assert.strictEqual((await src.revokeImpact!([other])).endsOwnSession, false);
    assert.deepStrictEqual(await src.revoke([me]), [{ outcome: 'revoked' }]);
    assert.ok(!state().sessions.has(own), 'our session ended on the cluster');
    assert.strictEqual(c.signedIn, false, 'the client dropped the dead session id');
    assert.deepStrictEqual(d.saved[d.saved.length - 1], { token: undefined, tokenExpiresAt: undefined }, 'and the stored one');
  });

  it('with an API key nothing revoked ends Session Manager\'s access', async () => {
    const { src } = source({ apiKey: true });
    const { principals } = await rows(src);
    const me = principals.find((p) => p.id === state().users[0].sid)!;
    const impact = await src.revokeImpact!([me]);
    assert.strictEqual(impact.endsOwnSession, false);
    assert.deepStrictEqual(impact.warnings, []);
    assert.deepStrictEqual(await src.revoke([me]), [{ outcome: 'revoked' }]);
    assert.strictEqual((await rows(src)).cluster.label, state().cluster.name, 'the key still works');
  });

  it('says the session policy is not readable for an account without the privilege', async () => {
    const viewer = state().users.find((u) => u.domain === 'LOCAL' && !u.privileges.includes('ADMIN') && !u.mfa)!;
    const { src } = source({ username: viewer.username, password: viewer.password });
    const { cluster } = await rows(src);
    assert.match(new Map(cluster.tooltip.lines).get('Session policy') ?? '', /^not readable with this account \(403/);
    assert.strictEqual(new Map(cluster.tooltip.lines).get('Absolute timeout'), undefined);
  });

  it('a failing cluster fails the listing with the server\'s reason (the view shows it as an error row)', async () => {
    const { src, c } = source();
    await c.signIn();
    sb.faults.set('cohesity', { mode: 'server-error', pathRegex: 'users/sessions' });
    await assert.rejects(src.list(undefined, FIRST, {}), /500/);
    await assert.rejects(src.countSessions!(), /500/);
  });

  it('a sign-in refused because a session limit is reached says so', async () => {
    const admin = state().users[0];
    state().sessionConfiguration.sessionLimitPerUser = [...state().sessions.values()].filter((s) => s.sid === admin.sid).length;
    const { c } = source();
    await assert.rejects(c.signIn(), (e: Error) => /403/.test(e.message) && /Session limit of \d+ reached for this user/.test(e.message));
    state().sessionConfiguration.sessionLimitPerUser = 10;
    state().sessionConfiguration.sessionLimitSystemWide = state().sessions.size;
    const { c: c2 } = source();
    await assert.rejects(c2.signIn(), /System-wide session limit of \d+ reached/);
  });

  it('words durations', () => {
    assert.strictEqual(durationText(3600), '1 h');
    assert.strictEqual(durationText(90_000), '1 d 1 h');
    assert.strictEqual(durationText(900), '15 min');
    assert.strictEqual(durationText(30), '30 s');
    assert.strictEqual(durationText(0), undefined);
  });
});
