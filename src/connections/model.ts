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
