// Aptible wire shapes used by the client (api-contracts.md §3). Pure: no `vscode` import.

/** The auth server's answer to `POST /tokens` (password grant), as aptible-auth-ruby reads it. */
export interface AptibleTokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  /** Epoch SECONDS (unlike every other Aptible timestamp). */
  expires_at?: unknown;
  refresh_token?: unknown;
}

export interface AptibleLink {
  href: string;
}

/** One account ("environment" in Aptible's UI) from `GET /accounts`. */
export interface AptibleAccount {
  id: number;
  handle: string;
  name?: string | null;
  type?: string | null;
  number?: string | null;
  activated?: boolean;
  onboarding_status?: string;
  total_app_count?: number;
  total_database_count?: number;
  container_count?: number;
  created_at?: string;
  updated_at?: string;
  _links?: Record<string, AptibleLink>;
  _embedded?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Aptible's HAL list envelope. */
export interface AptibleCollection<K extends string, T> {
  _embedded?: Partial<Record<K, T[]>>;
  _links?: { self?: AptibleLink; next?: AptibleLink; prev?: AptibleLink; [name: string]: AptibleLink | undefined };
  current_page?: number;
  per_page?: number;
  total_count?: number;
}

export type AptibleAccountList = AptibleCollection<'accounts', AptibleAccount>;

/**
 * Account fields that must never be shown, logged or copied: the stack's CA key and certificate material, and the
 * log-forwarder's certificate. Anything whose name says key/secret/token/password/certificate is dropped as well.
 */
export const APTIBLE_SENSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'ca_private_key',
  'ca_body',
  'ca_certificate',
  'gentlemanjerry_certificate',
  'gentlemanjerry_private_key',
  'private_key',
  'certificate',
  'certificate_body',
]);

const SENSITIVE_NAME = /(private_?key|secret|password|passwd|token|certificate|^ca_body$)/i;

/** A deep copy without sensitive fields (see APTIBLE_SENSITIVE_FIELDS). */
export function stripSensitive<T>(value: T): T {
  return strip(value, 0) as T;
}

function strip(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 20) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => strip(v, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (APTIBLE_SENSITIVE_FIELDS.has(k.toLowerCase()) || SENSITIVE_NAME.test(k)) {
      continue;
    }
    out[k] = strip(v, depth + 1);
  }
  return out;
}

/** One app from `GET /accounts/{id}/apps` (only the fields the Sessions view reads). */
export interface AptibleApp {
  id: number;
  handle?: string;
  status?: string | null;
  created_at?: string;
  updated_at?: string;
  _links?: Record<string, AptibleLink | undefined>;
  [key: string]: unknown;
}

/** One ephemeral session (what `aptible ssh` starts): a container on a host, linked to the operation that started it. */
export interface AptibleEphemeralSession {
  id: number;
  name?: string | null;
  host?: string | null;
  aws_instance_id?: string | null;
  created_at?: string;
  updated_at?: string;
  _links?: Record<string, AptibleLink | undefined>;
  [key: string]: unknown;
}

/** One operation (`GET /operations/{id}`): who started what, and its state. */
export interface AptibleOperation {
  id: number;
  type?: string | null;
  status?: string | null;
  cancelled?: boolean | null;
  aborted?: boolean | null;
  command?: string | null;
  user_name?: string | null;
  user_email?: string | null;
  interactive?: boolean | null;
  created_at?: string;
  updated_at?: string;
  _links?: Record<string, AptibleLink | undefined>;
  [key: string]: unknown;
}

export type AptibleAppList = AptibleCollection<'apps', AptibleApp>;
export type AptibleEphemeralSessionList = AptibleCollection<'ephemeral_sessions', AptibleEphemeralSession>;

/** The container an ephemeral session runs in (`GET /ephemeral_sessions/{id}/ephemeral_containers`). */
export interface AptibleEphemeralContainer {
  id: number;
  layer?: string;
  docker_name?: string;
  interactive?: boolean;
  memory_limit?: number;
  allocation?: string[];
  created_at?: string;
  updated_at?: string;
  _links?: Record<string, AptibleLink | undefined>;
  [key: string]: unknown;
}
