// Cohesity cluster v2 wire shapes used by the client (api-contracts.md §4). Pure: no `vscode` import.

/** `POST /v2/users/sessions` body (`CreateUserSessionRequestParams`). */
export interface CohesitySessionRequest {
  username: string;
  password: string;
  domain: string;
  otpCode?: string;
  otpType?: 'email' | 'totp' | 'salesforce';
}

/** `POST /v2/users/sessions` answer (`UserSession`). */
export interface CohesityUserSession {
  sessionId?: unknown;
}

/** `GET /v2/clusters` answer (`Cluster`; only the fields shown). */
export interface CohesityCluster {
  id: number | string;
  name?: string;
  swVersion?: string;
  incarnationId?: number;
  type?: string;
  nodeCount?: number;
  domainNames?: string[];
  timezone?: string;
  [key: string]: unknown;
}

/** `GET /v2/users/sessions` answer (`ActiveSessionsCountParams`): counts per user SID, never single sessions. */
export interface CohesitySessionsCount {
  sessionsPerUser?: { sid?: unknown; sessionsCount?: unknown }[];
  totalSessionsCount?: unknown;
}

/** One `SecurityPrincipal` of `GET /v2/security-principals?sids=…`. */
export interface CohesityPrincipal {
  sid: string;
  principalName?: string;
  fullName?: string;
  domainName?: string;
  objectClass?: string | null;
  [key: string]: unknown;
}

/** `GET /v2/security-config` → `sessionConfiguration` (seconds; limits only when `limitSessions`). */
export interface CohesitySessionConfiguration {
  absoluteTimeout?: number;
  inactivityTimeout?: number;
  limitSessions?: boolean;
  sessionLimitPerUser?: number;
  sessionLimitSystemWide?: number;
  [key: string]: unknown;
}
