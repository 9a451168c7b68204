// The backends this build supports. Each module is an API client (no vscode import) plus its trust bootstrap.
import type { BackendKind } from '../model/connection';
import type { SessionBackendModule } from './sessionSource';
import { zitiModule } from './ziti/client';
import { createZitiSessionSource } from './ziti/sessions/source';
import { pingoneModule } from './pingone';
import { aptibleModule } from './aptible';
import { cohesityModule } from './cohesity';

export const BACKEND_MODULES: Partial<Record<BackendKind, SessionBackendModule>> = {
  ziti: { ...zitiModule, sessionSource: createZitiSessionSource },
  pingone: pingoneModule,
  aptible: aptibleModule,
  cohesity: cohesityModule,
};
