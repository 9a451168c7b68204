// OpenZiti Edge Management API shapes we read (api-contracts.md §1). Parsers stay tolerant: the vendor's examples
// drift from its schemas (urlName vs entity, tags as an array).

export interface ZitiEnvelope<T> {
  data: T;
  meta?: { pagination?: { limit: number; offset: number; totalCount: number }; filterableFields?: string[] };
}

export interface ZitiEntityRef {
  id: string;
  name?: string;
  entity?: string;
  urlName?: string;
}

export interface ZitiAuthQuery {
  typeId?: string;
  provider?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
}

export interface ZitiCurrentApiSession {
  id: string;
  token: string;
  expiresAt?: string;
  expirationSeconds?: number;
  identityId?: string;
  identity?: ZitiEntityRef;
  authQueries?: ZitiAuthQuery[];
  isMfaRequired?: boolean;
  isMfaComplete?: boolean;
}

export interface ZitiVersion {
  version?: string;
  revision?: string;
  buildDate?: string;
  runtimeVersion?: string;
  capabilities?: string[];
  apiVersions?: Record<string, Record<string, { path?: string; version?: string; apiBaseUrls?: string[] }>>;
}
