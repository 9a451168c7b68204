// The enrollment calls (api-contracts.md §1.6–1.8) over ZitiClient.api. No `vscode` import. Create and refresh answer
// only {id,_links}, so the JWT is always read back with GET /enrollments/{id}.
import { Pager } from '../../../http/paging';
import type { ZitiEnvelope } from '../models';
import { deleteNotFoundOutcome, type DeleteOutcome } from '../api';
import type { ZitiCaller } from '../routePath/resolve';
import { parseEnrollment, zqlString, type IdentityMethod, type ZitiEnrollment } from './model';

export const ENROLLMENT_PAGE_SIZE = 500;
const enc = encodeURIComponent;

export interface EnrollmentPage {
  items: ZitiEnrollment[];
  totalCount: number;
}

export async function listEnrollments(client: ZitiCaller, offsetIn: number, limitIn: number, signal?: AbortSignal, filter?: string): Promise<EnrollmentPage> {
  // The spec's limit/offset are integers: never send "2.5" or "NaN".
  const offset = Number.isFinite(offsetIn) ? Math.max(0, Math.floor(offsetIn)) : 0;
  const limit = Number.isFinite(limitIn) ? Math.max(1, Math.min(ENROLLMENT_PAGE_SIZE, Math.floor(limitIn))) : ENROLLMENT_PAGE_SIZE;
  const env = await client.api<ZitiEnvelope<unknown[]>>({
    method: 'GET',
    path: '/enrollments',
    operation: 'list enrollments',
    params: { limit, offset, filter: filter && filter.trim() !== '' ? filter : undefined },
    signal,
  });
  const items = (Array.isArray(env?.data) ? env.data : []).map(parseEnrollment).filter((e): e is ZitiEnrollment => Boolean(e));
  const total = env?.meta?.pagination?.totalCount;
  return { items, totalCount: typeof total === 'number' && Number.isFinite(total) ? total : offset + items.length };
}

export async function getEnrollment(client: ZitiCaller, id: string, signal?: AbortSignal): Promise<ZitiEnrollment> {
  const env = await client.api<ZitiEnvelope<unknown>>({ method: 'GET', path: `/enrollments/${enc(id)}`, operation: 'read the enrollment', signal });
  const e = parseEnrollment(env?.data);
  if (!e) {
    throw new Error(`The controller sent no enrollment ${id}.`);
  }
  return e;
}

/** GET /identities/{id}/enrollments: every enrollment of one identity (first page of 500 is all an identity has). */
export async function listIdentityEnrollments(client: ZitiCaller, identityId: string, signal?: AbortSignal): Promise<ZitiEnrollment[]> {
  const env = await client.api<ZitiEnvelope<unknown[]>>({
    method: 'GET',
    path: `/identities/${enc(identityId)}/enrollments`,
    operation: 'list the enrollments of an identity',
    params: { limit: ENROLLMENT_PAGE_SIZE, offset: 0 },
    signal,
  });
  return (Array.isArray(env?.data) ? env.data : []).map(parseEnrollment).filter((e): e is ZitiEnrollment => Boolean(e));
}

export interface CreateEnrollmentBody {
  method: IdentityMethod;
  identityId: string;
  expiresAt: string;
  caId?: string;
  username?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** `expiresAt` as the spec's `date-time` (RFC 3339): kept when it already is one, else re-written in UTC. */
export function rfc3339(expiresAt: string): string {
  if (RFC3339.test(expiresAt)) {
    return expiresAt;
  }
  const t = Date.parse(expiresAt);
  if (!Number.isFinite(t)) {
    throw new Error(`"${expiresAt}" is not a date and time.`);
  }
  return new Date(t).toISOString();
}

/**
 * The `enrollmentCreate` body: only the fields the spec defines, `caId` only for ottca and `username` only for updb,
 * `expiresAt` in RFC 3339.
 */
export function enrollmentCreateBody(body: CreateEnrollmentBody): CreateEnrollmentBody {
  const out: CreateEnrollmentBody = { method: body.method, identityId: body.identityId, expiresAt: rfc3339(body.expiresAt) };
  if (body.method === 'ottca' && body.caId) {
    out.caId = body.caId;
  }
  if (body.method === 'updb' && body.username) {
    out.username = body.username;
  }
  return out;
}

/** POST /enrollments → the new id (201 with only {id,_links}). A 409 (one of this method is outstanding) throws. */
export async function createEnrollment(client: ZitiCaller, body: CreateEnrollmentBody, signal?: AbortSignal): Promise<string> {
  const env = await client.api<ZitiEnvelope<{ id?: string }>>({ method: 'POST', path: '/enrollments', operation: 'create the enrollment', data: enrollmentCreateBody(body), signal });
  const id = env?.data?.id;
  if (typeof id !== 'string' || !id) {
    throw new Error('The controller created the enrollment but sent no id.');
  }
  return id;
}

/** POST /enrollments/{id}/refresh: a new expiry and a new JWT (the old one stops working). */
export async function refreshEnrollment(client: ZitiCaller, id: string, expiresAt: string, signal?: AbortSignal): Promise<void> {
  await client.api({ method: 'POST', path: `/enrollments/${enc(id)}/refresh`, operation: 'refresh the enrollment', data: { expiresAt: rfc3339(expiresAt) }, signal, allowEmpty: true });
}

/**
 * DELETE /enrollments/{id} (200 with the empty envelope); a 404 means it is already gone, unless an earlier attempt of
 * this DELETE may have deleted it (see deleteNotFoundOutcome).
 */
export async function deleteEnrollment(client: ZitiCaller, id: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  try {
    await client.api({ method: 'DELETE', path: `/enrollments/${enc(id)}`, operation: 'delete the enrollment', signal, allowEmpty: true });
    return 'deleted';
  } catch (e) {
    return deleteNotFoundOutcome(e);
  }
}

export interface IdentitySummary {
  id: string;
  name: string;
  typeId?: string;
  enrollment?: Record<string, { id?: string } | undefined>;
}

/** Server-side search: `name contains "<text>"` (all identities for an empty text), first 100 by name. */
export async function searchIdentities(client: ZitiCaller, text: string, signal?: AbortSignal): Promise<{ items: IdentitySummary[]; total: number }> {
  const t = text.trim();
  const filter = `${t ? `name contains ${zqlString(t)} ` : ''}sort by name asc limit 100`;
  const env = await client.api<ZitiEnvelope<IdentitySummary[]>>({ method: 'GET', path: '/identities', operation: 'search identities', params: { filter }, signal });
  const items = (Array.isArray(env?.data) ? env.data : []).filter((i) => i && typeof i.id === 'string');
  return { items, total: env?.meta?.pagination?.totalCount ?? items.length };
}

export interface CaSummary {
  id: string;
  name: string;
  isOttCaEnrollmentEnabled?: boolean;
  isVerified?: boolean;
}

/** Every CA (paged with the shared pager, which stops on a page that adds nothing new), for ottca and CA names. */
export async function listCas(client: ZitiCaller, signal?: AbortSignal): Promise<CaSummary[]> {
  const pager = new Pager<CaSummary>(
    async ({ offset, limit }) => {
      const env = await client.api<ZitiEnvelope<CaSummary[]>>({ method: 'GET', path: '/cas', operation: 'list CAs', params: { limit, offset }, signal });
      const total = env?.meta?.pagination?.totalCount;
      return { items: Array.isArray(env?.data) ? env.data : [], total: typeof total === 'number' ? total : 0 };
    },
    { idOf: (c) => (c && typeof c.id === 'string' ? c.id : undefined), pageSize: 500, maxPages: 200 },
  );
  await pager.loadAll(signal);
  return [...pager.items];
}

/** The outstanding enrollment of this method for this identity (after a 409), through a filtered list. */
export async function findOutstanding(client: ZitiCaller, identityId: string, method: string, signal?: AbortSignal): Promise<ZitiEnrollment | undefined> {
  const page = await listEnrollments(client, 0, 10, signal, `identityId = ${zqlString(identityId)} and method = ${zqlString(method)}`);
  return page.items.find((e) => (e.identityId ?? e.identity?.id) === identityId && e.method === method);
}
