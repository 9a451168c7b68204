// The static HTML of the route-path panel. The path itself arrives as a typed message and the webview script builds
// the drawing and the table with textContent/setAttribute; here every string is escaped. Pure: no `vscode` import.
import { escapeHtml, PageContent } from '../../../webviews/html';

export interface RoutePathPageOptions {
  sessionId: string;
  connectionLabel: string;
  /** Known when the panel is opened from a tree item; otherwise the script fills it in. */
  serviceName?: string;
}

/** The tab title: the service and the session id, so two sessions of one service never share a title. */
export function routePathTitle(serviceName: string | undefined, sessionId: string): string {
  return serviceName ? `Route path: ${serviceName} (${sessionId})` : `Route path: session ${sessionId}`;
}

/** Where the drawn path comes from, and how it differs from the session's allowed edge routers in its hover. */
export const ROUTE_PATH_SOURCE =
  "The routers of this session's live circuit, in order, as the controller reports them now (its route path). " +
  "The edge routers in the session's hover in the Sessions view are the ones it is allowed to connect through, not this path.";

/** What the panel host shows (src/webviews/panelHost.ts adds the shell, the CSP, the script and the style). */
export function routePathContent(o: RoutePathPageOptions): PageContent {
  const heading = routePathTitle(o.serviceName, o.sessionId);
  const body = `    <header class="header">
      <h1 id="heading">${escapeHtml(heading)}</h1>
      <p id="meta" class="meta">Session ${escapeHtml(o.sessionId)} on ${escapeHtml(o.connectionLabel)}</p>
      <p id="source" class="meta source">${escapeHtml(ROUTE_PATH_SOURCE)}</p>
      <div class="toolbar" role="toolbar" aria-label="Route path actions">
        <button id="refresh" type="button" class="button">Refresh</button>
        <button id="revoke" type="button" class="button danger" hidden>Revoke Session…</button>
        <span id="status" class="status" role="status" aria-live="polite">Loading the route path…</span>
      </div>
    </header>
    <main>
      <section id="notice" class="notice" hidden aria-live="polite"></section>
      <section id="drawing" class="drawing" aria-label="Route path drawing"></section>
      <section id="text" class="text-alternative"></section>
    </main>
    <noscript><p>Scripts are needed to draw the route path.</p></noscript>`;
  return { title: heading, body };
}

