// Aptible emulator: the auth server's `POST /tokens` (password grant, as aptible-auth-ruby / aptible-cli send it)
// and the Deploy API (HAL+JSON, integer ids) on one server. Test infrastructure only.
//
// Contract: shared/reference/api-contracts.md §3 and aptible.yaml (GetRoot, ListAccounts, GetAccount, ListApps,
// ListAppsForAccount, GetApp, ListEphemeralSessionsForApp, ListOperationsForApp, ListEphemeralSessionsForOperation,
// GetEphemeralSession, GetOperation). Every body carries all fields the spec marks required. Fields the spec marks `x-nullable` are
// sent as null where a real execute/deploy operation would have no value. Ephemeral sessions are read-only: the
// Deploy API has no route to delete one, so DELETE answers 404 like a Rails routing error.
//
// Requests: every Deploy API request is checked against aptible.yaml (contract.ts validateRequest) when the spec is
// there (../shared/specs or SM_SPECS_DIR), before a fault or the emulator answers it; a violation is logged to stderr
// and kept in `requestContract.violations` (method, path with query, errors) for tests to read. The auth server's
// `POST /tokens` is not checked: aptible.yaml describes only the Deploy API, not auth.aptible.com. A violating request
// is still answered as the real API would (Rails ignores an unknown query parameter, routes `/apps/abc` to a 404), not
// with a 400: the emulator stays faithful, and the client tests fail on the recorded violation instead.

import { createHmac, randomBytes, randomUUID } from 'crypto';
import type { Backend, BackendContext, RequestContract, SandboxRequest, SandboxResponse } from '../types';
import { findOperation, loadSpec, validateRequest } from '../contract';
import { AptAccount, AptApp, AptData, AptOperation, AptSession, AptUser, generate, SANDBOX_OTP } from './data';

export interface AptibleState {
  data: AptData;
  /** Items per page on every list (the spec leaves it to the server). */
  perPage: number;
  /** Issued tokens: access token -> user + expiry (ms). */
  tokens: Map<string, { userId: string; expiresAt: number }>;
  /** Fixed one-time password accepted for the MFA user. */
  otp: string;
  /** Accounts the token is listed but may not read (their detail and apps answer 403). */
  forbiddenAccounts: Set<number>;
  /** Operations the token may not read (403), e.g. started in an account it has no permission on. */
  forbiddenOperations: Set<number>;
  /** Apps whose operation list the token may not read (`GET /apps/{id}/operations` answers 403). */
  forbiddenAppOperations: Set<number>;
}

const HAL = 'application/hal+json';

function err(status: number, error: string, message: string, extra?: Record<string, unknown>): SandboxResponse {
  return { status, headers: { 'content-type': HAL }, body: { code: status, error, message, ...(extra ?? {}) } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function parseBody(req: SandboxRequest): Record<string, string> {
  const text = req.body.toString('utf8');
  const out: Record<string, string> = {};
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
        if (v !== null && v !== undefined) {
          out[k] = String(v);
        }
      }
    } catch {
      // an empty object
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = v;
  }
  return out;
}

/** The auth server's path (`/tokens`), served on the same port as the Deploy API. */
function isAuthPath(path: string): boolean {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.length === 1 && parts[0] === 'tokens';
}

const WEEK_S = 7 * 24 * 3600;
const MFA_MAX_S = 12 * 3600;

export function create(ctx: BackendContext): Backend<AptibleState> {
  const key = randomBytes(32);

  function fresh(): AptibleState {
    return { data: generate(ctx.seed, ctx.sizes, ctx.now()), perPage: 20, tokens: new Map(), otp: SANDBOX_OTP, forbiddenAccounts: new Set(), forbiddenOperations: new Set(), forbiddenAppOperations: new Set() };
  }

  const spec = loadSpec('aptible');
  const requestContract: RequestContract = { specFile: spec?.file, checked: 0, operations: {}, violations: [] };

  const backend: Backend<AptibleState> & { errorBody(status: number, code: string, message: string): unknown; requestContract: RequestContract } = {
    name: 'aptible',
    tls: 'none',
    state: fresh(),
    handle(req) {
      return route(req);
    },
    requestContract,
    checkRequest(req) {
      // The auth server's POST /tokens (and any other method on it) is not in aptible.yaml: nothing to check it against.
      if (!spec || isAuthPath(req.path)) {
        return;
      }
      requestContract.checked++;
      const query = req.query.toString();
      const sent = query ? `${req.path}?${query}` : req.path;
      const op = findOperation(spec, req.method, req.path);
      if (op) {
        const key = `${op.method} ${op.template}`;
        requestContract.operations[key] = (requestContract.operations[key] ?? 0) + 1;
      }
      const errors = validateRequest(spec, req.method, sent, req.headers, req.body);
      if (errors.length > 0) {
        requestContract.violations.push({ method: req.method, path: sent, errors });
        process.stderr.write(`[sandbox aptible] ${req.method} ${sent} breaks aptible.yaml:\n${errors.map((e) => `  - ${e}\n`).join('')}`);
      }
    },
    reset() {
      this.state = fresh();
    },
    expireAllTokens() {
      this.state.tokens.clear();
    },
    describe(baseUrl?: string) {
      const [plain, mfa] = this.state.data.users;
      const origin = baseUrl ?? '';
      return {
        url: origin,
        urls: { apiRoot: origin, authRoot: origin, tokenUrl: `${origin}/tokens` },
        credentials: {
          email: plain.email,
          password: plain.password,
          mfaEmail: mfa.email,
          mfaPassword: mfa.password,
          otpToken: this.state.otp,
        },
        notes: [
          'One server is both APTIBLE_AUTH_ROOT_URL (POST /tokens, password grant, scope=manage) and APTIBLE_API_ROOT_URL.',
          `${mfa.email} has 2FA: without otp_token the token call fails with otp_token_required; the OTP is ${this.state.otp}.`,
          `Lists page by ${this.state.perPage} (state.perPage). Ephemeral sessions are read-only, as in the real API.`,
          'PATCH /operations/{id} with {"cancelled": true} sets cancelled (a running operation stays running until its worker stops).',
          'state.forbiddenAccounts / state.forbiddenOperations: ids that answer 403 (an account or operation the token cannot see).',
          spec
            ? 'Every Deploy API request is checked against aptible.yaml (POST /tokens is not in it); a violation is logged and kept in requestContract.violations, and still answered as Aptible would.'
            : 'aptible.yaml is missing (../shared/specs): requests are not checked against it.',
          'GET /apps/{id}/operations lists every type of operation (execute ones started the sessions), newest first; state.forbiddenAppOperations: app ids whose list answers 403.',
        ],
      };
    },
    errorBody(status: number, code: string, message: string) {
      const labels: Record<number, string> = { 429: 'too_many_requests', 500: 'internal_server_error', 502: 'bad_gateway', 503: 'service_unavailable' };
      return { code: status, error: labels[status] ?? code.toLowerCase(), message };
    },
  };

  // ---------------------------------------------------------------- auth

  function issueToken(req: SandboxRequest): SandboxResponse {
    const json = (status: number, body: unknown): SandboxResponse => ({
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body,
    });
    const b = parseBody(req);
    if (b.grant_type !== 'password') {
      return json(400, { code: 400, error: 'unsupported_grant_type', message: `Unsupported grant type: ${b.grant_type ?? '(none)'}` });
    }
    const st = backend.state;
    const user = st.data.users.find((u) => u.email.toLowerCase() === (b.username ?? '').toLowerCase());
    if (!user || user.password !== b.password) {
      return json(401, { code: 401, error: 'invalid_credentials', message: 'Invalid email or password' });
    }
    if (user.mfa) {
      if (!b.otp_token) {
        return json(401, {
          code: 401,
          error: 'otp_token_required',
          message: 'You must provide a valid OTP token',
          exception_context: { u2f: { challenge: randomBytes(32).toString('base64url'), devices: [] } },
        });
      }
      if (b.otp_token !== st.otp) {
        return json(401, { code: 401, error: 'invalid_otp_token', message: 'Invalid OTP token' });
      }
    }
    const scope = b.scope || 'manage';
    if (!['manage', 'read'].includes(scope)) {
      return json(400, { code: 400, error: 'invalid_scope', message: `Invalid scope: ${scope}` });
    }
    const max = user.mfa ? MFA_MAX_S : WEEK_S;
    const asked = b.expires_in !== undefined ? Number(b.expires_in) : max;
    const lifetime = Number.isFinite(asked) && asked > 0 ? Math.min(Math.floor(asked), max) : max;
    const t = ctx.now();
    const iat = Math.floor(t / 1000);
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
      id: randomUUID(),
      iss: `${req.baseUrl}/users/${user.id}`,
      sub: `${req.baseUrl}/users/${user.id}`,
      scope,
      exp: iat + lifetime,
      iat,
      email: user.email,
    })}`;
    const access = `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
    st.tokens.set(access, { userId: user.id, expiresAt: t + lifetime * 1000 });
    return json(200, {
      id: randomUUID(),
      _type: 'token',
      access_token: access,
      token_type: 'bearer',
      expires_in: lifetime,
      expires_at: iat + lifetime,
      refresh_token: randomBytes(32).toString('hex'),
      scope,
      created_at: iso(t),
      updated_at: iso(t),
      _links: {
        self: { href: `${req.baseUrl}/tokens/${randomUUID()}` },
        user: { href: `${req.baseUrl}/users/${user.id}` },
      },
    });
  }

  function authenticate(req: SandboxRequest): AptUser | SandboxResponse {
    const h = req.headers.authorization;
    if (!h || !/^bearer /i.test(h)) {
      return err(401, 'unauthorized', 'Authorization header with a Bearer token is required');
    }
    const tok = h.slice(7).trim();
    const rec = backend.state.tokens.get(tok);
    if (!rec) {
      return err(401, 'invalid_token', 'Invalid Token');
    }
    if (ctx.now() >= rec.expiresAt) {
      backend.state.tokens.delete(tok);
      return err(401, 'expired_token', 'Expired Token');
    }
    const user = backend.state.data.users.find((u) => u.id === rec.userId);
    return user ?? err(401, 'invalid_token', 'Invalid Token');
  }

  // ---------------------------------------------------------------- JSON

  function link(base: string, path: string): { href: string } {
    return { href: `${base}${path}` };
  }

  function operationJson(base: string, o: AptOperation): Record<string, unknown> {
    const execute = o.type === 'execute';
    return {
      id: o.id,
      _type: 'operation',
      type: o.type,
      status: o.status,
      cancelled: o.cancelled,
      aborted: o.aborted,
      git_ref: o.gitRef,
      docker_ref: null,
      env: null,
      container_size: execute ? 1024 : null,
      container_count: null,
      disk_size: 0,
      command: o.command,
      handle: null,
      created_at: iso(o.createdAt),
      updated_at: iso(o.updatedAt),
      certificate: null,
      private_key: null,
      user_name: o.userName,
      user_email: o.userEmail,
      destination_region: null,
      interactive: o.interactive,
      instance_profile: null,
      mount_point: null,
      daily: null,
      monthly: null,
      yearly: null,
      pitr_days: null,
      make_copy: null,
      keep_final: null,
      _links: {
        self: link(base, `/operations/${o.id}`),
        account: link(base, `/accounts/${o.accountId}`),
        resource: link(base, `/apps/${o.appId}`),
        user: link(base, `/users/${o.userId}`),
        ephemeral_sessions: link(base, `/operations/${o.id}/ephemeral_sessions`),
        ssh_portal_connections: link(base, `/operations/${o.id}/ssh_portal_connections`),
      },
    };
  }

  function accountJson(base: string, a: AptAccount): Record<string, unknown> {
    const st = backend.state.data;
    const apps = st.apps.filter((p) => p.accountId === a.id);
    const appContainers = apps.reduce((n, p) => n + p.services.reduce((m, s) => m + s.container_count, 0), 0);
    const dbCount = (a.id % 4) + 1;
    return {
      id: a.id,
      _type: 'account',
      type: a.type,
      name: null,
      handle: a.handle,
      onboarding_status: 'completed',
      number: a.number,
      activated: true,
      syslog_host: a.syslogHost,
      syslog_port: a.syslogPort,
      bastion_host: a.bastionHost,
      bastion_port: 22,
      ssh_portal_port: a.sshPortalPort,
      container_count: appContainers + dbCount,
      domain_count: apps.length,
      total_disk_size: dbCount * 10,
      total_app_count: apps.length,
      app_container_count: appContainers,
      database_container_count: dbCount,
      total_database_count: dbCount,
      created_at: iso(a.createdAt),
      updated_at: iso(a.updatedAt),
      sweetness_stack: `sweetness-${a.stackId}`,
      gentlemanjerry_endpoint: null,
      gentlemanjerry_certificate: null,
      gentlemanjerry_docker_name: null,
      gentlemanjerry_instance_id: null,
      sweetness_stack_version: 'v2',
      ca_body: null,
      _embedded: {
        log_drains: [],
        permissions: [
          {
            id: a.id * 10 + 1,
            _type: 'permission',
            scope: 'manage',
            _links: { self: link(base, `/permissions/${a.id * 10 + 1}`), account: link(base, `/accounts/${a.id}`) },
          },
          {
            id: a.id * 10 + 2,
            _type: 'permission',
            scope: 'read',
            _links: { self: link(base, `/permissions/${a.id * 10 + 2}`), account: link(base, `/accounts/${a.id}`) },
          },
        ],
      },
      _links: {
        self: link(base, `/accounts/${a.id}`),
        stack: link(base, `/stacks/${a.stackId}`),
        organization: link(base, `/organizations/${a.organizationId}`),
        apps: link(base, `/accounts/${a.id}/apps`),
        databases: link(base, `/accounts/${a.id}/databases`),
        operations: link(base, `/accounts/${a.id}/operations`),
        permissions: link(base, `/accounts/${a.id}/permissions`),
        log_drains: link(base, `/accounts/${a.id}/log_drains`),
        vhosts: link(base, `/accounts/${a.id}/vhosts`),
      },
    };
  }

  function appJson(base: string, p: AptApp): Record<string, unknown> {
    const st = backend.state.data;
    const acc = st.accounts.find((a) => a.id === p.accountId)!;
    const deploy = st.operations.get(p.lastDeployOperationId)!;
    // the newest operation on the app: its last ssh session's execute op, if newer than the last deploy
    let last = deploy;
    for (const o of st.operations.values()) {
      if (o.appId === p.id && o.createdAt > last.createdAt) {
        last = o;
      }
    }
    return {
      id: p.id,
      _type: 'app',
      handle: p.handle,
      git_repo: `git@beta.aptible.com:${acc.handle}/${p.handle}.git`,
      status: 'provisioned',
      deployment_method: 'git',
      created_at: iso(p.createdAt),
      updated_at: iso(p.updatedAt),
      _embedded: {
        services: p.services.map((s) => ({
          id: s.id,
          _type: 'service',
          handle: s.process_type,
          docker_repo: null,
          docker_ref: null,
          process_type: s.process_type,
          command: s.command,
          container_count: s.container_count,
          container_memory_limit_mb: s.memory,
          instance_class: 'm5',
          force_zero_downtime: false,
          naive_health_check: false,
          stop_timeout: null,
          created_at: iso(p.createdAt),
          updated_at: iso(p.updatedAt),
          _links: { self: link(base, `/services/${s.id}`), app: link(base, `/apps/${p.id}`), account: link(base, `/accounts/${acc.id}`) },
        })),
        last_operation: operationJson(base, last),
        last_deploy_operation: operationJson(base, deploy),
      },
      _links: {
        self: link(base, `/apps/${p.id}`),
        account: link(base, `/accounts/${acc.id}`),
        ephemeral_sessions: link(base, `/apps/${p.id}/ephemeral_sessions`),
        operations: link(base, `/apps/${p.id}/operations`),
        services: link(base, `/apps/${p.id}/services`),
        configurations: link(base, `/apps/${p.id}/configurations`),
        vhosts: link(base, `/apps/${p.id}/vhosts`),
      },
    };
  }

  function sessionJson(base: string, s: AptSession): Record<string, unknown> {
    return {
      id: s.id,
      _type: 'ephemeral_session',
      name: s.name,
      host: s.host,
      aws_instance_id: s.awsInstanceId,
      created_at: iso(s.createdAt),
      updated_at: iso(s.updatedAt),
      _links: {
        self: link(base, `/ephemeral_sessions/${s.id}`),
        app: link(base, `/apps/${s.appId}`),
        operation: link(base, `/operations/${s.operationId}`),
        ephemeral_containers: link(base, `/ephemeral_sessions/${s.id}/ephemeral_containers`),
        operations: link(base, `/ephemeral_sessions/${s.id}/operations`),
      },
    };
  }

  /** The ephemeral container a session runs in (one per session, derived from it: no extra seeded data). */
  function containerJson(base: string, s: AptSession): Record<string, unknown> {
    const id = s.id * 10 + 1;
    return {
      id,
      _type: 'ephemeral_container',
      layer: 'app',
      docker_name: `${s.name}-${id}`,
      interactive: true,
      memory_limit: 1024,
      allocation: [s.host],
      created_at: iso(s.createdAt),
      updated_at: iso(s.updatedAt),
      _links: {
        self: link(base, `/ephemeral_containers/${id}`),
        ephemeral_session: link(base, `/ephemeral_sessions/${s.id}`),
      },
    };
  }

  /** One page of a HAL collection. `extraLinks` are parent links (account, app, operation). */
  function list<T>(
    req: SandboxRequest,
    path: string,
    collection: string,
    items: T[],
    toJson: (base: string, t: T) => Record<string, unknown>,
    extraLinks: Record<string, { href: string }> = {},
  ): SandboxResponse {
    const per = Math.max(1, backend.state.perPage);
    const raw = req.query.get('page');
    const n = raw !== null && /^\d+$/.test(raw) ? Number(raw) : 1;
    const pageNo = Math.max(1, n);
    const slice = items.slice((pageNo - 1) * per, pageNo * per);
    const links: Record<string, { href: string }> = { self: link(req.baseUrl, `${path}?page=${pageNo}`), ...extraLinks };
    if (pageNo * per < items.length) {
      links.next = link(req.baseUrl, `${path}?page=${pageNo + 1}`);
    }
    if (pageNo > 1) {
      links.prev = link(req.baseUrl, `${path}?page=${pageNo - 1}`);
    }
    return {
      status: 200,
      headers: { 'content-type': HAL },
      body: {
        _embedded: { [collection]: slice.map((t) => toJson(req.baseUrl, t)) },
        _links: links,
        current_page: pageNo,
        per_page: per,
        total_count: items.length,
      },
    };
  }

  function one(body: Record<string, unknown>): SandboxResponse {
    return { status: 200, headers: { 'content-type': HAL }, body };
  }

  const newestFirst = (a: AptSession, b: AptSession): number => b.createdAt - a.createdAt || b.id - a.id;

  function route(req: SandboxRequest): SandboxResponse {
    const parts = req.path.split('/').filter((p) => p !== '');
    if (isAuthPath(req.path)) {
      return req.method === 'POST' ? issueToken(req) : err(405, 'method_not_allowed', `${req.method} /tokens is not supported`);
    }
    const user = authenticate(req);
    if ('status' in user) {
      return user;
    }
    const st = backend.state.data;
    const base = req.baseUrl;
    const intId = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
    const notFound = (model: string, id: string | undefined): SandboxResponse =>
      err(404, 'not_found', `Couldn't find ${model} with 'id'=${id ?? ''}`);
    const noRoute = (): SandboxResponse => err(404, 'not_found', `No route matches [${req.method}] "${req.path}"`);

    const [r0, r1, r2, ...more] = parts;
    if (more.length > 0) {
      return noRoute();
    }
    const forbidden = (model: string, id: number): SandboxResponse =>
      err(403, 'forbidden', `You are not authorized to read ${model} ${id}`);
    // PATCH /operations/{id} (PatchOperation): what `aptible operation:cancel` sends.
    if (req.method === 'PATCH' && r0 === 'operations' && r1 !== undefined && r2 === undefined) {
      const op = st.operations.get(intId(r1) ?? -1);
      if (!op) {
        return notFound('Operation', r1);
      }
      if (backend.state.forbiddenOperations.has(op.id) || backend.state.forbiddenAccounts.has(op.accountId)) {
        return forbidden('Operation', op.id);
      }
      const b = parseBody(req);
      if (b.cancelled === 'true') {
        op.cancelled = true;
        if (op.status === 'queued') {
          op.status = 'failed';
        }
        op.updatedAt = ctx.now();
      }
      return one(operationJson(base, op));
    }
    // Ephemeral sessions have no non-GET routes at all (read-only, as in the spec).
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      if (r0 === 'ephemeral_sessions' || r2 === 'ephemeral_sessions' || parts.length === 0) {
        return noRoute();
      }
      return err(405, 'method_not_allowed', `The sandbox does not emulate ${req.method} ${req.path}`);
    }

    if (parts.length === 0) {
      return one({
        _links: {
          accounts: link(base, '/accounts'),
          apps: link(base, '/apps'),
          databases: link(base, '/databases'),
          database_images: link(base, '/database_images'),
          stacks: link(base, '/stacks'),
        },
      });
    }
    switch (r0) {
      case 'accounts': {
        if (r1 === undefined) {
          return list(req, '/accounts', 'accounts', st.accounts, accountJson);
        }
        const acc = st.accounts.find((a) => a.id === intId(r1));
        if (!acc) {
          return notFound('Account', r1);
        }
        if (backend.state.forbiddenAccounts.has(acc.id)) {
          return forbidden('Account', acc.id);
        }
        if (r2 === undefined) {
          return one(accountJson(base, acc));
        }
        if (r2 === 'apps') {
          return list(req, `/accounts/${acc.id}/apps`, 'apps', st.apps.filter((p) => p.accountId === acc.id), appJson, {
            account: link(base, `/accounts/${acc.id}`),
          });
        }
        return noRoute();
      }
      case 'apps': {
        if (r1 === undefined) {
          return list(req, '/apps', 'apps', st.apps, appJson);
        }
        const app = st.apps.find((p) => p.id === intId(r1));
        if (!app) {
          return notFound('App', r1);
        }
        if (r2 === undefined) {
          return one(appJson(base, app));
        }
        if (r2 === 'ephemeral_sessions') {
          const items = st.sessions.filter((s) => s.appId === app.id).sort(newestFirst);
          return list(req, `/apps/${app.id}/ephemeral_sessions`, 'ephemeral_sessions', items, sessionJson, {
            app: link(base, `/apps/${app.id}`),
          });
        }
        if (r2 === 'operations') {
          if (backend.state.forbiddenAppOperations.has(app.id) || backend.state.forbiddenAccounts.has(app.accountId)) {
            return err(403, 'forbidden', `You are not authorized to read the operations of App ${app.id}`);
          }
          const items = [...st.operations.values()].filter((o) => o.appId === app.id).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
          return list(req, `/apps/${app.id}/operations`, 'operations', items, operationJson, {
            app: link(base, `/apps/${app.id}`),
          });
        }
        return noRoute();
      }
      case 'operations': {
        const op = r1 !== undefined ? st.operations.get(intId(r1) ?? -1) : undefined;
        if (r1 === undefined) {
          return noRoute();
        }
        if (!op) {
          return notFound('Operation', r1);
        }
        if (backend.state.forbiddenOperations.has(op.id) || backend.state.forbiddenAccounts.has(op.accountId)) {
          return forbidden('Operation', op.id);
        }
        if (r2 === undefined) {
          return one(operationJson(base, op));
        }
        if (r2 === 'ephemeral_sessions') {
          const items = st.sessions.filter((s) => s.operationId === op.id).sort(newestFirst);
          return list(req, `/operations/${op.id}/ephemeral_sessions`, 'ephemeral_sessions', items, sessionJson, {
            operation: link(base, `/operations/${op.id}`),
          });
        }
        return noRoute();
      }
      case 'ephemeral_sessions': {
        if (r1 === undefined || (r2 !== undefined && r2 !== 'ephemeral_containers')) {
          return noRoute();
        }
        const s = st.sessions.find((x) => x.id === intId(r1));
        if (!s) {
          return notFound('EphemeralSession', r1);
        }
        if (r2 === 'ephemeral_containers') {
          return list(req, `/ephemeral_sessions/${s.id}/ephemeral_containers`, 'ephemeral_containers', [s], containerJson);
        }
        return one(sessionJson(base, s));
      }
      default:
        return noRoute();
    }
  }

  return backend;
}
