// Cohesity sessions in the one Sessions view, in the real extension host against the sandbox cluster (HTTPS,
// self-signed, trusted per connection): the cluster → one row per principal with sessions (named from its SID, an
// unresolved SID as itself, counted, sorted); revoke one principal; revoke the signed-in user, after which the
// connection forgets its dead session and signs in anew; the typed name on production; faults as error rows with the other connection
// intact.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { CohesityState } from '../sandbox/cohesity';
import type { Sandbox } from '../sandbox/server';
import { isEntryRow, item, labelOf, watchRequests, type EntryRowLike, type RevokeSummary } from './helpers';
import type { QueuedInput } from './queuedInput';
import { sessionsSuite } from './sessionsFixture';

const COH = 'coh-lab';
const PROD = 'coh-prod';
const ZITI = 'coh-ziti';

type Row = EntryRowLike & { entry: EntryRowLike['entry'] & { what?: string } };
const isRow = (n: TreeNode): n is Row => isEntryRow(n);

describe('Cohesity sessions view (sandbox)', function () {
  this.timeout(180_000);
  const suite = sessionsSuite({
    sandbox: { backends: ['cohesity', 'ziti'] },
    zitiBeside: ZITI,
    async connections(api, sb) {
      const d = sb.details.cohesity;
      const base = {
        backend: 'cohesity' as const,
        endpoints: { url: sb.urls.cohesity },
        auth: { method: 'password' as const, username: d.credentials.username, domain: 'LOCAL' },
        tls: { trustedCertificates: [d.trustPem as string] },
        source: 'user' as const,
      };
      await api.store.save({ ...base, id: COH, label: 'Cohesity lab' }, { password: d.credentials.password });
      await api.store.save({ ...base, id: PROD, label: 'Cohesity prod', production: true }, { password: d.credentials.password });
      return [COH, PROD];
    },
  });
  const { provider, kids, answer } = suite;
  let api: TestingApi;
  let sb: Sandbox;
  const st = (): CohesityState => sb.state.cohesity.state as CohesityState;
  before(() => {
    ({ api, sb } = suite);
  });
  async function connection(id = COH): Promise<TreeNode> {
    const c = (await kids()).find((r) => r.id === `cohesity/${id}`);
    assert.ok(c, `the Cohesity connection row ${id}`);
    return c;
  }
  async function cluster(id = COH): Promise<Row> {
    const rows = await kids(await connection(id));
    const c = rows.find(isRow);
    assert.ok(c, `a cluster row under ${id}: ${(await Promise.all(rows.map(labelOf))).join(', ')}`);
    return c;
  }
  async function principals(id = COH): Promise<Row[]> {
    return (await kids(await cluster(id))).filter(isRow);
  }
  function countsBySid(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of st().sessions.values()) {
      m.set(s.sid, (m.get(s.sid) ?? 0) + 1);
    }
    return m;
  }

  afterEach(async () => {
    sb.faults.clear('cohesity');
    api.setUserInput(undefined);
    for (const id of [COH, PROD]) {
      await api.manager.signedInClient(id);
    }
    provider().refresh();
  });

  it('shows the cluster, then one row per principal with sessions: named from its SID, counted, sorted; an unresolved SID as itself', async () => {
    const roots = await kids();
    assert.deepStrictEqual(
      roots.map((r) => r.id),
      [`cohesity/${COH}`, `cohesity/${PROD}`, `ziti/${ZITI}`],
      'one row per connection with sessions, by label',
    );
    const counts = countsBySid();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const c = await cluster();
    const ci = await item(c);
    assert.strictEqual(await labelOf(c), st().cluster.name);
    assert.strictEqual(String(ci.contextValue), 'cohesityCluster;canRevokeCluster;hasDetails');
    assert.strictEqual(String(ci.description), `${total} sessions · v${st().cluster.swVersion}`);
    const tip = typeof ci.tooltip === 'string' ? ci.tooltip : (ci.tooltip?.value ?? '');
    assert.match(tip, /Inactivity timeout/, 'the session policy in the tooltip');

    const rows = await principals();
    assert.strictEqual(rows.length, counts.size);
    const admin = st().users[0];
    const adminRow = rows.find((r) => r.entry.id === admin.sid)!;
    assert.strictEqual(await labelOf(adminRow), 'admin');
    const ai = await item(adminRow);
    assert.strictEqual(String(ai.contextValue), 'cohesityPrincipal;canRevoke;hasDetails');
    assert.match(String(ai.description), new RegExp(`LOCAL · ${counts.get(admin.sid)} sessions?`));
    const ad = rows.find((r) => st().users.some((u) => u.sid === r.entry.id && u.domain !== 'LOCAL'))!;
    assert.ok(ad, 'an AD user');
    assert.match(String((await item(ad)).description), /CORP\.ACME\.EXAMPLE/);
    const removed = rows.find((r) => r.entry.id === st().removedSids[0]);
    assert.ok(removed, 'the removed user\'s sessions still show');
    assert.strictEqual(await labelOf(removed), removed.entry.id, 'an unresolved SID shows as itself');
    const byCount = rows.map((r) => counts.get(r.entry.id)!);
    assert.ok(byCount.every((n, i) => i === 0 || byCount[i - 1] >= n), `most sessions first: ${byCount.join(', ')}`);
    // The cluster's total is the connection's count: on its row and in the badge, before any revoke.
    assert.strictEqual(api.sessions.state.totals.get(COH), total);
    const connRow = (await kids()).find((r) => r.id === `cohesity/${COH}`)!;
    assert.match(String((await item(connRow)).description), new RegExp(`· ${total.toLocaleString('en-US')} sessions`));
  });

  it('revokes the sessions of one principal with DELETE ?sid= after a modal naming them, the count, Cohesity and the cluster', async () => {
    const rows = await principals();
    const target = rows.find((r) => r.entry.id !== st().users[0].sid && st().users.some((u) => u.sid === r.entry.id))!;
    const user = st().users.find((u) => u.sid === target.entry.id)!;
    const n = countsBySid().get(target.entry.id)!;
    const watch = watchRequests(sb.state.cohesity, (req) => ({ method: req.method, url: `${req.path}?${req.query.toString()}` }));
    let summary: RevokeSummary;
    let q: QueuedInput;
    try {
      q = answer([{ confirm: 'Revoke' }]);
      summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', target)) as RevokeSummary;
    } finally {
      watch.restore();
    }
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    const sessions = n === 1 ? 'session' : `${n} sessions`;
    assert.strictEqual(q.asked[0].text, `Revoke the ${sessions} of ${user.username} (${user.domain}) on Cohesity lab?`);
    assert.match(q.asked[0].detail ?? '', /Cohesity cluster Cohesity lab\./);
    assert.doesNotMatch(q.asked[0].detail ?? '', /signs Session Manager out/);
    const deletes = watch.seen.filter((r) => r.method === 'DELETE');
    assert.deepStrictEqual(deletes.map((r) => r.url), [`/v2/users/sessions?sid=${target.entry.id}`]);
    assert.ok(!countsBySid().has(target.entry.id), 'gone on the cluster');
    assert.ok(!(await principals()).some((r) => r.entry.id === target.entry.id), 'and from the view');
    assert.strictEqual(api.manager.state(COH).kind, 'signedIn', 'Session Manager stays signed in');
    // Every count agrees without a refresh: the cluster row, the connection's count and the badge.
    const left = [...countsBySid().values()].reduce((a, b) => a + b, 0);
    assert.match(String((await item(await cluster())).description), new RegExp(`^${left} sessions`));
    assert.strictEqual(api.sessions.state.totals.get(COH), left);
  });

  it('revoking the signed-in user says so; afterwards the connection shows it needs to sign in again, and Sign In brings it back', async () => {
    const rows = await principals();
    const me = rows.find((r) => r.entry.id === st().users[0].sid)!;
    const adminSessions = (): string[] => [...st().sessions].filter(([, s]) => s.sid === me.entry.id).map(([id]) => id);
    const before = adminSessions();
    assert.ok(before.length >= 2, 'the seeded session and Session Manager\'s');
    const clientBefore = await api.manager.signedInClient(COH);
    const q = answer([{ confirm: 'Revoke' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', me)) as RevokeSummary;
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    assert.match(q.asked[0].detail ?? '', /admin \(LOCAL\) is the user Session Manager signs in as on Cohesity lab: this signs Session Manager out of the cluster too/);
    // Every one of them ended (the production connection, also signed in as admin, may sign in again at once).
    assert.deepStrictEqual(adminSessions().filter((id) => before.includes(id)), []);
    // The connection is not signed in again behind the person's back: it says why and offers Sign In; the other
    // connections are untouched.
    const st8 = api.manager.state(COH);
    assert.strictEqual(st8.kind, 'expired');
    assert.match('message' in st8 ? st8.message : '', /its own session was revoked/);
    assert.strictEqual(api.manager.state(ZITI).kind, 'signedIn', 'the other connections are untouched');
    const conn = (await kids()).find((r) => r.id === `cohesity/${COH}`)!;
    const hint = await kids(conn);
    assert.strictEqual(hint.length, 1);
    assert.strictEqual(await labelOf(hint[0]), 'Sign in…');
    assert.match(String((await item(hint[0])).description), /its own session was revoked/);
    assert.strictEqual(api.manager.state(COH).kind, 'expired', 'still waiting for Sign In after the view was drawn');
    // Sign In brings it back with a new client and a new session.
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', COH), true);
    assert.notStrictEqual(await api.manager.signedInClient(COH), clientBefore, 'a new client');
    provider().refresh();
    assert.ok((await principals()).some((r) => r.entry.id === st().users[0].sid));
    assert.ok(adminSessions().some((id) => !before.includes(id)), 'a new session of admin');
  });

  it('a production cluster asks for its name before a revoke', async () => {
    const rows = await principals(PROD);
    const target = rows.find((r) => r.entry.id !== st().users[0].sid)!;
    const before = countsBySid().get(target.entry.id);
    const q = answer([{ confirm: 'Revoke' }, { typed: 'wrong' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.revokeSession', target), undefined);
    assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
    assert.match(q.asked[1].text, /^Cohesity prod is a production cluster\. Type its name to revoke the sessions of user on it\.$/);
    assert.strictEqual(countsBySid().get(target.entry.id), before, 'nothing revoked');
  });

  it('revokes every session on the cluster only after a modal with the total and the typed cluster name (not production too); the connection signs in anew', async () => {
    const c = await cluster();
    const name = st().cluster.name;
    const before = [...st().sessions.keys()];
    const total = before.length;
    const clientBefore = await api.manager.signedInClient(COH);

    // A wrong name: nothing is sent.
    const watch = watchRequests(sb.state.cohesity, (req) => ({ method: req.method, url: `${req.path}?${req.query.toString()}` }));
    let q: QueuedInput;
    let result: { revoked: boolean; total: number; message: string };
    try {
      q = answer([{ confirm: 'Revoke All Sessions' }, { typed: 'wrong' }]);
      result = (await vscode.commands.executeCommand('sessionManager.cohesity.revokeAllOnCluster', c)) as typeof result;
      assert.deepStrictEqual(result, { revoked: false, total, message: 'Nothing was revoked: the cluster name did not match.' });
      assert.strictEqual(q.asked[0].text, `Revoke all ${total} sessions on the cluster ${name}?`);
      assert.match(q.asked[0].detail ?? '', new RegExp(`^Cohesity cluster ${name} · connection Cohesity lab\\.`));
      assert.match(q.asked[0].detail ?? '', /Every user is signed out: \d+ sessions of \d+ users end/);
      assert.match(q.asked[0].detail ?? '', /This includes the session Session Manager uses for Cohesity lab: the connection signs in again afterwards\./);
      assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
      assert.strictEqual(q.asked[1].text, `Type the cluster name ${name} to sign every user out of it, Session Manager included.`);
      assert.deepStrictEqual(watch.seen.filter((r) => r.method === 'DELETE'), []);
      assert.strictEqual(st().sessions.size, total, 'nothing revoked');
      // Declined in the modal: nothing is asked further, nothing sent.
      q = answer([{ confirm: undefined }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.cohesity.revokeAllOnCluster', c), undefined);
      assert.strictEqual(q.asked.length, 1);

      q = answer([{ confirm: 'Revoke All Sessions' }, { typed: name }]);
      result = (await vscode.commands.executeCommand('sessionManager.cohesity.revokeAllOnCluster', c)) as typeof result;
    } finally {
      watch.restore();
    }
    assert.deepStrictEqual(result, { revoked: true, total, message: `Revoked all ${total} sessions on ${name}.` });
    assert.deepStrictEqual(watch.seen.filter((r) => r.method === 'DELETE').map((r) => r.url), ['/v2/users/sessions?'], 'the one DELETE without sid');
    assert.deepStrictEqual([...st().sessions.keys()].filter((id) => before.includes(id)), [], 'every earlier session ended');
    assert.notStrictEqual(await api.manager.signedInClient(COH), clientBefore, 'the client with the dead session is not used again');
    provider().refresh();
    const after = await principals();
    assert.ok(after.some((r) => r.entry.id === st().users[0].sid), 'signed in anew: admin has a new session');
  });

  it('finds a user by name (exact, optionally in one domain) with its session count, zero included', async () => {
    const c = await cluster();
    const name = st().cluster.name;
    // Two sessions of an AD user (an earlier test may have ended every session on the cluster).
    const ad = st().users.find((u) => u.domain !== 'LOCAL')!;
    for (const id of ['find-1', 'find-2']) {
      st().sessions.set(id, { sid: ad.sid, createdAt: sb.now(), lastActivity: sb.now(), background: true });
    }
    const counts = countsBySid();
    const withSessions = st().users.find((u) => u.domain !== 'LOCAL' && (counts.get(u.sid) ?? 0) > 0)!;
    const without = st().users.find((u) => (counts.get(u.sid) ?? 0) === 0)!;
    assert.ok(withSessions && without, 'the seed has users with and without sessions');
    type Found = { found: { sid: string; username: string; domain: string; sessions: number }[]; message: string };
    const q = answer([{ input: `${withSessions.username}@${withSessions.domain}` }]);
    let r = (await vscode.commands.executeCommand('sessionManager.cohesity.findUser', c)) as Found;
    assert.strictEqual(q.asked[0].kind, 'input');
    const n = counts.get(withSessions.sid)!;
    assert.deepStrictEqual(r.found, [{ sid: withSessions.sid, username: withSessions.username, domain: withSessions.domain, sessions: n }]);
    assert.strictEqual(r.message, `On ${name}: ${withSessions.username} (${withSessions.domain}): ${n} session${n === 1 ? '' : 's'}.`);
    answer([{ input: `${without.domain}\\${without.username.toUpperCase()}` }]);
    r = (await vscode.commands.executeCommand('sessionManager.cohesity.findUser', c)) as Found;
    assert.deepStrictEqual(r.found.map((u) => [u.sid, u.sessions]), [[without.sid, 0]], 'a user without sessions shows 0');
    answer([{ input: 'nobody-here' }]);
    r = (await vscode.commands.executeCommand('sessionManager.cohesity.findUser', c)) as Found;
    assert.deepStrictEqual(r, { found: [], message: `No user nobody-here on ${name}.` });
  });

  for (const mode of ['server-error', 'malformed-json', 'html-502'] as const) {
    it(`shows a ${mode} fault as an error row under the Cohesity connection only; the OpenZiti connection stays`, async () => {
      await cluster();
      sb.faults.set('cohesity', { mode, pathRegex: '/users/sessions$' });
      try {
        provider().refresh();
        const children = await kids(await connection());
        const last = await item(children[children.length - 1]);
        assert.match(String(last.contextValue), /^error;canRetry/, `${String(last.label)} (${children.length} rows)`);
        const zitiLists = await kids((await kids()).find((r) => r.id === `ziti/${ZITI}`)!);
        assert.deepStrictEqual(await Promise.all(zitiLists.map(labelOf)), ['Sessions', 'API Sessions'], 'the other connection intact');
      } finally {
        sb.faults.clear('cohesity');
      }
      provider().refresh();
      assert.ok((await principals()).length > 0, 'recovers after the fault');
    });
  }
});
