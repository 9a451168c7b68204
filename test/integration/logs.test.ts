// What the Session Manager log says about connections and revokes (issue 11, item 12): a failed Add Connection
// once; sign-ins, sign-outs and trust decisions; revokes named so that two same-named sessions differ, without
// session ids (README, Privacy: logs never contain session ids).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { start, Sandbox } from '../sandbox/server';
import type { ZitiState } from '../sandbox/ziti';
import { ADMIN_PASSWORD } from '../sandbox/ziti';
import { testingApi } from './helpers';
import { Answer, QueuedInput } from './queuedInput';
import { removeAllConnections } from './connections.test';

type Level = 'info' | 'warn' | 'error';

describe('the Session Manager log', function () {
  this.timeout(120_000);
  let api: TestingApi;
  let sb: Sandbox;
  const lines: { level: Level; text: string }[] = [];
  const restore: (() => void)[] = [];
  const state = (): ZitiState => sb.state.ziti.state as ZitiState;

  function answer(answers: Answer[]): QueuedInput {
    const q = new QueuedInput(answers, api.BACK);
    api.setUserInput(q);
    return q;
  }
  const logged = (re: RegExp): string[] => lines.filter((l) => re.test(l.text)).map((l) => `${l.level}: ${l.text}`);

  before(async () => {
    api = await testingApi();
    sb = await start({ backends: ['ziti'] });
    await removeAllConnections(api);
    const channel = api.log.channel as unknown as Record<Level, (m: string) => void>;
    for (const level of ['info', 'warn', 'error'] as const) {
      const original = channel[level].bind(channel);
      channel[level] = (m: string) => {
        lines.push({ level, text: m });
        original(m);
      };
      restore.push(() => (channel[level] = original));
    }
  });

  after(async () => {
    restore.forEach((r) => r());
    api.setUserInput(undefined);
    await removeAllConnections(api);
    await sb.stop();
  });

  it('a failed Add Connection is logged once; the trust decision is logged with the fingerprint', async () => {
    const q = answer([
      { pick: 'OpenZiti' },
      { input: sb.urls.ziti },
      { confirm: 'Trust' },
      { input: 'Log check' },
      { pick: 'Not production' },
      { pick: 'Username and password' },
      { input: 'admin' },
      { input: 'wrong-password-log' },
      { cancel: true }, // the wizard stays on the failed step; the person gives up
    ]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.addConnection'), undefined);
    assert.strictEqual(q.remaining, 0);
    const failures = logged(/Log check/);
    assert.strictEqual(failures.length, 1, failures.join('\n'));
    assert.match(failures[0], /^warn: Add Connection: signing in to Log check \(OpenZiti\) did not work: .*401/);
    // The certificate is trusted at the address step, before the connection has its name.
    const trusted = logged(/\(OpenZiti\): trusted the certificate/);
    assert.strictEqual(trusted.length, 1, lines.map((l) => l.text).join('\n'));
    assert.ok(trusted[0].includes(`SHA-256 ${sb.ca.sha256Fingerprint}`), trusted[0]);
    assert.ok(!lines.some((l) => l.text.includes('wrong-password-log')));
  });

  it('a declined trust prompt is logged', async () => {
    const record = { id: 'log-untrusted', backend: 'ziti' as const, label: 'Log untrusted', endpoints: { url: sb.urls.ziti }, auth: { method: 'password' as const, username: 'admin' }, source: 'user' as const };
    await api.store.save(record, { password: ADMIN_PASSWORD });
    answer([{ confirm: undefined }]);
    await vscode.commands.executeCommand('sessionManager.trustCertificate', record.id);
    assert.strictEqual(logged(/Log untrusted \(OpenZiti\): the certificate was NOT trusted \(SHA-256 /).length, 1, lines.map((l) => l.text).join('\n'));
    await api.store.remove(record.id);
  });

  it('sign-in, a failed sign-in and sign-out are logged', async () => {
    const base = { backend: 'ziti' as const, endpoints: { url: sb.urls.ziti }, auth: { method: 'password' as const, username: 'admin' }, tls: { trustedCertificates: [sb.ca.pem] }, source: 'user' as const };
    await api.store.save({ ...base, id: 'log-main', label: 'Log controller' }, { password: ADMIN_PASSWORD });
    await api.store.save({ ...base, id: 'log-bad', label: 'Log bad password' }, { password: 'not-the-password' });
    answer([]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.signIn', 'log-main'), true);
    assert.ok(logged(/^Signed in to Log controller \(OpenZiti\): /).length >= 1, lines.map((l) => l.text).join('\n'));
    await vscode.commands.executeCommand('sessionManager.signIn', 'log-bad');
    assert.ok(logged(/^Sign-in to Log bad password \(OpenZiti\) failed: .*401/).length >= 1, lines.map((l) => l.text).join('\n'));
    await vscode.commands.executeCommand('sessionManager.signOut', 'log-main');
    assert.strictEqual(logged(/^Signed out of Log controller: /).length, 1, lines.map((l) => l.text).join('\n'));
    await api.store.remove('log-bad');
  });

  it('revoking two sessions of the same service, type and identity logs two lines that differ, without session ids', async () => {
    await api.manager.signedInClient('log-main');
    const sessions = [...state().data.sessions.values()];
    const [a, b] = sessions;
    // Make b a twin of a in everything a row shows, except when it was created.
    b.serviceId = a.serviceId;
    b.identityId = a.identityId;
    b.type = a.type;
    b.createdAt = a.createdAt + 60_000;
    const provider = api.views.providers.sessions;
    const controller = (await provider.getChildren()).find((n) => n.id === 'ziti/log-main');
    assert.ok(controller);
    const groups = await provider.getChildren(controller);
    const groupLabels = await Promise.all(groups.map(async (g) => String((await g.getTreeItem()).label)));
    const group = groups[groupLabels.indexOf('Sessions')] as TreeNode & { loadAll?(signal?: AbortSignal): Promise<void> };
    assert.ok(group, `no Sessions group among ${groupLabels.join(', ')}`);
    await group.loadAll?.(new AbortController().signal);
    const nodes = (await provider.getChildren(group)).filter((n) => [a.id, b.id].includes((n as unknown as { session?: { id: string } }).session?.id ?? ''));
    assert.strictEqual(nodes.length, 2, 'both twins are listed');
    lines.length = 0;
    answer([{ confirm: 'Revoke 2 Sessions' }]);
    await vscode.commands.executeCommand('sessionManager.revokeSession', nodes[0], nodes);
    const revokes = logged(/^revoke session /);
    assert.strictEqual(revokes.length, 2, revokes.join('\n'));
    assert.notStrictEqual(revokes[0].replace(/: revoked.*$/, ''), revokes[1].replace(/: revoked.*$/, ''), revokes.join('\n'));
    for (const line of lines) {
      assert.ok(!line.text.includes(a.id) && !line.text.includes(b.id), `a session id was logged: ${line.text}`);
    }
  });
});
