// OpenZiti enrollments (api-contracts.md §1.6): the record, how it is named and described, expiry texts and choices,
// and the `.jwt` file name. Pure: no `vscode` import. The `jwt` and `token` are bearer secrets: nothing here puts them
// in a label, a description, a tooltip or a message.
import * as path from 'path';
import type { ZitiEntityRef } from '../models';

/** `enrollmentDetail`, parsed tolerantly. `jwt` and `token` are secrets. */
export interface ZitiEnrollment {
  id: string;
  method: string;
  expiresAt?: string;
  jwt?: string;
  token?: string;
  identityId?: string | null;
  identity?: ZitiEntityRef | null;
  caId?: string | null;
  username?: string | null;
  edgeRouterId?: string | null;
  edgeRouter?: ZitiEntityRef | null;
  transitRouterId?: string | null;
  transitRouter?: ZitiEntityRef | null;
  createdAt?: string;
  updatedAt?: string;
}

export type EnrollmentGroupBy = 'none' | 'method' | 'identity';
export const GROUP_BY_VALUES: readonly EnrollmentGroupBy[] = ['none', 'method', 'identity'];

/** The identity methods POST /enrollments accepts. */
export const IDENTITY_METHODS = ['ott', 'ottca', 'updb'] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** What each known method is called. A Map, not an object: a method from the API is data, never a property name. */
const METHOD_LABEL_MAP: ReadonlyMap<string, string> = new Map([
  ['ott', 'one-time token (ott)'],
  ['ottca', 'one-time token with a third-party CA (ottca)'],
  ['updb', 'username and password (updb)'],
  ['erott', 'edge router one-time token (erott)'],
]);

/** The label of a method; an unknown one (`"constructor"`, `"__proto__"`, …) as the text it is. */
export function methodLabel(method: string): string {
  return METHOD_LABEL_MAP.get(method) ?? String(method);
}

export function parseEnrollment(v: unknown): ZitiEnrollment | undefined {
  if (typeof v !== 'object' || v === null) {
    return undefined;
  }
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') {
    return undefined;
  }
  const out = { ...(r as unknown as ZitiEnrollment), method: typeof r.method === 'string' && r.method ? r.method : 'unknown' };
  // What the view puts in text must be text: a field of another type (a number, an object) is dropped, not shown.
  for (const k of TEXT_FIELDS) {
    if (out[k] !== undefined && out[k] !== null && typeof out[k] !== 'string') {
      delete out[k];
    }
  }
  for (const k of REF_FIELDS) {
    const ref = out[k];
    if (ref !== undefined && ref !== null) {
      if (typeof ref !== 'object') {
        delete out[k];
      } else {
        out[k] = { ...ref, id: typeof ref.id === 'string' ? ref.id : '', name: typeof ref.name === 'string' ? ref.name : '' };
      }
    }
  }
  return out;
}

const TEXT_FIELDS = ['expiresAt', 'jwt', 'token', 'identityId', 'caId', 'username', 'edgeRouterId', 'transitRouterId', 'createdAt', 'updatedAt'] as const;
const REF_FIELDS = ['identity', 'edgeRouter', 'transitRouter'] as const;

export type SubjectKind = 'identity' | 'edge router' | 'transit router' | 'unknown';

export function subjectKind(e: ZitiEnrollment): SubjectKind {
  if (e.identityId || e.identity?.id) {
    return 'identity';
  }
  if (e.edgeRouterId || e.edgeRouter?.id) {
    return 'edge router';
  }
  if (e.transitRouterId || e.transitRouter?.id) {
    return 'transit router';
  }
  return 'unknown';
}

export function subjectId(e: ZitiEnrollment): string | undefined {
  return e.identityId ?? e.identity?.id ?? e.edgeRouterId ?? e.edgeRouter?.id ?? e.transitRouterId ?? e.transitRouter?.id ?? undefined;
}

/** The identity's (or router's) name; its id when the controller sent no name. */
export function subjectName(e: ZitiEnrollment): string {
  const ref = e.identity ?? e.edgeRouter ?? e.transitRouter;
  if (typeof ref?.name === 'string' && ref.name) {
    return ref.name;
  }
  const id = subjectId(e);
  return id ? `${subjectKind(e)} ${id}` : `enrollment ${e.id}`;
}

export function isRouterEnrollment(e: ZitiEnrollment): boolean {
  const k = subjectKind(e);
  return k === 'edge router' || k === 'transit router';
}

/**
 * Whether POST /enrollments/{id}/refresh applies: the contract documents it for identity enrollments (ott, ottca,
 * updb); routers re-enroll through their own endpoints, so router enrollments are not offered a refresh.
 */
export function canRefresh(e: ZitiEnrollment): boolean {
  return subjectKind(e) === 'identity' && (IDENTITY_METHODS as readonly string[]).includes(e.method);
}

/** "45 min", "2 h", "3 d": the largest unit that fits, rounded down (at least 1 min). */
export function shortDuration(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  if (min < 60) {
    return `${Math.max(1, min)} min`;
  }
  const h = Math.floor(min / 60);
  if (h < 48) {
    return `${h} h`;
  }
  return `${Math.floor(h / 24)} d`;
}

/** "expires in 3 d" or "expired 2 h ago". */
export function expiryText(expiresAt: string | undefined, now: number): string {
  const t = expiresAt ? Date.parse(expiresAt) : NaN;
  if (!Number.isFinite(t)) {
    return 'no expiry date';
  }
  return t > now ? `expires in ${shortDuration(t - now)}` : `expired ${shortDuration(now - t)} ago`;
}

export function isExpired(e: ZitiEnrollment, now: number): boolean {
  const t = e.expiresAt ? Date.parse(e.expiresAt) : NaN;
  return Number.isFinite(t) && t <= now;
}

/** Tree description: the method, then the expiry. */
export function enrollmentDescription(e: ZitiEnrollment, now: number): string {
  return `${e.method} · ${expiryText(e.expiresAt, now)}`;
}

/** Tooltip facts (plain text; the caller escapes them for Markdown). Never the token or the JWT. */
export function enrollmentFacts(e: ZitiEnrollment, now: number, caName?: string): [string, string][] {
  const facts: [string, string][] = [
    ['Enrollment id', e.id],
    ['Method', methodLabel(e.method)],
    [subjectKind(e) === 'unknown' ? 'For' : capitalise(subjectKind(e)), `${subjectName(e)}${subjectId(e) ? ` (${subjectId(e)})` : ''}`],
  ];
  if (e.expiresAt) {
    facts.push(['Expires', `${e.expiresAt} (${expiryText(e.expiresAt, now)})`]);
  }
  if (e.caId) {
    facts.push(['CA', caName ? `${caName} (${e.caId})` : e.caId]);
  }
  if (e.username) {
    facts.push(['Username', e.username]);
  }
  if (e.createdAt) {
    facts.push(['Created', e.createdAt]);
  }
  return facts;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The group an enrollment falls in. */
export function groupOf(e: ZitiEnrollment, by: EnrollmentGroupBy): { key: string; label: string } | undefined {
  if (by === 'method') {
    return { key: e.method, label: e.method };
  }
  if (by === 'identity') {
    return { key: subjectId(e) ?? `none`, label: subjectName(e) };
  }
  return undefined;
}

/** `<identity>.jwt`, with characters no file system likes replaced. */
export function jwtFileName(subject: string): string {
  const safe = [...subject]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '-' : c))
    .join('')
    .replace(/-+/g, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, 120);
  return `${safe || 'enrollment'}.jwt`;
}

/** Whether `file` is `folder` or lies inside it (compared as resolved paths; case-insensitive on Windows). */
export function isInside(file: string, folder: string, platform: string = process.platform): boolean {
  const norm = (p: string): string => (platform === 'win32' ? path.resolve(p).toLowerCase() : path.resolve(p));
  const rel = path.relative(norm(folder), norm(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Where the save dialog for a JWT starts: the first candidate folder (Downloads, home, temp) that exists and is not
 * inside a workspace folder, where a secret file invites a commit. Undefined when none qualifies.
 */
export function jwtSaveFolder(candidates: readonly string[], workspaceFolders: readonly string[], exists: (p: string) => boolean): string | undefined {
  return candidates.find((c) => exists(c) && !workspaceFolders.some((w) => isInside(c, w)));
}

// --------------------------------------------------------------------------------------------------------------
// Expiry choices

export const EXPIRY_PRESETS: { label: string; ms: number }[] = [
  { label: '1 hour', ms: 3600_000 },
  { label: '24 hours', ms: 24 * 3600_000 },
  { label: '7 days', ms: 7 * 24 * 3600_000 },
];

/**
 * A custom expiry typed by the person: `YYYY-MM-DD`, `YYYY-MM-DD HH:mm` (local time) or a full RFC 3339 date-time.
 * Returns the time, or undefined when it is not a date.
 */
export function parseExpiry(text: string): number | undefined {
  const t = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const date = new Date(Number(y), Number(mo) - 1, Number(d), h ? Number(h) : 23, mi ? Number(mi) : 59, s ? Number(s) : 0);
    // Reject dates that rolled over (2025-02-30).
    if (date.getFullYear() !== Number(y) || date.getMonth() !== Number(mo) - 1 || date.getDate() !== Number(d)) {
      return undefined;
    }
    return date.getTime();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** Validation message for a custom expiry, or undefined when it is a date in the future (at least a minute ahead). */
export function validateExpiry(text: string, now: number): string | undefined {
  const t = parseExpiry(text);
  if (t === undefined) {
    return 'Enter a date as YYYY-MM-DD, YYYY-MM-DD HH:mm (local time) or an RFC 3339 date-time.';
  }
  if (t <= now + 60_000) {
    return 'The expiry must lie in the future.';
  }
  return undefined;
}

/** A ZitiQL string literal: double-quoted, with `\` and `"` escaped. */
export function zqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * What deleting `e` means for its subject, given the subject's other enrollments (read from the controller): an
 * identity with another enrollment that has not expired can still enroll with that one.
 */
export function deleteConsequence(e: ZitiEnrollment, others: readonly ZitiEnrollment[], now: number): string {
  const name = subjectName(e);
  const rest = others.filter((o) => o.id !== e.id);
  const live = rest.filter((o) => !isExpired(o, now));
  if (live.length > 0) {
    const which = live.map((o) => `${o.method}, ${expiryText(o.expiresAt, now)}`).join('; ');
    return `Its JWT stops working at once. ${name} can still enroll with its other ${live.length === 1 ? 'enrollment' : `${live.length} enrollments`} (${which}).`;
  }
  if (rest.length > 0) {
    return `Its JWT stops working at once. ${name} has ${rest.length === 1 ? 'another enrollment, but it has' : `${rest.length} other enrollments, but they have`} expired: it cannot enroll until a new enrollment is created or one is refreshed.`;
  }
  return `Its JWT stops working at once; ${name} cannot enroll until a new enrollment is created.`;
}

/** The Enrollments header: enrollments not yet expired, and the expired ones apart; "of N" when not all are loaded. */
export function enrollmentCountText(items: readonly ZitiEnrollment[], total: number | undefined, now: number): string {
  const expired = items.filter((e) => isExpired(e, now)).length;
  const live = items.length - expired;
  const parts = [`${live.toLocaleString('en-US')} outstanding`];
  if (expired > 0) {
    parts.push(`${expired.toLocaleString('en-US')} expired`);
  }
  if (total !== undefined && total > items.length) {
    parts.push(`${items.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} loaded`);
  }
  return parts.join(' · ');
}
