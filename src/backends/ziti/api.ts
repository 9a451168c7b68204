// Typed OpenZiti Edge Management calls over ZitiClient.api (api-contracts.md §1.5, §1.7): sessions, API sessions,
// identities (names resolved in batches, cached) and route paths. No `vscode` import: the tree, the commands and the
// benchmark use the same functions.
import type { HttpRequest } from '../../http/client';
import { ApiError } from '../../http/errors';
import type { ZitiEntityRef, ZitiEnvelope } from './models';
import { BoundedMap } from '../../util/lru';

/** What these functions need from ZitiClient (its `api` method); the benchmark and tests can pass a stand-in. */
export interface ZitiApi {
  api<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T>;
}

/** The most a controller returns per page (vendor-tools.md §1.5: max limit 500). */
export const MAX_PAGE_SIZE = 500;

export interface ZitiSessionEdgeRouter {
  name?: string;
  hostname?: string;
  isOnline?: boolean;
  disabled?: boolean;
  syncStatus?: string;
  cost?: number | null;
  noTraversal?: boolean | null;
  supportedProtocols?: Record<string, string>;
  urls?: Record<string, string>;
}

/** `sessionManagementDetail`. `token` is a secret: never shown, logged or copied. */
export interface ZitiSession {
  id: string;
  createdAt?: string;
  updatedAt?: string;
  type: 'Dial' | 'Bind' | 'Invalid' | string;
  token?: string;
  apiSessionId: string;
  apiSession?: ZitiEntityRef;
  identityId: string;
  serviceId: string;
  service?: ZitiEntityRef;
  edgeRouters?: ZitiSessionEdgeRouter[];
  servicePolicies?: ZitiEntityRef[];
  tags?: unknown;
}

/** `apiSessionDetail`. `token` is a secret. */
export interface ZitiApiSession {
  id: string;
  createdAt?: string;
  updatedAt?: string;
  token?: string;
  identityId?: string;
  identity?: ZitiEntityRef;
  ipAddress?: string;
  authenticatorId?: string;
  isMfaRequired?: boolean;
  isMfaComplete?: boolean;
  lastActivityAt?: string;
  cachedLastActivityAt?: string;
  isCertExtendable?: boolean;
  isCertExtendRequested?: boolean;
  isCertKeyRollRequested?: boolean;
  configTypes?: string[];
}

export interface ZitiIdentity {
  id: string;
  name: string;
  typeId?: string;
  isAdmin?: boolean;
  disabled?: boolean;
}

export interface ListPage<T> {
  items: T[];
  totalCount: number;
}

export interface ListOptions {
  offset: number;
  limit: number;
  /** ZitiQL, sent as `filter` (undefined or blank: none). */
  filter?: string;
  signal?: AbortSignal;
}

/** A ZitiQL string literal: double-quoted, with `\` and `"` escaped. */
export function zitiString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function pageOf<T>(env: ZitiEnvelope<T[]> | undefined, offset: number): ListPage<T> {
  const items = Array.isArray(env?.data) ? env.data : [];
  const total = env?.meta?.pagination?.totalCount;
  return { items, totalCount: typeof total === 'number' && Number.isFinite(total) ? total : offset + items.length };
}

/** `limit` and `offset` as the spec's integers (1..500 and >= 0), whatever the caller computed. */
export function pageParams(offset: number, limit: number): { offset: number; limit: number } {
  return {
    offset: Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0,
    limit: Number.isFinite(limit) ? Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(limit))) : MAX_PAGE_SIZE,
  };
}

async function list<T>(client: ZitiApi, path: string, operation: string, o: ListOptions): Promise<ListPage<T>> {
  const { offset, limit } = pageParams(o.offset, o.limit);
  const filter = o.filter && o.filter.trim() !== '' ? o.filter : undefined;
  const env = await client.api<ZitiEnvelope<T[]>>({ method: 'GET', path, operation, params: { limit, offset, filter }, signal: o.signal });
  return pageOf(env, offset);
}

export function listSessions(client: ZitiApi, o: ListOptions): Promise<ListPage<ZitiSession>> {
  return list<ZitiSession>(client, '/sessions', 'list sessions', o);
}

export async function getSession(client: ZitiApi, id: string, signal?: AbortSignal): Promise<ZitiSession> {
  const env = await client.api<ZitiEnvelope<ZitiSession>>({ method: 'GET', path: `/sessions/${encodeURIComponent(id)}`, operation: 'read the session', signal });
  return env.data;
}

/** `undefined` when the controller answers 404. */
export async function findSession(client: ZitiApi, id: string, signal?: AbortSignal): Promise<ZitiSession | undefined> {
  try {
    return await getSession(client, id, signal);
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw e;
  }
}

export type DeleteOutcome = 'deleted' | 'already-gone';

/** DELETE /sessions/{id}; a 404 (someone else ended it) is not an error. */
export function deleteSession(client: ZitiApi, id: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  return deleteEntity(client, `/sessions/${encodeURIComponent(id)}`, 'revoke the session', signal);
}

export async function getRoutePath(client: ZitiApi, id: string, signal?: AbortSignal): Promise<string[]> {
  const env = await client.api<ZitiEnvelope<{ routePath?: unknown }>>({ method: 'GET', path: `/sessions/${encodeURIComponent(id)}/route-path`, operation: 'read the route path', signal });
  const path = env?.data?.routePath;
  return Array.isArray(path) ? path.filter((x): x is string => typeof x === 'string') : [];
}

export function listApiSessions(client: ZitiApi, o: ListOptions): Promise<ListPage<ZitiApiSession>> {
  return list<ZitiApiSession>(client, '/api-sessions', 'list API sessions', o);
}

export async function getApiSession(client: ZitiApi, id: string, signal?: AbortSignal): Promise<ZitiApiSession> {
  const env = await client.api<ZitiEnvelope<ZitiApiSession>>({ method: 'GET', path: `/api-sessions/${encodeURIComponent(id)}`, operation: 'read the API session', signal });
  return env.data;
}

/** DELETE /api-sessions/{id} (its sessions go with it); a 404 is not an error. */
export function deleteApiSession(client: ZitiApi, id: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  return deleteEntity(client, `/api-sessions/${encodeURIComponent(id)}`, 'end the API session', signal);
}

/** The sessions of one API session, through the server-side filter `apiSessionId = "<id>"`. */
export function apiSessionFilter(apiSessionId: string): string {
  return `apiSessionId = ${zitiString(apiSessionId)}`;
}

export async function currentApiSessionId(client: ZitiApi, signal?: AbortSignal): Promise<string | undefined> {
  const env = await client.api<ZitiEnvelope<{ id?: string }>>({ method: 'GET', path: '/current-api-session', operation: 'read the API session', signal });
  return env?.data?.id;
}

async function deleteEntity(client: ZitiApi, path: string, operation: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  try {
    await client.api({ method: 'DELETE', path, operation, signal, allowEmpty: true });
    return 'deleted';
  } catch (e) {
    return deleteNotFoundOutcome(e);
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/**
 * What a failed DELETE means: a 404 is "already gone", unless an earlier attempt of the same DELETE (retried after a
 * 502, 504 or dropped connection) may have reached the server, in which case it was probably this request that
 * deleted it: "deleted". Anything else is rethrown.
 */
export function deleteNotFoundOutcome(e: unknown): DeleteOutcome {
  if (isNotFound(e)) {
    return (e as ApiError).earlierAttemptMayHaveSucceeded ? 'deleted' : 'already-gone';
  }
  throw e;
}

/** Identities by id: `GET /identities?filter=id in ["a","b"]`, in batches. */
export async function listIdentitiesByIds(client: ZitiApi, ids: readonly string[], signal?: AbortSignal): Promise<ZitiIdentity[]> {
  if (ids.length === 0) {
    return [];
  }
  const page = await list<ZitiIdentity>(client, '/identities', 'resolve identity names', {
    offset: 0,
    limit: Math.min(MAX_PAGE_SIZE, ids.length),
    filter: `id in [${ids.map(zitiString).join(', ')}]`,
    signal,
  });
  return page.items;
}

/**
 * Identity names per controller, resolved in batches of `batchSize` ids with one `id in [...]` filter each, cached,
 * and shared by concurrent callers (an id already being fetched is not asked for again).
 */
/** Identity names kept per controller (the least recently used go first). */
export const MAX_IDENTITY_NAMES = 10_000;

export class IdentityCache {
  private readonly names: BoundedMap<string, string>;
  private readonly pending = new Map<string, Promise<void>>();
  /** Identity requests sent (for tests and logs). */
  requests = 0;

  constructor(
    private readonly batchSize = 100,
    capacity = MAX_IDENTITY_NAMES,
  ) {
    this.names = new BoundedMap(capacity);
  }

  /** How many names are held. */
  get size(): number {
    return this.names.size;
  }

  get(id: string): string | undefined {
    return this.names.get(id);
  }

  clear(): void {
    this.names.clear();
  }

  /** Resolves every id (unknown ids map to nothing); returns id → name for the ids asked. */
  async resolve(client: ZitiApi, ids: Iterable<string>, signal?: AbortSignal): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)].filter((id) => id);
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const id of wanted) {
      if (this.names.has(id)) {
        continue;
      }
      const p = this.pending.get(id);
      if (p) {
        waits.push(p);
      } else {
        missing.push(id);
      }
    }
    for (let i = 0; i < missing.length; i += this.batchSize) {
      const batch = missing.slice(i, i + this.batchSize);
      this.requests++;
      const p = listIdentitiesByIds(client, batch, signal).then(
        (found) => {
          for (const ident of found) {
            if (ident && typeof ident.id === 'string') {
              this.names.set(ident.id, typeof ident.name === 'string' ? ident.name : ident.id);
            }
          }
        },
      );
      const settled = p.finally(() => {
        for (const id of batch) {
          this.pending.delete(id);
        }
      });
      for (const id of batch) {
        this.pending.set(id, settled.catch(() => undefined));
      }
      waits.push(settled);
    }
    await Promise.all(waits);
    const out = new Map<string, string>();
    for (const id of wanted) {
      const n = this.names.get(id);
      if (n !== undefined) {
        out.set(id, n);
      }
    }
    return out;
  }
}

/** Runs `task` over `items` with at most `concurrency` in flight; results in input order, failures captured. */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i], i) };
      } catch (e) {
        results[i] = { status: 'rejected', reason: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
