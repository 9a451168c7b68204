// The Aptible backend: Deploy API client (accounts are shown as "environments", as Aptible's UI calls them). No `vscode`.
import type { SessionBackendModule } from '../sessionSource';
import { AptibleClient } from './client';
import { createAptibleSessionSource } from './sessions';

export {
  APTIBLE_DEFAULT_API_URL,
  APTIBLE_DEFAULT_AUTH_URL,
  AptibleClient,
  type AptibleClientOptions,
  jwtExpiry as aptibleTokenExpiry,
  toEnvironmentInfo as aptibleEnvironmentInfo,
} from './client';
export {
  APTIBLE_SENSITIVE_FIELDS,
  stripSensitive,
  type AptibleAccount,
  type AptibleAccountList,
  type AptibleApp,
  type AptibleEphemeralSession,
  type AptibleOperation,
  type AptibleTokenResponse,
} from './models';

export {
  APTIBLE_ENTRY_TYPES,
  type AptibleSessionSourceOptions,
  AptibleSessionSource,
  canCancel as aptibleCanCancel,
  createAptibleSessionSource,
  type JoinedOperation,
  operationIdOf as aptibleOperationIdOf,
  operationState as aptibleOperationState,
} from './sessions';

export const aptibleModule: SessionBackendModule = {
  createClient: (record, secrets, deps) => new AptibleClient(record, secrets, deps),
  sessionSource: (ctx) => createAptibleSessionSource(ctx),
};
