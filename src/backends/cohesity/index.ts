// The Cohesity backend: cluster REST API v2 client plus certificate trust for self-signed clusters. No `vscode`.
import type { BackendModule } from '../types';
import { CohesityClient, cohesityTrustCandidate } from './client';

export {
  chainIsComplete,
  COHESITY_SIGN_OUT_MESSAGE,
  CohesityClient,
  type CohesityClientOptions,
  cohesityTrustCandidate,
  toEnvironmentInfo as cohesityEnvironmentInfo,
} from './client';
export type { CohesityCluster, CohesitySessionRequest, CohesityUserSession } from './models';

export const cohesityModule: BackendModule = {
  createClient: (record, secrets, deps) => new CohesityClient(record, secrets, deps),
  trustCandidate: (record, signal, network) => cohesityTrustCandidate(record, signal, network),
};
