// Aptible ephemeral sessions in the one Sessions view, in the real extension host against the sandbox: accounts
// (production marked) → apps → ephemeral sessions joined with their operations (who, command, state), paged by the
// next link; before them an app's "Recent SSH operations" → an operation → its sessions; no Revoke on any row; a 403
// and faults as error rows with the other connection intact.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { AptibleState } from '../sandbox/aptible';
import type { Sandbox } from '../sandbox/server';
import { failOnRequestViolations } from '../sandbox/requestCheck';
import { isEntryRow, item, labelOf, type EntryRowLike } from './helpers';
import { saveAptible, sessionsSuite } from './sessionsFixture';

const APT = 'apt-main';
const ZITI = 'apt-ziti';

type Row = EntryRowLike;
const isRow = isEntryRow;
/** A session row (an app's first row is its "Recent SSH operations" level). */
const isSession = (n: TreeNode): n is Row => isRow(n) && n.entry.type === 'aptibleSession';

describe('Aptible sessions view (sandbox)', function () {
  this.timeout(180_000);
  const suite = sessionsSuite({
    // 160 sessions: the first app holds 88, more than one page of the view (pageSize 50) and of the server (20).
    sandbox: { backends: ['aptible', 'ziti'], sizes: { aptibleSessions: 160 } },
    zitiBeside: ZITI,
    async connections(api, sb) {
      await saveAptible(api, sb, APT, 'Aptible acme');
      return [APT];
    },
    settings: { pageSize: 50 },
  });
  const { provider, kids, answer } = suite;
  let api: TestingApi;
  let sb: Sandbox;
  const st = (): AptibleState => sb.state.aptible.state as AptibleState;
  before(() => {
    ({ api, sb } = suite);
  });

  async function connection(): Promise<TreeNode> {
    const c = (await kids()).find((r) => r.id === `aptible/${APT}`);
    assert.ok(c, 'the Aptible connection row');
    return c;
  }
  async function account(handle: string): Promise<Row> {
    const rows = (await kids(await connection())).filter(isRow);
    const a = rows.find((r) => r.entry.label === handle);
    assert.ok(a, `no account ${handle} among ${rows.map((r) => r.entry.label).join(', ')}`);
    return a;
  }
  async function firstApp(): Promise<Row> {
    const app = st().data.apps[0];
    const acc = st().data.accounts.find((a) => a.id === app.accountId)!;
    const rows = (await kids(await account(acc.handle))).filter(isRow);
    const r = rows.find((x) => x.entry.id === String(app.id));
    assert.ok(r, `app ${app.handle}`);
    return r;
  }
  /** A session row of the first app whose operation is running (not yet asked to cancel). */
  async function runningRow(): Promise<Row> {
    const rows = (await kids(await firstApp())).filter(isSession);
    const r = rows.find((x) => {
      const s = st().data.sessions.find((y) => String(y.id) === x.entry.id)!;
      const op = st().data.operations.get(s.operationId)!;
      return op.status === 'running' && !op.cancelled && !st().forbiddenOperations.has(op.id);
    });
    assert.ok(r, 'a session with a running operation');
    return r;
  }
  const opOf = (r: Row): ReturnType<AptibleState['data']['operations']['get']> =>
    st().data.operations.get(st().data.sessions.find((y) => String(y.id) === r.entry.id)!.operationId);
  function shown(row: TreeNode): TreeNode {
    return provider().findById(row.id) ?? row;
  }
  // Every request the extension sends to the Deploy API honours aptible.yaml, or the test that sent it fails.
  failOnRequestViolations(() => sb, 'aptible');

  afterEach(() => {
    sb.faults.clear('aptible');
    st().data.accounts[0].type = 'production';
    st().forbiddenAccounts.clear();
    st().forbiddenOperations.clear();
    st().forbiddenAppOperations.clear();
    api.setUserInput(undefined);
  });

  /** The app's fixed first row: "Recent SSH operations". */
  async function operationsRow(app: Row): Promise<Row> {
    const first = (await kids(app))[0];
    assert.ok(isRow(first) && first.entry.type === 'aptibleOperations', `the first row under the app: ${first?.id}`);
    return first;
  }

  it('browses accounts (production marked) → apps → sessions with who, command and status, paged by the next link; no Revoke anywhere', async () => {
    const data = st().data;
    const roots = await kids();
    assert.deepStrictEqual(roots.map((r) => r.id), [`aptible/${APT}`, `ziti/${ZITI}`], 'one row per connection with sessions');
    const accounts = (await kids(await connection())).filter(isRow);
    assert.deepStrictEqual(accounts.map((a) => a.entry.label), data.accounts.map((a) => a.handle));
    for (const [i, a] of accounts.entries()) {
      const ti = await item(a);
      assert.strictEqual(ti.contextValue, 'aptibleAccount;hasDetails');
      assert.strictEqual(String(ti.description).startsWith('production'), data.accounts[i].type === 'production', String(ti.description));
    }
    const app = await firstApp();
    assert.strictEqual((await item(app)).contextValue, 'aptibleApp;hasDetails');
    const rows = await kids(app);
    const sessions = rows.filter(isSession);
    // Aptible pages by 20 and a page is never split: 50 rows asked, three server pages (60 rows) read.
    assert.strictEqual(sessions.length, 60, 'the first page of the view (pageSize 50) over three server pages');
    assert.strictEqual(await labelOf(rows[rows.length - 1]), 'Load more…');
    const expected = data.sessions.filter((s) => s.appId === data.apps[0].id);
    assert.ok(expected.length > 60, `${expected.length} sessions on the first app`);
    assert.match(String((await item(shown(app))).description), new RegExp(`60 of ${expected.length}`));
    const times = sessions.map((s) => Date.parse(String(s.entry.time)));
    assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), 'newest first');
    for (const s of sessions) {
      const ti = await item(s);
      assert.ok(!/canRevoke/.test(String(ti.contextValue)), String(ti.contextValue));
      const sess = data.sessions.find((x) => String(x.id) === s.entry.id)!;
      const op = data.operations.get(sess.operationId)!;
      assert.strictEqual(await labelOf(s), `${op.userName} — ${op.command}`);
      assert.ok(String(ti.description).includes(op.status), String(ti.description));
      assert.ok(String(ti.description).includes(sess.host), String(ti.description));
    }
    await vscode.commands.executeCommand('sessionManager.loadMore', shown(app));
    const all = (await kids(shown(app))).filter(isSession);
    assert.strictEqual(all.length, Math.min(120, expected.length));
    assert.deepStrictEqual(new Set(all.map((r) => r.entry.id)).size, all.length, 'no row twice');
  });

  it('Show Details and Copy as JSON join the session, its operation and its containers (redacted)', async () => {
    const row = (await kids(await firstApp())).filter(isSession)[0];
    await vscode.commands.executeCommand('sessionManager.showDetails', row);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc && doc.uri.scheme === 'session-manager-details');
    const shown = JSON.parse(doc.getText()) as { containers?: unknown; operation?: unknown };
    assert.ok(Array.isArray(shown.containers) && shown.containers.length === 1, `containers: ${JSON.stringify(shown.containers)}`);
    const copied = JSON.parse(String(await vscode.commands.executeCommand('sessionManager.copyJson', row))) as { containers?: unknown[] };
    assert.deepStrictEqual(copied.containers, shown.containers, 'the copy is the same story');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('reads a running operation again on refresh; one that turned forbidden leaves the row readable ("operation unavailable")', async () => {
    const data = st().data;
    const newest = data.sessions
      .filter((s) => s.appId === data.apps[0].id && data.operations.get(s.operationId)!.status === 'running')
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    assert.ok(newest, 'a running session on the first app');
    const before = (await kids(await firstApp())).filter(isSession).find((r) => r.entry.id === String(newest.id));
    assert.ok(before && /^running/.test(String((await item(before)).description)), 'shown running first');
    st().forbiddenOperations.add(newest.operationId);
    provider().refresh();
    const row = (await kids(await firstApp())).filter(isSession).find((r) => r.entry.id === String(newest.id));
    assert.ok(row, 'the session is still listed');
    assert.match(String((await item(row)).description), /^operation unavailable/);
    assert.strictEqual(await labelOf(row), newest.name);
    assert.ok(!/canRevoke/.test(String((await item(row)).contextValue)));
  });

  it('shows a 403 on an account as an error row under it; the other accounts and the OpenZiti connection stay', async () => {
    const data = st().data;
    const forbidden = data.accounts[1];
    st().forbiddenAccounts.add(forbidden.id);
    provider().refresh();
    const children = await kids(await account(forbidden.handle));
    assert.strictEqual(children.length, 1);
    const err = await item(children[0]);
    assert.match(String(err.contextValue), /^error;canRetry/);
    assert.match(String(err.label), /403|forbidden|not authorized/i);
    assert.ok((await kids(await account(data.accounts[0].handle))).filter(isRow).length > 0, 'another account still lists its apps');
    const zitiLists = await kids((await kids()).find((r) => r.id === `ziti/${ZITI}`)!);
    assert.deepStrictEqual(await Promise.all(zitiLists.map(labelOf)), ['Sessions', 'API Sessions']);
  });

  it('Cancel Operation… on a running session: an honest modal, PATCH cancelled: true, the row then shows the new state without the action', async () => {
    // A development environment: the modal alone confirms.
    st().data.accounts[0].type = 'development';
    provider().refresh();
    const row = await runningRow();
    const op = opOf(row)!;
    assert.strictEqual((await item(row)).contextValue, 'aptibleSession;canCancelOperation;hasDetails;hasPath');
    // Declined: nothing is sent.
    let q = answer([{ confirm: undefined }]);
    assert.deepStrictEqual(await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', row), { cancelled: false });
    assert.strictEqual(q.asked[0].kind, 'confirm');
    assert.strictEqual(op.cancelled, false, 'nothing sent');

    q = answer([{ confirm: 'Cancel Operation' }]);
    const result = await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', row);
    assert.deepStrictEqual(result, { cancelled: true, operationId: String(op.id) });
    assert.strictEqual(q.asked.length, 1, 'no typed name for a development environment');
    assert.match(q.asked[0].text, new RegExp(`^Cancel operation ${op.id} of the ephemeral session of ${op.userName} on app ${st().data.apps[0].handle} in ${st().data.accounts[0].handle}\\?$`));
    const detail = q.asked[0].detail ?? '';
    assert.match(detail, /Backend: Aptible, connection Aptible acme\. Environment: /);
    assert.match(detail, /asks Aptible to cancel the operation/);
    assert.match(detail, /does not document whether a live SSH session ends/);
    assert.strictEqual(op.cancelled, true, 'the sandbox got the PATCH');
    const after = (await kids(await firstApp())).filter(isSession).find((r) => r.entry.id === row.entry.id)!;
    const ti = await item(after);
    assert.match(String(ti.description), /^running \(cancel requested\)/);
    assert.strictEqual(ti.contextValue, 'aptibleSession;hasDetails;hasPath', 'no second cancel, never a revoke');
  });

  it('Cancel Operation… in a production environment asks for its typed name; a wrong name sends nothing', async () => {
    provider().refresh();
    const prod = st().data.accounts[0];
    assert.strictEqual(prod.type, 'production');
    const row = await runningRow();
    const op = opOf(row)!;
    let q = answer([{ confirm: 'Cancel Operation' }, { typed: 'wrong' }]);
    assert.deepStrictEqual(await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', row), { cancelled: false });
    assert.match(q.asked[0].detail ?? '', new RegExp(`Environment: ${prod.handle} \\(production\\)`));
    assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
    assert.strictEqual(q.asked[1].text, `${prod.handle} is a production environment. Type its name to cancel operation ${op.id} in it.`);
    assert.strictEqual(op.cancelled, false, 'nothing sent');
    q = answer([{ confirm: 'Cancel Operation' }, { typed: prod.handle }]);
    assert.strictEqual(((await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', row)) as { cancelled: boolean }).cancelled, true);
    assert.strictEqual(q.remaining, 0);
    assert.strictEqual(op.cancelled, true);
    // The command read the app's list again: the row shows the new state.
    const after = (await kids(await firstApp())).filter(isSession).find((r) => r.entry.id === row.entry.id)!;
    assert.match(String((await item(after)).description), /^running \(cancel requested\)/);
  });

  it('Find Aptible Operation… takes an operation id and reveals the session it started under its account and app', async () => {
    provider().refresh();
    const data = st().data;
    const target = data.sessions.filter((s) => s.appId === data.apps[0].id).sort((a, b) => b.createdAt - a.createdAt)[3];
    const q = answer([{ input: String(target.operationId) }]);
    const result = (await vscode.commands.executeCommand('sessionManager.aptible.findOperation')) as {
      connectionId: string;
      operationId: string;
      sessionIds: string[];
      revealed: { shown: string; sessionId: string };
    };
    assert.strictEqual(q.asked[0].kind, 'input');
    assert.strictEqual(result.connectionId, APT);
    assert.strictEqual(result.operationId, String(target.operationId));
    assert.deepStrictEqual(result.sessionIds, [String(target.id)]);
    assert.strictEqual(result.revealed.sessionId, String(target.id));
    assert.strictEqual(result.revealed.shown, 'revealed');
    const sel = api.views.treeViews.sessions.selection.map((n) => n.id);
    assert.ok(sel.some((id) => id.endsWith(`/session/${target.id}`)), `selected ${sel.join(', ')}`);
    // An operation that does not exist: nothing found, nothing revealed.
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.aptible.findOperation', '1'), undefined);
    // A deploy operation started no session.
    const none = (await vscode.commands.executeCommand('sessionManager.aptible.findOperation', String(data.apps[0].lastDeployOperationId))) as { sessionIds: string[] };
    assert.deepStrictEqual(none.sessionIds, []);
  });

  for (const mode of ['rate-limit', 'server-error', 'malformed-json', 'html-502'] as const) {
    it(`shows a ${mode} fault on sessions as an error row under that app only; the OpenZiti connection stays`, async () => {
      await firstApp();
      sb.faults.set('aptible', { mode, pathRegex: '/ephemeral_sessions$', retryAfterSeconds: 0 });
      try {
        provider().refresh();
        const children = await kids(await firstApp());
        const last = await item(children[children.length - 1]);
        assert.match(String(last.contextValue), /^error;canRetry/, `${String(last.label)} (${children.length} rows)`);
        const zitiLists = await kids((await kids()).find((r) => r.id === `ziti/${ZITI}`)!);
        assert.deepStrictEqual(await Promise.all(zitiLists.map(labelOf)), ['Sessions', 'API Sessions'], 'the other connection intact');
      } finally {
        sb.faults.clear('aptible');
      }
      provider().refresh();
      assert.ok((await kids(await firstApp())).filter(isSession).length > 0, 'recovers after the fault');
    });
  }
  it('opens an app\'s "Recent SSH operations" → an operation (execute only) → its sessions with who/command; the app\'s count and the badge do not change', async () => {
    provider().refresh();
    const data = st().data;
    const app = await firstApp();
    const rows = await kids(app);
    const level = await operationsRow(app);
    const expected = data.sessions.filter((s) => s.appId === data.apps[0].id);
    // The sessions stay under the app (as deep as an earlier Load more read them), the new row not among them.
    const n = rows.filter(isSession).length;
    assert.strictEqual(rows.length, 1 + n + (n < expected.length ? 1 : 0), 'the level row, the sessions, Load more');
    const appDescription = String((await item(shown(app))).description);
    const counted = n < expected.length ? `${n} of ${expected.length}` : String(expected.length);
    assert.match(appDescription, new RegExp(`(^|· )${counted}$`), `the new row is not counted (${n} sessions shown)`);
    const badge = api.views.treeViews.sessions.badge?.value;
    const connectionDescription = String((await item(await connection())).description);
    const li = await item(level);
    assert.strictEqual(li.label, 'Recent SSH operations');
    assert.strictEqual(li.contextValue, 'aptibleOperations');
    assert.strictEqual(li.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match((li.tooltip as vscode.MarkdownString).value, /execute.*aptible ssh/);

    const ops = (await kids(level)).filter(isRow);
    const execute = [...data.operations.values()].filter((o) => o.appId === data.apps[0].id && o.type === 'execute').sort((a, b) => b.createdAt - a.createdAt);
    assert.ok([...data.operations.values()].some((o) => o.appId === data.apps[0].id && o.type !== 'execute'), 'the app has other operations');
    assert.deepStrictEqual(ops.map((r) => r.entry.id), execute.slice(0, ops.length).map((o) => String(o.id)), 'execute operations only, newest first');
    assert.ok(ops.length >= 20, `${ops.length} operations shown`);
    for (const r of ops) {
      const op = data.operations.get(Number(r.entry.id))!;
      const ti = await item(r);
      assert.strictEqual(ti.label, `${op.userName} — ${op.command}`);
      assert.ok(String(ti.description).includes(op.status), String(ti.description));
      assert.match(String(ti.description), /started \d{4}-\d\d-\d\d/);
      assert.strictEqual(ti.contextValue, op.status === 'running' && !op.cancelled ? 'aptibleOperation;canCancelOperation;hasDetails' : 'aptibleOperation;hasDetails');
    }
    const op = data.operations.get(Number(ops[0].entry.id))!;
    const sessions = (await kids(ops[0])).filter(isSession);
    const started = data.sessions.filter((s) => s.operationId === op.id);
    assert.deepStrictEqual(sessions.map((r) => r.entry.id), started.map((s) => String(s.id)));
    for (const r of sessions) {
      assert.strictEqual(await labelOf(r), `${op.userName} — ${op.command}`);
      assert.ok(r.id.endsWith(`/op/${op.id}/session/${r.entry.id}`), r.id);
      assert.ok(!/canRevoke/.test(String((await item(r)).contextValue)));
    }
    // Show Details of an operation row: the operation itself.
    await vscode.commands.executeCommand('sessionManager.showDetails', ops[0]);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc && doc.uri.scheme === 'session-manager-details');
    assert.strictEqual((JSON.parse(doc.getText()) as { id: number }).id, op.id);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // Nothing the new rows read changed the counts.
    assert.strictEqual(String((await item(shown(app))).description), appDescription);
    assert.strictEqual(api.views.treeViews.sessions.badge?.value, badge);
    assert.strictEqual(String((await item(await connection())).description), connectionDescription);
    // A redraw of the app keeps the same level row (and what it read).
    const again = await kids(shown(app));
    assert.strictEqual(again[0], level, 'the level row is kept');
  });

  it('Cancel Operation… works from an operation row: the modal, PATCH cancelled: true, the row then shows the new state', async () => {
    st().data.accounts[0].type = 'development';
    provider().refresh();
    const ops = (await kids(await operationsRow(await firstApp()))).filter(isRow);
    const row = ops.find((r) => {
      const op = st().data.operations.get(Number(r.entry.id))!;
      return op.status === 'running' && !op.cancelled;
    });
    assert.ok(row, 'a running operation');
    const op = st().data.operations.get(Number(row.entry.id))!;
    const q = answer([{ confirm: 'Cancel Operation' }]);
    assert.deepStrictEqual(await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', row), { cancelled: true, operationId: String(op.id) });
    assert.match(q.asked[0].text, new RegExp(`^Cancel operation ${op.id} of ${op.userName} \\(.+\\) on app ${st().data.apps[0].handle} in ${st().data.accounts[0].handle}\\?$`));
    assert.strictEqual(op.cancelled, true, 'the sandbox got the PATCH');
    const after = (await kids(shown(await operationsRow(await firstApp())))).filter(isRow).find((r) => r.entry.id === row.entry.id)!;
    const ti = await item(after);
    assert.match(String(ti.description), /^running \(cancel requested\)/);
    assert.strictEqual(ti.contextValue, 'aptibleOperation;hasDetails');
  });

  it('Cancel Operation… on a session below an operation row: both the session and its operation row then show the new state', async () => {
    st().data.accounts[0].type = 'development';
    provider().refresh();
    const app = await firstApp();
    const level = await operationsRow(app);
    const opRow = (await kids(level)).filter(isRow).find((r) => {
      const op = st().data.operations.get(Number(r.entry.id))!;
      return op.status === 'running' && !op.cancelled;
    });
    assert.ok(opRow, 'a running operation');
    const session = (await kids(opRow)).filter(isSession)[0];
    assert.strictEqual((await item(session)).contextValue, 'aptibleSession;canCancelOperation;hasDetails;hasPath');
    // Meanwhile the workbench redraws the app (Load more under it, auto-refresh or a filter change do): the view no
    // longer knows the operation row until the workbench fetches "Recent SSH operations" again. The command still reads
    // the operations list again (counted below).
    await kids(shown(app));
    assert.strictEqual(provider().findById(opRow.id), undefined, 'the redraw forgot the rows below the level');
    answer([{ confirm: 'Cancel Operation' }]);
    sb.faults.set('aptible', { pathRegex: '^/apps/\\d+/operations$', latencyMs: 1 });
    assert.deepStrictEqual(await vscode.commands.executeCommand('sessionManager.aptible.cancelOperation', session), { cancelled: true, operationId: opRow.entry.id });
    assert.ok(sb.faults.hits('aptible') > 0, "the command itself read the app's operations again (the operation row shows the state too)");
    const opAfter = (await kids(shown(level))).filter(isRow).find((r) => r.entry.id === opRow.entry.id)!;
    assert.match(String((await item(opAfter)).description), /^running \(cancel requested\)/, 'the operation row was read again');
    const sessionAfter = (await kids(shown(opAfter))).filter(isSession).find((r) => r.entry.id === session.entry.id)!;
    assert.match(String((await item(sessionAfter)).description), /^running \(cancel requested\)/);
    assert.strictEqual((await item(sessionAfter)).contextValue, 'aptibleSession;hasDetails;hasPath');
  });

  for (const fault of ['403', 'server-error'] as const) {
    it(`shows a ${fault} on the operations list as an error row under "Recent SSH operations"; the app's sessions still show`, async () => {
      const app = st().data.apps[0];
      if (fault === '403') {
        st().forbiddenAppOperations.add(app.id);
      } else {
        sb.faults.set('aptible', { mode: 'server-error', pathRegex: '/apps/\\d+/operations$' });
      }
      provider().refresh();
      const appRow = await firstApp();
      // The operations read by an earlier test stay (stale), the refusal after them.
      const children = await kids(await operationsRow(appRow));
      const err = await item(children[children.length - 1]);
      assert.match(String(err.contextValue), /^error;canRetry/, `${String(err.label)} (${children.length} rows)`);
      assert.match(String(err.label), fault === '403' ? /403|not authorized/i : /500|server/i);
      const sessions = (await kids(appRow)).filter(isSession);
      assert.ok(sessions.length >= 60, `the sessions under the app still show (${sessions.length})`);
      assert.ok(!(await Promise.all((await kids(appRow)).map(item))).some((t) => /^error/.test(String(t.contextValue))), 'no error under the app itself');
    });
  }

  it('shows "Recent SSH operations" even when the app\'s sessions fail to load', async () => {
    // An app not opened before: its first read fails outright (nothing earlier to show as stale).
    const data = st().data;
    const other = data.apps[data.apps.length - 1];
    sb.faults.set('aptible', { mode: 'server-error', pathRegex: '/ephemeral_sessions$' });
    provider().refresh();
    const accountRows = (await kids(await account(data.accounts.find((a) => a.id === other.accountId)!.handle))).filter(isRow);
    const appRow = accountRows.find((r) => r.entry.id === String(other.id));
    assert.ok(appRow, `app ${other.handle}`);
    const rows = await kids(appRow);
    assert.strictEqual(rows.length, 2, `${rows.length} rows`);
    assert.strictEqual((await item(rows[0])).label, 'Recent SSH operations');
    assert.match(String((await item(rows[1])).contextValue), /^error;canRetry/);
    assert.ok((await kids(rows[0])).filter(isRow).length > 0, 'its operations still list');
  });
});
