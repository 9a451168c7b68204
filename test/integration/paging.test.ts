// Paging, cancellation, trust-probe progress, client disposal and bounded caches, in the real VS Code host against
// the sandbox over real HTTP.
import * as assert from 'assert';
import * as https from 'https';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { ExplorerTreeProvider } from '../../src/tree/provider';
import { start, type Sandbox } from '../sandbox/server';
import type { AptibleState } from '../sandbox/aptible';
import { createPki } from '../sandbox/tls';
import { testingApi } from './helpers';
import { QueuedInput } from './queuedInput';
import { eventually, type ZitiFixture, zitiFixture } from './zitiFixture';

const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('sessionManager');

/** Resolves with `p`, or fails the test when it takes longer than `ms` (a hang must not hang the suite). */
function within<T>(ms: number, what: string, p: Thenable<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

describe('paging: one pager, bounded and cancellable (OpenZiti sandbox)', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let fx: ZitiFixture;
  const kids = (n?: TreeNode): Promise<TreeNode[]> => api.views.providers.enrollments.getChildren(n);

  before(async () => {
    api = await testingApi();
    fx = await zitiFixture(api, 'ziti-paging', 'Paging controller');
  });

  afterEach(async () => {
    api.setUserInput(undefined);
    fx.sb.faults.clear();
    await config().update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await fx.stop();
  });

  async function root(): Promise<TreeNode> {
    const r = (await kids()).find((n) => n.id === `ziti/${fx.connectionId}/enrollments`);
    assert.ok(r, 'the Enrollments root of the paging controller');
    return r;
  }

  it('Load all against a server that ignores offset (and over-reports its total) ends after a bounded number of requests', async () => {
    const total = fx.state().data.enrollments.size;
    assert.ok(total > 10, `more than two pages of 5 (${total})`);
    await config().update('pageSize', 5, vscode.ConfigurationTarget.Global);
    const r = await root();
    let children = await kids(r);
    assert.ok(children.some((c) => c.id.endsWith('/more')), 'Load more… after the first page');
    const q = new QueuedInput([], api.BACK);
    api.setUserInput(q);
    fx.sb.faults.set('ziti', { mode: 'ignore-offset', totalCountBonus: 1000, pathRegex: '/enrollments$' });
    assert.strictEqual(await within(20_000, 'Load all', vscode.commands.executeCommand('sessionManager.loadAll', children[children.length - 1])), true);
    const requests = fx.sb.faults.hits('ziti');
    assert.ok(requests >= 1 && requests <= 2, `Load all sent ${requests} list requests to a server ignoring offset`);
    assert.deepStrictEqual(q.progressShown, ['Loading all enrollments of Paging controller…'], 'Load all shows a cancellable progress notification');
    children = await kids(r);
    assert.ok(!children.some((c) => c.id.endsWith('/more')), 'no Load more… once paging stopped');
    const note = children.find((c) => c.id.endsWith('/stopped'));
    assert.ok(note, `a note says why paging stopped: [${children.map((c) => c.id).join(', ')}]`);
    assert.match(String((await note.getTreeItem()).label), new RegExp(`sent no new items after ${total}; stopped paging`));
    assert.strictEqual(children.filter((c) => c.id.includes('/enrollment/')).length, total, 'every enrollment read, once');
  });

  it('Load all can be cancelled from its progress notification; what was read stays and Load more… comes back', async () => {
    await config().update('pageSize', 5, vscode.ConfigurationTarget.Global);
    const r = await root();
    const children = await kids(r);
    const more = children[children.length - 1];
    assert.ok(more.id.endsWith('/more'));
    const q = new QueuedInput([], api.BACK);
    api.setUserInput(q);
    fx.sb.faults.set('ziti', { latencyMs: 30_000, pathRegex: '/enrollments$' });
    const started = Date.now();
    const running = vscode.commands.executeCommand('sessionManager.loadAll', more);
    await eventually('the progress notification', () => (q.progressShown.length > 0 ? true : undefined), 5_000);
    await eventually('the slow page request', () => (fx.sb.faults.hits('ziti') > 0 ? true : undefined), 5_000);
    assert.strictEqual(q.cancelProgress(), 1, 'one progress notification was running');
    assert.strictEqual(await within(5_000, 'the cancelled Load all', running), true);
    assert.ok(Date.now() - started < 10_000, 'cancelled long before the slow page would have answered');
    fx.sb.faults.clear('ziti');
    const after = await kids(r);
    assert.strictEqual(after.filter((c) => c.id.includes('/enrollment/')).length, 5, 'the first page stays');
    assert.ok(after.some((c) => c.id.endsWith('/more')), 'Load more… is offered again');
    assert.ok(!after.some((c) => c.id.endsWith('/error')), 'a cancellation is not an error');
  });

  it('a later page that fails keeps the sessions read and shows the error after them (Sessions view)', async () => {
    await config().update('pageSize', 5, vscode.ConfigurationTarget.Global);
    const sessions = api.views.providers.sessions;
    const controller = (await sessions.getChildren()).find((n) => n.id === `ziti/${fx.connectionId}`);
    assert.ok(controller);
    const group = (await sessions.getChildren(controller)).find((n) => n.id === `ziti/${fx.connectionId}/sessions`);
    assert.ok(group);
    const first = await sessions.getChildren(group);
    const shown = first.filter((c) => !c.id.endsWith('/more'));
    assert.strictEqual(shown.length > 0, true);
    fx.sb.faults.set('ziti', { mode: 'server-error', pathRegex: '/sessions$' });
    await vscode.commands.executeCommand('sessionManager.loadMore', group);
    const after = await sessions.getChildren(group);
    fx.sb.faults.clear('ziti');
    assert.deepStrictEqual(
      after.slice(0, shown.length).map((c) => c.id),
      shown.map((c) => c.id),
      'the sessions read before the failure stay',
    );
    const last = after[after.length - 1];
    assert.ok(last.id.endsWith('/error'), `the error comes after them: [${after.map((c) => c.id).join(', ')}]`);
    assert.match(String((await last.getTreeItem()).label), /500|unhandled/i);
  });

  it('removing or forgetting (editing) a connection disposes its client, which closes its sockets', async () => {
    const extra = await zitiFixture(api, 'ziti-dispose', 'Disposable controller');
    /** Counts dispose() calls on the live client of the connection (its sockets are closed by HttpClient.dispose). */
    const watch = async (): Promise<{ disposed: number }> => {
      const client = await api.manager.signedInClient(extra.connectionId);
      const seen = { disposed: 0 };
      assert.strictEqual(typeof client.dispose, 'function', 'the client can be disposed');
      const original = client.dispose.bind(client);
      client.dispose = () => {
        seen.disposed++;
        original();
      };
      return seen;
    };
    try {
      // Edit Connection (and Sign In, and a secret changed in another window) forget the live client.
      const first = await watch();
      api.manager.forget(extra.connectionId);
      assert.strictEqual(first.disposed, 1, 'forget() disposed the client');
      // Remove Connection.
      const second = await watch();
      const q = new QueuedInput([{ confirm: 'Remove' }], api.BACK);
      api.setUserInput(q);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.removeConnection', extra.connectionId), true);
      assert.strictEqual(second.disposed >= 1, true, 'removal disposed the client');
    } finally {
      await extra.stop();
    }
  });

  it('a client that fails to sign in is disposed, not left with pooled sockets', async () => {
    const extra = await zitiFixture(api, 'ziti-dispose-failed', 'Failing controller');
    const modules = api.manager.modules as Record<string, unknown>;
    const original = api.manager.modules.ziti;
    assert.ok(original);
    const seen = { created: 0, disposed: 0 };
    modules.ziti = {
      ...original,
      createClient: async (...args: Parameters<typeof original.createClient>) => {
        const client = await original.createClient(...args);
        seen.created++;
        const dispose = client.dispose.bind(client);
        client.dispose = () => {
          seen.disposed++;
          dispose();
        };
        return client;
      },
    };
    try {
      api.manager.forget(extra.connectionId);
      extra.sb.faults.set('ziti', { mode: 'server-error' });
      await assert.rejects(api.manager.signedInClient(extra.connectionId));
      assert.strictEqual(seen.created, 1, 'one client was made for the sign-in');
      assert.strictEqual(seen.disposed, 1, 'the client that could not sign in was disposed');
    } finally {
      modules.ziti = original;
      extra.sb.faults.clear('ziti');
      await extra.stop();
    }
  });

  it('the details documents and the tree node map stay bounded', async () => {
    const details = api.details;
    const uris: vscode.Uri[] = [];
    for (let i = 0; i < 150; i++) {
      uris.push(details.uriFor({ id: `cap-test/${i}`, detailsTitle: () => `cap test ${i}`, details: () => ({ i }) }));
    }
    assert.match(await details.provideTextDocumentContent(uris[0]), /no longer in the tree/, 'the oldest source was dropped');
    assert.match(await details.provideTextDocumentContent(uris[149]), /"i": 149/);

    // A subtree that reloads with new children forgets the old ones (and what was below them).
    let generation = 0;
    const leaf = (id: string, parent: TreeNode): TreeNode => ({ id, parent, getTreeItem: () => new vscode.TreeItem(id) });
    const parent: TreeNode = {
      id: 'p',
      getTreeItem: () => new vscode.TreeItem('p'),
      getChildren: () => {
        generation++;
        return [0, 1, 2].map((i) => ({ ...leaf(`p/${generation}/${i}`, parent), getChildren: () => [leaf(`p/${generation}/${i}/x`, parent)] }));
      },
    };
    const log = { error: () => undefined } as unknown as ConstructorParameters<typeof ExplorerTreeProvider>[2];
    const provider = new ExplorerTreeProvider('cap-test', () => [parent], log);
    try {
      await provider.getChildren();
      const firstKids = await provider.getChildren(parent);
      await provider.getChildren(firstKids[0]);
      assert.ok(provider.findById('p/1/0/x'));
      for (let i = 0; i < 50; i++) {
        await provider.getChildren(parent);
      }
      assert.strictEqual(provider.findById('p/1/0'), undefined, 'an old child is forgotten');
      assert.strictEqual(provider.findById('p/1/0/x'), undefined, 'and what was below it');
      assert.ok(provider.findById(`p/${generation}/2`), 'the children shown now are known');
    } finally {
      provider.dispose();
    }
  });
});

describe('paging: a next link to another origin keeps what was read (Aptible sandbox, Environments view)', function () {
  this.timeout(60_000);
  let api: TestingApi;
  let sb: Sandbox;
  const id = 'aptible-paging';

  before(async () => {
    api = await testingApi();
    sb = await start({ backends: ['aptible'], sizes: { aptibleAccounts: 5 } });
    const a = sb.details.aptible;
    await api.store.save(
      { id, backend: 'aptible', label: 'Paging Aptible', endpoints: { apiUrl: sb.urls.aptible, authUrl: sb.urls.aptible }, auth: { method: 'password', username: a.credentials.email }, source: 'user' },
      { password: a.credentials.password },
    );
    api.manager.forget(id);
  });

  after(async () => {
    await api.store.remove(id);
    api.manager.forget(id);
    await sb.stop();
  });

  it('shows the accounts of the first page, then the refusal as an error node', async () => {
    (sb.state.aptible.state as AptibleState).perPage = 2;
    sb.faults.set('aptible', { mode: 'foreign-next-link', pathRegex: '/accounts$' });
    const env = api.views.providers.environments;
    const group = (await env.getChildren()).find((n) => n.id === 'backend/aptible');
    assert.ok(group);
    const conn = (await env.getChildren(group)).find((n) => n.id === `conn/${id}`);
    assert.ok(conn);
    const children = await env.getChildren(conn);
    assert.deepStrictEqual(
      children.map((c) => (c.id.endsWith('/error') ? 'error' : 'env')),
      ['env', 'env', 'error'],
      `two accounts, then the error: [${children.map((c) => c.id).join(', ')}]`,
    );
    const err = await children[2].getTreeItem();
    assert.match(String(err.label), /refused to follow a link to another origin \(https:\/\/elsewhere\.invalid/);
    assert.strictEqual(api.manager.state(id).kind, 'signedIn', 'the connection itself is fine');
  });
});

describe('trust certificate: progress and cancel (a server that never answers)', function () {
  this.timeout(60_000);
  let api: TestingApi;
  const id = 'ziti-silent';

  before(async () => {
    api = await testingApi();
  });

  it('Trust Certificate… shows progress and Cancel stops the probe at once, asking nothing', async () => {
    // A TLS server whose HTTP never answers: the CA-bundle request would hang forever.
    const leaf = (await createPki('Silent test CA')).selfSignedServerCert('silent.sandbox.local');
    const tlsServer = https.createServer({ key: leaf.keyPem, cert: leaf.certPem }, () => undefined);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', () => r()));
    const port = (tlsServer.address() as { port: number }).port;
    await api.store.save({ id, backend: 'ziti', label: 'Silent controller', endpoints: { url: `https://127.0.0.1:${port}` }, auth: { method: 'password', username: 'admin' }, source: 'user' }, { password: 'x' });
    const q = new QueuedInput([], api.BACK);
    api.setUserInput(q);
    try {
      const running = vscode.commands.executeCommand('sessionManager.trustCertificate', id);
      await eventually('the progress notification', () => (q.progressShown.length > 0 ? true : undefined), 5_000);
      assert.deepStrictEqual(q.progressShown, ['Reading the certificate of Silent controller…']);
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(q.cancelProgress(), 1);
      assert.strictEqual(await within(5_000, 'the cancelled Trust Certificate', running), undefined, 'cancelled quietly');
      assert.strictEqual(q.asked.length, 0, 'nothing was asked');
      assert.strictEqual(api.store.get(id)?.tls, undefined, 'nothing was trusted');
    } finally {
      api.setUserInput(undefined);
      await api.store.remove(id);
      api.manager.forget(id);
      tlsServer.closeAllConnections();
      await new Promise<void>((r) => tlsServer.close(() => r()));
    }
  });
});

