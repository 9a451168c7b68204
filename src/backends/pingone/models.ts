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
