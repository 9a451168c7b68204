// Show Session Path in the real extension host against the sandbox: an Aptible session row opens the shared path panel
// (the one OpenZiti's route path uses) with person → operation → ephemeral container on its host → app → environment;
// one panel per session; from a row, from {connectionId, sessionId} and from the palette; no Revoke offered; refresh
// shows a cancelled operation and an ended session; a fault is the panel's error state, the tree untouched.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { isHostMessage } from '../../src/webviews/path/protocol';
import type { AptibleState } from '../sandbox/aptible';
import { failOnRequestViolations } from '../sandbox/requestCheck';
import { start, Sandbox } from '../sandbox/server';
import { isEntryRow, item, testingApi, type EntryRowLike } from './helpers';
import { QueuedInput } from './queuedInput';
import { removeAllConnections } from './connections.test';
import { pathPanelDriver } from './pathPanel';
import { saveAptible } from './sessionsFixture';

const APT = 'path-apt';

describe('Session path panel (Aptible, sandbox)', function () {
  this.timeout(180_000);
  let api: TestingApi;
  let sb: Sandbox;
  const st = (): AptibleState => sb.state.aptible.state as AptibleState;
  const kids = (n?: TreeNode): Promise<TreeNode[]> => api.views.providers.sessions.getChildren(n);
  failOnRequestViolations(() => sb, 'aptible');

  /** The session rows of the first app, as the tree shows them. */
  async function sessionRows(): Promise<EntryRowLike[]> {
    const app = st().data.apps[0];
    const acc = st().data.accounts.find((a) => a.id === app.accountId)!;
    const conn = (await kids()).find((r) => r.id === `aptible/${APT}`);
    assert.ok(conn, 'the Aptible connection row');
    const accRow = (await kids(conn)).filter(isEntryRow).find((r) => r.entry.label === acc.handle);
    assert.ok(accRow, `account ${acc.handle}`);
    const appRow = (await kids(accRow)).filter(isEntryRow).find((r) => r.entry.id === String(app.id));
    assert.ok(appRow, `app ${app.handle}`);
    return (await kids(appRow)).filter(isEntryRow).filter((r) => r.entry.type === 'aptibleSession');
  }

  const { open, rendered, refreshed } = pathPanelDriver(() => api, 'sessionPath', 'sessionManager.showSessionPath');

  before(async () => {
    api = await testingApi();
    sb = await start({ backends: ['aptible'] });
    await removeAllConnections(api);
    await saveAptible(api, sb, APT, 'Aptible paths');
    await api.manager.signedInClient(APT);
    await vscode.workspace.getConfiguration('sessionManager').update('autoRefreshSeconds', 0, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    api.setUserInput(undefined);
    for (const rec of api.webviews.list('sessionPath')) {
      rec.dispose();
    }
    await vscode.workspace.getConfiguration('sessionManager').update('autoRefreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    await removeAllConnections(api);
    await sb.stop();
  });

  afterEach(() => {
    sb.faults.clear('aptible');
    api.setUserInput(undefined);
  });

  it('opens from a session row: person → operation → container on its host → app → environment, in the shared path panel', async () => {
    const rows = await sessionRows();
    const row = rows[0];
    assert.match((await item(row)).contextValue ?? '', /;hasPath(;|$)/, 'the row offers Show Session Path');
    const s = st().data.sessions.find((x) => String(x.id) === row.entry.id)!;
    const op = st().data.operations.get(s.operationId)!;
    const app = st().data.apps[0];
    const account = st().data.accounts.find((a) => a.id === app.accountId)!;
    const rec = await open(row);
    assert.strictEqual(rec.key, `${APT}/${s.id}`);
    const view = await rendered(rec);
    assert.strictEqual(view.state, 'path');
    assert.deepStrictEqual(
      view.hops.map((h) => [h.role, h.name]),
      [
        ['person', op.userName],
        ['operation', op.command],
        ['container', `${s.name}-${view.hops[2].id}`],
        ['app', app.handle],
        ['account', account.handle],
      ],
    );
    assert.strictEqual(view.canRevoke, false, 'no Revoke on an Aptible path');
    assert.strictEqual(view.texts?.noun, 'session path');
    assert.ok(view.texts?.meta.includes('on Aptible paths'), JSON.stringify(view.texts?.meta));
    const html = rec.html();
    assert.match(html, /default-src 'none'/);
    assert.match(html, /<script nonce="[^"]+" src="[^"]+\/dist\/webviews\/path\.js"><\/script>/);
    assert.match(html, /media\/path\.css/);
    assert.match(html, /Loading the session path…/);
    const panel = (rec as unknown as { panel: vscode.WebviewPanel }).panel;
    assert.strictEqual(panel.title, view.texts?.heading, 'the tab is titled like the page');
    assert.ok(rec.posted.every((m) => isHostMessage(m)), 'every message posted passes the webview\'s validator');

    const again = await open({ connectionId: APT, sessionId: String(s.id) });
    assert.strictEqual(again, rec, 'one panel per session');
    assert.strictEqual(rec.reveals, 1);
  });

  it('opens from the palette by picking among the rows shown', async () => {
    const rows = await sessionRows();
    const target = rows[1];
    const q = new QueuedInput([{ pick: target.entry.label }], api.BACK);
    api.setUserInput(q);
    const rec = await open(undefined);
    assert.strictEqual(rec.key, `${APT}/${target.entry.id}`);
    assert.strictEqual(q.asked[0]?.kind, 'pick');
    assert.strictEqual((await rendered(rec)).state, 'path');
  });

  it('ignores a Revoke from the page; refresh shows a cancelled operation, then an ended session', async () => {
    const rows = await sessionRows();
    const row = rows.find((r) => (r.entry as { flags?: { canCancelOperation?: boolean } }).flags?.canCancelOperation === true);
    assert.ok(row, 'a session whose operation is running');
    const s = st().data.sessions.find((x) => String(x.id) === row.entry.id)!;
    const rec = await open(row);
    await rendered(rec);
    rec.posted.length = 0;
    await rec.receive({ type: 'revoke' });
    const sessionsBefore = st().data.sessions.length;
    assert.ok(
      !rec.posted.some((m) => (m as { label?: string }).label === 'Revoking…'),
      `nothing is revoked: ${JSON.stringify(rec.posted.map((m) => (m as { label?: string; type: string }).label ?? (m as { type: string }).type))}`,
    );
    assert.strictEqual(st().data.sessions.length, sessionsBefore);
    assert.strictEqual(st().data.operations.get(s.operationId)?.cancelled, false);

    st().data.operations.get(s.operationId)!.cancelled = true;
    const cancelled = await refreshed(rec);
    assert.match(cancelled.hops[1].detail ?? '', /cancel requested/);

    const i = st().data.sessions.findIndex((x) => x.id === s.id);
    const [removed] = st().data.sessions.splice(i, 1);
    try {
      const ended = await refreshed(rec);
      assert.strictEqual(ended.state, 'ended');
      assert.match(ended.message ?? '', new RegExp(`no ephemeral session ${s.id}`));
      assert.strictEqual(ended.autoRefreshSeconds, 0, 'an ended session is not read again');
    } finally {
      st().data.sessions.splice(i, 0, removed);
    }
  });

  it('shows a fault as the panel\'s error state, and the tree keeps its rows', async () => {
    const rows = await sessionRows();
    const rec = await open(rows[2]);
    await rendered(rec);
    sb.faults.set('aptible', { pathRegex: '^/ephemeral_sessions/\\d+$', mode: 'server-error' });
    const failed = await refreshed(rec);
    assert.strictEqual(failed.state, 'error');
    assert.match(failed.message ?? '', /500/);
    assert.strictEqual(failed.texts?.noun, 'session path');
    sb.faults.clear('aptible');
    assert.strictEqual((await sessionRows()).length, rows.length, 'the tree is unaffected');
    assert.strictEqual((await refreshed(rec)).state, 'path', 'a refresh after the fault draws it again');
  });
});
