// TLS helpers for per-connection trust: reading a server's certificate chain for the "Trust Certificate…" prompt,
// describing PEM certificates, and recognising certificate-verification errors. No `vscode` import.
import * as crypto from 'crypto';
import * as https from 'https';
import * as net from 'net';
import * as tls from 'tls';
import { bypassesProxy, openTunnel, type ProxySettings, TunnelingAgent } from './proxy';
import { ACCEPT_ENCODING, readBodyCapped, RESPONSE_LIMITS } from './body';

/** How long a trust probe step may take by default (the TLS handshake, the CA-bundle GET). */
export const PROBE_TIMEOUT_MS = 15_000;

/** The network settings a trust probe honours: the proxy (with its no-proxy list), a deadline and cancellation. */
export interface ProbeNetwork {
  proxy?: ProxySettings;
  /** Per step (default PROBE_TIMEOUT_MS). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The proxy URL to reach `url` through, when one is configured and `url` is not in its no-proxy list. */
export function proxyUrlFor(url: string | URL, proxy: ProxySettings | undefined): string | undefined {
  const target = typeof url === 'string' ? new URL(url) : url;
  return proxy?.url && !bypassesProxy(target, proxy.noProxy) ? proxy.url : undefined;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** One certificate as shown in a trust prompt. */
export interface PeerCertificate {
  /** PEM of this certificate. */
  pem: string;
  subject: string;
  issuer: string;
  /** SHA-256 of the DER certificate as `AB:CD:…` (what browsers and `openssl x509 -fingerprint -sha256` show). */
  sha256Fingerprint: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  /** Whether the certificate says it is a CA. */
  isCa: boolean;
}

export interface PeerCertificateChain {
  /** Leaf first, then the issuers the server sent (and a trusted root if Node's verifier found one). */
  certificates: PeerCertificate[];
  /** Whether the chain verified against Node's roots plus the `ca` given to the probe (and the host name matched). */
  trusted: boolean;
  /** OpenSSL/Node's verification error code when not trusted, e.g. `SELF_SIGNED_CERT_IN_CHAIN`. */
  authorizationError?: string;
}

/** Node/OpenSSL error codes meaning "the peer's certificate is not trusted (or not valid for this host)". */
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CERT_CODE_TEXT: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'it chains to a self-signed CA that is not trusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not trusted',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is not issued for this host name',
};

/** Human text for a certificate error code, e.g. "it is self-signed". */
export function describeCertificateError(code: string): string {
  return CERT_CODE_TEXT[code] ?? 'it could not be verified';
}

/** Describes one PEM (or DER) certificate. */
export function describeCertificate(cert: string | Buffer): PeerCertificate {
  const x = new crypto.X509Certificate(cert);
  return {
    pem: x.toString(),
    subject: oneLineName(x.subject),
    issuer: oneLineName(x.issuer),
    sha256Fingerprint: x.fingerprint256,
    validFrom: x.validFrom,
    validTo: x.validTo,
    serialNumber: x.serialNumber,
    isCa: x.ca,
  };
}

function oneLineName(name: string): string {
  // Stryker disable next-line MethodExpression: equivalent, a guard: Node's X509Certificate subject/issuer has one line per part and no empty line
  return name.split('\n').filter(Boolean).join(', ');
}

/** Splits a PEM bundle into its certificates. */
export function splitPemBundle(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

export interface FetchPeerCertificateOptions {
  /** Extra CAs to verify against (reported in `trusted`); the chain is returned whether or not it verifies. */
  ca?: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Reach the server through this HTTP(S) proxy (CONNECT). */
  proxyUrl?: string;
  /** Verify against `ca` alone, without Node's roots (does the server chain to exactly these?). */
  caOnly?: boolean;
}

/**
 * Reads the certificate chain a TLS server presents, for a trust prompt. Sends no application data.
 *
 * Why this is safe, and how it works without switching verification off: the probe is an ordinary, fully verifying
 * TLS client (verification stays on: Node's default, never overridden here). It asks for OCSP stapling only because Node then emits
 * `OCSPResponse` during the handshake — after the server's Certificate message was received and before Node decides
 * on verification. At that moment the chain is read with `getPeerCertificate(true)`. If the certificate is untrusted,
 * Node then aborts the handshake as usual (we learn the error code); if it is trusted, the handshake completes and we
 * close the socket at once. Either way no HTTP request, header, credential or byte of application data is ever
 * written, and nothing learned here is trusted by itself: the caller shows the subject and SHA-256 fingerprint and
 * asks the person, and stores the CA for that connection only.
 */
export function fetchPeerCertificateChain(url: string, options: FetchPeerCertificateOptions = {}): Promise<PeerCertificateChain> {
  const target = new URL(url);
  if (target.protocol !== 'https:') {
    return Promise.reject(new Error(`${target.origin} does not use TLS`));
  }
  // Stryker disable next-line Regex: equivalent, a URL's hostname holds brackets only around an IPv6 address, so either anchor alone strips the same
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port) || 443;
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;

  return new Promise<PeerCertificateChain>((resolve, reject) => {
    let settled = false;
    let socket: tls.TLSSocket | undefined;
    let chain: PeerCertificate[] | undefined;
    const finish = (err: Error | undefined, result?: PeerCertificateChain): void => {
      // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut: every step below is idempotent (clearTimeout, removeEventListener, destroy) and a promise settles once
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      if (err) {
        reject(err);
      } else {
        resolve(result as PeerCertificateChain);
      }
    };
    const onAbort = (): void => finish(Object.assign(new Error('cancelled'), { code: 'ERR_CANCELED' }));
    const timer = setTimeout(
      () => finish(Object.assign(new Error(`${target.host} did not complete a TLS handshake within ${seconds(timeoutMs)}`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, a signal aborts at most once, and finish removes the listener anyway
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const start = (tunnel?: net.Socket): void => {
      if (settled) {
        tunnel?.destroy();
        return;
      }
      // Stryker disable next-line ConditionalExpression,EqualityOperator: not observable with a test server: for an empty list the mutant verifies against Node's bundled roots (with caOnly, against none) where the original uses Node's default store, and a certificate made in a test chains to neither (callers never pass an empty list)
      const ca = options.ca && options.ca.length > 0 ? (options.caOnly ? [...options.ca] : [...tls.rootCertificates, ...options.ca]) : undefined;
      // `requestOCSP` is a TLSSocket option that tls.connect forwards (lib/_tls_wrap.js) but @types/node omits.
      const connectOptions: tls.ConnectionOptions & { requestOCSP: boolean } = {
        host,
        port,
        socket: tunnel,
        servername: net.isIP(host) ? undefined : host,
        ca,
        requestOCSP: true,
        ALPNProtocols: ['http/1.1'],
      };
      socket = tls.connect(connectOptions);
      socket.once('OCSPResponse', () => {
        chain = readChain(socket as tls.TLSSocket);
      });
      socket.once('secureConnect', () => {
        const s = socket as tls.TLSSocket;
        const certificates = chain ?? readChain(s);
        finish(undefined, { certificates, trusted: s.authorized, authorizationError: s.authorizationError ? String(s.authorizationError) : undefined });
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, OCSPResponse comes after the server's Certificate message, so a chain read there always holds the leaf
        if (chain && chain.length > 0 && err.code && UNTRUSTED_CERT_CODES.has(err.code)) {
          finish(undefined, { certificates: chain, trusted: false, authorizationError: err.code });
        } else {
          finish(err);
        }
      });
    };
    if (options.proxyUrl) {
      openTunnel(options.proxyUrl, host, port, timeoutMs).then(start, (err: Error) => finish(err));
    } else {
      start();
    }
  });
}

function readChain(socket: tls.TLSSocket): PeerCertificate[] {
  const out: PeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(describeCertificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

export interface ProbeGetOptions extends ProbeNetwork {
  /** The only certificates the answer is verified against (the chain the server itself presented). */
  anchors: readonly string[];
  /** The most body bytes accepted (default 1 MiB). */
  maxBytes?: number;
  accept?: string;
}

/**
 * One unauthenticated GET of a trust bootstrap (OpenZiti's /.well-known/est/cacerts): verification on, anchored at
 * `anchors` only, through the proxy when one applies, with a deadline for the whole answer, a size cap, and
 * cancellation. Sends no credential. Resolves with the status and the body as text.
 */
export function probeGet(url: string, options: ProbeGetOptions): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? RESPONSE_LIMITS.caBundle;
  const agentOptions = { ca: [...options.anchors], allowPartialTrustChain: true, keepAlive: false } as https.AgentOptions;
  const proxyUrl = proxyUrlFor(target, options.proxy);
  const agent = proxyUrl ? new TunnelingAgent(proxyUrl, agentOptions) : new https.Agent(agentOptions);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, result?: { status: number; body: string }): void => {
      // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a shortcut: every step below is idempotent (clearTimeout, removeEventListener, destroy) and a promise settles once
      if (settled) {
        return;
      }
      // Stryker disable next-line BooleanLiteral: equivalent, nothing but the shortcut above reads `settled` in probeGet
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      agent.destroy();
      if (err) {
        reject(err);
      } else {
        resolve(result as { status: number; body: string });
      }
    };
    const onAbort = (): void => finish(Object.assign(new Error('cancelled'), { code: 'ERR_CANCELED', name: 'AbortError' }));
    const timer = setTimeout(
      () => finish(Object.assign(new Error(`${target.host} did not answer ${target.pathname} within ${seconds(timeoutMs)}`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    // The anchors also go in the request's own options, so they hold even where the agent is replaced (VS Code's
    // proxy support can swap the agent of requests to hosts other than localhost).
    const req = https.get(target, { agent, ca: [...options.anchors], headers: { accept: options.accept ?? '*/*', 'accept-encoding': ACCEPT_ENCODING } }, (res) => {
      // Capped like every answer of the HTTP core, on the wire and after decompression.
      readBodyCapped(res, { contentEncoding: res.headers['content-encoding'], contentLength: res.headers['content-length'], limit: maxBytes }).then(
        (body) => finish(undefined, { status: res.statusCode ?? 0, body }),
        (e: unknown) => finish(e instanceof Error ? e : new Error(String(e))),
      );
    });
    req.on('error', (e: Error) => finish(e));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, a signal aborts at most once, and finish removes the listener anyway
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
