// PingOne's sessions for the one Sessions view (src/backends/sessionSource.ts). Pure: no `vscode` import.
//
// Levels under a connection: environments (what the worker app may see) → users (paged by following
// `_links.next.href` verbatim, the server's `count` as the total, a SCIM `filter` from the Filter command) → each
// user's sessions (one unpaged list of at most 10, expired ones included: PingOne exposes no expiry, so a session idle
// longer than `staleAfterHours` is shown dimmed as likely expired, never hidden).
//
// Not offered, on purpose:
// - find(id): PingOne reaches a session only through its environment and user
//   (`/environments/{env}/users/{user}/sessions/{id}`); finding an id would mean listing the sessions of every user of
//   every environment (5,000 users: 5,000 requests).
// - countSessions(): the same reason; there is no count of an environment's sessions. A user row says how many
//   sessions it has once they were read.
import { ApiError } from '../../http';
import type { FetchedPage, PageRequest } from '../../http/paging';
import type { EnvironmentInfo } from '../types';
import type {
  EntryTooltip,
  ListQuery,
  OrderOption,
  RevokeImpact,
  RevokeOutcome,
  SessionEntry,
  SessionSource,
  SessionSourceContext,
} from '../sessionSource';
import type { PingOneClient } from './client';
import type { PingOneSession, PingOneUser } from './models';
import { formatUtc, placeOf, titleCase } from './trail';

/** The `type` of each level's entries (the first token of the row's contextValue). */
export const PINGONE_ENTRY_TYPES = {
  environment: 'pingoneEnvironment',
  user: 'pingoneUser',
  session: 'pingoneSession',
} as const;

/** Sessions idle longer than this are dimmed (the `sessionManager.pingone.staleAfterHours` setting's default). */
export const DEFAULT_STALE_AFTER_HOURS = 12;
/** DELETEs in flight at once during a bulk revoke. */
export const DEFAULT_REVOKE_CONCURRENCY = 4;
/** PingOne's most users per page (`limit` 1–1000). */
export const MAX_USERS_PAGE = 1000;
/** PingOne keeps at most this many sessions per user. */
export const MAX_SESSIONS_PER_USER = 10;

export const PINGONE_SESSION_ORDERS: readonly OrderOption[] = [
  { id: 'newest', label: 'Newest activity first' },
  { id: 'oldest', label: 'Oldest activity first' },
];

export interface PingOneSessionSourceOptions {
  /**
   * Sessions idle longer than this many hours are dimmed as likely expired. A function is read at every listing (so
   * a changed setting applies on the next refresh); undefined or not a positive number: the default (12 h).
   */
  staleAfterHours?: number | (() => number | undefined);
  /** DELETEs in flight at once during a bulk revoke (default 4). */
  revokeConcurrency?: number;
}

/** The client calls the source uses (PingOneClient has them). */
type SessionsApi = Pick<PingOneClient, 'listEnvironments' | 'usersPage' | 'readUser' | 'listUserSessions' | 'readSession' | 'deleteSession'>;

/** Builds the PingOne session source of one connection. */
export function createPingOneSessionSource(ctx: SessionSourceContext, options: PingOneSessionSourceOptions = {}): SessionSource {
  return new PingOneSessionSource(ctx, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Filter: free text or SCIM

const SCIM_START = /^\s*\(*\s*[A-Za-z_][\w.]*(\[[^\]]*\])?\s+(eq|ne|co|sw|ew|gt|ge|lt|le|pr)(?=[\s"()]|$)/i;
const COMPARISON = /\b(eq|ne|co|sw|ew|gt|ge|lt|le)\s+([^\s"()][^\s()]*)/gi;

/** Whether the text is already a SCIM filter expression (an attribute, then an operator). */
export function isScimFilter(text: string): boolean {
  return SCIM_START.test(text);
}

/** A SCIM string literal: double quotes, with `\` and `"` escaped. */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

/**
 * What the Filter command's text becomes as PingOne's `filter` on users: a SCIM expression passes through
 * unchanged (the server judges it, and says why it refuses); free text `x` matches users whose username, email,
 * given or family name starts with it, and "first last" also given name and family name together. Empty: no filter.
 */
export function toScimFilter(text: string | undefined): string | undefined {
  const t = (text ?? '').trim();
  if (t === '') {
    return undefined;
  }
  if (isScimFilter(t)) {
    return t;
  }
  const v = scimString(t);
  let out = `username sw ${v} or email sw ${v} or name.given sw ${v} or name.family sw ${v}`;
  const words = t.split(/\s+/);
  if (words.length === 2) {
    out += ` or (name.given sw ${scimString(words[0])} and name.family sw ${scimString(words[1])})`;
  }
  return out;
}

/** A message for filter text that is obviously broken SCIM (the server would refuse it), else undefined. */
export function validatePingOneFilter(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || !isScimFilter(t)) {
    return undefined;
  }
  let depth = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: t[t.length] is undefined, which no branch below matches
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) {
        return 'A ")" has no matching "(".';
      }
    }
  }
  if (inString) {
    return 'A quoted value is not closed: add the closing ".';
  }
  if (depth > 0) {
    return 'A "(" is not closed: add the matching ")".';
  }
  const outside = t.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const dangling = /\b(eq|ne|co|sw|ew|gt|ge|lt|le)\s*\)*\s*$/i.exec(outside);
  if (dangling) {
    return `A value in double quotes is missing after "${dangling[1]}", e.g. username ${dangling[1].toLowerCase()} "alice".`;
  }
  const joiner = /\b(and|or)\s*\)*\s*$/i.exec(outside);
  if (joiner) {
    return `The filter ends with "${joiner[1]}": add the condition that follows it.`;
  }
  for (const m of outside.matchAll(COMPARISON)) {
    if (!/^(true|false|null|-?\d+(\.\d+)?)$/i.test(m[2])) {
      return `Put the value in double quotes: ${m[1].toLowerCase()} "${m[2]}".`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Keys: env/<envId>[/user/<userId>[/session/<sessionId>]], each id URI-encoded

interface EntryRef {
  envId: string;
  userId?: string;
  sessionId?: string;
}

export function environmentKey(envId: string): string {
  return `env/${encodeURIComponent(envId)}`;
}

export function userKey(envId: string, userId: string): string {
  return `${environmentKey(envId)}/user/${encodeURIComponent(userId)}`;
}

export function sessionKey(envId: string, userId: string, sessionId: string): string {
  return `${userKey(envId, userId)}/session/${encodeURIComponent(sessionId)}`;
}

/** The ids a key names, or undefined for a key this source did not make. */
export function parseKey(key: string): EntryRef | undefined {
  const m = /^env\/([^/]+)(?:\/user\/([^/]+)(?:\/session\/([^/]+))?)?$/.exec(key);
  if (!m) {
    return undefined;
  }
  try {
    return {
      envId: decodeURIComponent(m[1]),
      userId: m[2] !== undefined ? decodeURIComponent(m[2]) : undefined,
      sessionId: m[3] !== undefined ? decodeURIComponent(m[3]) : undefined,
    };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entries

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** "Alice Nguyen": the formatted name, else given + family, else the username, else the email, else the id. */
export function userDisplayName(u: PingOneUser): string {
  const formatted = str(u.name?.formatted);
  if (formatted) {
    return formatted;
  }
  const full = [str(u.name?.given), str(u.name?.family)].filter(Boolean).join(' ');
  return full || str(u.username) || str(u.email) || u.id;
}

/** "Chrome on macOS" (versions in the tooltip). */
export function sessionLabel(s: PingOneSession): string {
  const browser = str(s.browser?.name);
  const os = str(s.operatingSystem?.name);
  if (browser && os) {
    return `${browser} on ${os}`;
  }
  return browser ?? os ?? 'Unknown browser';
}

/** The newest recorded location (PingOne documents no order for `locations[]`). */
export function lastLocation(s: PingOneSession): NonNullable<PingOneSession['locations']>[number] | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a truthy non-object has no at/city/remoteIp, so it reads as no location
  const locs = Array.isArray(s.locations) ? s.locations.filter((l) => l && typeof l === 'object') : [];
  let best: (typeof locs)[number] | undefined;
  let bestAt = Number.NEGATIVE_INFINITY;
  for (const l of locs) {
    const at = typeof l.at === 'string' ? Date.parse(l.at) : NaN;
    const t = Number.isFinite(at) ? at : Number.NEGATIVE_INFINITY;
    if (best === undefined || t > bestAt) {
      best = l;
      bestAt = t;
    }
  }
  return best;
}

function sessionIp(s: PingOneSession): string | undefined {
  return str(lastLocation(s)?.remoteIp) ?? str(s.lastSignOn?.remoteIp);
}

function sessionCityCountry(s: PingOneSession): string | undefined {
  const l = lastLocation(s);
  const parts: string[] = [];
  for (const p of [str(l?.city), str(l?.country)]) {
    // "Singapore, Singapore" says one place twice.
    if (p !== undefined && !parts.some((q) => q.toLowerCase() === p.toLowerCase())) {
      parts.push(titleCase(p));
    }
  }
  // Stryker disable next-line EqualityOperator: '' instead of undefined; every use drops a falsy place
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function activityMs(s: PingOneSession): number | undefined {
  for (const v of [s.activeAt, s.createdAt]) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isFinite(t)) {
      return t;
    }
  }
  return undefined;
}

function versioned(p: { name?: string; version?: string } | undefined): string | undefined {
  const name = str(p?.name);
  if (!name) {
    return undefined;
  }
  const version = str(p?.version);
  return version ? `${name} ${version}` : name;
}

function utc(iso: unknown): string | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? formatUtc(t) : undefined;
}

function idleText(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${Math.floor(h / 24)} days` : `${Math.max(1, Math.floor(h))} h`;
}

class PingOneSessionSource implements SessionSource {
  readonly connectionNoun = 'connection';
  readonly backendLabel = 'PingOne';
  readonly capabilities = {
    filter: {
      prompt: 'Show users whose username, email, given or family name starts with this text, or enter a SCIM filter',
      placeholder: 'alice   or   email ew "@example.com"   or   (name.family eq "Smith") and (name.given sw "W")',
    },
    orders: PINGONE_SESSION_ORDERS,
    find: false,
  };
  readonly revokeNote =
    'Revoking a PingOne session ends that single sign-on session for every application that uses it; tokens already issued to those applications stay valid until they expire.';

  /** How many sessions each user had when last read (user key → count): shown on the user row. */
  private readonly sessionCounts = new Map<string, number>();
  /** Names shown in revoke labels: environment key → name, user key → display name. */
  private readonly names = new Map<string, string>();
  private readonly concurrency: number;

  constructor(
    private readonly ctx: SessionSourceContext,
    private readonly options: PingOneSessionSourceOptions,
  ) {
    const c = options.revokeConcurrency;
    this.concurrency = typeof c === 'number' && Number.isFinite(c) && c >= 1 ? Math.floor(c) : DEFAULT_REVOKE_CONCURRENCY;
  }

  paging(parent: SessionEntry | undefined): { cursor: boolean; maxPageSize: number } {
    return { cursor: true, maxPageSize: parent?.type === PINGONE_ENTRY_TYPES.user ? MAX_SESSIONS_PER_USER : MAX_USERS_PAGE };
  }

  validateFilter(text: string): string | undefined {
    return validatePingOneFilter(text);
  }

  async list(parent: SessionEntry | undefined, page: PageRequest, query: ListQuery, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>> {
    const api = await this.api(signal);
    if (parent === undefined) {
      const envs = await api.listEnvironments(signal);
      for (const e of envs) {
        this.names.set(environmentKey(e.id), e.label);
      }
      return { items: envs.map((e) => this.environmentEntry(e)), total: envs.length };
    }
    const ref = parseKey(parent.key);
    if (!ref) {
      return { items: [], total: 0 };
    }
    if (parent.type === PINGONE_ENTRY_TYPES.environment) {
      this.names.set(parent.key, parent.label);
      const message = query.filter !== undefined ? validatePingOneFilter(query.filter) : undefined;
      if (message) {
        throw new Error(`The filter cannot be sent to PingOne: ${message}`);
      }
      const res = await api.usersPage(ref.envId, { cursor: page.cursor, limit: page.limit, filter: toScimFilter(query.filter) }, signal);
      const items = res.items.filter((u) => typeof u?.id === 'string').map((u) => this.userEntry(ref.envId, u));
      return { items, total: res.total, next: res.next };
    }
    if (parent.type === PINGONE_ENTRY_TYPES.user && ref.userId !== undefined) {
      const userId = ref.userId;
      this.names.set(parent.key, parent.label);
      const sessions = await api.listUserSessions(ref.envId, userId, signal);
      this.sessionCounts.set(parent.key, sessions.length);
      const newestFirst = query.order !== 'oldest';
      const sorted = [...sessions].sort((a, b) => {
        const d = (activityMs(b) ?? Number.NEGATIVE_INFINITY) - (activityMs(a) ?? Number.NEGATIVE_INFINITY);
        return newestFirst ? d : -d;
      });
      return { items: sorted.map((s) => this.sessionEntry(ref.envId, userId, s)), total: sorted.length };
    }
    return { items: [], total: 0 };
  }

  async revoke(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeOutcome[]> {
    const api = await this.api(signal);
    return mapBounded(entries, this.concurrency, signal, async (entry): Promise<RevokeOutcome> => {
      const ref = parseKey(entry.key);
      if (ref?.userId !== undefined && ref.sessionId !== undefined && entry.type === PINGONE_ENTRY_TYPES.session) {
        return this.revokeSession(api, ref.envId, ref.userId, ref.sessionId, signal);
      }
      if (ref?.userId !== undefined && ref.sessionId === undefined && entry.type === PINGONE_ENTRY_TYPES.user) {
        return this.revokeAllOfUser(api, ref.envId, ref.userId, signal);
      }
      return { outcome: 'failed', error: `${entry.label} is not a PingOne session or user; nothing was revoked` };
    }, notSent);
  }

  async revokeImpact(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeImpact> {
    let below = 0;
    const users = entries.filter((e) => e.type === PINGONE_ENTRY_TYPES.user);
    const unknown = users.filter((u) => !this.sessionCounts.has(u.key));
    if (unknown.length > 0) {
      const api = await this.api(signal);
      await mapBounded(unknown, this.concurrency, signal, async (u) => {
        const ref = parseKey(u.key);
        if (ref?.userId !== undefined) {
          this.sessionCounts.set(u.key, (await api.listUserSessions(ref.envId, ref.userId, signal)).length);
        }
        return undefined;
      }, () => undefined);
    }
    for (const u of users) {
      below += this.sessionCounts.get(u.key) ?? 0;
    }
    return { sessionsBelow: users.length > 0 ? below : undefined, warnings: [], endsOwnSession: false };
  }

  async refreshEntry(entry: SessionEntry, signal?: AbortSignal): Promise<SessionEntry | undefined> {
    const ref = parseKey(entry.key);
    if (!ref) {
      return undefined;
    }
    const api = await this.api(signal);
    if (entry.type === PINGONE_ENTRY_TYPES.session && ref.userId !== undefined && ref.sessionId !== undefined) {
      const s = await api.readSession(ref.envId, ref.userId, ref.sessionId, signal);
      return s ? this.sessionEntry(ref.envId, ref.userId, s) : undefined;
    }
    if (entry.type === PINGONE_ENTRY_TYPES.user && ref.userId !== undefined) {
      const u = await api.readUser(ref.envId, ref.userId, signal);
      return u ? this.userEntry(ref.envId, u) : undefined;
    }
    if (entry.type === PINGONE_ENTRY_TYPES.environment) {
      const env = (await api.listEnvironments(signal)).find((e) => e.id === ref.envId);
      return env ? this.environmentEntry(env) : undefined;
    }
    return undefined;
  }

  dispose(): void {
    this.sessionCounts.clear();
    this.names.clear();
  }

  // -------------------------------------------------------------------------------------------------------------

  private async api(signal?: AbortSignal): Promise<SessionsApi> {
    const client = (await this.ctx.client(signal)) as unknown as Partial<SessionsApi>;
    if (typeof client.usersPage !== 'function' || typeof client.listUserSessions !== 'function' || typeof client.deleteSession !== 'function') {
      throw new Error(`${this.ctx.record.label} is not a PingOne connection`);
    }
    return client as SessionsApi;
  }

  private staleAfterMs(): number {
    const o = this.options.staleAfterHours;
    const h = typeof o === 'function' ? o() : o;
    return (typeof h === 'number' && Number.isFinite(h) && h > 0 ? h : DEFAULT_STALE_AFTER_HOURS) * 3_600_000;
  }

  private where(envId: string): string {
    return `${this.names.get(environmentKey(envId)) ?? envId} (${this.ctx.record.label})`;
  }

  private async revokeSession(api: SessionsApi, envId: string, userId: string, sessionId: string, signal?: AbortSignal): Promise<RevokeOutcome> {
    try {
      const result = await api.deleteSession(envId, userId, sessionId, signal);
      const key = userKey(envId, userId);
      const known = this.sessionCounts.get(key);
      // Only a session this call ended leaves the count (an already-ended one may have been counted or not).
      if (result === 'revoked' && known !== undefined && known > 0) {
        this.sessionCounts.set(key, known - 1);
      }
      this.ctx.log('info', `PingOne: ${result === 'revoked' ? 'revoked' : 'already ended:'} session ${sessionId} of user ${userId} in ${this.where(envId)}`);
      return { outcome: result };
    } catch (e) {
      const error = reason(e);
      this.ctx.log('warn', `PingOne: revoking session ${sessionId} of user ${userId} in ${this.where(envId)} failed: ${error}`);
      return { outcome: 'failed', error };
    }
  }

  /** A user entry passed to revoke: each of its sessions, summed up as one outcome. */
  private async revokeAllOfUser(api: SessionsApi, envId: string, userId: string, signal?: AbortSignal): Promise<RevokeOutcome> {
    let sessions: PingOneSession[];
    try {
      sessions = await api.listUserSessions(envId, userId, signal);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        return { outcome: 'already-ended' };
      }
      return { outcome: 'failed', error: reason(e) };
    }
    const outcomes = await mapBounded(sessions, this.concurrency, signal, (s) => this.revokeSession(api, envId, userId, s.id, signal), notSent);
    const failed = outcomes.filter((o): o is Extract<RevokeOutcome, { outcome: 'failed' }> => o.outcome === 'failed');
    if (failed.length > 0) {
      return { outcome: 'failed', error: `${failed.length} of ${plural(outcomes.length, 'session')} not revoked: ${failed[0].error}` };
    }
    return { outcome: outcomes.some((o) => o.outcome === 'revoked') ? 'revoked' : 'already-ended' };
  }

  private environmentEntry(e: EnvironmentInfo): SessionEntry {
    const lines: [string, string | undefined][] = Object.entries(e.details).map(([k, v]) => [k, v === undefined ? undefined : String(v)]);
    return {
      key: environmentKey(e.id),
      id: e.id,
      type: PINGONE_ENTRY_TYPES.environment,
      label: e.label,
      description: e.description,
      icon: e.icon,
      tooltip: { title: e.label, lines },
      accessibilityLabel: `PingOne environment ${e.label}${e.description ? `, ${e.description}` : ''}`,
      flags: { hasDetails: true },
      children: 'paged',
      // Read before the row is drawn, so it says "100 of 5,000" the first time.
      preload: true,
      filterable: true,
      countNoun: 'users',
      childrenName: `users of ${e.label}`,
      emptyText: 'No users',
      details: e.raw,
    };
  }

  private userEntry(envId: string, u: PingOneUser): SessionEntry {
    const key = userKey(envId, u.id);
    const name = userDisplayName(u);
    this.names.set(key, name);
    const handle = str(u.username) ?? str(u.email);
    const count = this.sessionCounts.get(key);
    // The view adds "3 sessions" once the user's sessions were read (showCount).
    const description = handle && handle !== name ? handle : undefined;
    const status = u.account?.status === 'LOCKED' ? 'locked' : u.enabled === false ? 'disabled' : undefined;
    const tooltip: EntryTooltip = {
      title: name,
      lines: [
        ['Username', str(u.username)],
        ['Email', str(u.email)],
        ['Account', status ?? str(u.account?.status)],
        ['Last sign-on', utc(u.lastSignOn?.at)],
        ['Last sign-on IP', str(u.lastSignOn?.remoteIp)],
        ['Sessions', count !== undefined ? String(count) : 'not read yet (expand the user)'],
        ['User ID', u.id],
      ],
      note: 'PingOne lists up to 10 sessions per user, expired ones included.',
    };
    return {
      key,
      id: u.id,
      type: PINGONE_ENTRY_TYPES.user,
      label: name,
      description: [description, status].filter(Boolean).join(' · ') || undefined,
      icon: status ? 'person' : 'account',
      tooltip,
      accessibilityLabel: `PingOne user ${name}${handle && handle !== name ? `, ${handle}` : ''}${count !== undefined ? `, ${plural(count, 'session')}` : ''}${status ? `, ${status}` : ''}`,
      flags: { canRevokeAll: true, hasDetails: true },
      children: 'all',
      showCount: true,
      childrenName: `sessions of ${name}`,
      emptyText: 'No sessions',
      details: u,
      revokeLabel: `all sessions of ${name}${handle && handle !== name ? ` (${handle})` : ''} in ${this.where(envId)}`,
    };
  }

  private sessionEntry(envId: string, userId: string, s: PingOneSession): SessionEntry {
    const label = sessionLabel(s);
    const device = str(s.device?.type);
    const place = sessionCityCountry(s);
    const ip = sessionIp(s);
    const active = activityMs(s);
    const idleMs = active !== undefined ? this.ctx.now() - active : undefined;
    const stale = idleMs !== undefined && idleMs > this.staleAfterMs();
    const userName = this.names.get(userKey(envId, userId)) ?? userId;
    const last = lastLocation(s);
    const tooltip: EntryTooltip = {
      title: label,
      lines: [
        ['User', userName],
        ['Environment', this.names.get(environmentKey(envId)) ?? envId],
        ['Last active', utc(s.activeAt)],
        ['Created', utc(s.createdAt)],
        ['Last sign-on', [utc(s.lastSignOn?.at), str(s.lastSignOn?.remoteIp)].filter(Boolean).join(' from ') || undefined],
        ['Location', last ? placeOf(last) : undefined],
        ['IP address', ip],
        ['Browser', versioned(s.browser)],
        ['Operating system', versioned(s.operatingSystem)],
        ['Device', device],
        ['Session ID', s.id],
      ],
      note: stale
        ? `Idle for ${idleText(idleMs as number)}: probably expired (PingOne lists expired sessions too and does not say when one expires).`
        : undefined,
    };
    const description = [device, place, ip].filter(Boolean).join(' · ') || undefined;
    return {
      key: sessionKey(envId, userId, s.id),
      id: s.id,
      type: PINGONE_ENTRY_TYPES.session,
      label,
      description,
      icon: device === 'Mobile' || device === 'Tablet' ? 'device-mobile' : 'device-desktop',
      dimmed: stale,
      dimmedNote: stale ? 'likely expired' : undefined,
      time: active !== undefined ? new Date(active).toISOString() : undefined,
      tooltip,
      accessibilityLabel: `PingOne session ${label}${description ? `, ${description}` : ''}${stale ? ', probably expired' : ''}`,
      flags: { canRevoke: true, hasDetails: true, hasTrail: true },
      details: s,
      revokeLabel: `${label} of ${userName} in ${this.where(envId)}`,
      // The single confirmation says whose and where: one user may have several "Chrome on Windows" sessions.
      what: `the session ${label}${place ? ` (${place})` : ''} of ${userName} in ${this.names.get(environmentKey(envId)) ?? envId}`,
    };
  }
}

/** The outcome of an entry whose revoke was never sent because the person cancelled. */
function notSent(): RevokeOutcome {
  return { outcome: 'failed', error: 'not sent: cancelled' };
}

/** What a failed request says, as the HTTP core worded it (the server's own message, without the connection prefix). */
function reason(e: unknown): string {
  if (e instanceof ApiError) {
    return e.summary;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Runs `fn` over `items` with at most `limit` in flight; results in the items' order. Stops starting new ones on abort. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  fn: (item: T) => Promise<R>,
  ifCancelled: () => R,
): Promise<R[]> {
  // Stryker disable next-line ArrayDeclaration: every index is assigned below, so the preset length changes nothing
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      if (signal?.aborted) {
        results[i] = ifCancelled();
        continue;
      }
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
