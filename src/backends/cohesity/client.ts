// Cohesity cluster REST API v2 client. Pure: no `vscode` import.
//
// - 'password': a user session (`POST /v2/users/sessions` with username, password, domain — LOCAL by default — and
//   the one-time code when the cluster asks for it), sent as `session-id`. The session id is written back through
//   `saveSecrets` so a reload reuses it; on a 401 a new session is created with the stored password.
// - 'apiKey': the `apiKey` header.
// - Signing out cannot end only this session (see signOut), so the session id is discarded locally.
// - Clusters commonly have self-signed certificates: `cohesityTrustCandidate` reads the server's certificate for
//   the per-connection trust prompt; verification is never switched off.
import { SingleFlight } from '../../util/singleFlight';
import { X509Certificate } from 'crypto';
import { isIP } from 'net';
import { ApiError, type AuthHandler, fetchPeerCertificateChain, HttpClient, type HttpClientOptions, type PeerCertificate, type ProbeNetwork, proxyUrlFor } from '../../http';
import { type ConnectionRecord, type ConnectionSecrets, stripSlash } from '../../model/connection';
import type { BackendClient, CertificateInfo, ClientDeps, EnvironmentInfo, SignInResult, TrustCandidate } from '../types';
import { clientError, httpOptionsFor, knownOrAskedPassword } from '../common';
import type {
  CohesityCluster,
  CohesityPrincipal,
  CohesitySessionConfiguration,
  CohesitySessionRequest,
  CohesitySessionsCount,
  CohesityUserSession,
} from './models';

export interface CohesityClientOptions {
  /** Passed to the HttpClient (e.g. an instant `sleep` in tests). */
  http?: Partial<Pick<HttpClientOptions, 'sleep' | 'retry' | 'timeoutMs' | 'random'>>;
  /** Sent as `otpType` with a one-time code (default 'totp'). */
  otpType?: CohesitySessionRequest['otpType'];
}

export const COHESITY_SIGN_OUT_MESSAGE =
  'The Cohesity session id was discarded locally. The cluster API cannot end only this session: DELETE /v2/users/sessions ' +
  "without a user SID ends EVERY session on the cluster, and with a SID it ends all of that user's sessions, so Session " +
  "Manager did not call it. The session ends on its own after the cluster's inactivity timeout.";

export class CohesityClient implements BackendClient {
  private readonly http: HttpClient;
  readonly baseURL: string;
  private sessionId: string | undefined;
  private askedPassword: string | undefined;
  private readonly creating = new SingleFlight<string>();

  constructor(
    readonly record: ConnectionRecord,
    private readonly secrets: ConnectionSecrets,
    private readonly deps: ClientDeps,
    private readonly options: CohesityClientOptions = {},
  ) {
    if (!record.endpoints.url) {
      throw new Error(`${record.label}: the connection has no cluster address.`);
    }
    this.baseURL = `${stripSlash(record.endpoints.url)}/v2`;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, an API key client never reads the session id (signedIn, signOut, sessionEnded and the auth handler check usesPassword first; its secrets already hold the token)
    if (this.usesPassword && secrets.token) {
      this.sessionId = secrets.token;
    }
    const handler: AuthHandler = {
      apply: async (headers, signal) => {
        if (this.usesPassword) {
          headers['session-id'] = await this.currentSession(signal);
        } else {
          const key = this.secrets.apiKey;
          if (!key) {
            throw this.error('sign in', 'auth', 'no API key is stored for this connection; edit the connection and enter it');
          }
          headers.apiKey = key;
        }
      },
      secrets: () => this.liveSecrets(),
    };
    if (this.usesPassword) {
      handler.reauthenticate = async () => {
        this.sessionId = undefined;
        this.deps.log('info', 'the cluster answered 401 (session ended or expired); creating a new session');
        await this.createSession();
      };
    }
    this.http = new HttpClient({ ...httpOptionsFor(record, deps), baseURL: this.baseURL, auth: handler, ...options.http });
  }

  private get usesPassword(): boolean {
    return this.record.auth.method !== 'apiKey';
  }

  private get principal(): string {
    return `${this.record.auth.username ?? '(no username)'}@${this.record.auth.domain || 'LOCAL'}`;
  }

  get signedIn(): boolean {
    return this.usesPassword ? this.sessionId !== undefined : Boolean(this.secrets.apiKey);
  }

  async signIn(signal?: AbortSignal): Promise<SignInResult> {
    const operation = 'sign in';
    // With a stored session id this reuses it; a 401 creates a new session (the HTTP core's re-authentication).
    const cluster = await this.cluster(operation, signal);
    const where = `${cluster.name ?? 'the cluster'}${cluster.swVersion ? ` (${cluster.swVersion})` : ''}`;
    return { summary: this.usesPassword ? `signed in as ${this.principal} to ${where}` : `API key accepted by ${where}` };
  }

  async signOut(): Promise<string> {
    if (!this.usesPassword) {
      return 'API keys have no session to end; Session Manager stopped using the key until you sign in again. Revoke the key on the cluster to disable it.';
    }
    const had = this.sessionId !== undefined;
    this.sessionId = undefined;
    this.creating.reset();
    if (had) {
      await this.deps.saveSecrets({ token: undefined, tokenExpiresAt: undefined });
    }
    return COHESITY_SIGN_OUT_MESSAGE;
  }

  async test(signal?: AbortSignal): Promise<string> {
    const c = await this.cluster('test connection', signal);
    return `${c.name ?? 'The cluster'}${c.swVersion ? ` (Cohesity ${c.swVersion})` : ''} answered and accepted the credentials`;
  }

  async listEnvironments(signal?: AbortSignal): Promise<EnvironmentInfo[]> {
    return [toEnvironmentInfo(await this.cluster('list environments', signal))];
  }

  /** `GET /v2/clusters`: the cluster's id, name and version. */
  clusterInfo(signal?: AbortSignal): Promise<CohesityCluster> {
    return this.cluster('read cluster', signal);
  }

  /**
   * Who Session Manager signs in as when it uses a session (`session-id`): its username and domain. Undefined with an
   * API key, which is no session (ending sessions does not stop it).
   */
  get sessionPrincipal(): { username: string; domain: string } | undefined {
    const username = this.record.auth.username;
    return this.usesPassword && username ? { username, domain: this.record.auth.domain || 'LOCAL' } : undefined;
  }

  /** `GET /v2/users/sessions`: the number of sessions per user SID and in all. */
  async sessionsCount(signal?: AbortSignal): Promise<{ perUser: { sid: string; count: number }[]; total: number }> {
    const data = (await this.http.get<CohesitySessionsCount>('users/sessions', 'list sessions', { signal })).data;
    if (!data || typeof data !== 'object' || (data.sessionsPerUser !== undefined && !Array.isArray(data.sessionsPerUser))) {
      throw this.error('list sessions', 'invalid-response', 'GET /v2/users/sessions answered without sessionsPerUser');
    }
    const perUser = (data.sessionsPerUser ?? [])
      .filter((r) => r && typeof r.sid === 'string' && r.sid !== '')
      // Stryker disable next-line EqualityOperator: equivalent, a count of 0 is 0 on either side of the condition
      .map((r) => ({ sid: r.sid as string, count: typeof r.sessionsCount === 'number' && r.sessionsCount > 0 ? r.sessionsCount : 0 }));
    const total = typeof data.totalSessionsCount === 'number' ? data.totalSessionsCount : perUser.reduce((n, r) => n + r.count, 0);
    return { perUser, total };
  }

  /** `GET /v2/users?usernames=…[&domain=…]`: the users with this exact username (in one domain, or in any). */
  async findUsers(username: string, domain?: string, signal?: AbortSignal): Promise<{ sid: string; username: string; domain: string }[]> {
    const query = `usernames=${encodeURIComponent(username)}${domain ? `&domain=${encodeURIComponent(domain)}` : ''}`;
    const data = (await this.http.get<{ users?: unknown }>(`users?${query}`, 'find user', { signal })).data;
    // Stryker disable next-line ConditionalExpression: equivalent, `.users` of a truthy value that is not an object is undefined too
    const list = data && typeof data === 'object' ? data.users : undefined;
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      throw this.error('find user', 'invalid-response', 'GET /v2/users answered without users');
    }
    return ((list ?? []) as { sid?: unknown; username?: unknown; domain?: unknown }[])
      .filter((u) => u && typeof u.sid === 'string' && u.sid !== '')
      .map((u) => ({ sid: u.sid as string, username: typeof u.username === 'string' ? u.username : (u.sid as string), domain: typeof u.domain === 'string' ? u.domain : '' }));
  }

  /** `GET /v2/users/sessions?sids=…`: the session count of each of these users (0 included). */
  async sessionsCountOf(sids: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (sids.length === 0) {
      return out;
    }
    const data = (await this.http.get<CohesitySessionsCount>(`users/sessions?sids=${sids.map(encodeURIComponent).join(',')}`, 'count sessions', { signal })).data;
    for (const r of Array.isArray(data?.sessionsPerUser) ? data.sessionsPerUser : []) {
      if (r && typeof r.sid === 'string') {
        out.set(r.sid, typeof r.sessionsCount === 'number' ? r.sessionsCount : 0);
      }
    }
    return out;
  }

  /** `GET /v2/security-principals?sids=a,b`: the principals the cluster knows among these SIDs (one request). */
  async securityPrincipals(sids: readonly string[], signal?: AbortSignal): Promise<CohesityPrincipal[]> {
    if (sids.length === 0) {
      return [];
    }
    const url = `security-principals?sids=${sids.map(encodeURIComponent).join(',')}`;
    const data = (await this.http.get<{ securityPrincipals?: unknown }>(url, 'resolve user names', { signal })).data;
    const list = data && typeof data === 'object' ? data.securityPrincipals : undefined;
    if (list !== undefined && list !== null && !Array.isArray(list)) {
      throw this.error('resolve user names', 'invalid-response', 'GET /v2/security-principals answered without securityPrincipals');
    }
    return ((list ?? []) as unknown[]).filter((p): p is CohesityPrincipal => Boolean(p) && typeof (p as CohesityPrincipal).sid === 'string');
  }

  /**
   * `DELETE /v2/users/sessions?sid=…`: ends every session of ONE user. 404 (no such user any more): already ended.
   * An empty SID is refused here: without `sid` the cluster ends every session of every user (see deleteAllSessions).
   */
  async deleteUserSessions(sid: string, signal?: AbortSignal): Promise<'revoked' | 'already-ended'> {
    if (typeof sid !== 'string' || sid.trim() === '') {
      throw new Error('No user SID was given, so nothing was sent: without a SID the cluster would end every session.');
    }
    try {
      await this.http.delete(`users/sessions?sid=${encodeURIComponent(sid)}`, 'revoke sessions', { signal });
      return 'revoked';
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        return 'already-ended';
      }
      throw e;
    }
  }

  /**
   * `DELETE /v2/users/sessions` without `sid`: ends EVERY session on the cluster, Session Manager's own included (its
   * session id is dropped here, so the next call signs in again). Only for the confirmed cluster-wide command.
   */
  async deleteAllSessions(signal?: AbortSignal): Promise<void> {
    await this.http.delete('users/sessions', 'revoke all sessions on the cluster', { signal });
    await this.sessionEnded();
  }

  /** Forgets the session id after its sessions were ended on the cluster (it would only answer 401 now). */
  async sessionEnded(): Promise<void> {
    if (this.usesPassword && this.sessionId !== undefined) {
      this.sessionId = undefined;
      this.creating.reset();
      await this.deps.saveSecrets({ token: undefined, tokenExpiresAt: undefined });
    }
  }

  /** `GET /v2/security-config` → `sessionConfiguration`; undefined when the answer has none. */
  async sessionConfiguration(signal?: AbortSignal): Promise<CohesitySessionConfiguration | undefined> {
    const data = (await this.http.get<{ sessionConfiguration?: unknown }>('security-config', 'read session policy', { signal })).data;
    const c = data && typeof data === 'object' ? data.sessionConfiguration : undefined;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as CohesitySessionConfiguration) : undefined;
  }

  /** Closes pooled sockets. */
  dispose(): void {
    this.http.dispose();
  }

  // -----------------------------------------------------------------------------------------------------------

  private async cluster(operation: string, signal?: AbortSignal): Promise<CohesityCluster> {
    let data: CohesityCluster;
    try {
      data = (await this.http.get<CohesityCluster>('clusters', operation, { signal })).data;
    } catch (e) {
      if (
        !this.usesPassword &&
        e instanceof ApiError &&
        // Stryker disable next-line ConditionalExpression: equivalent, the HTTP core gives every 401 the kind 'auth'
        e.kind === 'auth' &&
        e.status === 401
      ) {
        throw this.error(operation, 'auth', `the cluster rejected the API key (${describe(e)}); create a new key and edit the connection`, e);
      }
      throw e;
    }
    if (!data || typeof data !== 'object' || (data.id === undefined && data.name === undefined)) {
      throw this.error(operation, 'invalid-response', 'GET /v2/clusters answered without a cluster id or name');
    }
    return data;
  }

  private liveSecrets(): string[] {
    return [this.secrets.password, this.askedPassword, this.secrets.apiKey, this.secrets.token, this.sessionId].filter(
      (s): s is string =>
        typeof s === 'string' &&
        // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: equivalent, redaction (redactText) skips secrets shorter than 4 characters, so an empty one changes nothing
        s !== '',
    );
  }

  private async currentSession(signal?: AbortSignal): Promise<string> {
    return this.sessionId ?? this.createSession(signal);
  }

  /** One session creation at a time; concurrent callers share it. */
  private createSession(signal?: AbortSignal): Promise<string> {
    return this.creating.run(() => this.newSession(signal));
  }

  private async newSession(signal?: AbortSignal): Promise<string> {
    const operation = 'sign in';
    const username = this.record.auth.username;
    if (!username) {
      throw this.error(operation, 'auth', 'the connection has no username; edit the connection');
    }
    const password = await knownOrAskedPassword(
      this.secrets.password || this.askedPassword,
      this.deps.prompter,
      { title: 'Cohesity password', prompt: `Password for ${this.principal} on ${this.record.endpoints.url}` },
      (asked) => {
        this.askedPassword = asked;
      },
      () => this.error(operation, 'cancelled', 'no password was entered'),
    );
    const body: CohesitySessionRequest = { username, password, domain: this.record.auth.domain || 'LOCAL' };
    let answer: CohesityUserSession;
    try {
      answer = (await this.http.post<CohesityUserSession>('users/sessions', body, operation, { signal, authenticate: false })).data;
    } catch (e) {
      if (!isOtpRequired(e)) {
        throw this.sessionError(e);
      }
      const code = await this.deps.prompter.askCode({
        title: 'Cohesity one-time code',
        prompt: `Multi-factor authentication is on for ${this.principal}: enter the one-time code`,
      });
      if (code === undefined || code.trim() === '') {
        throw this.error(operation, 'cancelled', 'no one-time code was entered');
      }
      body.otpCode = code.trim();
      body.otpType = this.options.otpType ?? 'totp';
      try {
        answer = (await this.http.post<CohesityUserSession>('users/sessions', body, operation, { signal, authenticate: false })).data;
      } catch (e2) {
        throw this.sessionError(e2, true);
      }
    }
    const id = answer?.sessionId;
    if (typeof id !== 'string' || id === '') {
      throw this.error(operation, 'invalid-response', 'POST /v2/users/sessions answered without a sessionId');
    }
    this.sessionId = id;
    await this.deps.saveSecrets({ token: id, tokenExpiresAt: undefined });
    this.deps.log('debug', `created a Cohesity session for ${this.principal}`);
    return id;
  }

  private sessionError(e: unknown, withOtp = false): unknown {
    if (!(e instanceof ApiError) || e.status !== 401) {
      return e;
    }
    if (withOtp && /otp|one-?time|multi-?factor/i.test(e.summary)) {
      return this.error('sign in', 'auth', `the cluster rejected the one-time code (${describe(e)}); sign in again with a fresh code`, e);
    }
    this.askedPassword = undefined;
    return this.error('sign in', 'auth', `the cluster rejected the username or password for ${this.principal} (${describe(e)})`, e);
  }

  private error(operation: string, kind: ApiError['kind'], summary: string, from?: ApiError): ApiError {
    return clientError(this.record, operation, kind, summary, this.liveSecrets(), from);
  }
}

/** Whether a failed session creation is the cluster asking for the one-time code. */
function isOtpRequired(e: unknown): boolean {
  return (
    e instanceof ApiError &&
    e.status === 401 &&
    /otp\s*code is required|otpcode is required|(multi-?factor|mfa|two-?factor).*(enabled|required)/i.test(e.summary) &&
    !/invalid otp/i.test(e.summary)
  );
}

/** "KStatusUnauthorized — Invalid username or password" from an ApiError summary "401 KStatus… — …". */
function describe(e: ApiError): string {
  return (
    e.summary
      // Stryker disable next-line Regex: equivalent, an HTTP error's summary always begins with the status and a space
      .replace(/^\d{3}\s*/, '')
      .replace(/\s*\(request [^)]*\)$/, '') || String(e.status)
  );
}

export function toEnvironmentInfo(cluster: CohesityCluster): EnvironmentInfo {
  const version = typeof cluster.swVersion === 'string' ? cluster.swVersion : undefined;
  return {
    id: String(cluster.id ?? cluster.name),
    label: cluster.name ?? String(cluster.id),
    description: version ? `v${version}` : undefined,
    details: {
      id: cluster.id !== undefined ? String(cluster.id) : undefined,
      name: cluster.name,
      version,
      type: typeof cluster.type === 'string' ? cluster.type : undefined,
      nodes: typeof cluster.nodeCount === 'number' ? cluster.nodeCount : undefined,
    },
    raw: cluster,
    icon: 'server',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Certificate trust for self-signed clusters

function toCertificateInfo(c: PeerCertificate): CertificateInfo {
  return { pem: c.pem, subject: c.subject, issuer: c.issuer, sha256: c.sha256Fingerprint, validFrom: c.validFrom, validTo: c.validTo };
}

/**
 * Whether `chain` (leaf first) is complete and consistent: each certificate is signed by the next, and the last is
 * self-signed. A lone self-signed leaf is complete.
 */
export function chainIsComplete(chain: readonly string[]): boolean {
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut: an empty chain has no last certificate, which throws below and answers false too
  if (chain.length === 0) {
    return false;
  }
  try {
    const certs = chain.map((pem) => new X509Certificate(pem));
    for (let i = 0; i + 1 < certs.length; i++) {
      if (!certs[i].checkIssued(certs[i + 1]) || !certs[i].verify(certs[i + 1].publicKey)) {
        return false;
      }
    }
    const last = certs[certs.length - 1];
    return last.checkIssued(last) && last.verify(last.publicKey);
  } catch {
    return false;
  }
}

/**
 * For a cluster whose certificate is not trusted: reads the certificate chain the server presents in its TLS
 * handshake (no request or credential is sent) for the person to inspect and trust for this connection only.
 * Throws when trusting could not help, because the certificate is not issued for the cluster's address.
 */
export async function cohesityTrustCandidate(record: ConnectionRecord, signal?: AbortSignal, network: Omit<ProbeNetwork, 'signal'> = {}): Promise<TrustCandidate> {
  const url = record.endpoints.url;
  if (!url) {
    throw new Error(`${record.label}: the connection has no cluster address.`);
  }
  const target = new URL(url);
  const chain = await fetchPeerCertificateChain(target.origin, { signal, timeoutMs: network.timeoutMs, proxyUrl: proxyUrlFor(target, network.proxy) });
  if (chain.certificates.length === 0) {
    throw new Error(`${record.label}: ${target.host} presented no certificate.`);
  }
  const leaf = new X509Certificate(chain.certificates[0].pem);
  // Stryker disable next-line Regex: equivalent, a URL's hostname holds brackets only around an IPv6 address
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const matches = isIP(host) ? leaf.checkIP(host) !== undefined : leaf.checkHost(host) !== undefined;
  if (!matches) {
    throw new Error(
      `${record.label}: the cluster's certificate (${chain.certificates[0].subject}) is not issued for ${host}, so trusting it would not help; connect with a name the certificate lists (subject alternative names: ${leaf.subjectAltName ?? 'none'}).`,
    );
  }
  const pems = chain.certificates.map((c) => c.pem);
  return {
    source: "the cluster's TLS handshake",
    certificates: chain.certificates.map(toCertificateInfo),
    verified: chainIsComplete(pems),
  };
}
