// Cohesity's sessions for the one Sessions view (src/backends/sessionSource.ts). Pure: no `vscode` import.
//
// Cohesity knows sessions only as counts per user SID (`GET /v2/users/sessions`), and ends them only per user
// (`DELETE /v2/users/sessions?sid=…`) or all at once (without `sid`). So the levels are: the cluster (name, version,
// total sessions, session policy) → one row per principal with sessions (name resolved from its SID through
// `GET /v2/security-principals?sids=…` in csv batches of bounded length, cached; an unresolved SID shows as itself),
// sorted by count, then name. Revoking a principal ends all of its sessions. This source never sends the DELETE
// without `sid`: the cluster-wide revoke is a separate, confirmed command (src/features/cohesity/).
//
// Not offered: find(id) (there are no session ids to find), filter and orders (one short list).
import { ApiError } from '../../http';
import type { FetchedPage } from '../../http/paging';
import type { RevokeImpact, RevokeOutcome, SessionEntry, SessionSource, SessionSourceContext } from '../sessionSource';
import type { CohesityClient } from './client';
import type { CohesityCluster, CohesityPrincipal, CohesitySessionConfiguration } from './models';

/** The `type` of each level's entries (the first token of the row's contextValue). */
export const COHESITY_ENTRY_TYPES = {
  cluster: 'cohesityCluster',
  principal: 'cohesityPrincipal',
} as const;

/** The key of the cluster row. */
export const CLUSTER_KEY = 'cluster';
const PRINCIPAL_PREFIX = 'principal/';

/** The longest `sids` csv (encoded) sent in one principals request, so the URL stays well under common limits. */
export const MAX_SIDS_QUERY_LENGTH = 1500;

/** The client calls the source uses (CohesityClient has them). */
export type CohesitySessionsApi = Pick<
  CohesityClient,
  'clusterInfo' | 'sessionsCount' | 'securityPrincipals' | 'deleteUserSessions' | 'sessionEnded' | 'sessionConfiguration' | 'sessionPrincipal'
>;

/** The session policy as read, or why it could not be read. */
export type SessionPolicy = { config: CohesitySessionConfiguration } | { unreadable: string };

/** Builds the Cohesity session source of one connection. */
export function createCohesitySessionSource(ctx: SessionSourceContext): CohesitySessionSource {
  return new CohesitySessionSource(ctx);
}

/** Splits SIDs into csv batches whose encoded length stays within `max` (a longer single SID goes alone). */
export function sidBatches(sids: readonly string[], max = MAX_SIDS_QUERY_LENGTH): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const sid of sids) {
    const size = encodeURIComponent(sid).length;
    if (current.length > 0 && length + 1 + size > max) {
      batches.push(current);
      current = [];
      length = 0;
    }
    length += (current.length > 0 ? 1 : 0) + size;
    current.push(sid);
  }
  if (current.length > 0) {
    batches.push(current);
  }
  return batches;
}

/** "1 session", "3 sessions". */
function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** "1 h", "15 min", "1 d 2 h" from seconds. */
export function durationText(seconds: number | undefined): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    return undefined;
  }
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = Math.floor(seconds % 60);
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : '', !d && !h && !m ? `${s} s` : ''].filter(Boolean);
  return parts.join(' ');
}

/** The policy lines of the cluster's tooltip. */
export function policyLines(policy: SessionPolicy | undefined): [string, string | undefined][] {
  if (!policy) {
    return [];
  }
  if ('unreadable' in policy) {
    return [['Session policy', `not readable with this account (${policy.unreadable})`]];
  }
  const c = policy.config;
  const limited = c.limitSessions !== false;
  return [
    ['Absolute timeout', durationText(c.absoluteTimeout)],
    ['Inactivity timeout', durationText(c.inactivityTimeout)],
    ['Sessions per user', limited && typeof c.sessionLimitPerUser === 'number' ? `at most ${c.sessionLimitPerUser}` : c.limitSessions === false ? 'no limit' : undefined],
    ['Sessions on the cluster', limited && typeof c.sessionLimitSystemWide === 'number' ? `at most ${c.sessionLimitSystemWide}` : c.limitSessions === false ? 'no limit' : undefined],
  ];
}

/** What a failed request says, as the HTTP core worded it. */
function reason(e: unknown): string {
  if (e instanceof ApiError) {
    return e.summary;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The principal's name as shown: its principal name, else its full name, else its SID. */
function nameOf(sid: string, p: CohesityPrincipal | undefined): string {
  return p?.principalName || p?.fullName || sid;
}

export class CohesitySessionSource implements SessionSource {
  readonly backendLabel = 'Cohesity';
  readonly connectionNoun = 'cluster';
  readonly capabilities = {};
  readonly revokeNote =
    'Cohesity ends sessions per user: every session of the user ends (browser and API alike). The user can sign in again; API keys and access tokens stay valid.';

  /** SID → principal, or null when the cluster does not know the SID (shown as the SID). */
  private readonly principals = new Map<string, CohesityPrincipal | null>();
  /** Session count per SID from the last listing, for confirmations. */
  private readonly counts = new Map<string, number>();
  private policy: SessionPolicy | undefined;
  private clusterName: string | undefined;

  constructor(private readonly ctx: SessionSourceContext) {}

  paging(): { cursor: boolean; maxPageSize: number } {
    return { cursor: false, maxPageSize: 1000 };
  }

  async list(parent: SessionEntry | undefined, _page: unknown, _query: unknown, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>> {
    const api = await this.api(signal);
    if (!parent) {
      const [cluster, sessions, policy] = await Promise.all([api.clusterInfo(signal), api.sessionsCount(signal), this.readPolicy(api, signal)]);
      return { items: [this.clusterEntry(cluster, sessions.total, sessions.perUser.filter((r) => r.count > 0).length, policy)], total: 1 };
    }
    if (parent.type === COHESITY_ENTRY_TYPES.cluster) {
      const { perUser } = await api.sessionsCount(signal);
      const active = perUser.filter((r) => r.count > 0);
      await this.resolve(api, active.map((r) => r.sid), signal);
      this.counts.clear();
      for (const r of active) {
        this.counts.set(r.sid, r.count);
      }
      const entries = active
        .map((r) => this.principalEntry(r.sid, r.count))
        .sort((a, b) => (this.counts.get(b.id) ?? 0) - (this.counts.get(a.id) ?? 0) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
      return { items: entries, total: entries.length };
    }
    return { items: [], total: 0 };
  }

  async revoke(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeOutcome[]> {
    const api = await this.api(signal);
    const outcomes: RevokeOutcome[] = [];
    for (const entry of entries) {
      const sid = this.sidOf(entry);
      if (signal?.aborted) {
        outcomes.push({ outcome: 'failed', error: 'not sent: cancelled' });
        continue;
      }
      if (sid === undefined) {
        outcomes.push({ outcome: 'failed', error: `${entry.label} is not a Cohesity user with sessions; nothing was revoked` });
        continue;
      }
      const who = this.describe(sid);
      try {
        const result = await api.deleteUserSessions(sid, signal);
        this.counts.delete(sid);
        this.ctx.log('info', `Cohesity: ${result === 'revoked' ? 'revoked the sessions of' : 'no sessions left for'} ${who} on ${this.ctx.record.label}`);
        if (this.isOwn(api, sid)) {
          // Session Manager's own session was one of them: drop its id instead of failing on the next call.
          await api.sessionEnded();
        }
        outcomes.push({ outcome: result });
      } catch (e) {
        const error = reason(e);
        this.ctx.log('warn', `Cohesity: revoking the sessions of ${who} on ${this.ctx.record.label} failed: ${error}`);
        outcomes.push({ outcome: 'failed', error });
      }
    }
    return outcomes;
  }

  async revokeImpact(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeImpact> {
    const api = await this.api(signal);
    const sids = entries.map((e) => this.sidOf(e));
    const own = sids.filter((sid): sid is string => sid !== undefined && this.isOwn(api, sid));
    const me = api.sessionPrincipal;
    const warnings = own.map(
      (sid) =>
        `${this.describe(sid)} is the user Session Manager signs in as on ${this.ctx.record.label}: this signs Session Manager out of the cluster too, and the connection must sign in again.`,
    );
    if (me && sids.some((sid) => sid !== undefined && !this.principals.get(sid))) {
      warnings.push(`Some SIDs could not be resolved to a name: if one of them is ${me.username} (${me.domain}), Session Manager is signed out too.`);
    }
    return { perEntry: sids.map((sid) => (sid !== undefined ? (this.counts.get(sid) ?? 0) : 0)), warnings, endsOwnSession: own.length > 0 };
  }

  async countSessions(signal?: AbortSignal): Promise<number | undefined> {
    return (await (await this.api(signal)).sessionsCount(signal)).total;
  }

  dispose(): void {
    this.principals.clear();
    this.counts.clear();
    this.policy = undefined;
  }

  // -------------------------------------------------------------------------------------------------------------

  private async api(signal?: AbortSignal): Promise<CohesitySessionsApi> {
    const client = (await this.ctx.client(signal)) as unknown as Partial<CohesitySessionsApi>;
    if (typeof client.sessionsCount !== 'function' || typeof client.deleteUserSessions !== 'function' || typeof client.securityPrincipals !== 'function') {
      throw new Error(`${this.ctx.record.label} is not a Cohesity connection`);
    }
    return client as CohesitySessionsApi;
  }

  /** The session policy, read once per connection (best effort: an account may lack the privilege). */
  private async readPolicy(api: CohesitySessionsApi, signal?: AbortSignal): Promise<SessionPolicy | undefined> {
    if (this.policy) {
      return this.policy;
    }
    try {
      const config = await api.sessionConfiguration(signal);
      this.policy = config ? { config } : undefined;
    } catch (e) {
      if (
        signal?.aborted ||
        // Stryker disable next-line ConditionalExpression: equivalent, what is not an ApiError has no kind 'http' either
        !(e instanceof ApiError) ||
        e.kind !== 'http'
      ) {
        if (signal?.aborted) {
          throw e;
        }
        this.ctx.log('debug', `Cohesity: the session policy of ${this.ctx.record.label} could not be read: ${reason(e)}`);
        return undefined;
      }
      this.policy = { unreadable: e.summary };
    }
    return this.policy;
  }

  /** Names the SIDs not yet known, in csv batches; a failure leaves them unresolved (shown as SIDs) and is logged. */
  private async resolve(api: CohesitySessionsApi, sids: readonly string[], signal?: AbortSignal): Promise<void> {
    const unknown = [...new Set(sids)].filter((sid) => !this.principals.has(sid));
    for (const batch of sidBatches(unknown)) {
      try {
        const found = await api.securityPrincipals(batch, signal);
        const bySid = new Map(found.map((p) => [p.sid, p]));
        for (const sid of batch) {
          this.principals.set(sid, bySid.get(sid) ?? null);
        }
      } catch (e) {
        if (signal?.aborted) {
          throw e;
        }
        // Names are a nicety: the counts still show, with SIDs.
        this.ctx.log('warn', `Cohesity: ${plural(batch.length, 'SID')} could not be resolved to names on ${this.ctx.record.label}: ${reason(e)}`);
      }
    }
  }

  private sidOf(entry: SessionEntry): string | undefined {
    return entry.type === COHESITY_ENTRY_TYPES.principal && entry.key.startsWith(PRINCIPAL_PREFIX) && entry.id !== '' ? entry.id : undefined;
  }

  /** Whether the SID is the principal Session Manager's session belongs to (by its resolved name and domain). */
  private isOwn(api: CohesitySessionsApi, sid: string): boolean {
    const me = api.sessionPrincipal;
    const p = this.principals.get(sid);
    return Boolean(
      me &&
        p &&
        // Stryker disable next-line StringLiteral: equivalent, a principal without a name matches no username; any placeholder that is not a username does the same
        (p.principalName ?? '').toLowerCase() === me.username.toLowerCase() &&
        (p.domainName ?? 'LOCAL').toLowerCase() === me.domain.toLowerCase(),
    );
  }

  /** "admin (LOCAL)", or the SID when it is not resolved. */
  private describe(sid: string): string {
    const p = this.principals.get(sid) ?? undefined;
    return p?.domainName ? `${nameOf(sid, p)} (${p.domainName})` : nameOf(sid, p);
  }

  private clusterEntry(cluster: CohesityCluster, total: number, users: number, policy: SessionPolicy | undefined): SessionEntry {
    const name = cluster.name ?? String(cluster.id);
    this.clusterName = name;
    const version = typeof cluster.swVersion === 'string' ? cluster.swVersion : undefined;
    const sessions = plural(total, 'session');
    return {
      key: CLUSTER_KEY,
      id: String(cluster.id ?? name),
      type: COHESITY_ENTRY_TYPES.cluster,
      label: name,
      // The count first: a narrow sidebar cuts off the end, and Cohesity versions are long.
      description: [sessions, version ? `v${version}` : undefined].filter(Boolean).join(' · '),
      icon: 'server',
      tooltip: {
        title: name,
        lines: [['Version', version], ['Active sessions', `${total.toLocaleString('en-US')} (${plural(users, 'user')})`], ['Cluster ID', String(cluster.id)], ...policyLines(policy)],
        note: 'Cohesity counts sessions per user; it does not list single sessions.',
      },
      accessibilityLabel: `Cohesity cluster ${name}${version ? `, version ${version}` : ''}, ${sessions}`,
      flags: { hasDetails: true, canRevokeCluster: true },
      children: 'all',
      expanded: true,
      sessionCount: total,
      childrenName: `users with sessions on ${name}`,
      emptyText: 'No active sessions',
      details: { cluster, totalSessionsCount: total, sessionConfiguration: policy && 'config' in policy ? policy.config : undefined },
      revokeLabel: `every session on ${name}`,
      what: `all ${sessions} on ${name}`,
    };
  }

  private principalEntry(sid: string, count: number): SessionEntry {
    const p = this.principals.get(sid) ?? undefined;
    const name = nameOf(sid, p);
    const domain = p?.domainName;
    const who = domain ? `${name} (${domain})` : name;
    const sessions = plural(count, 'session');
    const full = p?.fullName && p.fullName !== name ? p.fullName : undefined;
    return {
      key: `${PRINCIPAL_PREFIX}${sid}`,
      id: sid,
      type: COHESITY_ENTRY_TYPES.principal,
      label: name,
      description: [full, domain, sessions].filter(Boolean).join(' · '),
      icon: !p ? 'question' : p.objectClass === 'Group' ? 'organization' : 'account',
      tooltip: {
        title: who,
        lines: [
          ['Full name', p?.fullName],
          ['Domain', domain],
          ['Object class', p?.objectClass ?? undefined],
          ['Sessions', String(count)],
          ['SID', sid],
        ],
        note: p ? undefined : 'The cluster did not resolve this SID to a name.',
      },
      accessibilityLabel: `Cohesity user ${who}${full ? `, ${full}` : ''}, ${sessions}`,
      flags: { canRevoke: true, hasDetails: true },
      details: { sid, sessionsCount: count, principal: p ?? null },
      noun: 'sessions of user',
      revokeLabel: `the sessions of ${who} on ${this.clusterName ?? this.ctx.record.label}`,
      what: `the ${count === 1 ? 'session' : sessions} of ${who}`,
    };
  }
}
