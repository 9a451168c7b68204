// A signed-in OpenZiti connection to a fresh sandbox, saved straight into the store (no wizard), for the route-path
// and enrollment suites.
import * as assert from 'assert';
import type { TestingApi } from '../../src/extension';
import { start, Sandbox } from '../sandbox/server';
import { ADMIN_PASSWORD, type ZitiState } from '../sandbox/ziti/index';

export interface ZitiFixture {
  sb: Sandbox;
  connectionId: string;
  label: string;
  state(): ZitiState;
  stop(): Promise<void>;
}

export async function zitiFixture(api: TestingApi, id: string, label: string, extra: { production?: boolean } = {}): Promise<ZitiFixture> {
  const sb = await start({ backends: ['ziti'] });
  await api.store.save(
    {
      id,
      backend: 'ziti',
      label,
      endpoints: { url: sb.urls.ziti },
      auth: { method: 'password', username: 'admin' },
      tls: { trustedCertificates: [sb.ca.pem] },
      source: 'user',
      production: extra.production,
    },
    { password: ADMIN_PASSWORD },
  );
  api.manager.forget(id);
  await api.manager.signedInClient(id);
  assert.strictEqual(api.manager.state(id).kind, 'signedIn');
  return {
    sb,
    connectionId: id,
    label,
    state: () => sb.state.ziti.state as ZitiState,
    stop: async () => {
      await api.store.remove(id);
      api.manager.forget(id);
      await sb.stop();
    },
  };
}

/** Waits (without asserting on time) until `check` returns a value; fails with `what` after a generous limit. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > until) {
      assert.fail(`gave up waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
