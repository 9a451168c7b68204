// The PingOne backend: a worker-app (client_credentials) client for the Management API. No `vscode` import.
import type { SessionBackendModule } from '../sessionSource';
import { PingOneClient } from './client';
import { createPingOneSessionSource } from './sessions';

export {
  PingOneClient,
  type PingOneClientOptions,
  type SessionDeleteResult,
  type UsersPageRequest,
  toEnvironmentInfo as pingOneEnvironmentInfo,
} from './client';
export type {
  PingOneEnvironment,
  PingOneEnvironmentList,
  PingOneSession,
  PingOneSessionList,
  PingOneSessionLocation,
  PingOneTokenResponse,
  PingOneUser,
  PingOneUserList,
} from './models';
export {
  createPingOneSessionSource,
  DEFAULT_STALE_AFTER_HOURS,
  PINGONE_ENTRY_TYPES,
  PINGONE_SESSION_ORDERS,
  type PingOneSessionSourceOptions,
  toScimFilter,
  validatePingOneFilter,
} from './sessions';
export { DEFAULT_FAST_COUNTRY_CHANGE_HOURS, type SessionTrail, sessionTrail, type TrailOptions, type TrailStop } from './trail';

export const pingoneModule: SessionBackendModule = {
  createClient: (record, secrets, deps) => new PingOneClient(record, secrets, deps),
  sessionSource: (ctx) =>
    createPingOneSessionSource(ctx, {
      staleAfterHours: () => {
        const v = ctx.setting?.('pingone.staleAfterHours');
        return typeof v === 'number' ? v : undefined;
      },
    }),
};
