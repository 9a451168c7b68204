import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, Sandbox } from '../sandbox/server';
import type { SandboxRequest } from '../sandbox/types';
import { MFA_CODE, MFA_PASSWORD, MFA_USERNAME } from '../sandbox/ziti';
import { testingApi } from './helpers';
import { Answer, QueuedInput } from './queuedInput';

async function labels(nodes: TreeNode[]): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => String((await n.getTreeItem()).label)));
}

async function childrenOf(api: TestingApi, node?: TreeNode): Promise<TreeNode[]> {
  return api.views.providers.environments.getChildren(node);
}

async function findChild(api: TestingApi, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const kids = await childrenOf(api, parent);
  const names = await labels(kids);
  const i = names.indexOf(label);
  assert.ok(i >= 0, `no "${label}" among [${names.join(', ')}]`);
  return kids[i];
}

export async function removeAllConnections(api: TestingApi): Promise<void> {
  for (const c of api.store.list().filter((x) => x.source === 'user')) {
    await api.store.remove(c.id);
    api.manager.forget(c.id);
  }
}

function answerWith(api: TestingApi, answers: Answer[]): QueuedInput {
  const q = new QueuedInput(answers, api.BACK);
  api.setUserInput(q);
  return q;
}

/** The wizard's questions for a sandbox controller; the CA is trusted right after the URL (`trust`: that modal's answer). */
export function zitiAnswers(sb: Sandbox, label: string, password = 'ziti-sandbox-admin', trust: Answer[] = [{ confirm: 'Trust' }]): Answer[] {
  return [
    { pick: 'OpenZiti' },
    { input: sb.urls.ziti },
    ...trust,
    { input: label },
    { pick: 'Not production' },
    { pick: 'Username and password' },
    { input: 'admin' },
    { input: password },
  ];
}

describe('connections: OpenZiti against the sandbox', function () {
  this.timeout(60_000);
  let api: TestingApi;
  let sb: Sandbox;

  before(async () => {
    api = await testingApi();
    sb = await start({ backends: ['ziti'] });
    await removeAllConnections(api);
  });

  after(async () => {
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await sb.stop();
  });

  it('adds a controller through the command: wizard, untrusted CA, trust, sign-in test, saved', async () => {
    const q = answerWith(api, zitiAnswers(sb, 'Sandbox controller'));
    const record = (await vscode.commands.executeCommand('sessionManager.addConnection')) as { id: string; label: string } | undefined;
    assert.ok(record, `the command returned nothing; errors: ${JSON.stringify(api.recentErrors.slice(-2))}`);
    assert.strictEqual(q.remaining, 0);
    const trust = q.asked.find((a) => a.kind === 'confirm');
    assert.ok(trust && /not trusted/.test(trust.text) && trust.detail?.includes('SHA-256'), 'the trust prompt shows the fingerprint');
    assert.ok(trust.detail?.replace(/:/g, '').toLowerCase().includes(sb.ca.sha256Fingerprint.replace(/:/g, '').toLowerCase()), 'the fingerprint is the sandbox CA');
    const saved = api.store.get(record.id);
    assert.ok(saved);
    assert.strictEqual(saved.tls?.trustedCertificates?.length, 1);
    assert.ok(!JSON.stringify(api.store.list()).includes('ziti-sandbox-admin'), 'no password in the stored record');
    const secrets = await api.store.getSecrets(record.id);
    assert.strictEqual(secrets.password, 'ziti-sandbox-admin');
    assert.ok(secrets.token, 'the zt-session token is kept in SecretStorage');
    assert.ok((await api.secrets.get(`sessionManager.connection.${record.id}.secrets`))?.includes('ziti-sandbox-admin'));
  });

  it('lists the four backends, the connection with its state, and the controller as its environment', async () => {
    const roots = await childrenOf(api);
    assert.deepStrictEqual(await labels(roots), ['OpenZiti', 'PingOne', 'Aptible', 'Cohesity']);
    const conn = await findChild(api, roots[0], 'Sandbox controller');
    const envs = await childrenOf(api, conn);
    assert.deepStrictEqual(await labels(envs), [new URL(sb.urls.ziti).host]);
    const item = await conn.getTreeItem();
    assert.match(String(item.description), /signed in as .+/);
    assert.match(String(item.contextValue), /^connection;.*canSignOut/);
    assert.strictEqual(item.id, `conn/${api.store.list()[0].id}`, 'ids include the connection id');
  });

  it('re-authenticates silently when every token expires', async () => {
    const q = answerWith(api, []);
    sb.faults.set('ziti', { expireTokens: true });
    sb.faults.clear('ziti');
    const conn = await findChild(api, (await childrenOf(api))[0], 'Sandbox controller');
    const envs = await childrenOf(api, conn);
    assert.deepStrictEqual(await labels(envs), [new URL(sb.urls.ziti).host]);
    assert.strictEqual(q.asked.length, 0, 'no prompt');
  });

  it('an MFA connection whose API session expires signs in again and asks for the TOTP code exactly once', async () => {
    // Before the fix the re-login's own MFA requests waited for the re-login itself: the view never loaded.
    const id = 'ziti-mfa';
    await api.store.save(
      { id, backend: 'ziti', label: 'MFA controller', endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: MFA_USERNAME }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' },
      { password: MFA_PASSWORD },
    );
    const within = <T>(p: Promise<T>, what: string): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} hung (re-login deadlock)`)), 20_000);
      });
      return Promise.race([p, hung]).finally(() => clearTimeout(timer));
    };
    const backend = sb.state.ziti;
    const original = backend.handle;
    let mfaAnswers = 0;
    backend.handle = (req: SandboxRequest) => {
      if (req.method === 'POST' && /\/authenticate\/mfa$/.test(req.path)) {
        mfaAnswers++;
      }
      return original.call(backend, req);
    };
    try {
      let q = answerWith(api, [{ input: MFA_CODE }]);
      let conn = await findChild(api, (await childrenOf(api))[0], 'MFA controller');
      assert.deepStrictEqual(await labels(await within(childrenOf(api, conn), 'the first sign-in')), [new URL(sb.urls.ziti).host]);
      assert.strictEqual(q.asked.length, 1, JSON.stringify(q.asked));
      assert.strictEqual(q.remaining, 0);

      q = answerWith(api, [{ input: MFA_CODE }]);
      const answersBefore = mfaAnswers;
      sb.faults.set('ziti', { expireTokens: true });
      sb.faults.clear('ziti');
      conn = await findChild(api, (await childrenOf(api))[0], 'MFA controller');
      const envs = await within(childrenOf(api, conn), 'the first call after the expiry');
      assert.deepStrictEqual(await labels(envs), [new URL(sb.urls.ziti).host], 'the controller is listed again, not an error');
      assert.strictEqual(q.asked.length, 1, `the code is asked exactly once: ${JSON.stringify(q.asked)}`);
      assert.strictEqual(q.asked[0].kind, 'input');
      assert.match(q.asked[0].title, /MFA controller: multi-factor authentication/);
      assert.strictEqual(q.remaining, 0);
      assert.strictEqual(mfaAnswers - answersBefore, 1, 'one MFA answer sent');
      assert.strictEqual(api.manager.state(id).kind, 'signedIn');
    } finally {
      backend.handle = original;
      api.setUserInput(undefined);
      await api.store.remove(id);
      api.manager.forget(id);
    }
  });

  it('shows a sandbox fault as an error node in that connection only', async () => {
    // A second connection to an address where nothing listens.
    const id = 'ziti-unreachable';
    await api.store.save(
      { id, backend: 'ziti', label: 'Gone controller', endpoints: { url: 'https://127.0.0.1:9' }, auth: { method: 'password', username: 'admin' }, source: 'user' },
      { password: 'x-password' },
    );
    sb.faults.set('ziti', { mode: 'html-502', pathRegex: 'current-api-session' });
    try {
      const zitiNode = (await childrenOf(api))[0];
      const good = await findChild(api, zitiNode, 'Sandbox controller');
      const gone = await findChild(api, zitiNode, 'Gone controller');
      const [goodKids, goneKids] = await Promise.all([childrenOf(api, good), childrenOf(api, gone)]);
      const goneItem = await goneKids[0].getTreeItem();
      assert.match(String(goneItem.label), /cannot reach https:\/\/127\.0\.0\.1:9/);
      assert.match(String(goneItem.contextValue), /^error;canRetry/);
      const goodItem = await goodKids[0].getTreeItem();
      assert.match(String(goodItem.label), /HTML page/);
      assert.strictEqual(api.manager.state(id).kind, 'unreachable');
      sb.faults.clear('ziti');
      const healed = await childrenOf(api, good);
      assert.deepStrictEqual(await labels(healed), [new URL(sb.urls.ziti).host], 'the other connection is intact once the fault is gone');
    } finally {
      sb.faults.clear('ziti');
      await api.store.remove(id);
    }
  });

  it('Back returns to the previous step; a wrong password is shown on the password step and, cancelled there, saves nothing', async () => {
    const before = api.store.list().length;
    const q = answerWith(api, [
      { pick: 'OpenZiti' },
      { input: 'not a url' },
      { input: sb.urls.ziti },
      { confirm: 'Trust' },
      { back: true },
      { input: sb.urls.ziti },
      { input: 'Wrong password' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: 'admin' },
      { input: 'wrong-password-42' },
      { cancel: true }, // Escape on the failure
    ]);
    const errorsBefore = api.recentErrors.length;
    const result = await vscode.commands.executeCommand('sessionManager.addConnection');
    assert.strictEqual(result, undefined);
    assert.strictEqual(q.remaining, 0);
    const urlPrompts = q.asked.filter((a) => a.kind === 'input' && /Controller URL/.test(a.text));
    assert.strictEqual(urlPrompts.length, 3, 'the URL was asked again after Back');
    assert.match(urlPrompts[0].validation ?? '', /not a URL/);
    assert.strictEqual(urlPrompts[2].value, sb.urls.ziti, 'the URL typed before Back is offered again');
    const failure = q.asked[q.asked.length - 1];
    assert.strictEqual(failure.kind, 'pick');
    assert.match(failure.text, /401/);
    assert.ok(!failure.text.includes('wrong-password-42'));
    assert.strictEqual(api.recentErrors.length, errorsBefore, 'no late "was not saved" error');
    assert.strictEqual(api.store.list().length, before);
  });

  it('opens the details of a connection as a read-only document without secrets', async () => {
    const conn = await findChild(api, (await childrenOf(api))[0], 'Sandbox controller');
    assert.ok(await vscode.commands.executeCommand('sessionManager.showDetails', conn));
    const editor = vscode.window.activeTextEditor;
    const doc = editor?.document;
    assert.ok(editor && doc);
    assert.strictEqual(doc.uri.scheme, 'session-manager-details');
    const text = doc.getText();
    assert.match(text, /"label": "Sandbox controller"/);
    assert.ok(!text.includes('ziti-sandbox-admin') && !text.includes('BEGIN CERTIFICATE'));
    // Read-only: typing into the editor (what a person does; the `type` command honours the editor's read-only
    // state, unlike TextEditor.edit) leaves the document as it was.
    await vscode.commands.executeCommand('type', { text: 'tampered' });
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'still the details editor');
    assert.strictEqual(doc.getText(), text, 'typing changed the details document');
    assert.strictEqual(doc.isDirty, false);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // Control: the same typing does change a writable document, so the check above can fail.
    const scratch = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: '' }));
    await vscode.commands.executeCommand('type', { text: 'tampered' });
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(scratch.document.getText(), 'tampered');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('signs out (ending the API session) and removes the connection with its secrets', async () => {
    const record = api.store.list().find((c) => c.label === 'Sandbox controller');
    assert.ok(record);
    const message = await vscode.commands.executeCommand('sessionManager.signOut', record.id);
    assert.match(String(message), /ended on the controller/);
    assert.strictEqual(api.manager.state(record.id).kind, 'signedOut');
    const q = answerWith(api, [{ confirm: 'Remove' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.removeConnection', record.id), true);
    assert.match(q.asked[0].text, /Remove the OpenZiti connection "Sandbox controller"/);
    assert.strictEqual(api.store.get(record.id), undefined);
    assert.strictEqual(await api.secrets.get(`sessionManager.connection.${record.id}.secrets`), undefined);
    assert.deepStrictEqual(await childrenOf(api), [], 'no connections: the welcome content shows again');
  });
});
