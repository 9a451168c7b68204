// PingOne Management API client for a worker application (client_credentials). Pure: no `vscode` import.
//
// - Two hosts: the auth host issues tokens (`POST {authUrl}/{environmentId}/as/token`), the API host serves `/v1/...`.
// - The access token is kept in memory only (it can always be obtained again from the stored client secret). It is
//   renewed shortly before `expires_in` runs out, and once after a 401 (the HTTP core's single-flight re-auth).
// - PingOne has no sign-out for client-credentials tokens, so signing out only discards the token.
import { SingleFlight } from '../../util/singleFlight';
import {
  ApiError,
  type AuthHandler,
  HttpClient,
  type HttpClientOptions,
  type FetchedPage,
  IncompleteListError,
  Pager,
  PagingLoopError,
  readAll,
} from '../../http';
import { type ConnectionRecord, type ConnectionSecrets, pingOneHosts } from '../../model/connection';
import type { BackendClient, ClientDeps, EnvironmentInfo, SignInResult } from '../types';
import { clientError, httpOptionsFor } from '../common';
import type {
  PingOneEnvironment,
  PingOneEnvironmentList,
  PingOneSession,
  PingOneSessionList,
  PingOneTokenResponse,
  PingOneUser,
  PingOneUserList,
} from './models';

/** Options for tests and tuning; the extension uses the defaults. */
export interface PingOneClientOptions {
  /** `limit` asked for on each `GET /environments` page (default: the server's default). */
  pageSize?: number;
  /** Passed to both HttpClients (e.g. an instant `sleep` in tests). */
  http?: Partial<Pick<HttpClientOptions, 'sleep' | 'retry' | 'timeoutMs' | 'random'>>;
}

/** One page of an environment's users: the first (no cursor) or the one a `_links.next.href` names. */
export interface UsersPageRequest {
  /** A `_links.next.href` from the previous page, followed verbatim; undefined or '' for the first page. */
  cursor?: string;
  /** `limit` of the first page (1–1000); later pages keep the limit their next link carries. */
  limit: number;
  /** A SCIM filter sent as `filter` on the first page (the server keeps it in its next links). */
  filter?: string;
}

/** What a DELETE of a session found: it ended now, or it was already gone (404). */
export type SessionDeleteResult = 'revoked' | 'already-ended';

/** Renew this long before the token expires (at most half the token's lifetime). */
const RENEW_MARGIN_MS = 60_000;
const DEFAULT_LIFETIME_S = 3600;

interface HeldToken {
  value: string;
  expiresAt: number;
  renewAt: number;
}

export class PingOneClient implements BackendClient {
  private readonly api: HttpClient;
  private readonly auth: HttpClient;
  /** The resolved API base (region or custom), e.g. https://api.pingone.eu/v1. */
  readonly apiUrl: string;
  /** The resolved auth base, e.g. https://auth.pingone.eu. */
  readonly authUrl: string;
  private readonly now: () => number;
  private token: HeldToken | undefined;
  private readonly obtaining = new SingleFlight<HeldToken>();

  constructor(
    readonly record: ConnectionRecord,
    private readonly secrets: ConnectionSecrets,
    private readonly deps: ClientDeps,
    private readonly options: PingOneClientOptions = {},
  ) {
    const hosts = pingOneHosts(record.endpoints);
    this.apiUrl = hosts.apiUrl;
    this.authUrl = hosts.authUrl;
    this.now = deps.now ?? Date.now;
    const common = httpOptionsFor(record, deps, options.http);
    const secretsFn = (): string[] => this.liveSecrets();
    this.auth = new HttpClient({ ...common, baseURL: this.authUrl, auth: { apply: async () => undefined, secrets: secretsFn } });
    const handler: AuthHandler = {
      apply: async (headers, signal) => {
        const token = await this.currentToken(signal);
        headers.authorization = `Bearer ${token.value}`;
      },
      reauthenticate: async () => {
        this.token = undefined;
        this.deps.log('info', 'PingOne answered 401; requesting a new worker-app token');
        await this.obtainToken();
      },
      secrets: secretsFn,
    };
    this.api = new HttpClient({ ...common, baseURL: this.apiUrl, auth: handler });
  }

  get signedIn(): boolean {
    return this.token !== undefined && this.now() < this.token.expiresAt;
  }

  /** When the held token expires (ms since epoch), if one is held. */
  get tokenExpiresAt(): number | undefined {
    return this.token?.expiresAt;
  }

  async signIn(signal?: AbortSignal): Promise<SignInResult> {
    this.token = undefined;
    const token = await this.obtainToken(signal);
    return {
      summary: `signed in as worker app ${this.record.auth.clientId ?? '(no client id)'} (token valid until ${clock(token.expiresAt)})`,
      expiresAt: token.expiresAt,
    };
  }

  async signOut(): Promise<string> {
    const held = this.token;
    this.token = undefined;
    this.obtaining.reset();
    if (!held) {
      return 'No PingOne token was held, so there was nothing to discard; PingOne has no sign-out for client-credentials tokens.';
    }
    return `The worker-app token was discarded; PingOne has no sign-out for client-credentials tokens; it expires on its own at ${clock(held.expiresAt)}.`;
  }

  async test(signal?: AbortSignal): Promise<string> {
    const res = await this.api.get<PingOneEnvironmentList>('environments', 'test connection', { params: { limit: 1 }, signal });
    const body = res.data;
    const count =
      typeof body?.count === 'number' ? body.count : Array.isArray(body?._embedded?.environments) ? body._embedded.environments.length : 0;
    return `${count} environment${count === 1 ? '' : 's'} visible`;
  }

  async listEnvironments(signal?: AbortSignal): Promise<EnvironmentInfo[]> {
    const operation = 'list environments';
    const first = this.options.pageSize ? `environments?limit=${this.options.pageSize}` : 'environments';
    const pager = new Pager<PingOneEnvironment>(
      async ({ cursor }) => {
        const res = await this.api.get<PingOneEnvironmentList>(cursor ?? first, operation, { signal });
        const body = res.data;
        const items = body?._embedded?.environments;
        if (!Array.isArray(items)) {
          throw this.error(operation, 'invalid-response', `${res.status} — the answer has no _embedded.environments list`);
        }
        return { items, next: body._links?.next?.href, total: typeof body.count === 'number' ? body.count : undefined };
      },
      { idOf: (e) => (typeof e?.id === 'string' ? e.id : undefined), firstCursor: first },
    );
    let environments: PingOneEnvironment[];
    try {
      environments = await readAll(pager, signal);
    } catch (e) {
      // What was read stays: the view shows it, then the refusal of the page that failed.
      throw e instanceof IncompleteListError ? (e as IncompleteListError<PingOneEnvironment>).map(toEnvironmentInfo, this.pagingError(operation, e.cause, signal)) : this.pagingError(operation, e, signal);
    }
    return environments.map(toEnvironmentInfo);
  }

  /**
   * One page of an environment's users (`GET /environments/{id}/users`), with the server's `count` of every user
   * matching the filter as the total and its `_links.next.href` as the next cursor (never built here).
   */
  async usersPage(environmentId: string, request: UsersPageRequest, signal?: AbortSignal): Promise<FetchedPage<PingOneUser>> {
    const operation = 'list users';
    const first = !request.cursor;
    const url = first ? `environments/${encodeURIComponent(environmentId)}/users` : (request.cursor as string);
    const params = first ? { limit: Math.max(1, Math.min(1000, Math.floor(request.limit))), filter: request.filter || undefined } : undefined;
    const res = await this.api.get<PingOneUserList>(url, operation, { params, signal });
    const body = res.data;
    const items = body?._embedded?.users;
    if (!Array.isArray(items)) {
      throw this.error(operation, 'invalid-response', `${res.status} — the answer has no _embedded.users list`);
    }
    const next = body._links?.next?.href;
    return { items, next: typeof next === 'string' && next !== '' ? next : undefined, total: typeof body.count === 'number' ? body.count : undefined };
  }

  /** One user (`GET /environments/{id}/users/{userId}`); undefined when it no longer exists (404). */
  async readUser(environmentId: string, userId: string, signal?: AbortSignal): Promise<PingOneUser | undefined> {
    return this.readOrGone<PingOneUser>(`environments/${encodeURIComponent(environmentId)}/users/${encodeURIComponent(userId)}`, 'read user', signal);
  }

  /**
   * A user's sessions (`GET /environments/{id}/users/{userId}/sessions`): one unpaged list of at most 10, expired
   * ones included, as PingOne keeps them.
   */
  async listUserSessions(environmentId: string, userId: string, signal?: AbortSignal): Promise<PingOneSession[]> {
    const operation = 'list sessions';
    const res = await this.api.get<PingOneSessionList>(this.sessionsPath(environmentId, userId), operation, { signal });
    const items = res.data?._embedded?.sessions;
    if (!Array.isArray(items)) {
      throw this.error(operation, 'invalid-response', `${res.status} — the answer has no _embedded.sessions list`);
    }
    return items.filter((s): s is PingOneSession => typeof s?.id === 'string');
  }

  /** One session; undefined when it is gone (404: ended, expired and dropped, or the user was deleted). */
  async readSession(environmentId: string, userId: string, sessionId: string, signal?: AbortSignal): Promise<PingOneSession | undefined> {
    return this.readOrGone<PingOneSession>(`${this.sessionsPath(environmentId, userId)}/${encodeURIComponent(sessionId)}`, 'read session', signal);
  }

  /**
   * Ends a session (`DELETE …/sessions/{id}`): 204 → 'revoked'; 404 → 'already-ended' (someone else ended it, or it
   * was dropped). Anything else rejects with the HTTP core's ApiError, which keeps the server's own words (a 403
   * names what the worker app may not do).
   */
  async deleteSession(environmentId: string, userId: string, sessionId: string, signal?: AbortSignal): Promise<SessionDeleteResult> {
    try {
      await this.api.delete(`${this.sessionsPath(environmentId, userId)}/${encodeURIComponent(sessionId)}`, 'revoke session', { signal });
      return 'revoked';
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        return 'already-ended';
      }
      throw e;
    }
  }

  /** Closes pooled sockets. */
  dispose(): void {
    this.api.dispose();
    this.auth.dispose();
  }

  // -----------------------------------------------------------------------------------------------------------

  private sessionsPath(environmentId: string, userId: string): string {
    return `environments/${encodeURIComponent(environmentId)}/users/${encodeURIComponent(userId)}/sessions`;
  }

  private async readOrGone<T>(url: string, operation: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      const res = await this.api.get<T>(url, operation, { signal });
      if (!res.data || typeof res.data !== 'object' || typeof (res.data as { id?: unknown }).id !== 'string') {
        throw this.error(operation, 'invalid-response', `${res.status} — the answer has no id`);
      }
      return res.data;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        return undefined;
      }
      throw e;
    }
  }

  private liveSecrets(): string[] {
    const out: string[] = [];
    if (this.secrets.clientSecret) {
      out.push(this.secrets.clientSecret);
    }
    if (this.token) {
      out.push(this.token.value);
    }
    return out;
  }

  private async currentToken(signal?: AbortSignal): Promise<HeldToken> {
    const held = this.token;
    if (held && this.now() < held.renewAt) {
      return held;
    }
    if (held) {
      this.deps.log('debug', `the PingOne token expires at ${clock(held.expiresAt)}; renewing it`);
    }
    return this.obtainToken(signal);
  }

  /** One token request at a time; concurrent callers share it. */
  private obtainToken(signal?: AbortSignal): Promise<HeldToken> {
    return this.obtaining.run(() => this.requestToken(signal));
  }

  private async requestToken(signal?: AbortSignal): Promise<HeldToken> {
    const operation = 'sign in';
    const { environmentId, clientId, clientAuth } = this.record.auth;
    const clientSecret = this.secrets.clientSecret;
    if (!environmentId || !clientId) {
      throw this.error(operation, 'auth', "the connection has no worker app environment id or client id; edit the connection");
    }
    if (!clientSecret) {
      throw this.error(operation, 'auth', 'no client secret is stored for this connection; edit the connection and enter it');
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = {};
    if ((clientAuth ?? 'basic') === 'basic') {
      // RFC 6749 §2.3.1: both parts form-encoded, then Basic.
      const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    let body: PingOneTokenResponse;
    try {
      const res = await this.auth.post<PingOneTokenResponse>(`${encodeURIComponent(environmentId)}/as/token`, form, operation, {
        headers,
        signal,
        authenticate: false,
      });
      body = res.data;
    } catch (e) {
      throw this.tokenError(e, environmentId);
    }
    const value = body?.access_token;
    if (typeof value !== 'string' || value === '') {
      throw this.error(operation, 'invalid-response', 'the token endpoint answered without an access_token');
    }
    const lifetimeS = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_LIFETIME_S;
    const lifetimeMs = lifetimeS * 1000;
    const issuedAt = this.now();
    const token: HeldToken = {
      value,
      expiresAt: issuedAt + lifetimeMs,
      renewAt: issuedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2),
    };
    this.token = token;
    this.deps.log('debug', `obtained a PingOne worker-app token valid for ${lifetimeS} s`);
    return token;
  }

  /** Clear messages for the token endpoint's usual refusals. */
  private tokenError(e: unknown, environmentId: string): unknown {
    if (!(e instanceof ApiError) || (e.kind !== 'auth' && e.kind !== 'http')) {
      return e;
    }
    const said = vendorMessage(e.summary);
    if (e.vendorCode === 'invalid_client' || (e.status === 401 && !e.vendorCode)) {
      return this.error('sign in', 'auth', `PingOne rejected the client id or secret (${e.vendorCode ?? 'invalid_client'})${said ? `: ${said}` : ''}`, e);
    }
    if (e.status === 404) {
      return this.error(
        'sign in',
        'http',
        `PingOne does not know the environment ${environmentId} on ${this.authUrl}; check the worker app's environment id and the region${said ? ` (${said})` : ''}`,
        e,
      );
    }
    if (e.vendorCode === 'unauthorized_client' || e.vendorCode === 'unsupported_grant_type') {
      return this.error('sign in', 'auth', `the worker app may not use the client_credentials grant (${e.vendorCode})${said ? `: ${said}` : ''}`, e);
    }
    return e;
  }

  private pagingError(operation: string, e: unknown, signal?: AbortSignal): unknown {
    if (e instanceof PagingLoopError) {
      return this.error(operation, 'invalid-response', e.message);
    }
    if (signal?.aborted && !(e instanceof ApiError)) {
      return this.error(operation, 'cancelled', 'cancelled');
    }
    return e;
  }

  private error(operation: string, kind: ApiError['kind'], summary: string, from?: ApiError): ApiError {
    return clientError(this.record, operation, kind, summary, this.liveSecrets(), from);
  }
}

/** What the vendor said, from an ApiError summary "401 invalid_client — <message> (request …)". */
function vendorMessage(summary: string): string | undefined {
  const m = /—\s*(.+?)(?:\s*\(request [^)]*\))?$/.exec(summary);
  return m ? m[1] : undefined;
}

export function toEnvironmentInfo(env: PingOneEnvironment): EnvironmentInfo {
  const type = typeof env.type === 'string' ? env.type : undefined;
  const region = typeof env.region === 'string' ? env.region : undefined;
  return {
    id: env.id,
    label: env.name ?? env.id,
    // As the PingOne console writes them: "Production · EU".
    description: [type ? type.charAt(0) + type.slice(1).toLowerCase() : undefined, region].filter(Boolean).join(' · ') || undefined,
    details: {
      id: env.id,
      type,
      region,
      status: env.status,
      license: env.license?.id,
      organization: env.organization?.id,
    },
    raw: env,
    icon: env.status === 'DELETE_PENDING' ? 'trash' : type === 'PRODUCTION' ? 'server-environment' : 'beaker',
  };
}

/** Local wall-clock time as HH:MM. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
