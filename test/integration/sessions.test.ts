// The OpenZiti Sessions view and its commands, in the real extension host against the sandbox.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { SandboxRequest } from '../sandbox/types';
import type { ZitiState } from '../sandbox/ziti';
import { ADMIN_PASSWORD, HOSTILE_SERVICE_NAME } from '../sandbox/ziti';
import type { Sandbox } from '../sandbox/server';
import { item, labelOf, labels, type RevokeSummary } from './helpers';
import { sessionsSuite } from './sessionsFixture';
import { eventually } from './zitiFixture';

const MAIN = 'zs-main';
const PROD = 'zs-prod';
const OFF = 'zs-signed-out';

interface SessionLike extends TreeNode {
  connectionId: string;
  session: { id: string; type: string; identityId: string; apiSessionId: string; token?: string; service?: { name?: string } };
}
interface GroupLike extends TreeNode {
  items: { id: string }[];
  total?: number;
}
function isSession(n: TreeNode): n is SessionLike {
  return typeof (n as SessionLike).connectionId === 'string' && typeof (n as SessionLike).session === 'object';
}
function tooltipText(i: vscode.TreeItem): string {
  return i.tooltip instanceof vscode.MarkdownString ? i.tooltip.value : String(i.tooltip ?? '');
}

describe('OpenZiti sessions view', function () {
  this.timeout(120_000);
  const requests: { method: string; path: string; filter: string | null; status?: number }[] = [];
  const suite = sessionsSuite({
    sandbox: { backends: ['ziti'] },
    async connections(api, sb) {
      const backend = sb.state.ziti;
      const original = backend.handle.bind(backend);
      backend.handle = async (req: SandboxRequest) => {
        const seen: (typeof requests)[number] = { method: req.method, path: req.path, filter: req.query.get('filter') };
        requests.push(seen);
        const res = await original(req);
        seen.status = res.status;
        return res;
      };
      const base = { backend: 'ziti' as const, endpoints: { url: sb.urls.ziti }, auth: { method: 'password' as const, username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' as const };
      await api.store.save({ ...base, id: MAIN, label: 'Sessions controller' }, { password: ADMIN_PASSWORD });
      await api.store.save({ ...base, id: PROD, label: 'Prod controller', production: true }, { password: ADMIN_PASSWORD });
      // A wrong password: whatever else tries to sign it in (another view), it never becomes signed in.
      await api.store.save({ ...base, id: OFF, label: 'Signed-out controller' }, { password: 'not-the-password' });
      return [MAIN, PROD];
    },
  });
  const { provider, kids, config, answer } = suite;
  let api: TestingApi;
  let sb: Sandbox;
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;
  before(() => {
    ({ api, sb } = suite);
  });

  async function controller(connectionId: string): Promise<TreeNode> {
    const roots = await kids();
    const c = roots.find((r) => r.id === `ziti/${connectionId}`);
    assert.ok(c, `no controller node for ${connectionId} among [${roots.map((r) => r.id).join(', ')}]`);
    return c;
  }

  async function group(connectionId: string, which: 'Sessions' | 'API Sessions'): Promise<TreeNode> {
    const groups = await kids(await controller(connectionId));
    const g = groups[(await labels(groups)).indexOf(which)];
    assert.ok(g, `no ${which} group: [${(await labels(groups)).join(', ')}]`);
    return g;
  }

  async function sessionNodes(connectionId = MAIN): Promise<SessionLike[]> {
    const g = await group(connectionId, 'Sessions');
    return (await kids(g)).filter(isSession);
  }

  function countRequests(re: RegExp, method = 'GET'): number {
    return requests.filter((r) => r.method === method && re.test(r.path)).length;
  }

  it('shows each OpenZiti controller with Sessions and API Sessions groups and their counts', async () => {
    const roots = await kids();
    assert.deepStrictEqual(await labels(roots), ['Prod controller', 'Sessions controller', 'Signed-out controller']);
    const groups = await kids(await controller(MAIN));
    assert.deepStrictEqual(await labels(groups), ['Sessions', 'API Sessions']);
    assert.deepStrictEqual(groups.map((g) => g.id), [`ziti/${MAIN}/sessions`, `ziti/${MAIN}/apiSessions`]);
    const total = state().data.sessions.size;
    await kids(groups[0]);
    assert.strictEqual((await item(groups[0])).description, `100 of ${total.toLocaleString('en-US')}`);
    await kids(groups[1]);
    assert.strictEqual((await item(groups[1])).description, String(state().data.apiSessions.size));
  });

  it('asks to sign in under a controller that is not signed in', async () => {
    // Another view may be trying (and failing) to sign in to it right now: wait for that to settle.
    await eventually('the signed-out controller to settle', () => (api.manager.state(OFF).kind === 'signingIn' ? undefined : true));
    const children = await kids(await controller(OFF));
    assert.strictEqual(children.length, 1);
    const i = await item(children[0]);
    assert.strictEqual(i.label, 'Sign in…');
    assert.strictEqual(i.command?.command, 'sessionManager.signIn');
    assert.deepStrictEqual(i.command?.arguments, [OFF]);
  });

  it('labels sessions by service, describes type · identity · age, with a safe tooltip and no token', async () => {
    (api.sessions.state.source(api.store.get(MAIN)!) as unknown as { identities: { clear(): void } }).identities.clear();
    const before = countRequests(/\/identities$/);
    const nodes = await sessionNodes();
    assert.strictEqual(nodes.length, 100);
    const identityRequests = countRequests(/\/identities$/) - before;
    const distinct = new Set(nodes.map((n) => n.session.identityId)).size;
    assert.ok(identityRequests >= 1 && identityRequests <= Math.ceil(distinct / 100), `${identityRequests} identity requests for ${distinct} identities`);
    const lastIdentityFilter = [...requests].reverse().find((r) => /\/identities$/.test(r.path))?.filter ?? '';
    assert.match(lastIdentityFilter, /^id in \[".+"\]$/);
    for (const n of nodes.slice(0, 20)) {
      const s = state().data.sessions.get(n.session.id);
      assert.ok(s, 'a real session');
      const i = await item(n);
      assert.strictEqual(i.id, `ziti/${MAIN}/session/${s.id}`);
      assert.strictEqual(i.label, state().data.services.get(s.serviceId)?.name);
      const identity = state().data.identities.get(s.identityId)?.name ?? '';
      assert.match(String(i.description), new RegExp(`^${s.type} · ${identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · (just now|\\d+ (s|min|h|d) ago)$`));
      assert.match(String(i.contextValue), s.type === 'Dial' ? /^zitiSession;canRevoke;hasDetails;hasRoute$/ : /^zitiSession;canRevoke;hasDetails$/);
      const tip = tooltipText(i);
      assert.ok(tip.includes(s.id) && tip.includes(s.apiSessionId), 'ids in the tooltip');
      assert.ok(/Allowed edge routers/.test(tip) && /(online|offline)/.test(tip), 'edge routers with state');
      // Which routers these are: the ones the session may use, not the live circuit the route path panel draws.
      assert.match(tip, /where this session may connect, not its live circuit/);
      if (s.type === 'Dial') {
        assert.match(tip, /The routers its open connection crosses now\\?: Show Route Path/);
      }
      assert.ok(/Service policies/.test(tip));
      assert.ok(!tip.includes(s.token) && !String(i.description).includes(s.token), 'never the token');
    }
  });

  it('escapes hostile service names in tooltips', async () => {
    const hostile = [...state().data.sessions.values()].find((s) => state().data.services.get(s.serviceId)?.name === HOSTILE_SERVICE_NAME);
    assert.ok(hostile, 'the sandbox has a session of the hostile service');
    await vscode.commands.executeCommand('sessionManager.filter', `serviceId = "${hostile.serviceId}"`);
    try {
      const nodes = await sessionNodes();
      assert.ok(nodes.length > 0);
      const i = await item(nodes[0]);
      assert.strictEqual(i.label, HOSTILE_SERVICE_NAME, 'the label is plain text');
      const tip = tooltipText(i);
      assert.ok(tip.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'), tip);
      assert.ok(!/[<>]/.test(tip), 'no markup at all in the Markdown source: VS Code also parses it as HTML');
      assert.ok(!(i.tooltip as vscode.MarkdownString).supportHtml);
    } finally {
      await vscode.commands.executeCommand('sessionManager.clearFilter');
    }
  });

  it('groups sessions by service, identity and type', async () => {
    try {
      await vscode.commands.executeCommand('sessionManager.groupSessionsBy', 'service');
      let buckets = await kids(await group(MAIN, 'Sessions'));
      const names = await labels(buckets.filter((b) => !b.id.endsWith('/more')));
      assert.deepStrictEqual(names, [...names].sort((a, b) => a.localeCompare(b)));
      const first = (await kids(buckets[0])).filter(isSession);
      assert.ok(first.length > 0 && first.every((s) => s.session.service?.name === names[0]));

      answer([{ pick: 'Type (Dial / Bind)' }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.groupSessionsBy'), 'type');
      assert.strictEqual(config().get('ziti.sessionGroupBy'), 'type');
      buckets = await kids(await group(MAIN, 'Sessions'));
      assert.deepStrictEqual(await labels(buckets.slice(0, 2)), ['Bind', 'Dial']);
      assert.ok((await kids(buckets[0])).filter(isSession).every((s) => s.session.type === 'Bind'));

      await vscode.commands.executeCommand('sessionManager.groupSessionsBy', 'identity');
      buckets = await kids(await group(MAIN, 'Sessions'));
      const bucket = buckets[0];
      const inBucket = (await kids(bucket)).filter(isSession);
      assert.ok(inBucket.length > 0 && new Set(inBucket.map((s) => s.session.identityId)).size === 1);
      assert.strictEqual(await labelOf(bucket), state().data.identities.get(inBucket[0].session.identityId)?.name);
    } finally {
      await vscode.commands.executeCommand('sessionManager.groupSessionsBy', 'none');
    }
  });

  it('filters on the server: free text, raw ZitiQL, saved per workspace, shown in the description, cleared', async () => {
    answer([{ input: 'web' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.filter'), 'web');
    // Sent as ZitiQL, newest first (the default order).
    const sent = 'service.name contains "web" or identity.name contains "web" sort by createdAt desc';
    assert.strictEqual(api.views.treeViews.sessions.description, 'filter: web');
    assert.strictEqual(api.sessions.state.filterText(), 'web', 'kept in workspaceState');
    let nodes = await sessionNodes();
    assert.ok(nodes.length > 0);
    for (const n of nodes) {
      const s = state().data.sessions.get(n.session.id)!;
      const svc = state().data.services.get(s.serviceId)?.name ?? '';
      const who = state().data.identities.get(s.identityId)?.name ?? '';
      assert.ok(svc.includes('web') || who.includes('web'), `${svc} / ${who} matches "web"`);
    }
    assert.strictEqual([...requests].reverse().find((r) => r.path.endsWith('/sessions'))?.filter, sent);
    const g = await group(MAIN, 'Sessions');
    await kids(g);
    assert.match(String((await item(g)).description), /^\d+ \(filtered\)$/);

    await vscode.commands.executeCommand('sessionManager.filter', 'type = "Bind"');
    nodes = await sessionNodes();
    const binds = [...state().data.sessions.values()].filter((s) => s.type === 'Bind').length;
    assert.strictEqual(nodes.length, Math.min(100, binds));
    assert.ok(nodes.every((n) => n.session.type === 'Bind'));
    assert.strictEqual(api.views.treeViews.sessions.description, 'filter: type = "Bind"');

    await vscode.commands.executeCommand('sessionManager.clearFilter');
    assert.strictEqual(api.views.treeViews.sessions.description, undefined);
    assert.strictEqual(api.sessions.state.filterText(), undefined);
    assert.strictEqual((await sessionNodes()).length, 100);
  });

  it('shows the server\'s message when it rejects a filter, and the API Sessions still load', async () => {
    await vscode.commands.executeCommand('sessionManager.filter', 'type = ');
    try {
      const children = await kids(await group(MAIN, 'Sessions'));
      assert.strictEqual(children.length, 1);
      const i = await item(children[0]);
      assert.match(String(i.contextValue), /^error;canRetry/);
      assert.match(String(i.label), /The controller rejected the filter: .+/);
      assert.ok((await kids(await group(MAIN, 'API Sessions'))).length > 1);
    } finally {
      await vscode.commands.executeCommand('sessionManager.clearFilter');
    }
  });

  it('pages with Load more… and Load all, keeping the depth on refresh', async () => {
    await config().update('pageSize', 20, vscode.ConfigurationTarget.Global);
    try {
      const total = state().data.sessions.size;
      const g = (await group(MAIN, 'Sessions')) as GroupLike;
      let children = await kids(g);
      assert.strictEqual(children.filter(isSession).length, 20);
      const more = children[children.length - 1];
      assert.strictEqual(await labelOf(more), 'Load more…');
      assert.match(String((await item(more)).contextValue), /^loadMore;canLoadAll/);
      assert.strictEqual((await item(g)).description, `20 of ${total}`);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.loadMore', g), true);
      children = await kids(g);
      assert.strictEqual(children.filter(isSession).length, 40);
      assert.strictEqual(new Set(children.map((c) => c.id)).size, children.length, 'unique ids');
      // A refresh re-reads as deep as before.
      children = await kids(g);
      assert.strictEqual(children.filter(isSession).length, 40);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.loadAll', children[children.length - 1]), true);
      children = await kids(g);
      assert.strictEqual(children.filter(isSession).length, total);
      assert.ok(!(await labels(children)).includes('Load more…'));
      assert.strictEqual((await item(g)).description, total.toLocaleString('en-US'));
    } finally {
      await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
      api.sessions.state.loadedDepth.clear();
    }
  });

  it('shows the active session count of the signed-in controllers as the badge', async () => {
    await kids(await group(MAIN, 'Sessions'));
    await kids(await group(PROD, 'Sessions'));
    const n = state().data.sessions.size;
    const badge = api.views.treeViews.sessions.badge;
    assert.ok(badge, 'a badge');
    assert.strictEqual(badge.value, 2 * n, 'both signed-in controllers (the same sandbox) count');
    assert.strictEqual(badge.tooltip, `${(2 * n).toLocaleString('en-US')} active sessions`);
  });

  it('revokes several selected sessions after one modal, with a per-item summary, and they are gone', async () => {
    const nodes = (await sessionNodes()).slice(0, 3);
    const ids = nodes.map((n) => n.session.id);
    const q = answer([{ confirm: 'Revoke 3 Sessions' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', nodes[0], nodes)) as RevokeSummary;
    assert.ok(summary, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.remaining, 0);
    const modal = q.asked[0];
    assert.match(modal.text, /^Revoke 3 sessions on Sessions controller\?$/);
    for (const n of nodes) {
      assert.ok(modal.detail?.includes(String(n.session.service?.name)), 'the preview lists each service');
    }
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked', 'revoked', 'revoked']);
    assert.strictEqual(summary.message, 'Revoked 3 sessions.');
    for (const id of ids) {
      assert.ok(!state().data.sessions.has(id), `${id} deleted on the controller`);
    }
    const after = await sessionNodes();
    assert.ok(after.every((n) => !ids.includes(n.session.id)), 'gone from the tree after the refresh');
    const g = await group(MAIN, 'Sessions');
    await kids(g);
    assert.strictEqual((await item(g)).description, `100 of ${state().data.sessions.size}`);
  });

  it('does not revoke when the modal is cancelled', async () => {
    const [n] = await sessionNodes();
    const q = answer([{ confirm: undefined }]);
    const result = await vscode.commands.executeCommand('sessionManager.revokeSession', n);
    assert.strictEqual(result, undefined);
    assert.match(q.asked[0].text, new RegExp(`^Revoke the ${n.session.type} session of service ".+" for identity ".+" on Sessions controller\\?$`));
    assert.ok(state().data.sessions.has(n.session.id));
  });

  it('counts a session someone else already deleted as revoked ("already ended")', async () => {
    const [n] = await sessionNodes();
    state().data.sessions.delete(n.session.id);
    answer([{ confirm: 'Revoke' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', n)) as RevokeSummary;
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['already-ended']);
    assert.match(summary.message, /had already ended/);
    // Called as the route-path panel does, for an id that is gone: no modal, no error.
    const q = answer([]);
    const again = (await vscode.commands.executeCommand('sessionManager.revokeSession', { connectionId: MAIN, sessionId: n.session.id })) as RevokeSummary;
    assert.deepStrictEqual(again.results.map((r) => r.outcome), ['already-ended']);
    assert.strictEqual(q.asked.length, 0);
  });

  it('revokes from the palette through a picker, and by {connectionId, sessionId}', async () => {
    const nodes = await sessionNodes();
    // Only this controller's sessions are loaded (the picker offers loaded sessions; labels are service names).
    const loaded = api.sessions.state.rows;
    for (const [id, n] of [...loaded]) {
      if (n.connectionId !== MAIN) {
        loaded.delete(id);
      }
    }
    const before = state().data.sessions.size;
    const label = String(nodes[5].session.service?.name);
    const q = answer([{ pick: label }, { confirm: 'Revoke' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession')) as RevokeSummary;
    assert.strictEqual(q.remaining, 0);
    assert.strictEqual(q.asked[0].kind, 'pick');
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    assert.strictEqual(state().data.sessions.size, before - 1);

    const target = (await sessionNodes())[0].session;
    answer([{ confirm: 'Revoke' }]);
    const byId = (await vscode.commands.executeCommand('sessionManager.revokeSession', { connectionId: MAIN, sessionId: target.id })) as RevokeSummary;
    assert.deepStrictEqual(byId.results.map((r) => r.outcome), ['revoked']);
    assert.ok(!state().data.sessions.has(target.id));
  });

  it('requires typing the controller name on a production connection', async () => {
    const [n] = await sessionNodes(PROD);
    let q = answer([{ confirm: 'Revoke' }, { typed: 'prod controller' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.revokeSession', n), undefined);
    assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
    assert.match(q.asked[1].text, /Prod controller is a production controller/);
    assert.ok(state().data.sessions.has(n.session.id), 'a wrong name revokes nothing');
    q = answer([{ confirm: 'Revoke' }, { typed: 'Prod controller' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', n)) as RevokeSummary;
    assert.strictEqual(q.remaining, 0);
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    assert.ok(!state().data.sessions.has(n.session.id));
  });

  it('bulk revoke on a production controller types its name, not a count', async () => {
    const nodes = (await sessionNodes(PROD)).slice(0, 2);
    let q = answer([{ confirm: 'Revoke 2 Sessions' }, { typed: '2' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.revokeSession', nodes[0], nodes), undefined);
    assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
    assert.match(q.asked[1].text, /^Prod controller is a production controller\. Type its name to revoke all 2 sessions on it\.$/);
    assert.ok(nodes.every((n) => state().data.sessions.has(n.session.id)), 'a count is not the name: nothing revoked');
    q = answer([{ confirm: 'Revoke 2 Sessions' }, { typed: 'Prod controller' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', nodes[0], nodes)) as RevokeSummary;
    assert.strictEqual(q.remaining, 0);
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked', 'revoked']);
  });

  it('acts on the row it was invoked on, or on the selection that contains it; never a picker', async () => {
    const apiNodes = (await kids(await group(MAIN, 'API Sessions'))).filter((a) => !state().data.apiSessions.get(a.id.split('/').pop() ?? '')?.interactive);
    const [a, b, c] = apiNodes;
    const labelOf = async (n: TreeNode): Promise<string> => String((await item(n)).label);
    // Right-click on a row outside the selection: that row only.
    let q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.revokeApiSession', a, [b, c]);
    assert.deepStrictEqual(q.asked.map((x) => x.kind), ['confirm'], 'one modal, no picker');
    assert.ok(q.asked[0].text.startsWith(`End the API session of ${await labelOf(a)} `), q.asked[0].text);
    // Right-click inside a multi-selection: the selection.
    q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.revokeApiSession', b, [b, c]);
    assert.match(q.asked[0].text, /^End 2 API sessions and their/);
    assert.ok(q.asked[0].detail?.includes(await labelOf(b)) && q.asked[0].detail?.includes(await labelOf(c)), q.asked[0].detail);
    assert.ok(!q.asked[0].detail?.includes(`• ${await labelOf(a)} `), 'not the row outside the selection');
    // The same for sessions.
    const [s1, s2, s3] = await sessionNodes();
    q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.revokeSession', s1, [s2, s3]);
    assert.deepStrictEqual(q.asked.map((x) => x.kind), ['confirm']);
    assert.match(q.asked[0].text, /^Revoke the (Dial|Bind) session of service/);
    assert.ok(q.asked[0].detail?.includes(s1.session.id), 'the clicked session');
    for (const n of [a, b, c]) {
      assert.ok(state().data.apiSessions.has(n.id.split('/').pop() ?? ''), 'Cancel ended nothing');
    }
  });

  it('still warns "you will be signed out" when it cannot tell whether an API session is its own', async () => {
    const [a] = (await kids(await group(MAIN, 'API Sessions'))).filter((n) => !state().data.apiSessions.get(n.id.split('/').pop() ?? '')?.interactive);
    // Known not to be ours: no warning.
    let q = answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.revokeApiSession', a);
    assert.ok(!/signed out/.test(q.asked[0].detail ?? ''), q.asked[0].detail);
    // The check fails: the warning shows (fail closed).
    sb.faults.set('ziti', { mode: 'server-error', pathRegex: '/current-api-session$' });
    try {
      q = answer([{ confirm: undefined }]);
      await vscode.commands.executeCommand('sessionManager.revokeApiSession', a);
    } finally {
      sb.faults.clear('ziti');
    }
    assert.strictEqual(q.asked[0]?.kind, 'confirm', JSON.stringify(api.recentErrors.slice(-1)));
    assert.match(q.asked[0].detail ?? '', /could not check whether this is the API session it uses itself .*: if it is, you will be signed out of that controller\./);
  });

  it('expands an API session into its sessions through a server-side filter, and ends it with its sessions', async () => {
    const apiNodes = await kids(await group(MAIN, 'API Sessions'));
    let chosen: TreeNode | undefined;
    let sessionsOf: string[] = [];
    for (const a of apiNodes) {
      const id = a.id.split('/').pop() ?? '';
      const own = state().data.apiSessions.get(id)?.interactive;
      const mine = [...(state().sessionsByApiSession.get(id) ?? [])];
      if (!own && mine.length >= 2) {
        chosen = a;
        sessionsOf = mine;
        break;
      }
    }
    assert.ok(chosen, 'an API session with sessions');
    const i = await item(chosen);
    assert.match(String(i.contextValue), /^zitiApiSession;canEndLogin;hasDetails$/);
    assert.match(String(i.description), /MFA/);
    const apiId = chosen.id.split('/').pop() ?? '';
    const children = (await kids(chosen)).filter(isSession);
    assert.deepStrictEqual(children.map((c) => c.session.id).sort(), [...sessionsOf].sort());
    assert.ok(children.every((c) => c.id.startsWith(`${chosen!.id}/session/`)), 'ids differ from the Sessions group ones');
    assert.strictEqual([...requests].reverse().find((r) => r.path.endsWith('/sessions'))?.filter, `apiSessionId = "${apiId}" sort by createdAt desc`);

    const q = answer([{ confirm: 'End API Session' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeApiSession', chosen)) as RevokeSummary;
    assert.ok(summary, JSON.stringify(api.recentErrors.slice(-1)));
    assert.match(q.asked[0].text, new RegExp(`and its ${sessionsOf.length} sessions\\?$`));
    assert.ok(!state().data.apiSessions.has(apiId));
    for (const s of sessionsOf) {
      assert.ok(!state().data.sessions.has(s));
    }
    const ids = (await kids(await group(MAIN, 'API Sessions'))).map((n) => n.id);
    assert.ok(!ids.includes(chosen.id));
  });

  it('shows details, copies the id and the JSON, all without the token', async () => {
    const [n] = await sessionNodes();
    const token = state().data.sessions.get(n.session.id)?.token ?? '';
    assert.ok(token.length > 8);
    await vscode.commands.executeCommand('sessionManager.showDetails', n);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(text.includes(n.session.id), 'details show the session');
    assert.ok(!text.includes(token), 'details never show the token');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.copyId', n), n.session.id);
    assert.strictEqual(await vscode.env.clipboard.readText(), n.session.id);

    await vscode.commands.executeCommand('sessionManager.copyJson', n);
    const copied = await vscode.env.clipboard.readText();
    const parsed = JSON.parse(copied) as { id: string; token: string; identity: { name: string } };
    assert.strictEqual(parsed.id, n.session.id);
    assert.notStrictEqual(parsed.token, token);
    assert.ok(!copied.includes(token), 'the token is not copied');
    assert.strictEqual(parsed.identity.name, state().data.identities.get(n.session.identityId)?.name);
  });

  it('finds a session by id beyond the first page and reveals it in the tree', async () => {
    await vscode.commands.executeCommand('sessionManager.sessions.focus');
    const all = [...state().data.sessions.values()];
    const target = all[150];
    const q = answer([{ input: target.id }]);
    const result = (await vscode.commands.executeCommand('sessionManager.findSession')) as { connectionId: string; sessionId: string; shown: string } | undefined;
    assert.strictEqual(q.remaining, 0);
    assert.ok(result, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(result.sessionId, target.id);
    assert.strictEqual(result.shown, 'revealed', JSON.stringify(result));
    const selected = api.views.treeViews.sessions.selection.map((s) => s.id);
    assert.ok(selected.some((id) => id.endsWith(`/session/${target.id}`)), `selection: ${selected.join(', ')}`);
    answer([{ input: 'no-such-session' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.findSession'), undefined);
  });

  for (const mode of ['rate-limit', 'server-error', 'unavailable', 'reset', 'malformed-json', 'html-502'] as const) {
    it(`shows a ${mode} fault as an error node in Sessions only; API Sessions and the other controller stay`, async () => {
      sb.faults.set('ziti', { mode, pathRegex: '/sessions$', retryAfterSeconds: 0 });
      try {
        const children = await kids(await group(MAIN, 'Sessions'));
        // The failure shows as the last row; the sessions read before it stay, the list marked stale (never blanked).
        const i = await item(children[children.length - 1]);
        assert.match(String(i.contextValue), /^error;canRetry/);
        assert.match(String(i.label), /Sessions controller: list sessions failed: .+/);
        if (children.length > 1) {
          assert.ok(children.slice(0, -1).every(isSession), 'the earlier rows');
          assert.match(String((await item(provider().findById(`ziti/${MAIN}/sessions`)!)).description), /\(stale\)/);
        }
        assert.ok((await kids(await group(MAIN, 'API Sessions'))).length > 1, 'API Sessions intact');
        assert.deepStrictEqual(await labels(await kids(await controller(PROD))), ['Sessions', 'API Sessions'], 'the other controller intact');
      } finally {
        sb.faults.clear('ziti');
      }
      assert.ok((await sessionNodes()).length > 0, 'recovers after the fault');
    });
  }

  it('re-authenticates once when the API session expires mid-browse, whatever the number of nodes', async () => {
    const q = answer([]);
    sb.faults.set('ziti', { expireTokens: true });
    sb.faults.clear('ziti');
    const before = requests.length;
    const [sessions, apiSessions] = await Promise.all([kids(await group(MAIN, 'Sessions')), kids(await group(MAIN, 'API Sessions')).catch(() => [])]);
    assert.ok(sessions.filter(isSession).length > 0, `sessions: ${(await labels(sessions)).join(', ')}`);
    assert.ok(apiSessions.length > 1, `API sessions: ${(await labels(apiSessions)).join(', ')}`);
    // Exactly one re-authentication for the expired token, whatever the number of nodes. (Failed attempts of the
    // signed-out controller with its wrong password, which other views may start, are not sign-ins.)
    const auth = requests.slice(before).filter((r) => r.method === 'POST' && /\/authenticate$/.test(r.path));
    const signIns = auth.filter((r) => r.status === 200).length;
    assert.strictEqual(signIns, 1, `${signIns} sign-ins for ${sessions.length + apiSessions.length} nodes; authenticate answers: ${auth.map((r) => r.status).join(', ')}`);
    assert.strictEqual(q.asked.length, 0, 'no prompt');
  });

  it('auto-refreshes while the view is visible', async () => {
    const zs = api.sessions;
    assert.ok(zs);
    await vscode.commands.executeCommand('sessionManager.sessions.focus');
    const before = zs.autoRefreshCount();
    await config().update('autoRefreshSeconds', 1, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(api.views.treeViews.sessions.visible, true);
      assert.ok(zs.autoRefresh.active, 'scheduled while visible');
      const deadline = Date.now() + 10_000;
      while (zs.autoRefreshCount() === before && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(zs.autoRefreshCount() > before, 'a refresh fired');
    } finally {
      await config().update('autoRefreshSeconds', 0, vscode.ConfigurationTarget.Global);
    }
    assert.strictEqual(zs.autoRefresh.active, false, '0 turns it off');
  });
});
