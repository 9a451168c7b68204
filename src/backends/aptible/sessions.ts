// Aptible's ephemeral sessions for the one Sessions view (src/backends/sessionSource.ts). Pure: no `vscode` import.
//
// Levels under a connection: accounts (Aptible's "environments"; production ones marked) → apps (paged) → each app's
// ephemeral sessions (what `aptible ssh` starts), newest first, paged by following `_links.next` verbatim. Before an
// app's sessions, one fixed level, "Recent SSH operations": the app's `execute` operations (what `aptible ssh`
// creates; `GET /apps/{id}/operations`, other types left out), each opening the sessions it started
// (`GET /operations/{id}/ephemeral_sessions`). Operations read there go into the same cache as the join below. A session
// carries no user, command or state: those live on the operation that started it, so each row is joined with
// `GET /operations/{id}`, fetched once per id (at most `operationConcurrency` in flight) and kept for the source's
// lifetime; an operation still queued or running, or unavailable, is read again when its app's list is read again
// from the start.
// A missing or forbidden operation leaves the row readable ("operation unavailable").
//
// Read-only by nature: the Deploy API has no call that ends an ephemeral session, so no entry carries `canRevoke`.
// What it offers instead, on a session whose operation is still queued or running, is `canCancelOperation`
// (`PATCH /operations/{id}` with `cancelled: true`, what `aptible operation:cancel` does); Aptible does not document
// whether a live SSH session ends with it.
import { ApiError } from '../../http';
import type { FetchedPage, PageRequest } from '../../http/paging';
import type { EnvironmentInfo } from '../types';
import type { EntryTooltip, FoundEntry, ListQuery, RevokeOutcome, SessionEntry, SessionSource, SessionSourceContext } from '../sessionSource';
import type { AptibleClient } from './client';
import type { AptibleApp, AptibleEphemeralContainer, AptibleEphemeralSession, AptibleOperation } from './models';
import type { PathHop, PathView } from '../../webviews/path/protocol';

/** The `type` of each level's entries (the first token of the row's contextValue). */
export const APTIBLE_ENTRY_TYPES = {
  account: 'aptibleAccount',
  app: 'aptibleApp',
  /** An app's "Recent SSH operations" (the fixed row before its sessions). */
  operations: 'aptibleOperations',
  /** One `execute` operation (what `aptible ssh` creates): its sessions below it. */
  operation: 'aptibleOperation',
  session: 'aptibleSession',
} as const;

/** Operation reads in flight at once while a page of sessions is joined. */
export const DEFAULT_OPERATION_CONCURRENCY = 4;
/** Aptible decides its page size; this only bounds what the view asks for. */
export const APTIBLE_MAX_PAGE = 100;
/** Operation states after which nothing changes any more (their reads are kept). */
const FINAL_STATES: ReadonlySet<string> = new Set(['succeeded', 'failed']);
/** Operation states in which a cancel still means something. */
const CANCELLABLE_STATES: ReadonlySet<string> = new Set(['queued', 'running']);
/** The operation type `aptible ssh` creates: the only one that starts ephemeral sessions. */
const SSH_OPERATION_TYPE = 'execute';
/** Pages of an app's operations read in one go while none of them is an SSH one (deploys, restarts…), at most. */
export const OPERATION_PAGES_PER_READ = 10;

export interface AptibleSessionSourceOptions {
  /** Operation reads in flight at once (default 4). */
  operationConcurrency?: number;
}

/** The client calls the source uses (AptibleClient has them). */
type SessionsApi = Pick<
  AptibleClient,
  | 'listEnvironments'
  | 'appsPage'
  | 'appSessionsPage'
  | 'appOperationsPage'
  | 'operationSessionsPage'
  | 'readOperation'
  | 'cancelOperation'
  | 'readEphemeralSession'
  | 'readApp'
  | 'sessionContainersPage'
>;

/** An operation as joined to a row: read, or why it could not be. */
export type JoinedOperation = { operation: AptibleOperation } | { unavailable: string };

export function createAptibleSessionSource(ctx: SessionSourceContext, options: AptibleSessionSourceOptions = {}): AptibleSessionSource {
  return new AptibleSessionSource(ctx, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Keys, each id URI-encoded: account/<id>[/app/<id>[/session/<id> | /operations | /op/<id>[/session/<id>]]]
// (a session is keyed under the app, or under the operation row it was opened from: one key per row of a connection).

interface EntryRef {
  accountId: string;
  appId?: string;
  /** A session, under the app or (with `operationId`) under an operation row. */
  sessionId?: string;
  /** The app's "Recent SSH operations" level. */
  operations?: boolean;
  /** An operation row (or a session below it). */
  operationId?: string;
}

export function accountKey(accountId: string): string {
  return `account/${encodeURIComponent(accountId)}`;
}

export function appKey(accountId: string, appId: string): string {
  return `${accountKey(accountId)}/app/${encodeURIComponent(appId)}`;
}

export function sessionKey(accountId: string, appId: string, sessionId: string): string {
  return `${appKey(accountId, appId)}/session/${encodeURIComponent(sessionId)}`;
}

export function operationsKey(accountId: string, appId: string): string {
  return `${appKey(accountId, appId)}/operations`;
}

export function operationKey(accountId: string, appId: string, operationId: string): string {
  return `${appKey(accountId, appId)}/op/${encodeURIComponent(operationId)}`;
}

export function operationSessionKey(accountId: string, appId: string, operationId: string, sessionId: string): string {
  return `${operationKey(accountId, appId, operationId)}/session/${encodeURIComponent(sessionId)}`;
}

export function parseKey(key: string): EntryRef | undefined {
  const m = /^account\/([^/]+)(?:\/app\/([^/]+)(?:\/session\/([^/]+)|\/(operations)|\/op\/([^/]+)(?:\/session\/([^/]+))?)?)?$/.exec(key);
  if (!m) {
    return undefined;
  }
  const dec = (v: string | undefined): string | undefined => (v !== undefined ? decodeURIComponent(v) : undefined);
  try {
    const ref: EntryRef = { accountId: decodeURIComponent(m[1]), appId: dec(m[2]), sessionId: dec(m[3] ?? m[6]) };
    if (m[4] !== undefined) {
      ref.operations = true;
    }
    if (m[5] !== undefined) {
      ref.operationId = dec(m[5]);
    }
    return ref;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function utc(iso: unknown): string | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined;
}

/** The id at the end of a HAL link (`…/operations/7770012` → '7770012'). */
export function idFromHref(href: unknown): string | undefined {
  if (typeof href !== 'string') {
    return undefined;
  }
  const m = /\/(\d+)\/?(?:[?#].*)?$/.exec(href);
  return m ? m[1] : undefined;
}

/** "running", "failed (cancelled)", "running (cancel requested)". */
export function operationState(op: AptibleOperation): string {
  const status = str(op.status) ?? 'unknown';
  if (op.aborted === true) {
    return `${status} (aborted)`;
  }
  if (op.cancelled === true) {
    return CANCELLABLE_STATES.has(status) ? `${status} (cancel requested)` : `${status} (cancelled)`;
  }
  return status;
}

/** Whether "Cancel Operation…" applies: the operation is still queued or running and no cancel was asked yet. */
export function canCancel(op: AptibleOperation | undefined): boolean {
  return op !== undefined && CANCELLABLE_STATES.has(str(op.status) ?? '') && op.cancelled !== true && op.aborted !== true;
}

function reason(e: unknown): string {
  if (e instanceof ApiError) {
    return e.summary;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs `fn` over `items` with at most `limit` in flight; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------------------------

export class AptibleSessionSource implements SessionSource {
  readonly backendLabel = 'Aptible';
  readonly connectionNoun = 'connection';
  readonly capabilities = { find: true };
  readonly revokeNote = "Aptible's API has no call that ends an ephemeral session.";

  /** Operation id → its read (shared by concurrent callers). */
  private readonly operations = new Map<string, Promise<JoinedOperation>>();
  /** Account key → handle and whether it is production; app key → handle. */
  private readonly accounts = new Map<string, { handle: string; production: boolean }>();
  private readonly apps = new Map<string, string>();
  private readonly concurrency: number;

  constructor(
    private readonly ctx: SessionSourceContext,
    options: AptibleSessionSourceOptions = {},
  ) {
    const c = options.operationConcurrency;
    this.concurrency = typeof c === 'number' && Number.isFinite(c) && c >= 1 ? Math.floor(c) : DEFAULT_OPERATION_CONCURRENCY;
  }

  paging(): { cursor: boolean; maxPageSize: number } {
    return { cursor: true, maxPageSize: APTIBLE_MAX_PAGE };
  }

  async list(parent: SessionEntry | undefined, page: PageRequest, _query: ListQuery, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>> {
    const api = await this.api(signal);
    if (parent === undefined) {
      const accounts = await api.listEnvironments(signal);
      return { items: accounts.map((a) => this.accountEntry(a)), total: accounts.length };
    }
    const ref = parseKey(parent.key);
    if (!ref) {
      return { items: [], total: 0 };
    }
    if (parent.type === APTIBLE_ENTRY_TYPES.account) {
      const res = await api.appsPage(ref.accountId, page.cursor, signal);
      const items = res.items.filter((p) => typeof p?.id === 'number').map((p) => this.appEntry(ref.accountId, p));
      return { items, total: res.total, next: res.next };
    }
    if (parent.type === APTIBLE_ENTRY_TYPES.app && ref.appId !== undefined) {
      const appId = ref.appId;
      const res = await api.appSessionsPage(appId, page.cursor, signal);
      const sessions = res.items.filter((s) => typeof s?.id === 'number');
      const joined = await this.join(api, sessions, !page.cursor, signal);
      const items = sessions.map((s, i) => this.sessionEntry(ref.accountId, appId, s, joined[i]));
      // Newest first within the page (Aptible documents no order; the sandbox and the API send newest first).
      items.sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
      return { items, total: res.total, next: res.next };
    }
    if (parent.type === APTIBLE_ENTRY_TYPES.operations && ref.operations && ref.appId !== undefined) {
      const appId = ref.appId;
      const res = await this.sshOperationsPage(api, appId, page.cursor, signal);
      for (const op of res.items) {
        // The same cache the sessions' join reads: a session row below shows what its operation row shows.
        this.operations.set(String(op.id), Promise.resolve({ operation: op }));
      }
      const items = res.items.map((op) => this.operationEntry(ref.accountId, appId, op));
      // The server's total counts every type of operation: only the end of the list says how many SSH ones there are.
      return { items, total: res.next ? undefined : page.offset + items.length, next: res.next };
    }
    if (parent.type === APTIBLE_ENTRY_TYPES.operation && ref.appId !== undefined && ref.operationId !== undefined) {
      const { appId, operationId } = ref;
      const res = await api.operationSessionsPage(operationId, page.cursor, signal);
      const sessions = res.items.filter((s) => typeof s?.id === 'number');
      // Not `fresh`: the operation row above was just read with its list, and its sessions show the same state.
      const joined = await this.join(api, sessions, false, signal);
      const items = sessions.map((s, i) => this.sessionEntry(ref.accountId, appId, s, joined[i], operationId));
      items.sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
      return { items, total: res.total, next: res.next };
    }
    return { items: [], total: 0 };
  }

  /**
   * One page of an app's SSH (`execute`) operations, newest first, from `GET /apps/{id}/operations` (every type) by
   * following `_links.next` verbatim. A page without one is skipped (up to OPERATION_PAGES_PER_READ pages per read),
   * as the view's pager takes a page that adds nothing for the end of the list.
   */
  private async sshOperationsPage(api: SessionsApi, appId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleOperation>> {
    let url = cursor;
    for (let pages = 1; ; pages++) {
      const res = await api.appOperationsPage(appId, url, signal);
      const items = res.items.filter((o) => typeof o?.id === 'number' && o.type === SSH_OPERATION_TYPE);
      if (items.length > 0 || !res.next || res.next === url || pages >= OPERATION_PAGES_PER_READ) {
        // Newest first within the page (Aptible documents no order).
        items.sort((a, b) => (Date.parse(b.created_at ?? '') || 0) - (Date.parse(a.created_at ?? '') || 0));
        return { items, next: res.next };
      }
      url = res.next;
    }
  }

  /** Nothing to revoke: Aptible has no call that ends an ephemeral session (no entry offers Revoke). */
  async revoke(entries: readonly SessionEntry[]): Promise<RevokeOutcome[]> {
    return entries.map(() => ({ outcome: 'failed', error: "Aptible's API has no call that ends an ephemeral session; nothing was sent" }));
  }

  /** The operation of a session or operation entry, as joined or listed (read now if it was not). */
  async operationOf(entry: SessionEntry, signal?: AbortSignal): Promise<JoinedOperation | undefined> {
    const opId = operationIdOf(entry);
    if (opId === undefined) {
      return undefined;
    }
    return this.readOperation(await this.api(signal), opId, false, signal);
  }

  /**
   * Asks Aptible to cancel the operation of this entry (an operation row, or the one that started a session;
   * `PATCH /operations/{id}`). The cached read
   * is dropped, so the next listing shows the operation's new state. Throws the server's refusal as the HTTP core
   * worded it.
   */
  async cancelOperation(entry: SessionEntry, signal?: AbortSignal): Promise<string> {
    const opId = operationIdOf(entry);
    if (opId === undefined) {
      throw new Error(`${entry.label} has no operation to cancel`);
    }
    const api = await this.api(signal);
    try {
      await api.cancelOperation(opId, signal);
    } finally {
      this.operations.delete(opId);
    }
    const from = entry.type === APTIBLE_ENTRY_TYPES.operation ? 'its operation row' : `ephemeral session ${entry.id}`;
    this.ctx.log('info', `Aptible: asked to cancel operation ${opId} (${from}) on ${this.ctx.record.label}`);
    return opId;
  }

  /** Whether the account above this entry is a production one (as Aptible types it). */
  isProductionEntry(entry: SessionEntry): boolean {
    const ref = parseKey(entry.key);
    return ref !== undefined && this.accounts.get(accountKey(ref.accountId))?.production === true;
  }

  /** The account handle above this entry, when it was listed. */
  accountHandleOf(entry: SessionEntry): string | undefined {
    const ref = parseKey(entry.key);
    return ref ? this.accounts.get(accountKey(ref.accountId))?.handle : undefined;
  }

  /**
   * The details of a session entry with its containers (`_links.ephemeral_containers`, first page): session, operation
   * (or why it is unavailable) and containers; a refused container list is said in place of the containers.
   */
  async sessionDetails(entry: SessionEntry, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const base = (entry.details ?? {}) as Record<string, unknown>;
    if (entry.type !== APTIBLE_ENTRY_TYPES.session) {
      return base;
    }
    const api = await this.api(signal);
    let containers: AptibleEphemeralContainer[] | string;
    try {
      containers = (await api.sessionContainersPage(entry.id, undefined, signal)).items;
    } catch (e) {
      containers = `unavailable: ${reason(e)}`;
    }
    return { ...base, containers };
  }

  /** Find Session by ID: an ephemeral session id, with the account and app above it. */
  async find(id: string, signal?: AbortSignal): Promise<FoundEntry | undefined> {
    if (!/^\d+$/.test(id.trim())) {
      return undefined;
    }
    const api = await this.api(signal);
    const s = await api.readEphemeralSession(id.trim(), signal);
    return s ? this.placed(api, s, signal) : undefined;
  }

  /**
   * Find Operation: the ephemeral sessions an operation started (`GET /operations/{id}/ephemeral_sessions`, every
   * page), each with the account and app above it. Undefined when there is no such operation (404); an operation
   * that started no session gives an empty list.
   */
  async findOperation(operationId: string, signal?: AbortSignal): Promise<FoundEntry[] | undefined> {
    const opId = operationId.trim();
    if (!/^\d+$/.test(opId)) {
      return undefined;
    }
    const api = await this.api(signal);
    const sessions: AptibleEphemeralSession[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    try {
      for (let pages = 0; pages < 50; pages++) {
        const page = await api.operationSessionsPage(opId, cursor, signal);
        sessions.push(...page.items.filter((s) => typeof s?.id === 'number'));
        if (!page.next || seen.has(page.next)) {
          break;
        }
        seen.add(page.next);
        cursor = page.next;
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        return undefined;
      }
      throw e;
    }
    const out: FoundEntry[] = [];
    for (const s of sessions) {
      const f = await this.placed(api, s, signal);
      if (f) {
        out.push(f);
      }
    }
    return out;
  }

  /**
   * The session path of an ephemeral session, for the shared path panel: person → operation (its command) → ephemeral
   * container on its host / instance → app → environment. Read now (the session, its operation again unless finished,
   * its first page of containers, its app, the environments); `ended` when Aptible no longer has the session. A part
   * that cannot be read stays in the path, marked not found, with the reason.
   */
  async sessionPath(sessionId: string, signal?: AbortSignal): Promise<PathView> {
    const label = this.ctx.record.label;
    const base = { connectionId: this.ctx.record.id, connectionLabel: label, sessionId, updatedAt: new Date(this.ctx.now()).toISOString(), canRevoke: false, autoRefreshSeconds: 0 };
    const words = (heading: string, meta: string[]): PathView['texts'] => ({
      heading,
      meta: [...meta, `on ${label}`],
      noun: 'session path',
      caption: `Session path of ephemeral session ${sessionId}: from the person who started it to its environment`,
    });
    const api = await this.api(signal);
    const s = /^\d+$/.test(sessionId) ? await api.readEphemeralSession(sessionId, signal) : undefined;
    if (!s) {
      return {
        ...base,
        state: 'ended',
        hops: [],
        message: `${label} has no ephemeral session ${sessionId} any more.`,
        texts: words(`Session path: ephemeral session ${sessionId}`, [`Ephemeral session ${sessionId}`]),
      };
    }
    const opId = idFromHref(s._links?.operation?.href);
    const appId = idFromHref(s._links?.app?.href);
    const [joined, containers, app] = await Promise.all([
      opId !== undefined ? this.readOperation(api, opId, true, signal) : Promise.resolve(undefined),
      api.sessionContainersPage(String(s.id), undefined, signal).then(
        (page) => ({ items: page.items, total: page.total }),
        (e: unknown) => ({ unavailable: reason(e) }),
      ),
      appId !== undefined ? api.readApp(appId, signal).catch((e: unknown) => ({ unavailable: reason(e) })) : Promise.resolve(undefined),
    ]);
    const accountId = app && !('unavailable' in app) ? idFromHref(app._links?.account?.href) : undefined;
    const account =
      accountId !== undefined ? await api.listEnvironments(signal).then((all) => all.find((a) => a.id === accountId), () => undefined) : undefined;
    const op = joined && 'operation' in joined ? joined.operation : undefined;
    const opWhy = joined === undefined ? 'the session links no operation' : 'unavailable' in joined ? `operation unavailable (${joined.unavailable})` : undefined;
    const who = str(op?.user_name) ?? str(op?.user_email);
    const host = str(s.host);
    const instance = str(s.aws_instance_id);
    const container = 'items' in containers ? containers.items.find((c) => typeof c?.id === 'number') : undefined;
    const more = 'items' in containers ? Math.max(0, (containers.total ?? containers.items.length) - 1) : 0;
    const onHost = [host ? `on ${host}` : undefined, instance].filter(Boolean).join(' · ');
    const production = (account?.details as { type?: unknown } | undefined)?.type === 'production';
    const hops: PathHop[] = [
      op
        ? { role: 'person', roleLabel: 'person', id: str(op.user_email) ?? '', name: who ?? 'unknown user', known: who !== undefined, detail: str(op.user_name) ? str(op.user_email) : undefined }
        : { role: 'person', roleLabel: 'person', id: '', name: 'unknown person', known: false, detail: opWhy },
      op
        ? { role: 'operation', roleLabel: `${str(op.type) ?? ''} operation`.trim(), id: String(op.id), name: str(op.command) ?? `operation ${op.id}`, known: true, detail: operationState(op) }
        : { role: 'operation', roleLabel: 'operation', id: opId ?? '', name: opId ? `operation ${opId}` : 'no operation', known: false, detail: opWhy },
      container
        ? {
            role: 'container',
            roleLabel: 'ephemeral container',
            id: String(container.id),
            name: str(container.docker_name) ?? `container ${container.id}`,
            known: true,
            detail: [onHost, more > 0 ? `+${more} more` : undefined].filter(Boolean).join(' · ') || undefined,
          }
        : {
            role: 'container',
            roleLabel: 'ephemeral container',
            id: '',
            name: host ?? 'unknown host',
            known: host !== undefined,
            detail: ['unavailable' in containers ? `containers unavailable (${containers.unavailable})` : 'no container listed', instance].filter(Boolean).join(' · '),
          },
      app && !('unavailable' in app)
        ? { role: 'app', roleLabel: 'app', id: String(app.id), name: str(app.handle) ?? `app ${app.id}`, known: true, detail: str(app.status) }
        : { role: 'app', roleLabel: 'app', id: appId ?? '', name: appId ? `app ${appId}` : 'unknown app', known: false, detail: app && 'unavailable' in app ? `unavailable (${app.unavailable})` : 'not found' },
      account
        ? { role: 'account', roleLabel: 'environment', id: account.id, name: account.label, known: true, detail: production ? 'production' : str((account.details as { type?: unknown }).type) }
        : { role: 'account', roleLabel: 'environment', id: accountId ?? '', name: accountId ? `environment ${accountId}` : 'unknown environment', known: false, detail: 'not found' },
    ];
    const title = op ? `${who ?? 'unknown user'}${str(op.command) ? ` — ${str(op.command)}` : ''}` : str(s.name) ?? `ephemeral session ${s.id}`;
    return {
      ...base,
      state: 'path',
      hops,
      texts: words(`Session path: ${title} (${s.id})`, [
        `Ephemeral session ${s.id}`,
        op ? `operation ${op.id}: ${operationState(op)}` : (opWhy ?? ''),
        `started ${utc(op?.created_at) ?? utc(s.created_at) ?? 'at an unknown time'}`,
      ].filter(Boolean)),
    };
  }

  dispose(): void {
    this.operations.clear();
    this.accounts.clear();
    this.apps.clear();
  }

  // -------------------------------------------------------------------------------------------------------------

  private async api(signal?: AbortSignal): Promise<SessionsApi> {
    const client = (await this.ctx.client(signal)) as unknown as Partial<SessionsApi>;
    if (typeof client.appSessionsPage !== 'function' || typeof client.readOperation !== 'function') {
      throw new Error(`${this.ctx.record.label} is not an Aptible connection`);
    }
    return client as SessionsApi;
  }

  /** The operations of these sessions: each id read once (bounded), unfinished ones again when `fresh`. */
  private async join(api: SessionsApi, sessions: readonly AptibleEphemeralSession[], fresh: boolean, signal?: AbortSignal): Promise<(JoinedOperation | undefined)[]> {
    const ids = [...new Set(sessions.map((s) => idFromHref(s._links?.operation?.href)).filter((id): id is string => id !== undefined))];
    const read = new Map<string, JoinedOperation>();
    await mapBounded(ids, this.concurrency, async (id) => {
      read.set(id, await this.readOperation(api, id, fresh, signal));
    });
    return sessions.map((s) => {
      const id = idFromHref(s._links?.operation?.href);
      return id === undefined ? undefined : read.get(id);
    });
  }

  private async readOperation(api: SessionsApi, id: string, fresh: boolean, signal?: AbortSignal): Promise<JoinedOperation> {
    const cached = this.operations.get(id);
    if (cached) {
      const known = await cached;
      const final = 'operation' in known && FINAL_STATES.has(str(known.operation.status) ?? '');
      // A finished operation never changes; an unfinished or unavailable one (permissions change) is read again.
      if (!fresh || final) {
        return known;
      }
      if (this.operations.get(id) !== cached) {
        // Another listing is reading it again right now: share that read.
        return this.operations.get(id) as Promise<JoinedOperation>;
      }
    }
    const pending = api.readOperation(id, signal).then(
      (operation): JoinedOperation => ({ operation }),
      (e: unknown): JoinedOperation => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
          this.ctx.log('warn', `Aptible: operation ${id} is unavailable (${e.status}): ${reason(e)}`);
          return { unavailable: e.status === 404 ? 'not found' : 'forbidden' };
        }
        // Anything else (a fault, a timeout) is not kept: the next listing asks again.
        this.operations.delete(id);
        this.ctx.log('warn', `Aptible: reading operation ${id} failed: ${reason(e)}`);
        return { unavailable: reason(e) };
      },
    );
    this.operations.set(id, pending);
    return pending;
  }

  /** A session with the account and app entries above it (reading the app, and the accounts when not listed yet). */
  private async placed(api: SessionsApi, s: AptibleEphemeralSession, signal?: AbortSignal): Promise<FoundEntry | undefined> {
    const appId = idFromHref(s._links?.app?.href);
    const app = appId !== undefined ? await api.readApp(appId, signal) : undefined;
    const accountId = idFromHref(app?._links?.account?.href);
    if (!app || accountId === undefined) {
      return undefined;
    }
    const accounts = await api.listEnvironments(signal);
    const account = accounts.find((a) => a.id === accountId);
    if (!account) {
      return undefined;
    }
    const accountEntry = this.accountEntry(account);
    const appEntry = this.appEntry(accountId, app);
    const [joined] = await this.join(api, [s], false, signal);
    return { entry: this.sessionEntry(accountId, String(app.id), s, joined), path: [accountEntry, appEntry] };
  }

  private accountEntry(a: EnvironmentInfo): SessionEntry {
    const details = a.details as { type?: unknown; apps?: unknown };
    const production = details.type === 'production';
    const key = accountKey(a.id);
    this.accounts.set(key, { handle: a.label, production });
    const lines: [string, string | undefined][] = Object.entries(a.details).map(([k, v]) => [k, v === undefined || v === null ? undefined : String(v)]);
    return {
      key,
      id: a.id,
      type: APTIBLE_ENTRY_TYPES.account,
      label: a.label,
      description: a.description,
      icon: a.icon,
      tooltip: { title: a.label, lines, note: production ? 'A production environment.' : undefined },
      accessibilityLabel: `Aptible environment ${a.label}${a.description ? `, ${a.description}` : ''}`,
      flags: { hasDetails: true },
      children: 'paged',
      childrenName: `apps of ${a.label}`,
      emptyText: 'No apps',
      details: a.raw,
    };
  }

  private appEntry(accountId: string, p: AptibleApp): SessionEntry {
    const id = String(p.id);
    const key = appKey(accountId, id);
    const handle = str(p.handle) ?? id;
    this.apps.set(key, handle);
    const account = this.accounts.get(accountKey(accountId))?.handle ?? accountId;
    return {
      key,
      id,
      type: APTIBLE_ENTRY_TYPES.app,
      label: handle,
      description: str(p.status),
      icon: 'package',
      tooltip: {
        title: handle,
        lines: [
          ['Environment', account],
          ['Status', str(p.status)],
          ['Created', utc(p.created_at)],
          ['App ID', id],
        ],
      },
      accessibilityLabel: `Aptible app ${handle} in ${account}`,
      flags: { hasDetails: true },
      children: 'paged',
      childrenName: `ephemeral sessions of ${handle}`,
      emptyText: 'No ephemeral sessions',
      leading: [this.operationsEntry(accountId, id, handle, account)],
      details: { id: p.id, handle: p.handle, status: p.status, created_at: p.created_at, updated_at: p.updated_at, _links: p._links },
    };
  }

  /** An app's "Recent SSH operations": the fixed row before its sessions. */
  private operationsEntry(accountId: string, appId: string, handle: string, account: string): SessionEntry {
    const what = `the app's "execute" operations (what "aptible ssh" starts), newest first; deploys, restarts and other operations are left out`;
    return {
      key: operationsKey(accountId, appId),
      id: `apps/${appId}/operations`,
      type: APTIBLE_ENTRY_TYPES.operations,
      label: 'Recent SSH operations',
      icon: 'history',
      tooltip: {
        title: `Recent SSH operations of ${handle}`,
        lines: [
          ['App', handle],
          ['Environment', account],
        ],
        note: `Lists ${what}. Open one to see the ephemeral sessions it started.`,
      },
      accessibilityLabel: `Recent SSH operations of Aptible app ${handle}`,
      flags: {},
      children: 'paged',
      childrenName: `SSH operations of ${handle}`,
      emptyText: 'No SSH operations ("aptible ssh") on this app',
      details: undefined,
    };
  }

  /** One `execute` operation: who ran what, its state, and the sessions it started below it. */
  private operationEntry(accountId: string, appId: string, op: AptibleOperation): SessionEntry {
    const id = String(op.id);
    const who = str(op.user_name) ?? str(op.user_email);
    const command = str(op.command);
    const state = operationState(op);
    const started = utc(op.created_at);
    const live = CANCELLABLE_STATES.has(str(op.status) ?? '');
    const label = `${who ?? 'unknown user'}${command ? ` — ${command}` : ''}`;
    const description = [state, started ? `started ${started}` : undefined].filter(Boolean).join(' · ');
    const app = this.apps.get(appKey(accountId, appId)) ?? appId;
    const account = this.accounts.get(accountKey(accountId))?.handle ?? accountId;
    return {
      key: operationKey(accountId, appId, id),
      id,
      type: APTIBLE_ENTRY_TYPES.operation,
      label,
      description,
      icon: live ? 'terminal' : 'history',
      dimmed: !live,
      tooltip: {
        title: label,
        lines: [
          ['User', str(op.user_name)],
          ['Email', str(op.user_email)],
          ['Command', command],
          ['Operation status', state],
          ['Started', started],
          ['Last updated', utc(op.updated_at)],
          ['App', app],
          ['Environment', account],
          ['Operation ID', id],
        ],
        note: 'Open it to see the ephemeral sessions it started.',
      },
      accessibilityLabel: `Aptible SSH operation ${label}, ${description}`,
      flags: { hasDetails: true, canCancelOperation: canCancel(op) },
      children: 'paged',
      childrenName: `ephemeral sessions of operation ${id}`,
      emptyText: 'No ephemeral sessions (none started, or already gone)',
      details: op,
      what: `${who ?? 'an unknown user'}${command ? ` (${command})` : ''} on app ${app} in ${account}`,
    };
  }

  /** A session row, under its app or (`underOperation`) under the operation row it was opened from. */
  private sessionEntry(accountId: string, appId: string, s: AptibleEphemeralSession, joined: JoinedOperation | undefined, underOperation?: string): SessionEntry {
    const id = String(s.id);
    const op = joined && 'operation' in joined ? joined.operation : undefined;
    const unavailable = joined === undefined ? 'no operation link' : 'unavailable' in joined ? joined.unavailable : undefined;
    const who = str(op?.user_name) ?? str(op?.user_email);
    const command = str(op?.command);
    const state = op ? operationState(op) : undefined;
    const host = str(s.host);
    const instance = str(s.aws_instance_id);
    const label = op ? `${who ?? 'unknown user'}${command ? ` — ${command}` : ''}` : str(s.name) ?? `Ephemeral session ${id}`;
    const description = (op ? [state, host] : ['operation unavailable', host]).filter(Boolean).join(' · ') || undefined;
    const app = this.apps.get(appKey(accountId, appId)) ?? appId;
    const account = this.accounts.get(accountKey(accountId))?.handle ?? accountId;
    const opId = idFromHref(s._links?.operation?.href);
    const tooltip: EntryTooltip = {
      title: label,
      lines: [
        ['User', str(op?.user_name)],
        ['Email', str(op?.user_email)],
        ['Command', command],
        ['Operation status', state ?? `operation unavailable (${unavailable})`],
        ['Started', utc(op?.created_at) ?? utc(s.created_at)],
        ['Last updated', utc(op?.updated_at) ?? utc(s.updated_at)],
        ['Host', host],
        ['Instance', instance],
        ['App', app],
        ['Environment', account],
        ['Session', str(s.name)],
        ['Session ID', id],
        ['Operation ID', opId],
      ],
      note: 'Aptible has no call that ends an ephemeral session.',
    };
    return {
      key: underOperation === undefined ? sessionKey(accountId, appId, id) : operationSessionKey(accountId, appId, underOperation, id),
      id,
      type: APTIBLE_ENTRY_TYPES.session,
      label,
      description,
      icon: op && CANCELLABLE_STATES.has(str(op.status) ?? '') ? 'terminal' : 'history',
      dimmed: op !== undefined && !CANCELLABLE_STATES.has(str(op.status) ?? ''),
      time: str(s.created_at),
      tooltip,
      accessibilityLabel: `Aptible ephemeral session ${label}${description ? `, ${description}` : ''}`,
      flags: { hasDetails: true, canCancelOperation: canCancel(op), hasPath: true },
      details: { session: s, operation: op ?? null, operationUnavailable: unavailable },
      what: `the ephemeral session of ${who ?? 'an unknown user'} on app ${app} in ${account}`,
    };
  }
}

/** The operation id of an operation entry, or of a session entry (from its details' operation link). */
export function operationIdOf(entry: SessionEntry): string | undefined {
  if (entry.type === APTIBLE_ENTRY_TYPES.operation) {
    return entry.id;
  }
  const d = entry.details as { session?: AptibleEphemeralSession } | undefined;
  return idFromHref(d?.session?._links?.operation?.href);
}
