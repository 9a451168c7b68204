// The typed messages between a path panel and its webview script, and their validators. Pure: no `vscode` and no
// DOM, so the extension, the webview bundle and the unit tests share it. Anything that fails validation is ignored
// (and logged by the receiver): a message is data from another process, never trusted as-is.
//
// One path panel draws any chain of boxes a session goes through, left to right: OpenZiti's route path (client
// identity → edge and transit routers → service, src/features/ziti/routePath) and Aptible's session path (person →
// operation → ephemeral container on its host → app → account, src/features/sessions/sessionPath.ts). The extension
// sends the words too (`texts`), so the script says "route path" or "session path" without knowing the backend.

/** OpenZiti's route-path panels. */
export const ROUTE_PATH_VIEW_TYPE = 'sessionManager.routePath';
/** The session-path panels of the Sessions view (Aptible). */
export const SESSION_PATH_VIEW_TYPE = 'sessionManager.sessionPath';

export type PathRole =
  // OpenZiti route path
  | 'identity'
  | 'ingress'
  | 'transit'
  | 'egress'
  | 'edge'
  | 'service'
  // Aptible session path
  | 'person'
  | 'operation'
  | 'container'
  | 'app'
  | 'account';

/** One box of the drawing, in path order. */
export interface PathHop {
  role: PathRole;
  /** What the role is called in the drawing and the table: "ingress edge router", "operation", … */
  roleLabel: string;
  id: string;
  name: string;
  /** true/false for routers the controller knows; undefined when it does not say (identity, service, unknown). */
  online?: boolean;
  /** false for an id no endpoint knows ("unknown router <id>", an operation that cannot be read). */
  known: boolean;
  /** A short extra fact: "edge router", "fabric router", "Dial", "running", … */
  detail?: string;
}

/** The words of one view, made by the extension. */
export interface PathTexts {
  /** The page's heading and the tab's title: "Route path: web (s1)", "Session path: alice — /bin/bash". */
  heading: string;
  /** Facts under the heading: "Dial session s1", "identity alice", "on Lab". */
  meta: string[];
  /** What the panel draws, in lower case: "route path", "session path". */
  noun: string;
  /** The drawing's accessible title and the table's caption: "Route path of web, in order from the client to the service". */
  caption: string;
}

export type PathState = 'loading' | 'path' | 'empty' | 'ended' | 'error';

export interface PathView {
  state: PathState;
  connectionId: string;
  connectionLabel: string;
  sessionId: string;
  /** OpenZiti: the service, the session type and the identity (also named in `texts`). */
  serviceName?: string;
  sessionType?: string;
  identityName?: string;
  hops: PathHop[];
  /** For empty, ended and error states: what to tell the person. */
  message?: string;
  /** ISO time of this answer. */
  updatedAt: string;
  /** Whether the Revoke button is offered (a live session). */
  canRevoke: boolean;
  /** 0 = off. */
  autoRefreshSeconds: number;
  /** The words the panel shows (required in a rendered view; a resolver leaves them to the panel). */
  texts?: PathTexts;
}

/** Extension → webview. */
export type HostMessage = { type: 'render'; view: PathView & { texts: PathTexts } } | { type: 'busy'; busy: boolean; label?: string };

/** Webview → extension. */
export type WebviewMessage = { type: 'ready' } | { type: 'refresh' } | { type: 'revoke' };

/** What the webview keeps with vscode.setState (and the serializer gets back after a reload). */
export interface PathPanelState {
  connectionId: string;
  sessionId: string;
}

const STATES: readonly PathState[] = ['loading', 'path', 'empty', 'ended', 'error'];
const ROLES: readonly PathRole[] = ['identity', 'ingress', 'transit', 'egress', 'edge', 'service', 'person', 'operation', 'container', 'app', 'account'];
/** The most facts under a heading. */
const MAX_META = 8;
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

export function isPathHop(v: unknown): v is PathHop {
  return (
    isRecord(v) &&
    ROLES.includes(v.role as PathRole) &&
    isText(v.roleLabel) &&
    isText(v.id) &&
    isText(v.name) &&
    (v.online === undefined || typeof v.online === 'boolean') &&
    typeof v.known === 'boolean' &&
    optText(v.detail)
  );
}

export function isPathTexts(v: unknown): v is PathTexts {
  return (
    isRecord(v) &&
    isText(v.heading) &&
    Array.isArray(v.meta) &&
    v.meta.length <= MAX_META &&
    v.meta.every((m) => isText(m)) &&
    isText(v.noun, 64) &&
    isText(v.caption)
  );
}

export function isPathView(v: unknown): v is PathView {
  return (
    isRecord(v) &&
    STATES.includes(v.state as PathState) &&
    isSafeId(v.connectionId) &&
    isText(v.connectionLabel) &&
    isSafeId(v.sessionId) &&
    optText(v.serviceName) &&
    optText(v.sessionType) &&
    optText(v.identityName) &&
    Array.isArray(v.hops) &&
    v.hops.length <= MAX_HOPS &&
    v.hops.every(isPathHop) &&
    optText(v.message) &&
    isText(v.updatedAt, 64) &&
    typeof v.canRevoke === 'boolean' &&
    typeof v.autoRefreshSeconds === 'number' &&
    Number.isFinite(v.autoRefreshSeconds) &&
    v.autoRefreshSeconds >= 0 &&
    (v.texts === undefined || isPathTexts(v.texts))
  );
}

/**
 * Why the webview would refuse this view (it validates every message and ignores a bad one, leaving a stale or empty
 * panel), in words for the person; undefined when it is fine. The panel checks before it posts.
 */
export function viewProblem(v: PathView): string | undefined {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (!Array.isArray(v.hops)) {
    return 'the path is not a list';
  }
  if (v.hops.length > MAX_HOPS) {
    return `the path has ${n(v.hops.length)} steps, more than the ${n(MAX_HOPS)} the panel can draw`;
  }
  const texts: [string, unknown][] = [
    ['The connection name', v.connectionLabel],
    ['The service name', v.serviceName],
    ['The session type', v.sessionType],
    ['The identity name', v.identityName],
    ['The message', v.message],
    ['The heading', v.texts?.heading],
    ...(v.texts?.meta ?? []).map((m, i): [string, unknown] => [`Fact ${i + 1} under the heading`, m]),
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
  if (!isPathView(v)) {
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
      return Object.keys(v).length === 2 && isPathView(v.view) && isPathTexts((v.view as PathView).texts);
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
export function isPathPanelState(v: unknown): v is PathPanelState {
  return isRecord(v) && isSafeId(v.connectionId) && isSafeId(v.sessionId);
}


