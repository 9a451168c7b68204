// Cohesity cluster emulator (REST API v2 under /v2), served over HTTPS with a self-signed certificate.
// Test infrastructure only.
//
// Contract: shared/reference/api-contracts.md §4 (Cohesity ships no spec; the contract is inferred from the
// generated Python SDK). Implemented: POST /v2/users/sessions, POST /v2/access-tokens, GET and DELETE
// /v2/users/sessions, GET /v2/security-principals, GET /v2/users, GET /v2/security-config (ADMIN only), GET /v2/clusters. Auth by `session-id`, `Authorization: Bearer`
// or `apiKey` header. Errors are `{errorCode, message}`.
//
// Decisions where the sources are silent:
// - DELETE /v2/users/sessions (with or without sid) ends SESSIONS only. Access tokens (POST /v2/access-tokens) and
//   API keys are not sessions and stay valid; a caller that used `session-id` gets 401 on its next call once its
//   session is gone.
// - expireAllTokens() (the sandbox fault) ends every session and access token a client created; the seeded
//   background sessions of other users and the API key stay (an API key has no expiry).
// - GET /v2/users/sessions without sids lists users with at least one session; with sids it lists every known
//   requested sid (count 0 included) and leaves out unknown sids. A removed user's SID (seeded: `removedSids`) still
//   counts while its sessions last, and security-principals does not name it.
// - Session limits (`sessionConfiguration.limitSessions`): per user and system-wide, a sign-in past one is 403.

import { randomBytes } from 'crypto';
import { Rng } from '../rng';
import type { Backend, BackendContext, SandboxRequest, SandboxResponse } from '../types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CohesityUser {
  sid: string;
  username: string;
  fullName: string;
  domain: string;
  password: string;
  mfa: boolean;
  privileges: string[];
}

export interface CohesitySession {
  sid: string;
  createdAt: number;
  lastActivity: number;
  /** Seeded sessions of other people: never time out. */
  background: boolean;
}

export interface CohesityState {
  users: CohesityUser[];
  /** sessionId -> session */
  sessions: Map<string, CohesitySession>;
  /** access token -> owner + expiry */
  accessTokens: Map<string, { sid: string; expiresAt: number }>;
  /** API key -> owner sid */
  apiKeys: Map<string, string>;
  /** SIDs of users removed from the cluster whose sessions still count (security-principals cannot name them). */
  removedSids: string[];
  /** Session timeouts (seconds) and limits of the emulated cluster (GET /v2/security-config). */
  sessionConfiguration: { absoluteTimeout: number; inactivityTimeout: number; limitSessions: boolean; sessionLimitPerUser: number; sessionLimitSystemWide: number };
  accessTokenLifetimeSeconds: number;
  otpCode: string;
  cluster: { id: number; incarnationId: number; name: string; swVersion: string };
}

export const COHESITY_ADMIN_PASSWORD = 'Cohesity-Admin-1';
export const COHESITY_USER_PASSWORD = 'Cohesity-User-1';
export const COHESITY_OTP = '123456';
export const AD_DOMAIN = 'CORP.ACME.EXAMPLE';

const LOCAL_PREFIX = 'S-1-100-21-36725958-19386433';
const AD_PREFIX = 'S-1-5-21-3623811015-3361044348-30300820';

const ADMIN_PRIVS = ['ADMIN', 'CLUSTER_VIEW', 'CLUSTER_MODIFY', 'PROTECTION_VIEW', 'PROTECTION_MODIFY', 'PRINCIPAL_VIEW', 'PRINCIPAL_MODIFY'];
const VIEWER_PRIVS = ['CLUSTER_VIEW', 'PROTECTION_VIEW', 'PRINCIPAL_VIEW'];

function error(status: number, errorCode: string, message: string): SandboxResponse {
  return { status, body: { errorCode, message } };
}

function generate(ctx: BackendContext): CohesityState {
  const rng = new Rng(ctx.seed).fork('cohesity');
  const t0 = ctx.now();
  const total = Math.max(3, ctx.sizes.cohesityUsers);
  const locals = [
    { username: 'admin', fullName: 'Cluster Admin', mfa: false },
    { username: 'mfa-operator', fullName: 'MFA Operator', mfa: true },
    { username: 'backup-operator', fullName: 'Backup Operator', mfa: false },
    { username: 'auditor', fullName: 'Compliance Auditor', mfa: false },
    { username: 'svc-reporting', fullName: 'Reporting Service Account', mfa: false },
    { username: 'restore-desk', fullName: 'Restore Desk', mfa: false },
  ];
  const adPeople = [
    ['jdoe', 'Jane Doe'], ['asmith', 'Alan Smith'], ['mgarcia', 'Maria Garcia'], ['tokafor', 'Tunde Okafor'],
    ['lkowalski', 'Lena Kowalski'], ['hkim', 'Hana Kim'], ['rsilva', 'Rui Silva'], ['pnovak', 'Petr Novak'],
    ['aharris', 'Amy Harris'], ['bchen', 'Bo Chen'],
  ];
  const users: CohesityUser[] = [];
  const nLocal = Math.min(locals.length, Math.max(2, Math.ceil(total / 2)));
  for (let i = 0; i < nLocal; i++) {
    const l = locals[i];
    users.push({
      sid: i === 0 ? `${LOCAL_PREFIX}-1` : `${LOCAL_PREFIX}-${1000 + i}`,
      username: l.username,
      fullName: l.fullName,
      domain: 'LOCAL',
      password: i === 0 ? COHESITY_ADMIN_PASSWORD : COHESITY_USER_PASSWORD,
      mfa: l.mfa,
      privileges: i === 0 || l.mfa ? ADMIN_PRIVS : VIEWER_PRIVS,
    });
  }
  for (let i = 0; users.length < total; i++) {
    const [u, n] = adPeople[i % adPeople.length];
    const suffix = i >= adPeople.length ? String(Math.floor(i / adPeople.length) + 1) : '';
    users.push({
      sid: `${AD_PREFIX}-${1104 + i * 3 + rng.int(0, 2)}`,
      username: u + suffix,
      fullName: n,
      domain: AD_DOMAIN,
      password: COHESITY_USER_PASSWORD,
      mfa: false,
      privileges: rng.chance(0.3) ? ADMIN_PRIVS : VIEWER_PRIVS,
    });
  }
  const sessions = new Map<string, CohesitySession>();
  const sr = rng.fork('sessions');
  users.forEach((u, i) => {
    // the admin (whom tests log in as) starts with one background session; others 0-4
    const n = i === 0 ? 1 : sr.int(0, 4);
    for (let k = 0; k < n; k++) {
      const createdAt = t0 - sr.int(60_000, 20 * HOUR);
      sessions.set(sr.hex(32), { sid: u.sid, createdAt, lastActivity: createdAt + sr.int(0, HOUR), background: true });
    }
  });
  const apiKeys = new Map<string, string>([[`${sr.uuid()}`, users[0].sid]]);
  // A user removed from the AD domain whose two sessions the cluster still counts: its SID resolves to no principal.
  const removed = `${AD_PREFIX}-999`;
  for (let k = 0; k < 2; k++) {
    const createdAt = t0 - sr.int(60_000, 20 * HOUR);
    sessions.set(sr.hex(32), { sid: removed, createdAt, lastActivity: createdAt, background: true });
  }
  return {
    users,
    removedSids: [removed],
    sessions,
    accessTokens: new Map(),
    apiKeys,
    sessionConfiguration: { absoluteTimeout: DAY / 1000, inactivityTimeout: HOUR / 1000, limitSessions: true, sessionLimitPerUser: 10, sessionLimitSystemWide: 500 },
    accessTokenLifetimeSeconds: DAY / 1000,
    otpCode: COHESITY_OTP,
    cluster: { id: 1_712_345_678_901_234, incarnationId: 1_699_999_123_456, name: 'sandbox-cluster-01', swVersion: '7.1.2_u3_release-20240715_0f2a3c1b' },
  };
}

function parseJson(req: SandboxRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) {
    return {};
  }
  try {
    const v = JSON.parse(req.body.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function csv(q: URLSearchParams, name: string): string[] {
  return q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function create(ctx: BackendContext): Backend<CohesityState> {
  const backend: Backend<CohesityState> & { errorBody(status: number, code: string, message: string): unknown } = {
    name: 'cohesity',
    tls: 'self-signed',
    state: generate(ctx),
    handle(req) {
      const res = route(req);
      if (res.body !== undefined) {
        res.headers = { 'content-type': 'application/json', ...(res.headers ?? {}) };
      }
      return res;
    },
    reset() {
      this.state = generate(ctx);
    },
    expireAllTokens() {
      const st = this.state;
      st.accessTokens.clear();
      for (const [id, s] of st.sessions) {
        if (!s.background) {
          st.sessions.delete(id);
        }
      }
    },
    describe(baseUrl?: string) {
      const st = this.state;
      const origin = baseUrl ?? '';
      const admin = st.users[0];
      const mfa = st.users.find((u) => u.mfa);
      const ad = st.users.find((u) => u.domain !== 'LOCAL');
      const creds: Record<string, string> = {
        username: admin.username,
        password: admin.password,
        domain: 'LOCAL',
        apiKey: [...st.apiKeys.keys()][0],
      };
      if (mfa) {
        creds.mfaUsername = mfa.username;
        creds.mfaPassword = mfa.password;
        creds.otpCode = st.otpCode;
      }
      if (ad) {
        creds.adUsername = ad.username;
        creds.adPassword = ad.password;
        creds.adDomain = ad.domain;
      }
      return {
        url: origin,
        urls: { apiBase: `${origin}/v2`, accessTokens: `${origin}/v2/access-tokens`, sessions: `${origin}/v2/users/sessions` },
        credentials: creds,
        notes: [
          'HTTPS with a self-signed certificate (trust its PEM; do not disable verification).',
          'Log in with POST /v2/users/sessions (send session-id) or POST /v2/access-tokens (send Authorization: Bearer), or send apiKey.',
          'DELETE /v2/users/sessions without sid ends EVERY session, including the caller\'s; access tokens and API keys stay valid.',
        ],
      };
    },
    errorBody(status: number, code: string, message: string) {
      const codes: Record<number, string> = { 429: 'KTooManyRequests', 500: 'KInternalError', 503: 'KServiceUnavailable' };
      return { errorCode: codes[status] ?? code, message };
    },
  };

  function now(): number {
    return ctx.now();
  }

  /** Drops sessions past the absolute or inactivity timeout. */
  function sweep(): void {
    const st = backend.state;
    const t = now();
    for (const [id, s] of st.sessions) {
      if (s.background) {
        continue;
      }
      if (t - s.createdAt >= st.sessionConfiguration.absoluteTimeout * 1000 || t - s.lastActivity >= st.sessionConfiguration.inactivityTimeout * 1000) {
        st.sessions.delete(id);
      }
    }
  }

  type Caller = { user: CohesityUser; sessionId?: string };

  function authenticate(req: SandboxRequest): Caller | SandboxResponse {
    const st = backend.state;
    const byUser = (sid: string): CohesityUser | undefined => st.users.find((u) => u.sid === sid);
    const apiKey = req.headers.apikey;
    if (apiKey !== undefined) {
      const sid = st.apiKeys.get(apiKey);
      const user = sid ? byUser(sid) : undefined;
      return user ? { user } : error(401, 'KStatusUnauthorized', 'Invalid API key');
    }
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^bearer\s+(.+)$/i.exec(auth.trim());
      const rec = m ? st.accessTokens.get(m[1]) : undefined;
      if (!rec) {
        return error(401, 'KStatusUnauthorized', 'Invalid access token');
      }
      if (now() >= rec.expiresAt) {
        st.accessTokens.delete(m![1]);
        return error(401, 'KStatusUnauthorized', 'Token expired');
      }
      const user = byUser(rec.sid);
      return user ? { user } : error(401, 'KStatusUnauthorized', 'Invalid access token');
    }
    const sessionId = req.headers['session-id'];
    if (sessionId !== undefined) {
      sweep();
      const s = st.sessions.get(sessionId);
      if (!s) {
        return error(401, 'KStatusUnauthorized', 'Invalid session or session expired');
      }
      s.lastActivity = now();
      const user = byUser(s.sid);
      return user ? { user, sessionId } : error(401, 'KStatusUnauthorized', 'Invalid session or session expired');
    }
    return error(401, 'KStatusUnauthorized', 'Authentication required: send session-id, Authorization or apiKey');
  }

  function checkCredentials(body: Record<string, unknown>, allowOtp: boolean): CohesityUser | SandboxResponse {
    const st = backend.state;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const domain = typeof body.domain === 'string' && body.domain !== '' ? body.domain : 'LOCAL';
    if (!username || !password) {
      return error(400, 'KInvalidRequest', 'username and password are required');
    }
    if (body.otpType !== undefined && !['email', 'totp', 'salesforce'].includes(String(body.otpType))) {
      return error(400, 'KInvalidRequest', `Invalid otpType: ${String(body.otpType)}`);
    }
    const user = st.users.find((u) => u.username.toLowerCase() === username.toLowerCase() && u.domain.toLowerCase() === domain.toLowerCase());
    if (!user || user.password !== password) {
      return error(401, 'KStatusUnauthorized', 'Invalid username or password');
    }
    if (user.mfa && allowOtp) {
      if (body.otpCode === undefined || body.otpCode === '') {
        return error(401, 'KStatusUnauthorized', 'Multi-factor authentication is enabled for this user: otpCode is required');
      }
      if (String(body.otpCode) !== st.otpCode) {
        return error(401, 'KStatusUnauthorized', 'Invalid otpCode');
      }
    }
    return user;
  }

  function route(req: SandboxRequest): SandboxResponse {
    const st = backend.state;
    const path = req.path.replace(/\/+$/, '');
    const m = req.method;

    if (path === '/v2/users/sessions' && m === 'POST') {
      const body = parseJson(req);
      if (!body) {
        return error(400, 'KInvalidRequest', 'Request body is not valid JSON');
      }
      const user = checkCredentials(body, true);
      if ('status' in user) {
        return user;
      }
      sweep();
      const mine = [...st.sessions.values()].filter((s) => s.sid === user.sid).length;
      const limits = st.sessionConfiguration;
      if (limits.limitSessions && mine >= limits.sessionLimitPerUser) {
        return error(403, 'KPermissionDenied', `Session limit of ${limits.sessionLimitPerUser} reached for this user`);
      }
      if (limits.limitSessions && st.sessions.size >= limits.sessionLimitSystemWide) {
        return error(403, 'KPermissionDenied', `System-wide session limit of ${limits.sessionLimitSystemWide} reached`);
      }
      const sessionId = randomBytes(16).toString('hex');
      st.sessions.set(sessionId, { sid: user.sid, createdAt: now(), lastActivity: now(), background: false });
      return { status: 201, body: { sessionId } };
    }
    if (path === '/v2/access-tokens' && m === 'POST') {
      const body = parseJson(req);
      if (!body) {
        return error(400, 'KInvalidRequest', 'Request body is not valid JSON');
      }
      const user = checkCredentials(body, true);
      if ('status' in user) {
        return user;
      }
      const accessToken = randomBytes(48).toString('base64url');
      st.accessTokens.set(accessToken, { sid: user.sid, expiresAt: now() + st.accessTokenLifetimeSeconds * 1000 });
      return { status: 201, body: { accessToken, tokenType: 'Bearer', privileges: [...user.privileges] } };
    }

    const caller = authenticate(req);
    if ('status' in caller) {
      return caller;
    }
    sweep();

    if (path === '/v2/users/sessions') {
      if (m === 'GET') {
        const counts = new Map<string, number>();
        for (const s of st.sessions.values()) {
          counts.set(s.sid, (counts.get(s.sid) ?? 0) + 1);
        }
        const sids = csv(req.query, 'sids');
        const known = (sid: string): boolean => st.users.some((u) => u.sid === sid) || (counts.get(sid) ?? 0) > 0;
        const everyone = [...st.users.map((u) => u.sid), ...st.removedSids.filter((sid) => !st.users.some((u) => u.sid === sid))];
        const rows = sids.length
          ? [...new Set(sids)].filter(known).map((sid) => ({ sid, sessionsCount: counts.get(sid) ?? 0 }))
          : everyone.filter((sid) => (counts.get(sid) ?? 0) > 0).map((sid) => ({ sid, sessionsCount: counts.get(sid)! }));
        return {
          status: 200,
          body: { sessionsPerUser: rows, totalSessionsCount: rows.reduce((n, r) => n + r.sessionsCount, 0) },
        };
      }
      if (m === 'DELETE') {
        if (req.query.get('current') === 'true') {
          if (caller.sessionId) {
            st.sessions.delete(caller.sessionId);
          }
          return { status: 204 };
        }
        const sid = req.query.get('sid');
        if (sid === null || sid === '') {
          st.sessions.clear();
          return { status: 204 };
        }
        if (!st.users.some((u) => u.sid === sid) && ![...st.sessions.values()].some((x) => x.sid === sid)) {
          return error(404, 'KNotFound', `No user with sid ${sid}`);
        }
        for (const [id, s] of st.sessions) {
          if (s.sid === sid) {
            st.sessions.delete(id);
          }
        }
        return { status: 204 };
      }
      return error(405, 'KInvalidRequest', `Method ${m} is not supported on ${path}`);
    }
    if (path === '/v2/security-principals' && m === 'GET') {
      const sids = csv(req.query, 'sids');
      if (sids.length === 0) {
        return error(400, 'KInvalidRequest', 'sids is a required parameter and must contain at least one SID');
      }
      const principals = [...new Set(sids)]
        .map((sid) => st.users.find((u) => u.sid === sid))
        .filter((u): u is CohesityUser => u !== undefined)
        .map((u) => ({ sid: u.sid, principalName: u.username, fullName: u.fullName, domainName: u.domain, objectClass: 'User' }));
      return { status: 200, body: { securityPrincipals: principals } };
    }
    if (path === '/v2/users' && m === 'GET') {
      // UsersList: filtered by usernames (csv, exact, case-insensitive), domain and sids; all users without filters.
      const names = csv(req.query, 'usernames').map((n) => n.toLowerCase());
      const sids = csv(req.query, 'sids');
      const domain = req.query.get('domain');
      const users = st.users
        .filter((u) => names.length === 0 || names.includes(u.username.toLowerCase()))
        .filter((u) => sids.length === 0 || sids.includes(u.sid))
        .filter((u) => !domain || u.domain.toLowerCase() === domain.toLowerCase())
        .map((u) => ({ sid: u.sid, username: u.username, domain: u.domain, roles: u.privileges.includes('ADMIN') ? ['Admin'] : ['Viewer'], locked: false }));
      return { status: 200, body: { users } };
    }
    if (path === '/v2/security-config' && m === 'GET') {
      if (!caller.user.privileges.includes('ADMIN')) {
        return error(403, 'KPermissionDenied', 'Access denied: the security configuration needs the ADMIN privilege');
      }
      return { status: 200, body: { sessionConfiguration: { ...st.sessionConfiguration } } };
    }
    if (path === '/v2/clusters' && m === 'GET') {
      const c = st.cluster;
      return {
        status: 200,
        body: {
          id: c.id,
          incarnationId: c.incarnationId,
          name: c.name,
          swVersion: c.swVersion,
          type: 'Physical',
          nodeCount: 4,
          domainNames: [AD_DOMAIN],
          timezone: 'America/Los_Angeles',
          isClusterMfaEnabled: true,
        },
      };
    }
    return error(404, 'KNotFound', `No such API: ${m} ${path}`);
  }

  return backend;
}
