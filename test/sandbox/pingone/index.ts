// PingOne emulator: the auth host (`POST /{envId}/as/token`) and the Management API (`/v1/...`) on one server; their
// paths do not collide. Test infrastructure only, never bundled into the extension.
//
// Contract: shared/reference/api-contracts.md §2 and the PingOne management spec (readAllEnvironments,
// readOneEnvironment, readAllUsers, readUser). PingOne's spec declares the three user-session operations but gives
// their 200 responses NO schema, so the session body follows api-contracts.md §2.6 (Ping's "User Sessions" docs)
// exactly: no expiry field (PingOne exposes none; clients derive staleness from `activeAt`).

import { createHmac, randomBytes, randomUUID } from 'crypto';
import type { Backend, BackendContext, SandboxRequest, SandboxResponse } from '../types';
import {
  generate,
  generateSessions,
  iso,
  P1Data,
  P1Environment,
  P1Session,
  P1User,
  P1WorkerApp,
} from './data';
import { FilterError, FilterNode, FilterProfile, matchFilter, parseFilter } from './filter';

export interface PingOneState {
  /** Lifetime of issued access tokens (default 3600 s, like PingOne). */
  tokenLifetimeSeconds: number;
  /** When set, at most `requests` Management API calls per `perSeconds`; excess calls get 429 + Retry-After. */
  rateLimit: { requests: number; perSeconds: number } | null;
  data: P1Data;
  /** Issued access tokens: token -> client id + expiry (ms). */
  tokens: Map<string, { clientId: string; expiresAt: number }>;
  /** Sessions already materialised (lazily) per user id; deletions are applied here. */
  sessions: Map<string, P1Session[]>;
  /** Timestamps (ms) of recent API calls, for the rate limit. */
  calls: number[];
  /**
   * Users (ids; '*' for every user) whose sessions no worker app may delete: DELETE answers 403 ACCESS_FAILED naming
   * the role it lacks, as a worker app with a read-only role (or one scoped to another population) gets.
   */
  sessionDeleteForbidden: Set<string>;
}

const USER_FILTER: FilterProfile = {
  attributes: {
    id: ['eq'],
    username: ['eq', 'sw', 'co'],
    email: ['eq', 'sw', 'ew', 'co'],
    'name.given': ['eq', 'sw', 'ew', 'co'],
    'name.family': ['eq', 'sw', 'ew', 'co'],
    'population.id': ['eq'],
    externalid: ['eq', 'sw'],
  },
  allowOr: true,
  allowParens: true,
};

const ENV_FILTER: FilterProfile = {
  attributes: { name: ['sw', 'eq'], id: ['eq'], 'organization.id': ['eq'], 'license.id': ['eq'] },
  allowOr: false,
  allowParens: false,
};

const DEFAULT_LIMIT = 100;

interface P1ErrorDetail {
  code: string;
  target?: string;
  message: string;
  innerError?: Record<string, unknown>;
}

function p1Error(status: number, code: string, message: string, details?: P1ErrorDetail[]): SandboxResponse {
  const body: Record<string, unknown> = { id: randomUUID(), code, message };
  if (details && details.length) {
    body.details = details;
  }
  return { status, body };
}

const NOT_FOUND_MSG = 'The requested resource was not found.';

function oauthError(status: number, error: string, description: string): SandboxResponse {
  const headers: Record<string, string> = {};
  if (status === 401) {
    headers['www-authenticate'] = 'Basic realm="PingOne"';
  }
  return { status, headers, body: { error, error_description: description } };
}

/** Telemetry header sanitising per api-contracts.md §2.3. */
function sanitizeTelemetry(v: string | undefined): string | undefined {
  if (v === undefined || v === '') {
    return undefined;
  }
  return v.slice(0, 100).replace(/[^\p{L}\p{M}\p{N}._\-/@=#+]/gu, '_');
}

function parseForm(req: SandboxRequest): URLSearchParams {
  const text = req.body.toString('utf8');
  const ct = req.headers['content-type'] ?? '';
  if (ct.includes('application/json')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(obj)) {
        p.set(k, String(v));
      }
      return p;
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

function encodeCursor(c: { o: number; l: number; f?: string }): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}
function decodeCursor(s: string): { o: number; l: number; f?: string } | undefined {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { o: unknown; l: unknown; f?: unknown };
    if (typeof c.o === 'number' && typeof c.l === 'number' && c.o >= 0 && c.l >= 1) {
      return { o: c.o, l: c.l, f: typeof c.f === 'string' ? c.f : undefined };
    }
  } catch {
    // fall through
  }
  return undefined;
}

export function create(ctx: BackendContext): Backend<PingOneState> {
  const signingKey = randomBytes(32);

  function fresh(): PingOneState {
    return {
      tokenLifetimeSeconds: 3600,
      rateLimit: null,
      data: generate(ctx.seed, ctx.sizes, ctx.now()),
      tokens: new Map(),
      sessions: new Map(),
      calls: [],
      sessionDeleteForbidden: new Set(),
    };
  }

  const backend: Backend<PingOneState> & {
    errorBody(status: number, code: string, message: string): unknown;
  } = {
    name: 'pingone',
    tls: 'none',
    state: fresh(),
    handle(req) {
      const res = route(req);
      const headers: Record<string, string> = { ...(res.headers ?? {}) };
      headers['x-ping-external-transaction-id'] =
        sanitizeTelemetry(req.headers['x-ping-external-transaction-id']) ?? randomUUID();
      headers['x-ping-external-session-id'] = sanitizeTelemetry(req.headers['x-ping-external-session-id']) ?? randomUUID();
      if (res.body !== undefined && !headers['content-type']) {
        headers['content-type'] = 'application/json';
      }
      return { ...res, headers };
    },
    reset() {
      this.state = fresh();
    },
    expireAllTokens() {
      this.state.tokens.clear();
    },
    describe(baseUrl?: string) {
      const d = this.state.data;
      const origin = baseUrl ?? '';
      const [basic, post, none] = d.apps;
      const restricted = d.environments[d.environments.length - 1];
      return {
        url: `${origin}/v1`,
        urls: {
          apiBase: `${origin}/v1`,
          authBase: origin,
          tokenUrl: `${origin}/${d.adminEnvId}/as/token`,
        },
        credentials: {
          environmentId: d.adminEnvId,
          basicClientId: basic.id,
          basicClientSecret: basic.secret,
          postClientId: post.id,
          postClientSecret: post.secret,
          noRolesClientId: none.id,
          noRolesClientSecret: none.secret,
        },
        notes: [
          'One server serves both the auth host (POST /{environmentId}/as/token) and the API host (/v1/...).',
          `"${basic.name}" authenticates with CLIENT_SECRET_BASIC and has roles in every environment except "${restricted.name}" (${restricted.id}).`,
          `"${post.name}" authenticates with CLIENT_SECRET_POST (client_id/client_secret in the form body) and has roles in every environment.`,
          `"${none.name}" (CLIENT_SECRET_BASIC) has no role assignments: it sees no environments and gets 403 everywhere.`,
          `Environments: ${d.environments.map((e) => `${e.name} (${(d.userCounts.get(e.id) ?? 0).toLocaleString('en-US')} users)`).join(', ')}.`,
          'The first user of every environment has a session that changes country within 35 minutes (the session trail warns).',
          "state.sessionDeleteForbidden (user ids, or '*') makes DELETE of those users' sessions answer 403 ACCESS_FAILED.",
          'Access tokens last state.tokenLifetimeSeconds (3600 s); state.rateLimit = {requests, perSeconds} enables 429s.',
        ],
      };
    },
    errorBody(status: number, code: string, message: string) {
      // PingOne's own codes: REQUEST_LIMITED (429); UNEXPECTED_ERROR is the one the SDK retries (500/503).
      const mapped = status === 429 ? 'REQUEST_LIMITED' : status >= 500 ? 'UNEXPECTED_ERROR' : code;
      return { id: randomUUID(), code: mapped, message };
    },
  };

  function now(): number {
    return ctx.now();
  }

  // ---------------------------------------------------------------- auth host

  function token(req: SandboxRequest, envId: string): SandboxResponse {
    const st = backend.state;
    const env = st.data.environments.find((e) => e.id === envId);
    if (!env) {
      return p1Error(404, 'NOT_FOUND', 'The requested environment could not be found.');
    }
    if (req.method !== 'POST') {
      return oauthError(405, 'invalid_request', 'The token endpoint only accepts POST');
    }
    const form = parseForm(req);
    let basicId: string | undefined;
    let basicSecret: string | undefined;
    const auth = req.headers.authorization;
    if (auth && /^basic /i.test(auth)) {
      const dec = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i < 0) {
        return oauthError(401, 'invalid_client', 'Request denied: Malformed Basic authorization header');
      }
      basicId = decodeURIComponent(dec.slice(0, i));
      basicSecret = decodeURIComponent(dec.slice(i + 1));
    }
    const postId = form.get('client_id') ?? undefined;
    const postSecret = form.get('client_secret') ?? undefined;
    const clientId = basicId ?? postId;
    if (!clientId) {
      return oauthError(401, 'invalid_client', 'Request denied: No client authentication was provided');
    }
    const app = st.data.apps.find((a) => a.id === clientId && a.environmentId === envId);
    if (!app) {
      return oauthError(401, 'invalid_client', 'Request denied: Unknown client');
    }
    const usedBasic = basicId !== undefined;
    if (usedBasic && app.tokenEndpointAuthMethod !== 'CLIENT_SECRET_BASIC') {
      return oauthError(401, 'invalid_client', 'Request denied: Unsupported authentication method (expected CLIENT_SECRET_POST)');
    }
    if (!usedBasic && app.tokenEndpointAuthMethod !== 'CLIENT_SECRET_POST') {
      return oauthError(401, 'invalid_client', 'Request denied: Unsupported authentication method (expected CLIENT_SECRET_BASIC)');
    }
    const secret = usedBasic ? basicSecret : postSecret;
    if (secret !== app.secret) {
      return oauthError(401, 'invalid_client', 'Request denied: Invalid client credentials');
    }
    const grant = form.get('grant_type');
    if (!grant) {
      return oauthError(400, 'invalid_request', 'The request is missing the grant_type parameter');
    }
    if (grant !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
    }
    const lifetime = Math.max(1, Math.floor(st.tokenLifetimeSeconds));
    const iat = Math.floor(now() / 1000);
    const header = { alg: 'HS256', typ: 'JWT', kid: 'sandbox' };
    const payload = {
      client_id: app.id,
      iss: `${req.baseUrl}/${envId}/as`,
      iat,
      exp: iat + lifetime,
      aud: [`${req.baseUrl}/v1`],
      env: envId,
      org: st.data.environments[0].organizationId,
      jti: randomUUID(),
    };
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64(header)}.${b64(payload)}`;
    const jwt = `${unsigned}.${createHmac('sha256', signingKey).update(unsigned).digest('base64url')}`;
    st.tokens.set(jwt, { clientId: app.id, expiresAt: now() + lifetime * 1000 });
    return {
      status: 200,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
      body: { access_token: jwt, token_type: 'Bearer', expires_in: lifetime },
    };
  }

  // ---------------------------------------------------------------- API host

  function authenticate(req: SandboxRequest): P1WorkerApp | SandboxResponse {
    const st = backend.state;
    const auth = req.headers.authorization;
    if (!auth || !/^bearer /i.test(auth)) {
      return p1Error(401, 'ACCESS_FAILED', 'The request could not be completed. The request is missing a bearer access token.');
    }
    const tok = auth.slice(7).trim();
    const rec = st.tokens.get(tok);
    if (!rec) {
      return p1Error(401, 'INVALID_TOKEN', 'The request could not be completed. The access token is invalid.');
    }
    if (now() >= rec.expiresAt) {
      st.tokens.delete(tok);
      return p1Error(401, 'INVALID_TOKEN', 'The request could not be completed. The access token has expired.');
    }
    const app = st.data.apps.find((a) => a.id === rec.clientId);
    if (!app) {
      return p1Error(401, 'INVALID_TOKEN', 'The request could not be completed. The access token is invalid.');
    }
    return app;
  }

  function rateLimited(): SandboxResponse | undefined {
    const st = backend.state;
    const rl = st.rateLimit;
    if (!rl || rl.requests <= 0 || rl.perSeconds <= 0) {
      return undefined;
    }
    const t = now();
    const windowMs = rl.perSeconds * 1000;
    st.calls = st.calls.filter((c) => c > t - windowMs);
    if (st.calls.length >= rl.requests) {
      const retryAfter = Math.max(1, Math.ceil((st.calls[0] + windowMs - t) / 1000));
      const res = p1Error(429, 'REQUEST_LIMITED', 'The request could not be completed. You have exceeded your request rate limit.');
      res.headers = { 'retry-after': String(retryAfter) };
      return res;
    }
    st.calls.push(t);
    return undefined;
  }

  function canSee(app: P1WorkerApp, envId: string): boolean {
    return app.rights === 'all' || app.rights.has(envId);
  }

  function forbidden(): SandboxResponse {
    return p1Error(403, 'ACCESS_FAILED', 'The request could not be completed. You do not have access to this resource.');
  }

  function envJson(base: string, e: P1Environment): Record<string, unknown> {
    return {
      _links: {
        self: { href: `${base}/v1/environments/${e.id}` },
        organization: { href: `${base}/v1/organizations/${e.organizationId}` },
        license: { href: `${base}/v1/organizations/${e.organizationId}/licenses/${e.licenseId}` },
        populations: { href: `${base}/v1/environments/${e.id}/populations` },
        users: { href: `${base}/v1/environments/${e.id}/users` },
      },
      id: e.id,
      name: e.name,
      description: e.description,
      organization: { id: e.organizationId },
      type: e.type,
      region: e.region,
      license: { id: e.licenseId },
      status: e.status,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    };
  }

  function userJson(base: string, u: P1User): Record<string, unknown> {
    const self = `${base}/v1/environments/${u.environmentId}/users/${u.id}`;
    const o: Record<string, unknown> = {
      _links: {
        self: { href: self },
        environment: { href: `${base}/v1/environments/${u.environmentId}` },
        population: { href: `${base}/v1/environments/${u.environmentId}/populations/${u.populationId}` },
        sessions: { href: `${self}/sessions` },
        devices: { href: `${self}/devices` },
        password: { href: `${self}/password` },
      },
      id: u.id,
      environment: { id: u.environmentId },
      account: u.locked
        ? { canAuthenticate: false, status: 'LOCKED', lockedAt: iso(u.updatedAt) }
        : { canAuthenticate: true, status: 'OK' },
      createdAt: iso(u.createdAt),
      email: u.email,
      emailVerified: u.emailVerified,
      enabled: u.enabled,
      identityProvider: { type: u.idpType },
      lifecycle: { status: u.lifecycle },
      mfaEnabled: u.mfaEnabled,
      name: { given: u.given, family: u.family, formatted: `${u.given} ${u.family}` },
      population: { id: u.populationId },
      updatedAt: iso(u.updatedAt),
      username: u.username,
      verifyStatus: 'NOT_INITIATED',
    };
    if (u.externalId) {
      o.externalId = u.externalId;
    }
    if (u.lastSignOn) {
      o.lastSignOn = { at: iso(u.lastSignOn.at), remoteIp: u.lastSignOn.remoteIp };
    }
    return o;
  }

  function sessionJson(base: string, s: P1Session): Record<string, unknown> {
    const env = `${base}/v1/environments/${s.environmentId}`;
    const user = `${env}/users/${s.userId}`;
    return {
      _links: {
        self: { href: `${user}/sessions/${s.id}` },
        environment: { href: env },
        user: { href: user },
      },
      id: s.id,
      environment: { id: s.environmentId },
      user: { id: s.userId },
      createdAt: iso(s.createdAt),
      activeAt: iso(s.activeAt),
      lastSignOn: { at: iso(s.lastSignOn.at), remoteIp: s.lastSignOn.remoteIp },
      locations: s.locations.map((l) => ({ ...l, at: iso(l.at) })),
      browser: { ...s.browser },
      operatingSystem: s.operatingSystem.version
        ? { ...s.operatingSystem }
        : { name: s.operatingSystem.name },
      device: { ...s.device },
    };
  }

  function sessionsOf(u: P1User): P1Session[] {
    const st = backend.state;
    let list = st.sessions.get(u.id);
    if (!list) {
      list = generateSessions(ctx.seed, u, st.data.t0);
      st.sessions.set(u.id, list);
    }
    return list;
  }

  function invalidFilter(msg: string): SandboxResponse {
    return p1Error(400, 'INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [
      // As Ping documents it (api-contracts.md §2.3): INVALID_DATA, detail INVALID_VALUE on the target `filter`.
      { code: 'INVALID_VALUE', target: 'filter', message: msg },
    ]);
  }

  /** Shared cursor paging. `selfQuery` is the query the client sent (kept in `self`). */
  function page<T>(
    req: SandboxRequest,
    pathname: string,
    all: T[],
    offset: number,
    limit: number,
    filter: string | undefined,
  ): { items: T[]; links: Record<string, { href: string }>; count: number } {
    const items = all.slice(offset, offset + limit);
    const selfQs = req.query.toString();
    const links: Record<string, { href: string }> = {
      self: { href: `${req.baseUrl}${pathname}${selfQs ? `?${selfQs}` : ''}` },
    };
    if (offset + limit < all.length) {
      const q = new URLSearchParams();
      q.set('limit', String(limit));
      q.set('cursor', encodeCursor({ o: offset + limit, l: limit, f: filter }));
      links.next = { href: `${req.baseUrl}${pathname}?${q.toString()}` };
    }
    return { items, links, count: all.length };
  }

  function pagingParams(
    req: SandboxRequest,
    maxLimit: number,
  ): { offset: number; limit: number; filter: string | undefined } | SandboxResponse {
    const cursorRaw = req.query.get('cursor');
    let offset = 0;
    let filter = req.query.get('filter') ?? undefined;
    let limit = DEFAULT_LIMIT;
    const limitRaw = req.query.get('limit');
    if (cursorRaw !== null) {
      const c = decodeCursor(cursorRaw);
      if (!c) {
        return p1Error(400, 'INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [
          { code: 'INVALID_VALUE', target: 'cursor', message: 'The cursor is invalid or has expired.' },
        ]);
      }
      offset = c.o;
      limit = c.l;
      filter = c.f;
    }
    if (limitRaw !== null) {
      const n = Number(limitRaw);
      if (!/^-?\d+$/.test(limitRaw) || n < 1 || n > maxLimit) {
        return p1Error(400, 'INVALID_DATA', 'The request could not be completed. One or more validation errors were in the request.', [
          {
            code: 'OUT_OF_RANGE',
            target: 'limit',
            message: `limit must be between 1 and ${maxLimit}`,
            innerError: { rangeMinimumValue: 1, rangeMaximumValue: maxLimit },
          },
        ]);
      }
      limit = n;
    }
    return { offset, limit, filter };
  }

  function listEnvironments(req: SandboxRequest, app: P1WorkerApp): SandboxResponse {
    const pp = pagingParams(req, 1000);
    if ('status' in pp) {
      return pp;
    }
    let envs = backend.state.data.environments.filter((e) => canSee(app, e.id));
    if (pp.filter) {
      let node: FilterNode;
      try {
        node = parseFilter(pp.filter, ENV_FILTER);
      } catch (e) {
        return invalidFilter((e as Error).message);
      }
      envs = envs.filter((e) =>
        matchFilter(node, (a) =>
          a === 'name' ? e.name : a === 'id' ? e.id : a === 'organization.id' ? e.organizationId : a === 'license.id' ? e.licenseId : undefined,
        ),
      );
    }
    const pg = page(req, '/v1/environments', envs, pp.offset, pp.limit, pp.filter);
    return {
      status: 200,
      body: {
        _links: pg.links,
        _embedded: { environments: pg.items.map((e) => envJson(req.baseUrl, e)) },
        count: pg.count,
        size: pg.items.length,
      },
    };
  }

  function listUsers(req: SandboxRequest, env: P1Environment): SandboxResponse {
    const pp = pagingParams(req, 1000);
    if ('status' in pp) {
      return pp;
    }
    let users = backend.state.data.users.get(env.id) ?? [];
    if (pp.filter) {
      let node: FilterNode;
      try {
        node = parseFilter(pp.filter, USER_FILTER);
      } catch (e) {
        if (e instanceof FilterError) {
          return invalidFilter(e.message);
        }
        throw e;
      }
      users = users.filter((u) =>
        matchFilter(node, (a) => {
          switch (a) {
            case 'id':
              return u.id;
            case 'username':
              return u.username;
            case 'email':
              return u.email;
            case 'name.given':
              return u.given;
            case 'name.family':
              return u.family;
            case 'population.id':
              return u.populationId;
            case 'externalid':
              return u.externalId;
            default:
              return undefined;
          }
        }),
      );
    }
    const pg = page(req, `/v1/environments/${env.id}/users`, users, pp.offset, pp.limit, pp.filter);
    return {
      status: 200,
      body: {
        _links: pg.links,
        _embedded: { users: pg.items.map((u) => userJson(req.baseUrl, u)) },
        count: pg.count,
        size: pg.items.length,
      },
    };
  }

  function route(req: SandboxRequest): SandboxResponse {
    const parts = req.path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    if (parts.length === 3 && parts[1] === 'as' && parts[2] === 'token') {
      return token(req, parts[0]);
    }
    if (parts[0] !== 'v1') {
      return p1Error(404, 'NOT_FOUND', NOT_FOUND_MSG);
    }
    const limited = rateLimited();
    if (limited) {
      return limited;
    }
    const app = authenticate(req);
    if ('status' in app) {
      return app;
    }
    const st = backend.state;
    const rest = parts.slice(1);
    if (rest[0] !== 'environments') {
      return p1Error(404, 'NOT_FOUND', NOT_FOUND_MSG);
    }
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    const methodNotAllowed = (): SandboxResponse =>
      p1Error(405, 'METHOD_NOT_ALLOWED', `The request could not be completed. Method ${req.method} is not allowed for this resource.`);
    if (rest.length === 1) {
      return isGet ? listEnvironments(req, app) : methodNotAllowed();
    }
    const env = st.data.environments.find((e) => e.id === rest[1]);
    if (!env) {
      return p1Error(404, 'NOT_FOUND', 'The requested environment could not be found.');
    }
    if (!canSee(app, env.id)) {
      return forbidden();
    }
    if (rest.length === 2) {
      return isGet ? { status: 200, body: envJson(req.baseUrl, env) } : methodNotAllowed();
    }
    if (rest[2] !== 'users') {
      return p1Error(404, 'NOT_FOUND', NOT_FOUND_MSG);
    }
    if (rest.length === 3) {
      return isGet ? listUsers(req, env) : methodNotAllowed();
    }
    st.data.users.get(env.id); // makes the environment's users on first use
    const user = st.data.usersById.get(rest[3]);
    if (!user || user.environmentId !== env.id) {
      return p1Error(404, 'NOT_FOUND', 'The requested user could not be found.');
    }
    if (rest.length === 4) {
      return isGet ? { status: 200, body: userJson(req.baseUrl, user) } : methodNotAllowed();
    }
    if (rest[4] !== 'sessions' || rest.length > 6) {
      return p1Error(404, 'NOT_FOUND', NOT_FOUND_MSG);
    }
    const sessions = sessionsOf(user);
    if (rest.length === 5) {
      if (!isGet) {
        return methodNotAllowed();
      }
      const self = `${req.baseUrl}/v1/environments/${env.id}/users/${user.id}/sessions`;
      return {
        status: 200,
        body: {
          _links: { self: { href: self } },
          _embedded: { sessions: sessions.map((s) => sessionJson(req.baseUrl, s)) },
          count: sessions.length,
          size: sessions.length,
        },
      };
    }
    if (req.method === 'DELETE' && (st.sessionDeleteForbidden.has(user.id) || st.sessionDeleteForbidden.has('*'))) {
      return p1Error(
        403,
        'ACCESS_FAILED',
        "The actor attempting to perform the request is not authorized: deleting a user's sessions requires the Identity Data Admin role for the user's population.",
      );
    }
    const idx = sessions.findIndex((s) => s.id === rest[5]);
    if (idx < 0) {
      return p1Error(404, 'NOT_FOUND', 'The requested session could not be found.');
    }
    if (isGet) {
      return { status: 200, body: sessionJson(req.baseUrl, sessions[idx]) };
    }
    if (req.method === 'DELETE') {
      sessions.splice(idx, 1);
      return { status: 204 };
    }
    return methodNotAllowed();
  }

  return backend;
}
