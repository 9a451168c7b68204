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
