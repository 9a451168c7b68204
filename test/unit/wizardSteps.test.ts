import * as assert from 'assert';
import { wizardStepCount } from '../../src/connections/wizardSteps';

// The totals the Add Connection wizard shows from its first step on, per backend and sign-in method. The integration
// tests (test/integration/wizard.test.ts) check that the wizard, answered in the real host, shows exactly these.
describe('wizardStepCount: the real total of the path chosen', () => {
  const cases: [Parameters<typeof wizardStepCount>[0], number, string][] = [
    // backend, address, method, username, password, name, production
    [{ backend: 'ziti', method: 'password', customHosts: false, askBackend: true }, 7, 'OpenZiti, username and password'],
    [{ backend: 'ziti', method: 'certificate', customHosts: false, askBackend: true }, 7, 'OpenZiti, certificate and key'],
    [{ backend: 'ziti', method: 'token', customHosts: false, askBackend: true }, 6, 'OpenZiti, pasted token'],
    // backend, address, method, username, password, domain, name, production
    [{ backend: 'cohesity', method: 'password', customHosts: false, askBackend: true }, 8, 'Cohesity, username, password, domain'],
    [{ backend: 'cohesity', method: 'apiKey', customHosts: false, askBackend: true }, 6, 'Cohesity, API key'],
    // backend, region, environment, client id, secret, client auth, name, production
    [{ backend: 'pingone', method: 'clientCredentials', customHosts: false, askBackend: true }, 8, 'PingOne, region'],
    [{ backend: 'pingone', method: 'clientCredentials', customHosts: true, askBackend: true }, 10, 'PingOne, custom hosts'],
    // backend, which Aptible, method, email, password, name, production
    [{ backend: 'aptible', method: 'password', customHosts: false, askBackend: true }, 7, 'Aptible, email and password'],
    [{ backend: 'aptible', method: 'password', customHosts: true, askBackend: true }, 9, 'Aptible custom URLs, email and password'],
    [{ backend: 'aptible', method: 'token', customHosts: false, askBackend: true }, 6, 'Aptible, pasted token'],
    [{ backend: 'aptible', method: 'cliToken', customHosts: false, askBackend: true }, 5, 'Aptible, CLI token (read, not asked)'],
    // Edit, or Add from a backend's own button: no backend question
    [{ backend: 'ziti', method: 'password', customHosts: false, askBackend: false }, 6, 'Edit OpenZiti'],
    [{ backend: 'pingone', method: 'clientCredentials', customHosts: true, askBackend: false }, 9, 'Edit PingOne custom'],
  ];
  for (const [path, total, what] of cases) {
    it(`${what}: ${total} steps`, () => {
      assert.strictEqual(wizardStepCount(path), total);
    });
  }
});
