// Pure helpers of the OpenZiti session source: filter translation and order, grouping, API-session ownership. No
// `vscode` import (unit-tested in plain Node).
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

export function serviceName(s: ZitiSession): string {
  return s.service?.name || s.serviceId || '(unknown service)';
}

/** The group a session falls in, as [key, label]. */
export function groupOf(s: ZitiSession, by: Exclude<SessionGroupBy, 'none'>, identityName: (id: string) => string | undefined): { key: string; label: string } {
  switch (by) {
    case 'service':
      return { key: s.serviceId || serviceName(s), label: serviceName(s) };
    case 'identity':
      return { key: s.identityId || '?', label: identityName(s.identityId) || s.identityId || '(unknown identity)' };
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
