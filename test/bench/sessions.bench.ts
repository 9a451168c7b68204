// `npm run bench` (not a test): loads every session of a sandbox controller with 10,000 sessions through the same
// client and paging code the Sessions view uses, next to a bare Node https loop fetching the same pages; then revokes
// 1,000 sessions with the bulk-revoke path (bounded concurrency) next to one-at-a-time revoking.
import * as https from 'https';
import { performance } from 'perf_hooks';
import { deleteSession, IdentityCache, listSessions, MAX_PAGE_SIZE, mapBounded, type ZitiSession } from '../../src/backends/ziti/api';
import { ZitiClient } from '../../src/backends/ziti/client';
import { REVOKE_CONCURRENCY } from '../../src/backends/ziti/sessions/pure';
import { Pager, readAll } from '../../src/http/paging';
import { ADMIN_PASSWORD, ADMIN_USERNAME, BASE_PATH } from '../sandbox/ziti';
import { start } from '../sandbox/server';

const SESSIONS = 10_000;
const PAGE = MAX_PAGE_SIZE;
const REVOKES = 1_000;

function ms(n: number): string {
  return `${n.toFixed(0).padStart(6)} ms`;
}

async function main(): Promise<void> {
  const sb = await start({ backends: ['ziti'], sizes: { zitiSessions: SESSIONS, zitiApiSessions: 200 } });
  try {
    const client = new ZitiClient(
      { id: 'bench', backend: 'ziti', label: 'bench', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: ADMIN_USERNAME }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' },
      { password: ADMIN_PASSWORD },
      { log: () => undefined, prompter: { askCode: async () => undefined, askPassword: async () => undefined }, saveSecrets: async () => undefined },
    );
    await client.signIn();
    const token = ((client as unknown as { token?: string }).token ?? '') as string;
    const origin = new URL(sb.urls.ziti);
    const agent = new https.Agent({ ca: [sb.ca.pem], keepAlive: true });

    const bare = (path: string, method = 'GET'): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = https.request({ host: origin.hostname, port: origin.port, path, method, agent, headers: { 'zt-session': token, accept: 'application/json' } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(body) : reject(new Error(`${method} ${path} → ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });

    // Warm-up (TLS, JIT) for both paths.
    await listSessions(client, { offset: 0, limit: 10 });
    await bare(`${BASE_PATH}/sessions?limit=10&offset=0`);

    // 1. Load all sessions: our client + paging (+ identity names, as the tree does) vs a bare https loop.
    let t0 = performance.now();
    const ours = await readAll(
      new Pager<ZitiSession>(
        async ({ offset, limit }) => {
          const page = await listSessions(client, { offset, limit });
          return { items: page.items, total: page.totalCount };
        },
        { idOf: (s) => s.id, pageSize: PAGE },
      ),
    );
    const tLoad = performance.now() - t0;
    t0 = performance.now();
    const cache = new IdentityCache();
    await cache.resolve(client, ours.map((s) => s.identityId));
    const tNames = performance.now() - t0;

    t0 = performance.now();
    let bareCount = 0;
    let pages = 0;
    for (let offset = 0; ; ) {
      const body = JSON.parse(await bare(`${BASE_PATH}/sessions?limit=${PAGE}&offset=${offset}`)) as { data: unknown[]; meta: { pagination: { totalCount: number } } };
      pages++;
      bareCount += body.data.length;
      offset += body.data.length;
      if (body.data.length === 0 || offset >= body.meta.pagination.totalCount) {
        break;
      }
    }
    const tBare = performance.now() - t0;

    console.log(`Load all ${ours.length.toLocaleString('en-US')} sessions (${pages} pages of ${PAGE}):`);
    console.log(`  Session Manager client + paging  ${ms(tLoad)}`);
    console.log(`  bare Node https loop             ${ms(tBare)}   (${bareCount.toLocaleString('en-US')} sessions)`);
    console.log(`  ratio (ours / bare)              ${(tLoad / tBare).toFixed(2)}x`);
    console.log(`  + identity names (${cache.requests} batched request${cache.requests === 1 ? '' : 's'})  ${ms(tNames)}`);

    // 2. Revoke 1,000 sessions: bulk path (bounded concurrency) vs one at a time, on different sessions.
    const ids = ours.map((s) => s.id);
    const bulkIds = ids.slice(0, REVOKES);
    const serialIds = ids.slice(REVOKES, 2 * REVOKES);
    t0 = performance.now();
    const bulk = await mapBounded(bulkIds, REVOKE_CONCURRENCY, (id) => deleteSession(client, id));
    const tBulk = performance.now() - t0;
    t0 = performance.now();
    let serialOk = 0;
    for (const id of serialIds) {
      if ((await deleteSession(client, id)) === 'deleted') {
        serialOk++;
      }
    }
    const tSerial = performance.now() - t0;
    const bulkOk = bulk.filter((r) => r.status === 'fulfilled' && r.value === 'deleted').length;
    console.log(`Revoke ${REVOKES.toLocaleString('en-US')} sessions:`);
    console.log(`  bulk revoke (concurrency ${REVOKE_CONCURRENCY})        ${ms(tBulk)}   (${bulkOk} revoked)`);
    console.log(`  one at a time                    ${ms(tSerial)}   (${serialOk} revoked)`);
    console.log(`  speed-up                         ${(tSerial / tBulk).toFixed(2)}x`);
    agent.destroy();
  } finally {
    await sb.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
