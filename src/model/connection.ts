// What a connection is. Pure: no `vscode` import. The non-secret record lives in globalState (or comes from
// the `sessionManager.connections` setting as a read-only preset); secrets live only in SecretStorage.

export const BACKENDS = ['ziti', 'pingone', 'aptible', 'cohesity'] as const;
export type BackendKind = (typeof BACKENDS)[number];

export const BACKEND_LABELS: Record<BackendKind, string> = {
  ziti: 'OpenZiti',
  pingone: 'PingOne',
  aptible: 'Aptible',
  cohesity: 'Cohesity',
};

export type AuthMethod =
  | 'password' // OpenZiti updb, Aptible email+password, Cohesity username+password (session)
  | 'certificate' // OpenZiti client certificate and key files
  | 'token' // a pasted OpenZiti zt-session or Aptible token
  | 'cliToken' // Aptible: the token the aptible CLI saved, or APTIBLE_ACCESS_TOKEN
  | 'clientCredentials' // PingOne worker app
  | 'apiKey'; // Cohesity API key

export const AUTH_METHODS: Record<BackendKind, readonly AuthMethod[]> = {
  ziti: ['password', 'certificate', 'token'],
  pingone: ['clientCredentials'],
  aptible: ['password', 'token', 'cliToken'],
  cohesity: ['password', 'apiKey'],
};

export type PingOneRegion = 'NA' | 'EU' | 'AP' | 'AU' | 'CA' | 'SG' | 'custom';

export const PINGONE_REGION_SUFFIX: Record<Exclude<PingOneRegion, 'custom'>, string> = {
  NA: 'com',
  EU: 'eu',
  AP: 'asia',
  AU: 'com.au',
  CA: 'ca',
  SG: 'sg',
};

export interface Endpoints {
  /** OpenZiti controller, Cohesity cluster: the base URL (https://host:port). */
  url?: string;
  /** PingOne and Aptible: API base, e.g. https://api.pingone.eu/v1 or https://api.aptible.com. */
  apiUrl?: string;
  /** PingOne and Aptible: auth base, e.g. https://auth.pingone.eu or https://auth.aptible.com. */
  authUrl?: string;
  /** PingOne region code, or 'custom' when apiUrl/authUrl are given. */
  region?: PingOneRegion;
}

export interface AuthSettings {
  method: AuthMethod;
  /** OpenZiti updb username, Aptible email, Cohesity username. Not a secret. */
  username?: string;
  /** Cohesity domain; LOCAL by default. */
  domain?: string;
  /** PingOne: the environment that holds the worker app, its client id, and how the secret is sent. */
  environmentId?: string;
  clientId?: string;
  clientAuth?: 'basic' | 'post';
  /** OpenZiti client certificate: file paths (the files themselves stay where the user keeps them). */
  certificatePath?: string;
  keyPath?: string;
}

export interface TlsTrust {
  /** PEM certificates this connection trusts in addition to the system roots (consented to by the user). */
  trustedCertificates?: string[];
  /** SHA-256 fingerprints of those certificates, for showing and for detecting a changed CA. */
  fingerprints?: string[];
}

export interface ConnectionRecord {
  id: string;
  backend: BackendKind;
  label: string;
  endpoints: Endpoints;
  auth: AuthSettings;
  tls?: TlsTrust;
  /** Stricter confirmations (type the name) for production connections. */
  production?: boolean;
  /** Where the record came from: added by the user, or a read-only preset from settings. */
  source: 'user' | 'preset';
}

/** Secret parts of a connection; kept only in SecretStorage, under a key that includes the connection id. */
export interface ConnectionSecrets {
  password?: string;
  clientSecret?: string;
  apiKey?: string;
  /** A pasted or issued token: zt-session, Aptible access token, Cohesity session id. */
  token?: string;
  /** When the token expires (ms since epoch), if known. */
  tokenExpiresAt?: number;
  /**
   * The endpoint these secrets were entered or issued for (see `bindingOf`), stored with them in SecretStorage.
   * Secrets are sent only while the connection still has this binding.
   */
  binding?: SecretBinding;
}

/**
 * What stored secrets belong to: the server origin(s) they go to and the identity they sign in as. A connection
 * whose record no longer has the same binding (a preset redefined with another URL, an edit in another window)
 * must not send them.
 */
export interface SecretBinding {
  backend: BackendKind;
  /** Every origin (scheme://host:port) the secrets may be sent to, sorted. */
  origins: string[];
  method: AuthMethod;
  username?: string;
  domain?: string;
  environmentId?: string;
  clientId?: string;
  certificatePath?: string;
  keyPath?: string;
}

const APTIBLE_DEFAULT_AUTH_URL = 'https://auth.aptible.com';
const APTIBLE_DEFAULT_API_URL = 'https://api.aptible.com';

/** The URLs a connection sends requests (and so its secrets) to. */
export function endpointUrls(record: Pick<ConnectionRecord, 'backend' | 'endpoints'>): string[] {
  const e = record.endpoints;
  switch (record.backend) {
    case 'ziti':
    case 'cohesity':
      return e.url ? [e.url] : [];
    case 'pingone': {
      try {
        const h = pingOneHosts(e);
        return [h.apiUrl, h.authUrl];
      } catch {
        return [e.apiUrl, e.authUrl].filter((u): u is string => Boolean(u));
      }
    }
    case 'aptible':
      return [e.apiUrl || APTIBLE_DEFAULT_API_URL, e.authUrl || APTIBLE_DEFAULT_AUTH_URL];
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url; // not a URL: compared as typed, so any change still counts
  }
}

/** The binding of a record as it is now. Pure and deterministic: equal records give equal bindings. */
export function bindingOf(record: Pick<ConnectionRecord, 'backend' | 'endpoints' | 'auth'>): SecretBinding {
  const a = record.auth;
  const b: SecretBinding = {
    backend: record.backend,
    origins: [...new Set(endpointUrls(record).map(originOf))].sort(),
    method: a.method,
  };
  for (const k of ['username', 'domain', 'environmentId', 'clientId', 'certificatePath', 'keyPath'] as const) {
    if (a[k] !== undefined && a[k] !== '') {
      b[k] = a[k];
    }
  }
  return b;
}

const BINDING_FIELD_NAMES: Record<Exclude<keyof SecretBinding, 'origins'>, string> = {
  backend: 'backend',
  method: 'sign-in method',
  username: 'user name',
  domain: 'domain',
  environmentId: 'environment ID',
  clientId: 'client ID',
  certificatePath: 'client certificate',
  keyPath: 'private key',
};

/**
 * Why secrets stored with binding `stored` must not be used for a connection whose binding is now `current`;
 * undefined when they match. The text names what changed (never a secret), for the connection's row.
 */
export function bindingMismatch(stored: SecretBinding, current: SecretBinding): string | undefined {
  const reasons: string[] = [];
  const was = [...(stored.origins ?? [])].sort();
  const now = [...current.origins].sort();
  if (was.join(' ') !== now.join(' ')) {
    reasons.push(`they were issued for ${was.join(' and ') || 'another server'}, and the connection now points at ${now.join(' and ') || 'no server'}`);
  }
  for (const k of Object.keys(BINDING_FIELD_NAMES) as (keyof typeof BINDING_FIELD_NAMES)[]) {
    if ((stored[k] ?? '') !== (current[k] ?? '')) {
      reasons.push(`the ${BINDING_FIELD_NAMES[k]} changed`);
    }
  }
  return reasons.length > 0 ? `The stored credentials were not sent: ${reasons.join('; ')}. Sign in again.` : undefined;
}

/** The http:// URLs of a connection: requests to them, credentials included, travel unencrypted. */
export function insecureUrls(record: Pick<ConnectionRecord, 'backend' | 'endpoints'>): string[] {
  return endpointUrls(record).filter((u) => /^http:/i.test(u.trim()));
}

export const INSECURE_WARNING = 'credentials travel unencrypted';

/** The secret fields each sign-in method uses (an issued token included where the server issues one). */
const SECRET_FIELDS_OF: Record<AuthMethod, readonly (keyof ConnectionSecrets)[]> = {
  password: ['password', 'token', 'tokenExpiresAt'],
  certificate: ['token', 'tokenExpiresAt'],
  token: ['token', 'tokenExpiresAt'],
  cliToken: ['token', 'tokenExpiresAt'],
  clientCredentials: ['clientSecret'],
  apiKey: ['apiKey'],
};

/**
 * Edit Connection: what may be carried over from the connection as it was. A token the server issued (OpenZiti
 * zt-session, Cohesity session id, Aptible token) belongs to the old server and identity: it is dropped when the
 * binding changes, or when a new password was typed (the test must prove the new password, and a wrong one then
 * costs one failed sign-in, not a failed reuse plus a failed sign-in). Certificates trusted for the old server are
 * dropped when the origins change. A pasted or imported token is the credential itself, asked again by the wizard.
 */
export function carryOverOnEdit(
  before: ConnectionRecord,
  beforeSecrets: ConnectionSecrets,
  after: ConnectionRecord,
  afterSecrets: ConnectionSecrets,
): { record: ConnectionRecord; secrets: ConnectionSecrets; dropped: string[] } {
  const record: ConnectionRecord = { ...after };
  // Only the secrets the chosen sign-in method uses: a password left over from another method or identity goes.
  const keep = SECRET_FIELDS_OF[after.auth.method];
  const secrets: ConnectionSecrets = Object.fromEntries(Object.entries(afterSecrets).filter(([k]) => (keep as readonly string[]).includes(k)));
  const dropped: string[] = [];
  const was = bindingOf(before);
  const now = bindingOf(after);
  const issued = after.auth.method !== 'token' && after.auth.method !== 'cliToken';
  const newPassword = secrets.password !== beforeSecrets.password || secrets.clientSecret !== beforeSecrets.clientSecret || secrets.apiKey !== beforeSecrets.apiKey;
  if (issued && secrets.token !== undefined && (bindingMismatch(was, now) || newPassword)) {
    delete secrets.token;
    delete secrets.tokenExpiresAt;
    dropped.push('the session token issued before the change');
  }
  if (record.tls && was.origins.join(' ') !== now.origins.join(' ')) {
    delete record.tls;
    dropped.push('the certificates trusted for the previous address');
  }
  return { record, secrets, dropped };
}

export function secretKey(connectionId: string): string {
  return `sessionManager.connection.${connectionId}.secrets`;
}

export function connectionIdFromSecretKey(key: string): string | undefined {
  const m = /^sessionManager\.connection\.(.+)\.secrets$/.exec(key);
  return m ? m[1] : undefined;
}

export function newConnectionId(backend: BackendKind, random: () => number = Math.random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 10; i++) {
    s += alphabet[Math.floor(random() * alphabet.length)];
  }
  return `${backend}-${s}`;
}

/** Resolves PingOne's API and auth hosts from the region, or the custom pair. */
export function pingOneHosts(endpoints: Endpoints): { apiUrl: string; authUrl: string } {
  const region = endpoints.region ?? 'NA';
  if (region === 'custom' || endpoints.apiUrl || endpoints.authUrl) {
    if (!endpoints.apiUrl || !endpoints.authUrl) {
      throw new Error('A custom PingOne connection needs both the API URL and the auth URL.');
    }
    return { apiUrl: stripSlash(endpoints.apiUrl), authUrl: stripSlash(endpoints.authUrl) };
  }
  const suffix = PINGONE_REGION_SUFFIX[region];
  return { apiUrl: `https://api.pingone.${suffix}/v1`, authUrl: `https://auth.pingone.${suffix}` };
}

export function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Checks a URL typed by the user; returns a message for the input box, or undefined when it is fine. */
export function validateUrl(value: string, opts: { requireHttps?: boolean } = {}): string | undefined {
  const v = value.trim();
  if (!v) {
    return 'Enter a URL.';
  }
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'This is not a URL. Include the scheme, e.g. https://ctrl.example.com:1280';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    return 'Use an http:// or https:// URL.';
  }
  if (opts.requireHttps && u.protocol !== 'https:') {
    return 'Use https://';
  }
  if (u.username || u.password) {
    return 'Leave credentials out of the URL; Session Manager asks for them next and keeps them in secret storage.';
  }
  return undefined;
}
