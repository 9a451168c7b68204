import * as assert from 'assert';
import { ApiError } from '../../src/http/errors';
import { MAX_ROUTERS, resolveRoutePath, ROUTER_LOOKUP_CONCURRENCY, routerRole, ZitiCaller } from '../../src/backends/ziti/routePath/resolve';
import { routePathContent, RoutePathPageOptions, ROUTE_PATH_SOURCE, routePathTexts, routePathTitle } from '../../src/backends/ziti/routePath/page';
import { routePathTargetFrom } from '../../src/backends/ziti/routePath/target';
import { contentSecurityPolicy, escapeAttr, escapeHtml, makeNonce, renderPage } from '../../src/webviews/html';
import { isHostMessage, isPathPanelState as isRoutePathPanelState, isPathView as isRoutePathView, isWebviewMessage, MAX_HOPS, PathView as RoutePathView, viewProblem } from '../../src/webviews/path/protocol';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** The page as the panel host (src/webviews/panelHost.ts) composes it: the shell and CSP of html.ts around the content. */
function renderRoutePathPage(o: RoutePathPageOptions & { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  return renderPage({ cspSource: o.cspSource, nonce: o.nonce, styles: [o.styleUri], script: o.scriptUri, ...routePathContent(o) });
}

function notFound(path: string): ApiError {
  return new ApiError({ kind: 'http', status: 404, connectionLabel: 'c', operation: `GET ${path}`, summary: 'not found' });
}

/** A fake management API: path → data (a 404 for anything else), recording the paths asked. */
function fakeApi(routes: Record<string, unknown>): ZitiCaller & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async api<T>(req: { path: string }): Promise<T> {
      asked.push(req.path);
      if (!(req.path in routes)) {
        throw notFound(req.path);
      }
      return { data: routes[req.path] } as T;
    },
  };
}

const opts = { connectionId: 'c1', connectionLabel: 'Lab', sessionId: 's1', autoRefreshSeconds: 60, now: () => Date.parse('2025-06-01T10:00:00Z') };

/** A view as the panel posts it: with the words routePathTexts gives it. */
function rendered(view: RoutePathView): RoutePathView {
  return { ...view, texts: routePathTexts(view) };
}

function sampleView(): RoutePathView {
  return rendered({
    state: 'path',
    connectionId: 'c1',
    connectionLabel: 'Lab',
    sessionId: 's1',
    serviceName: HOSTILE,
    sessionType: 'Dial',
    identityName: 'alice',
    hops: [{ role: 'identity', roleLabel: 'client identity', id: 'i1', name: 'alice', known: true }],
    updatedAt: '2025-06-01T10:00:00.000Z',
    canRevoke: true,
    autoRefreshSeconds: 60,
  });
}

describe('route path: resolving router ids', () => {
  it('resolves edge routers, a fabric-only transit router and an unknown id, in order', async () => {
    const api = fakeApi({
      '/sessions/s1': { id: 's1', type: 'Dial', identityId: 'i1', serviceId: 'svc', service: { id: 'svc', name: HOSTILE } },
      '/sessions/s1/route-path': { routePath: ['er1', 'fab', 'gone', 'er2'] },
      '/identities/i1': { id: 'i1', name: 'alice-laptop' },
      '/edge-routers/er1': { id: 'er1', name: 'edge-east', isOnline: true },
      '/edge-routers/er2': { id: 'er2', name: 'edge-west', isOnline: false },
      '/routers/fab': { id: 'fab', name: 'transit-1', isOnline: true },
    });
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.state, 'path');
    assert.deepStrictEqual(
      view.hops.map((h) => [h.role, h.name, h.online, h.known]),
      [
        ['identity', 'alice-laptop', undefined, true],
        ['ingress', 'edge-east', true, true],
        ['transit', 'transit-1', true, true],
        ['transit', 'unknown router gone', undefined, false],
        ['egress', 'edge-west', false, true],
        ['service', HOSTILE, undefined, true],
      ],
    );
    assert.strictEqual(view.hops[2].detail, 'fabric router');
    assert.ok(api.asked.includes('/routers/gone'), 'an id unknown as an edge router is looked up as a fabric router');
    assert.ok(isRoutePathView(view), 'the resolved view passes the message validator');
  });

  it('gives the empty state for Bind sessions without asking for a route', async () => {
    const api = fakeApi({ '/sessions/s1': { id: 's1', type: 'Bind', identityId: 'i1', service: { name: 'web' } }, '/identities/i1': { name: 'host' } });
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.state, 'empty');
    assert.match(view.message ?? '', /Bind session/);
    assert.ok(!api.asked.some((p) => p.endsWith('/route-path')));
  });

  it('gives the empty state for a Dial session without a circuit', async () => {
    const api = fakeApi({ '/sessions/s1': { id: 's1', type: 'Dial', identityId: 'i1', service: { name: 'web' } }, '/sessions/s1/route-path': { routePath: [] }, '/identities/i1': { name: 'alice' } });
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.state, 'empty');
    assert.match(view.message ?? '', /No live circuit/);
  });

  it('gives the ended state when the session is 404', async () => {
    const view = await resolveRoutePath(fakeApi({}), opts);
    assert.strictEqual(view.state, 'ended');
    assert.strictEqual(view.canRevoke, false);
  });

  it('lets other failures through', async () => {
    const api: ZitiCaller = {
      api: () => Promise.reject(new ApiError({ kind: 'http', status: 503, connectionLabel: 'c', operation: 'x', summary: 'unavailable' })),
    };
    await assert.rejects(resolveRoutePath(api, opts), /unavailable/);
  });

  it('names roles by position', () => {
    assert.strictEqual(routerRole(0, 1).roleLabel, 'ingress and egress router');
    assert.deepStrictEqual([0, 1, 2].map((i) => routerRole(i, 3).role), ['ingress', 'transit', 'egress']);
  });
});

describe('route path: limits, names that are not text, bounded lookups', () => {
  const session = { id: 's1', type: 'Dial', identityId: 'i1', serviceId: 'svc', service: { id: 'svc', name: 'web' } };

  it('says a path with more routers than the panel draws is too long, without looking any router up', async () => {
    const ids = Array.from({ length: MAX_ROUTERS + 1 }, (_, i) => `r${i}`);
    const api = fakeApi({ '/sessions/s1': session, '/sessions/s1/route-path': { routePath: ids }, '/identities/i1': { name: 'alice' } });
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.state, 'error');
    assert.match(view.message ?? '', new RegExp(`too long to show: it crosses ${MAX_ROUTERS + 1} routers, and the panel draws at most ${MAX_ROUTERS}\\.$`));
    assert.ok(!api.asked.some((p) => /routers\//.test(p)), `no router lookups: ${api.asked.join(', ')}`);
    assert.ok(isHostMessage({ type: 'render', view: rendered(view) }), 'the webview accepts it');
    assert.ok(!isHostMessage({ type: 'render', view }), 'not without its words');
    // At the limit it is drawn.
    const fits = fakeApi({ '/sessions/s1': session, '/sessions/s1/route-path': { routePath: ids.slice(0, MAX_ROUTERS) }, '/identities/i1': { name: 'alice' } });
    const drawn = await resolveRoutePath(fits, opts);
    assert.strictEqual(drawn.hops.length, MAX_HOPS);
    assert.ok(isHostMessage({ type: 'render', view: rendered(drawn) }));
  });

  it('renders names that are not text as text, with a note, so the webview accepts the view', async () => {
    const api = fakeApi({
      '/sessions/s1': { ...session, service: { id: 'svc', name: { html: '<b>' } } },
      '/sessions/s1/route-path': { routePath: ['er1'] },
      '/identities/i1': { name: 42 },
      '/edge-routers/er1': { name: ['x'], isOnline: 'yes' },
    });
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.state, 'path');
    assert.deepStrictEqual(
      view.hops.map((h) => h.name),
      ['i1 (the controller sent a name that is not text)', 'er1 (the controller sent a name that is not text)', 'svc (the controller sent a name that is not text)'],
    );
    assert.strictEqual(view.hops[1].online, undefined);
    assert.ok(isHostMessage({ type: 'render', view: rendered(view) }));
  });

  it('looks routers up a few at a time', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`);
    let inFlight = 0;
    let most = 0;
    const api: ZitiCaller = {
      async api<T>(req: { path: string }): Promise<T> {
        if (req.path === '/sessions/s1') {
          return { data: session } as T;
        }
        if (req.path === '/sessions/s1/route-path') {
          return { data: { routePath: ids } } as T;
        }
        if (req.path.startsWith('/identities/')) {
          return { data: { name: 'alice' } } as T;
        }
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return { data: { name: `name-${req.path.split('/').pop()}`, isOnline: true } } as T;
      },
    };
    const view = await resolveRoutePath(api, opts);
    assert.strictEqual(view.hops.length, 22);
    assert.ok(most <= ROUTER_LOOKUP_CONCURRENCY, `at most ${ROUTER_LOOKUP_CONCURRENCY} lookups at once, saw ${most}`);
    assert.ok(most > 1, 'still concurrent');
  });

  it('names why a view would be refused: too many hops, text too long, a field that is not text', () => {
    const hop = sampleView().hops[0];
    assert.strictEqual(viewProblem(sampleView()), undefined);
    assert.match(viewProblem({ ...sampleView(), hops: Array.from({ length: MAX_HOPS + 1 }, () => hop) }) ?? '', /the path has 65 steps, more than the 64 the panel can draw/);
    assert.strictEqual(viewProblem({ ...sampleView(), hops: [{ ...hop, name: 'n'.repeat(2001) }] }), 'the name of step 1 has 2,001 characters, more than the 2,000 the panel shows');
    assert.strictEqual(viewProblem({ ...sampleView(), identityName: 7 as unknown as string }), 'the identity name is not text');
    assert.strictEqual(viewProblem({ ...sampleView(), sessionId: '' }), 'it is not in the form the panel expects');
  });
});

describe('route path: message validation', () => {
  it('accepts exactly the three webview commands', () => {
    for (const t of ['ready', 'refresh', 'revoke']) {
      assert.ok(isWebviewMessage({ type: t }));
    }
    for (const bad of [undefined, null, 'refresh', [], {}, { type: 'eval' }, { type: 'refresh', extra: true }, { type: 'revoke', sessionId: 'other' }, { type: 1 }]) {
      assert.ok(!isWebviewMessage(bad), JSON.stringify(bad));
    }
  });

  it('validates render and busy messages to the webview', () => {
    assert.ok(isHostMessage({ type: 'render', view: sampleView() }));
    assert.ok(isHostMessage({ type: 'busy', busy: true, label: 'Loading' }));
    assert.ok(!isHostMessage({ type: 'busy', busy: 'yes' }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), state: 'weird' } }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), hops: [{ role: 'router', name: 'x' }] } }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), serviceName: 42 } }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), autoRefreshSeconds: -1 } }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), serviceName: 'x'.repeat(5000) } }));
    assert.ok(!isHostMessage({ type: 'render', view: sampleView(), html: '<b>' }));
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), texts: { ...sampleView().texts, meta: 'one line' } } }), 'facts are a list');
    assert.ok(!isHostMessage({ type: 'render', view: { ...sampleView(), texts: { ...sampleView().texts, heading: 7 } } }), 'a heading is text');
    assert.ok(!isHostMessage({ type: 'script', code: 'x' }));
  });

  it('validates the saved panel state', () => {
    assert.ok(isRoutePathPanelState({ connectionId: 'c', sessionId: 's' }));
    assert.ok(!isRoutePathPanelState({ connectionId: 'c' }));
    assert.ok(!isRoutePathPanelState({ connectionId: '', sessionId: 's' }));
    assert.ok(!isRoutePathPanelState({ connectionId: 'c', sessionId: 'a\nb' }));
    assert.ok(!isRoutePathPanelState('c/s'));
  });

  it('reads a session node, {connectionId, sessionId}, and nothing else', () => {
    assert.deepStrictEqual(routePathTargetFrom({ connectionId: 'c', session: { id: 's', service: { name: 'web' } } }), { connectionId: 'c', sessionId: 's', serviceName: 'web' });
    assert.deepStrictEqual(routePathTargetFrom({ connectionId: 'c', sessionId: 's' }), { connectionId: 'c', sessionId: 's', serviceName: undefined });
    assert.strictEqual(routePathTargetFrom({ sessionId: 's' }), undefined);
    assert.strictEqual(routePathTargetFrom('s'), undefined);
    assert.strictEqual(routePathTargetFrom(undefined), undefined);
  });
});

describe('webview HTML', () => {
  it('escapes text and attributes', () => {
    assert.strictEqual(escapeHtml(HOSTILE), '&#60;img src=x onerror=alert(1)&#62;');
    assert.strictEqual(escapeHtml(`"'&\``), '&#34;&#39;&#38;&#96;');
    assert.strictEqual(escapeAttr(`a"b'<`), `a&#34;b'&#60;`);
  });

  it('builds a strict CSP with a fresh nonce', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
    assert.notStrictEqual(a, makeNonce());
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', a);
    assert.ok(csp.startsWith(`default-src 'none'; style-src https://x.vscode-cdn.net; script-src 'nonce-${a}'; img-src https://x.vscode-cdn.net data:;`));
    assert.ok(!csp.includes('unsafe'));
    assert.ok(contentSecurityPolicy('s', undefined).includes("script-src 'none'"));
  });

  it('renders the route-path page with every API string escaped', () => {
    const html = renderRoutePathPage({
      cspSource: 'vscode-resource:',
      nonce: 'abc123==',
      scriptUri: 'vscode-resource:/dist/webviews/path.js',
      styleUri: 'vscode-resource:/media/path.css',
      sessionId: 's"1',
      connectionLabel: '<b>lab</b>',
      serviceName: HOSTILE,
    });
    assert.ok(!html.includes('<img') && !html.includes('<b>lab'));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(html.includes('<script nonce="abc123==" src="vscode-resource:/dist/webviews/path.js"></script>'));
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1, 'one script, the nonce\'d one');
    assert.ok(html.includes('<table') === false, 'the table is built by the script from the message');
  });

  it('leaves out the script tag without a nonce', () => {
    const html = renderPage({ cspSource: 's', title: 't', styles: [], script: 'x.js', body: '' });
    assert.ok(!html.includes('<script'));
  });
});

describe('route path panel title and source', () => {
  it('titles two sessions of one service differently', () => {
    assert.notStrictEqual(routePathTitle('web-svc', 's1'), routePathTitle('web-svc', 's2'));
    assert.strictEqual(routePathTitle('web-svc', 's1'), 'Route path: web-svc (s1)');
  });

  it('says the path is the live circuit, not the allowed edge routers of the hover', () => {
    const html = renderRoutePathPage({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 't', sessionId: 's1', connectionLabel: 'c' });
    assert.ok(html.includes('live circuit') && /allowed to connect through, not this path/.test(ROUTE_PATH_SOURCE));
    assert.ok(html.includes('id="source"'));
  });
});

describe('route path panel words: the static page and each view', () => {
  const view = (over: Partial<RoutePathView>): RoutePathView => ({
    state: 'path',
    connectionId: 'c1',
    connectionLabel: 'Lab',
    sessionId: 's1',
    hops: [],
    updatedAt: '2025-06-01T10:00:00.000Z',
    canRevoke: true,
    autoRefreshSeconds: 60,
    ...over,
  });

  it('titles a panel whose service is not known yet by its session', () => {
    assert.strictEqual(routePathTitle(undefined, 's1'), 'Route path: session s1');
    assert.strictEqual(routePathTitle('', 's1'), 'Route path: session s1');
  });

  it('the static page: the heading, the session and connection, and "route path" in its status and labels', () => {
    const { title, body } = routePathContent({ sessionId: 's1', connectionLabel: 'Lab' });
    assert.strictEqual(title, 'Route path: session s1');
    assert.ok(body.includes('<h1 id="heading">Route path: session s1</h1>'), body);
    assert.ok(body.includes('<p id="meta" class="meta">Session s1 on Lab</p>'), body);
    assert.ok(body.includes('>Loading the route path…</span>'), body);
    assert.ok(body.includes('aria-label="Route path actions"') && body.includes('aria-label="Route path drawing"'), body);
    assert.ok(body.includes('Scripts are needed to draw the route path.'), body);
    assert.strictEqual(routePathContent({ sessionId: 's1', connectionLabel: 'Lab', serviceName: 'web' }).title, 'Route path: web (s1)');
  });

  it('a drawn path: its type, identity and connection as facts, and a caption naming the service', () => {
    assert.deepStrictEqual(routePathTexts(view({ serviceName: 'web', sessionType: 'Dial', identityName: 'alice' })), {
      heading: 'Route path: web (s1)',
      meta: ['Dial session s1', 'identity alice', 'on Lab'],
      noun: 'route path',
      caption: 'Route path of web, in order from the client to the service',
    });
  });

  it('a view with no identity leaves that fact out rather than showing an empty one', () => {
    assert.deepStrictEqual(routePathTexts(view({ state: 'empty', serviceName: 'web', sessionType: 'Bind' })).meta, ['Bind session s1', 'on Lab']);
  });

  it('a session that ended (or failed) before its type and service were known: no "Session session", the caption names the session', () => {
    const texts = routePathTexts(view({ state: 'ended', canRevoke: false, message: 'gone' }));
    assert.deepStrictEqual(texts, {
      heading: 'Route path: session s1',
      meta: ['Session s1', 'on Lab'],
      noun: 'route path',
      caption: 'Route path of session s1, in order from the client to the service',
    });
  });
});

describe('route path target: what a Show Route Path argument names', () => {
  it('asks (undefined) for null, an unsafe session id, an unsafe connection id, or a connection id that is not text', () => {
    assert.strictEqual(routePathTargetFrom(null), undefined);
    assert.strictEqual(routePathTargetFrom({ connectionId: 'c', sessionId: 'a\nb' }), undefined);
    assert.strictEqual(routePathTargetFrom({ connectionId: 'c', session: { id: 'x'.repeat(201) } }), undefined);
    assert.strictEqual(routePathTargetFrom({ connectionId: 'c\u0000', sessionId: 's' }), undefined);
    assert.strictEqual(routePathTargetFrom({ connectionId: 7, sessionId: 's' }), undefined);
    assert.strictEqual(routePathTargetFrom({ connectionId: 'c', session: null }), undefined);
    assert.deepStrictEqual(routePathTargetFrom({ connectionId: 'c', sessionId: 's', session: { id: 'other', service: null } }), { connectionId: 'c', sessionId: 's', serviceName: undefined });
  });
});
