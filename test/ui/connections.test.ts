/// <reference lib="dom" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Sandbox } from '../sandbox/server';
import { addPingOneViaPalette, addZitiControllerViaPalette, answerModal, answerQuickInput, expandRow, openSessionManager, runFromPalette, screenshot, setPaneExpanded, treeRow, UiSession, useUiSession, waitForRowText } from './workbench';

/** Every file under a folder that contains `needle` (as UTF-8 or UTF-16LE text). */
function filesContaining(root: string, needle: string): string[] {
  const hits: string[] = [];
  const utf8 = Buffer.from(needle, 'utf8');
  const utf16 = Buffer.from(needle, 'utf16le');
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(full);
      } else if (e.isFile()) {
        try {
          const buf = fs.readFileSync(full);
          if (buf.includes(utf8) || buf.includes(utf16)) {
            hits.push(full);
          }
        } catch {
          // sockets, files removed while reading
        }
      }
    }
  };
  walk(root);
  return hits;
}

describe('workbench UI: connections', function () {
  this.timeout(300_000);
  let s: UiSession;
  let sb: Sandbox;
  const ui = useUiSession('ui-connections');

  before(() => {
    s = ui.session();
    sb = ui.sandbox();
  });

  it('adds a sandbox OpenZiti controller through the palette wizard, trusts its CA and signs in', async () => {
    const page = s.page;
    await openSessionManager(page);
    const prompt = await addZitiControllerViaPalette(page, sb.urls.ziti, 'Sandbox controller', () => screenshot(page, 'connections-trust-prompt').catch(() => undefined));
    assert.ok(prompt.replace(/:/g, '').toLowerCase().includes(sb.ca.sha256Fingerprint.replace(/:/g, '').toLowerCase()), `the modal shows the CA fingerprint:\n${prompt}`);
    await waitForRowText(page, 'Sandbox controller', /signed in as/);
  });

  it('adds PingOne, Aptible and Cohesity the same way and shows all four backends', async () => {
    const page = s.page;
    // Give the Environments view the whole height for this scenario and its screenshot.
    await setPaneExpanded(page, 'Sessions', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await addPingOneViaPalette(page, sb, 'Ping sandbox', { production: true, clientAuth: 'post' });
    await treeRow(page, 'Ping sandbox').waitFor({ state: 'visible', timeout: 30_000 });

    const a = sb.details.aptible;
    await runFromPalette(page, 'Session Manager: Add Connection…');
    await answerQuickInput(page, 'Which kind of backend?', 'Aptible');
    await answerQuickInput(page, 'Which Aptible?', 'Custom URLs');
    await answerQuickInput(page, 'Aptible auth URL', sb.urls.aptible);
    await answerQuickInput(page, 'Aptible API URL', sb.urls.aptible);
    await answerQuickInput(page, 'credentials travel unencrypted', 'Use http:// anyway');
    await answerQuickInput(page, 'A name for this connection', 'Aptible sandbox');
    await answerQuickInput(page, 'Is this a production system?', 'Not production');
    await answerQuickInput(page, 'How do you sign in?', 'Username and password');
    await answerQuickInput(page, 'Email', a.credentials.email);
    await answerQuickInput(page, 'Password for', a.credentials.password);
    await treeRow(page, 'Aptible sandbox').waitFor({ state: 'visible', timeout: 30_000 });

    const c = sb.details.cohesity;
    await runFromPalette(page, 'Session Manager: Add Connection…');
    await answerQuickInput(page, 'Which kind of backend?', 'Cohesity');
    await answerQuickInput(page, 'Cluster address', sb.urls.cohesity);
    await answerModal(page, /not trusted/, 'Trust');
    await answerQuickInput(page, 'A name for this connection', 'Cohesity sandbox');
    await answerQuickInput(page, 'Is this a production system?', 'Not production');
    await answerQuickInput(page, 'How do you sign in?', 'Username and password');
    await answerQuickInput(page, 'Username', c.credentials.username);
    await answerQuickInput(page, 'Password for', c.credentials.password);
    await answerQuickInput(page, 'Domain', 'LOCAL');
    await treeRow(page, 'Cohesity sandbox').waitFor({ state: 'visible', timeout: 30_000 });

    for (const label of ['Sandbox controller', 'Ping sandbox', 'Aptible sandbox', 'Cohesity sandbox']) {
      await expandRow(page, label);
    }
    const cluster = (sb.state.cohesity.state as { cluster: { name: string } }).cluster.name;
    for (const label of ['OpenZiti', 'PingOne', 'Aptible', 'Cohesity', 'Customers Prod', cluster, new URL(sb.urls.ziti).host]) {
      await treeRow(page, label).waitFor({ state: 'visible', timeout: 30_000 });
    }
    // A picture for people; what is asserted is the rows above, not the file.
    await screenshot(page, 'connections-environments');
  });

  it('checks the address as it goes: an unreachable URL stays on its step (2/7) with the reason, then a second connection trusts the CA with one click', async () => {
    const page = s.page;
    const widget = page.locator('.quick-input-widget');
    await runFromPalette(page, 'Session Manager: Add Connection…');
    await answerQuickInput(page, 'Which kind of backend?', 'OpenZiti');
    await answerQuickInput(page, 'Controller URL', 'https://127.0.0.1:9');
    const stepText = async (): Promise<string> => widget.evaluate((el) => `${el.querySelector('.quick-input-title')?.textContent ?? ''} | ${(el.querySelector('input.input') as HTMLInputElement | null)?.placeholder ?? ''}`);
    const deadline = Date.now() + 30_000;
    while (!/cannot reach/.test(await stepText()) && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    const failed = await stepText();
    assert.match(failed, /Add Connection.*\(2\/7\)/, `the failure stays on the URL step, of 7: ${failed}`);
    assert.match(failed, /cannot reach https:\/\/127\.0\.0\.1:9/);
    await screenshot(page, 'connections-unreachable-url');
    await answerQuickInput(page, 'cannot reach', 'Change the address');
    await answerQuickInput(page, 'Controller URL', sb.urls.ziti);
    const prompt = await answerModal(page, /already trusts/, 'Trust');
    assert.match(prompt, /Sandbox controller already trusts this certificate/);
    await answerQuickInput(page, 'A name for this connection', 'Second controller');
    await answerQuickInput(page, 'Is this a production system?', 'Not production');
    await answerQuickInput(page, 'How do you sign in?', 'Username and password');
    await answerQuickInput(page, 'Username', 'admin');
    await answerQuickInput(page, 'Password for admin', 'ziti-sandbox-admin');
    await waitForRowText(page, 'Second controller', /signed in as/);
  });

  it('left no secret in clear in the user-data folder, logs, settings or browser storage', async () => {
    const zitiState = sb.state.ziti.state as { data: { apiSessions: Map<string, { token: string; interactive?: boolean }> } };
    const issued = [...zitiState.data.apiSessions.values()].filter((x) => x.interactive).map((x) => x.token);
    assert.ok(issued.length > 0, 'the scenario signed in to OpenZiti');
    const secrets = [
      'ziti-sandbox-admin',
      sb.details.pingone.credentials.postClientSecret,
      sb.details.aptible.credentials.password,
      sb.details.cohesity.credentials.password,
      ...issued,
    ];
    const roots = [s.server.userDataDir, s.workbench.profileDir];
    // Canaries: what must be on disk in clear, so the scan can see those stores (log file, globalState).
    assert.ok(roots.some((r) => filesContaining(r, 'Session Manager 0.1.0 activated').length > 0), 'the extension log is readable');
    assert.ok(roots.some((r) => filesContaining(r, 'Sandbox controller').length > 0), 'the connection records (globalState) are readable');
    for (const secret of secrets) {
      for (const root of roots) {
        assert.deepStrictEqual(filesContaining(root, secret), [], `a secret was found in clear under ${root}`);
      }
    }
  });
});
