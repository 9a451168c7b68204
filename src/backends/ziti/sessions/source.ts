// The OpenZiti session source (src/backends/sessionSource.ts): controller → "Sessions" (service sessions, server-side
// ZitiQL filter, newest first, groupable) and "API Sessions" (logins) → each API session's sessions. Pure: no `vscode`.
import type { FetchedPage, PageRequest } from '../../../http/paging';
import type {
  EntryTooltip,
  FoundEntry,
  ListQuery,
  RevokeImpact,
  RevokeOutcome,
  SessionEntry,
  SessionSource,
  SessionSourceContext,
} from '../../sessionSource';
import {
  apiSessionFilter,
  currentApiSessionId,
  deleteApiSession,
  deleteSession,
  findSession,
  IdentityCache,
  listApiSessions,
  listSessions,
  mapBounded,
  MAX_PAGE_SIZE,
  type ListPage,
  type ZitiApi,
  type ZitiApiSession,
  type ZitiSession,
} from '../api';
import { ZitiClient } from '../client';
import { filterToZitiQl, groupOf, isRawZitiQl, ownershipOf, ownSessionWarning, REVOKE_CONCURRENCY, serviceName, zitiOrderClause, type Ownership, type SessionGroupBy } from './pure';

export const SESSIONS_KEY = 'sessions';
export const API_SESSIONS_KEY = 'apiSessions';

/** The raw object behind each entry this source made (entries are plain data; the source keeps what it needs). */
type Raw = { kind: 'session'; session: ZitiSession } | { kind: 'apiSession'; apiSession: ZitiApiSession } | { kind: 'group' };

const REVOKE_NOTE =
  'The client may get a new session while its API session and service policies still allow it; to stop an identity, disable it or end its API session.';

export class ZitiSessionSource implements SessionSource {
  readonly backendLabel = 'OpenZiti';
  readonly connectionNoun = 'controller';
  readonly revokeNote = REVOKE_NOTE;
  readonly capabilities = {
    filter: {
      prompt: 'Text to find in service or identity names, or a ZitiQL filter (e.g. type = "Dial" and service.name contains "web"). Empty clears the filter.',
      placeholder: 'web   or   type = "Bind"',
    },
    orders: [
      { id: 'newest', label: 'Newest first' },
      { id: 'oldest', label: 'Oldest first' },
    ],
    groupings: [
      { id: 'service', label: 'Service', icon: 'symbol-interface' },
      { id: 'identity', label: 'Identity', icon: 'account' },
      { id: 'type', label: 'Type (Dial / Bind)', icon: 'symbol-enum' },
    ],
    find: true,
  } as const;
  /** Identity names of this controller (sessions carry only identity ids). */
  readonly identities = new IdentityCache();
  private readonly raw = new WeakMap<SessionEntry, Raw>();

  constructor(private readonly ctx: SessionSourceContext) {}

  private async client(signal?: AbortSignal): Promise<ZitiApi> {
    const c = await this.ctx.client(signal);
    if (!(c instanceof ZitiClient)) {
      throw new Error('This connection is not an OpenZiti controller.');
    }
    return c;
  }

  paging(): { cursor: boolean; maxPageSize: number } {
    return { cursor: false, maxPageSize: MAX_PAGE_SIZE };
  }

  async list(parent: SessionEntry | undefined, page: PageRequest, query: ListQuery, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>> {
    if (!parent) {
      return { items: [this.sessionsGroup(query), this.apiSessionsGroup(query)] };
    }
    const raw = this.raw.get(parent);
    const client = await this.client(signal);
    if (parent.key === SESSIONS_KEY) {
      const filter = zitiOrderClause(query.filter ? filterToZitiQl(query.filter) : undefined, query.order);
      return this.sessionPage(await listSessions(client, { offset: page.offset, limit: page.limit, filter, signal }), client, undefined, signal);
    }
    if (parent.key === API_SESSIONS_KEY) {
      const filter = zitiOrderClause(apiSessionsFilter(query.filter), query.order);
      const p = await listApiSessions(client, { offset: page.offset, limit: page.limit, filter, signal });
      return { items: p.items.map((a) => this.apiSessionEntry(a)), total: p.totalCount };
    }
    if (raw?.kind === 'apiSession') {
      const filter = zitiOrderClause(apiSessionFilter(raw.apiSession.id), query.order);
      return this.sessionPage(await listSessions(client, { offset: page.offset, limit: page.limit, filter, signal }), client, parent, signal);
    }
    return { items: [] };
  }

  private async sessionPage(p: ListPage<ZitiSession>, client: ZitiApi, under: SessionEntry | undefined, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>> {
    try {
      await this.identities.resolve(client, p.items.map((s) => s.identityId), signal);
    } catch (e) {
      if (signal?.aborted) {
        throw e;
      }
      // Names are a nicety: the sessions still show, with identity ids.
      this.ctx.log('warn', `Identity names could not be resolved: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { items: p.items.map((s) => this.sessionEntry(s, under)), total: p.totalCount };
  }

  private sessionsGroup(query: ListQuery): SessionEntry {
    const e: SessionEntry = {
      key: SESSIONS_KEY,
      id: SESSIONS_KEY,
      type: 'zitiSessionGroup',
      label: 'Sessions',
      icon: 'plug',
      tooltip: { title: `Service sessions (Dial and Bind) on ${this.ctx.record.label}`, lines: [['Filter', query.filter]] },
      flags: {},
      children: 'paged',
      preload: true,
      filterable: true,
      groupable: true,
      countsSessions: true,
      childrenName: `sessions of ${this.ctx.record.label}`,
      emptyText: 'No active sessions',
      details: undefined,
    };
    this.raw.set(e, { kind: 'group' });
    return e;
  }

  private apiSessionsGroup(query: ListQuery): SessionEntry {
    const applies = apiSessionsFilter(query.filter) !== undefined;
    const e: SessionEntry = {
      key: API_SESSIONS_KEY,
      id: API_SESSIONS_KEY,
      type: 'zitiApiSessionGroup',
      label: 'API Sessions',
      icon: 'key',
      tooltip: {
        title: `Authenticated logins (API sessions) on ${this.ctx.record.label}`,
        note: query.filter && !applies ? 'A ZitiQL filter applies to the Sessions list only; free text also finds API sessions by identity name.' : undefined,
      },
      flags: {},
      children: 'paged',
      preload: true,
      filterable: applies,
      childrenName: `API sessions of ${this.ctx.record.label}`,
      emptyText: 'No API sessions',
      details: undefined,
    };
    this.raw.set(e, { kind: 'group' });
    return e;
  }

  identityName(id: string | undefined): string | undefined {
    return id ? this.identities.get(id) : undefined;
  }

  sessionEntry(s: ZitiSession, under?: SessionEntry): SessionEntry {
    const identity = this.identityName(s.identityId);
    const who = identity || s.identityId || '(unknown identity)';
    const svc = serviceName(s);
    const created = s.createdAt ? `, created ${s.createdAt}` : '';
    const e: SessionEntry = {
      key: under ? `${under.key}/session/${s.id}` : `session/${s.id}`,
      id: s.id,
      type: 'zitiSession',
      label: svc,
      description: [s.type, who].filter(Boolean).join(' · '),
      icon: s.type === 'Bind' ? 'radio-tower' : 'arrow-right',
      time: s.createdAt,
      tooltip: sessionTooltip(s, identity, this.ctx.record.label),
      accessibilityLabel: `${svc}, ${s.type} session of ${who}`,
      flags: { canRevoke: true, hasDetails: true, hasRoute: s.type === 'Dial' },
      details: { ...s, identity: { id: s.identityId, name: identity }, controller: this.ctx.record.label },
      revokeLabel: `${svc} — ${s.type}, ${who}${created} (${this.ctx.record.label})`,
      what: `the ${s.type} session of service "${svc}" for identity "${who}"`,
    };
    this.raw.set(e, { kind: 'session', session: s });
    return e;
  }

  apiSessionEntry(a: ZitiApiSession): SessionEntry {
    const label = a.identity?.name || a.identityId || '(unknown identity)';
    const last = a.lastActivityAt ?? a.cachedLastActivityAt;
    const mfa = !a.isMfaRequired ? 'no MFA' : a.isMfaComplete ? 'MFA ✓' : 'MFA pending';
    const created = a.createdAt ? `, created ${a.createdAt}` : '';
    const e: SessionEntry = {
      key: `apiSession/${a.id}`,
      id: a.id,
      type: 'zitiApiSession',
      label,
      description: [a.ipAddress, mfa].filter(Boolean).join(' · '),
      icon: 'account',
      time: last,
      tooltip: {
        title: `${label} — API session on ${this.ctx.record.label}`,
        lines: [
          ['API session', a.id],
          ['Identity', a.identityId],
          ['IP address', a.ipAddress],
          ['Authenticator', a.authenticatorId],
          ['Last activity', last],
          ['Created', a.createdAt],
          ['MFA', a.isMfaRequired ? (a.isMfaComplete ? 'required, complete' : 'required, not complete') : 'not required'],
        ],
      },
      accessibilityLabel: `API session of ${label}${a.ipAddress ? ` from ${a.ipAddress}` : ''}`,
      flags: { canEndLogin: true, hasDetails: true },
      children: 'paged',
      childrenName: `sessions of API session ${label}`,
      emptyText: 'No sessions under this API session',
      details: { ...a, controller: this.ctx.record.label },
      revokeLabel: `${label}${a.ipAddress ? ` from ${a.ipAddress}` : ''}${created} (${this.ctx.record.label})`,
      what: `the API session of ${label}${a.ipAddress ? ` from ${a.ipAddress}` : ''}`,
      noun: 'API session',
    };
    this.raw.set(e, { kind: 'apiSession', apiSession: a });
    return e;
  }

  groupOf(entry: SessionEntry, grouping: string): { key: string; label: string } {
    const raw = this.raw.get(entry);
    if (raw?.kind !== 'session') {
      return { key: '?', label: '(other)' };
    }
    return groupOf(raw.session, grouping as Exclude<SessionGroupBy, 'none'>, (id) => this.identities.get(id));
  }

  async revoke(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeOutcome[]> {
    const client = await this.client(signal);
    // By type, so an API session row works whether this source made it or not (every one it made has this type).
    const settled = await mapBounded(entries, REVOKE_CONCURRENCY, (e) => (e.type === 'zitiApiSession' ? deleteApiSession(client, e.id, signal) : deleteSession(client, e.id, signal)));
    return settled.map((r) =>
      r.status === 'fulfilled' ? { outcome: r.value === 'deleted' ? 'revoked' : 'already-ended' } : { outcome: 'failed', error: r.reason instanceof Error ? r.reason.message : String(r.reason) },
    );
  }

  /** API sessions: how many sessions each takes with it, and whether one is Session Manager's own login. */
  async revokeImpact(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeImpact> {
    const logins = entries.filter((e) => e.type === 'zitiApiSession');
    if (logins.length === 0) {
      return { warnings: [], endsOwnSession: false };
    }
    const client = await this.client(signal);
    const problems: string[] = [];
    const counts = await Promise.all(
      logins.map(async (e) => {
        const [page, own] = await Promise.all([
          listSessions(client, { offset: 0, limit: 1, filter: apiSessionFilter(e.id), signal }),
          currentApiSessionId(client, signal).then(
            (id) => ownershipOf(id, e.id),
            (err: unknown): Ownership => {
              problems.push(err instanceof Error ? err.message : String(err));
              return 'unknown';
            },
          ),
        ]);
        return { sessions: page.totalCount, own };
      }),
    );
    for (const p of problems) {
      this.ctx.log('warn', `end API session: could not read the current API session: ${p}`);
    }
    const warning = ownSessionWarning(
      counts.map((c) => c.own),
      problems[0],
    );
    return {
      sessionsBelow: counts.reduce((s, c) => s + c.sessions, 0),
      perEntry: counts.map((c) => c.sessions),
      warnings: warning ? [warning] : [],
      endsOwnSession: counts.some((c) => c.own === 'own'),
      note: 'The identity can sign in again; to stop it, disable the identity.',
    };
  }

  async ownEntryIds(signal?: AbortSignal): Promise<string[] | undefined> {
    const id = await currentApiSessionId(await this.client(signal), signal);
    return typeof id === 'string' && id !== '' ? [id] : undefined;
  }

  async countSessions(signal?: AbortSignal): Promise<number | undefined> {
    const page = await listSessions(await this.client(signal), { offset: 0, limit: 1, signal });
    return page.totalCount;
  }

  async find(id: string, signal?: AbortSignal): Promise<FoundEntry | undefined> {
    const client = await this.client(signal);
    const s = await findSession(client, id, signal);
    if (!s) {
      return undefined;
    }
    await this.identities.resolve(client, [s.identityId], signal).catch(() => undefined);
    return { entry: this.sessionEntry(s), path: [this.sessionsGroup({})] };
  }

  async refreshEntry(entry: SessionEntry, signal?: AbortSignal): Promise<SessionEntry | undefined> {
    const raw = this.raw.get(entry);
    if (raw?.kind !== 'session') {
      return entry;
    }
    const s = await findSession(await this.client(signal), entry.id, signal);
    return s ? this.sessionEntry(s) : undefined;
  }

  /** The raw session behind an entry this source made (the route path panel and tests). */
  sessionOf(entry: SessionEntry): ZitiSession | undefined {
    const raw = this.raw.get(entry);
    return raw?.kind === 'session' ? raw.session : undefined;
  }

  dispose(): void {
    this.identities.clear();
  }
}

/** The API Sessions list's filter: free text finds identity names; a ZitiQL filter is for the Sessions list only. */
function apiSessionsFilter(text: string | undefined): string | undefined {
  const t = text?.trim();
  if (!t || isRawZitiQl(t)) {
    return undefined;
  }
  return filterToZitiQl(t)?.replace(/service\.name contains (".*?(?<!\\)") or identity\.name contains /, 'identity.name contains ');
}


export function sessionTooltip(s: ZitiSession, identity: string | undefined, controller: string): EntryTooltip {
  const routers = Array.isArray(s.edgeRouters) ? s.edgeRouters : [];
  const policies = Array.isArray(s.servicePolicies) ? s.servicePolicies : [];
  const sections: { heading: string; items: string[] }[] = [];
  if (routers.length > 0) {
    // These are the routers the session may connect through (the controller's list for it), not its live circuit:
    // the route path panel shows the routers a Dial session's open connection actually crosses.
    sections.push({
      heading: 'Allowed edge routers (where this session may connect, not its live circuit)',
      items: routers.map((r) => `${r.name ?? '?'}${r.hostname ? ` (${r.hostname})` : ''} — ${r.isOnline ? 'online' : 'offline'}${r.disabled ? ', disabled' : ''}`),
    });
  }
  if (policies.length > 0) {
    sections.push({ heading: 'Service policies', items: policies.map((p) => p.name || p.id) });
  }
  return {
    title: `${serviceName(s)} — ${String(s.type)} session on ${controller}`,
    lines: [
      ['Session', s.id],
      ['Identity', identity ? `${identity} (${s.identityId})` : s.identityId],
      ['Service', s.serviceId],
      ['API session', s.apiSessionId],
      ['Created', s.createdAt],
    ],
    sections,
    note: s.type === 'Dial' ? 'The routers its open connection crosses now: Show Route Path.' : undefined,
  };
}

export function createZitiSessionSource(ctx: SessionSourceContext): ZitiSessionSource {
  return new ZitiSessionSource(ctx);
}
