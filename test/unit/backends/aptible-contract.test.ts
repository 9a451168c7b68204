// Request-side contract test for the Aptible client: every public call of AptibleClient that talks to the Deploy API is
// driven against the sandbox over real HTTP, following `_links.next` verbatim where it pages, and every request it
// sends must honour ../shared/specs/aptible.yaml. The sandbox's emulator checks each request it receives
// (test/sandbox/aptible/index.ts, contract.ts validateRequest) and records violations; here they must stay empty, and
// each call must have reached the spec operation it is meant to use. The auth server's POST /tokens (sign-in) is not in
// aptible.yaml and is not checked.
//
// A new public method on AptibleClient fails the "drives every public call" test until it is driven below (DRIVERS)
// or named in NO_DEPLOY_REQUEST with the reason.
import * as assert from 'assert';
import { AptibleClient } from '../../../src/backends/aptible';
import type { FetchedPage } from '../../../src/http/paging';
import type { ConnectionRecord } from '../../../src/model/connection';
import { requireSpec, type LoadedSpec } from '../../sandbox/contract';
import type { Sandbox } from '../../sandbox/server';
import type { AptibleState } from '../../sandbox/aptible';
import type { RequestContract } from '../../sandbox/types';
import { doubles, failOnRequestViolations, rejection, useSandbox } from './doubles';

/** Every page of a cursor-paged call, following `next` verbatim. */
async function allPages<T>(page: (cursor: string | undefined) => Promise<FetchedPage<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 100; pages++) {
    const p = await page(cursor);
    items.push(...p.items);
    if (!p.next) {
      return { items, pages };
    }
    cursor = p.next;
  }
  throw new Error('more than 100 pages: the next links loop');
}

interface World {
  sb: Sandbox;
  state: AptibleState;
  client: AptibleClient;
}

/**
 * How each public call is driven, and the spec operations (`METHOD /template`) it must reach. A driver asserts what it
 * needs to be meaningful (e.g. that it read more than one page).
 */
const DRIVERS: Record<string, { operations: string[]; drive(w: World): Promise<void> }> = {
  signIn: {
    operations: ['GET /'],
    async drive({ client }) {
      await client.signIn();
    },
  },
  test: {
    operations: ['GET /accounts'],
    async drive({ client, state }) {
      assert.strictEqual(await client.test(), `${state.data.accounts.length} environments`);
    },
  },
  listEnvironments: {
    operations: ['GET /accounts'],
    async drive({ client, state }) {
      state.perPage = 2;
      const envs = await client.listEnvironments();
      assert.strictEqual(envs.length, state.data.accounts.length);
      assert.ok(state.data.accounts.length > 2, 'more than one page of accounts');
    },
  },
  appsPage: {
    operations: ['GET /accounts/{account_id}/apps'],
    async drive({ client, state }) {
      state.perPage = 2;
      const account = [...state.data.accounts].sort((a, b) => count(state.data.apps, b.id) - count(state.data.apps, a.id))[0];
      const { items, pages } = await allPages((cursor) => client.appsPage(String(account.id), cursor));
      assert.strictEqual(items.length, count(state.data.apps, account.id));
      assert.ok(pages > 1, `followed next links (${pages} pages)`);
    },
  },
  appSessionsPage: {
    operations: ['GET /apps/{app_id}/ephemeral_sessions'],
    async drive({ client, state }) {
      state.perPage = 3;
      const app = busiestApp(state);
      const { items, pages } = await allPages((cursor) => client.appSessionsPage(String(app.id), cursor));
      assert.strictEqual(items.length, state.data.sessions.filter((s) => s.appId === app.id).length);
      assert.ok(pages > 1, `followed next links (${pages} pages)`);
    },
  },
  operationSessionsPage: {
    operations: ['GET /operations/{operation_id}/ephemeral_sessions'],
    async drive({ client, state }) {
      state.perPage = 1;
      const s = state.data.sessions[0];
      const { items } = await allPages((cursor) => client.operationSessionsPage(String(s.operationId), cursor));
      assert.ok(items.some((i) => i.id === s.id), 'the operation lists its session');
    },
  },
  readEphemeralSession: {
    operations: ['GET /ephemeral_sessions/{id}'],
    async drive({ client, state }) {
      const s = state.data.sessions[0];
      assert.strictEqual((await client.readEphemeralSession(String(s.id)))?.id, s.id);
      assert.strictEqual(await client.readEphemeralSession('1'), undefined, 'an unknown id is a 404: undefined');
    },
  },
  sessionContainersPage: {
    operations: ['GET /ephemeral_sessions/{ephemeral_session_id}/ephemeral_containers'],
    async drive({ client, state }) {
      const s = state.data.sessions[0];
      const { items } = await allPages((cursor) => client.sessionContainersPage(String(s.id), cursor));
      assert.strictEqual(items.length, 1);
    },
  },
  readApp: {
    operations: ['GET /apps/{id}'],
    async drive({ client, state }) {
      const app = state.data.apps[0];
      assert.strictEqual((await client.readApp(String(app.id)))?.id, app.id);
      assert.strictEqual(await client.readApp('999999'), undefined);
    },
  },
  readOperation: {
    operations: ['GET /operations/{id}'],
    async drive({ client, state }) {
      const opId = state.data.sessions[0].operationId;
      assert.strictEqual((await client.readOperation(String(opId))).id, opId);
      state.forbiddenOperations.add(opId);
      assert.strictEqual((await rejection(client.readOperation(String(opId)))).status, 403);
    },
  },
  cancelOperation: {
    operations: ['PATCH /operations/{id}', 'GET /operations/{id}'],
    async drive({ client, state }) {
      const op = [...state.data.operations.values()].find((o) => o.status === 'running' && !o.cancelled);
      assert.ok(op, 'a running operation to cancel');
      await client.cancelOperation(String(op.id));
      assert.strictEqual((await client.readOperation(String(op.id))).cancelled, true);
    },
  },
  // Being added beside this file (GET /apps/{id}/operations): driven as soon as AptibleClient has it.
  appOperationsPage: {
    operations: ['GET /apps/{app_id}/operations'],
    async drive({ client, state }) {
      state.perPage = 1;
      const app = busiestApp(state);
      const call = (client as unknown as Record<string, (id: string, cursor: string | undefined) => Promise<FetchedPage<unknown>>>).appOperationsPage.bind(client);
      const { items } = await allPages((cursor) => call(String(app.id), cursor));
      assert.ok(items.length > 0, 'the app has operations');
    },
  },
};

/** Public (and TypeScript-private) methods of AptibleClient that send nothing to the Deploy API, and why. */
const NO_DEPLOY_REQUEST: Record<string, string> = {
  signOut: 'discards the token locally: Aptible has no sign-out call',
  dispose: 'closes sockets',
  passwordGrant: "the auth server's POST /tokens, which aptible.yaml does not describe",
  login: 'passwordGrant, shared by concurrent callers',
  currentToken: 'the held token or passwordGrant',
  loginError: 'words an auth server refusal',
  run: 'wraps a call (401 advice)',
  readOrGone: 'private helper of readEphemeralSession / readApp (driven through them)',
  collectionPage: 'private helper of the *Page calls (driven through them)',
  liveSecrets: 'secrets to redact',
  noTokenAdvice: 'words advice',
  error: 'builds an ApiError',
};

function count(apps: { accountId: number }[], accountId: number): number {
  return apps.filter((p) => p.accountId === accountId).length;
}

function busiestApp(state: AptibleState): AptibleState['data']['apps'][number] {
  const per = (id: number): number => state.data.sessions.filter((s) => s.appId === id).length;
  return [...state.data.apps].sort((a, b) => per(b.id) - per(a.id))[0];
}

describe('Aptible requests against the vendor spec (the sandbox checks each one)', function () {
  this.timeout(30_000);
  let spec: LoadedSpec;
  let sb: Sandbox;
  let contract: RequestContract;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], seed: 11, sizes: { aptibleAccounts: 4, aptibleApps: 10, aptibleSessions: 60 } });
  // Also fails the test that sent a violating request, with the requests listed.
  failOnRequestViolations(sandbox, 'aptible');
  const reached = new Set<string>();

  before(function () {
    // Fails without ../shared/specs, unless SM_ALLOW_MISSING_SPECS=1 asks to skip it (then recorded as skipped).
    spec = requireSpec(this, 'aptible');
    sb = sandbox();
    contract = sb.state.aptible.requestContract!;
    assert.strictEqual(contract.specFile, spec.file, 'the sandbox checks requests against the same aptible.yaml');
  });
  afterEach(() => {
    sb.reset();
  });

  function client(): AptibleClient {
    const creds = sb.details.aptible.credentials;
    const record: ConnectionRecord = {
      id: 'aptible-contract',
      backend: 'aptible',
      label: 'Sandbox Aptible',
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: sb.details.aptible.urls.authRoot },
      auth: { method: 'password', username: creds.email },
      source: 'user',
    };
    const c = new AptibleClient(record, { password: creds.password }, doubles().deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    return c;
  }

  const implemented = Object.getOwnPropertyNames(AptibleClient.prototype).filter(
    (n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(AptibleClient.prototype, n)?.value === 'function',
  );

  it('drives every public call of AptibleClient that talks to the Deploy API (or names why one does not)', () => {
    const unaccounted = implemented.filter((n) => !(n in DRIVERS) && !(n in NO_DEPLOY_REQUEST));
    assert.deepStrictEqual(unaccounted, [], 'drive these in DRIVERS, or name them in NO_DEPLOY_REQUEST with the reason');
    const stale = Object.keys(NO_DEPLOY_REQUEST).filter((n) => !implemented.includes(n));
    assert.deepStrictEqual(stale, [], 'NO_DEPLOY_REQUEST names methods AptibleClient no longer has');
  });

  for (const [name, driver] of Object.entries(DRIVERS)) {
    // A driver for a call AptibleClient does not have yet (appOperationsPage, added beside this file) makes no test;
    // the test above fails for any method that has neither a driver nor a reason.
    if (!implemented.includes(name)) {
      continue;
    }
    it(`${name}: every request it sends honours aptible.yaml (${driver.operations.join(', ')})`, async () => {
      contract.violations.splice(0);
      const before = { ...contract.operations };
      const checked = contract.checked;
      const c = client();
      const grew = (op: string): boolean => (contract.operations[op] ?? 0) > (before[op] ?? 0);
      try {
        await driver.drive({ sb, state: sb.state.aptible.state as AptibleState, client: c });
      } finally {
        driver.operations.filter(grew).forEach((op) => reached.add(op));
      }
      assert.ok(contract.checked > checked, 'the sandbox checked the requests');
      for (const op of driver.operations) {
        assert.ok(grew(op), `${name} reached ${op}; reached: ${JSON.stringify(contract.operations)}`);
      }
      assert.deepStrictEqual(contract.violations.slice(), [], `${name} sent requests that break aptible.yaml`);
    });
  }

  it('every operation the client uses was reached, and they are all in aptible.yaml', () => {
    const expected = Object.entries(DRIVERS)
      .filter(([n]) => implemented.includes(n))
      .flatMap(([, d]) => d.operations);
    assert.deepStrictEqual([...new Set(expected)].filter((op) => !reached.has(op)), []);
    for (const op of reached) {
      const [method, template] = op.split(' ');
      assert.ok(spec.operations.some((o) => o.method === method && o.template === template), `${op} is an operation of aptible.yaml`);
    }
  });
});
