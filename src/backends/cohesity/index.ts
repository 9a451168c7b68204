// The Cohesity backend: cluster REST API v2 client plus certificate trust for self-signed clusters. No `vscode`.
import type { SessionBackendModule } from '../sessionSource';
import { CohesityClient, cohesityTrustCandidate } from './client';
import { createCohesitySessionSource } from './sessions';

export {
  chainIsComplete,
  COHESITY_SIGN_OUT_MESSAGE,
  CohesityClient,
  type CohesityClientOptions,
  cohesityTrustCandidate,
  toEnvironmentInfo as cohesityEnvironmentInfo,
} from './client';
export type {
  CohesityCluster,
  CohesityPrincipal,
  CohesitySessionConfiguration,
  CohesitySessionRequest,
  CohesitySessionsCount,
  CohesityUserSession,
} from './models';
export {
  CLUSTER_KEY as COHESITY_CLUSTER_KEY,
  COHESITY_ENTRY_TYPES,
  CohesitySessionSource,
  createCohesitySessionSource,
  durationText,
  MAX_SIDS_QUERY_LENGTH,
  policyLines,
  sidBatches,
} from './sessions';

export const cohesityModule: SessionBackendModule = {
  createClient: (record, secrets, deps) => new CohesityClient(record, secrets, deps),
  trustCandidate: (record, signal, network) => cohesityTrustCandidate(record, signal, network),
  sessionSource: (ctx) => createCohesitySessionSource(ctx),
};
