import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, Sandbox } from '../sandbox/server';
import { testingApi } from './helpers';
import { QueuedInput } from './queuedInput';
import { removeAllConnections } from './connections.test';

function freePortBase(): Promise<number> {
  // Four consecutive free ports starting at a free one (the sandbox uses BASE..BASE+3).
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function connectionNode(api: TestingApi, label: string): Promise<TreeNode> {
  const env = api.views.providers.environments;
  for (const backend of await env.getChildren()) {
    for (const node of await env.getChildren(backend)) {
      if (String((await node.getTreeItem()).label) === label) {
        return node;
      }
    }
  }
  assert.fail(`no connection ${label}`);
}

describe('connection lifecycle: edit, sign in again, test, certificates, presets', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let sb: Sandbox;
  let base: number;

  before(async () => {
    api = await testingApi();
    base = await freePortBase();
    sb = await start({ port: base, backends: ['ziti'] });
    await removeAllConnections(api);
  });

  after(async () => {
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await vscode.workspace.getConfiguration().update('sessionManager.connections', undefined, vscode.ConfigurationTarget.Global);
    await sb.stop();
  });

  it('Test Connection, Sign Out and Sign In again from the commands, with the stored password', async () => {
    await api.store.save(
      { id: 'ziti-life', backend: 'ziti', label: 'Life controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' },
      { password: 'ziti-sandbox-admin' },
    );
    const q = new QueuedInput([], api.BACK);
    api.setUserInput(q);
    assert.match(String(await vscode.commands.executeCommand('sessionManager.testConnection', 'ziti-life')), /^OK: .*signed in as/);
    assert.strictEqual(api.manager.state('ziti-life').kind, 'signedIn');
    await vscode.commands.executeCommand('sessionManager.signOut', 'ziti-life');
    assert.strictEqual(api.manager.state('ziti-life').kind, 'signedOut');
    assert.strictEqual((await api.store.getSecrets('ziti-life')).token, undefined, 'the issued token is forgotten');
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'ziti-life'), true);
    assert.strictEqual(api.manager.state('ziti-life').kind, 'signedIn');
    assert.strictEqual(q.asked.length, 0, 'the stored password was used without asking');
  });

  it('Sign In from the palette offers a picker of connections', async () => {
    await vscode.commands.executeCommand('sessionManager.signOut', 'ziti-life');
    const q = new QueuedInput([{ pick: 'Life controller' }], api.BACK);
    api.setUserInput(q);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn'), true);
    assert.strictEqual(q.asked[0].kind, 'pick');
    assert.strictEqual(api.manager.state('ziti-life').kind, 'signedIn');
  });

  it('Edit Connection changes the name and keeps the secrets; the wizard starts from the current values', async () => {
    const q = new QueuedInput(
      [
        { input: sb.urls.ziti },
        { input: 'Renamed controller' },
        { pick: 'Production' },
        { pick: 'Username and password' },
        { input: 'admin' },
        { input: 'ziti-sandbox-admin' },
      ],
      api.BACK,
    );
    api.setUserInput(q);
    const node = await connectionNode(api, 'Life controller');
    const result = (await vscode.commands.executeCommand('sessionManager.editConnection', node)) as { label: string } | undefined;
    assert.ok(result, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(result.label, 'Renamed controller');
    const saved = api.store.get('ziti-life');
    assert.strictEqual(saved?.label, 'Renamed controller');
    assert.strictEqual(saved?.production, true);
    assert.strictEqual(q.asked.find((a) => /Controller URL/.test(a.text))?.step, 1, 'editing starts at the endpoint');
    assert.match(String((await (await connectionNode(api, 'Renamed controller')).getTreeItem()).description), /production/);
  });

  it('signs in with a client certificate issued for an identity', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-cert-'));
    const identity = [...(sb.state.ziti.state as { data: { identities: Map<string, { name: string }> } }).data.identities.values()][0].name;
    const issued = sb.issueClientCert(identity);
    fs.writeFileSync(path.join(dir, 'id.cert.pem'), issued.certPem);
    fs.writeFileSync(path.join(dir, 'id.key.pem'), issued.keyPem);
    await api.store.save({
      id: 'ziti-cert',
      backend: 'ziti',
      label: 'Cert controller',
      endpoints: { url: sb.urls.ziti },
      auth: { method: 'certificate', certificatePath: path.join(dir, 'id.cert.pem'), keyPath: path.join(dir, 'id.key.pem') },
      tls: { trustedCertificates: [sb.ca.pem] },
      source: 'user',
    });
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'ziti-cert'), true, JSON.stringify(api.recentErrors.slice(-1)));
    const state = api.manager.state('ziti-cert');
    assert.strictEqual(state.kind, 'signedIn');
    assert.match(state.kind === 'signedIn' ? state.summary : '', new RegExp(identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    fs.rmSync(dir, { recursive: true, force: true });
    await api.store.remove('ziti-cert');
  });

  it('notices a changed controller CA, says so, and trusts the new one only with consent', async () => {
    await sb.stop();
    sb = await start({ port: base, backends: ['ziti'] }); // same address, new CA
    api.manager.forget('ziti-life');
    const node = await connectionNode(api, 'Renamed controller');
    const kids = await api.views.providers.environments.getChildren(node);
    assert.match(String((await kids[0].getTreeItem()).label), /certificate|not trusted|self.signed|verify/i);
    assert.strictEqual(api.manager.state('ziti-life').kind, 'untrusted');
    assert.match(String((await node.getTreeItem()).contextValue), /canTrust/);
    const decline = new QueuedInput([{ confirm: undefined }], api.BACK);
    api.setUserInput(decline);
    await vscode.commands.executeCommand('sessionManager.trustCertificate', 'ziti-life');
    assert.match(decline.asked[0].text, /CHANGED/);
    assert.notStrictEqual(api.store.get('ziti-life')?.tls?.trustedCertificates?.[0], sb.ca.pem, 'declining trusts nothing');
    const accept = new QueuedInput([{ confirm: 'Trust' }], api.BACK);
    api.setUserInput(accept);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.trustCertificate', 'ziti-life'), true);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'ziti-life'), true);
    assert.strictEqual(api.manager.state('ziti-life').kind, 'signedIn');
  });

  it('shows presets from settings read-only, and reports bad entries without dropping the good ones', async () => {
    await vscode.workspace.getConfiguration().update(
      'sessionManager.connections',
      [
        { backend: 'ziti', label: 'Team controller', url: sb.urls.ziti, username: 'admin' },
        { backend: 'cohesity', label: 'Leaky cluster', url: 'https://cluster.example', password: 'do-not-store' },
      ],
      vscode.ConfigurationTarget.Global,
    );
    const preset = api.store.list().find((c) => c.label === 'Team controller');
    assert.ok(preset && preset.source === 'preset');
    assert.ok(!api.store.list().some((c) => c.label === 'Leaky cluster'));
    assert.ok(api.store.problems.some((p) => /must not hold secrets/.test(p) && !p.includes('do-not-store')));
    const item = await (await connectionNode(api, 'Team controller')).getTreeItem();
    assert.doesNotMatch(String(item.contextValue), /canEdit|canRemove/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /sessionManager\.connections/);
  });
});
