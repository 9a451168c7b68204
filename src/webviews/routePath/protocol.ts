// The typed messages between the route-path panel and its webview script, and their validators. Pure: no `vscode`
// and no DOM, so the extension, the webview bundle and the unit tests share it. Anything that fails validation is
// ignored (and logged by the receiver): a message is data from another process, never trusted as-is.

export const ROUTE_PATH_VIEW_TYPE = 'sessionManager.routePath';

/** One box of the drawing, in path order. */
export interface RouteHop {
  role: 'identity' | 'ingress' | 'transit' | 'egress' | 'edge' | 'service';
  /** What the role is called in the drawing and the table: "ingress edge router", "transit router", … */
  roleLabel: string;
  id: string;
  name: string;
  /** true/false for routers the controller knows; undefined when it does not say (identity, service, unknown). */
  online?: boolean;
  /** false for an id no endpoint knows ("unknown router <id>"). */
  known: boolean;
  /** A short extra fact: "edge router", "fabric router", "Dial", … */
  detail?: string;
}

export type RoutePathState = 'loading' | 'path' | 'empty' | 'ended' | 'error';

export interface RoutePathView {
  state: RoutePathState;
  connectionId: string;
  connectionLabel: string;
  sessionId: string;
  serviceName?: string;
  sessionType?: string;
  identityName?: string;
  hops: RouteHop[];
  /** For empty, ended and error states: what to tell the person. */
  message?: string;
  /** ISO time of this answer. */
  updatedAt: string;
  /** Whether the Revoke button is offered (a live session). */
  canRevoke: boolean;
  /** 0 = off. */
  autoRefreshSeconds: number;
}

/** Extension → webview. */
export type HostMessage = { type: 'render'; view: RoutePathView } | { type: 'busy'; busy: boolean; label?: string };

/** Webview → extension. */
export type WebviewMessage = { type: 'ready' } | { type: 'refresh' } | { type: 'revoke' };

/** What the webview keeps with vscode.setState (and the serializer gets back after a reload). */
export interface RoutePathPanelState {
  connectionId: string;
  sessionId: string;
}

const STATES: readonly RoutePathState[] = ['loading', 'path', 'empty', 'ended', 'error'];
const ROLES: readonly RouteHop['role'][] = ['identity', 'ingress', 'transit', 'egress', 'edge', 'service'];
/** The longest text (a name, a message) a view may carry. */
export const MAX_TEXT = 2000;
/** The most boxes a view may carry: the identity, the routers and the service. */
export const MAX_HOPS = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown, max = MAX_TEXT): v is string {
  return typeof v === 'string' && v.length <= max;
}

function optText(v: unknown): boolean {
  return v === undefined || isText(v);
}

/** An id as the panel uses it for keys and API paths: non-empty, short, printable. */
export function isSafeId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 && ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

export function isRouteHop(v: unknown): v is RouteHop {
  return (
    isRecord(v) &&
    ROLES.includes(v.role as RouteHop['role']) &&
    isText(v.roleLabel) &&
    isText(v.id) &&
    isText(v.name) &&
    (v.online === undefined || typeof v.online === 'boolean') &&
    typeof v.known === 'boolean' &&
    optText(v.detail)
  );
}

export function isRoutePathView(v: unknown): v is RoutePathView {
  return (
    isRecord(v) &&
    STATES.includes(v.state as RoutePathState) &&
    isSafeId(v.connectionId) &&
    isText(v.connectionLabel) &&
    isSafeId(v.sessionId) &&
    optText(v.serviceName) &&
    optText(v.sessionType) &&
    optText(v.identityName) &&
    Array.isArray(v.hops) &&
    v.hops.length <= MAX_HOPS &&
    v.hops.every(isRouteHop) &&
    optText(v.message) &&
    isText(v.updatedAt, 64) &&
    typeof v.canRevoke === 'boolean' &&
    typeof v.autoRefreshSeconds === 'number' &&
    Number.isFinite(v.autoRefreshSeconds) &&
    v.autoRefreshSeconds >= 0
  );
}

/**
 * Why the webview would refuse this view (it validates every message and ignores a bad one, leaving a stale or empty
 * panel), in words for the person; undefined when it is fine. The panel checks before it posts.
 */
export function viewProblem(v: RoutePathView): string | undefined {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (!Array.isArray(v.hops)) {
    return 'the path is not a list';
  }
  if (v.hops.length > MAX_HOPS) {
    return `the path has ${n(v.hops.length - 2)} routers, more than the ${n(MAX_HOPS - 2)} the panel can draw`;
  }
  const texts: [string, unknown][] = [
    ['The connection name', v.connectionLabel],
    ['The service name', v.serviceName],
    ['The session type', v.sessionType],
    ['The identity name', v.identityName],
    ['The message', v.message],
  ];
  v.hops.forEach((h, i) => {
    texts.push([`The name of step ${i + 1}`, h?.name], [`The id of step ${i + 1}`, h?.id], [`The detail of step ${i + 1}`, h?.detail]);
  });
  for (const [what, t] of texts) {
    if (t !== undefined && typeof t !== 'string') {
      return `${what.charAt(0).toLowerCase()}${what.slice(1)} is not text`;
    }
    if (typeof t === 'string' && t.length > MAX_TEXT) {
      return `${what.charAt(0).toLowerCase()}${what.slice(1)} has ${n(t.length)} characters, more than the ${n(MAX_TEXT)} the panel shows`;
    }
  }
  if (!isRoutePathView(v)) {
    return 'it is not in the form the panel expects';
  }
  return undefined;
}

/** Validates a message the webview received. */
export function isHostMessage(v: unknown): v is HostMessage {
  if (!isRecord(v)) {
    return false;
  }
  switch (v.type) {
    case 'render':
      return Object.keys(v).length === 2 && isRoutePathView(v.view);
    case 'busy':
      return typeof v.busy === 'boolean' && optText(v.label);
    default:
      return false;
  }
}

/** Validates a message the extension received from the webview. Only the three known commands, nothing else. */
export function isWebviewMessage(v: unknown): v is WebviewMessage {
  return isRecord(v) && Object.keys(v).length === 1 && (v.type === 'ready' || v.type === 'refresh' || v.type === 'revoke');
}

/** Validates the saved state the serializer gets back (it was written by the webview, so it is checked too). */
export function isRoutePathPanelState(v: unknown): v is RoutePathPanelState {
  return isRecord(v) && isSafeId(v.connectionId) && isSafeId(v.sessionId);
}

