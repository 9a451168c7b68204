// Shared contract between the sandbox server (server.ts) and the backend emulators.
// Test infrastructure only: never bundled into the extension.

export type BackendName = 'ziti' | 'pingone' | 'aptible' | 'cohesity';

export interface SandboxRequest {
  method: string;
  /** Path without the query string, e.g. `/edge/management/v1/sessions`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Absolute base URL of this backend as the client reached it, e.g. `https://127.0.0.1:41234`. */
  baseUrl: string;
  /** Address of the client (socket remote address), when known. */
  remoteAddress?: string;
  /**
   * The client certificate presented in the TLS handshake, if any (the OpenZiti server asks for one but does not
   * require it). `authorized` is true when it chains to the sandbox CA.
   */
  clientCert?: { pem: string; subjectCN: string; sha256Fingerprint: string; authorized: boolean };
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as-is; anything else is sent as JSON (`content-type` defaults to application/json). */
  body?: unknown;
}

export interface Sizes {
  /** OpenZiti */
  zitiIdentities: number;
  zitiServices: number;
  zitiSessions: number;
  zitiApiSessions: number;
  zitiEnrollments: number;
  zitiRouters: number;
  /** PingOne */
  pingoneEnvironments: number;
  pingoneUsers: number;
  /** Users of the one large PingOne environment ("Workforce EU"; made on first use). 0: none is large. */
  pingoneLargeEnvironmentUsers: number;
  /** Aptible */
  aptibleAccounts: number;
  aptibleApps: number;
  aptibleSessions: number;
  /** Cohesity */
  cohesityUsers: number;
}

export const DEFAULT_SIZES: Sizes = {
  zitiIdentities: 40,
  zitiServices: 12,
  zitiSessions: 240,
  zitiApiSessions: 30,
  zitiEnrollments: 14,
  zitiRouters: 6,
  pingoneEnvironments: 4,
  pingoneUsers: 60,
  pingoneLargeEnvironmentUsers: 5000,
  aptibleAccounts: 3,
  aptibleApps: 8,
  aptibleSessions: 40,
  cohesityUsers: 12,
};

export interface BackendContext {
  seed: number;
  sizes: Sizes;
  /** Milliseconds since epoch; tests may move it. */
  now(): number;
  /**
   * The sandbox CA (generated at start). Optional so backends can be created without a server in unit tests;
   * `start()` always provides it.
   */
  ca?: SandboxCa;
  /** Backend-specific options passed through `start()`, e.g. `zitiInactivitySeconds`. */
  options?: Record<string, unknown>;
}

/** The CA the sandbox generates at start; every `sandbox-ca` backend's leaf certificate is issued by it. */
export interface SandboxCa {
  /** PEM of the CA certificate. */
  pem: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs separated by colons (like `openssl x509 -fingerprint -sha256`). */
  sha256Fingerprint: string;
  /** The CA certificate as base64 DER PKCS#7 (certs-only), as served by EST `/.well-known/est/cacerts`. */
  pkcs7Base64: string;
  /** The CA's private key (PKCS#8 PEM). Sandbox only: OpenZiti signs enrollment JWTs with it. */
  keyPem?: string;
  /** Issues a client certificate (clientAuth) signed by the CA; CN = `commonName`. */
  issueClientCert(commonName: string): { certPem: string; keyPem: string; sha256Fingerprint: string };
}

/**
 * A fault injected on one backend's server. One `mode` at a time (plus optional latency); `count` limits how many
 * matching requests get the mode (undefined = every request until cleared). Admin paths (`/__sandbox/...`) are never
 * faulted. Set through `start({ faults })`, `sandbox.faults.set()`, or `POST /__sandbox/faults` with this JSON.
 */
export interface FaultSpec {
  /** Added delay before answering, in ms (applies to every matching request, also with a mode). */
  latencyMs?: number;
  /**
   * - `rate-limit`: 429 with `Retry-After: retryAfterSeconds` and the vendor's error body.
   * - `server-error`: 500 with the vendor's error body. `unavailable`: 503 with the vendor's error body.
   * - `reset`: sends headers and part of the body, then destroys the socket (client sees ECONNRESET / socket hang up).
   * - `slow-body`: the real answer, trickled `slowBodyChunkBytes` bytes every `slowBodyIntervalMs` ms.
   * - `malformed-json`: 200, `application/json`, truncated JSON body.
   * - `html-502`: 502 with an HTML error page (as a reverse proxy would send).
   * - `ignore-offset`: the list is answered as if no `offset` had been sent (always the first page), as a broken
   *   server or proxy cache would.
   * - `foreign-next-link`: the answer's `_links.next.href` points to another origin (https://elsewhere.invalid).
   * - `off`: clears the backend's fault (the same as `DELETE /__sandbox/faults`); nothing else in the spec applies.
   */
  mode?: 'rate-limit' | 'server-error' | 'unavailable' | 'reset' | 'slow-body' | 'malformed-json' | 'html-502' | 'ignore-offset' | 'foreign-next-link' | 'off';
  /** Number of matching requests that get `mode`; undefined = all. */
  count?: number;
  /** For `rate-limit`; default 1. */
  retryAfterSeconds?: number;
  /** For `slow-body`; defaults 16 bytes every 20 ms. */
  slowBodyChunkBytes?: number;
  slowBodyIntervalMs?: number;
  /** Added to `meta.pagination.totalCount` of list answers (a server over-reporting its total). */
  totalCountBonus?: number;
  /** Only requests whose path (without query) matches this regular expression are affected. */
  pathRegex?: string;
  /** When set, every issued token expires now (calls `backend.expireAllTokens()` once, when the fault is set). */
  expireTokens?: boolean;
}

/** A request a client sent that breaks the vendor spec (as `validateRequest` in contract.ts words it). */
export interface RequestViolation {
  method: string;
  /** The path and query string as received, e.g. `/apps/abc/ephemeral_sessions?page=2`. */
  path: string;
  errors: string[];
}

/** What a backend that checks requests against the vendor spec keeps (today: Aptible). */
export interface RequestContract {
  /** The spec file requests are checked against; undefined when it is absent (then nothing is checked). */
  specFile: string | undefined;
  /** How many requests were checked. */
  checked: number;
  /** How many checked requests each spec operation got, by `METHOD /template` (e.g. `GET /apps/{app_id}/ephemeral_sessions`). */
  operations: Record<string, number>;
  /**
   * The requests that broke the spec, oldest first. Not cleared by `reset()` (a reset between tests must not hide what
   * a client sent): a test takes them with `violations.splice(0)`.
   */
  violations: RequestViolation[];
}

export interface Backend<State = unknown> {
  name: BackendName;
  /**
   * How the server for this backend speaks: plain HTTP, HTTPS with a leaf certificate issued by the CA the sandbox
   * generates at start (OpenZiti: the CA is also served as PKCS#7 from /.well-known/est/cacerts), or HTTPS with a
   * self-signed certificate (Cohesity clusters).
   */
  tls: 'none' | 'sandbox-ca' | 'self-signed';
  state: State;
  handle(req: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
  /** Back to the seeded initial state. */
  reset(): void;
  /** Every issued token/session becomes invalid now (fault "expire tokens"). */
  expireAllTokens(): void;
  /**
   * Credentials and hints printed by `npm run sandbox`. `baseUrl` is the server's origin (e.g. `https://127.0.0.1:4480`);
   * `url` (optional) is what a user enters in Add Connection when it differs from the origin (e.g. PingOne's `…/v1`);
   * `urls` (optional) lists every other useful URL (token endpoint, auth host, ...).
   */
  describe(baseUrl?: string): { credentials: Record<string, string>; notes?: string[]; url?: string; urls?: Record<string, string> };
  /**
   * The vendor's error body for an injected fault or a generic error (e.g. 429 RATE_LIMITED, 500, 503). Optional: the
   * server falls back to `{ error: { status, code, message } }` when absent.
   */
  errorBody?(status: number, code: string, message: string): unknown;
  /**
   * Optional: checks a request against the vendor spec and records a violation in `requestContract`. The server calls
   * it for every request on a vendor path before anything answers it (faults included); it does not change the answer.
   */
  checkRequest?(req: SandboxRequest): void;
  requestContract?: RequestContract;
}
