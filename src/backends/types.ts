// The contract between the VS Code layer and each backend's API client. Pure: no `vscode` import.
import type { ConnectionRecord, ConnectionSecrets } from '../model/connection';

export type LogFn = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Questions a client may need to ask the person while signing in. Return undefined when they cancel. */
export interface Prompter {
  /** A one-time code: OpenZiti MFA (TOTP or recovery code), Aptible OTP, Cohesity OTP. */
  askCode(request: { title: string; prompt: string }): Promise<string | undefined>;
  /** A password that is not stored (sign-in after the stored one was rejected, or none stored). */
  askPassword(request: { title: string; prompt: string }): Promise<string | undefined>;
}

export interface ClientDeps {
  log: LogFn;
  prompter: Prompter;
  /** Secrets changed by the client (issued tokens, renewed sessions) are written back through this. */
  saveSecrets(patch: Partial<ConnectionSecrets>): Promise<void>;
  /** VS Code's proxy settings, if any. */
  proxy?: { url: string; strictSSL: boolean };
  now?: () => number;
}

/** One environment under a connection, as shown in the Environments view. */
export interface EnvironmentInfo {
  /** Stable within the connection. */
  id: string;
  label: string;
  description?: string;
  /** Markdown-safe plain lines for the tooltip (never secrets). */
  details: Record<string, string | number | boolean | undefined>;
  /** The raw object for the read-only details document (redacted before display). */
  raw: unknown;
  /** A ThemeIcon id. */
  icon?: string;
}

export interface SignInResult {
  /** e.g. "signed in as admin", "token valid until 17:30". */
  summary: string;
  expiresAt?: number;
}

/** A signed-in (or signing-in) connection's API client. */
export interface BackendClient {
  readonly record: ConnectionRecord;
  /** Signs in with the stored secrets (asking through the prompter for MFA/OTP when the server demands it). */
  signIn(signal?: AbortSignal): Promise<SignInResult>;
  /** Ends the server-side session where the API allows it; returns what happened, for the person. */
  signOut(signal?: AbortSignal): Promise<string>;
  /** A cheap authenticated call proving the connection works. */
  test(signal?: AbortSignal): Promise<string>;
  listEnvironments(signal?: AbortSignal): Promise<EnvironmentInfo[]>;
  /** Whether a token is currently held. */
  readonly signedIn: boolean;
  /** Closes the client's pooled keep-alive sockets (when the connection is removed, edited or signed out). */
  dispose(): void;
}

export type ClientFactory = (record: ConnectionRecord, secrets: ConnectionSecrets, deps: ClientDeps) => BackendClient;

/** A certificate offered to the person for trust (never trusted without their consent). */
export interface CertificateInfo {
  pem: string;
  subject: string;
  issuer: string;
  sha256: string;
  validFrom: string;
  validTo: string;
}

export interface TrustCandidate {
  /** Where the certificates came from, e.g. "the controller's /.well-known/est/cacerts" or "the server's TLS handshake". */
  source: string;
  /** The certificates to trust for this connection (a CA bundle, or the server's self-signed certificate). */
  certificates: CertificateInfo[];
  /** Whether the server's certificate was verified to chain to these certificates. */
  verified: boolean;
}

/** How a trust probe reaches the server: VS Code's proxy settings, and a deadline per step. */
export interface TrustProbeNetwork {
  proxy?: { url: string; strictSSL: boolean; noProxy?: readonly string[] };
  timeoutMs?: number;
}

export interface BackendModule {
  createClient: ClientFactory;
  /**
   * For a server whose certificate is not trusted: fetch what could be trusted (OpenZiti: the controller's CA
   * bundle from /.well-known/est/cacerts; Cohesity: the server's own certificate), verified to match the server.
   */
  trustCandidate?(record: ConnectionRecord, signal?: AbortSignal, network?: TrustProbeNetwork): Promise<TrustCandidate>;
}
