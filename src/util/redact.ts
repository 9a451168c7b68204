// Redaction of secrets before anything is logged, copied or shown. Pure: no `vscode` import.
//
// A key is compared in a normal form: lower case, without `-`, `_`, `.` and spaces, so that `client_secret`,
// `client-secret` and `clientSecret` are one key. It is secret when its normal form is one of SECRET_KEY_NAMES or
// ends with one of SECRET_KEY_SUFFIXES (`sessionToken`, `x-auth-token`, `newPassword`, `x-api-key`, …), unless it is
// one of the paging cursors in NOT_SECRET_KEY_NAMES. `code` is a one-time code (the OpenZiti MFA body `{code}`) when
// its value is 4–10 digits, otherwise a vendor error code, which stays readable; in a request body it is always
// secret (see isSecretRequestKey).

/** Keys (normal form) whose values are secret, beyond those the suffixes cover. Each entry is needed: see the tests. */
export const SECRET_KEY_NAMES: readonly string[] = [
  'authorization', // Authorization: Bearer/Basic/Token … (PingOne, Aptible)
  'proxyauthorization',
  'ztsession', // OpenZiti API session header
  'sessionid', // Cohesity session-id header and the sessionId it issues (not apiSessionId: an id)
  'cookie',
  'setcookie',
  'otp', // one-time codes (Cohesity otpCode, Aptible otp_token are covered by the suffixes)
  'otpcode',
  'totp',
  'mfacode',
  'recoverycode',
  'credential',
  'credentials',
  'passphrase',
];

/** Suffixes (normal form) of secret keys: `token`, `access_token`, `sessionToken`, `client_secret`, `apiKey`, … */
export const SECRET_KEY_SUFFIXES: readonly string[] = ['token', 'secret', 'password', 'passwd', 'apikey', 'privatekey', 'jwt'];

/** Keys that end like a secret but are paging cursors, shown as they are. */
const NOT_SECRET_KEY_NAMES: ReadonlySet<string> = new Set(['nexttoken', 'pagetoken', 'nextpagetoken', 'continuationtoken', 'paginationtoken', 'synctoken']);

/** Keys whose value is secret when it looks like a one-time code (4–10 digits). */
const ONE_TIME_CODE_KEYS: ReadonlySet<string> = new Set(['code']);
const ONE_TIME_CODE_RE = /^\d{4,10}$/;

const NAMES = new Set(SECRET_KEY_NAMES);

export const REDACTED = '«redacted»';

function normalKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/** Whether the value of header or JSON/form key `key` is always secret. */
export function isSecretKey(key: string): boolean {
  const n = normalKey(key);
  if (NAMES.has(n)) {
    return true;
  }
  if (NOT_SECRET_KEY_NAMES.has(n)) {
    return false;
  }
  return SECRET_KEY_SUFFIXES.some((s) => n.endsWith(s));
}

/** Whether a field the extension itself sends is secret: every secret key, and `code` (an MFA/OTP answer). */
export function isSecretRequestKey(key: string): boolean {
  return isSecretKey(key) || ONE_TIME_CODE_KEYS.has(normalKey(key));
}

/** Whether `value` under `key` is secret (a secret key, or a one-time code under `code`). */
function isSecretPair(key: string, value: string): boolean {
  return isSecretKey(key) || (ONE_TIME_CODE_KEYS.has(normalKey(key)) && ONE_TIME_CODE_RE.test(value.trim()));
}

// A JWT: three base64url parts, the first starting with `eyJ` (`{"`).
const JWT_RE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// Credentials after an auth scheme as they appear in free text (`Token`, `Digest`, … only in header form, below:
// "Token expired" is a message, not a credential).
const AUTH_SCHEME_RE = /\b(Bearer|Basic|Negotiate|NTLM|DPoP)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// Header lines whose value holds spaces: `Authorization: Token abc`, `Cookie: a=1; b=2` (to the line end). A quoted
// value (`{ cookie: 'a=1' }`, util.inspect) is a pair for PAIR_RE: the blanks after the colon are all taken before the
// quote check, so that giving one back cannot slip the check.
const HEADER_LINE_RE = /\b(proxy-authorization|authorization|set-cookie|cookie)(\s*:[ \t]*)(?![ \t]|\\?["'])([^\r\n]+)/gi;
// The header lines whose scheme HEADER_LINE_RE keeps (`Authorization: Token «redacted»`): PAIR_RE leaves them alone.
// (A Cookie line is all «redacted» after HEADER_LINE_RE, which PAIR_RE leaves alone anyway.)
const SCHEME_HEADER_KEYS: ReadonlySet<string> = new Set(['proxyauthorization', 'authorization']);
// key=value or "key": "value" pairs in free text (query strings, form bodies, JSON — also JSON escaped inside a JSON
// string). A quoted value runs to its closing quote (escapes honoured, spaces included); an unterminated one to the
// line end; an unquoted one to the next delimiter. A URL's scheme (`https://`) is not a key.
const PAIR_RE =
  /(\\?["']|)([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*[:=](?!\/\/)\s*)(?:(\\?["'])((?:\\.|(?!\4)[^\\\r\n])*)\4|(\\?["'])([^\r\n]*)|([^"'&\s,;}\]]+))/g;

// The password in a URL's user info (`https://user:password@host`).
const URL_USERINFO_RE = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)([^\s@/]+)@/gi;
// A JSON array under a key (`"password": ["a", "b"]`): all of it is the key's value.
const ARRAY_PAIR_RE = /(\\?["'])([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*:\s*)\[([^\]\r\n]*)\]/g;

/**
 * Redacts secret-looking material in free text: the `extraSecrets` values wherever they appear, JWTs, credentials
 * after an auth scheme, secret header lines, and the values of secret keys in `key=value` and JSON pairs.
 */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const s of extraSecrets) {
    if (s && s.length >= 4) {
      out = out.split(s).join(REDACTED);
    }
  }
  out = out.replace(URL_USERINFO_RE, (_m, head: string) => `${head}${REDACTED}@`);
  out = out.replace(ARRAY_PAIR_RE, (m, q: string, key: string, sep: string) => (isSecretKey(key) ? `${q}${key}${q}${sep}[${REDACTED}]` : m));
  out = out.replace(JWT_RE, REDACTED);
  out = out.replace(AUTH_SCHEME_RE, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(HEADER_LINE_RE, (_m, name: string, sep: string, value: string) => {
    const scheme = /^([A-Za-z][A-Za-z0-9-]*)\s+\S/.exec(value);
    // Stryker disable next-line Regex: `name` is one of HEADER_LINE_RE's four names, so either anchor alone decides the same
    const keepScheme = scheme && /^(authorization|proxy-authorization)$/i.test(name);
    return `${name}${sep}${keepScheme ? `${scheme[1]} ` : ''}${REDACTED}`;
  });
  return redactPairs(out, 0);
}

/** The PAIR_RE step: secret values replaced; the quoted values of other keys searched in turn (`"message":"… password=x"`). */
function redactPairs(text: string, depth: number): string {
  return text.replace(
    PAIR_RE,
    (m, q1: string, key: string, sep: string, q: string | undefined, quoted: string | undefined, openQ: string | undefined, rest: string | undefined, bare: string | undefined) => {
      const head = `${q1}${key}${q1}${sep}`;
      if (q !== undefined) {
        // Stryker disable next-line StringLiteral: the quoted group always takes part when its quote does (`''` at least)
        const value = quoted ?? '';
        // Stryker disable next-line ConditionalExpression,BlockStatement: a shortcut; redacting «redacted» again, or searching it, gives it back as it is
        if (value === REDACTED) {
          return m;
        }
        return isSecretPair(key, value) ? `${head}${q}${REDACTED}${q}` : depth < 4 ? `${head}${q}${redactPairs(value, depth + 1)}${q}` : m;
      }
      if (openQ !== undefined) {
        // Stryker disable next-line StringLiteral: the rest group always takes part when the open quote does
        return isSecretKey(key) ? `${head}${openQ}${REDACTED}` : depth < 4 ? `${head}${openQ}${redactPairs(rest ?? '', depth + 1)}` : m;
      }
      // Stryker disable next-line StringLiteral: the bare group always takes part when no quote does
      const value = bare ?? '';
      if (value === `[${REDACTED}` || (SCHEME_HEADER_KEYS.has(normalKey(key)) && sep.includes(':'))) {
        // An array ARRAY_PAIR_RE has redacted, or a header line HEADER_LINE_RE has done (keeping its scheme). (A value
        // that is just «redacted» needs no check: redacting it again gives it back as it is.)
        return m;
      }
      if (isSecretPair(key, value)) {
        return `${head}${REDACTED}`;
      }
      // A bare value can hold pairs of its own: `url=https://host/cb#access_token=…`, `u:pw@host/?api_key=…`.
      return depth < 4 ? `${head}${redactPairs(value, depth + 1)}` : m;
    },
  );
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
    const secret = v !== null && v !== undefined && v !== '' && (isSecretKey(k) || ((typeof v === 'string' || typeof v === 'number') && isSecretPair(k, String(v))));
    out[k] = secret ? REDACTED : redactInner(v, extra, seen);
  }
  return out;
}

/** A URL with user info and the secret parameters of its query and its fragment (`#access_token=…`) redacted. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = 'redacted';
    }
    for (const key of [...u.searchParams.keys()]) {
      // Stryker disable next-line StringLiteral: get() of a key from keys() is never null
      if (isSecretPair(key, u.searchParams.get(key) ?? '')) {
        u.searchParams.set(key, 'redacted');
      }
    }
    if (u.hash.includes('=')) {
      const fragment = new URLSearchParams(u.hash.slice(1));
      let changed = false;
      for (const key of [...fragment.keys()]) {
        // Stryker disable next-line StringLiteral: get() of a key from keys() is never null
        if (isSecretPair(key, fragment.get(key) ?? '')) {
          fragment.set(key, 'redacted');
          changed = true;
        }
      }
      if (changed) {
        u.hash = fragment.toString();
      }
    }
    return redactText(u.toString());
  } catch {
    return redactText(url);
  }
}
