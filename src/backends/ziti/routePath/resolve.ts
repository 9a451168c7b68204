// Resolves a session's route path (api-contracts.md §1.5): GET /sessions/{id}, GET /sessions/{id}/route-path (router
// ids, ingress first), then names and online state through /edge-routers/{id} and /routers/{id} (a fabric-only transit
// router is 404 on the first and found on the second; an id neither knows is an "unknown router"). No `vscode` import.
import type { HttpRequest } from '../../../http/client';
import { ApiError } from '../../../http/errors';
import type { ZitiEntityRef, ZitiEnvelope } from '../models';
import { MAX_HOPS, type PathHop as RouteHop, type PathView as RoutePathView } from '../../../webviews/path/protocol';
import { mapBounded } from '../api';

/** Router lookups in flight at once for one path (each is one or two GETs). */
export const ROUTER_LOOKUP_CONCURRENCY = 4;
/** The most routers a path may have to be drawn: the identity and the service take the other two boxes. */
export const MAX_ROUTERS = MAX_HOPS - 2;

/** A name from the API: its text, `fallback` when missing, and a plain note when it is not text at all. */
export function nameText(v: unknown, fallback: string): string {
  if (typeof v === 'string') {
    return v || fallback;
  }
  return v === undefined || v === null ? fallback : `${fallback} (the controller sent a name that is not text)`;
}

/** The part of ZitiClient these calls need. */
export interface ZitiCaller {
  api<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T>;
}

interface SessionDetail {
  id: string;
  type?: string;
  identityId?: string;
  service?: ZitiEntityRef;
  serviceId?: string;
}

interface RouterDetail {
  id?: string;
  name?: string;
  isOnline?: boolean;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

async function getData<T>(client: ZitiCaller, path: string, operation: string, signal?: AbortSignal): Promise<T | undefined> {
  try {
    const env = await client.api<ZitiEnvelope<T>>({ method: 'GET', path, operation, signal });
    return env?.data;
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw e;
  }
}

const enc = encodeURIComponent;

/** What a router id resolves to. */
export interface ResolvedRouter {
  id: string;
  name: string;
  online?: boolean;
  kind: 'edge' | 'fabric' | 'unknown';
}

/** One router: the edge-router view first (it is what Dial paths mostly cross), then the fabric one. */
export async function resolveRouter(client: ZitiCaller, id: string, signal?: AbortSignal): Promise<ResolvedRouter> {
  const edge = await getData<RouterDetail>(client, `/edge-routers/${enc(id)}`, 'read an edge router', signal);
  if (edge) {
    return { id, name: nameText(edge.name, id), online: typeof edge.isOnline === 'boolean' ? edge.isOnline : undefined, kind: 'edge' };
  }
  const fabric = await getData<RouterDetail>(client, `/routers/${enc(id)}`, 'read a router', signal);
  if (fabric) {
    return { id, name: nameText(fabric.name, id), online: typeof fabric.isOnline === 'boolean' ? fabric.isOnline : undefined, kind: 'fabric' };
  }
  return { id, name: `unknown router ${id}`, kind: 'unknown' };
}

/** The role of the router at `index` of a path of `count` routers. */
export function routerRole(index: number, count: number): { role: RouteHop['role']; roleLabel: string } {
  if (count === 1) {
    return { role: 'edge', roleLabel: 'ingress and egress router' };
  }
  if (index === 0) {
    return { role: 'ingress', roleLabel: 'ingress edge router' };
  }
  if (index === count - 1) {
    return { role: 'egress', roleLabel: 'egress router' };
  }
  return { role: 'transit', roleLabel: 'transit router' };
}

export interface ResolveOptions {
  connectionId: string;
  connectionLabel: string;
  sessionId: string;
  autoRefreshSeconds: number;
  signal?: AbortSignal;
  now?: () => number;
}

/** Why a session that is not a Dial session has no route path (a Bind session hosts the service). */
function notDial(sessionType: string, serviceName: string): string {
  if (sessionType === 'Bind') {
    return `This is a Bind session: it hosts ${serviceName} rather than dialling it`;
  }
  return sessionType === 'unknown' ? 'OpenZiti does not say what type of session this is' : `This is not a Dial session (OpenZiti says its type is "${sessionType}")`;
}

/**
 * The whole view: `ended` when the session is gone (404), `empty` for a Bind session or a Dial session without a live
 * circuit, `path` otherwise. Other failures throw (the panel shows them as its error state).
 */
export async function resolveRoutePath(client: ZitiCaller, o: ResolveOptions): Promise<RoutePathView> {
  const base = {
    connectionId: o.connectionId,
    connectionLabel: o.connectionLabel,
    sessionId: o.sessionId,
    updatedAt: new Date(o.now ? o.now() : Date.now()).toISOString(),
    autoRefreshSeconds: o.autoRefreshSeconds,
  };
  const session = await getData<SessionDetail>(client, `/sessions/${enc(o.sessionId)}`, 'read the session', o.signal);
  if (!session) {
    return { ...base, state: 'ended', hops: [], canRevoke: false, message: `This session has ended: ${o.connectionLabel} no longer has a session ${o.sessionId}.` };
  }
  const serviceId = typeof session.serviceId === 'string' ? session.serviceId : typeof session.service?.id === 'string' ? session.service.id : '';
  const identityId = typeof session.identityId === 'string' ? session.identityId : undefined;
  const serviceName = nameText(session.service?.name, serviceId || 'unknown service');
  const sessionType = typeof session.type === 'string' ? session.type : 'unknown';
  const identityP = identityId
    ? getData<{ name?: unknown }>(client, `/identities/${enc(identityId)}`, 'read the identity', o.signal)
    : Promise.resolve(undefined);
  // Read beside the route path; when the path ends the read early (ended, too long) nobody awaits it, and its failure
  // must not surface as an unhandled rejection. Awaiting it below still throws.
  identityP.catch(() => undefined);
  if (sessionType !== 'Dial') {
    const identity = await identityP;
    return {
      ...base,
      state: 'empty',
      serviceName,
      sessionType,
      // Stryker disable next-line StringLiteral: equivalent, the identity is only read (and `identity` set) when identityId is
      identityName: identity ? nameText(identity.name, identityId ?? 'unknown identity') : identityId,
      hops: [],
      canRevoke: true,
      message: `${notDial(sessionType, serviceName)}, so it has no route path. Route paths exist for Dial sessions with an open connection.`,
    };
  }
  let ids: string[];
  try {
    const env = await client.api<ZitiEnvelope<{ routePath?: unknown }>>({ method: 'GET', path: `/sessions/${enc(o.sessionId)}/route-path`, operation: 'read the route path', signal: o.signal });
    const raw = env?.data?.routePath;
    ids = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  } catch (e) {
    if (isNotFound(e)) {
      return { ...base, state: 'ended', serviceName, sessionType, hops: [], canRevoke: false, message: `This session has ended: ${o.connectionLabel} no longer has a session ${o.sessionId}.` };
    }
    throw e;
  }
  if (ids.length > MAX_ROUTERS) {
    // Not worth a lookup per router: the panel could not draw it anyway. Say so instead of showing nothing.
    return {
      ...base,
      state: 'error',
      serviceName,
      sessionType,
      hops: [],
      canRevoke: true,
      message: `This route path is too long to show: it crosses ${ids.length.toLocaleString('en-US')} routers, and the panel draws at most ${MAX_ROUTERS}.`,
    };
  }
  const unique = [...new Set(ids)];
  const lookups = mapBounded(unique, ROUTER_LOOKUP_CONCURRENCY, (id) => resolveRouter(client, id, o.signal)).then((settled) =>
    settled.map((r) => {
      if (r.status === 'rejected') {
        throw r.reason;
      }
      return r.value;
    }),
  );
  const [identity, routers] = await Promise.all([identityP, lookups]);
  const identityName = identity
    // Stryker disable next-line StringLiteral: equivalent, the identity is only read (and `identity` set) when identityId is
    ? nameText(identity.name, identityId ?? 'unknown identity')
    : identityId
      ? `unknown identity ${identityId}`
      : 'unknown identity';
  if (ids.length === 0) {
    return {
      ...base,
      state: 'empty',
      serviceName,
      sessionType,
      identityName,
      hops: [],
      canRevoke: true,
      message: `No live circuit: ${identityName} holds this Dial session for ${serviceName} but has no open connection through the fabric right now, so there is no route to show.`,
    };
  }
  const byId = new Map(routers.map((r) => [r.id, r]));
  const hops: RouteHop[] = [
    { role: 'identity', roleLabel: 'client identity', id: identityId ?? '', name: identityName, known: Boolean(identity), detail: 'Dial' },
    ...ids.map((id, i): RouteHop => {
      // Stryker disable next-line StringLiteral: equivalent, every id of the path was looked up (a failed lookup throws above)
      const r = byId.get(id) ?? { id, name: `unknown router ${id}`, kind: 'unknown' as const };
      return {
        ...routerRole(i, ids.length),
        id,
        name: r.name,
        online: r.online,
        known: r.kind !== 'unknown',
        detail: r.kind === 'edge' ? 'edge router' : r.kind === 'fabric' ? 'fabric router' : 'not known to the controller',
      };
    }),
    { role: 'service', roleLabel: 'service', id: serviceId, name: serviceName, known: true },
  ];
  return { ...base, state: 'path', serviceName, sessionType, identityName, hops, canRevoke: true };
}
