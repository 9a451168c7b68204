// Entry point for tests in other folders: `import { start } from '../sandbox'`.
export { start, ALL_BACKENDS } from './server';
export type { Sandbox, StartOptions, BackendDetails, FaultControl } from './server';
export * from './types';
export { loadSpec, validateResponse, findOperation, documentedStatuses, specsDir, repoRoot } from './contract';
export type { LoadedSpec, SpecName } from './contract';
export { parseZitiQl, compileQuery, ZitiQlError } from './ziti/zitiql';
export { ADMIN_USERNAME as ZITI_ADMIN_USERNAME, ADMIN_PASSWORD as ZITI_ADMIN_PASSWORD, MFA_USERNAME as ZITI_MFA_USERNAME, MFA_PASSWORD as ZITI_MFA_PASSWORD, MFA_CODE as ZITI_MFA_CODE, HOSTILE_SERVICE_NAME as ZITI_HOSTILE_SERVICE_NAME } from './ziti/data';
