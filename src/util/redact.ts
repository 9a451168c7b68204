// Redaction of secrets before anything is logged, copied or shown. Pure: no `vscode` import.

/** Header and JSON key names whose values are always secret (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'zt-session',
    'session-id',
    'sessionid',
    'apikey',
    'api-key',
    'x-api-key',
    'password',
    'passwd',
    'secret',
    'client_secret',
    'clientsecret',
    'token',
    'access_token',
    'accesstoken',
    'refresh_token',
    'refreshtoken',
    'id_token',
    'jwt',
    'otpcode',
    'otp_token',
    'privatekey',
    'private_key',
    'ca_private_key',
    'cookie',
    'set-cookie',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '«redacted»';

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

// A JWT: three base64url parts, the first starting with `eyJ` (`{"`).
const JWT_RE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// `Bearer xyz`, `Basic xyz` as they appear in free text.
const AUTH_SCHEME_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// key=value or "key": "value" pairs in free text (query strings, form bodies, JSON fragments).
const PAIR_RE = /(["']?)([A-Za-z_][A-Za-z0-9_-]*)\1(\s*[:=]\s*)(["']?)([^"'&\s,;}]+)\4/g;

/** Redacts secret-looking material in free text: JWTs, auth schemes, and `secretKey=value` pairs. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of extraSecrets) {
    if (s && s.length >= 4) {
      out = out.split(s).join(REDACTED);
    }
  }
  out = out.replace(JWT_RE, REDACTED);
  out = out.replace(AUTH_SCHEME_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(PAIR_RE, (m, q1: string, key: string, sep: string, q2: string) =>
    isSecretKey(key) ? `${q1}${key}${q1}${sep}${q2}${REDACTED}${q2}` : m,
  );
  return out;
}

/** Deep copy of a JSON-like value with the values of secret keys replaced and JWTs in strings redacted. */
export function redactValue<T>(value: T, extraSecrets: readonly string[] = []): T {
  return redactInner(value, extraSecrets, new WeakSet()) as T;
}

function redactInner(value: unknown, extra: readonly string[], seen: WeakSet<object>): unknown {
  if (typeof value === 'string') {
    return redactText(value, extra);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (seen.has(value)) {
    return '[circular]';
  }
  seen.add(value);
  if (Array.isArray(value)) {
    return value.map((v) => redactInner(v, extra, seen));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactInner(v, extra, seen);
  }
  return out;
}

/** A URL with secret query parameters (and user info) redacted. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = 'redacted';
    }
    for (const key of [...u.searchParams.keys()]) {
      if (isSecretKey(key)) {
        u.searchParams.set(key, 'redacted');
      }
    }
    return u.toString();
  } catch {
    return redactText(url);
  }
}
