/// <reference lib="dom" />
// `npm run try` end to end: the real script (test/try.js) on free ports, its printed output, and the workbench it
// serves opened in Chromium: the four sandbox connections appear and sign in, with no value copied by hand; the only
// clicks are the two trust prompts, whose fingerprints are the ones the script printed.
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeCertificate } from '../../src/http/tls';
import type { CodeServer, Workbench } from '../host/codeServer';
import { openWorkbench } from '../host/codeServer';
import { REPO_ROOT } from '../host/util';
import { answerModal, expandRow, expandServiceSessions, openSessionManager, screenshot, setPaneExpanded, treeRow } from './workbench';

const LABELS = ['Sandbox OpenZiti', 'Sandbox PingOne', 'Sandbox Aptible', 'Sandbox Cohesity'];

describe('npm run try: a workbench with the four sandbox connections signed in', function () {
  this.timeout(300_000);
  let proc: ChildProcess | undefined;
  let output = '';
  let workbench: Workbench | undefined;
  let url = '';

  before(async () => {
    proc = spawn(process.execPath, [path.join(REPO_ROOT, 'test', 'try.js')], {
      cwd: REPO_ROOT,
      env: { ...process.env, SANDBOX_PORT: '0', TRY_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const deadline = Date.now() + 120_000;
    while (!/Press Ctrl\+C to stop/.test(output)) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`npm run try did not come up (exit ${proc.exitCode}):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const m = /^Open (http:\/\/127\.0\.0\.1:(\d+)\/\S+) in a browser/m.exec(output);
    assert.ok(m, `no workbench address in:\n${output}`);
    url = m[1];
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      await screenshot(workbench.page, `failed-try-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async () => {
    await workbench?.close();
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGINT');
      await exited;
    }
  });

  it('prints a CA path of its own and the fingerprint lines of the trust prompt', () => {
    const ca = /Sandbox CA: (\S+)/.exec(output)?.[1];
    assert.ok(ca && fs.existsSync(ca), `no CA file printed:\n${output}`);
    assert.notStrictEqual(ca, '/tmp/session-manager-sandbox-ca.pem');
    const fingerprint = `SHA-256: ${describeCertificate(fs.readFileSync(ca, 'utf8')).sha256Fingerprint}`;
    assert.ok(output.includes(fingerprint), `the CA's prompt line "${fingerprint}" is not printed:\n${output}`);
  });

  it('opens with the four connections added and signed in; the trust prompts show the printed fingerprints', async () => {
    workbench = await openWorkbench({ origin: new URL(url).origin } as CodeServer, url);
    const page = workbench.page;
    await openSessionManager(page);
    // Two trust prompts (OpenZiti's CA, then Cohesity's own certificate): each shows a fingerprint the script printed.
    const printed = [...output.matchAll(/^\s+(SHA-256: [0-9A-F:]+)$/gm)].map((x) => x[1]);
    assert.strictEqual(printed.length, 2, output);
    for (const expected of printed) {
      const prompt = await answerModal(page, /not trusted/, 'Trust');
      assert.ok(prompt.includes(expected), `the prompt does not show "${expected}":\n${prompt}`);
    }
    await setPaneExpanded(page, 'Sessions', false);
    await setPaneExpanded(page, 'Enrollments', false);
    for (const backend of ['OpenZiti', 'PingOne', 'Aptible', 'Cohesity']) {
      await expandRow(page, new RegExp(`^${backend}$`));
    }
    for (const label of LABELS) {
      const row = treeRow(page, label);
      await row.waitFor({ state: 'visible', timeout: 60_000 });
      await row.locator('.codicon-pass').waitFor({ state: 'visible', timeout: 60_000 });
      await expandRow(page, label);
    }
    // Each connection lists what it signed in to (environments, apps, the cluster).
    for (const label of ['OpenZiti', 'PingOne', 'Aptible', 'Cohesity', 'Customers Prod']) {
      await treeRow(page, label).waitFor({ state: 'visible', timeout: 30_000 });
    }
    await screenshot(page, 'try-connections');
    // Ordinary connections: the person can edit or remove them (presets from settings could not).
    await treeRow(page, 'Sandbox Aptible').click({ button: 'right' });
    for (const action of ['Edit Connection…', 'Remove Connection…', 'Sign Out']) {
      await page.locator('.context-view .action-label', { hasText: action }).first().waitFor({ state: 'visible', timeout: 15_000 });
    }
    await page.keyboard.press('Escape');
  });

  it('shows the live sessions of the signed-in controller in the Sessions view', async () => {
    const page = workbench!.page;
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Sessions', true);
    await expandServiceSessions(page, 'Sandbox OpenZiti', 4);
    await screenshot(page, 'try-sessions');
  });

  it('shows the sessions of the other three sandbox connections too: PingOne users, Aptible SSH sessions, Cohesity users', async () => {
    const page = workbench!.page;
    const sessions = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /^Sessions/ }) });
    const row = (label: string | RegExp) => sessions.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
    const expand = async (label: string | RegExp): Promise<void> => {
      const r = row(label);
      await r.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await r.getAttribute('aria-expanded')) === 'false') {
        await r.click();
      }
    };
    // Collapse OpenZiti's long list so the others are in view.
    const ziti = row('Sandbox OpenZiti');
    if ((await ziti.getAttribute('aria-expanded')) === 'true') {
      await ziti.click();
    }
    // PingOne: environments say how many users they hold; a user's sessions list under it.
    await expand('Sandbox PingOne');
    const workforce = row('Workforce EU');
    await workforce.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((el) => /100 of 5,000 users/.test(el?.textContent ?? ''), await workforce.elementHandle(), { timeout: 30_000 });
    await row('Sandbox PingOne').click();
    // Cohesity: the cluster with its session count, then one row per user with sessions.
    await expand('Sandbox Cohesity');
    const cluster = sessions.locator('.monaco-list-row[role=treeitem][aria-level="2"]').filter({ hasText: /\d+ sessions?/ }).first();
    await cluster.waitFor({ state: 'visible', timeout: 30_000 });
    await sessions.locator('.monaco-list-row[role=treeitem][aria-level="3"]').filter({ hasText: /\d+ sessions?/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await row('Sandbox Cohesity').click();
    // Aptible: an account, an app, its SSH sessions (who ran what).
    await expand('Sandbox Aptible');
    const account = sessions.locator('.monaco-list-row[role=treeitem][aria-level="2"]').first();
    await account.waitFor({ state: 'visible', timeout: 30_000 });
    await account.click();
    const app = sessions.locator('.monaco-list-row[role=treeitem][aria-level="3"]').first();
    await app.waitFor({ state: 'visible', timeout: 30_000 });
    await app.click();
    // First the app's Recent SSH operations, then its sessions: "who — command".
    await sessions.locator('.monaco-list-row[role=treeitem][aria-level="4"]').first().filter({ hasText: 'Recent SSH operations' }).waitFor({ state: 'visible', timeout: 30_000 });
    await sessions.locator('.monaco-list-row[role=treeitem][aria-level="4"]').filter({ hasText: / — / }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'try-sessions-all');
  });

  it('stops cleanly on Ctrl+C and removes the files of the run', async () => {
    const ca = /Sandbox CA: (\S+)/.exec(output)![1];
    await workbench?.close();
    workbench = undefined;
    const exited = new Promise<number | null>((r) => proc!.once('exit', (code) => r(code)));
    proc!.kill('SIGINT');
    assert.strictEqual(await exited, 0);
    assert.strictEqual(fs.existsSync(path.dirname(ca)), false);
  });
});
