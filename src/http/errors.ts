// The one error type of the HTTP core, and the normalisation of the four vendors' error bodies and of transport
// failures into it. Every message is redacted. No `vscode` import.
import { redactText, redactUrl } from '../util/redact';
import { describeCertificateError, type PeerCertificate, UNTRUSTED_CERT_CODES } from './tls';

export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'cancelled' | 'untrusted-certificate' | 'invalid-response' | 'auth';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  connectionLabel: string;
  operation: string;
  /** What went wrong, without the "<connection>: <operation> failed: " prefix (it is added). */
  summary: string;
  status?: number;
  vendorCode?: string;
  requestId?: string;
  retryAfterMs?: number;
  details?: string[];
  peerCertificate?: PeerCertificate & { chain?: PeerCertificate[] };
  /** The transport error code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …). */
  code?: string;
  /**
   * An earlier attempt of this request (retried after a 502, a 504 or a dropped connection) may have reached the
   * server and done its work: e.g. a DELETE whose retry answers 404 may have ended the item itself.
   */
  earlierAttemptMayHaveSucceeded?: boolean;
  /** Live secret values to scrub from the message and details. */
  secrets?: readonly string[];
  /** Never an axios error (its config holds the request headers). */
  cause?: unknown;
}

/** A failed API call: names the connection, the operation, the status and the vendor's code. Never holds a secret. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status?: number;
  readonly vendorCode?: string;
  readonly requestId?: string;
  readonly connectionLabel: string;
  readonly operation: string;
  readonly retryAfterMs?: number;
  readonly details?: string[];
  readonly peerCertificate?: PeerCertificate & { chain?: PeerCertificate[] };
  readonly code?: string;
  /** See ApiErrorInit.earlierAttemptMayHaveSucceeded. */
  readonly earlierAttemptMayHaveSucceeded: boolean;
  /** The message without the connection/operation prefix (for tree nodes that already show the connection). */
  readonly summary: string;

  constructor(init: ApiErrorInit) {
    const secrets = init.secrets ?? [];
    const summary = redactText(init.summary, secrets);
    super(`${init.connectionLabel}: ${init.operation} failed: ${summary}`, init.cause !== undefined ? { cause: init.cause } : undefined);
    this.kind = init.kind;
    this.summary = summary;
    this.connectionLabel = init.connectionLabel;
    this.operation = init.operation;
    this.status = init.status;
    this.vendorCode = init.vendorCode !== undefined ? redactText(init.vendorCode, secrets) : undefined;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details?.map((d) => redactText(d, secrets));
    this.peerCertificate = init.peerCertificate;
    this.code = init.code;
    this.earlierAttemptMayHaveSucceeded = init.earlierAttemptMayHaveSucceeded === true;
  }

  static is(value: unknown): value is ApiError {
    return value instanceof ApiError;
  }

  /** A copy with more fields set (e.g. the peer certificate found after the fact). */
  with(patch: Partial<Pick<ApiErrorInit, 'peerCertificate' | 'retryAfterMs' | 'kind' | 'earlierAttemptMayHaveSucceeded'>>): ApiError {
    const copy = new ApiError({
      kind: patch.kind ?? this.kind,
      connectionLabel: this.connectionLabel,
      operation: this.operation,
      summary: this.summary,
      status: this.status,
      vendorCode: this.vendorCode,
      requestId: this.requestId,
      retryAfterMs: patch.retryAfterMs ?? this.retryAfterMs,
      details: this.details,
      peerCertificate: patch.peerCertificate ?? this.peerCertificate,
      code: this.code,
      earlierAttemptMayHaveSucceeded: patch.earlierAttemptMayHaveSucceeded ?? this.earlierAttemptMayHaveSucceeded,
      cause: this.cause,
    });
    return copy;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vendor error bodies

/** What a vendor error body says, normalised. */
export interface VendorError {
  vendorCode?: string;
  message?: string;
  requestId?: string;
  details: string[];
  /**
   * The details say what the message does not, so the summary carries them too. PingOne: a 400's message is always
   * "One or more validation errors were in the request."; which filter operator or attribute it refused is only in
   * `details[]`.
   */
  detailsInSummary?: boolean;
}

const MAX_MESSAGE = 300;
const MAX_DETAILS = 5;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t;
  }
  // Stryker disable next-line ConditionalExpression: equivalent, Number.isFinite is false for anything that is not a number
  if (typeof v === 'number' && Number.isFinite(v)) {
    return String(v);
  }
  return undefined;
}

function clip(s: string, max = MAX_MESSAGE): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Recognises the four vendors' error bodies (already parsed JSON):
 * - OpenZiti `{error:{code,message,cause,causeMessage,requestId}}`
 * - PingOne `{id,code,message,details[]}`
 * - Aptible `{code:int,error,message}` and OAuth `{error,error_description}`
 * - Cohesity `{errorCode,message,taskLogId}`
 * Returns undefined for anything else.
 */
export function parseVendorError(body: unknown): VendorError | undefined {
  if (!isObject(body)) {
    return undefined;
  }
  // OpenZiti
  if (isObject(body.error)) {
    const e = body.error;
    const details: string[] = [];
    const causeMessage = str(e.causeMessage);
    if (causeMessage) {
      details.push(clip(causeMessage));
    }
    collectZitiCause(e.cause, details, 0);
    return { vendorCode: str(e.code), message: str(e.message), requestId: str(e.requestId), details: dedupe(details) };
  }
  // Cohesity
  if (str(body.errorCode) !== undefined) {
    return { vendorCode: str(body.errorCode), message: str(body.message), requestId: str(body.taskLogId), details: [] };
  }
  // OAuth (Aptible auth server, PingOne token endpoint)
  if (typeof body.error === 'string' && (body.error_description !== undefined || body.code === undefined)) {
    return { vendorCode: str(body.error), message: str(body.error_description) ?? str(body.message), details: [] };
  }
  // Aptible: numeric code, string error label
  if (typeof body.code === 'number' && typeof body.error === 'string') {
    return { vendorCode: str(body.error), message: str(body.message), details: [] };
  }
  // PingOne
  if (typeof body.code === 'string' && (body.id !== undefined || body.message !== undefined || Array.isArray(body.details))) {
    const details: string[] = [];
    if (Array.isArray(body.details)) {
      for (const d of body.details) {
        if (isObject(d)) {
          const target = str(d.target);
          const msg = str(d.message) ?? str(d.code);
          if (msg) {
            details.push(clip(target ? `${target}: ${msg}` : msg));
          }
        }
      }
    }
    return { vendorCode: str(body.code), message: str(body.message), requestId: str(body.id), details: dedupe(details), detailsInSummary: true };
  }
  // Generic `{message}` / `{code,message}`
  if (str(body.message) !== undefined) {
    return { vendorCode: str(body.code), message: str(body.message), details: [] };
  }
  return undefined;
}

function collectZitiCause(cause: unknown, out: string[], depth: number): void {
  if (!isObject(cause) || depth > 3) {
    return;
  }
  const field = str(cause.field);
  const reason = str(cause.reason);
  if (field || reason) {
    out.push(clip(field ? `${field}: ${reason ?? 'invalid'}` : (reason as string)));
  }
  const code = str(cause.code);
  const message = str(cause.message);
  if (message) {
    out.push(clip(code ? `${code}: ${message}` : message));
  }
  const causeMessage = str(cause.causeMessage);
  if (causeMessage) {
    out.push(clip(causeMessage));
  }
  collectZitiCause(cause.cause, out, depth + 1);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)].slice(0, MAX_DETAILS);
}

/** The `<title>` of an HTML page, if any (entities for & < > " ' decoded). */
export function htmlTitle(html: string): string | undefined {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  if (!m) {
    return undefined;
  }
  const t = m[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  return clip(t, 120) || undefined;
}

export function looksLikeHtml(body: string, contentType: string | undefined): boolean {
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) {
    return true;
  }
  return /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(body);
}

/** Request ids some servers put in headers. */
export function requestIdFromHeaders(headers: Record<string, string>): string | undefined {
  for (const name of ['x-request-id', 'x-correlation-id', 'correlation-id', 'x-amzn-requestid', 'request-id']) {
    const v = headers[name];
    if (v) {
      return clip(v, 100);
    }
  }
  return undefined;
}

export interface ResponseErrorContext {
  connectionLabel: string;
  operation: string;
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body: string;
  secrets: readonly string[];
  kind?: ApiErrorKind;
  retryAfterMs?: number;
}

/** An ApiError for a non-2xx answer, from its body whatever its shape (vendor JSON, HTML, empty, malformed). */
export function errorFromResponse(ctx: ResponseErrorContext): ApiError {
  const contentType = ctx.headers['content-type'];
  const statusPart = `${ctx.status}`;
  const kind: ApiErrorKind = ctx.kind ?? (ctx.status === 401 ? 'auth' : 'http');
  let vendor: VendorError | undefined;
  let text: string;
  const body = ctx.body ?? '';
  if (body.trim() === '') {
    text = `${statusPart}${ctx.statusText ? ` ${ctx.statusText}` : ''} (empty response body)`;
  } else if (looksLikeHtml(body, contentType)) {
    const title = htmlTitle(body);
    text = `${statusPart} — the server answered with an HTML page (status ${ctx.status}), not JSON${title ? ` ("${title}")` : ''}`;
  } else {
    let parsed: unknown;
    let parsedOk: boolean;
    try {
      parsed = JSON.parse(body);
      parsedOk = true;
    } catch {
      parsedOk = false;
    }
    // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: parseVendorError(undefined) is undefined
    if (parsedOk) {
      vendor = parseVendorError(parsed);
    }
    if (vendor) {
      const head = [statusPart, vendor.vendorCode].filter(Boolean).join(' ');
      const said = [vendor.message, vendor.detailsInSummary && vendor.details.length > 0 ? vendor.details.join('; ') : undefined].filter(Boolean).join(' ');
      text = said ? `${head} — ${clip(said, MAX_MESSAGE * 2)}` : head;
    } else if (!parsedOk && (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(body))) {
      text = `${statusPart}${ctx.statusText ? ` ${ctx.statusText}` : ''} — the server answered with malformed JSON`;
    } else {
      // Some other text: keep a short, redacted first line.
      text = `${statusPart}${ctx.statusText ? ` ${ctx.statusText}` : ''} — ${clip(body, 160)}`;
    }
  }
  const requestId = vendor?.requestId ?? requestIdFromHeaders(ctx.headers);
  if (requestId) {
    text += ` (request ${requestId})`;
  }
  return new ApiError({
    kind,
    connectionLabel: ctx.connectionLabel,
    operation: ctx.operation,
    summary: text,
    status: ctx.status,
    vendorCode: vendor?.vendorCode,
    requestId,
    retryAfterMs: ctx.retryAfterMs,
    details: vendor && vendor.details.length > 0 ? vendor.details : undefined,
    secrets: ctx.secrets,
  });
}

/** An ApiError for a 2xx answer whose body is not what was expected. */
export function invalidResponse(ctx: Omit<ResponseErrorContext, 'kind' | 'retryAfterMs'>, problem: string): ApiError {
  const requestId = requestIdFromHeaders(ctx.headers);
  return new ApiError({
    kind: 'invalid-response',
    connectionLabel: ctx.connectionLabel,
    operation: ctx.operation,
    summary: `${ctx.status} — ${problem}${requestId ? ` (request ${requestId})` : ''}`,
    status: ctx.status,
    requestId,
    secrets: ctx.secrets,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Transport errors

const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
  EPROXY: 'the proxy refused the tunnel',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'connection timed out',
};

/** Codes of a connection that was dropped mid-request (safe to retry when the request is idempotent). */
export const DROPPED_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The innermost Node error code of a (possibly wrapped) error. */
export function transportCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST' && code !== 'ERR_NETWORK') {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  const message = (err as { message?: unknown })?.message;
  if (typeof message === 'string' && /socket hang up/i.test(message)) {
    return 'ECONNRESET';
  }
  return undefined;
}

export function isDroppedConnection(err: unknown): boolean {
  const code = transportCode(err);
  return (code !== undefined && DROPPED_CONNECTION_CODES.has(code)) || /socket hang up/i.test(String((err as Error)?.message ?? ''));
}

export interface TransportErrorContext {
  connectionLabel: string;
  operation: string;
  /** The request URL (redacted here). */
  url: string;
  secrets: readonly string[];
}

/**
 * An ApiError of kind network / untrusted-certificate for a failure below HTTP. The original error is deliberately not
 * kept as `cause`: axios errors carry the request config, headers included.
 */
export function errorFromTransport(ctx: TransportErrorContext, err: unknown): ApiError {
  const code = transportCode(err);
  let origin: string;
  try {
    origin = new URL(ctx.url).origin;
  } catch {
    origin = redactUrl(ctx.url);
  }
  if (code && UNTRUSTED_CERT_CODES.has(code)) {
    return new ApiError({
      kind: 'untrusted-certificate',
      connectionLabel: ctx.connectionLabel,
      operation: ctx.operation,
      summary: `the certificate of ${origin} is not trusted: ${describeCertificateError(code)} (${code})`,
      code,
      secrets: ctx.secrets,
    });
  }
  const rawMessage = String((err as Error)?.message ?? err);
  const reason = code && NETWORK_TEXT[code] ? NETWORK_TEXT[code] : /socket hang up/i.test(rawMessage) ? 'the server closed the connection' : clip(rawMessage, 160);
  return new ApiError({
    kind: 'network',
    connectionLabel: ctx.connectionLabel,
    operation: ctx.operation,
    summary: `cannot reach ${origin} (${reason}${code ? `, ${code}` : ''})`,
    code,
    secrets: ctx.secrets,
  });
}
