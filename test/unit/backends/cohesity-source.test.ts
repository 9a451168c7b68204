// The Cohesity session source row by row against the sandbox cluster over HTTPS: every field of the cluster row and
// of a principal row (groups, principals without a domain or a principal name, unresolved SIDs, zero counts), the
// impact and log of a revoke, entries it refuses, cancellation, its caches, and the pure helpers (policy lines, SID
// batches). Counts and principals the emulator cannot produce are answered in its place through `intercept`.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { CohesityClient, type CohesitySessionConfiguration, cohesityModule, policyLines, sidBatches } from '../../../src/backends/cohesity';
import type { SessionEntry, SessionSource, SessionSourceContext } from '../../../src/backends/sessionSource';
import type { Sandbox } from '../../sandbox/server';
import type { CohesityState } from '../../sandbox/cohesity';
import { type Doubles, doubles, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const FIRST = { offset: 0, limit: 100, cursor: '' };

describe('backends/cohesity session source rows', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => CohesityState;
  const { sandbox, clients } = useSandbox<CohesityClient>({ backends: ['cohesity'], seed: 5 });
  const net = interceptEachTest(sandbox, 'cohesity');

  before(() => {
    sb = sandbox();
    creds = sb.details.cohesity.credentials;
    state = () => sb.state.cohesity.state as CohesityState;
  });

  const rec = (): ConnectionRecord => ({
    id: 'cohesity-source-test',
    backend: 'cohesity',
    label: 'Sandbox cluster',
    endpoints: { url: sb.urls.cohesity },
    auth: { method: 'password', username: creds.username },
    tls: { trustedCertificates: [sb.details.cohesity.trustPem as string] },
    source: 'user',
  });

  function source(d: Doubles = doubles(), client?: (c: CohesityClient) => unknown): { src: SessionSource; d: Doubles; c: CohesityClient } {
    const r = rec();
    const c = new CohesityClient(r, { password: creds.password }, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    const ctx: SessionSourceContext = { record: r, client: async () => (client ? client(c) : c) as CohesityClient, log: d.deps.log, now: () => sb.now() };
    return { src: cohesityModule.sessionSource!(ctx), d, c };
  }

  const json = (body: unknown, status = 200) => ({ status, body: JSON.stringify(body) });
  const gets = (path: string) => net().sent.filter((s) => s.method === 'GET' && s.path === path).length;

  /** The cluster answers these session counts (GET /v2/users/sessions without sids) and names these principals. */
  function world(rows: { sid: string; sessionsCount: number }[], principals: Record<string, unknown>[] = []): void {
    net().answer(
      (req) => req.method === 'GET' && req.path === '/v2/users/sessions' && !req.query.has('sids'),
      json({ sessionsPerUser: rows, totalSessionsCount: rows.reduce((n, r) => n + r.sessionsCount, 0) }),
    );
    net().answer(route('GET', '/v2/security-principals'), (req) => {
      const sids = (req.query.get('sids') ?? '').split(',');
      return json({ securityPrincipals: principals.filter((p) => sids.includes(p.sid as string)) });
    });
  }

  async function rows(src: SessionSource, signal?: AbortSignal): Promise<{ cluster: SessionEntry; principals: SessionEntry[] }> {
    const top = await src.list(undefined, FIRST, {}, signal);
    assert.strictEqual(top.total, 1);
    const principals = await src.list(top.items[0], FIRST, {}, signal);
    assert.strictEqual(principals.total, principals.items.length);
    return { cluster: top.items[0], principals: principals.items };
  }

  it('describes itself: label, noun, no capabilities, the revoke note, one unpaged list', () => {
    const { src } = source();
    assert.strictEqual(src.backendLabel, 'Cohesity');
    assert.strictEqual(src.connectionNoun, 'cluster');
    assert.deepStrictEqual(src.capabilities, {});
    assert.strictEqual(
      src.revokeNote,
      'Cohesity ends sessions per user: every session of the user ends (browser and API alike). The user can sign in again; API keys and access tokens stay valid.',
    );
    assert.deepStrictEqual(src.paging(undefined), { cursor: false, maxPageSize: 1000 });
  });

  it('the cluster row, field by field; users with no session are not counted', async () => {
    world([
      { sid: 'S-grp', sessionsCount: 3 },
      { sid: 'S-zero', sessionsCount: 0 },
    ]);
    const { src, c } = source();
    const { cluster, principals } = await rows(src);
    const raw = await c.clusterInfo();
    const st = state();
    const { name, swVersion: v, id } = st.cluster;
    assert.deepStrictEqual(cluster, {
      key: 'cluster',
      id: String(id),
      type: 'cohesityCluster',
      label: name,
      description: `3 sessions · v${v}`,
      icon: 'server',
      tooltip: {
        title: name,
        lines: [
          ['Version', v],
          ['Active sessions', '3 (1 user)'],
          ['Cluster ID', String(id)],
          ['Absolute timeout', '1 d'],
          ['Inactivity timeout', '1 h'],
          ['Sessions per user', 'at most 10'],
          ['Sessions on the cluster', 'at most 500'],
        ],
        note: 'Cohesity counts sessions per user; it does not list single sessions.',
      },
      accessibilityLabel: `Cohesity cluster ${name}, version ${v}, 3 sessions`,
      flags: { hasDetails: true, canRevokeCluster: true },
      children: 'all',
      expanded: true,
      sessionCount: 3,
      childrenName: `users with sessions on ${name}`,
      emptyText: 'No active sessions',
      details: { cluster: raw, totalSessionsCount: 3, sessionConfiguration: { ...st.sessionConfiguration } },
      revokeLabel: `every session on ${name}`,
      what: `all 3 sessions on ${name}`,
    });
    assert.deepStrictEqual(
      principals.map((p) => p.id),
      ['S-grp'],
      'the user without sessions has no row',
    );
    assert.deepStrictEqual(await src.list(principals[0], FIRST, {}), { items: [], total: 0 }, 'a principal has no children');
  });

  it('one session is "1 session"; a cluster without a name or a version (or a policy) shows its id and the count', async () => {
    world([
      { sid: 'S-one', sessionsCount: 1 },
      { sid: 'S-zero', sessionsCount: 0 },
    ]);
    const { src } = source();
    const { cluster, principals } = await rows(src);
    const name = state().cluster.name;
    assert.strictEqual(cluster.description, `1 session · v${state().cluster.swVersion}`);
    assert.strictEqual(new Map(cluster.tooltip.lines).get('Active sessions'), '1 (1 user)');
    assert.strictEqual(cluster.what, `all 1 session on ${name}`);
    assert.strictEqual(principals[0].description, '1 session');
    assert.strictEqual(principals[0].what, 'the session of S-one');

    net().answer(route('GET', '/v2/clusters'), json({ id: 9, swVersion: 7 }));
    net().answer(route('GET', '/v2/security-config'), json({}));
    const bare = source().src;
    const top = (await bare.list(undefined, FIRST, {})).items[0];
    assert.strictEqual(top.label, '9');
    assert.strictEqual(top.id, '9');
    assert.strictEqual(top.description, '1 session');
    assert.strictEqual(top.accessibilityLabel, 'Cohesity cluster 9, 1 session');
    assert.deepStrictEqual(top.tooltip.lines, [
      ['Version', undefined],
      ['Active sessions', '1 (1 user)'],
      ['Cluster ID', '9'],
    ]);
    assert.deepStrictEqual(top.details, { cluster: { id: 9, swVersion: 7 }, totalSessionsCount: 1, sessionConfiguration: undefined });
  });

  /** Principals of every kind: a group, one whose full name is its name, one without a domain (named like us), … */
  const PRINCIPALS = [
    { sid: 'S-grp', principalName: 'backup-admins', fullName: 'Backup Admins', domainName: 'CORP', objectClass: 'Group' },
    { sid: 'S-svc', principalName: 'svc', fullName: 'svc', domainName: 'LOCAL', objectClass: 'User' },
    { sid: 'S-nodom', principalName: 'ADMIN', objectClass: null },
    { sid: 'S-ad-admin', principalName: 'admin', fullName: 'Admin Elsewhere', domainName: 'CORP', objectClass: 'User' },
    { sid: 'S-fullonly', fullName: 'Only Full' },
  ];
  const COUNTS = [
    { sid: 'S-fullonly', sessionsCount: 1 },
    { sid: 'S-gone', sessionsCount: 1 },
    { sid: 'S-svc', sessionsCount: 2 },
    { sid: 'S-ad-admin', sessionsCount: 1 },
    { sid: 'S-grp', sessionsCount: 3 },
    { sid: 'S-nodom', sessionsCount: 2 },
  ];

  it('a principal row, field by field, for every kind of principal, sorted by count then name', async () => {
    world(COUNTS, PRINCIPALS);
    const { src } = source();
    const { principals } = await rows(src);
    const on = `on ${state().cluster.name}`;
    const flags = { canRevoke: true, hasDetails: true };
    assert.deepStrictEqual(principals, [
      {
        key: 'principal/S-grp',
        id: 'S-grp',
        type: 'cohesityPrincipal',
        label: 'backup-admins',
        description: 'Backup Admins · CORP · 3 sessions',
        icon: 'organization',
        tooltip: {
          title: 'backup-admins (CORP)',
          lines: [['Full name', 'Backup Admins'], ['Domain', 'CORP'], ['Object class', 'Group'], ['Sessions', '3'], ['SID', 'S-grp']],
          note: undefined,
        },
        accessibilityLabel: 'Cohesity user backup-admins (CORP), Backup Admins, 3 sessions',
        flags,
        details: { sid: 'S-grp', sessionsCount: 3, principal: PRINCIPALS[0] },
        noun: 'sessions of user',
        revokeLabel: `the sessions of backup-admins (CORP) ${on}`,
        what: 'the 3 sessions of backup-admins (CORP)',
      },
      {
        key: 'principal/S-nodom',
        id: 'S-nodom',
        type: 'cohesityPrincipal',
        label: 'ADMIN',
        description: '2 sessions',
        icon: 'account',
        tooltip: { title: 'ADMIN', lines: [['Full name', undefined], ['Domain', undefined], ['Object class', undefined], ['Sessions', '2'], ['SID', 'S-nodom']], note: undefined },
        accessibilityLabel: 'Cohesity user ADMIN, 2 sessions',
        flags,
        details: { sid: 'S-nodom', sessionsCount: 2, principal: PRINCIPALS[2] },
        noun: 'sessions of user',
        revokeLabel: `the sessions of ADMIN ${on}`,
        what: 'the 2 sessions of ADMIN',
      },
      {
        key: 'principal/S-svc',
        id: 'S-svc',
        type: 'cohesityPrincipal',
        label: 'svc',
        description: 'LOCAL · 2 sessions',
        icon: 'account',
        tooltip: { title: 'svc (LOCAL)', lines: [['Full name', 'svc'], ['Domain', 'LOCAL'], ['Object class', 'User'], ['Sessions', '2'], ['SID', 'S-svc']], note: undefined },
        accessibilityLabel: 'Cohesity user svc (LOCAL), 2 sessions',
        flags,
        details: { sid: 'S-svc', sessionsCount: 2, principal: PRINCIPALS[1] },
        noun: 'sessions of user',
        revokeLabel: `the sessions of svc (LOCAL) ${on}`,
        what: 'the 2 sessions of svc (LOCAL)',
      },
      {
        key: 'principal/S-ad-admin',
        id: 'S-ad-admin',
        type: 'cohesityPrincipal',
        label: 'admin',
        description: 'Admin Elsewhere · CORP · 1 session',
        icon: 'account',
        tooltip: { title: 'admin (CORP)', lines: [['Full name', 'Admin Elsewhere'], ['Domain', 'CORP'], ['Object class', 'User'], ['Sessions', '1'], ['SID', 'S-ad-admin']], note: undefined },
        accessibilityLabel: 'Cohesity user admin (CORP), Admin Elsewhere, 1 session',
        flags,
        details: { sid: 'S-ad-admin', sessionsCount: 1, principal: PRINCIPALS[3] },
        noun: 'sessions of user',
        revokeLabel: `the sessions of admin (CORP) ${on}`,
        what: 'the session of admin (CORP)',
      },
      {
        key: 'principal/S-fullonly',
        id: 'S-fullonly',
        type: 'cohesityPrincipal',
        label: 'Only Full',
        description: '1 session',
        icon: 'account',
        tooltip: { title: 'Only Full', lines: [['Full name', 'Only Full'], ['Domain', undefined], ['Object class', undefined], ['Sessions', '1'], ['SID', 'S-fullonly']], note: undefined },
        accessibilityLabel: 'Cohesity user Only Full, 1 session',
        flags,
        details: { sid: 'S-fullonly', sessionsCount: 1, principal: PRINCIPALS[4] },
        noun: 'sessions of user',
        revokeLabel: `the sessions of Only Full ${on}`,
        what: 'the session of Only Full',
      },
      {
        key: 'principal/S-gone',
        id: 'S-gone',
        type: 'cohesityPrincipal',
        label: 'S-gone',
        description: '1 session',
        icon: 'question',
        tooltip: {
          title: 'S-gone',
          lines: [['Full name', undefined], ['Domain', undefined], ['Object class', undefined], ['Sessions', '1'], ['SID', 'S-gone']],
          note: 'The cluster did not resolve this SID to a name.',
        },
        accessibilityLabel: 'Cohesity user S-gone, 1 session',
        flags,
        details: { sid: 'S-gone', sessionsCount: 1, principal: null },
        noun: 'sessions of user',
        revokeLabel: `the sessions of S-gone ${on}`,
        what: 'the session of S-gone',
      },
    ]);
  });

  it('before the cluster row was listed, a principal\'s revoke label names the connection', async () => {
    world(COUNTS, PRINCIPALS);
    const { cluster } = await rows(source().src);
    const fresh = source().src;
    const first = (await fresh.list(cluster, FIRST, {})).items[0];
    assert.strictEqual(first.revokeLabel, 'the sessions of backup-admins (CORP) on Sandbox cluster');
  });

  it('the impact of a revoke: our own user (by name, any case, LOCAL when no domain), unresolved SIDs, counts', async () => {
    world(COUNTS, PRINCIPALS);
    const { src } = source();
    const { cluster, principals } = await rows(src);
    const by = (sid: string) => principals.find((p) => p.id === sid)!;
    assert.deepStrictEqual(await src.revokeImpact!([by('S-nodom')]), {
      perEntry: [2],
      warnings: ['ADMIN is the user Session Manager signs in as on Sandbox cluster: this signs Session Manager out of the cluster too, and the connection must sign in again.'],
      endsOwnSession: true,
    });
    for (const sid of ['S-ad-admin', 'S-svc', 'S-grp']) {
      assert.deepStrictEqual(await src.revokeImpact!([by(sid)]), { perEntry: [COUNTS.find((r) => r.sid === sid)!.sessionsCount], warnings: [], endsOwnSession: false }, sid);
    }
    const unresolved = 'Some SIDs could not be resolved to a name: if one of them is admin (LOCAL), Session Manager is signed out too.';
    assert.deepStrictEqual(await src.revokeImpact!([by('S-gone')]), { perEntry: [1], warnings: [unresolved], endsOwnSession: false });
    assert.deepStrictEqual(await src.revokeImpact!([by('S-svc'), by('S-gone')]), { perEntry: [2, 1], warnings: [unresolved], endsOwnSession: false });
    assert.deepStrictEqual(await src.revokeImpact!([cluster, by('S-svc')]), { perEntry: [0, 2], warnings: [], endsOwnSession: false });
  });

  it('revokes per entry: logs what happened, the failure reason as the server said it, and drops our own session', async () => {
    world(COUNTS, PRINCIPALS);
    net().answer((req) => req.method === 'DELETE' && req.query.get('sid') === 'S-grp', { status: 204 });
    net().answer((req) => req.method === 'DELETE' && req.query.get('sid') === 'S-svc', json({ errorCode: 'KInternalError', message: 'boom' }, 500));
    const { src, d, c } = source();
    await c.signIn();
    const { principals } = await rows(src);
    const by = (sid: string) => principals.find((p) => p.id === sid)!;
    assert.deepStrictEqual(await src.revoke([by('S-grp'), by('S-gone'), by('S-svc')]), [
      { outcome: 'revoked' },
      { outcome: 'already-ended' },
      { outcome: 'failed', error: '500 KInternalError — boom' },
    ]);
    const said = d.lines.filter((l) => /^(info|warn) Cohesity: /.test(l));
    assert.deepStrictEqual(said, [
      'info Cohesity: revoked the sessions of backup-admins (CORP) on Sandbox cluster',
      'info Cohesity: no sessions left for S-gone on Sandbox cluster',
      'warn Cohesity: revoking the sessions of svc (LOCAL) on Sandbox cluster failed: 500 KInternalError — boom',
    ]);
    assert.strictEqual(c.signedIn, true, 'none of them was us');
    assert.deepStrictEqual(await src.revoke([by('S-nodom')]), [{ outcome: 'already-ended' }]);
    assert.strictEqual(c.signedIn, false, 'revoking our own user drops our session id');
    assert.deepStrictEqual(await src.revokeImpact!([by('S-grp')]), { perEntry: [0], warnings: [], endsOwnSession: false }, 'a revoked user counts no more');
  });

  it('revokes nothing for an entry that is not a principal with a SID, and nothing once cancelled', async () => {
    world(COUNTS, PRINCIPALS);
    const { src } = source();
    const { cluster, principals } = await rows(src);
    const p = principals[0];
    const wrong: SessionEntry[] = [cluster, { ...p, key: `other/${p.id}` }, { ...p, type: 'cohesityCluster' }, { ...p, key: 'principal/', id: '' }];
    assert.deepStrictEqual(
      await src.revoke(wrong),
      wrong.map((e) => ({ outcome: 'failed', error: `${e.label} is not a Cohesity user with sessions; nothing was revoked` })),
    );
    const ac = new AbortController();
    ac.abort();
    assert.deepStrictEqual(await src.revoke(principals.slice(0, 2), ac.signal), [
      { outcome: 'failed', error: 'not sent: cancelled' },
      { outcome: 'failed', error: 'not sent: cancelled' },
    ]);
    assert.deepStrictEqual(
      net().sent.filter((s) => s.method === 'DELETE'),
      [],
    );
  });

  it('names and the session policy are read once; dispose forgets them', async () => {
    world(COUNTS, PRINCIPALS);
    const { src } = source();
    await rows(src);
    await rows(src);
    assert.strictEqual(gets('/v2/security-principals'), 1);
    assert.strictEqual(gets('/v2/security-config'), 1);
    src.dispose!();
    await rows(src);
    assert.strictEqual(gets('/v2/security-principals'), 2);
    assert.strictEqual(gets('/v2/security-config'), 2);
  });

  it('a session policy that cannot be read for another reason than an HTTP status is left out, logged, and read again next time', async () => {
    sb.faults.set('cohesity', { mode: 'malformed-json', pathRegex: 'security-config', count: 1 });
    const { src, d } = source();
    const first = (await src.list(undefined, FIRST, {})).items[0];
    assert.deepStrictEqual(
      first.tooltip.lines?.map(([k]) => k),
      ['Version', 'Active sessions', 'Cluster ID'],
    );
    assert.ok(
      d.lines.some((l) => /^debug Cohesity: the session policy of Sandbox cluster could not be read: 200 .*malformed JSON/.test(l)),
      d.lines.join('\n'),
    );
    const second = (await src.list(undefined, FIRST, {})).items[0];
    assert.strictEqual(new Map(second.tooltip.lines).get('Absolute timeout'), '1 d');
  });

  it('cancelling while the policy or the names are read cancels the listing', async () => {
    const { src } = source();
    const { cluster } = await rows(src);
    src.dispose!();
    sb.faults.set('cohesity', { latencyMs: 400, pathRegex: 'security-config' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(src.list(undefined, FIRST, {}, ac.signal), (e: Error & { kind?: string }) => e.kind === 'cancelled');

    sb.faults.set('cohesity', { latencyMs: 400, pathRegex: 'security-principals' });
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 150);
    await assert.rejects(src.list(cluster, FIRST, {}, ac2.signal), (e: Error & { kind?: string }) => e.kind === 'cancelled');
  });

  it('when names cannot be read, the warning counts the SIDs ("1 SID", "2 SIDs")', async () => {
    sb.faults.set('cohesity', { mode: 'server-error', pathRegex: 'security-principals' });
    for (const n of [1, 2]) {
      net.renew();
      world(COUNTS.slice(0, n));
      const { src, d } = source();
      const { principals } = await rows(src);
      assert.deepStrictEqual(
        principals.map((p) => p.label),
        COUNTS.slice(0, n).map((r) => r.sid),
      );
      assert.deepStrictEqual(
        d.lines.filter((l) => l.startsWith('warn ')),
        [`warn Cohesity: ${n === 1 ? '1 SID' : '2 SIDs'} could not be resolved to names on Sandbox cluster: 500 KInternalError — An unhandled error occurred`],
      );
    }
  });

  it('refuses a client that lacks any of the calls it needs', async () => {
    for (const missing of ['sessionsCount', 'deleteUserSessions', 'securityPrincipals']) {
      const { src } = source(doubles(), (c) => {
        const partial: Record<string, unknown> = {};
        for (const name of ['clusterInfo', 'sessionsCount', 'securityPrincipals', 'deleteUserSessions', 'sessionEnded', 'sessionConfiguration']) {
          if (name !== missing) {
            partial[name] = (...args: unknown[]) => (c as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);
          }
        }
        return partial;
      });
      await assert.rejects(src.list(undefined, FIRST, {}), { message: 'Sandbox cluster is not a Cohesity connection' }, missing);
      await assert.rejects(src.revoke([]), { message: 'Sandbox cluster is not a Cohesity connection' }, missing);
    }
  });

  it('policy lines: limits only when limited, "no limit" when switched off', () => {
    assert.deepStrictEqual(policyLines(undefined), []);
    assert.deepStrictEqual(policyLines({ unreadable: '403 KPermissionDenied' }), [['Session policy', 'not readable with this account (403 KPermissionDenied)']]);
    const lines = (config: CohesitySessionConfiguration) => Object.fromEntries(policyLines({ config }));
    assert.deepStrictEqual(lines({ absoluteTimeout: 90_000, inactivityTimeout: 900, limitSessions: false, sessionLimitPerUser: 5, sessionLimitSystemWide: 9 }), {
      'Absolute timeout': '1 d 1 h',
      'Inactivity timeout': '15 min',
      'Sessions per user': 'no limit',
      'Sessions on the cluster': 'no limit',
    });
    assert.deepStrictEqual(lines({ limitSessions: true }), {
      'Absolute timeout': undefined,
      'Inactivity timeout': undefined,
      'Sessions per user': undefined,
      'Sessions on the cluster': undefined,
    });
    assert.deepStrictEqual(lines({ sessionLimitPerUser: 5 }), {
      'Absolute timeout': undefined,
      'Inactivity timeout': undefined,
      'Sessions per user': 'at most 5',
      'Sessions on the cluster': undefined,
    });
    assert.deepStrictEqual(lines({ limitSessions: true, sessionLimitSystemWide: 0 }), {
      'Absolute timeout': undefined,
      'Inactivity timeout': undefined,
      'Sessions per user': undefined,
      'Sessions on the cluster': 'at most 0',
    });
  });

  it('SID batches fill up to the bound exactly, commas included', () => {
    const [a, b, c] = ['a'.repeat(10), 'b'.repeat(10), 'c'.repeat(10)];
    assert.deepStrictEqual(sidBatches([a, b, c], 21), [[a, b], [c]], '10 + 1 + 10 = 21 fits');
    assert.deepStrictEqual(sidBatches([a, b, c], 20), [[a], [b], [c]]);
    assert.deepStrictEqual(sidBatches([a, b, c], 32), [[a, b, c]], '10 + 1 + 10 + 1 + 10 = 32 fits');
    assert.deepStrictEqual(sidBatches([a, b, c], 31), [[a, b], [c]]);
    assert.deepStrictEqual(sidBatches(['a&b', 'c'], 8), [['a&b', 'c']], 'encoded: a%26b,c is 7');
    assert.deepStrictEqual(sidBatches(['a&b', 'c'], 6), [['a&b'], ['c']]);
  });
});
