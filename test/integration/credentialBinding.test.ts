// Stored credentials go only to the server and identity they were issued for (issue 8, items 3, 4, 5 and 18):
// presets only from user settings, a redefined preset sends nothing, Edit drops the old token and trust, Remove
// ends the stored session after a reload, http:// is accepted only with a visible warning.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, Sandbox } from '../sandbox/server';
import type { Backend } from '../sandbox/types';
import { testingApi, watchRequests } from './helpers';
import { Answer, QueuedInput } from './queuedInput';
import { removeAllConnections } from './connections.test';

interface Seen {
  method: string;
  path: string;
  host?: string;
  ztSession?: string;
  authorization?: string;
  body: string;
  status?: number;
}

/** Records every request a sandbox backend handles (headers as received), in order. */
function requestLog(backend: Backend): Seen[] {
  return watchRequests(backend, (req): Seen => ({
    method: req.method,
    path: req.path,
    host: req.headers.host,
    ztSession: req.headers['zt-session'],
    authorization: req.headers.authorization,
    body: req.body.toString('utf8'),
  })).seen;
}

async function label(node: TreeNode): Promise<string> {
  return String((await node.getTreeItem()).label);
}

async function connectionNode(api: TestingApi, name: string): Promise<TreeNode> {
  const env = api.views.providers.environments;
  for (const backend of await env.getChildren()) {
    for (const node of await env.getChildren(backend)) {
      if ((await label(node)) === name) {
        return node;
      }
    }
  }
  assert.fail(`no connection ${name}`);
}

function answer(api: TestingApi, answers: Answer[]): QueuedInput {
  const q = new QueuedInput(answers, api.BACK);
  api.setUserInput(q);
  return q;
}

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pageSize = (): number | undefined => vscode.workspace.getConfiguration('sessionManager').get<number>('pageSize');

describe('credentials bound to the server that issued them', function () {
  this.timeout(90_000);
  let api: TestingApi;
  let sb: Sandbox;
  let other: Sandbox;

  before(async () => {
    api = await testingApi();
    sb = await start({ backends: ['ziti', 'aptible'] });
    other = await start({ backends: ['aptible'] });
    await removeAllConnections(api);
  });

  after(async () => {
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await vscode.workspace.getConfiguration().update('sessionManager.connections', undefined, vscode.ConfigurationTarget.Global);
    await sb.stop();
    await other.stop();
  });

  it('ignores sessionManager.connections in workspace settings, also when it redefines a user preset', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test host opens a workspace folder');
    await vscode.workspace.getConfiguration().update(
      'sessionManager.connections',
      [{ id: 'team', backend: 'ziti', label: 'Team controller', url: sb.urls.ziti, username: 'admin' }],
      vscode.ConfigurationTarget.Global,
    );
    const dir = path.join(folder.uri.fsPath, '.vscode');
    const file = path.join(dir, 'settings.json');
    fs.mkdirSync(dir, { recursive: true });
    const before = pageSize();
    fs.writeFileSync(
      file,
      JSON.stringify({
        // A window setting in the same file shows when VS Code has read it.
        'sessionManager.pageSize': 77,
        'sessionManager.connections': [
          { id: 'team', backend: 'ziti', label: 'Team controller', url: 'https://evil.example:1280', username: 'admin' },
          { backend: 'ziti', label: 'Workspace controller', url: 'https://evil.example:1280', username: 'admin' },
        ],
      }),
    );
    try {
      await until('the workspace settings to load', () => pageSize() === 77);
      const list = api.store.list();
      assert.ok(!list.some((c) => c.label === 'Workspace controller'), 'a preset from the workspace is not listed');
      assert.strictEqual(api.store.get('preset-team')?.endpoints.url, sb.urls.ziti, 'the user preset keeps its own URL');
      const inspected = vscode.workspace.getConfiguration().inspect('sessionManager.connections');
      if (inspected?.workspaceValue !== undefined) {
        // VS Code handed the workspace value over: then the extension says it ignored it.
        assert.ok(api.store.problems.some((p) => /workspace or folder settings is ignored/.test(p)), api.store.problems.join('\n'));
      }
    } finally {
      fs.rmSync(file, { force: true });
      await until('the workspace settings to unload', () => pageSize() === before);
      await vscode.workspace.getConfiguration().update('sessionManager.connections', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a preset whose URL changed sends nothing stored to the new server, shows "needs sign-in" and why', async () => {
    const a = sb.details.aptible;
    const preset = (url: string): unknown[] => [{ id: 'apt-team', backend: 'aptible', label: 'Team Aptible', apiUrl: url, authUrl: url, username: a.credentials.email }];
    await vscode.workspace.getConfiguration().update('sessionManager.connections', preset(sb.urls.aptible), vscode.ConfigurationTarget.Global);
    const first = answer(api, [{ input: a.credentials.password }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'preset-apt-team'), true, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(first.remaining, 0);
    const token = (await api.store.getSecrets('preset-apt-team')).token;
    assert.ok(token, 'the issued Aptible token is stored');

    const seen = requestLog(other.state.aptible);
    await vscode.workspace.getConfiguration().update('sessionManager.connections', preset(other.urls.aptible), vscode.ConfigurationTarget.Global);
    assert.strictEqual(api.store.get('preset-apt-team')?.endpoints.apiUrl, other.urls.aptible);
    api.manager.forget('preset-apt-team'); // as after a reload: no live client, only what is stored
    const node = await connectionNode(api, 'Team Aptible');
    // The row says so before anything is expanded.
    const collapsed = await node.getTreeItem();
    assert.match(String(collapsed.description), /needs sign-in/);
    assert.match((collapsed.tooltip as vscode.MarkdownString).value, /were not sent/);
    const kids = await api.views.providers.environments.getChildren(node);
    assert.ok(!seen.some((r) => r.authorization?.includes(token) || r.body.includes(token)), `the token went to the new server: ${JSON.stringify(seen)}`);
    assert.ok(!seen.some((r) => r.authorization), 'nothing stored was sent there at all');
    const state = api.manager.state('preset-apt-team');
    assert.strictEqual(state.kind, 'needsSignIn');
    assert.match(state.kind === 'needsSignIn' ? state.message : '', new RegExp(`issued for ${new URL(sb.urls.aptible).origin.replace(/[.]/g, '\\.')}.*now points at`));
    assert.match(await label(kids[0]), /^Needs sign-in: The stored credentials were not sent/);
    const row = await node.getTreeItem();
    assert.match(String(row.description), /needs sign-in/);
    assert.match(String(row.contextValue), /canSignIn/);

    // Signing in on purpose asks again and binds the new credentials to the new server.
    const again = answer(api, [{ input: a.credentials.password }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'preset-apt-team'), true, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(again.remaining, 0, 'the password was asked, not taken from the old server');
    assert.strictEqual(api.manager.state('preset-apt-team').kind, 'signedIn');
    const stored = await api.store.getSecrets('preset-apt-team');
    assert.notStrictEqual(stored.token, token);
    assert.deepStrictEqual(stored.binding?.origins, [new URL(other.urls.aptible).origin]);

    // A live client built for the old server is dropped too when the preset changes under it.
    const seenFirst = requestLog(sb.state.aptible);
    await vscode.workspace.getConfiguration().update('sessionManager.connections', preset(sb.urls.aptible), vscode.ConfigurationTarget.Global);
    await until('the live client to be dropped', () => api.manager.state('preset-apt-team').kind !== 'signedIn', 5_000);
    const back = await api.views.providers.environments.getChildren(await connectionNode(api, 'Team Aptible'));
    assert.match(await label(back[0]), /^Needs sign-in/);
    assert.ok(!seenFirst.some((r) => r.authorization), 'the token of the second server did not go to the first');
    await vscode.workspace.getConfiguration().update('sessionManager.connections', undefined, vscode.ConfigurationTarget.Global);
  });

  it('secrets stored by the previous version (no binding) are bound to the record as it is at first read', async () => {
    const record = { id: 'ziti-old', backend: 'ziti' as const, label: 'Old controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password' as const, username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' as const };
    await api.store.save(record);
    await api.secrets.store('sessionManager.connection.ziti-old.secrets', JSON.stringify({ password: 'ziti-sandbox-admin' }));
    const q = answer(api, []);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'ziti-old'), true, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.asked.length, 0, 'the stored password was used');
    const raw = JSON.parse((await api.secrets.get('sessionManager.connection.ziti-old.secrets')) ?? '{}');
    assert.deepStrictEqual(raw.binding?.origins, [new URL(sb.urls.ziti).origin]);
    assert.strictEqual(raw.binding?.username, 'admin');
    await vscode.commands.executeCommand('sessionManager.signOut', 'ziti-old');
    await api.store.remove('ziti-old');
  });

  describe('Edit and Remove of an OpenZiti connection', () => {
    const ID = 'ziti-bound';
    const alias = (): string => sb.urls.ziti.replace('127.0.0.1', 'localhost');
    const editAnswers = (url: string, password: string, trust: Answer[] = []): Answer[] => [
      { input: url },
      ...trust,
      { input: 'Bound controller' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: 'admin' },
      { input: password },
    ];

    before(async () => {
      await api.store.save(
        { id: ID, backend: 'ziti', label: 'Bound controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' },
        { password: 'ziti-sandbox-admin' },
      );
      answer(api, []);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', ID), true, JSON.stringify(api.recentErrors.slice(-1)));
    });

    it('Edit to another address drops the issued zt-session and the trust of the old address', async () => {
      const oldToken = (await api.store.getSecrets(ID)).token;
      assert.ok(oldToken);
      const seen = requestLog(sb.state.ziti);
      const q = answer(api, editAnswers(alias(), 'ziti-sandbox-admin', [{ confirm: 'Trust' }]));
      const result = await vscode.commands.executeCommand('sessionManager.editConnection', ID);
      assert.ok(result, JSON.stringify(api.recentErrors.slice(-1)));
      assert.strictEqual(q.remaining, 0, 'the certificate of the new address was asked for: the old trust did not carry over');
      const trust = q.asked.find((x) => x.kind === 'confirm');
      assert.match(trust?.text ?? '', /not trusted/);
      const toNew = seen.filter((r) => r.host?.startsWith('localhost'));
      assert.ok(toNew.length > 0, 'the test talked to the new address');
      // (Other views may still use the old token with the old address until the edit is saved: that is its own host.)
      assert.ok(!toNew.some((r) => r.ztSession === oldToken), `the old zt-session went to the new address: ${JSON.stringify(toNew.map((r) => `${r.method} ${r.path}`))}`);
      const saved = api.store.get(ID);
      assert.strictEqual(saved?.endpoints.url, alias());
      const secrets = await api.store.getSecrets(ID);
      assert.ok(secrets.token && secrets.token !== oldToken, 'a new token, issued by the new address');
      assert.deepStrictEqual(secrets.binding?.origins, [new URL(alias()).origin]);
    });

    it('a wrong password after an edit costs one failed sign-in and changes nothing', async () => {
      const before = await api.store.getSecrets(ID);
      const seen = requestLog(sb.state.ziti);
      const errors = api.recentErrors.length;
      // The failed sign-in keeps the wizard on the password step; Escape there ends the edit without saving.
      const q = answer(api, [...editAnswers(alias(), 'wrong-password-42'), { cancel: true }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.editConnection', ID), undefined);
      assert.strictEqual(q.remaining, 0);
      const failed = q.asked.find((x) => x.kind === 'pick' && /401/.test(x.text));
      assert.ok(failed, `the failure was shown on the password step: ${JSON.stringify(q.asked)}`);
      assert.deepStrictEqual(api.recentErrors.slice(errors).map((e) => e.message), [], 'nothing failed but the sign-in');
      const logins = seen.filter((r) => r.method === 'POST' && /\/authenticate$/.test(r.path));
      assert.strictEqual(logins.length, 1, JSON.stringify(seen.map((r) => `${r.method} ${r.path} ${r.status}`)));
      assert.strictEqual(logins[0].status, 401);
      const after = await api.store.getSecrets(ID);
      assert.strictEqual(after.password, 'ziti-sandbox-admin', 'the stored password is unchanged');
      assert.strictEqual(after.token, before.token);
    });

    it('Remove ends the API session with the stored token although this window never signed in', async () => {
      const token = (await api.store.getSecrets(ID)).token;
      assert.ok(token);
      api.manager.forget(ID); // as after a reload: no live client, signed out in this window
      assert.notStrictEqual(api.manager.state(ID).kind, 'signedIn');
      const seen = requestLog(sb.state.ziti);
      const q = answer(api, [{ confirm: 'Remove' }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.removeConnection', ID), true);
      assert.match(q.asked[0].detail ?? '', /ends its own session on the server/);
      const ended = seen.find((r) => r.method === 'DELETE' && /\/current-api-session$/.test(r.path));
      assert.ok(ended, `no DELETE /current-api-session: ${JSON.stringify(seen.map((r) => `${r.method} ${r.path}`))}`);
      assert.strictEqual(ended.ztSession, token);
      assert.ok(ended.status !== undefined && ended.status < 300, `the controller answered ${ended.status}`);
      assert.ok(!seen.some((r) => r.method === 'POST' && /\/authenticate/.test(r.path)), `no sign-in just to sign out: ${JSON.stringify(seen.map((r) => `${r.method} ${r.path} ${r.status} ${r.ztSession === token}`))}`);
      assert.strictEqual(api.store.get(ID), undefined);
      assert.strictEqual(await api.secrets.get(`sessionManager.connection.${ID}.secrets`), undefined);
    });

    it('Remove does not send a stored token bound to another server', async () => {
      await api.store.save({ id: ID, backend: 'ziti', label: 'Bound controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' });
      await api.secrets.store(
        `sessionManager.connection.${ID}.secrets`,
        JSON.stringify({ token: 'token-of-another-controller', binding: { backend: 'ziti', origins: ['https://elsewhere.example:1280'], method: 'password', username: 'admin' } }),
      );
      const seen = requestLog(sb.state.ziti);
      answer(api, [{ confirm: 'Remove' }]);
      assert.strictEqual(await vscode.commands.executeCommand('sessionManager.removeConnection', ID), true);
      assert.ok(!seen.some((r) => r.ztSession === 'token-of-another-controller'), JSON.stringify(seen));
      assert.strictEqual(api.store.get(ID), undefined);
    });
  });

  it('an http:// address is accepted only after a warning that credentials travel unencrypted, which stays on the row', async () => {
    const a = sb.details.aptible;
    const q = answer(api, [
      { pick: 'Aptible' },
      { pick: 'Custom URLs…' },
      { input: sb.urls.aptible },
      { input: sb.urls.aptible },
      { pick: 'Change the address' },
      { input: sb.urls.aptible },
      { pick: 'Use http:// anyway' },
      { input: 'Plain Aptible' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: a.credentials.email },
      { input: a.credentials.password },
    ]);
    const record = (await vscode.commands.executeCommand('sessionManager.addConnection')) as { id: string } | undefined;
    assert.ok(record, JSON.stringify(api.recentErrors.slice(-1)));
    assert.strictEqual(q.remaining, 0);
    const warnings = q.asked.filter((x) => x.kind === 'pick' && /credentials travel unencrypted/.test(x.text));
    assert.strictEqual(warnings.length, 2, 'asked each time an http:// address was entered');
    assert.ok(warnings[0].text.includes(sb.urls.aptible), 'the warning names the address');
    const row = await (await connectionNode(api, 'Plain Aptible')).getTreeItem();
    assert.match(String(row.description), /credentials travel unencrypted/);
    assert.match((row.tooltip as vscode.MarkdownString).value, /credentials travel unencrypted/);
  });
});
