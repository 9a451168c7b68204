// The one Sessions view's shared behaviour (written once for every backend), proven on OpenZiti in the real extension
// host against the sandbox: order, a failed refresh that keeps the list, counts that agree after a revoke, grouping
// over the loaded rows, Revoke All in a group, Revoke All Matching, a rejected filter, a details document of a revoked
// session.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { ZitiState } from '../sandbox/ziti';
import { ADMIN_PASSWORD } from '../sandbox/ziti';
import type { Sandbox } from '../sandbox/server';
import { isEntryRow, item, labelOf, type EntryRowLike, type RevokeSummary } from './helpers';
import { sessionsSuite } from './sessionsFixture';
import { eventually } from './zitiFixture';

const MAIN = 'sv-main';

type Row = EntryRowLike;
const isRow = isEntryRow;

describe('Sessions view: shared behaviour (OpenZiti sandbox)', function () {
  this.timeout(180_000);
  const suite = sessionsSuite({
    sandbox: { backends: ['ziti'] },
    async connections(api, sb) {
      await api.store.save(
        { id: MAIN, label: 'View controller', backend: 'ziti', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' },
        { password: ADMIN_PASSWORD },
      );
      return [MAIN];
    },
  });
  const { provider, kids, config, answer } = suite;
  let api: TestingApi;
  let sb: Sandbox;
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;
  before(() => {
    ({ api, sb } = suite);
  });
  async function controller(): Promise<TreeNode> {
    const c = (await kids()).find((r) => r.id === `ziti/${MAIN}`);
    assert.ok(c, 'the controller row');
    return c;
  }
  async function sessionsList(): Promise<TreeNode> {
    const g = (await kids(await controller())).find((n) => n.id === `ziti/${MAIN}/sessions`);
    assert.ok(g, 'the Sessions list');
    return g;
  }
  async function rows(): Promise<Row[]> {
    return (await kids(await sessionsList())).filter(isRow);
  }
  /**
   * The Sessions list row as the view holds it now (after a redraw, the same object the workbench resolves). When the
   * workbench has not fetched the redrawn connection's children yet (a hidden view is not asked again), they are asked
   * for here: the connection's levels are kept rows holding what the revoke read (within the moment a redraw keeps
   * them, nothing is read again).
   */
  async function shownList(): Promise<TreeNode> {
    return provider().findById(`ziti/${MAIN}/sessions`) ?? sessionsList();
  }
  const liveSessions = (): number => state().data.sessions.size;

  afterEach(() => {
    sb.faults.clear('ziti');
    api.setUserInput(undefined);
  });

  it('lists sessions newest first by default, and oldest first when chosen', async () => {
    const times = (list: Row[]): number[] => list.map((r) => Number(state().data.sessions.get(r.entry.id)!.createdAt));
    const newest = times(await rows());
    assert.ok(newest.length > 10);
    assert.ok(
      newest.every((t, i) => i === 0 || newest[i - 1] >= t),
      'newest first',
    );
    const all = [...state().data.sessions.values()].map((s) => Number(s.createdAt));
    assert.strictEqual(newest[0], Math.max(...all), 'the newest session of the whole controller comes first');
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.sortSessions', 'oldest'), 'oldest');
    const oldest = times(await rows());
    assert.ok(
      oldest.every((t, i) => i === 0 || oldest[i - 1] <= t),
      'oldest first',
    );
    assert.strictEqual(oldest[0], Math.min(...all));
    await vscode.commands.executeCommand('sessionManager.sortSessions', 'newest');
  });

  it('keeps the list when a refresh fails, marks it stale, and shows the failure after it with Retry', async () => {
    const before = (await rows()).map((r) => r.id);
    assert.ok(before.length > 0);
    sb.faults.set('ziti', { mode: 'server-error', pathRegex: '/sessions$' });
    provider().refresh();
    const children = await kids(await sessionsList());
    const kept = children.filter(isRow).map((r) => r.id);
    assert.deepStrictEqual(kept, before, 'the rows shown before stay');
    const last = await item(children[children.length - 1]);
    assert.match(String(last.contextValue), /^error;canRetry/);
    assert.match(String(last.label), /^Could not refresh \(showing the earlier list\): /);
    assert.match(String((await item(await shownList())).description), /\(stale\)/);
    sb.faults.clear('ziti');
    provider().refresh();
    const again = await kids(await sessionsList());
    assert.ok(!(await Promise.all(again.map(labelOf))).some((l) => /Could not refresh/.test(l)), 'recovers');
    assert.doesNotMatch(String((await item(await shownList())).description), /stale/);
  });

  it('after a revoke the connection row, the list and the badge show the same count without a refresh', async () => {
    const first = (await rows())[0];
    const total = liveSessions();
    answer([{ confirm: 'Revoke' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', first)) as RevokeSummary;
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    assert.strictEqual(liveSessions(), total - 1);
    const expected = (total - 1).toLocaleString('en-US');
    const conn = provider().findById(`ziti/${MAIN}`);
    assert.ok(conn);
    assert.match(String((await item(conn)).description), new RegExp(`· ${expected} sessions`));
    assert.match(String((await item(await shownList())).description), new RegExp(`of ${expected}$|^${expected}$`));
    assert.strictEqual(api.views.treeViews.sessions.badge?.value, total - 1);
  });

  it('says that groups cover the loaded sessions only, and revokes all of a group after one confirmation', async () => {
    await config().update('pageSize', 20, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('sessionManager.groupSessionsBy', 'service');
    try {
      const groups = await kids(await sessionsList());
      assert.ok(groups.length > 1);
      const g = groups[0];
      const gi = await item(g);
      assert.match(String(gi.description), /loaded/);
      assert.match(tooltip(gi), /Groups cover the loaded sessions only/);
      assert.match(String(gi.contextValue), /^sessionGroup;canRevokeAll$/);
      const members = (await kids(g)).filter(isRow);
      const total = liveSessions();
      const q = answer([{ confirm: members.length === 1 ? 'Revoke' : `Revoke ${members.length} Sessions` }]);
      const summary = (await vscode.commands.executeCommand('sessionManager.revokeAllSessions', g)) as RevokeSummary;
      assert.match(q.asked[0].text, new RegExp(`^Revoke all ${members.length} sessions? of the group "${escapeRe(await labelOf(g))}" \\(OpenZiti, View controller\\)\\?$`));
      assert.strictEqual(summary.results.length, members.length);
      assert.ok(summary.results.every((r) => r.outcome === 'revoked'));
      assert.strictEqual(liveSessions(), total - members.length);
      for (const m of members) {
        assert.ok(!state().data.sessions.has(m.entry.id));
      }
    } finally {
      await vscode.commands.executeCommand('sessionManager.groupSessionsBy', 'none');
      await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('revokes all sessions matching the filter (not just the loaded page), stating the server count and asking for it above the threshold', async () => {
    await config().update('pageSize', 5, vscode.ConfigurationTarget.Global);
    await config().update('bulkRevokeTypeCountAbove', 3, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('sessionManager.filter', 'type = "Bind"');
      const matching = [...state().data.sessions.values()].filter((s) => s.type === 'Bind').map((s) => s.id);
      assert.ok(matching.length > 5, 'more than one page matches');
      // The view reads the filtered list (the workbench may be reading it too): the list row then offers the action.
      const list = await eventually('the filtered list to offer Revoke All Matching', async () => {
        const l = await sessionsList();
        await kids(l);
        return /^zitiSessionGroup;canRevokeMatching$/.test(String((await item(l)).contextValue)) ? l : undefined;
      });
      // Declined at the typed count: nothing is revoked.
      let q = answer([{ confirm: `Revoke ${matching.length} Sessions` }, { typed: 'nope' }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.revokeAllMatching', list), undefined);
      assert.match(q.asked[0].text, new RegExp(`^Revoke all ${matching.length} sessions matching "type = "Bind"" on View controller \\(OpenZiti\\)\\?$`));
      assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
      assert.match(q.asked[1].text, new RegExp(`^Type ${matching.length} to revoke all ${matching.length} sessions on View controller\\.$`));
      assert.ok(matching.every((id) => state().data.sessions.has(id)));
      q = answer([{ confirm: `Revoke ${matching.length} Sessions` }, { typed: String(matching.length) }]);
      const summary = (await vscode.commands.executeCommand('sessionManager.revokeAllMatching', list)) as RevokeSummary;
      assert.strictEqual(summary.results.length, matching.length);
      assert.ok(matching.every((id) => !state().data.sessions.has(id)), 'every matching session ended, beyond the first page');
      assert.ok([...state().data.sessions.values()].some((s) => s.type === 'Dial'), 'the others stay');
      await eventually('the list to say nothing matches', async () => {
        const left = await kids(await sessionsList());
        return left.length === 1 && /^Nothing matches the filter/.test(await labelOf(left[0])) ? true : undefined;
      });
    } finally {
      await vscode.commands.executeCommand('sessionManager.clearFilter');
      await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
      await config().update('bulkRevokeTypeCountAbove', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a filter the controller rejects shows its words and no "(filtered)" count of an earlier list', async () => {
    await vscode.commands.executeCommand('sessionManager.filter', 'web');
    await kids(await sessionsList());
    assert.match(String((await item(await shownList())).description), /\(filtered\)$/);
    await vscode.commands.executeCommand('sessionManager.filter', 'type = ');
    const children = await kids(await sessionsList());
    assert.strictEqual(children.length, 1);
    assert.match(await labelOf(children[0]), /rejected the filter/);
    const d = String((await item(await shownList())).description ?? '');
    assert.doesNotMatch(d, /\d+ \(filtered\)/, `description: ${d}`);
    await vscode.commands.executeCommand('sessionManager.clearFilter');
  });

  it('marks an open details document of a session that was revoked as ended', async () => {
    const r = (await rows())[0];
    await vscode.commands.executeCommand('sessionManager.showDetails', r);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc && doc.uri.scheme === 'session-manager-details');
    assert.ok(!doc.getText().includes('"ended"'));
    answer([{ confirm: 'Revoke' }]);
    await vscode.commands.executeCommand('sessionManager.revokeSession', r);
    const deadline = Date.now() + 5000;
    while (!doc.getText().includes('"ended"') && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.match(doc.getText(), /"ended": "Session revoked through Session Manager at /);
    assert.ok(doc.getText().includes(r.entry.id), 'what it showed stays');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tooltip(i: vscode.TreeItem): string {
  return i.tooltip instanceof vscode.MarkdownString ? i.tooltip.value : String(i.tooltip ?? '');
}
