// Request-side contract test for the OpenZiti code: a small spec-driven mock controller (plain http on 127.0.0.1)
// matches every request to an operation of the vendor's Swagger 2.0 spec (../shared/specs/openziti-edge-management.yml)
// and records a violation when none matches or when path/query parameters, the zt-session header or the JSON body break
// the spec. It answers with hand-written bodies that are valid per the spec's response schemas but minimal or unusual
// (only required fields, relative `_links` hrefs, `entityRef` with `urlName`, meta without filterableFields, "Invalid"
// sessions, "erott" enrollments, empty lists). Every answer is itself validated against the spec, so the fixtures are
// proven valid. Our real code (ZitiClient and the pure API/request functions, no `vscode`) is driven against it.
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { findOperation, requireSpec, specFromObject, validateResponse, type LoadedSpec } from '../../sandbox/contract';
import { ZitiClient } from '../../../src/backends/ziti/client';
import {
  apiSessionFilter,
  currentApiSessionId,
  deleteApiSession,
  deleteSession,
  findSession,
  getApiSession,
  getRoutePath,
  getSession,
  IdentityCache,
  listApiSessions,
  listIdentitiesByIds,
  listSessions,
} from '../../../src/backends/ziti/api';
import {
  createEnrollment,
  deleteEnrollment,
  findOutstanding,
  getEnrollment,
  listCas,
  listEnrollments,
  refreshEnrollment,
  rfc3339,
  searchIdentities,
  type CreateEnrollmentBody,
} from '../../../src/backends/ziti/enrollments/requests';
import { canRefresh, enrollmentFacts, subjectKind, subjectName } from '../../../src/backends/ziti/enrollments/model';
import { filterToZitiQl, groupSessions, serviceName } from '../../../src/backends/ziti/sessions/pure';
import { resolveRoutePath, resolveRouter } from '../../../src/backends/ziti/routePath/resolve';
import type { ClientDeps } from '../../../src/backends/types';
import type { ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { ApiError } from '../../../src/http/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const BASE = '/edge/management/v1';
const T0 = '2025-06-01T10:00:00Z';
const LATER = '2099-06-01T10:30:00Z';

// ---------------------------------------------------------------------------------------------------------------
// Request validation against the Swagger 2.0 spec

interface RequestSeen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function isInteger(v: string): boolean {
  return /^-?\d+$/.test(v);
}

function checkScalar(name: string, p: Json, v: string): string | undefined {
  const type = p.type === 'array' ? p.items?.type : p.type;
  if (type === 'integer' && !isInteger(v)) {
    return `${p.in} parameter ${name}=${JSON.stringify(v)} is not an integer`;
  }
  if (type === 'number' && !Number.isFinite(Number(v))) {
    return `${p.in} parameter ${name}=${JSON.stringify(v)} is not a number`;
  }
  if (type === 'boolean' && v !== 'true' && v !== 'false') {
    return `${p.in} parameter ${name}=${JSON.stringify(v)} is not a boolean`;
  }
  const en = p.type === 'array' ? p.items?.enum : p.enum;
  if (Array.isArray(en) && !en.includes(v)) {
    return `${p.in} parameter ${name}=${JSON.stringify(v)} is not one of ${en.join('|')}`;
  }
  return undefined;
}

/** The problems of one request (empty when it matches an operation of the spec and honours its parameters). */
export function validateRequest(spec: LoadedSpec, r: RequestSeen, validTokens: ReadonlySet<string>): string[] {
  const where = `${r.method} ${r.path}`;
  // Real controllers serve /version at the root as well (api-contracts §1.4); it is the spec's listVersion.
  const specPath = r.method === 'GET' && r.path === '/version' ? `${BASE}/version` : r.path;
  if (!specPath.startsWith(BASE + '/') && specPath !== BASE) {
    return [`${where}: outside the base path ${BASE}`];
  }
  const op = findOperation(spec, r.method, specPath);
  if (!op) {
    return [`${where}: no such operation in the spec`];
  }
  const errors: string[] = [];
  const label = `${op.method} ${op.template}`;
  const params = new Map<string, Json>();
  for (const p of [...(spec.doc.paths[op.template]?.parameters ?? []), ...(op.op.parameters ?? [])]) {
    params.set(`${p.in}:${p.name}`, p);
  }
  // Path parameters: every template segment filled, non-empty, decodable.
  const tSegs = op.template.split('/').filter(Boolean);
  const rel = specPath.slice(BASE.length) || '/';
  const uSegs = rel.split('/').filter(Boolean);
  tSegs.forEach((s, i) => {
    const m = /^\{(.+)\}$/.exec(s);
    if (!m) {
      return;
    }
    const p = params.get(`path:${m[1]}`);
    let v = '';
    try {
      v = decodeURIComponent(uSegs[i] ?? '');
    } catch {
      errors.push(`${label}: path parameter ${m[1]} is not valid percent-encoding`);
    }
    if (!p) {
      errors.push(`${label}: path parameter ${m[1]} is not declared`);
    } else if (v === '') {
      errors.push(`${label}: path parameter ${m[1]} is empty`);
    } else {
      const e = checkScalar(m[1], p, v);
      if (e) {
        errors.push(`${label}: ${e}`);
      }
    }
  });
  // Query parameters: only declared ones, required present, types and enums honoured, repeats only for arrays.
  for (const key of new Set(r.query.keys())) {
    const p = params.get(`query:${key}`);
    const values = r.query.getAll(key);
    if (!p) {
      errors.push(`${label}: undeclared query parameter ${key}`);
      continue;
    }
    if (values.length > 1 && !(p.type === 'array' && p.collectionFormat === 'multi')) {
      errors.push(`${label}: query parameter ${key} repeated`);
    }
    for (const v of values) {
      const e = checkScalar(key, p, v);
      if (e) {
        errors.push(`${label}: ${e}`);
      }
    }
  }
  for (const p of params.values()) {
    if (p.in === 'query' && p.required && !r.query.has(p.name)) {
      errors.push(`${label}: required query parameter ${p.name} missing`);
    }
    if (p.in === 'header' && p.required && r.headers[String(p.name).toLowerCase()] === undefined) {
      errors.push(`${label}: required header ${p.name} missing`);
    }
  }
  // Security: one of the listed alternatives satisfied (ztSession → the zt-session header with a live token).
  const security: Json[] = op.op.security ?? spec.doc.security ?? [];
  if (security.length > 0) {
    const zt = r.headers['zt-session'];
    const bearer = /^Bearer\s+\S/.test(String(r.headers.authorization ?? ''));
    const ok = security.some((alt: Json) =>
      Object.keys(alt).every((scheme) => (scheme === 'ztSession' ? typeof zt === 'string' && zt !== '' : scheme === 'oauth2' ? bearer : false)),
    );
    if (!ok) {
      errors.push(`${label}: no credential for ${security.map((a: Json) => Object.keys(a).join('+')).join(' or ')} (zt-session header missing)`);
    } else if (typeof zt === 'string' && !bearer && !validTokens.has(zt)) {
      errors.push(`${label}: zt-session is not a token this controller issued`);
    }
  }
  // Body: only where the operation declares one, JSON, valid against its schema, no fields the schema does not name.
  const bodyParam = [...params.values()].find((p) => p.in === 'body');
  const hasBody = r.body.trim() !== '';
  if (!bodyParam) {
    if (hasBody) {
      errors.push(`${label}: a body was sent but the operation takes none`);
    }
    return errors;
  }
  if (!hasBody) {
    if (bodyParam.required) {
      errors.push(`${label}: the required body ${bodyParam.name} is missing`);
    }
    return errors;
  }
  if (!/^application\/json\b/i.test(String(r.headers['content-type'] ?? ''))) {
    errors.push(`${label}: body sent as ${String(r.headers['content-type'] ?? '(no content-type)')}, the spec consumes application/json`);
  }
  let body: Json;
  try {
    body = JSON.parse(r.body);
  } catch {
    errors.push(`${label}: the body is not JSON`);
    return errors;
  }
  const ref = bodyParam.schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) {
    errors.push(`${label}: cannot validate an inline body schema`);
    return errors;
  }
  const validate = spec.ajv.getSchema(`spec${ref}`) ?? spec.ajv.compile({ $ref: `spec${ref}` });
  if (!validate(body)) {
    for (const e of validate.errors ?? []) {
      errors.push(`${label}: body ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  const def = spec.doc.definitions[ref.slice('#/definitions/'.length)];
  if (def?.properties && body && typeof body === 'object' && !Array.isArray(body)) {
    for (const k of Object.keys(body)) {
      if (!(k in def.properties)) {
        errors.push(`${label}: body field ${k} is not in ${ref.slice('#/definitions/'.length)}`);
      }
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------------
// Minimal, valid-but-unusual fixtures

const links = (href: string): Json => ({ self: { href } });
const ref = (id: string, coll: string, name?: string): Json => ({ id, ...(name ? { name } : {}), urlName: coll, _links: links(`./${coll}/${id}`) });
const entity = (id: string, coll: string): Json => ({ id, createdAt: T0, updatedAt: T0, _links: links(`./${coll}/${id}`) });
const empty = (): Json => ({ data: {}, meta: {} });
const notFound = (id: string): Json => ({ error: { code: 'NOT_FOUND', message: 'The resource requested was not found or is no longer available', args: { urlVars: { id } }, requestId: 'r-1' }, meta: {} });

function apiSession(id: string, token: string, extra: Json = {}): Json {
  // apiSessionDetail's `required` names `cachedUpdatedAt`, a field that does not exist: a valid answer must carry it.
  return {
    ...entity(id, 'api-sessions'),
    token,
    identityId: 'adm1',
    identity: { id: 'adm1', urlName: 'identities', _links: links('./identities/adm1') },
    configTypes: [],
    ipAddress: '127.0.0.1',
    authQueries: [],
    cachedUpdatedAt: T0,
    isMfaRequired: false,
    isMfaComplete: false,
    authenticatorId: 'au1',
    isCertExtendable: false,
    ...extra,
  };
}

function session(id: string, type: string, serviceId: string, extra: Json = {}): Json {
  return {
    ...entity(id, 'sessions'),
    tags: null,
    type,
    token: `tok-${id}`,
    apiSessionId: 'as1',
    apiSession: { id: 'as1', _links: links('./api-sessions/as1') },
    identityId: 'id1',
    serviceId,
    service: { id: serviceId, urlName: 'services', _links: links(`./services/${serviceId}`) },
    edgeRouters: [],
    ...extra,
  };
}

function identity(id: string, name: string): Json {
  return {
    ...entity(id, 'identities'),
    tags: {},
    name,
    type: ref('Device', 'identity-types'),
    typeId: 'Device',
    isDefaultAdmin: false,
    isAdmin: false,
    authenticators: {},
    enrollment: {},
    envInfo: {},
    sdkInfo: {},
    roleAttributes: null,
    hasEdgeRouterConnection: false,
    edgeRouterConnectionStatus: 'unknown',
    hasApiSession: false,
    isMfaEnabled: false,
    serviceHostingPrecedences: {},
    serviceHostingCosts: {},
    defaultHostingCost: 0,
    authPolicyId: 'default',
    authPolicy: { id: 'default' },
    externalId: null,
    disabled: false,
    permissions: [],
  };
}

function enrollment(id: string, method: string, extra: Json = {}): Json {
  // enrollmentDetail's `required` names `details`, which the spec never defines: a valid answer must carry it.
  return { ...entity(id, 'enrollments'), method, token: `et-${id}`, expiresAt: LATER, details: {}, ...extra };
}

const version = (apiVersions?: Json): Json => ({ data: { version: 'v1.2.0', ...(apiVersions ? { apiVersions } : {}) }, meta: {} });

const edgeRouter: Json = {
  ...entity('er1', 'edge-routers'),
  name: 'er-east',
  hostname: '',
  supportedProtocols: {},
  syncStatus: 'SYNC_DONE',
  isOnline: true,
  cost: null,
  noTraversal: null,
  disabled: false,
  isVerified: true,
  roleAttributes: null,
  os: '',
  version: '',
  arch: '',
  buildDate: '',
  revision: '',
  isTunnelerEnabled: false,
};
const fabricRouter: Json = { ...entity('r2', 'routers'), name: 'transit-1', isVerified: true, isOnline: false, fingerprint: '', cost: 0, noTraversal: false, disabled: false };

/** Every `tags` turned into an array, as some of the vendor's examples show it. */
function withArrayTags(v: Json): Json {
  if (Array.isArray(v)) {
    return v.map(withArrayTags);
  }
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'tags' ? ['sales', 'eu'] : withArrayTags(x)]));
  }
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// The mock controller

interface Answer {
  status: number;
  body: Json;
}

class MockController {
  readonly violations: string[] = [];
  readonly seen: RequestSeen[] = [];
  readonly tokens = new Set<string>();
  readonly deleted = new Set<string>();
  readonly enrollments = new Map<string, Json>();
  /** Vendor-example drift the schema rejects (tags as an array): answers are then not held to the spec. */
  drift = false;
  readonly driftRejected: string[] = [];
  private server!: http.Server;
  private nextId = 1;
  url = '';

  constructor(
    private readonly spec: LoadedSpec,
    private readonly responseSpec: LoadedSpec,
  ) {
    for (const e of [
      enrollment('en-ott', 'ott', { identityId: 'id1', identity: ref('id1', 'identities') }),
      enrollment('en-erott', 'erott', { edgeRouterId: 'er1', edgeRouter: ref('er1', 'edge-routers', 'er-east'), tags: null }),
      enrollment('en-updb', 'updb', { username: 'alice', identityId: 'id2', jwt: 'eyJ.x.y' }),
      enrollment('en-ottca', 'ottca', { caId: 'ca1', identityId: 'id3', identity: { id: 'id3', urlName: 'identities', _links: links('./identities/id3') } }),
    ]) {
      this.enrollments.set(e.id, e);
    }
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://localhost');
        const seen: RequestSeen = { method: (req.method ?? 'GET').toUpperCase(), path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.seen.push(seen);
        for (const v of validateRequest(this.spec, seen, this.tokens)) {
          this.violations.push(`request ${v}`);
        }
        let answer: Answer;
        try {
          answer = this.answer(seen);
        } catch (e) {
          this.violations.push(`mock: ${seen.method} ${seen.path}: ${(e as Error).message}`);
          answer = { status: 400, body: { error: { code: 'COULD_NOT_VALIDATE', message: (e as Error).message }, meta: {} } };
        }
        const specPath = seen.path === '/version' ? `${BASE}/version` : seen.path;
        if (this.drift) {
          answer.body = withArrayTags(answer.body);
        }
        if (findOperation(this.spec, seen.method, specPath)) {
          for (const v of validateResponse(this.responseSpec, seen.method, specPath, answer.status, answer.body)) {
            (this.drift ? this.driftRejected : this.violations).push(`fixture ${v}`);
          }
        }
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  count(method: string, pathPart: string): number {
    return this.seen.filter((s) => s.method === method && s.path.includes(pathPart)).length;
  }

  private issue(): string {
    const t = `tok-${this.nextId++}-${Math.random().toString(36).slice(2)}`;
    this.tokens.add(t);
    return t;
  }

  private page(items: Json[], q: URLSearchParams, withFilterable = false): Answer {
    const offset = Number(q.get('offset') ?? 0);
    const limit = Number(q.get('limit') ?? 10);
    const slice = items.slice(offset, offset + limit);
    return { status: 200, body: { data: slice, meta: { pagination: { limit, offset, totalCount: items.length }, ...(withFilterable ? { filterableFields: ['type'] } : {}) } } };
  }

  private answer(r: RequestSeen): Answer {
    const p = r.path.startsWith(BASE) ? r.path.slice(BASE.length) : r.path;
    const seg = p.split('/').filter(Boolean).map(decodeURIComponent);
    const q = r.query;
    const key = p === '/authenticate/mfa' ? 'POST /authenticate/mfa' : `${r.method} /${seg.map((s, i) => (i === 1 ? '{id}' : s)).join('/')}`;
    switch (key) {
      case 'GET /version':
        // At the root: a version that names the management path; under the base path: the bare minimum.
        return { status: 200, body: r.path === '/version' ? version({ 'edge-management': { v1: { path: BASE } } }) : { data: {}, meta: {} } };
      case 'POST /authenticate': {
        const body = JSON.parse(r.body || '{}');
        const token = this.issue();
        const mfa = body.username === 'mfa-user';
        return {
          status: 200,
          body: {
            data: {
              ...apiSession('cur1', token, mfa ? { authQueries: [{ typeId: 'MFA', provider: 'ziti' }], isMfaRequired: true } : {}),
              expiresAt: LATER,
              expirationSeconds: 1800,
            },
            meta: {},
          },
        };
      }
      case 'POST /authenticate/mfa':
        return { status: 200, body: empty() };
      case 'GET /current-api-session':
        return { status: 200, body: { data: { ...apiSession('cur1', String(r.headers['zt-session'])), expiresAt: LATER, expirationSeconds: 1800 }, meta: {} } };
      case 'DELETE /current-api-session':
        this.tokens.delete(String(r.headers['zt-session']));
        return { status: 200, body: empty() };
      case 'GET /sessions': {
        const all = [
          session('s1', 'Dial', 'svc1', { servicePolicies: [ref('sp1', 'service-policies')] }),
          session('s-bind', 'Bind', 'svc2'),
          session('s-inv', 'Invalid', 'svc1', { tags: {} }),
        ].filter((s) => !this.deleted.has(s.id));
        const f = q.get('filter');
        // Only the first page names filterableFields; a filtered list is empty.
        return f ? { status: 200, body: { data: [], meta: { pagination: { limit: Number(q.get('limit')), offset: 0, totalCount: 0 } } } } : this.page(all, q);
      }
      case 'GET /sessions/{id}': {
        const id = seg[1];
        if (this.deleted.has(id) || !['s1', 's-bind', 's-inv', 's-nocirc'].includes(id)) {
          return { status: 404, body: notFound(id) };
        }
        return { status: 200, body: { data: session(id, id === 's-bind' ? 'Bind' : id === 's-inv' ? 'Invalid' : 'Dial', 'svc1'), meta: {} } };
      }
      case 'GET /sessions/{id}/route-path': {
        const id = seg[1];
        if (this.deleted.has(id)) {
          return { status: 404, body: notFound(id) };
        }
        return { status: 200, body: { data: { routePath: id === 's1' ? ['er1', 'r2', 'gone3'] : [] }, meta: {} } };
      }
      case 'DELETE /sessions/{id}':
      case 'DELETE /api-sessions/{id}':
      case 'DELETE /enrollments/{id}': {
        const id = seg[1];
        if (this.deleted.has(id)) {
          return { status: 404, body: notFound(id) };
        }
        this.deleted.add(id);
        this.enrollments.delete(id);
        return { status: 200, body: empty() };
      }
      case 'GET /api-sessions':
        return q.get('filter')
          ? { status: 200, body: { data: [], meta: {} } }
          : this.page([apiSession('as1', 'secret-1', { tags: null }), apiSession('as2', 'secret-2')].filter((s) => !this.deleted.has(s.id)), q, true);
      case 'GET /api-sessions/{id}':
        return this.deleted.has(seg[1]) ? { status: 404, body: notFound(seg[1]) } : { status: 200, body: { data: apiSession(seg[1], 'secret'), meta: {} } };
      case 'GET /identities': {
        const f = q.get('filter') ?? '';
        const known: Record<string, string> = { id1: 'alice-laptop', id2: 'bob' };
        const ids = [...f.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
        const found = f.startsWith('id in [') ? ids.filter((id) => known[id]).map((id) => identity(id, known[id])) : Object.entries(known).map(([id, n]) => identity(id, n));
        // No pagination in meta: the client must not need it.
        return { status: 200, body: { data: found, meta: {} } };
      }
      case 'GET /identities/{id}':
        return seg[1] === 'id1' ? { status: 200, body: { data: identity('id1', 'alice-laptop'), meta: {} } } : { status: 404, body: notFound(seg[1]) };
      case 'GET /edge-routers/{id}':
        return seg[1] === 'er1' ? { status: 200, body: { data: edgeRouter, meta: {} } } : { status: 404, body: notFound(seg[1]) };
      case 'GET /routers/{id}':
        return seg[1] === 'r2' || seg[1] === 'er1' ? { status: 200, body: { data: fabricRouter, meta: {} } } : { status: 404, body: notFound(seg[1]) };
      case 'GET /cas':
        return this.page(
          [
            {
              ...entity('ca1', 'cas'),
              name: 'corp-ca',
              fingerprint: 'ab12',
              certPem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
              isVerified: true,
              isAutoCaEnrollmentEnabled: false,
              isOttCaEnrollmentEnabled: true,
              isAuthEnabled: false,
              identityRoles: [],
              identityNameFormat: '',
            },
          ],
          q,
        );
      case 'GET /enrollments': {
        const f = q.get('filter');
        let items = [...this.enrollments.values()];
        if (f) {
          const m = /identityId = "([^"]*)" and method = "([^"]*)"/.exec(f);
          items = m ? items.filter((e) => e.identityId === m[1] && e.method === m[2]) : [];
        }
        return this.page(items, q);
      }
      case 'GET /enrollments/{id}': {
        const e = this.enrollments.get(seg[1]);
        return e ? { status: 200, body: { data: e, meta: {} } } : { status: 404, body: notFound(seg[1]) };
      }
      case 'POST /enrollments': {
        const b = JSON.parse(r.body);
        if ([...this.enrollments.values()].some((e) => e.identityId === b.identityId && e.method === b.method)) {
          return { status: 409, body: { error: { code: 'COULD_NOT_VALIDATE', message: 'an enrollment of this method is outstanding' }, meta: {} } };
        }
        const id = `en-new-${this.nextId++}`;
        this.enrollments.set(id, enrollment(id, b.method, { identityId: b.identityId, expiresAt: b.expiresAt, ...(b.caId ? { caId: b.caId } : {}), ...(b.username ? { username: b.username } : {}) }));
        // 201 with only id and _links: no meta.
        return { status: 201, body: { data: { id, _links: links(`./enrollments/${id}`) } } };
      }
      case 'POST /enrollments/{id}/refresh': {
        const e = this.enrollments.get(seg[1]);
        if (!e) {
          return { status: 400, body: notFound(seg[1]) };
        }
        e.expiresAt = JSON.parse(r.body).expiresAt;
        return { status: 200, body: { data: { id: e.id, _links: links(`./enrollments/${e.id}`) }, meta: {} } };
      }
      default:
        return { status: 404, body: notFound(p) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The client under test

function deps(code?: string): ClientDeps & { saved: Partial<ConnectionSecrets>[]; asked: string[] } {
  const saved: Partial<ConnectionSecrets>[] = [];
  const asked: string[] = [];
  return {
    saved,
    asked,
    log: () => undefined,
    prompter: {
      askCode: async (r) => {
        asked.push(r.prompt);
        return code;
      },
      askPassword: async () => undefined,
    },
    saveSecrets: async (p) => {
      saved.push(p);
    },
  };
}

function record(url: string, username: string): ConnectionRecord {
  return { id: 'ziti-contract', backend: 'ziti', label: 'Mock controller', endpoints: { url }, auth: { method: 'password', username }, source: 'user' };
}

/** The spec for the fixtures: href `format: uri` read as a URI reference, because the vendor's own hrefs are `./x/y`. */
function responseSpecFrom(spec: LoadedSpec): LoadedSpec {
  const s = specFromObject(spec.doc, 'ziti', spec.file);
  const uriRef = (s.ajv.formats as Record<string, unknown>)['uri-reference'];
  s.ajv.addFormat('uri', uriRef as RegExp);
  return s;
}

describe('OpenZiti requests against the vendor spec (spec-driven mock controller)', function () {
  this.timeout(60_000);
  let spec: LoadedSpec;
  let mock: MockController;
  let client: ZitiClient;

  before(async function () {
    // Fails without ../shared/specs, unless SM_ALLOW_MISSING_SPECS=1 asks to skip it (then recorded as skipped).
    spec = requireSpec(this, 'ziti');
    mock = new MockController(spec, responseSpecFrom(spec));
    await mock.start();
    client = new ZitiClient(record(mock.url, 'admin'), { password: 'secret-pw' }, deps());
  });

  after(async () => {
    if (mock) {
      await mock.stop();
    }
  });

  // Violations are kept per test (a failing afterEach hook would stop the suite) and asserted in each test's own
  // name by the summary at the end.
  const violationsByTest = new Map<string, string[]>();
  afterEach(function () {
    if (mock) {
      const v = mock.violations.splice(0);
      if (v.length > 0) {
        violationsByTest.set(this.currentTest?.fullTitle() ?? '?', v);
      }
    }
  });

  describe('the request validator itself', () => {
    it('flags unknown operations, bad parameter types, missing zt-session, bad and extra body fields', () => {
      const tokens = new Set(['t']);
      const req = (method: string, path: string, query = '', body = '', headers: http.IncomingHttpHeaders = { 'zt-session': 't', 'content-type': 'application/json' }): string[] =>
        validateRequest(spec, { method, path, query: new URLSearchParams(query), headers, body }, tokens);
      assert.deepStrictEqual(req('GET', `${BASE}/sessions`, 'limit=2&offset=0&filter=x'), []);
      assert.deepStrictEqual(req('GET', '/version', '', '', {}), []);
      assert.match(req('GET', `${BASE}/no-such-thing`).join(), /no such operation/);
      assert.match(req('PATCH', `${BASE}/sessions/x`).join(), /no such operation/);
      assert.match(req('GET', '/sessions').join(), /outside the base path/);
      assert.match(req('GET', `${BASE}/sessions`, 'limit=ten').join(), /not an integer/);
      assert.match(req('GET', `${BASE}/sessions`, 'sort=name').join(), /undeclared query parameter sort/);
      assert.match(req('GET', `${BASE}/sessions`, '', '', {}).join(), /zt-session header missing/);
      assert.match(req('GET', `${BASE}/sessions`, '', '', { 'zt-session': 'stale' }).join(), /not a token this controller issued/);
      assert.match(req('POST', `${BASE}/authenticate`, '', '{}').join(), /required query parameter method/);
      assert.match(req('POST', `${BASE}/authenticate`, 'method=oidc', '{}').join(), /not one of/);
      assert.match(req('POST', `${BASE}/enrollments`, '', JSON.stringify({ method: 'ott', identityId: 'i', expiresAt: '2025-01-01 10:00' })).join(), /format/);
      assert.match(req('POST', `${BASE}/enrollments`, '', JSON.stringify({ method: 'ott', identityId: 'i', expiresAt: LATER, ttl: 5 })).join(), /field ttl/);
      assert.match(req('POST', `${BASE}/enrollments/x/refresh`, '', '').join(), /required body/);
      assert.match(req('DELETE', `${BASE}/sessions/x`, '', '{}').join(), /takes none/);
    });

    it('the answers the mock gives are valid per the spec (relative hrefs, urlName refs, minimal required fields)', () => {
      const rs = responseSpecFrom(spec);
      const checks: [string, string, number, Json][] = [
        ['GET', '/version', 200, version()],
        ['GET', '/version', 200, { data: {}, meta: {} }],
        ['GET', '/sessions', 200, { data: [session('s', 'Invalid', 'x')], meta: { pagination: { limit: 1, offset: 0, totalCount: 1 } } }],
        ['GET', '/sessions', 200, { data: [], meta: {} }],
        ['GET', '/enrollments/{id}', 200, { data: enrollment('e', 'erott', { edgeRouterId: 'er1', edgeRouter: ref('er1', 'edge-routers') }), meta: {} }],
        ['POST', '/enrollments', 201, { data: { id: 'n', _links: links('./enrollments/n') } }],
        ['DELETE', '/sessions/{id}', 200, empty()],
        ['DELETE', '/sessions/{id}', 404, notFound('x')],
        ['GET', '/identities/{id}', 200, { data: identity('i', 'n'), meta: {} }],
        ['GET', '/edge-routers/{id}', 200, { data: edgeRouter, meta: {} }],
        ['GET', '/routers/{id}', 200, { data: fabricRouter, meta: {} }],
      ];
      for (const [m, p, status, body] of checks) {
        assert.deepStrictEqual(validateResponse(rs, m, p, status, body), [], `${m} ${p} ${status}`);
      }
      // The strict reading rejects what the fixtures deliberately avoid: a missing required field.
      const noToken = session('s', 'Dial', 'x');
      delete noToken.token;
      assert.notDeepStrictEqual(validateResponse(rs, 'GET', '/sessions/{id}', 200, { data: noToken, meta: {} }), []);
    });
  });

  describe('sign-in and the controller version', () => {
    it('finds the management path from /version at the root and signs in with a password', async () => {
      const r = await client.signIn();
      assert.match(r.summary, /signed in · v1\.2\.0/);
      assert.ok(client.signedIn);
      assert.strictEqual(mock.count('GET', '/version'), 1);
      assert.ok(mock.seen.some((s) => s.method === 'POST' && s.path === `${BASE}/authenticate` && s.query.get('method') === 'password'));
    });

    it('reads /version at the management path when the URL names it, and the minimal answer still works', async () => {
      const c = new ZitiClient(record(`${mock.url}${BASE}`, 'admin'), { password: 'secret-pw' }, deps());
      const v = await c.controllerVersion();
      assert.deepStrictEqual(v, {});
      await c.signIn();
      const envs = await c.listEnvironments();
      assert.strictEqual(envs[0].details['management API'], BASE);
      assert.strictEqual(envs[0].description, 'controller');
    });

    it('answers the MFA auth query, then reads the current API session', async () => {
      const d = deps('123456');
      const c = new ZitiClient(record(mock.url, 'mfa-user'), { password: 'secret-pw' }, d);
      await c.signIn();
      assert.strictEqual(d.asked.length, 1);
      const mfa = mock.seen.find((s) => s.path === `${BASE}/authenticate/mfa`);
      assert.ok(mfa);
      assert.deepStrictEqual(JSON.parse(mfa.body), { code: '123456' });
      assert.ok(c.signedIn);
      assert.match(await c.test(), /^OK: v1\.2\.0, session expires 2099-/);
      assert.strictEqual(await c.signOut(), 'Signed out: the API session was ended on the controller.');
    });

    it('reads the current API session id', async () => {
      assert.strictEqual(await currentApiSessionId(client), 'cur1');
    });
  });

  describe('sessions', () => {
    it('lists sessions page by page (limit/offset integers) and with a filter', async () => {
      const p1 = await listSessions(client, { offset: 0, limit: 2 });
      assert.deepStrictEqual(p1.items.map((s) => s.id), ['s1', 's-bind']);
      assert.strictEqual(p1.totalCount, 3);
      const p2 = await listSessions(client, { offset: 2, limit: 2.7 });
      assert.deepStrictEqual(p2.items.map((s) => s.type), ['Invalid']);
      const groups = groupSessions([...p1.items, ...p2.items], 'type', () => undefined);
      assert.deepStrictEqual(groups.map((g) => g.label), ['Bind', 'Dial', 'Invalid']);
      assert.strictEqual(serviceName(p2.items[0]), 'svc1', 'a service ref without a name falls back to its id');
      const filtered = await listSessions(client, { offset: 0, limit: 10000, filter: filterToZitiQl('web "svc"') });
      assert.deepStrictEqual(filtered, { items: [], totalCount: 0 });
      const last = mock.seen.filter((s) => s.path === `${BASE}/sessions`).pop()!;
      assert.strictEqual(last.query.get('limit'), '500');
      assert.strictEqual(last.query.get('filter'), 'service.name contains "web \\"svc\\"" or identity.name contains "web \\"svc\\""');
      const byApi = await listSessions(client, { offset: 0, limit: 50, filter: apiSessionFilter('as1') });
      assert.strictEqual(byApi.items.length, 0);
    });

    it('reads one session, and finds none for an unknown id', async () => {
      const s = await getSession(client, 's1');
      assert.strictEqual(s.type, 'Dial');
      assert.strictEqual(s.service?.urlName, 'services');
      assert.strictEqual(await findSession(client, 'nope/../x'), undefined);
    });

    it('reads route paths: non-empty, empty, and the whole resolved view', async () => {
      assert.deepStrictEqual(await getRoutePath(client, 's1'), ['er1', 'r2', 'gone3']);
      assert.deepStrictEqual(await getRoutePath(client, 's-nocirc'), []);
      const view = await resolveRoutePath(client, { connectionId: 'c', connectionLabel: 'Mock', sessionId: 's1', autoRefreshSeconds: 0 });
      assert.strictEqual(view.state, 'path');
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.name, h.known]),
        [
          ['identity', 'alice-laptop', true],
          ['ingress', 'er-east', true],
          ['transit', 'transit-1', true],
          ['egress', 'unknown router gone3', false],
          ['service', 'svc1', true],
        ],
      );
      const none = await resolveRoutePath(client, { connectionId: 'c', connectionLabel: 'Mock', sessionId: 's-nocirc', autoRefreshSeconds: 0 });
      assert.strictEqual(none.state, 'empty');
      const invalid = await resolveRoutePath(client, { connectionId: 'c', connectionLabel: 'Mock', sessionId: 's-inv', autoRefreshSeconds: 0 });
      assert.strictEqual(invalid.state, 'empty');
      assert.match(invalid.message ?? '', /^This is not a Dial session \(OpenZiti says its type is "Invalid"\), so it has no route path\./);
    });

    it('resolves routers through /edge-routers/{id} and then /routers/{id}', async () => {
      assert.deepStrictEqual(await resolveRouter(client, 'er1'), { id: 'er1', name: 'er-east', online: true, kind: 'edge' });
      assert.deepStrictEqual(await resolveRouter(client, 'r2'), { id: 'r2', name: 'transit-1', online: false, kind: 'fabric' });
      assert.strictEqual((await resolveRouter(client, 'gone3')).kind, 'unknown');
    });

    it('deletes a session (200 empty envelope), then sees a 404 as already gone, and the route path as ended', async () => {
      assert.strictEqual(await deleteSession(client, 's1'), 'deleted');
      assert.strictEqual(await deleteSession(client, 's1'), 'already-gone');
      const view = await resolveRoutePath(client, { connectionId: 'c', connectionLabel: 'Mock', sessionId: 's1', autoRefreshSeconds: 0 });
      assert.strictEqual(view.state, 'ended');
    });
  });

  describe('API sessions and identities', () => {
    it('lists API sessions (meta with filterableFields, and an empty list without pagination), reads and deletes one', async () => {
      const page = await listApiSessions(client, { offset: 0, limit: 100 });
      assert.deepStrictEqual(page.items.map((s) => s.id), ['as1', 'as2']);
      assert.strictEqual(page.totalCount, 2);
      assert.deepStrictEqual(await listApiSessions(client, { offset: 0, limit: 100, filter: 'identityId = "nobody"' }), { items: [], totalCount: 0 });
      assert.strictEqual((await getApiSession(client, 'as2')).identity?.urlName, 'identities');
      assert.strictEqual(await deleteApiSession(client, 'as2'), 'deleted');
      assert.strictEqual(await deleteApiSession(client, 'as2'), 'already-gone');
    });

    it('resolves identity names in a batch (meta without pagination), unknown ids left out', async () => {
      const cache = new IdentityCache(2);
      const names = await cache.resolve(client, ['id1', 'id2', 'ghost', 'id1']);
      assert.deepStrictEqual([...names], [
        ['id1', 'alice-laptop'],
        ['id2', 'bob'],
      ]);
      assert.strictEqual(cache.requests, 2);
      const seen = mock.seen.filter((s) => s.path === `${BASE}/identities`).slice(-2);
      assert.deepStrictEqual(seen.map((s) => [s.query.get('limit'), s.query.get('offset'), s.query.get('filter')]), [
        ['2', '0', 'id in ["id1", "id2"]'],
        ['1', '0', 'id in ["ghost"]'],
      ]);
      assert.deepStrictEqual(await listIdentitiesByIds(client, []), []);
      const found = await searchIdentities(client, 'ali"ce');
      assert.strictEqual(found.total, 2);
    });
  });

  describe('enrollments', () => {
    it('lists CAs (one page) for ottca', async () => {
      const cas = await listCas(client);
      assert.deepStrictEqual(cas.map((c) => [c.id, c.isOttCaEnrollmentEnabled]), [['ca1', true]]);
    });

    it('lists enrollments of every method, erott with an edge-router ref included', async () => {
      const page = await listEnrollments(client, 0, 500);
      assert.strictEqual(page.totalCount, 4);
      const erott = page.items.find((e) => e.method === 'erott')!;
      assert.strictEqual(subjectKind(erott), 'edge router');
      assert.strictEqual(subjectName(erott), 'er-east');
      assert.strictEqual(canRefresh(erott), false);
      const ottca = page.items.find((e) => e.method === 'ottca')!;
      assert.strictEqual(subjectName(ottca), 'identity id3');
      assert.ok(enrollmentFacts(ottca, Date.now(), 'corp-ca').some(([k, v]) => k === 'CA' && v === 'corp-ca (ca1)'));
      const updb = page.items.find((e) => e.method === 'updb')!;
      assert.strictEqual(subjectName(updb), 'identity id2');
    });

    it('creates ott, ottca (caId) and updb (username) enrollments: RFC 3339 expiresAt, only spec fields, 201 with only id and _links', async () => {
      const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
      const ott = await createEnrollment(client, { method: 'ott', identityId: 'id9', expiresAt, caId: undefined, username: undefined });
      const ottca = await createEnrollment(client, { method: 'ottca', identityId: 'id9', expiresAt, caId: 'ca1' });
      const updb = await createEnrollment(client, { method: 'updb', identityId: 'id9', expiresAt, username: 'carol' });
      const bodies = mock.seen.filter((s) => s.method === 'POST' && s.path === `${BASE}/enrollments`).map((s) => JSON.parse(s.body));
      assert.deepStrictEqual(bodies, [
        { method: 'ott', identityId: 'id9', expiresAt },
        { method: 'ottca', identityId: 'id9', expiresAt, caId: 'ca1' },
        { method: 'updb', identityId: 'id9', expiresAt, username: 'carol' },
      ]);
      assert.match(expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      const detail = await getEnrollment(client, updb);
      assert.strictEqual(detail.username, 'carol');
      assert.strictEqual((await getEnrollment(client, ottca)).caId, 'ca1');
      assert.strictEqual((await getEnrollment(client, ott)).method, 'ott');
    });

    it('sends only the spec fields (caId only for ottca, username only for updb) and re-writes a non-RFC 3339 expiry', async () => {
      const before = mock.seen.length;
      const loose = { method: 'ott', identityId: 'id8', expiresAt: 'Mon, 01 Jun 2099 10:00:00 GMT', caId: 'ca1', username: 'x', ttl: 60 } as unknown as CreateEnrollmentBody;
      const id = await createEnrollment(client, loose);
      await refreshEnrollment(client, id, '2099-06-02T10:00:00+02:00');
      const sent = mock.seen.slice(before).filter((s) => s.method === 'POST').map((s) => JSON.parse(s.body));
      assert.deepStrictEqual(sent, [{ method: 'ott', identityId: 'id8', expiresAt: '2099-06-01T10:00:00.000Z' }, { expiresAt: '2099-06-02T10:00:00+02:00' }]);
      assert.strictEqual(rfc3339('2099-06-01T10:00:00Z'), '2099-06-01T10:00:00Z');
      assert.throws(() => rfc3339('next week'), /not a date/);
      assert.strictEqual(await deleteEnrollment(client, id), 'deleted');
    });

    it('pages with integer limit/offset even when the caller computed fractions or NaN', async () => {
      const before = mock.seen.length;
      await listEnrollments(client, 1.5, 2.7);
      await listEnrollments(client, Number.NaN, Number.NaN, undefined, '  ');
      await listSessions(client, { offset: -3.2, limit: Number.NaN });
      const q = mock.seen.slice(before).map((s) => [s.query.get('offset'), s.query.get('limit'), s.query.get('filter')]);
      assert.deepStrictEqual(q, [
        ['1', '2', null],
        ['0', '500', null],
        ['0', '500', null],
      ]);
    });

    it('a second ott for the same identity is a 409, and the outstanding one is found through a filtered list', async () => {
      const expiresAt = new Date(Date.now() + 3600_000).toISOString();
      await assert.rejects(createEnrollment(client, { method: 'ott', identityId: 'id9', expiresAt }), (e: unknown) => e instanceof ApiError && e.status === 409);
      const existing = await findOutstanding(client, 'id9', 'ott');
      assert.ok(existing);
      assert.strictEqual(existing.method, 'ott');
    });

    it('refreshes an enrollment (body: only expiresAt) and reads the new expiry back', async () => {
      const expiresAt = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
      await refreshEnrollment(client, 'en-ott', expiresAt);
      const sent = mock.seen.filter((s) => s.path === `${BASE}/enrollments/en-ott/refresh`).pop()!;
      assert.deepStrictEqual(JSON.parse(sent.body), { expiresAt });
      assert.strictEqual((await getEnrollment(client, 'en-ott')).expiresAt, expiresAt);
    });

    it('deletes an enrollment (200 empty envelope), then a 404 is already gone', async () => {
      assert.strictEqual(await deleteEnrollment(client, 'en-updb'), 'deleted');
      assert.strictEqual(await deleteEnrollment(client, 'en-updb'), 'already-gone');
      await assert.rejects(getEnrollment(client, 'en-updb'), (e: unknown) => e instanceof ApiError && e.status === 404);
      assert.strictEqual((await listEnrollments(client, 0, 500)).items.some((e) => e.id === 'en-updb'), false);
    });
  });

  describe('vendor-example drift', () => {
    it('copes with tags as an array (the schema says map; some vendor examples show a list)', async () => {
      mock.drift = true;
      try {
        const sessions = await listSessions(client, { offset: 0, limit: 10 });
        assert.ok(sessions.items.length > 0);
        assert.ok(Array.isArray(sessions.items[0].tags));
        assert.strictEqual((await getSession(client, 's-bind')).type, 'Bind');
        const enrollments = await listEnrollments(client, 0, 500);
        assert.ok(enrollments.items.length > 0);
        assert.ok((await listApiSessions(client, { offset: 0, limit: 10 })).items.length > 0);
        const view = await resolveRoutePath(client, { connectionId: 'c', connectionLabel: 'Mock', sessionId: 's-nocirc', autoRefreshSeconds: 0 });
        assert.strictEqual(view.state, 'empty');
        await client.test();
      } finally {
        mock.drift = false;
      }
      // The drifted answers really are outside the schema (so they were not counted as fixtures).
      assert.ok(mock.driftRejected.some((v) => /tags/.test(v)), mock.driftRejected.join('\n'));
    });
  });

  describe('summary', () => {
    it('every request the code sent matched a spec operation', () => {
      assert.ok(mock.seen.length > 40, `${mock.seen.length} requests`);
      const unmatched = mock.seen.filter((s) => !findOperation(spec, s.method, s.path === '/version' ? `${BASE}/version` : s.path));
      assert.deepStrictEqual(unmatched.map((s) => `${s.method} ${s.path}`), []);
    });

    it('no request broke the spec and no answer of the mock did either', () => {
      assert.deepStrictEqual(Object.fromEntries(violationsByTest), {});
    });
  });
});
