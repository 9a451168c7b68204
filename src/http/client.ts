// The shared HTTP core every API client uses (OpenZiti, PingOne, Aptible, Cohesity): one HttpClient per connection,
// on axios, with per-connection TLS trust, proxy, cancellation, retries, one transparent re-authentication on 401,
// normalised errors and redacted logging. No `vscode` import.
//
// Behaviour worth knowing:
// - URLs: a relative `url` is appended to baseURL (axios semantics: `/sessions` and `sessions` both become
//   `<baseURL>/sessions`; a leading `./`, as in OpenZiti's `_links`, is dropped). An absolute URL (a PingOne/Aptible
//   `_links.next.href`) is used verbatim but must have the baseURL's origin, otherwise the request is refused before
//   anything (credentials included) is sent.
// - Redirects are not followed (a redirect could carry `zt-session`/`session-id` headers to another host); a 3xx is
//   reported as an error naming the Location.
// - Retries (idempotent requests only: GET/HEAD/OPTIONS/PUT/DELETE by default, or `idempotent: true`): 429, 502, 503,
//   504 and dropped connections (ECONNRESET, "socket hang up", EPIPE), up to `retries` times, waiting `Retry-After`
//   (seconds or HTTP-date, capped at maxDelayMs) or exponential backoff with full jitter. A non-idempotent request
//   (POST) is retried only on 429 *with* Retry-After: the server says it rejected the request unprocessed and when to
//   come back. A POST is never retried after a dropped connection, a 5xx or a timeout. Timeouts are not retried
//   (each attempt already waited the full timeout), nor is anything after cancellation. After a retried 502, 504 or
//   dropped connection the first attempt may have been carried out: the response (or ApiError) then says
//   `earlierAttemptMayHaveSucceeded` (a DELETE answering 404 on its retry may have deleted the item itself).
// - 401: when the AuthHandler can `reauthenticate`, it is called once (shared by concurrent requests: single flight)
//   and the request is repeated once, whatever its method (the server rejected the first attempt). A second 401 is an
//   ApiError of kind 'auth'.
// - The timeout (timeoutMs) applies per attempt, from sending the request to receiving the whole body.
// - Every response body (errors included) is capped on the wire and after decompression (maxResponseBytes; default
//   32 MiB for GET, 1 MiB otherwise, see body.ts): a larger answer is an 'invalid-response' saying the server sent too
//   much, and is not read further. The core decodes gzip/deflate/br itself to count the decoded bytes.
// - Proxy: `proxy.url` (VS Code's http.proxy) is used for every target not matched by `proxy.noProxy`; https targets
//   go through a CONNECT tunnel with the connection's own TLS trust. `strictSSL: false` is NOT honoured: TLS
//   verification is never switched off (trust a TLS-inspecting proxy's CA per connection instead).
//   `httpsAgentFactory` lets the caller supply its own agent (e.g. for PAC or Kerberos proxies).
// - VS Code's own proxy support (`http.proxySupport`, default `override`) swaps the agent of every https request to a
//   host other than localhost/127.0.0.1 for its own, which connects direct or through the proxy it resolves using only
//   the request's options. So the connection's CA and client certificate go in every request's options as well as on
//   the agent (see httpsTransport), and survive that swap.
import axios, { type AxiosInstance, type AxiosProxyConfig } from 'axios';
import type { Readable } from 'stream';
import * as http from 'http';
import * as https from 'https';
import * as tls from 'tls';
import { isSecretKey, isSecretRequestKey, redactText, redactUrl } from '../util/redact';
import { ACCEPT_ENCODING, BodyTooLargeError, formatBytes, readBodyCapped, RESPONSE_LIMITS, UnsupportedEncodingError } from './body';
import { abortableSleep } from './cancel';
import {
  ApiError,
  errorFromResponse,
  errorFromTransport,
  htmlTitle,
  invalidResponse,
  isDroppedConnection,
  looksLikeHtml,
} from './errors';
import { bypassesProxy, type ProxySettings, TunnelingAgent } from './proxy';
import { backoffDelay, parseRetryAfter } from './retryAfter';
import { fetchPeerCertificateChain } from './tls';

export { toAbortSignal, type CancellationTokenLike } from './cancel';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type HttpLog = (level: LogLevel, message: string) => void;
export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How a connection authenticates its requests. Implemented per backend. */
export interface AuthHandler {
  /** Adds the credentials (e.g. `zt-session`, `Authorization`, `session-id`, `apiKey`) to the request headers. */
  apply(headers: Record<string, string>, signal?: AbortSignal): Promise<void>;
  /**
   * Gets fresh credentials after a 401. Called at most once per request, shared by concurrent requests; other
   * authenticated requests wait for it. Any authenticated request it sends itself (e.g. answering an MFA challenge
   * with the partially authenticated token) must set `signInStep: true`, or it would wait for this very call.
   */
  reauthenticate?(signal?: AbortSignal): Promise<void>;
  /** The live secret values (tokens, passwords, keys) to scrub from logs and error messages. */
  secrets?(): string[];
}

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Base of the exponential backoff (default 300 ms). */
  baseDelayMs?: number;
  /** Cap of any single wait, Retry-After included (default 30 000 ms). */
  maxDelayMs?: number;
}

export interface HttpsAgentSettings {
  /** Node's default roots plus the connection's trusted CAs, or undefined for the defaults. */
  ca?: string[];
  cert?: string;
  key?: string;
  /** The proxy URL to tunnel through, when one applies to this target. */
  proxyUrl?: string;
}

export interface HttpClientOptions {
  connectionId: string;
  connectionLabel: string;
  baseURL: string;
  /** Per attempt (default 30 000 ms). */
  timeoutMs?: number;
  /**
   * Cap of every response body, on the wire and after decompression, unless the request sets its own. Default:
   * RESPONSE_LIMITS.list (32 MiB) for GET, RESPONSE_LIMITS.small (1 MiB) for every other method.
   */
  maxResponseBytes?: number;
  /** PEM CA certificates trusted for this connection only, in addition to Node's default roots. */
  ca?: readonly string[];
  clientCertificate?: { certPem: string; keyPem: string };
  proxy?: ProxySettings;
  auth?: AuthHandler;
  log?: HttpLog;
  retry?: RetryOptions;
  /** Injectable wait (tests record the delays instead of waiting). Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable clock for HTTP-date Retry-After values. */
  now?: () => number;
  /** Injectable randomness for the backoff jitter. */
  random?: () => number;
  userAgent?: string;
  /** Replaces the built-in https agent (direct or CONNECT tunnel) — e.g. for PAC/authenticating proxies. */
  httpsAgentFactory?: (settings: HttpsAgentSettings) => https.Agent;
  /**
   * On an untrusted certificate, read the server's chain (see fetchPeerCertificateChain) and attach it to the error
   * as `peerCertificate` for the trust prompt. Default true.
   */
  probeUntrustedCertificate?: boolean;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to baseURL, or absolute with the same origin. */
  url: string;
  /** Query parameters; arrays repeat the key (`a=1&a=2`), undefined/null are left out. Join yourself for csv. */
  params?: Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined | null>;
  /** A JSON-serialisable value, or URLSearchParams for a form body. */
  data?: unknown;
  headers?: Record<string, string>;
  /** What this request does, for messages: "list sessions". */
  operation: string;
  signal?: AbortSignal;
  /** Default: true for GET/HEAD/OPTIONS/PUT/DELETE, false for POST/PATCH. */
  idempotent?: boolean;
  /** Apply the AuthHandler (default true). */
  authenticate?: boolean;
  /**
   * This request is a step of signing in (e.g. `POST /authenticate/mfa` with the partially authenticated token):
   * the AuthHandler's current credentials are applied, but it never waits for a re-authentication in flight (it may
   * be a part of it, and would wait for itself) and a 401 is an 'auth' error at once instead of a new sign-in.
   * Sign-out requests set it too: nothing signs in just to sign out.
   */
  signInStep?: boolean;
  /**
   * Cap of the response body in bytes, on the wire and after decompression (see HttpClientOptions.maxResponseBytes).
   * A larger answer fails with an ApiError ('invalid-response', code RESPONSE_TOO_LARGE) saying the server sent too
   * much; nothing more is read.
   */
  maxResponseBytes?: number;
  /** 'json' (default) parses the body; 'text' returns it as a string. */
  responseType?: 'json' | 'text';
  /**
   * Whether a 2xx with an empty body is fine (data undefined) for a JSON request. Default: true for DELETE, false
   * otherwise (an empty body where JSON was expected is an 'invalid-response'). 204/205 and HEAD are always fine.
   */
  allowEmpty?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /**
   * An earlier attempt (retried after a 502, a 504 or a dropped connection) may have reached the server and done the
   * work already; also set on the ApiError of a failed request. Always set by HttpClient (optional for stand-ins).
   */
  earlierAttemptMayHaveSucceeded?: boolean;
}

export type RequestInit = Omit<HttpRequest, 'method' | 'url' | 'operation' | 'data'>;

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Retried statuses after which the first attempt may still have been carried out (a gateway lost the answer). */
const MAY_HAVE_REACHED_STATUS = new Set([502, 504]);
const IDEMPOTENT_METHODS = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export class HttpClient {
  readonly connectionId: string;
  readonly connectionLabel: string;
  readonly baseURL: string;
  private readonly origin: string;
  private readonly axios: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly agents = new Map<string, https.Agent | http.Agent>();
  private readonly httpsTransport: HttpsTransport | undefined;
  private reauthInFlight: Promise<void> | undefined;
  /** Incremented by every successful re-authentication (lets a late 401 see that fresh credentials exist). */
  private authEpoch = 0;
  private warnedStrictSSL = false;

  constructor(private readonly options: HttpClientOptions) {
    this.connectionId = options.connectionId;
    this.connectionLabel = options.connectionLabel;
    const base = new URL(options.baseURL);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new Error(`${options.connectionLabel}: unsupported URL scheme ${base.protocol}`);
    }
    this.baseURL = options.baseURL.replace(/\/+$/, '');
    this.origin = base.origin;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = Math.max(0, options.retry?.retries ?? 3);
    this.baseDelayMs = options.retry?.baseDelayMs ?? 300;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.axios = axios.create({
      // Everything is handled here: status codes, parsing, redirects, proxies.
      validateStatus: () => true,
      // The raw body is read by readBodyCapped (size caps before and after decompression, which it does itself).
      responseType: 'stream',
      transformResponse: [(d: unknown) => d],
      maxRedirects: 0,
      proxy: false,
      decompress: false,
    });
    this.httpsTransport = httpsTransport(this.tlsOptions());
  }

  get<T>(url: string, operation: string, init: RequestInit = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...init, method: 'GET', url, operation });
  }

  post<T>(url: string, data: unknown, operation: string, init: RequestInit = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...init, method: 'POST', url, data, operation });
  }

  delete<T>(url: string, operation: string, init: RequestInit = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...init, method: 'DELETE', url, operation });
  }

  /** Closes pooled sockets. The client must not be used afterwards. */
  dispose(): void {
    for (const agent of this.agents.values()) {
      agent.destroy();
    }
    this.agents.clear();
  }

  /** The absolute URL a request would go to (same-origin enforced for absolute URLs). */
  resolveUrl(url: string, params?: HttpRequest['params'], operation = 'request'): string {
    let full: string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        throw this.refuse(operation, `the link ${redactUrl(url)} is not a valid URL`);
      }
      if (u.origin !== this.origin) {
        throw this.refuse(operation, `refused to follow a link to another origin (${u.origin}; this connection is ${this.origin})`);
      }
      full = u.toString();
    } else {
      const rel = url.replace(/^\.\//, '');
      if (rel === '') {
        full = this.baseURL;
      } else if (rel.startsWith('?')) {
        full = this.baseURL + rel;
      } else {
        full = `${this.baseURL}/${rel.replace(/^\/+/, '')}`;
      }
    }
    if (params) {
      const u = new URL(full);
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null) {
          continue;
        }
        if (Array.isArray(v)) {
          for (const item of v) {
            u.searchParams.append(k, String(item));
          }
        } else {
          u.searchParams.append(k, String(v));
        }
      }
      full = u.toString();
    }
    return full;
  }

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const progress: AttemptProgress = { earlierAttemptMayHaveSucceeded: false };
    try {
      return await this.attempts<T>(req, progress);
    } catch (e) {
      throw progress.earlierAttemptMayHaveSucceeded && e instanceof ApiError ? e.with({ earlierAttemptMayHaveSucceeded: true }) : e;
    }
  }

  /** The request with its retries and its one re-authentication; notes in `progress` what earlier attempts may have done. */
  private async attempts<T>(req: HttpRequest, progress: AttemptProgress): Promise<HttpResponse<T>> {
    const method = req.method.toUpperCase() as HttpMethod;
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const authenticate = req.authenticate ?? true;
    const auth = authenticate ? this.options.auth : undefined;
    const signInStep = req.signInStep === true;
    const url = this.resolveUrl(req.url, req.params, req.operation);
    const shownUrl = redactUrl(url);
    const signal = req.signal;

    let attempt = 0; // retries used so far
    let reauthDone = false;
    for (;;) {
      if (signal?.aborted) {
        throw this.cancelled(req.operation);
      }
      const headers: Record<string, string> = {
        accept: 'application/json',
        'user-agent': this.options.userAgent ?? 'session-manager',
        ...lowerCaseKeys(req.headers ?? {}),
      };
      if (auth && this.reauthInFlight && !signInStep) {
        // Another request is already signing in again: wait for it rather than spend a request on a stale token.
        try {
          await raceSignal(this.reauthInFlight, signal);
        } catch {
          if (signal?.aborted) {
            throw this.cancelled(req.operation);
          }
          // Its failure is that request's to report; this one tries with whatever apply() now gives.
        }
      }
      const epochAtApply = this.authEpoch;
      if (auth) {
        try {
          await auth.apply(headers, signal);
        } catch (err) {
          throw this.wrapAuthFailure(req.operation, err, signal);
        }
      }
      const secrets = this.secretsFor(headers, req.data);

      const started = this.now();
      const maxResponseBytes = req.maxResponseBytes ?? this.options.maxResponseBytes ?? (method === 'GET' ? RESPONSE_LIMITS.list : RESPONSE_LIMITS.small);
      let res: { status: number; statusText: string; headers: Record<string, string>; body: string };
      try {
        res = await this.send(method, url, headers, req.data, signal, maxResponseBytes);
      } catch (err) {
        const outcome = err as SendFailure;
        if (outcome.cancelled) {
          this.log('debug', `${method} ${shownUrl} cancelled`, secrets);
          throw this.cancelled(req.operation);
        }
        if (outcome.timedOut) {
          this.log('debug', `${method} ${shownUrl} timed out after ${this.timeoutMs} ms`, secrets);
          throw new ApiError({
            kind: 'timeout',
            connectionLabel: this.connectionLabel,
            operation: req.operation,
            summary: `${this.origin} did not answer within ${formatMs(this.timeoutMs)}`,
            secrets,
          });
        }
        const cause = outcome.error;
        if (cause instanceof BodyTooLargeError || cause instanceof UnsupportedEncodingError) {
          const tooLarge = cause instanceof BodyTooLargeError;
          this.log('warn', `${method} ${shownUrl} failed: ${cause.message}`, secrets);
          throw new ApiError({
            kind: 'invalid-response',
            connectionLabel: this.connectionLabel,
            operation: req.operation,
            summary: tooLarge
              ? `the server sent too much: the answer is larger than ${formatBytes(cause.limit)}${cause.stage === 'decoded' ? ' once decompressed' : ''}, the limit for this call; it was not read further`
              : cause.message,
            code: tooLarge ? 'RESPONSE_TOO_LARGE' : 'UNSUPPORTED_ENCODING',
            secrets,
          });
        }
        if (isDroppedConnection(cause) && idempotent && attempt < this.retries) {
          // The request may have been processed before the connection dropped.
          progress.earlierAttemptMayHaveSucceeded = true;
          const delay = backoffDelay(attempt, { baseDelayMs: this.baseDelayMs, maxDelayMs: this.maxDelayMs }, this.random);
          attempt++;
          this.log('info', `${method} ${shownUrl} connection dropped; retry ${attempt}/${this.retries} in ${delay} ms`, secrets);
          await this.wait(delay, signal, req.operation);
          continue;
        }
        let error = errorFromTransport({ connectionLabel: this.connectionLabel, operation: req.operation, url, secrets }, cause);
        this.log('debug', `${method} ${shownUrl} failed: ${error.summary}`, secrets);
        if (error.kind === 'untrusted-certificate' && this.options.probeUntrustedCertificate !== false) {
          error = await this.attachPeerCertificate(error, url, signal);
        }
        throw error;
      }

      const elapsed = this.now() - started;
      this.log('debug', `${method} ${shownUrl} → ${res.status} (${elapsed} ms)${attempt > 0 ? ` [retry ${attempt}]` : ''}`, secrets);

      if (res.status === 401 && auth?.reauthenticate && !reauthDone && !signInStep) {
        reauthDone = true;
        if (this.authEpoch === epochAtApply) {
          this.log('info', `${method} ${shownUrl} → 401; signing in again`, secrets);
          await this.reauthenticate(auth, req.operation, signal);
        }
        continue;
      }

      if (RETRYABLE_STATUS.has(res.status) && attempt < this.retries) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], { now: this.now, maxMs: this.maxDelayMs });
        const mayRetry = idempotent || (res.status === 429 && retryAfterMs !== undefined);
        if (mayRetry) {
          if (MAY_HAVE_REACHED_STATUS.has(res.status)) {
            // A gateway's 502/504: the server behind it may have done the work before the answer was lost.
            progress.earlierAttemptMayHaveSucceeded = true;
          }
          const delay = retryAfterMs ?? backoffDelay(attempt, { baseDelayMs: this.baseDelayMs, maxDelayMs: this.maxDelayMs }, this.random);
          attempt++;
          this.log('info', `${method} ${shownUrl} → ${res.status}; retry ${attempt}/${this.retries} in ${delay} ms${retryAfterMs !== undefined ? ' (Retry-After)' : ''}`, secrets);
          await this.wait(delay, signal, req.operation);
          continue;
        }
      }

      const ctx = {
        connectionLabel: this.connectionLabel,
        operation: req.operation,
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
        body: res.body,
        secrets,
      };
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.location;
        throw new ApiError({
          kind: 'http',
          connectionLabel: this.connectionLabel,
          operation: req.operation,
          status: res.status,
          summary: `${res.status} — the server redirected to ${location ? redactUrl(location) : 'another location'}, which is not followed; check the URL`,
          secrets,
        });
      }
      if (res.status < 200 || res.status >= 300) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], { now: this.now, maxMs: this.maxDelayMs });
        throw errorFromResponse({ ...ctx, kind: res.status === 401 ? 'auth' : 'http', retryAfterMs });
      }

      return {
        status: res.status,
        headers: res.headers,
        data: this.parseBody<T>(method, req, ctx),
        earlierAttemptMayHaveSucceeded: progress.earlierAttemptMayHaveSucceeded,
      };
    }
  }

  // -------------------------------------------------------------------------------------------------------------

  private parseBody<T>(method: HttpMethod, req: HttpRequest, ctx: Parameters<typeof invalidResponse>[0]): T {
    const body = ctx.body;
    if (req.responseType === 'text') {
      return body as unknown as T;
    }
    if (method === 'HEAD' || ctx.status === 204 || ctx.status === 205) {
      return undefined as T;
    }
    if (body.trim() === '') {
      if (req.allowEmpty ?? method === 'DELETE') {
        return undefined as T;
      }
      throw invalidResponse(ctx, 'the server answered with an empty body where JSON was expected');
    }
    if (looksLikeHtml(body, ctx.headers['content-type'])) {
      const title = htmlTitle(body);
      throw invalidResponse(ctx, `the server answered with an HTML page (status ${ctx.status}), not JSON${title ? ` ("${title}")` : ''}`);
    }
    try {
      return JSON.parse(body) as T;
    } catch {
      // The parser's own message quotes the body, so it is not used.
      throw invalidResponse(ctx, `the server answered with malformed JSON (${body.length} bytes${/[}\]]\s*$/.test(body) ? '' : ', apparently truncated'})`);
    }
  }

  private async send(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    data: unknown,
    signal: AbortSignal | undefined,
    maxResponseBytes: number,
  ): Promise<{ status: number; statusText: string; headers: Record<string, string>; body: string }> {
    const controller = new AbortController();
    let timedOut = false;
    let cancelled = false;
    const onAbort = (): void => {
      cancelled = true;
      controller.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const target = new URL(url);
      const { httpsAgent, httpAgent, proxy } = this.agentsFor(target);
      const res = await this.axios.request<Readable>({
        method,
        url,
        headers: { 'accept-encoding': ACCEPT_ENCODING, ...headers },
        data,
        signal: controller.signal,
        httpsAgent,
        httpAgent,
        proxy: proxy ?? false,
        transport: target.protocol === 'https:' ? this.httpsTransport : undefined,
      });
      const resHeaders = flattenHeaders(res.headers as Record<string, unknown>);
      // The body is read here, within this attempt's timeout, counting the bytes before and after decompression.
      const body = await readBodyCapped(res.data, {
        contentEncoding: resHeaders['content-encoding'],
        contentLength: resHeaders['content-length'],
        limit: maxResponseBytes,
        noBody: method === 'HEAD' || res.status === 204 || res.status === 304,
      });
      return { status: res.status, statusText: res.statusText ?? '', headers: resHeaders, body };
    } catch (error) {
      const failure: SendFailure = { cancelled: cancelled || signal?.aborted === true, timedOut: timedOut && !cancelled, error };
      throw failure;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private agentsFor(target: URL): { httpsAgent?: https.Agent; httpAgent?: http.Agent; proxy?: AxiosProxyConfig } {
    const proxy = this.options.proxy;
    const useProxy = !!proxy?.url && !bypassesProxy(target, proxy.noProxy);
    if (useProxy && proxy && !proxy.strictSSL && !this.warnedStrictSSL) {
      this.warnedStrictSSL = true;
      this.log('warn', 'http.proxyStrictSSL is off, but Session Manager always verifies TLS; trust a proxy CA per connection instead', []);
    }
    if (target.protocol === 'http:') {
      let agent = this.agents.get('http');
      if (!agent) {
        agent = new http.Agent({ keepAlive: true });
        this.agents.set('http', agent);
      }
      return { httpAgent: agent as http.Agent, proxy: useProxy && proxy ? axiosProxy(proxy.url) : undefined };
    }
    const key = useProxy ? 'https-proxy' : 'https';
    let agent = this.agents.get(key) as https.Agent | undefined;
    if (!agent) {
      const settings: HttpsAgentSettings = { ...this.tlsOptions(), proxyUrl: useProxy ? proxy?.url : undefined };
      if (this.options.httpsAgentFactory) {
        agent = this.options.httpsAgentFactory(settings);
      } else {
        const agentOptions: https.AgentOptions = { keepAlive: true, ca: settings.ca, cert: settings.cert, key: settings.key };
        agent = settings.proxyUrl ? new TunnelingAgent(settings.proxyUrl, agentOptions) : new https.Agent(agentOptions);
      }
      this.agents.set(key, agent);
    }
    return { httpsAgent: agent };
  }

  /** The connection's own TLS trust and client certificate (Node's defaults when it has none). */
  private tlsOptions(): Pick<HttpsAgentSettings, 'ca' | 'cert' | 'key'> {
    return {
      ca: this.options.ca && this.options.ca.length > 0 ? [...tls.rootCertificates, ...this.options.ca] : undefined,
      cert: this.options.clientCertificate?.certPem,
      key: this.options.clientCertificate?.keyPem,
    };
  }

  private async reauthenticate(auth: AuthHandler, operation: string, signal: AbortSignal | undefined): Promise<void> {
    if (!this.reauthInFlight) {
      const reauth = auth.reauthenticate as NonNullable<AuthHandler['reauthenticate']>;
      // Shared by every request that hit the 401, so it does not take one caller's signal: one cancelled view must
      // not fail the others. Each caller still stops waiting when its own signal aborts.
      this.reauthInFlight = (async () => {
        try {
          await reauth.call(auth);
          this.authEpoch++;
        } finally {
          this.reauthInFlight = undefined;
        }
      })();
      // Every waiter may have been cancelled; a failure must then not become an unhandled rejection.
      this.reauthInFlight.catch(() => undefined);
    }
    const inFlight = this.reauthInFlight;
    try {
      await raceSignal(inFlight, signal);
    } catch (err) {
      throw this.wrapAuthFailure(operation, err, signal);
    }
  }

  private wrapAuthFailure(operation: string, err: unknown, signal: AbortSignal | undefined): ApiError {
    if (err instanceof ApiError) {
      return err;
    }
    if (signal?.aborted) {
      return this.cancelled(operation);
    }
    return new ApiError({
      kind: 'auth',
      connectionLabel: this.connectionLabel,
      operation,
      summary: `signing in failed: ${String((err as Error)?.message ?? err)}`,
      secrets: this.options.auth?.secrets?.() ?? [],
    });
  }

  private async wait(ms: number, signal: AbortSignal | undefined, operation: string): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (err) {
      if (signal?.aborted) {
        throw this.cancelled(operation);
      }
      throw err;
    }
    if (signal?.aborted) {
      throw this.cancelled(operation);
    }
  }

  private async attachPeerCertificate(error: ApiError, url: string, signal: AbortSignal | undefined): Promise<ApiError> {
    try {
      const target = new URL(url);
      const proxy = this.options.proxy;
      const chain = await fetchPeerCertificateChain(target.origin, {
        ca: this.options.ca,
        timeoutMs: Math.min(this.timeoutMs, 10_000),
        signal,
        proxyUrl: proxy?.url && !bypassesProxy(target, proxy.noProxy) ? proxy.url : undefined,
      });
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a TLS handshake that completes always carries the server's certificate, so the probe's chain is never empty
      if (chain.certificates.length > 0) {
        return error.with({ peerCertificate: { ...chain.certificates[0], chain: chain.certificates } });
      }
    } catch (err) {
      // Stryker disable next-line OptionalChaining,ArrayDeclaration: equivalent, the probe rejects with Error objects only; and no message here holds the mutant's one fixed text
      this.log('debug', `could not read the certificate of ${new URL(url).origin}: ${String((err as Error)?.message ?? err)}`, []);
    }
    return error;
  }

  private cancelled(operation: string): ApiError {
    return new ApiError({ kind: 'cancelled', connectionLabel: this.connectionLabel, operation, summary: 'cancelled' });
  }

  private refuse(operation: string, summary: string): ApiError {
    return new ApiError({ kind: 'invalid-response', connectionLabel: this.connectionLabel, operation, summary });
  }

  /** Secret values for this request: the handler's, plus whatever secret headers/body fields it carries. */
  private secretsFor(headers: Record<string, string>, data: unknown): string[] {
    // Stryker disable next-line ArrayDeclaration: equivalent, no message holds the mutant's one fixed text
    const out = new Set<string>(this.options.auth?.secrets?.() ?? []);
    for (const [k, v] of Object.entries(headers)) {
      if (isSecretKey(k) && v) {
        out.add(v);
        const m = /^\S+\s+(\S+)$/.exec(v);
        if (m) {
          out.add(m[1]);
        }
      }
    }
    if (data instanceof URLSearchParams) {
      for (const [k, v] of data) {
        if (isSecretRequestKey(k) && v) {
          out.add(v);
        }
      }
    } else if (data && typeof data === 'object' && !Array.isArray(data)) {
      for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
        if (isSecretRequestKey(k) && typeof v === 'string' && v) {
          out.add(v);
        }
      }
    }
    const proxyUrl = this.options.proxy?.url;
    if (proxyUrl) {
      try {
        const p = new URL(proxyUrl);
        if (p.password) {
          out.add(decodeURIComponent(p.password));
        }
      } catch {
        // not a URL: nothing to scrub
      }
    }
    // Stryker disable next-line MethodExpression,ConditionalExpression: equivalent, redactText skips values shorter than 4 itself (every use of these secrets goes through it); the filter keeps the list short
    return [...out].filter((s) => s.length >= 4);
  }

  private log(level: LogLevel, message: string, secrets: readonly string[]): void {
    const log = this.options.log;
    if (log) {
      log(level, `[${this.connectionLabel}] ${redactText(message, secrets)}`);
    }
  }
}

interface AttemptProgress {
  earlierAttemptMayHaveSucceeded: boolean;
}

interface SendFailure {
  cancelled: boolean;
  timedOut: boolean;
  error: unknown;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    out[k.toLowerCase()] = v;
  }
  return out;
}

function flattenHeaders(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, axios's response headers are an AxiosHeaders, whose own properties are what its toJSON() returns
  const source = typeof (raw as { toJSON?: unknown }).toJSON === 'function' ? (raw as { toJSON(): Record<string, unknown> }).toJSON() : raw;
  for (const [k, v] of Object.entries(source)) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: equivalent, a response header from node is never undefined or null
    if (v === undefined || v === null) {
      continue;
    }
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

type HttpsTransport = Pick<typeof https, 'request'>;

/**
 * Node's https.request as axios's transport, with the connection's TLS options in every request's options too, not
 * only on its agent: VS Code's proxy support replaces the agent (see the top of this file), and without them the
 * client certificate would be lost, and on VS Code versions that do not copy the agent's `ca`, the trusted CA too.
 * Undefined (axios's own transport) when the connection has no TLS options of its own.
 */
function httpsTransport(options: Pick<HttpsAgentSettings, 'ca' | 'cert' | 'key'>): HttpsTransport | undefined {
  const own = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as https.RequestOptions;
  if (Object.keys(own).length === 0) {
    return undefined;
  }
  const request = (requestOptions: https.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest =>
    https.request({ ...requestOptions, ...own }, callback);
  return { request: request as typeof https.request };
}

function axiosProxy(proxyUrl: string): AxiosProxyConfig {
  const p = new URL(proxyUrl);
  return {
    // Stryker disable next-line Regex: equivalent, a URL's protocol holds one colon, at its end
    protocol: p.protocol.replace(/:$/, ''),
    // Stryker disable next-line Regex: equivalent, a URL's hostname holds brackets only around an IPv6 address, so either anchor alone strips the same
    host: p.hostname.replace(/^\[|\]$/g, ''),
    port: Number(p.port) || (p.protocol === 'https:' ? 443 : 80),
    auth: p.username || p.password ? { username: decodeURIComponent(p.username), password: decodeURIComponent(p.password) } : undefined,
  };
}

/** Waits for `promise`, or rejects with an AbortError as soon as `signal` aborts (the promise itself runs on). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  if (signal.aborted) {
    return Promise.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, a signal aborts at most once, and a settled race removes the listener anyway
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
