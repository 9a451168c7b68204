import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, Sandbox } from '../sandbox/server';
import { testingApi } from './helpers';
import { Answer, QueuedInput } from './queuedInput';
import { removeAllConnections, zitiAnswers } from './connections.test';

async function labels(nodes: TreeNode[]): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => String((await n.getTreeItem()).label)));
}

describe('connections: all four backends against the sandbox', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let sb: Sandbox;
  const env = (): TestingApi['views']['providers']['environments'] => api.views.providers.environments;

  async function connectionNode(backendLabel: string, label: string): Promise<TreeNode> {
    const roots = await env().getChildren();
    const backend = roots[(await labels(roots)).indexOf(backendLabel)];
    assert.ok(backend, `no backend ${backendLabel}`);
    const conns = await env().getChildren(backend);
    const i = (await labels(conns)).indexOf(label);
    assert.ok(i >= 0, `no connection ${label} under ${backendLabel}`);
    return conns[i];
  }

  async function add(answers: Answer[]): Promise<{ id: string }> {
    const q = new QueuedInput(answers, api.BACK);
    api.setUserInput(q);
    const record = (await vscode.commands.executeCommand('sessionManager.addConnection')) as { id: string } | undefined;
    assert.ok(record, `not added: ${JSON.stringify(api.recentErrors.slice(-1))}`);
    assert.strictEqual(q.remaining, 0, 'every queued answer was used');
    return record;
  }

  before(async () => {
    api = await testingApi();
    sb = await start();
    await removeAllConnections(api);
  });

  after(async () => {
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await sb.stop();
  });

  it('adds a PingOne worker app (custom hosts, Basic client auth) and lists the environments it may see', async () => {
    const p = sb.details.pingone;
    await add([
      { pick: 'PingOne' },
      { pick: 'Custom hosts…' },
      { input: p.urls.apiBase },
      { input: p.urls.authBase },
      { pick: 'Use http:// anyway' }, // the sandbox's PingOne is http: the wizard says credentials travel unencrypted
      { input: 'Ping sandbox' },
      { pick: 'Not production' },
      { input: p.credentials.environmentId },
      { input: p.credentials.basicClientId },
      { input: p.credentials.basicClientSecret },
      { pick: /Authorization header/ },
    ]);
    const envs = await env().getChildren(await connectionNode('PingOne', 'Ping sandbox'));
    const names = await labels(envs);
    assert.ok(names.includes('Customers Prod') && !names.includes('Staging'), names.join(', '));
  });

  it('adds an Aptible account with email, password and the OTP the server asks for', async () => {
    const a = sb.details.aptible;
    await add([
      { pick: 'Aptible' },
      { pick: 'Custom URLs…' },
      { input: sb.urls.aptible },
      { input: sb.urls.aptible },
      { pick: 'Use http:// anyway' },
      { input: 'Aptible sandbox' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: a.credentials.mfaEmail },
      { input: a.credentials.mfaPassword },
      { input: a.credentials.otpToken }, // the sign-in is checked right after the credentials
    ]);
    const envs = await env().getChildren(await connectionNode('Aptible', 'Aptible sandbox'));
    // One environment per Aptible account of the sandbox (an error node would fail here), none of them an error.
    const accounts = (sb.state.aptible.state as { data: { accounts: { handle: string }[] } }).data.accounts.map((a) => a.handle);
    assert.deepStrictEqual((await labels(envs)).sort(), [...accounts].sort());
    for (const e of envs) {
      assert.doesNotMatch(String((await e.getTreeItem()).contextValue), /^error/);
    }
  });

  it('adds a Cohesity cluster with a self-signed certificate after the person trusts it', async () => {
    const c = sb.details.cohesity;
    await add([
      { pick: 'Cohesity' },
      { input: sb.urls.cohesity },
      { confirm: 'Trust' }, // checked right after the address
      { input: 'Cohesity sandbox' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: c.credentials.username },
      { input: c.credentials.password },
      { input: 'LOCAL' },
    ]);
    const envs = await env().getChildren(await connectionNode('Cohesity', 'Cohesity sandbox'));
    const cluster = (sb.state.cohesity.state as { cluster: { name: string } }).cluster;
    assert.deepStrictEqual(await labels(envs), [cluster.name]);
    assert.match(String((await envs[0].getTreeItem()).description), /^v/);
  });

  it('adds an OpenZiti controller too, and a failing backend never blanks the others', async () => {
    await add(zitiAnswers(sb, 'Ziti sandbox'));
    sb.faults.set('pingone', { mode: 'server-error', pathRegex: '^/v1/' });
    try {
      const [ziti, ping, apt, coh] = await Promise.all([
        connectionNode('OpenZiti', 'Ziti sandbox').then((n) => env().getChildren(n)),
        connectionNode('PingOne', 'Ping sandbox').then((n) => env().getChildren(n)),
        connectionNode('Aptible', 'Aptible sandbox').then((n) => env().getChildren(n)),
        connectionNode('Cohesity', 'Cohesity sandbox').then((n) => env().getChildren(n)),
      ]);
      const pingItem = await ping[0].getTreeItem();
      assert.match(String(pingItem.contextValue), /^error;/);
      assert.match(String(pingItem.label), /Ping sandbox: .*500/);
      for (const kids of [ziti, apt, coh]) {
        assert.doesNotMatch(String((await kids[0].getTreeItem()).contextValue), /^error/);
      }
    } finally {
      sb.faults.clear('pingone');
    }
    const healed = await env().getChildren(await connectionNode('PingOne', 'Ping sandbox'));
    assert.ok((await labels(healed)).includes('Customers Prod'));
  });

  it('keeps every connection signed in across an expiry of all tokens, asking only for the Aptible OTP, once', async () => {
    // The Aptible account has two-factor authentication: a new token needs a new code. The others re-sign silently.
    const q = new QueuedInput([{ input: sb.details.aptible.credentials.otpToken }], api.BACK);
    api.setUserInput(q);
    for (const b of ['ziti', 'pingone', 'aptible', 'cohesity'] as const) {
      sb.faults.set(b, { expireTokens: true });
      sb.faults.clear(b);
    }
    for (const [backend, label] of [
      ['OpenZiti', 'Ziti sandbox'],
      ['PingOne', 'Ping sandbox'],
      ['Aptible', 'Aptible sandbox'],
      ['Cohesity', 'Cohesity sandbox'],
    ]) {
      const kids = await env().getChildren(await connectionNode(backend, label));
      assert.doesNotMatch(String((await kids[0].getTreeItem()).contextValue), /^error/, `${label} re-authenticated`);
    }
    assert.strictEqual(q.asked.length, 1, JSON.stringify(q.asked));
    assert.match(q.asked[0].title, /Aptible|two-factor/i);
  });

  it('stopping the sandbox mid-browse gives clear error nodes, not a broken view', async () => {
    await sb.stop();
    const roots = await env().getChildren();
    assert.strictEqual(roots.length, 4);
    for (const [backend, label] of [
      ['OpenZiti', 'Ziti sandbox'],
      ['PingOne', 'Ping sandbox'],
      ['Aptible', 'Aptible sandbox'],
      ['Cohesity', 'Cohesity sandbox'],
    ]) {
      const node = await connectionNode(backend, label);
      api.manager.forget(((node as unknown) as { connectionId: string }).connectionId);
      const kids = await env().getChildren(node);
      const item = await kids[0].getTreeItem();
      assert.match(String(item.contextValue), /^error;canRetry/);
      assert.match(String(item.label), /cannot reach/);
    }
    sb = await start();
  });
});
