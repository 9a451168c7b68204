import * as assert from 'assert';
import * as vscode from 'vscode';
import { testingApi } from './helpers';

describe('views and first commands', () => {
  it('each of the three views has a tree provider with no roots while there are no connections', async () => {
    const api = await testingApi();
    assert.deepStrictEqual(Object.keys(api.views.providers).sort(), ['enrollments', 'environments', 'sessions']);
    for (const [key, provider] of Object.entries(api.views.providers)) {
      const children = await provider.getChildren();
      assert.deepStrictEqual(children, [], `${key} should be empty so its welcome content shows`);
      assert.strictEqual(provider.viewId, `sessionManager.${key}`);
    }
  });

  it('showLogs reveals the Session Manager log channel', async () => {
    await testingApi();
    // The Output panel's editor shows a channel as a document of the `output` scheme named after the channel.
    const shownChannel = (): string | undefined =>
      vscode.window.visibleTextEditors.map((e) => e.document.uri).find((u) => u.scheme === 'output' && /Session Manager/.test(decodeURIComponent(u.toString())))?.toString();
    await vscode.commands.executeCommand('workbench.action.closePanel');
    for (let i = 0; i < 40 && shownChannel(); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.strictEqual(shownChannel(), undefined, 'the log is not shown before the command');
    await vscode.commands.executeCommand('sessionManager.showLogs');
    for (let i = 0; i < 100 && !shownChannel(); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const shown = vscode.window.visibleTextEditors.map((e) => `${e.document.uri.toString()}`);
    assert.ok(shownChannel(), `the Session Manager channel is not in the visible editors: ${shown.join(', ')}`);
  });

  it('refresh fires a change event on every view', async () => {
    const api = await testingApi();
    const fired: string[] = [];
    const subs = Object.entries(api.views.providers).map(([key, p]) => p.onDidChangeTreeData(() => fired.push(key)));
    try {
      const result = await vscode.commands.executeCommand('sessionManager.refresh');
      assert.strictEqual(result, true);
    } finally {
      subs.forEach((s) => s.dispose());
    }
    assert.deepStrictEqual(fired.sort(), ['enrollments', 'environments', 'sessions']);
  });

  it('the log channel redacts secrets it is told about and secret-looking pairs', async () => {
    const api = await testingApi();
    const lines: string[] = [];
    const original = api.log.channel.info.bind(api.log.channel);
    api.log.channel.info = (m: string) => {
      lines.push(m);
      original(m);
    };
    try {
      api.log.addSecret('s3cr3t-value-123');
      api.log.info('signing in with password=hunter22 and token s3cr3t-value-123');
    } finally {
      api.log.channel.info = original;
    }
    assert.strictEqual(lines.length, 1);
    assert.ok(!lines[0].includes('hunter22') && !lines[0].includes('s3cr3t-value-123'), lines[0]);
  });
});

describe('SecretStorage', () => {
  it('stores, reads, reports changes and deletes a real secret', async () => {
    const api = await testingApi();
    const key = `sessionManager.test.${Date.now()}`;
    const changed: string[] = [];
    const sub = api.secrets.onDidChange((e) => changed.push(e.key));
    try {
      await api.secrets.store(key, 'value-1');
      assert.strictEqual(await api.secrets.get(key), 'value-1');
      await api.secrets.store(key, 'value-2');
      assert.strictEqual(await api.secrets.get(key), 'value-2');
      await api.secrets.delete(key);
      assert.strictEqual(await api.secrets.get(key), undefined);
      // Change events arrive asynchronously.
      for (let i = 0; i < 20 && changed.filter((k) => k === key).length < 3; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(changed.filter((k) => k === key).length >= 2, `change events: ${changed.join(', ')}`);
    } finally {
      sub.dispose();
      await api.secrets.delete(key);
    }
  });
});
