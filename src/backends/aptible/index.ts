// The Aptible backend: Deploy API client (accounts are shown as "environments", as Aptible's UI calls them). No `vscode`.
import type { BackendModule } from '../types';
import { AptibleClient } from './client';

export {
  APTIBLE_DEFAULT_API_URL,
  APTIBLE_DEFAULT_AUTH_URL,
  AptibleClient,
  type AptibleClientOptions,
  jwtExpiry as aptibleTokenExpiry,
  toEnvironmentInfo as aptibleEnvironmentInfo,
} from './client';
export { APTIBLE_SENSITIVE_FIELDS, stripSensitive, type AptibleAccount, type AptibleAccountList, type AptibleTokenResponse } from './models';

export const aptibleModule: BackendModule = {
  createClient: (record, secrets, deps) => new AptibleClient(record, secrets, deps),
};
