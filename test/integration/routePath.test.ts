import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { WebviewRecord } from '../../src/webviews/registry';
import { isHostMessage, type PathView as RoutePathView } from '../../src/webviews/path/protocol';
import type { SandboxRequest } from '../sandbox/types';
import { HOSTILE_SERVICE_NAME } from '../sandbox/ziti/index';
import { testingApi } from './helpers';
import { QueuedInput } from './queuedInput';
import { eventually, ZitiFixture, zitiFixture } from './zitiFixture';
import { pathPanelDriver } from './pathPanel';

type SandboxSession = ReturnType<ZitiFixture['state']>['data']['sessions'] extends Map<string, infer S> ? S : never;

describe('route path panel (OpenZiti sandbox)', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let fx: ZitiFixture;

  before(async () => {
    api = await testingApi();
    fx = await zitiFixture(api, 'ziti-route-path', 'Route controller');
  });

  after(async () => {
    api.setUserInput(undefined);
    for (const r of api.webviews.list('routePath')) {
      r.dispose();
    }
    await fx.stop();
  });

  function sessions(): SandboxSession[] {
    return [...fx.state().data.sessions.values()];
  }

  function serviceName(s: SandboxSession): string {
    return fx.state().data.services.get(s.serviceId)?.name ?? '';
  }

  const { open, rendered, refreshed } = pathPanelDriver(() => api, 'routePath', 'sessionManager.showRoutePath');

  it('draws identity → ingress → transit → egress → service, with names and online state resolved', async () => {
    const st = fx.state();
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length >= 3 && serviceName(x) !== HOSTILE_SERVICE_NAME);
    assert.ok(s, 'the sandbox has a Dial session with a transit hop');
    const rec = await open({ connectionId: fx.connectionId, sessionId: s.id });
    const view = await rendered(rec);
    assert.strictEqual(view.state, 'path');
    assert.strictEqual(view.hops.length, s.routePath.length + 2);
    assert.deepStrictEqual(
      view.hops.map((h) => h.role),
      ['identity', 'ingress', ...s.routePath.slice(1, -1).map(() => 'transit'), 'egress', 'service'],
    );
    assert.strictEqual(view.hops[0].name, st.data.identities.get(s.identityId)?.name);
    assert.strictEqual(view.hops[view.hops.length - 1].name, serviceName(s));
    s.routePath.forEach((rid, i) => {
      const router = st.data.routers.get(rid);
      assert.ok(router);
      const hop = view.hops[i + 1];
      assert.strictEqual(hop.name, router.name);
      assert.strictEqual(hop.online, router.isOnline);
      assert.strictEqual(hop.detail, router.isEdge ? 'edge router' : 'fabric router', 'a fabric-only transit router resolves through /routers');
    });
    const html = rec.html();
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src [^;]+; script-src 'nonce-([A-Za-z0-9+/=]+)'; img-src [^;]+ data:;/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(html)?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}" src="`), 'the script carries the nonce');
    assert.match(html, /src="[^"]*dist\/webviews\/path\.js"/);
    assert.ok(!/<script(?![^>]*nonce=)/.test(html), 'no script without the nonce');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  });

  it('renders a hostile service name as text only: escaped in the HTML, plain text in the message', async () => {
    let s = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0 && serviceName(x) === HOSTILE_SERVICE_NAME);
    if (!s) {
      // Seeds vary: give a hostile-named Dial session a circuit of the first Dial session that has one.
      const hostile = sessions().find((x) => x.type === 'Dial' && serviceName(x) === HOSTILE_SERVICE_NAME);
      const donor = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0);
      assert.ok(hostile && donor);
      hostile.routePath = [...donor.routePath];
      s = hostile;
    }
    const rec = await open({ connectionId: fx.connectionId, session: { id: s.id, type: 'Dial', service: { name: HOSTILE_SERVICE_NAME } } });
    const view = await rendered(rec);
    const html = rec.html();
    assert.ok(!html.includes('<img src=x'), 'no raw <img src=x in the HTML');
    assert.ok(!html.includes('onerror=alert(1)>'), 'the hostile name is not markup');
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'), 'the name is in the page, escaped');
    assert.strictEqual(view.serviceName, HOSTILE_SERVICE_NAME, 'the message carries the name as plain text');
    assert.strictEqual(view.hops[view.hops.length - 1].name, HOSTILE_SERVICE_NAME);
  });

  it('keeps one panel per session: a second call reveals the same panel', async () => {
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0);
    assert.ok(s);
    const first = await open({ connectionId: fx.connectionId, sessionId: s.id });
    const reveals = first.reveals;
    const second = await open({ connectionId: fx.connectionId, sessionId: s.id });
    assert.strictEqual(second, first, 'the same panel');
    assert.strictEqual(first.reveals, reveals + 1, 'revealed again');
    assert.strictEqual(api.webviews.list('routePath').filter((r) => r.key === first.key).length, 1);
  });

  it('shows an empty state for a Bind session and for a Dial session without a circuit', async () => {
    const bind = sessions().find((x) => x.type === 'Bind');
    assert.ok(bind);
    const bindView = await rendered(await open({ connectionId: fx.connectionId, sessionId: bind.id }));
    assert.strictEqual(bindView.state, 'empty');
    assert.strictEqual(bindView.hops.length, 0);
    assert.match(bindView.message ?? '', /Bind session/);
    const idle = sessions().find((x) => x.type === 'Dial' && x.routePath.length === 0);
    assert.ok(idle, 'the sandbox has a Dial session without a circuit');
    const idleView = await rendered(await open({ connectionId: fx.connectionId, sessionId: idle.id }));
    assert.strictEqual(idleView.state, 'empty');
    assert.match(idleView.message ?? '', /No live circuit/);
  });

  /** Whether, after `from`, the panel was told a render and then that nothing is loading (its status leaves "Loading…"). */
  function settledAfter(rec: WebviewRecord, from: number): boolean {
    const msgs = rec.posted.slice(from) as { type: string; busy?: boolean }[];
    const r = msgs.findIndex((m) => m.type === 'render');
    return r >= 0 && msgs.slice(r).some((m) => m.type === 'busy' && m.busy === false) && msgs[msgs.length - 1].type === 'busy' && msgs[msgs.length - 1].busy === false;
  }

  it('no live circuit: a reloaded webview gets the message and the end of loading, not only the last render', async () => {
    const idle = sessions().find((x) => x.type === 'Dial' && x.routePath.length === 0);
    assert.ok(idle, 'the sandbox has a Dial session without a circuit');
    const rec = await open({ connectionId: fx.connectionId, sessionId: idle.id });
    const view = await rendered(rec);
    assert.strictEqual(view.state, 'empty');
    assert.match(view.message ?? '', /No live circuit/);
    await eventually('the first load settled', () => (settledAfter(rec, 0) ? true : undefined));
    // The webview page starts with "Loading the route path…": whenever it (re)loads, it must be told that loading ended.
    rec.posted.length = 0;
    await rec.receive({ type: 'ready' });
    assert.ok(settledAfter(rec, 0), `after "ready" the panel sent ${JSON.stringify(rec.posted.map((m) => (m as { type: string; busy?: boolean }).busy ?? (m as { type: string }).type))}`);
    assert.strictEqual((rec.posted.find((m) => (m as { type: string }).type === 'render') as { view: RoutePathView }).view.state, 'empty');
  });

  it('a panel hidden behind another tab and shown again renders and leaves "Loading…"', async () => {
    const dials = sessions().filter((x) => x.type === 'Dial' && x.routePath.length > 0);
    assert.ok(dials.length >= 2);
    const first = await open({ connectionId: fx.connectionId, sessionId: dials[0].id });
    await rendered(first);
    await eventually('the first panel settled', () => (settledAfter(first, 0) ? true : undefined));
    // A second panel in the same editor group hides the first: VS Code drops the first's page (no retained context).
    const second = await open({ connectionId: fx.connectionId, sessionId: dials[1].id });
    await rendered(second);
    first.posted.length = 0;
    // Back to the first tab: its page loads again and says "ready".
    const tab = vscode.window.tabGroups.activeTabGroup.tabs.find((t) => t.input instanceof vscode.TabInputWebview && t.label === (first as unknown as { panel: vscode.WebviewPanel }).panel.title);
    assert.ok(tab, 'the first panel has a tab');
    await vscode.commands.executeCommand('workbench.action.openPreviousRecentlyUsedEditorInGroup');
    await eventually('the first panel is visible again', () => ((first as unknown as { panel: vscode.WebviewPanel }).panel.visible ? true : undefined));
    await eventually('the shown panel got a render and the end of loading', () => (settledAfter(first, 0) ? true : undefined), 15_000);
  });

  it('gives panels of two sessions of the same service different titles', async () => {
    const dials = sessions().filter((x) => x.type === 'Dial');
    const a = dials[0];
    const b = dials.find((x) => x !== a && x.serviceId === a.serviceId) ?? dials[1];
    // Two sessions of one service: the case where a title by service alone repeats.
    b.serviceId = a.serviceId;
    const recA = await open({ connectionId: fx.connectionId, sessionId: a.id });
    const recB = await open({ connectionId: fx.connectionId, sessionId: b.id });
    await rendered(recA);
    await rendered(recB);
    const titles = await eventually('both titles name the service', () => {
      const t = [recA, recB].map((r) => (r as unknown as { panel: vscode.WebviewPanel }).panel.title);
      return t.every((x) => x.includes(serviceName(a))) ? t : undefined;
    });
    assert.notStrictEqual(titles[0], titles[1], `titles: ${titles.join(' | ')}`);
    const tabLabels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).map((t) => t.label);
    await eventually(`the tabs show both titles (${titles.join(' | ')})`, () => (tabLabels().includes(titles[0]) && tabLabels().includes(titles[1]) ? true : undefined), 10_000);
  });

  it('names an unknown router id as such, and shows the ended state once the session is gone', async () => {
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length >= 2);
    assert.ok(s);
    const rec = await open({ connectionId: fx.connectionId, sessionId: s.id });
    await rendered(rec);
    s.routePath = [s.routePath[0], 'no-such-router', ...s.routePath.slice(1)];
    const view = await refreshed(rec);
    const unknown = view.hops.find((h) => h.id === 'no-such-router');
    assert.ok(unknown, 'the unknown id is still a hop');
    assert.strictEqual(unknown.name, 'unknown router no-such-router');
    assert.strictEqual(unknown.known, false);
    assert.strictEqual(unknown.role, 'transit');
    fx.state().data.sessions.delete(s.id);
    const ended = await refreshed(rec);
    assert.strictEqual(ended.state, 'ended');
    assert.match(ended.message ?? '', /This session has ended/);
    assert.strictEqual(ended.canRevoke, false);
  });

  it('ignores malformed messages from the webview', async () => {
    const s = sessions().find((x) => x.type === 'Dial');
    assert.ok(s);
    const rec = await open({ connectionId: fx.connectionId, sessionId: s.id });
    await rendered(rec);
    rec.posted.length = 0;
    for (const bad of [null, 'refresh', { type: 'refresh', extra: 1 }, { type: 'eval', code: 'alert(1)' }, [{ type: 'revoke' }]]) {
      await rec.receive(bad);
    }
    assert.strictEqual(rec.posted.length, 0, 'nothing was done for a malformed message');
  });

  it('revokes from the panel after the same confirmation, then shows the ended state', async () => {
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0);
    assert.ok(s);
    const rec = await open({ connectionId: fx.connectionId, sessionId: s.id });
    const before = await rendered(rec);
    assert.strictEqual(before.canRevoke, true);
    const q = new QueuedInput([{ confirm: 'Revoke' }], api.BACK);
    api.setUserInput(q);
    rec.posted.length = 0;
    await rec.receive({ type: 'revoke' });
    const after = await rendered(rec);
    assert.strictEqual(q.remaining, 0, `the revoke confirmation was asked; errors: ${JSON.stringify(api.recentErrors.slice(-2))}`);
    assert.match(q.asked[0].text, /Revoke/);
    assert.strictEqual(after.state, 'ended');
    assert.ok(!fx.state().data.sessions.has(s.id), 'the session is gone from the controller');
  });

  it('a session revoked from the tree shows as ended in its open panel at once', async () => {
    // The row of a Dial session with a circuit, as the Sessions view shows it.
    type Row = { id: string; connectionId: string; session: { id: string; type: string } };
    const tree = api.views.providers.sessions;
    const rows = async (): Promise<Row[]> => {
      const controller = (await tree.getChildren()).find((n) => n.id === `ziti/${fx.connectionId}`);
      assert.ok(controller, 'the controller is in the Sessions view');
      const groups = await tree.getChildren(controller);
      const group = groups.find((g) => g.id.endsWith('/sessions')) ?? groups[0];
      return (await tree.getChildren(group)).filter((n) => typeof (n as unknown as Row).session === 'object') as unknown as Row[];
    };
    const row = (await rows()).find((r) => r.session.type === 'Dial' && (fx.state().data.sessions.get(r.session.id)?.routePath.length ?? 0) > 0);
    assert.ok(row, 'a Dial session with a circuit among the rows of the Sessions view');
    const rec = await open(row);
    assert.strictEqual((await rendered(rec)).state, 'path');
    rec.posted.length = 0;
    const q = new QueuedInput([{ confirm: 'Revoke' }], api.BACK);
    api.setUserInput(q);
    // A load of the panel is running when the revoke happens (as an auto-refresh or the webview's "ready" may be):
    // its answer, read before the DELETE, must not be the last word. The panel's identity read is slow, so its load
    // (route path read before the DELETE) answers after it.
    fx.sb.faults.set('ziti', { latencyMs: 1500, pathRegex: '/identities/[^/]+$' });
    let running: Promise<void>;
    try {
      running = rec.receive({ type: 'refresh' });
      // From the tree: the row itself is the command's argument, as the context menu passes it.
      await vscode.commands.executeCommand('sessionManager.revokeSession', row);
    } finally {
      fx.sb.faults.clear('ziti');
    }
    await running;
    assert.strictEqual(q.remaining, 0, 'the revoke was confirmed');
    assert.ok(!fx.state().data.sessions.has(row.session.id), 'the session is gone from the controller');
    // No refresh message from the panel: the revoke itself reloads it.
    const after = await eventually('the panel shows the session ended', () => {
      const last = rec.posted.filter((x) => (x as { type: string }).type === 'render').pop() as { view: RoutePathView } | undefined;
      return last?.view.state === 'ended' ? last.view : undefined;
    }, 10_000);
    assert.strictEqual(after.state, 'ended');
    await eventually('the row gone from the tree', async () => ((await rows()).some((r) => r.session.id === row.session.id) ? undefined : true));
  });

  it('from the palette: asks for the session id', async () => {
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0);
    assert.ok(s);
    const several = api.store.list().filter((c) => c.backend === 'ziti').length > 1;
    const q = new QueuedInput([...(several ? [{ pick: fx.label }] : []), { input: '' }, { input: s.id }], api.BACK);
    api.setUserInput(q);
    const res = (await vscode.commands.executeCommand('sessionManager.showRoutePath')) as { key: string } | undefined;
    assert.ok(res);
    assert.strictEqual(res.key, `${fx.connectionId}/${s.id}`);
    assert.strictEqual(q.asked.find((a) => a.kind === 'input')?.validation, 'Enter a session id.', 'an empty id is refused');
  });
  /** A Dial session with a circuit whose panel draws its path now. */
  async function drawnPanel(): Promise<{ s: SandboxSession; rec: WebviewRecord }> {
    const s = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0 && serviceName(x) !== HOSTILE_SERVICE_NAME && x.routePath.every((r) => fx.state().data.routers.has(r)));
    assert.ok(s, 'a Dial session with a circuit');
    const rec = await open({ connectionId: fx.connectionId, sessionId: s.id });
    const view = await refreshed(rec);
    assert.strictEqual(view.state, 'path', view.message);
    return { s, rec };
  }

  const faults: { mode: 'server-error' | 'html-502' | 'malformed-json'; message: RegExp }[] = [
    { mode: 'server-error', message: /read the route path failed: 500 UNHANDLED/ },
    { mode: 'html-502', message: /read the route path failed: .*HTML page \(status 502\)/ },
    { mode: 'malformed-json', message: /read the route path failed: .*malformed JSON/ },
  ];
  for (const { mode, message } of faults) {
    it(`shows its error state with a clear message when the route-path request fails (${mode}), and Refresh draws the path again`, async () => {
      const { s, rec } = await drawnPanel();
      fx.sb.faults.set('ziti', { mode, pathRegex: '/route-path$' });
      try {
        const view = await refreshed(rec);
        assert.strictEqual(view.state, 'error');
        assert.match(view.message ?? '', message);
        assert.match(view.message ?? '', /^Route controller: /, 'the message names the controller');
        assert.strictEqual(view.hops.length, 0);
        assert.strictEqual(view.canRevoke, false);
        assert.strictEqual(view.serviceName, serviceName(s), 'the panel still says which session it is');
        assert.strictEqual(view.sessionId, s.id);
      } finally {
        fx.sb.faults.clear('ziti');
      }
      const again = await refreshed(rec);
      assert.strictEqual(again.state, 'path', again.message);
      assert.strictEqual(again.hops.length, s.routePath.length + 2);
      assert.deepStrictEqual(
        again.hops.slice(1, -1).map((h) => h.id),
        s.routePath,
      );
    });
  }

  it('says why instead of showing nothing or a stale path when a path is over the limits', async () => {
    const { s, rec } = await drawnPanel();
    const st = fx.state();
    const router = st.data.routers.get(s.routePath[0]);
    const identity = st.data.identities.get(s.identityId);
    assert.ok(router && identity);
    const [routerName, identityName, routePath] = [router.name, identity.name, [...s.routePath]];
    const backend = fx.sb.state.ziti;
    const original = backend.handle;
    let routerLookups = 0;
    backend.handle = (req: SandboxRequest) => {
      if (/\/(edge-routers|routers)\/[^/]+$/.test(req.path)) {
        routerLookups++;
      }
      return original.call(backend, req);
    };
    try {
      // A name longer than the panel shows.
      router.name = 'r'.repeat(5000);
      let view = await refreshed(rec);
      assert.strictEqual(view.state, 'error', 'not a path the webview would refuse (and so keep the old one)');
      assert.match(view.message ?? '', /cannot show: the name of step 2 has 5,000 characters, more than the 2,000 the panel shows\.$/);
      assert.ok(isHostMessage({ type: 'render', view }), 'the webview accepts what it is sent');
      router.name = routerName;
      // A name that is not text.
      (identity as { name: unknown }).name = 42;
      view = await refreshed(rec);
      assert.strictEqual(view.state, 'path');
      assert.match(view.hops[0].name, /\(the controller sent a name that is not text\)$/);
      assert.ok(isHostMessage({ type: 'render', view }));
      identity.name = identityName;
      // More routers than the panel can draw: said at once, without looking each one up.
      s.routePath = Array.from({ length: 70 }, (_, i) => routePath[i % routePath.length]);
      routerLookups = 0;
      view = await refreshed(rec);
      assert.strictEqual(view.state, 'error');
      assert.match(view.message ?? '', /too long to show: it crosses 70 routers, and the panel draws at most 62/);
      assert.strictEqual(routerLookups, 0, 'no lookups for a path that cannot be drawn');
      assert.ok(isHostMessage({ type: 'render', view }));
    } finally {
      backend.handle = original;
      router.name = routerName;
      identity.name = identityName;
      s.routePath = routePath;
    }
    assert.strictEqual((await refreshed(rec)).state, 'path', 'back to the path');
  });

  it('re-authenticates silently, once, when the API session expired, and draws the paths', async () => {
    const first = await drawnPanel();
    const second = sessions().find((x) => x.type === 'Dial' && x.routePath.length > 0 && x.id !== first.s.id && x.routePath.every((r) => fx.state().data.routers.has(r)));
    assert.ok(second, 'a second Dial session with a circuit');
    const rec2 = await open({ connectionId: fx.connectionId, sessionId: second.id });
    assert.strictEqual((await refreshed(rec2)).state, 'path');
    const backend = fx.sb.state.ziti;
    const original = backend.handle;
    let signIns = 0;
    backend.handle = (req: SandboxRequest) => {
      if (req.method === 'POST' && /\/authenticate$/.test(req.path)) {
        signIns++;
      }
      return original.call(backend, req);
    };
    const q = new QueuedInput([], api.BACK);
    api.setUserInput(q);
    try {
      fx.sb.faults.set('ziti', { expireTokens: true });
      fx.sb.faults.clear('ziti');
      const [a, b] = await Promise.all([refreshed(first.rec), refreshed(rec2)]);
      assert.strictEqual(a.state, 'path', a.message);
      assert.strictEqual(b.state, 'path', b.message);
      assert.strictEqual(a.hops.length, first.s.routePath.length + 2);
      assert.strictEqual(b.hops.length, second.routePath.length + 2);
      assert.strictEqual(signIns, 1, `${signIns} sign-ins for two panels`);
      assert.strictEqual(q.asked.length, 0, 'no prompt');
      assert.strictEqual(api.manager.state(fx.connectionId).kind, 'signedIn');
    } finally {
      backend.handle = original;
      api.setUserInput(undefined);
    }
  });
});
