// How many steps the Add/Edit Connection wizard has on the path chosen. Pure: no `vscode` import.
import type { AuthMethod, BackendKind } from '../model/connection';

/** What decides how many steps the wizard has: the backend, the sign-in method and (PingOne, Aptible) custom hosts. */
export interface WizardPath {
  backend: BackendKind;
  method: AuthMethod;
  customHosts: boolean;
  /** Whether the backend is asked (Add Connection without a backend chosen beforehand). */
  askBackend: boolean;
}

/** The number of numbered steps of the wizard on `path` (the http:// warning and a failed check share their step's number). */
export function wizardStepCount(path: WizardPath): number {
  const credentials: Record<BackendKind, Partial<Record<AuthMethod, number>>> = {
    ziti: { password: 2, certificate: 2, token: 1 },
    cohesity: { password: 3, apiKey: 1 },
    pingone: { clientCredentials: 4 },
    aptible: { password: 2, token: 1, cliToken: 0 },
  };
  const askBackend = path.askBackend ? 1 : 0;
  const endpoint = 1 + (path.customHosts && (path.backend === 'pingone' || path.backend === 'aptible') ? 2 : 0);
  const method = path.backend === 'pingone' ? 0 : 1;
  const creds = credentials[path.backend][path.backend === 'pingone' ? 'clientCredentials' : path.method] ?? 1;
  const nameAndProduction = 2;
  return askBackend + endpoint + method + creds + nameAndProduction;
}
