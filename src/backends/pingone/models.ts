// PingOne wire shapes used by the client (api-contracts.md §2). Pure: no `vscode` import.

/** The token endpoint's answer for `grant_type=client_credentials`. */
export interface PingOneTokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
}

export interface PingOneLink {
  href: string;
}

/** One environment from `GET /environments` (`_embedded.environments[]`). */
export interface PingOneEnvironment {
  id: string;
  name: string;
  description?: string;
  type?: string;
  region?: string;
  status?: string;
  license?: { id?: string };
  organization?: { id?: string };
  createdAt?: string;
  updatedAt?: string;
  _links?: Record<string, PingOneLink>;
  [key: string]: unknown;
}

/** PingOne's HAL list envelope (`EntityArray`). */
export interface PingOneEntityArray<K extends string, T> {
  _links?: { self?: PingOneLink; next?: PingOneLink; [name: string]: PingOneLink | undefined };
  _embedded?: Partial<Record<K, T[]>>;
  count?: number;
  size?: number;
}

export type PingOneEnvironmentList = PingOneEntityArray<'environments', PingOneEnvironment>;

/** One user from `GET /environments/{id}/users` (`_embedded.users`): the fields the Sessions view shows. */
export interface PingOneUser {
  id: string;
  username?: string;
  email?: string;
  name?: { given?: string; family?: string; middle?: string; formatted?: string };
  enabled?: boolean;
  mfaEnabled?: boolean;
  lifecycle?: { status?: string };
  account?: { status?: string; canAuthenticate?: boolean };
  population?: { id?: string };
  environment?: { id?: string };
  lastSignOn?: { at?: string; remoteIp?: string };
  _links?: Record<string, PingOneLink>;
  [key: string]: unknown;
}

export type PingOneUserList = PingOneEntityArray<'users', PingOneUser>;

/** One recorded location of a session (PingOne keeps the last 5). */
export interface PingOneSessionLocation {
  at?: string;
  remoteIp?: string;
  city?: string;
  state?: string;
  region?: string;
  country?: string;
}

/**
 * One user session (api-contracts.md §2.6; the vendor spec gives it no schema). PingOne lists expired sessions too
 * and exposes no expiry: staleness is derived from `activeAt`.
 */
export interface PingOneSession {
  id: string;
  environment?: { id?: string };
  user?: { id?: string };
  createdAt?: string;
  activeAt?: string;
  lastSignOn?: { at?: string; remoteIp?: string };
  locations?: PingOneSessionLocation[];
  browser?: { name?: string; version?: string };
  operatingSystem?: { name?: string; version?: string };
  device?: { type?: string };
  _links?: Record<string, PingOneLink>;
  [key: string]: unknown;
}

export type PingOneSessionList = PingOneEntityArray<'sessions', PingOneSession>;
