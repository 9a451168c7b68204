// OpenZiti Edge Management API emulator (shared/reference/api-contracts.md §1; vendor spec
// shared/specs/openziti-edge-management.yml). Every body validates against the spec's schema for its operation and
// status (see test/sandbox/ziti.test.ts). Where the spec itself is wrong we still emit a harmless value so strict
// validators pass; each such place cites api-contracts.md.
import * as crypto from 'crypto';
import type { Backend, BackendContext, SandboxRequest, SandboxResponse } from '../types';
import { compileQuery, FieldMap, parseZitiQl, ZitiQlError } from './zitiql';
import {
  ADMIN_PASSWORD, ADMIN_USERNAME, ApiSession, Enrollment, generate, Identity, MFA_CODE, MFA_PASSWORD, MFA_USERNAME, Router, Service, ServicePolicy, Session, ZitiData,
} from './data';

export { ADMIN_PASSWORD, ADMIN_USERNAME, MFA_CODE, MFA_PASSWORD, MFA_USERNAME, HOSTILE_SERVICE_NAME } from './data';

export const BASE_PATH = '/edge/management/v1';
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 500;
export const MAX_OFFSET = 100000;
const META = { apiVersion: '0.0.1', apiEnrollmentVersion: '0.0.1' };

export interface ZitiState {
  data: ZitiData;
  /** apiSessionId → ids of its sessions. */
  sessionsByApiSession: Map<string, Set<string>>;
  /** API-session token → API-session id. */
  tokens: Map<string, string>;
  /** Inactivity timeout of interactive API sessions, seconds. */
  inactivitySeconds: number;
  /** Public key (PEM) that verifies enrollment JWTs (RS256). */
  jwtPublicKeyPem: string;
}

type Entity = { id: string };
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly causeMessage = '',
    readonly cause: Record<string, unknown> = {},
    readonly urlVars: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  UNAUTHORIZED: 'The request could not be completed. The session is not authorized or the credentials are invalid',
  INVALID_AUTH: 'The authentication request failed',
  NOT_FOUND: 'The resource requested was not found or is no longer available',
  COULD_NOT_VALIDATE: 'The supplied request contains an invalid document',
  INVALID_FILTER: 'The filter query supplied is invalid',
  RATE_LIMITED: 'The resource is rate limited and the rate limit has been exceeded. Please try again later',
  CONFLICT: 'The request could not be completed due to a conflict of configuration or state',
};

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export function create(ctx: BackendContext): Backend<ZitiState> {
  const opt = ctx.options ?? {};
  const inactivitySeconds = typeof opt.zitiInactivitySeconds === 'number' ? opt.zitiInactivitySeconds : 1800;
  // Timestamps are anchored to a rounded epoch so the same seed gives the same data within a run; tests may fix it.
  const epoch = typeof opt.zitiEpochMs === 'number' ? opt.zitiEpochMs : Math.floor(ctx.now() / 60000) * 60000;
  let signingKey: crypto.KeyObject;
  let publicKeyPem: string;
  if (ctx.ca?.keyPem) {
    signingKey = crypto.createPrivateKey(ctx.ca.keyPem);
    publicKeyPem = crypto.createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString();
  } else {
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    signingKey = kp.privateKey;
    publicKeyPem = kp.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  const build = (): ZitiState => {
    const data = generate(ctx.seed, ctx.sizes, epoch);
    const sessionsByApiSession = new Map<string, Set<string>>();
    for (const a of data.apiSessions.values()) {
      sessionsByApiSession.set(a.id, new Set());
    }
    for (const s of data.sessions.values()) {
      sessionsByApiSession.get(s.apiSessionId)!.add(s.id);
    }
    const tokens = new Map<string, string>();
    for (const a of data.apiSessions.values()) {
      tokens.set(a.token, a.id);
    }
    return { data, sessionsByApiSession, tokens, inactivitySeconds, jwtPublicKeyPem: publicKeyPem };
  };

  const backend: Backend<ZitiState> = {
    name: 'ziti',
    tls: 'sandbox-ca',
    state: build(),
    handle: (req) => handle(backend.state, req),
    reset() {
      backend.state = build();
    },
    expireAllTokens() {
      const st = backend.state;
      for (const a of [...st.data.apiSessions.values()]) {
        if (a.interactive) {
          removeApiSession(st, a.id);
        }
      }
    },
    describe(baseUrl?: string) {
      return {
        credentials: {
          username: ADMIN_USERNAME,
          password: ADMIN_PASSWORD,
          mfaUsername: MFA_USERNAME,
          mfaPassword: MFA_PASSWORD,
          mfaCode: MFA_CODE,
        },
        urls: baseUrl
          ? {
              controller: baseUrl,
              managementApi: baseUrl + BASE_PATH,
              version: baseUrl + '/version',
              estCaCerts: baseUrl + '/.well-known/est/cacerts',
              authenticate: baseUrl + BASE_PATH + '/authenticate?method=password',
            }
          : undefined,
        notes: [
          `Password login: ${ADMIN_USERNAME} / ${ADMIN_PASSWORD}; MFA login: ${MFA_USERNAME} / ${MFA_PASSWORD}, TOTP code ${MFA_CODE}.`,
          `API sessions time out after ${inactivitySeconds} s of inactivity; every authenticated call extends them.`,
          'Client-certificate login (method=cert): certificates issued by the sandbox CA with CN = an identity name.',
        ],
      };
    },
    errorBody(status: number, code: string, message: string) {
      return errorEnvelope(new HttpError(status, code, message));
    },
  };

  // ------------------------------------------------------------------------------------------------------------
  // Views (spec schemas). Links are absolute URLs: the spec declares link.href as format `uri`, which strict
  // validators read as an absolute URI (the real controller sends `./sessions/<id>`; clients must resolve either).

  const jwtCache = new Map<string, string>();
  const enrollmentJwt = (e: Enrollment, baseUrl: string): string => {
    const key = `${e.id}|${e.token}|${e.expiresAt}|${baseUrl}`;
    let jwt = jwtCache.get(key);
    if (!jwt) {
      const header = { alg: 'RS256', typ: 'JWT' };
      const claims = { em: e.method, exp: Math.floor(e.expiresAt / 1000), iss: baseUrl, jti: e.token, sub: e.identityId ?? e.edgeRouterId ?? '' };
      const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const sig = crypto.sign('sha256', Buffer.from(input), signingKey);
      jwt = `${input}.${b64url(sig)}`;
      jwtCache.set(key, jwt);
    }
    return jwt;
  };

  function handle(st: ZitiState, req: SandboxRequest): SandboxResponse {
    const requestId = crypto.randomUUID();
    try {
      return route(st, req);
    } catch (e) {
      if (e instanceof HttpError) {
        return { status: e.status, body: errorEnvelope(e, requestId) };
      }
      return { status: 500, body: errorEnvelope(new HttpError(500, 'UNHANDLED', (e as Error).message), requestId) };
    }
  }

  function route(st: ZitiState, req: SandboxRequest): SandboxResponse {
    const m = req.method;
    let p = req.path.replace(/\/+$/, '') || '/';
    const origin = req.baseUrl;
    if (p === '/.well-known/est/cacerts' || p === BASE_PATH + '/.well-known/est/cacerts') {
      if (m !== 'GET') {
        throw notFound();
      }
      return { status: 200, headers: { 'content-type': 'application/pkcs7-mime' }, body: wrap64(ctx.ca?.pkcs7Base64 ?? '') };
    }
    if ((p === '/version' || p === '/' || p === BASE_PATH + '/version' || p === BASE_PATH) && m === 'GET') {
      return ok(versionView(origin));
    }
    if (!p.startsWith(BASE_PATH + '/')) {
      throw notFound();
    }
    p = p.slice(BASE_PATH.length);
    const base = origin + BASE_PATH;
    const seg = p.split('/').filter(Boolean).map(decodeURIComponent);

    if (p === '/authenticate' && m === 'POST') {
      return authenticate(st, req, base);
    }
    // Everything below needs a valid zt-session.
    const api = authorize(st, req, p === '/authenticate/mfa' || p === '/current-api-session');
    if (p === '/authenticate/mfa' && m === 'POST') {
      const body = parseBody(req);
      if (!api.isMfaRequired || api.isMfaComplete) {
        return ok({});
      }
      if (typeof body.code === 'string' && body.code === MFA_CODE) {
        api.isMfaComplete = true;
        return ok({});
      }
      // The spec documents the empty envelope for a wrong code (api-contracts.md §1.3).
      return { status: 401, body: { data: {}, meta: { ...META } } };
    }
    if (p === '/current-api-session') {
      if (m === 'GET') {
        return ok(currentView(st, api, base));
      }
      if (m === 'DELETE') {
        removeApiSession(st, api.id);
        return ok({});
      }
    }
    switch (seg[0]) {
      case 'sessions': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.sessions.values()], SESSION_FIELDS(st), (s) => sessionView(st, s, base));
        }
        const s = seg[1] ? st.data.sessions.get(seg[1]) : undefined;
        if (seg.length === 2 && m === 'GET') {
          return ok(sessionView(st, must(s, seg[1]), base));
        }
        if (seg.length === 2 && m === 'DELETE') {
          const found = must(s, seg[1]);
          st.data.sessions.delete(found.id);
          st.sessionsByApiSession.get(found.apiSessionId)?.delete(found.id);
          return ok({});
        }
        if (seg.length === 3 && seg[2] === 'route-path' && m === 'GET') {
          return ok({ routePath: [...must(s, seg[1]).routePath] });
        }
        break;
      }
      case 'api-sessions': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.apiSessions.values()], API_SESSION_FIELDS(st), (a) => apiSessionView(st, a, base));
        }
        const a = seg[1] ? st.data.apiSessions.get(seg[1]) : undefined;
        if (seg.length === 2 && m === 'GET') {
          return ok(apiSessionView(st, must(a, seg[1]), base));
        }
        if (seg.length === 2 && m === 'DELETE') {
          removeApiSession(st, must(a, seg[1]).id);
          return ok({});
        }
        break;
      }
      case 'identities': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.identities.values()], IDENTITY_FIELDS(st), (i) => identityView(st, i, base));
        }
        const ident = seg[1] ? st.data.identities.get(seg[1]) : undefined;
        if (seg.length === 2 && m === 'GET') {
          return ok(identityView(st, must(ident, seg[1]), base));
        }
        if (seg.length === 3 && seg[2] === 'enrollments' && m === 'GET') {
          const id = must(ident, seg[1]).id;
          return list(req, [...st.data.enrollments.values()].filter((e) => e.identityId === id), ENROLLMENT_FIELDS(st), (e) => enrollmentView(st, e, base, origin));
        }
        break;
      }
      case 'cas': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.cas.values()], CA_FIELDS, (c) => caView(c, base));
        }
        if (seg.length === 2 && m === 'GET') {
          return ok(caView(must(st.data.cas.get(seg[1]), seg[1]), base));
        }
        break;
      }
      case 'routers': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.routers.values()], ROUTER_FIELDS, (r) => routerView(st, r, base));
        }
        if (seg.length === 2 && m === 'GET') {
          return ok(routerView(st, must(st.data.routers.get(seg[1]), seg[1]), base));
        }
        break;
      }
      case 'edge-routers': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.routers.values()].filter((r) => r.isEdge), ROUTER_FIELDS, (r) => edgeRouterView(st, r, base));
        }
        if (seg.length === 2 && m === 'GET') {
          const r = st.data.routers.get(seg[1]);
          return ok(edgeRouterView(st, must(r && r.isEdge ? r : undefined, seg[1]), base));
        }
        break;
      }
      case 'services': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.services.values()], SERVICE_FIELDS, (x) => serviceView(x, base));
        }
        if (seg.length === 2 && m === 'GET') {
          return ok(serviceView(must(st.data.services.get(seg[1]), seg[1]), base));
        }
        break;
      }
      case 'service-policies': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.servicePolicies.values()], SERVICE_POLICY_FIELDS, (x) => servicePolicyView(st, x, base));
        }
        if (seg.length === 2 && m === 'GET') {
          return ok(servicePolicyView(st, must(st.data.servicePolicies.get(seg[1]), seg[1]), base));
        }
        break;
      }
      case 'enrollments': {
        if (seg.length === 1 && m === 'GET') {
          return list(req, [...st.data.enrollments.values()], ENROLLMENT_FIELDS(st), (e) => enrollmentView(st, e, base, origin));
        }
        if (seg.length === 1 && m === 'POST') {
          return createEnrollment(st, req, base);
        }
        const e = seg[1] ? st.data.enrollments.get(seg[1]) : undefined;
        if (seg.length === 2 && m === 'GET') {
          return ok(enrollmentView(st, must(e, seg[1]), base, origin));
        }
        if (seg.length === 2 && m === 'DELETE') {
          st.data.enrollments.delete(must(e, seg[1]).id);
          return ok({});
        }
        if (seg.length === 3 && seg[2] === 'refresh' && m === 'POST') {
          // The spec documents no 404 for refresh; the real controller answers 404 for an unknown id, so do we.
          const found = must(e, seg[1]);
          const body = parseBody(req);
          const expiresAt = futureDate(body.expiresAt, 'expiresAt');
          found.expiresAt = expiresAt;
          found.token = crypto.randomUUID();
          found.updatedAt = ctx.now();
          return ok({ id: found.id, _links: { self: { href: `${base}/enrollments/${found.id}` } } });
        }
        break;
      }
      default:
        break;
    }
    throw notFound();
  }

  // ------------------------------------------------------------------------------------------------------------
  // Auth

  function authenticate(st: ZitiState, req: SandboxRequest, base: string): SandboxResponse {
    const method = req.query.get('method');
    if (method !== 'password' && method !== 'cert' && method !== 'ext-jwt') {
      throw new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, 'method in query should be one of [password cert ext-jwt]', {
        field: 'method',
        reason: 'method in query should be one of [password cert ext-jwt]',
        value: method ?? '',
      });
    }
    let identity: Identity | undefined;
    let authenticatorId = '';
    if (method === 'password') {
      const body = parseBody(req);
      if (typeof body.username !== 'string' || typeof body.password !== 'string') {
        throw new HttpError(401, 'INVALID_AUTH', MESSAGES.INVALID_AUTH);
      }
      identity = [...st.data.identities.values()].find((i) => i.updbAuthenticator && i.updbAuthenticator.username === body.username && i.updbAuthenticator.password === body.password);
      authenticatorId = identity?.updbAuthenticator?.id ?? '';
    } else if (method === 'cert') {
      if (req.body.length > 0) {
        parseBody(req);
      }
      const cert = req.clientCert;
      if (cert && cert.authorized) {
        identity = [...st.data.identities.values()].find((i) => i.name === cert.subjectCN);
        if (identity) {
          identity.certAuthenticator ??= { id: crypto.randomUUID().slice(0, 9), fingerprint: cert.sha256Fingerprint.replace(/:/g, '').toLowerCase() };
          authenticatorId = identity.certAuthenticator.id;
        }
      }
    }
    if (!identity || identity.disabled) {
      throw new HttpError(401, 'INVALID_AUTH', MESSAGES.INVALID_AUTH);
    }
    const now = ctx.now();
    const a: ApiSession = {
      id: 'c' + crypto.randomBytes(12).toString('hex').slice(0, 24),
      token: crypto.randomUUID(),
      identityId: identity.id,
      authenticatorId,
      ipAddress: req.remoteAddress ?? '127.0.0.1',
      configTypes: [],
      isMfaRequired: identity.isMfaEnabled,
      isMfaComplete: false,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
      interactive: true,
    };
    st.data.apiSessions.set(a.id, a);
    st.sessionsByApiSession.set(a.id, new Set());
    st.tokens.set(a.token, a.id);
    return ok(currentView(st, a, base));
  }

  function authorize(st: ZitiState, req: SandboxRequest, allowPartial: boolean): ApiSession {
    const token = req.headers['zt-session'];
    const id = token ? st.tokens.get(token) : undefined;
    const a = id ? st.data.apiSessions.get(id) : undefined;
    if (!a) {
      throw new HttpError(401, 'UNAUTHORIZED', MESSAGES.UNAUTHORIZED);
    }
    const now = ctx.now();
    if (a.interactive && now > a.lastActivityAt + st.inactivitySeconds * 1000) {
      removeApiSession(st, a.id);
      throw new HttpError(401, 'UNAUTHORIZED', MESSAGES.UNAUTHORIZED, 'the API session has expired');
    }
    const ident = st.data.identities.get(a.identityId);
    if (!ident || !ident.isAdmin) {
      throw new HttpError(401, 'UNAUTHORIZED', MESSAGES.UNAUTHORIZED, 'the identity is not an administrator');
    }
    if (a.isMfaRequired && !a.isMfaComplete && !allowPartial) {
      throw new HttpError(401, 'UNAUTHORIZED', MESSAGES.UNAUTHORIZED, 'MFA is required: POST /authenticate/mfa');
    }
    a.lastActivityAt = now;
    a.updatedAt = now;
    return a;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Enrollments

  function createEnrollment(st: ZitiState, req: SandboxRequest, base: string): SandboxResponse {
    const body = parseBody(req);
    const invalid = (field: string, reason: string, value: unknown): HttpError =>
      new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, `${field}: ${reason}`, { field, reason, value: value ?? null });
    const method = body.method;
    if (method !== 'ott' && method !== 'ottca' && method !== 'updb') {
      throw invalid('method', 'method must be one of [ott ottca updb]', method);
    }
    if (typeof body.identityId !== 'string' || !body.identityId) {
      throw invalid('identityId', 'identityId is required', body.identityId);
    }
    const identity = st.data.identities.get(body.identityId);
    if (!identity) {
      throw invalid('identityId', 'no identity with this id', body.identityId);
    }
    const expiresAt = futureDate(body.expiresAt, 'expiresAt');
    let caId: string | undefined;
    let username: string | undefined;
    if (method === 'ottca') {
      if (typeof body.caId !== 'string' || !body.caId) {
        throw invalid('caId', 'caId is required for ottca enrollments', body.caId);
      }
      const ca = st.data.cas.get(body.caId);
      if (!ca) {
        throw invalid('caId', 'no CA with this id', body.caId);
      }
      if (!ca.isOttCaEnrollmentEnabled) {
        throw invalid('caId', 'the CA does not allow OTT CA enrollment (isOttCaEnrollmentEnabled is false)', body.caId);
      }
      caId = ca.id;
    }
    if (method === 'updb') {
      if (typeof body.username !== 'string' || !body.username.trim()) {
        throw invalid('username', 'username is required for updb enrollments', body.username);
      }
      username = body.username;
    }
    for (const e of st.data.enrollments.values()) {
      if (e.identityId === identity.id && e.method === method) {
        throw new HttpError(409, 'CONFLICT', MESSAGES.CONFLICT, `an outstanding ${method} enrollment (${e.id}) already exists for identity ${identity.id}; refresh or delete it`);
      }
    }
    const now = ctx.now();
    const e: Enrollment = { id: crypto.randomUUID(), method, token: crypto.randomUUID(), expiresAt, identityId: identity.id, caId, username, createdAt: now, updatedAt: now };
    st.data.enrollments.set(e.id, e);
    return { status: 201, body: { data: { id: e.id, _links: { self: { href: `${base}/enrollments/${e.id}` } } }, meta: { ...META } } };
  }

  function futureDate(v: unknown, field: string): number {
    const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) {
      throw new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, `${field} must be an RFC 3339 date-time`, { field, reason: 'must be a date-time', value: v ?? null });
    }
    if (t <= ctx.now()) {
      throw new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, `${field} must be in the future`, { field, reason: 'must be in the future', value: v });
    }
    return t;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Views

  function link(base: string, path: string): { href: string } {
    return { href: `${base}/${path}` };
  }
  function ref(base: string, entity: string, id: string, name: string): Record<string, unknown> {
    return { _links: { self: link(base, `${entity}/${id}`) }, entity, id, name };
  }
  function baseView(base: string, entity: string, e: { id: string; createdAt: number; updatedAt?: number }): Record<string, unknown> {
    return { id: e.id, createdAt: iso(e.createdAt), updatedAt: iso(e.updatedAt ?? e.createdAt), _links: { self: link(base, `${entity}/${e.id}`) }, tags: {} };
  }

  function versionView(origin: string): Record<string, unknown> {
    return {
      version: 'v1.2.3',
      revision: 'ea556fc18740',
      buildDate: '2025-05-01 16:09:08',
      runtimeVersion: 'go1.22.7',
      capabilities: ['HA_CONTROLLER'],
      apiVersions: {
        'edge-management': { v1: { path: BASE_PATH, version: '0.0.1', apiBaseUrls: [origin + BASE_PATH] } },
      },
    };
  }

  function identityName(st: ZitiState, id: string): string {
    return st.data.identities.get(id)?.name ?? '';
  }

  function apiSessionView(st: ZitiState, a: ApiSession, base: string): Record<string, unknown> {
    const pendingMfa = a.isMfaRequired && !a.isMfaComplete;
    return {
      ...baseView(base, 'api-sessions', a),
      token: a.token,
      identityId: a.identityId,
      identity: ref(base, 'identities', a.identityId, identityName(st, a.identityId)),
      authenticatorId: a.authenticatorId,
      ipAddress: a.ipAddress,
      configTypes: [...a.configTypes],
      authQueries: pendingMfa
        ? [{ typeId: 'MFA', provider: 'ziti', format: 'numeric', httpMethod: 'POST', httpUrl: './authenticate/mfa', minLength: 4, maxLength: 6, isTotpEnrolled: true }]
        : [],
      isMfaRequired: a.isMfaRequired,
      isMfaComplete: a.isMfaComplete,
      isCertExtendable: false,
      isCertExtendRequested: false,
      isCertKeyRollRequested: false,
      improperClientCertChain: false,
      lastActivityAt: iso(a.lastActivityAt),
      cachedLastActivityAt: iso(a.lastActivityAt),
      // The spec's `required` lists `cachedUpdatedAt`, a field it never defines (api-contracts.md §1.3): emit a
      // harmless copy so strict validators pass.
      cachedUpdatedAt: iso(a.updatedAt),
    };
  }

  function currentView(st: ZitiState, a: ApiSession, base: string): Record<string, unknown> {
    const expiresAt = a.lastActivityAt + st.inactivitySeconds * 1000;
    return {
      ...apiSessionView(st, a, base),
      _links: { self: link(base, 'current-api-session') },
      expiresAt: iso(expiresAt),
      expirationSeconds: Math.max(0, Math.round((expiresAt - ctx.now()) / 1000)),
    };
  }

  function sessionEdgeRouterView(r: Router): Record<string, unknown> {
    const addr = `tls://${r.hostname}:3022`;
    return {
      name: r.name,
      hostname: r.hostname,
      isOnline: r.isOnline,
      disabled: false,
      syncStatus: r.isOnline ? 'SYNC_DONE' : 'SYNC_DISCONNECTED',
      cost: 0,
      noTraversal: false,
      supportedProtocols: { tls: addr },
      urls: { tls: addr },
      appData: {},
    };
  }

  function sessionView(st: ZitiState, s: Session, base: string): Record<string, unknown> {
    const service = st.data.services.get(s.serviceId);
    return {
      ...baseView(base, 'sessions', s),
      type: s.type,
      token: s.token,
      apiSessionId: s.apiSessionId,
      apiSession: ref(base, 'api-sessions', s.apiSessionId, ''),
      identityId: s.identityId,
      serviceId: s.serviceId,
      service: ref(base, 'services', s.serviceId, service?.name ?? ''),
      edgeRouters: s.edgeRouterIds.map((id) => st.data.routers.get(id)).filter((r): r is Router => !!r).map(sessionEdgeRouterView),
      servicePolicies: s.servicePolicyIds.map((id) => ref(base, 'service-policies', id, st.data.servicePolicies.get(id)?.name ?? '')),
    };
  }

  function identityView(st: ZitiState, i: Identity, base: string): Record<string, unknown> {
    const enrollment: Record<string, unknown> = {};
    for (const e of st.data.enrollments.values()) {
      if (e.identityId !== i.id) {
        continue;
      }
      const common = { id: e.id, jwt: enrollmentJwt(e, base.slice(0, -BASE_PATH.length)), token: e.token, expiresAt: iso(e.expiresAt) };
      if (e.method === 'ottca' && e.caId) {
        enrollment.ottca = { ...common, caId: e.caId, ca: ref(base, 'cas', e.caId, st.data.cas.get(e.caId)?.name ?? '') };
      } else if (e.method === 'ott' || e.method === 'updb') {
        enrollment[e.method] = common;
      }
    }
    const authenticators: Record<string, unknown> = {};
    if (i.certAuthenticator) {
      authenticators.cert = { ...i.certAuthenticator };
    }
    if (i.updbAuthenticator) {
      authenticators.updb = { id: i.updbAuthenticator.id, username: i.updbAuthenticator.username };
    }
    const hasApiSession = [...st.data.apiSessions.values()].some((a) => a.identityId === i.id);
    return {
      ...baseView(base, 'identities', i),
      name: i.name,
      typeId: i.typeId,
      type: ref(base, 'identity-types', i.typeId, i.typeId),
      isAdmin: i.isAdmin,
      isDefaultAdmin: i.isDefaultAdmin,
      disabled: i.disabled,
      disabledAt: i.disabled ? iso(i.updatedAt) : null,
      disabledUntil: null,
      hasApiSession,
      hasEdgeRouterConnection: i.hasEdgeRouterConnection && hasApiSession,
      edgeRouterConnectionStatus: i.hasEdgeRouterConnection && hasApiSession ? 'online' : 'offline',
      isMfaEnabled: i.isMfaEnabled,
      roleAttributes: [...i.roleAttributes],
      externalId: i.externalId,
      authPolicyId: 'default',
      authPolicy: ref(base, 'auth-policies', 'default', 'Default'),
      authenticators,
      enrollment,
      envInfo: { ...i.envInfo },
      sdkInfo: { ...i.sdkInfo },
      appData: {},
      defaultHostingCost: 0,
      defaultHostingPrecedence: 'default',
      serviceHostingCosts: {},
      serviceHostingPrecedences: {},
      permissions: i.isAdmin ? [] : null,
    };
  }

  function caView(c: ZitiData['cas'] extends Map<string, infer C> ? C : never, base: string): Record<string, unknown> {
    return {
      ...baseView(base, 'cas', c),
      name: c.name,
      fingerprint: c.fingerprint,
      certPem: ctx.ca?.pem ?? '',
      isVerified: c.isVerified,
      isOttCaEnrollmentEnabled: c.isOttCaEnrollmentEnabled,
      isAutoCaEnrollmentEnabled: c.isAutoCaEnrollmentEnabled,
      isAuthEnabled: c.isAuthEnabled,
      identityRoles: [...c.identityRoles],
      identityNameFormat: c.identityNameFormat,
      verificationToken: c.verificationToken,
    };
  }

  function serviceView(x: Service, base: string): Record<string, unknown> {
    return {
      ...baseView(base, 'services', x),
      name: x.name,
      maxIdleTimeMillis: 0,
      terminatorStrategy: 'smartrouting',
      roleAttributes: [],
      permissions: ['Dial', 'Bind'],
      configs: [],
      config: {},
      encryptionRequired: true,
      postureQueries: [],
    };
  }

  function servicePolicyView(st: ZitiState, x: ServicePolicy, base: string): Record<string, unknown> {
    const svc = st.data.services.get(x.serviceId);
    return {
      ...baseView(base, 'service-policies', x),
      name: x.name,
      type: x.type,
      semantic: 'AnyOf',
      serviceRoles: [`@${x.serviceId}`],
      serviceRolesDisplay: [{ role: `@${x.serviceId}`, name: `@${svc?.name ?? x.serviceId}` }],
      identityRoles: [`#${x.identityRole}`],
      identityRolesDisplay: [{ role: `#${x.identityRole}`, name: `#${x.identityRole}` }],
      postureCheckRoles: [],
      postureCheckRolesDisplay: [],
    };
  }

  function pendingRouterEnrollment(st: ZitiState, r: Router): Enrollment | undefined {
    for (const e of st.data.enrollments.values()) {
      if (e.edgeRouterId === r.id) {
        return e;
      }
    }
    return undefined;
  }

  function routerView(st: ZitiState, r: Router, base: string): Record<string, unknown> {
    const e = pendingRouterEnrollment(st, r);
    return {
      ...baseView(base, 'routers', r),
      name: r.name,
      isVerified: !e,
      isOnline: r.isOnline,
      fingerprint: r.fingerprint,
      cost: 0,
      noTraversal: false,
      disabled: false,
      enrollmentCreatedAt: e ? iso(e.createdAt) : null,
      enrollmentExpiresAt: e ? iso(e.expiresAt) : null,
      enrollmentJwt: e ? enrollmentJwt(e, base.slice(0, -BASE_PATH.length)) : null,
      enrollmentToken: e ? e.token : null,
      unverifiedCertPem: null,
      unverifiedFingerprint: null,
    };
  }

  function edgeRouterView(st: ZitiState, r: Router, base: string): Record<string, unknown> {
    const versionInfo = { os: 'linux', arch: 'amd64', version: 'v1.2.3', revision: 'ea556fc18740', buildDate: '2025-05-01 16:09:08' };
    return {
      ...routerView(st, r, base),
      _links: { self: link(base, `edge-routers/${r.id}`) },
      ...sessionEdgeRouterView(r),
      roleAttributes: [...r.roleAttributes],
      isTunnelerEnabled: false,
      certPem: null,
      versionInfo,
      // edgeRouterDetail's `required` lists os/version/arch/buildDate/revision at the top level although they are only
      // defined inside versionInfo (spec drift, like cachedUpdatedAt/details; api-contracts.md §1.9): emit copies.
      ...versionInfo,
    };
  }

  function enrollmentView(st: ZitiState, e: Enrollment, base: string, origin: string): Record<string, unknown> {
    const v: Record<string, unknown> = {
      ...baseView(base, 'enrollments', e),
      method: e.method,
      token: e.token,
      expiresAt: iso(e.expiresAt),
      jwt: enrollmentJwt(e, origin),
      caId: e.caId ?? null,
      // enrollmentDetail's `required` lists `details`, which the spec never defines (api-contracts.md §1.6):
      // emit a harmless empty object so strict validators pass.
      details: {},
    };
    if (e.identityId) {
      v.identityId = e.identityId;
      v.identity = ref(base, 'identities', e.identityId, identityName(st, e.identityId));
    }
    if (e.edgeRouterId) {
      v.edgeRouterId = e.edgeRouterId;
      v.edgeRouter = ref(base, 'edge-routers', e.edgeRouterId, st.data.routers.get(e.edgeRouterId)?.name ?? '');
    }
    if (e.username !== undefined) {
      v.username = e.username;
    }
    return v;
  }

  return backend;
}

// --------------------------------------------------------------------------------------------------------------
// Helpers shared by the handlers.

function ok(data: unknown): SandboxResponse {
  return { status: 200, body: { data, meta: { ...META } } };
}

function notFound(id?: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', MESSAGES.NOT_FOUND, '', {}, id ? { id } : {});
}

function must<T>(v: T | undefined, id: string): T {
  if (!v) {
    throw notFound(id);
  }
  return v;
}

function errorEnvelope(e: HttpError, requestId: string = crypto.randomUUID()): Record<string, unknown> {
  return {
    error: {
      code: e.code,
      message: e.message,
      causeMessage: e.causeMessage,
      // `cause` is an object in the spec (apiErrorCause: apiFieldError + apiError); `{}` when there is none.
      cause: e.cause,
      args: { urlVars: e.urlVars },
      requestId,
    },
    meta: { ...META },
  };
}

function wrap64(b64: string): string {
  return (b64.match(/.{1,64}/g) ?? []).join('\n') + '\n';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parseBody(req: SandboxRequest): Record<string, any> {
  const text = req.body.toString('utf8').trim();
  if (!text) {
    return {};
  }
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return v;
    }
  } catch {
    // fall through
  }
  throw new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, 'the request body is not a JSON object', { field: '(root)', reason: 'invalid JSON', value: text.slice(0, 100) });
}

function removeApiSession(st: ZitiState, id: string): void {
  const a = st.data.apiSessions.get(id);
  if (!a) {
    return;
  }
  for (const sid of st.sessionsByApiSession.get(id) ?? []) {
    st.data.sessions.delete(sid);
  }
  st.sessionsByApiSession.delete(id);
  st.data.apiSessions.delete(id);
  st.tokens.delete(a.token);
}

/** Lists with `limit` (default 10, max 500), `offset`, and a ZitiQL `filter` (whose skip/limit win). */
function list<T extends Entity>(req: SandboxRequest, items: T[], fields: FieldMap<T>, view: (e: T) => unknown): SandboxResponse {
  const intParam = (name: string): number | undefined => {
    const raw = req.query.get(name);
    if (raw === null || raw === '') {
      return undefined;
    }
    if (!/^-?\d+$/.test(raw)) {
      throw new HttpError(400, 'COULD_NOT_VALIDATE', MESSAGES.COULD_NOT_VALIDATE, `${name} in query must be of type int64: "${raw}"`, { field: name, reason: 'must be of type int64', value: raw });
    }
    return Number(raw);
  };
  let limit = intParam('limit');
  let offset = intParam('offset');
  const filter = req.query.get('filter');
  let result = items;
  if (filter && filter.trim()) {
    let compiled;
    try {
      compiled = compileQuery(parseZitiQl(filter), fields);
    } catch (e) {
      if (e instanceof ZitiQlError) {
        throw new HttpError(400, 'INVALID_FILTER', MESSAGES.INVALID_FILTER, e.message, { field: 'filter', reason: e.message, value: filter });
      }
      throw e;
    }
    result = items.filter(compiled.predicate);
    if (compiled.compare) {
      result.sort(compiled.compare);
    }
    if (compiled.skip !== undefined) {
      offset = compiled.skip;
    }
    if (compiled.limit !== undefined) {
      limit = compiled.limit === null ? MAX_LIMIT : compiled.limit;
    }
  }
  limit = limit === undefined || limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
  offset = Math.min(Math.max(0, offset ?? 0), MAX_OFFSET);
  const page = result.slice(offset, offset + limit).map(view);
  return {
    status: 200,
    body: {
      data: page,
      meta: { ...META, filterableFields: Object.keys(fields), pagination: { limit, offset, totalCount: result.length } },
    },
  };
}

// --------------------------------------------------------------------------------------------------------------
// Filterable fields per collection.

const base = <T extends { id: string; createdAt: number; updatedAt?: number }>(): FieldMap<T> => ({
  id: { type: 'string', get: (e) => e.id },
  createdAt: { type: 'datetime', get: (e) => e.createdAt },
  updatedAt: { type: 'datetime', get: (e) => e.updatedAt ?? e.createdAt },
});

const SESSION_FIELDS = (st: ZitiState): FieldMap<Session> => ({
  ...base<Session>(),
  type: { type: 'string', get: (s) => s.type },
  serviceId: { type: 'string', get: (s) => s.serviceId },
  'service.name': { type: 'string', get: (s) => st.data.services.get(s.serviceId)?.name },
  identityId: { type: 'string', get: (s) => s.identityId },
  'identity.name': { type: 'string', get: (s) => st.data.identities.get(s.identityId)?.name },
  apiSessionId: { type: 'string', get: (s) => s.apiSessionId },
  'apiSession.identity.name': { type: 'string', get: (s) => st.data.identities.get(s.identityId)?.name },
  'apiSession.identityId': { type: 'string', get: (s) => s.identityId },
});

const API_SESSION_FIELDS = (st: ZitiState): FieldMap<ApiSession> => ({
  ...base<ApiSession>(),
  identityId: { type: 'string', get: (a) => a.identityId },
  'identity.name': { type: 'string', get: (a) => st.data.identities.get(a.identityId)?.name },
  ipAddress: { type: 'string', get: (a) => a.ipAddress },
  authenticatorId: { type: 'string', get: (a) => a.authenticatorId },
  lastActivityAt: { type: 'datetime', get: (a) => a.lastActivityAt },
  isMfaRequired: { type: 'bool', get: (a) => a.isMfaRequired },
  isMfaComplete: { type: 'bool', get: (a) => a.isMfaComplete },
});

const IDENTITY_FIELDS = (st: ZitiState): FieldMap<Identity> => ({
  ...base<Identity>(),
  name: { type: 'string', get: (i) => i.name },
  type: { type: 'string', get: (i) => i.typeId },
  typeId: { type: 'string', get: (i) => i.typeId },
  isAdmin: { type: 'bool', get: (i) => i.isAdmin },
  isDefaultAdmin: { type: 'bool', get: (i) => i.isDefaultAdmin },
  isMfaEnabled: { type: 'bool', get: (i) => i.isMfaEnabled },
  disabled: { type: 'bool', get: (i) => i.disabled },
  externalId: { type: 'string', get: (i) => i.externalId },
  authPolicyId: { type: 'string', get: () => 'default' },
  hasApiSession: { type: 'bool', get: (i) => [...st.data.apiSessions.values()].some((a) => a.identityId === i.id) },
});

const CA_FIELDS: FieldMap<ZitiData['cas'] extends Map<string, infer C> ? C : never> = {
  ...base(),
  name: { type: 'string', get: (c) => c.name },
  fingerprint: { type: 'string', get: (c) => c.fingerprint },
  isVerified: { type: 'bool', get: (c) => c.isVerified },
  isOttCaEnrollmentEnabled: { type: 'bool', get: (c) => c.isOttCaEnrollmentEnabled },
  isAutoCaEnrollmentEnabled: { type: 'bool', get: (c) => c.isAutoCaEnrollmentEnabled },
  isAuthEnabled: { type: 'bool', get: (c) => c.isAuthEnabled },
};

const ROUTER_FIELDS: FieldMap<Router> = {
  ...base<Router>(),
  name: { type: 'string', get: (r) => r.name },
  isOnline: { type: 'bool', get: (r) => r.isOnline },
  hostname: { type: 'string', get: (r) => r.hostname },
  fingerprint: { type: 'string', get: (r) => r.fingerprint },
};

const SERVICE_FIELDS: FieldMap<Service> = {
  ...base<Service>(),
  name: { type: 'string', get: (x) => x.name },
};

const SERVICE_POLICY_FIELDS: FieldMap<ServicePolicy> = {
  ...base<ServicePolicy>(),
  name: { type: 'string', get: (x) => x.name },
  type: { type: 'string', get: (x) => x.type },
};

const ENROLLMENT_FIELDS = (st: ZitiState): FieldMap<Enrollment> => ({
  ...base<Enrollment>(),
  method: { type: 'string', get: (e) => e.method },
  token: { type: 'string', get: (e) => e.token },
  expiresAt: { type: 'datetime', get: (e) => e.expiresAt },
  identityId: { type: 'string', get: (e) => e.identityId },
  'identity.name': { type: 'string', get: (e) => (e.identityId ? st.data.identities.get(e.identityId)?.name : undefined) },
  edgeRouterId: { type: 'string', get: (e) => e.edgeRouterId },
  'edgeRouter.name': { type: 'string', get: (e) => (e.edgeRouterId ? st.data.routers.get(e.edgeRouterId)?.name : undefined) },
  transitRouterId: { type: 'string', get: () => undefined },
  caId: { type: 'string', get: (e) => e.caId },
  username: { type: 'string', get: (e) => e.username },
});
