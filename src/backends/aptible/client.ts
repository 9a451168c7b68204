// Aptible Deploy API client. Pure: no `vscode` import.
//
// - 'password': OAuth2 password grant on the auth server (`POST {authUrl}/tokens`, scope manage), asking for the
//   two-factor code when the server answers `otp_token_required`. The issued token is written back through
//   `saveSecrets` (so a reload reuses it) and used until `expires_at`; after that, or on a 401, it signs in again with
//   the stored password.
// - 'token' / 'cliToken': a pasted token, or the one the aptible CLI saved. It cannot be renewed: a 401 tells the
//   person to paste (or import) a new one.
// - Aptible has no sign-out for tokens in its API; signing out discards the token locally.
import { SingleFlight } from '../../util/singleFlight';
import { ApiError, type AuthHandler, HttpClient, type HttpClientOptions, IncompleteListError, Pager, PagingLoopError, readAll } from '../../http';
import { type ConnectionRecord, type ConnectionSecrets, stripSlash } from '../../model/connection';
import type { BackendClient, ClientDeps, EnvironmentInfo, SignInResult } from '../types';
import { clientError, httpOptionsFor, knownOrAskedPassword } from '../common';
import type { FetchedPage } from '../../http/paging';
import {
  type AptibleAccount,
  type AptibleAccountList,
  type AptibleApp,
  type AptibleCollection,
  type AptibleEphemeralContainer,
  type AptibleEphemeralSession,
  type AptibleOperation,
  type AptibleTokenResponse,
  stripSensitive,
} from './models';

export const APTIBLE_DEFAULT_AUTH_URL = 'https://auth.aptible.com';
export const APTIBLE_DEFAULT_API_URL = 'https://api.aptible.com';

const HAL = 'application/hal+json';
/** Sign in again this long before the token's `expires_at`. */
const RENEW_MARGIN_MS = 60_000;

export interface AptibleClientOptions {
  /** Passed to both HttpClients (e.g. an instant `sleep` in tests). */
  http?: Partial<Pick<HttpClientOptions, 'sleep' | 'retry' | 'timeoutMs' | 'random'>>;
}

interface HeldToken {
  value: string;
  /** ms since epoch, when known. */
  expiresAt?: number;
}

export class AptibleClient implements BackendClient {
  private readonly api: HttpClient;
  private readonly authServer: HttpClient;
  readonly apiUrl: string;
  readonly authUrl: string;
  private readonly now: () => number;
  private token: HeldToken | undefined;
  /** A password asked for because none is stored (kept in memory for re-authentication, never saved here). */
  private askedPassword: string | undefined;
  private readonly loggingIn = new SingleFlight<HeldToken>();

  constructor(
    readonly record: ConnectionRecord,
    private readonly secrets: ConnectionSecrets,
    private readonly deps: ClientDeps,
    options: AptibleClientOptions = {},
  ) {
    this.apiUrl = stripSlash(record.endpoints.apiUrl || APTIBLE_DEFAULT_API_URL);
    this.authUrl = stripSlash(record.endpoints.authUrl || APTIBLE_DEFAULT_AUTH_URL);
    this.now = deps.now ?? Date.now;
    if (secrets.token) {
      this.token = { value: secrets.token, expiresAt: secrets.tokenExpiresAt ?? jwtExpiry(secrets.token) };
    }
    const common = httpOptionsFor(record, deps, options.http);
    const secretsFn = (): string[] => this.liveSecrets();
    this.authServer = new HttpClient({ ...common, baseURL: this.authUrl, auth: { apply: async () => undefined, secrets: secretsFn } });
    const handler: AuthHandler = {
      apply: async (headers, signal) => {
        const token = await this.currentToken(signal);
        headers.authorization = `Bearer ${token.value}`;
        headers.accept = HAL;
      },
      secrets: secretsFn,
    };
    if (this.usesPassword) {
      handler.reauthenticate = async () => {
        this.token = undefined;
        this.deps.log('info', 'Aptible answered 401; signing in again with the stored password');
        await this.login();
      };
    }
    this.api = new HttpClient({ ...common, baseURL: this.apiUrl, auth: handler });
  }

  private get usesPassword(): boolean {
    return this.record.auth.method === 'password';
  }

  get signedIn(): boolean {
    return this.token !== undefined && (this.token.expiresAt === undefined || this.now() < this.token.expiresAt);
  }

  async signIn(signal?: AbortSignal): Promise<SignInResult> {
    const operation = 'sign in';
    await this.run(operation, async () => {
      await this.currentToken(signal);
      // Proves the API host accepts the token (the auth and API hosts are configured separately).
      await this.api.get<unknown>('', operation, { signal });
    });
    const held = this.token;
    const until = held?.expiresAt !== undefined ? ` (token valid until ${when(held.expiresAt)})` : '';
    const who = this.usesPassword ? `signed in as ${this.record.auth.username ?? '(no email)'}` : this.record.auth.method === 'cliToken' ? 'signed in with the aptible CLI token' : 'signed in with the pasted token';
    return { summary: `${who}${until}`, expiresAt: held?.expiresAt };
  }

  async signOut(): Promise<string> {
    const held = this.token;
    this.token = undefined;
    this.loggingIn.reset();
    const expiry = held?.expiresAt !== undefined ? ` (this one at ${when(held.expiresAt)})` : '';
    if (this.usesPassword) {
      if (held) {
        await this.deps.saveSecrets({ token: undefined, tokenExpiresAt: undefined });
      }
      return `The Aptible token was discarded locally; Aptible's API has no sign-out, and Aptible tokens expire on their own${expiry}.`;
    }
    return `Session Manager stopped using the ${this.record.auth.method === 'cliToken' ? 'imported CLI' : 'pasted'} token (discarded locally); Aptible's API has no sign-out, and Aptible tokens expire on their own${expiry}.`;
  }

  async test(signal?: AbortSignal): Promise<string> {
    const operation = 'test connection';
    return this.run(operation, async () => {
      const res = await this.api.get<AptibleAccountList>('accounts', operation, { signal });
      const body = res.data;
      const n = typeof body?.total_count === 'number' ? body.total_count : Array.isArray(body?._embedded?.accounts) ? body._embedded.accounts.length : 0;
      return `${n} environment${n === 1 ? '' : 's'}`;
    });
  }

  async listEnvironments(signal?: AbortSignal): Promise<EnvironmentInfo[]> {
    const operation = 'list environments';
    return this.run(operation, async () => {
      const pager = new Pager<AptibleAccount>(
        async ({ cursor }) => {
          const res = await this.api.get<AptibleAccountList>(cursor ?? 'accounts', operation, { signal });
          const items = res.data?._embedded?.accounts;
          if (!Array.isArray(items)) {
            throw this.error(operation, 'invalid-response', `${res.status} — the answer has no _embedded.accounts list`);
          }
          return { items, next: res.data._links?.next?.href, total: res.data.total_count };
        },
        { idOf: (a) => (a?.id === undefined || a.id === null ? undefined : String(a.id)), firstCursor: 'accounts' },
      );
      const refusal = (e: unknown): unknown => {
        if (e instanceof PagingLoopError) {
          return this.error(operation, 'invalid-response', e.message);
        }
        if (signal?.aborted && !(e instanceof ApiError)) {
          return this.error(operation, 'cancelled', 'cancelled');
        }
        return e;
      };
      try {
        return (await readAll(pager, signal)).map(toEnvironmentInfo);
      } catch (e) {
        // What was read stays: the view shows it, then the refusal of the page that failed.
        throw e instanceof IncompleteListError ? (e as IncompleteListError<AptibleAccount>).map(toEnvironmentInfo, refusal(e.cause)) : refusal(e);
      }
    });
  }

  /** One page of an account's apps: the first page is `accounts/{id}/apps`, later ones the `next` href verbatim. */
  async appsPage(accountId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleApp>> {
    return this.collectionPage<'apps', AptibleApp>(cursor || `accounts/${encodeURIComponent(accountId)}/apps`, 'apps', 'list apps', signal);
  }

  /** One page of an app's ephemeral sessions (`apps/{id}/ephemeral_sessions`, then the `next` href verbatim). */
  async appSessionsPage(appId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleEphemeralSession>> {
    const first = `apps/${encodeURIComponent(appId)}/ephemeral_sessions`;
    return this.collectionPage<'ephemeral_sessions', AptibleEphemeralSession>(cursor || first, 'ephemeral_sessions', 'list ephemeral sessions', signal);
  }

  /**
   * One page of an app's operations of every type (`apps/{id}/operations`, then the `next` href verbatim): deploys,
   * restarts, and the `execute` operations `aptible ssh` creates.
   */
  async appOperationsPage(appId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleOperation>> {
    const first = `apps/${encodeURIComponent(appId)}/operations`;
    return this.collectionPage<'operations', AptibleOperation>(cursor || first, 'operations', 'list operations', signal);
  }

  /** One page of the ephemeral sessions an operation started (`operations/{id}/ephemeral_sessions`). */
  async operationSessionsPage(operationId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleEphemeralSession>> {
    const first = `operations/${encodeURIComponent(operationId)}/ephemeral_sessions`;
    return this.collectionPage<'ephemeral_sessions', AptibleEphemeralSession>(cursor || first, 'ephemeral_sessions', 'list ephemeral sessions of an operation', signal);
  }

  /** One ephemeral session (`GET /ephemeral_sessions/{id}`); undefined when there is none (404). */
  async readEphemeralSession(sessionId: string, signal?: AbortSignal): Promise<AptibleEphemeralSession | undefined> {
    return this.readOrGone<AptibleEphemeralSession>(`ephemeral_sessions/${encodeURIComponent(sessionId)}`, 'read ephemeral session', signal);
  }

  /** One page of a session's containers (`ephemeral_sessions/{id}/ephemeral_containers`, then `next` verbatim). */
  async sessionContainersPage(sessionId: string, cursor: string | undefined, signal?: AbortSignal): Promise<FetchedPage<AptibleEphemeralContainer>> {
    const first = `ephemeral_sessions/${encodeURIComponent(sessionId)}/ephemeral_containers`;
    return this.collectionPage<'ephemeral_containers', AptibleEphemeralContainer>(cursor || first, 'ephemeral_containers', 'list ephemeral containers', signal);
  }

  /** One app (`GET /apps/{id}`); undefined when there is none (404). */
  async readApp(appId: string, signal?: AbortSignal): Promise<AptibleApp | undefined> {
    return this.readOrGone<AptibleApp>(`apps/${encodeURIComponent(appId)}`, 'read app', signal);
  }

  /** One operation (`GET /operations/{id}`). A 404 or 403 is thrown as the HTTP core worded it. */
  async readOperation(operationId: string, signal?: AbortSignal): Promise<AptibleOperation> {
    const operation = 'read operation';
    return this.run(operation, async () => {
      const res = await this.api.get<AptibleOperation>(`operations/${encodeURIComponent(operationId)}`, operation, { signal });
      if (!res.data || typeof res.data !== 'object' || typeof res.data.id !== 'number') {
        throw this.error(operation, 'invalid-response', `${res.status} — the answer has no operation id`);
      }
      return stripSensitive(res.data);
    });
  }

  /** Asks Aptible to cancel an operation (`PATCH /operations/{id}` with `{ cancelled: true }`, as `aptible operation:cancel`). */
  async cancelOperation(operationId: string, signal?: AbortSignal): Promise<void> {
    const operation = 'cancel operation';
    await this.run(operation, async () => {
      await this.api.request<unknown>({ method: 'PATCH', url: `operations/${encodeURIComponent(operationId)}`, data: { cancelled: true }, operation, signal });
    });
  }

  private async readOrGone<T extends { id: number }>(url: string, operation: string, signal?: AbortSignal): Promise<T | undefined> {
    return this.run(operation, async () => {
      try {
        const res = await this.api.get<T>(url, operation, { signal });
        if (!res.data || typeof res.data !== 'object' || typeof res.data.id !== 'number') {
          throw this.error(operation, 'invalid-response', `${res.status} — the answer has no id`);
        }
        return stripSensitive(res.data);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          return undefined;
        }
        throw e;
      }
    });
  }

  private async collectionPage<K extends string, T>(url: string, key: K, operation: string, signal?: AbortSignal): Promise<FetchedPage<T>> {
    return this.run(operation, async () => {
      const res = await this.api.get<AptibleCollection<K, T>>(url, operation, { signal });
      const items = res.data?._embedded?.[key];
      if (!Array.isArray(items)) {
        throw this.error(operation, 'invalid-response', `${res.status} — the answer has no _embedded.${key} list`);
      }
      const next = res.data._links?.next?.href;
      return {
        items: items.map((i) => stripSensitive(i)),
        next: typeof next === 'string' && next !== '' ? next : undefined,
        total: typeof res.data.total_count === 'number' ? res.data.total_count : undefined,
      };
    });
  }

  /** Closes pooled sockets. */
  dispose(): void {
    this.api.dispose();
    this.authServer.dispose();
  }

  // -----------------------------------------------------------------------------------------------------------

  private liveSecrets(): string[] {
    return [this.secrets.password, this.askedPassword, this.secrets.token, this.token?.value].filter((s): s is string => typeof s === 'string' && s !== '');
  }

  private async currentToken(signal?: AbortSignal): Promise<HeldToken> {
    const held = this.token;
    if (held && (held.expiresAt === undefined || this.now() < held.expiresAt - RENEW_MARGIN_MS)) {
      return held;
    }
    if (!this.usesPassword) {
      if (!held) {
        throw this.error('sign in', 'auth', this.noTokenAdvice('no token is stored for this connection'));
      }
      // Expired by its own `exp`: let the server say so (clocks differ); a 401 is turned into advice by run().
      return held;
    }
    if (held) {
      this.deps.log('info', `the Aptible token expired at ${when(held.expiresAt as number)}; signing in again`);
    }
    return this.login(signal);
  }

  /** One password sign-in at a time; concurrent callers share it. */
  private login(signal?: AbortSignal): Promise<HeldToken> {
    return this.loggingIn.run(() => this.passwordGrant(signal));
  }

  private async passwordGrant(signal?: AbortSignal): Promise<HeldToken> {
    const operation = 'sign in';
    const email = this.record.auth.username;
    if (!email) {
      throw this.error(operation, 'auth', 'the connection has no email address; edit the connection');
    }
    const password = await knownOrAskedPassword(
      this.secrets.password || this.askedPassword,
      this.deps.prompter,
      { title: 'Aptible password', prompt: `Password for ${email} at ${this.authUrl}` },
      (asked) => {
        this.askedPassword = asked;
      },
      () => this.error(operation, 'cancelled', 'no password was entered'),
    );
    const form = new URLSearchParams({ grant_type: 'password', username: email, password, scope: 'manage' });
    let body: AptibleTokenResponse;
    try {
      body = (await this.authServer.post<AptibleTokenResponse>('tokens', form, operation, { signal, authenticate: false })).data;
    } catch (e) {
      if (!(e instanceof ApiError) || e.vendorCode !== 'otp_token_required') {
        throw this.loginError(e);
      }
      const code = await this.deps.prompter.askCode({
        title: 'Aptible two-factor code',
        prompt: `Enter the two-factor code for ${email} (from your authenticator app)`,
      });
      if (code === undefined || code.trim() === '') {
        throw this.error(operation, 'cancelled', 'no two-factor code was entered');
      }
      form.set('otp_token', code.trim());
      try {
        body = (await this.authServer.post<AptibleTokenResponse>('tokens', form, operation, { signal, authenticate: false })).data;
      } catch (e2) {
        throw this.loginError(e2);
      }
    }
    const value = body?.access_token;
    if (typeof value !== 'string' || value === '') {
      throw this.error(operation, 'invalid-response', 'the auth server answered without an access_token');
    }
    let expiresAt: number | undefined;
    if (typeof body.expires_at === 'number') {
      expiresAt = body.expires_at * 1000;
    } else if (typeof body.expires_in === 'number') {
      expiresAt = this.now() + body.expires_in * 1000;
    } else {
      expiresAt = jwtExpiry(value);
    }
    const token: HeldToken = { value, expiresAt };
    this.token = token;
    await this.deps.saveSecrets({ token: value, tokenExpiresAt: expiresAt });
    this.deps.log('debug', `obtained an Aptible token${expiresAt !== undefined ? ` valid until ${when(expiresAt)}` : ''}`);
    return token;
  }

  private loginError(e: unknown): unknown {
    if (!(e instanceof ApiError)) {
      return e;
    }
    if (e.vendorCode === 'invalid_credentials' || (e.status === 401 && e.vendorCode === undefined)) {
      this.askedPassword = undefined;
      return this.error('sign in', 'auth', `Aptible rejected the email or password (${e.vendorCode ?? '401'})`, e);
    }
    if (e.vendorCode === 'invalid_otp_token') {
      return this.error('sign in', 'auth', 'Aptible rejected the two-factor code (invalid_otp_token); sign in again with a fresh code', e);
    }
    return e;
  }

  /** Runs an operation; for tokens that cannot be renewed, turns a 401 into advice. */
  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!this.usesPassword && e instanceof ApiError && e.kind === 'auth' && e.status === 401) {
        this.token = undefined;
        const said = e.vendorCode ? ` (${e.vendorCode})` : '';
        throw this.error(operation, 'auth', this.noTokenAdvice(`Aptible rejected the token${said}; it has expired or was revoked`), e);
      }
      throw e;
    }
  }

  private noTokenAdvice(what: string): string {
    return this.record.auth.method === 'cliToken'
      ? `${what}. Run "aptible login" and import the CLI token again (Edit Connection), or paste a new token`
      : `${what}. Paste a new token with Edit Connection`;
  }

  private error(operation: string, kind: ApiError['kind'], summary: string, from?: ApiError): ApiError {
    return clientError(this.record, operation, kind, summary, this.liveSecrets(), from);
  }
}

export function toEnvironmentInfo(account: AptibleAccount): EnvironmentInfo {
  const safe = stripSensitive(account);
  const type = typeof account.type === 'string' ? account.type : undefined;
  const apps = typeof account.total_app_count === 'number' ? account.total_app_count : undefined;
  const databases = typeof account.total_database_count === 'number' ? account.total_database_count : undefined;
  const appText = apps !== undefined ? `${apps} app${apps === 1 ? '' : 's'}` : undefined;
  return {
    id: String(account.id),
    label: account.handle ?? String(account.id),
    description: [type ?? '', appText].filter(Boolean).join(' · ') || undefined,
    details: {
      id: account.id,
      handle: account.handle,
      type,
      apps,
      databases,
      created: account.created_at,
    },
    raw: safe,
    icon: type === 'production' ? 'server-environment' : 'server',
  };
}

/** The `exp` of a JWT in ms, if the token is one (not verified: only for showing when it runs out). */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Local date and time, e.g. "2025-06-01 17:30". */
function when(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
