// Every backend client closes its pooled keep-alive sockets on dispose(): the sandbox server sees them close.
import * as assert from 'assert';
import type { Sandbox } from '../../sandbox/server';
import type { BackendName } from '../../sandbox/types';
import { zitiModule } from '../../../src/backends/ziti/client';
import { pingoneModule } from '../../../src/backends/pingone';
import { aptibleModule } from '../../../src/backends/aptible';
import { cohesityModule } from '../../../src/backends/cohesity';
import type { BackendClient, BackendModule } from '../../../src/backends/types';
import type { ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import { doubles, useSandbox } from './doubles';

async function until(what: string, check: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      assert.fail(`gave up waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('backend clients: dispose() closes the pooled sockets', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const { sandbox } = useSandbox({ backends: ['ziti', 'pingone', 'aptible', 'cohesity'] });
  before(() => {
    sb = sandbox();
  });

  const cases: { backend: BackendName; module: BackendModule; setup: (sb: Sandbox) => { record: ConnectionRecord; secrets: ConnectionSecrets } }[] = [
    {
      backend: 'ziti',
      module: zitiModule,
      setup: (s) => ({
        record: { id: 'd-ziti', backend: 'ziti', label: 'Ziti', endpoints: { url: s.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [s.ca.pem] }, source: 'user' },
        secrets: { password: 'ziti-sandbox-admin' },
      }),
    },
    {
      backend: 'pingone',
      module: pingoneModule,
      setup: (s) => {
        const p = s.details.pingone;
        return {
          record: {
            id: 'd-ping',
            backend: 'pingone',
            label: 'Ping',
            endpoints: { region: 'custom', apiUrl: p.urls.apiBase, authUrl: p.urls.authBase },
            auth: { method: 'clientCredentials', environmentId: p.credentials.environmentId, clientId: p.credentials.postClientId, clientAuth: 'post' },
            source: 'user',
          },
          secrets: { clientSecret: p.credentials.postClientSecret },
        };
      },
    },
    {
      backend: 'aptible',
      module: aptibleModule,
      setup: (s) => ({
        record: { id: 'd-apt', backend: 'aptible', label: 'Aptible', endpoints: { apiUrl: s.urls.aptible, authUrl: s.urls.aptible }, auth: { method: 'password', username: s.details.aptible.credentials.email }, source: 'user' },
        secrets: { password: s.details.aptible.credentials.password },
      }),
    },
    {
      backend: 'cohesity',
      module: cohesityModule,
      setup: (s) => ({
        record: {
          id: 'd-coh',
          backend: 'cohesity',
          label: 'Cohesity',
          endpoints: { url: s.urls.cohesity },
          auth: { method: 'password', username: s.details.cohesity.credentials.username },
          tls: { trustedCertificates: [s.details.cohesity.trustPem as string] },
          source: 'user',
        },
        secrets: { password: s.details.cohesity.credentials.password },
      }),
    },
  ];

  for (const c of cases) {
    it(`${c.backend}: the server sees the client's keep-alive sockets close on dispose()`, async () => {
      const { record, secrets } = c.setup(sb);
      const client: BackendClient = c.module.createClient(record, secrets, doubles().deps);
      await client.signIn();
      await client.listEnvironments();
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(sb.openConnections(c.backend) > 0, 'an idle keep-alive socket is pooled');
      client.dispose();
      await until('the sockets to close', () => sb.openConnections(c.backend) === 0);
    });
  }
});
