// The PingOne backend: a worker-app (client_credentials) client for the Management API. No `vscode` import.
import type { BackendModule } from '../types';
import { PingOneClient } from './client';

export { PingOneClient, type PingOneClientOptions, toEnvironmentInfo as pingOneEnvironmentInfo } from './client';
export type { PingOneEnvironment, PingOneEnvironmentList, PingOneTokenResponse } from './models';

export const pingoneModule: BackendModule = {
  createClient: (record, secrets, deps) => new PingOneClient(record, secrets, deps),
};
