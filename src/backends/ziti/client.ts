// OpenZiti Edge Management client: sign-in (updb with MFA, client certificate, pasted zt-session), the
// controller's version, and the trust bootstrap from /.well-known/est/cacerts. No `vscode` import.
import * as fs from 'fs';
import { HttpClient, type AuthHandler, type HttpRequest } from '../../http/client';
import { BodyTooLargeError, formatBytes, RESPONSE_LIMITS } from '../../http/body';
import { ApiError } from '../../http/errors';
import { describeCertificate, fetchPeerCertificateChain, probeGet, type ProbeNetwork, proxyUrlFor } from '../../http/tls';
import type { ConnectionRecord, ConnectionSecrets } from '../../model/connection';
import type { BackendClient, BackendModule, ClientDeps, EnvironmentInfo, SignInResult, TrustCandidate } from '../types';
import { httpOptionsFor } from '../common';

const SIGNED_OUT_ENDED = 'Signed out: the API session was ended on the controller.';
import type { ZitiCurrentApiSession, ZitiEnvelope, ZitiVersion } from './models';
import { certificatesFromPkcs7 } from './pkcs7';

export const DEFAULT_MANAGEMENT_PATH = '/edge/management/v1';

/** Where the management API lives, from /version's apiVersions (as the vendor CLI finds it). */
export function managementPathFrom(version: ZitiVersion | undefined): string {
  const v1 = version?.apiVersions?.['edge-management']?.v1;
  const path = v1?.path ?? (v1?.apiBaseUrls?.[0] ? new URL(v1.apiBaseUrls[0]).pathname : undefined);
  return path && path.startsWith('/') ? path.replace(/\/+$/, '') : DEFAULT_MANAGEMENT_PATH;
}

export class ZitiClient implements BackendClient {
  private token: string | undefined;
  private expiresAt: number | undefined;
  private identityName: string | undefined;
  private version: ZitiVersion | undefined;
  private mgmtPath: string | undefined;
  private readonly http: HttpClient;
  private readonly controller: string;

  constructor(
    readonly record: ConnectionRecord,
    private readonly secrets: ConnectionSecrets,
    private readonly deps: ClientDeps,
  ) {
    if (!record.endpoints.url) {
      throw new Error(`${record.label}: the controller URL is missing`);
    }
    // As the vendor's rest_util does: a URL with its own path names the management API; otherwise the path is
    // found from /version.
    const entered = new URL(record.endpoints.url);
    this.controller = entered.origin;
    const ownPath = entered.pathname.replace(/\/+$/, '');
    if (ownPath) {
      this.mgmtPath = ownPath;
    }
    this.token = secrets.token;
    this.expiresAt = secrets.tokenExpiresAt;
    const auth: AuthHandler = {
      apply: async (headers) => {
        if (this.token) {
          headers['zt-session'] = this.token;
        }
      },
      // Password and certificate sign in again; a pasted token cannot, and says so (kind "auth").
      reauthenticate: (signal) => this.authenticate(signal).then(() => undefined),
      secrets: () => [this.token, this.secrets.password].filter((s): s is string => Boolean(s)),
    };
    this.http = new HttpClient({
      ...httpOptionsFor(record, deps),
      baseURL: this.controller,
      clientCertificate: record.auth.method === 'certificate' ? this.readClientCertificate() : undefined,
      auth,
    });
  }

  get signedIn(): boolean {
    return Boolean(this.token) && (this.expiresAt === undefined || this.expiresAt > this.now());
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }

  private readClientCertificate(): { certPem: string; keyPem: string } {
    const { certificatePath, keyPath } = this.record.auth;
    if (!certificatePath || !keyPath) {
      throw new Error(`${this.record.label}: the client certificate and key files are not set`);
    }
    try {
      return { certPem: fs.readFileSync(certificatePath, 'utf8'), keyPem: fs.readFileSync(keyPath, 'utf8') };
    } catch (e) {
      throw new Error(`${this.record.label}: cannot read the client certificate or key: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The controller's /version (no auth), cached; gives the management path. */
  async controllerVersion(signal?: AbortSignal): Promise<ZitiVersion> {
    if (!this.version) {
      const known = this.mgmtPath;
      let res: { data: ZitiEnvelope<ZitiVersion> };
      try {
        // Controllers answer /version at the root; the management API's own copy is the fallback.
        res = await this.http.get<ZitiEnvelope<ZitiVersion>>(known ? `${known}/version` : '/version', 'read the controller version', { signal, authenticate: false, maxResponseBytes: RESPONSE_LIMITS.small });
      } catch (e) {
        if (known || !(e instanceof ApiError && (e.status === 404 || e.kind === 'invalid-response'))) {
          throw e;
        }
        res = await this.http.get<ZitiEnvelope<ZitiVersion>>(`${DEFAULT_MANAGEMENT_PATH}/version`, 'read the controller version', { signal, authenticate: false, maxResponseBytes: RESPONSE_LIMITS.small });
      }
      this.version = res.data?.data ?? {};
      this.mgmtPath = known ?? managementPathFrom(this.version);
    }
    return this.version;
  }

  private async managementPath(signal?: AbortSignal): Promise<string> {
    if (!this.mgmtPath) {
      await this.controllerVersion(signal);
    }
    return this.mgmtPath ?? DEFAULT_MANAGEMENT_PATH;
  }

  /** Any management API call: `path` is relative to the management base, e.g. `/sessions`. */
  async api<T>(req: Omit<HttpRequest, 'url'> & { path: string }): Promise<T> {
    const base = await this.managementPath(req.signal);
    const { path, ...rest } = req;
    const res = await this.http.request<T>({ ...rest, url: `${base}${path}` });
    return res.data;
  }

  private async authenticate(signal?: AbortSignal): Promise<ZitiCurrentApiSession> {
    const method = this.record.auth.method;
    if (method === 'token') {
      throw new ApiError({
        kind: 'auth',
        connectionLabel: this.record.label,
        operation: 'sign in',
        summary: 'the pasted zt-session token is no longer valid; edit the connection and paste a new one',
      });
    }
    const base = await this.managementPath(signal);
    let password = this.secrets.password;
    if (method === 'password' && !password) {
      password = await this.deps.prompter.askPassword({ title: `Sign in to ${this.record.label}`, prompt: `Password for ${this.record.auth.username ?? ''}` });
      if (password === undefined) {
        throw new ApiError({ kind: 'cancelled', connectionLabel: this.record.label, operation: 'sign in', summary: 'cancelled' });
      }
    }
    const res = await this.http.post<ZitiEnvelope<ZitiCurrentApiSession>>(
      `${base}/authenticate`,
      method === 'password' ? { username: this.record.auth.username, password } : {},
      'sign in',
      { params: { method: method === 'password' ? 'password' : 'cert' }, signal, authenticate: false },
    );
    let session = res.data.data;
    this.token = session.token;
    this.identityName = session.identity?.name;
    this.setExpiry(session);
    const mfa = (session.authQueries ?? []).find((q) => q.typeId === 'MFA' || q.typeId === 'TOTP');
    if (mfa) {
      const code = await this.deps.prompter.askCode({ title: `${this.record.label}: multi-factor authentication`, prompt: 'Enter the code from your authenticator app (or a recovery code)' });
      if (code === undefined) {
        this.token = undefined;
        throw new ApiError({ kind: 'cancelled', connectionLabel: this.record.label, operation: 'sign in', summary: 'cancelled' });
      }
      // The partially authenticated token answers the MFA query. Both calls are steps of this sign-in, which may be
      // the HTTP core's re-authentication after a 401: they must not wait for it (they are part of it).
      await this.http.post(`${base}/authenticate/mfa`, { code }, 'answer the MFA challenge', { signal, allowEmpty: true, signInStep: true });
      const current = await this.http.get<ZitiEnvelope<ZitiCurrentApiSession>>(`${base}/current-api-session`, 'read the API session', { signal, signInStep: true, maxResponseBytes: RESPONSE_LIMITS.small });
      session = { ...current.data.data, token: this.token };
      this.setExpiry(session);
    }
    await this.deps.saveSecrets({ token: this.token, tokenExpiresAt: this.expiresAt });
    return session;
  }

  private setExpiry(session: ZitiCurrentApiSession): void {
    const at = session.expiresAt ? Date.parse(session.expiresAt) : NaN;
    this.expiresAt = Number.isFinite(at) ? at : session.expirationSeconds ? this.now() + session.expirationSeconds * 1000 : undefined;
  }

  async signIn(signal?: AbortSignal): Promise<SignInResult> {
    await this.controllerVersion(signal);
    let session: ZitiCurrentApiSession | undefined;
    if (this.token) {
      // A stored or pasted token: check it is still good (this also extends the inactivity timeout).
      try {
        const res = await this.api<ZitiEnvelope<ZitiCurrentApiSession>>({ method: 'GET', path: '/current-api-session', operation: 'check the API session', signal, maxResponseBytes: RESPONSE_LIMITS.small });
        session = res.data;
        this.setExpiry(session);
      } catch (e) {
        if (!(e instanceof ApiError && (e.kind === 'auth' || e.status === 401))) {
          throw e;
        }
        this.token = undefined;
      }
    }
    if (!session) {
      session = await this.authenticate(signal);
    }
    this.identityName = session.identity?.name ?? this.identityName;
    return {
      summary: `signed in${this.identityName ? ` as ${this.identityName}` : ''} · ${this.version?.version ?? 'unknown version'}`,
      expiresAt: this.expiresAt,
    };
  }

  async signOut(signal?: AbortSignal): Promise<string> {
    if (!this.token) {
      return 'Signed out.';
    }
    try {
      // Never signs in just to sign out: no re-authentication on a 401 (as for a step of a sign-in).
      await this.api({ method: 'DELETE', path: '/current-api-session', operation: 'sign out', signal, allowEmpty: true, signInStep: true });
      return SIGNED_OUT_ENDED;
    } catch (e) {
      // 401/404: the API session is no longer there. If an earlier attempt of this DELETE may have reached the
      // controller (retried after a 502, 504 or dropped connection), it was this sign-out that ended it.
      if (e instanceof ApiError && (e.status === 401 || e.status === 404)) {
        return e.earlierAttemptMayHaveSucceeded ? SIGNED_OUT_ENDED : 'Signed out: the API session had already ended on the controller.';
      }
      throw e;
    } finally {
      this.token = undefined;
      this.expiresAt = undefined;
      await this.deps.saveSecrets({ token: undefined, tokenExpiresAt: undefined });
    }
  }

  /** Closes pooled sockets. */
  dispose(): void {
    this.http.dispose();
  }

  async test(signal?: AbortSignal): Promise<string> {
    const res = await this.api<ZitiEnvelope<ZitiCurrentApiSession>>({ method: 'GET', path: '/current-api-session', operation: 'check the API session', signal, maxResponseBytes: RESPONSE_LIMITS.small });
    this.setExpiry(res.data);
    const name = res.data.identity?.name ?? this.identityName;
    return `OK: ${this.version?.version ?? 'controller'}${name ? `, signed in as ${name}` : ''}${this.expiresAt ? `, session expires ${new Date(this.expiresAt).toISOString()}` : ''}`;
  }

  async listEnvironments(signal?: AbortSignal): Promise<EnvironmentInfo[]> {
    const version = await this.controllerVersion(signal);
    // The management API answers only when signed in: one cheap authenticated call proves it.
    await this.api({ method: 'GET', path: '/current-api-session', operation: 'check the API session', signal, maxResponseBytes: RESPONSE_LIMITS.small });
    const host = new URL(this.controller).host;
    return [
      {
        id: 'controller',
        label: host,
        description: version.version ? `controller ${version.version}` : 'controller',
        icon: 'server',
        details: {
          version: version.version,
          revision: version.revision,
          'build date': version.buildDate,
          runtime: version.runtimeVersion,
          'management API': this.mgmtPath,
          capabilities: (version.capabilities ?? []).join(', ') || undefined,
        },
        raw: version,
      },
    ];
  }
}

/** Whether the controller's certificate chains to `ca` (a TLS handshake only, through the proxy when one applies). */
async function verifyChainsTo(url: URL, ca: string[], network: ProbeNetwork): Promise<boolean> {
  try {
    const chain = await fetchPeerCertificateChain(url.origin, { ca, caOnly: true, timeoutMs: network.timeoutMs, signal: network.signal, proxyUrl: proxyUrlFor(url, network.proxy) });
    return chain.trusted;
  } catch {
    return false;
  }
}

/**
 * The trust bootstrap real controllers offer: the CA bundle at /.well-known/est/cacerts. It is fetched with
 * verification on, anchored (for this one unauthenticated GET) at the certificates the server itself presented,
 * then the server is verified to chain to the bundle before the person is asked. Every step has a deadline, can be
 * cancelled and goes through the proxy when one applies.
 */
async function zitiTrustCandidate(record: ConnectionRecord, signal?: AbortSignal, network: Omit<ProbeNetwork, 'signal'> = {}): Promise<TrustCandidate> {
  const controller = new URL(record.endpoints.url ?? '');
  const net: ProbeNetwork = { ...network, signal };
  const presented = await fetchPeerCertificateChain(controller.toString(), { signal, timeoutMs: net.timeoutMs, proxyUrl: proxyUrlFor(controller, net.proxy) });
  const anchors = presented.certificates.map((c) => c.pem);
  const res = await probeGet(new URL('/.well-known/est/cacerts', controller).toString(), { ...net, anchors, accept: 'application/pkcs7-mime', maxBytes: RESPONSE_LIMITS.caBundle }).catch((e: unknown) => {
    throw e instanceof BodyTooLargeError ? new Error(`${record.label}: the server sent too much: its CA bundle is larger than ${formatBytes(e.limit)}`) : e;
  });
  if (res.status !== 200) {
    throw new Error(`/.well-known/est/cacerts answered ${res.status}`);
  }
  const pems = certificatesFromPkcs7(res.body);
  if (pems.length === 0) {
    throw new Error(`${record.label}: the controller's CA bundle holds no certificate`);
  }
  const verified = await verifyChainsTo(controller, pems, net);
  return {
    source: "the controller's CA bundle (/.well-known/est/cacerts)",
    certificates: pems.map((pem) => {
      const d = describeCertificate(pem);
      return { pem, subject: d.subject, issuer: d.issuer, sha256: d.sha256Fingerprint, validFrom: d.validFrom, validTo: d.validTo };
    }),
    verified,
  };
}

export const zitiModule: BackendModule = {
  createClient: (record, secrets, deps) => new ZitiClient(record, secrets, deps),
  trustCandidate: zitiTrustCandidate,
};
