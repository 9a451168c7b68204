// The words of OpenZiti's route-path panel: its static page and the texts of each view (the shared path panel, see
// src/webviews/path/protocol.ts, draws it). Pure: no `vscode` import.
import type { PageContent } from '../../../webviews/html';
import type { PathTexts, PathView } from '../../../webviews/path/protocol';
import { pathPage } from '../../../webviews/path/page';

export interface RoutePathPageOptions {
  sessionId: string;
  connectionLabel: string;
  /** Known when the panel is opened from a tree item; otherwise the view's texts fill it in. */
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

/** What the panel host shows before the first view arrives. */
export function routePathContent(o: RoutePathPageOptions): PageContent {
  return pathPage({
    heading: routePathTitle(o.serviceName, o.sessionId),
    meta: `Session ${o.sessionId} on ${o.connectionLabel}`,
    source: ROUTE_PATH_SOURCE,
    noun: 'route path',
  });
}

/** The words of one resolved view: heading, facts and the drawing's caption. */
export function routePathTexts(v: PathView): PathTexts {
  return {
    heading: routePathTitle(v.serviceName, v.sessionId),
    // Before the session was read (it had ended, or the first read failed) its type is not known: "Session s1".
    meta: [v.sessionType ? `${v.sessionType} session ${v.sessionId}` : `Session ${v.sessionId}`, v.identityName ? `identity ${v.identityName}` : '', `on ${v.connectionLabel}`].filter(Boolean),
    noun: 'route path',
    caption: `Route path of ${v.serviceName ?? `session ${v.sessionId}`}, in order from the client to the service`,
  };
}
