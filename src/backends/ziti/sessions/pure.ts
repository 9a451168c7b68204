// Pure helpers of the OpenZiti Sessions view: filter translation, grouping, relative ages, the auto-refresh
// schedule. No `vscode` import (unit-tested in plain Node).
import { buildContextValue } from '../../../tree/contextValue';
import { zitiString, type ZitiSession } from '../api';

/** Revokes in flight at once in a bulk revoke (the HTTP core still honours 429 Retry-After per request). */
export const REVOKE_CONCURRENCY = 4;

export type SessionGroupBy = 'none' | 'service' | 'identity' | 'type';
export const GROUP_BY_VALUES: readonly SessionGroupBy[] = ['none', 'service', 'identity', 'type'];

export function parseGroupBy(value: unknown): SessionGroupBy {
  return GROUP_BY_VALUES.includes(value as SessionGroupBy) ? (value as SessionGroupBy) : 'none';
}

// A raw ZitiQL query starts with a field and an operator, a parenthesis, `not`, `true`/`false`, a set function
// (`anyOf(`, `allOf(`, `count(`, `isEmpty(`), or is only sort/skip/limit clauses. Anything else is free text.
const RAW_START = /^\s*(\(|not[\s(]|true\b|false\b|(anyOf|allOf|count|isEmpty)\s*\(|sort\s+by\b|skip\s+\d|limit\s+(\d|none))/i;
const FIELD_OP = /^\s*[A-Za-z_][\w.]*\s*(=|!=|<=|>=|<|>|\s(not\s+)?(contains|icontains|in|between)\s|\sis\s+(not\s+)?null\b)/i;

/** Whether the text typed into "Filter…" is already ZitiQL (then it is sent as is). */
export function isRawZitiQl(text: string): boolean {
  return RAW_START.test(text) || FIELD_OP.test(text);
}

/**
 * The ZitiQL for what was typed into "Filter…": raw ZitiQL passes through; free text becomes
 * `service.name contains "x" or identity.name contains "x"` (quotes and backslashes escaped).
 * Blank text means no filter.
 */
export function filterToZitiQl(text: string): string | undefined {
  const t = text.trim();
  if (t === '') {
    return undefined;
  }
  if (isRawZitiQl(t)) {
    return t;
  }
  const lit = zitiString(t);
  return `service.name contains ${lit} or identity.name contains ${lit}`;
}

/**
 * The filter with the order's `sort by createdAt` appended (newest first unless `order` is 'oldest'). A filter that
 * already sorts, skips or limits is left as the person wrote it (ZitiQL puts those clauses last, in that order).
 */
export function zitiOrderClause(filter: string | undefined, order: string | undefined): string {
  const f = filter?.trim();
  if (f && /\b(sort\s+by|skip\s+\d|limit\s+(\d|none))/i.test(f)) {
    return f;
  }
  const sort = `sort by createdAt ${order === 'oldest' ? 'asc' : 'desc'}`;
  return f ? `${f} ${sort}` : sort;
}

/**
 * The contextValue of a service-session row. Show Route Path (`hasRoute`) is offered on Dial sessions only: a Bind
 * session hosts its service and has no route path of its own. A row being revoked cannot be revoked again.
 */
export function sessionContextValue(s: Pick<ZitiSession, 'type'>, revoking: boolean): string {
  return buildContextValue('zitiSession', [!revoking && 'canRevoke', 'hasDetails', s.type === 'Dial' && 'hasRoute']);
}

// Paging of the Sessions view's lists is the shared Pager (src/http/paging.ts) through tree/paged.ts, unit-tested there.

export function serviceName(s: ZitiSession): string {
  return s.service?.name || s.serviceId || '(unknown service)';
}

/** The group a session falls in, as [key, label]. */
export function groupOf(s: ZitiSession, by: Exclude<SessionGroupBy, 'none'>, identityName: (id: string) => string | undefined): { key: string; label: string } {
  switch (by) {
    case 'service':
      return { key: s.serviceId || serviceName(s), label: serviceName(s) };
    case 'identity':
      return { key: s.identityId || '?', label: identityName(s.identityId) ?? s.identityId ?? '(unknown identity)' };
    case 'type':
      return { key: s.type || 'Invalid', label: s.type || 'Invalid' };
  }
}

export interface SessionGroup {
  key: string;
  label: string;
  sessions: ZitiSession[];
}

/** Groups sessions (keeping their order inside a group); groups sorted by label. */
export function groupSessions(sessions: readonly ZitiSession[], by: Exclude<SessionGroupBy, 'none'>, identityName: (id: string) => string | undefined): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  for (const s of sessions) {
    const { key, label } = groupOf(s, by, identityName);
    let g = groups.get(key);
    if (!g) {
      g = { key, label, sessions: [] };
      groups.set(key, g);
    }
    g.sessions.push(s);
  }
  return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
}

/** "just now", "45 s ago", "3 min ago", "3 h ago", "2 d ago", "in 5 min" (future), or "" for a bad date. */
export function relativeAge(iso: string | undefined, now: number): string {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) {
    return '';
  }
  const diff = now - t;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 10_000) {
    return 'just now';
  } else if (abs < 60_000) {
    text = `${Math.floor(abs / 1000)} s`;
  } else if (abs < 3_600_000) {
    text = `${Math.floor(abs / 60_000)} min`;
  } else if (abs < 86_400_000) {
    text = `${Math.floor(abs / 3_600_000)} h`;
  } else {
    text = `${Math.floor(abs / 86_400_000)} d`;
  }
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** "50 of 12,408", or "12,408" when everything is shown. */
export function countText(shown: number, total: number): string {
  const f = (n: number): string => n.toLocaleString('en-US');
  return shown >= total ? f(total) : `${f(shown)} of ${f(total)}`;
}

export function clampPageSize(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : 100;
  return Math.max(1, Math.min(500, n));
}

export interface Timer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realTimer: Timer = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * Runs `refresh` every `seconds` while the view is visible; 0 seconds or a hidden view stops the timer. A manual
 * refresh does not go through here (it is immediate).
 */
export class AutoRefreshSchedule {
  private handle: unknown;
  private visible = false;
  private seconds = 0;
  private runningWith = 0;

  constructor(
    private readonly refresh: () => void,
    private readonly timer: Timer = realTimer,
  ) {}

  get active(): boolean {
    return this.handle !== undefined;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.apply();
  }

  setSeconds(seconds: number): void {
    this.seconds = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    this.apply();
  }

  private apply(): void {
    const want = this.visible && this.seconds > 0 ? this.seconds : 0;
    if (want === this.runningWith && (want === 0) === (this.handle === undefined)) {
      return;
    }
    this.stop();
    if (want > 0) {
      this.runningWith = want;
      this.handle = this.timer.setInterval(() => this.refresh(), want * 1000);
    }
  }

  stop(): void {
    if (this.handle !== undefined) {
      this.timer.clearInterval(this.handle);
      this.handle = undefined;
    }
    this.runningWith = 0;
  }

  dispose(): void {
    this.stop();
  }
}

/** One line per item for the bulk-revoke summary. */
export interface RevokeResult {
  label: string;
  outcome: 'revoked' | 'already-ended' | 'failed';
  error?: string;
}

export function summarizeRevokes(results: readonly RevokeResult[], noun = 'session'): string {
  const revoked = results.filter((r) => r.outcome === 'revoked').length;
  const gone = results.filter((r) => r.outcome === 'already-ended').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const plural = (n: number): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const parts = [`Revoked ${plural(revoked + gone)}`];
  if (gone > 0) {
    parts[0] += ` (${gone} already ended)`;
  }
  if (failed > 0) {
    parts.push(`${failed} failed`);
  }
  return `${parts.join('; ')}.`;
}

/**
 * Whether an API session is the one Session Manager itself signs in with: `unknown` when the controller could not
 * say (the check failed, or sent no id). Ending an `unknown` one is warned about like the own one (fail closed).
 */
export type Ownership = 'own' | 'other' | 'unknown';

export function ownershipOf(currentApiSessionId: unknown, apiSessionId: string): Ownership {
  if (typeof currentApiSessionId !== 'string' || currentApiSessionId === '') {
    return 'unknown';
  }
  return currentApiSessionId === apiSessionId ? 'own' : 'other';
}

/** The sign-out warning for an End API Session confirmation ('' when none of them can be our own). */
export function ownSessionWarning(owns: readonly Ownership[], reason?: string): string {
  if (owns.includes('own')) {
    return 'This includes the API session Session Manager itself uses: you will be signed out of that controller.';
  }
  if (owns.includes('unknown')) {
    return `Session Manager could not check whether ${owns.length === 1 ? 'this is' : 'one of these is'} the API session it uses itself${reason ? ` (${reason})` : ''}: if it is, you will be signed out of that controller.`;
  }
  return '';
}

/** Connections whose production confirmation names them: one typed name per production controller involved. */
export function productionLabels(records: readonly { label: string; production?: boolean }[]): string[] {
  return [...new Set(records.filter((r) => r.production).map((r) => r.label))];
}
