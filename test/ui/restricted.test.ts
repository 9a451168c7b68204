/// <reference lib="dom" />
// The manifest declares `capabilities.untrustedWorkspaces: { supported: true }`: Session Manager must run in a window
// whose folder is not trusted (Restricted Mode). The other UI suites run with workspace trust off, so this one keeps
// it on and checks the window really is restricted before it checks the extension.
//
// VS Code exempts an extension loaded through extensionDevelopmentPath from the trust requirement (it loads even with
// `supported: false`), so only the packaged .vsix, installed as a user installs it, proves the manifest: that suite
// packages the current build (`npm run package`) first.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../host/util';
import { openSession, openSessionManager, runFromPalette, screenshot, UiSession } from './workbench';

function packageVsix(): string {
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
    if (r.status !== 0) {
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    }
  };
  fs.rmSync(path.join(REPO_ROOT, 'dist-vsix', 'session-manager.vsix'), { force: true });
  run('npm', ['run', 'package']);
  // vsce ran the production build into dist/: put the development build (with source maps) back for the other suites.
  run(process.execPath, ['esbuild.js']);
  const vsix = path.join(REPO_ROOT, 'dist-vsix', 'session-manager.vsix');
  if (!fs.existsSync(vsix)) {
    throw new Error(`npm run package did not write ${vsix}`);
  }
  return vsix;
}

for (const mode of ['packaged .vsix', 'extension under development'] as const) {
  const tag = mode === 'packaged .vsix' ? 'vsix' : 'dev';

  describe(`workbench UI: Restricted Mode (untrusted workspace), ${mode}`, function () {
    this.timeout(240_000);
    let s: UiSession;

    before(async () => {
      s = await openSession({ label: `ui-restricted-${tag}`, workspaceTrust: true, vsix: tag === 'vsix' ? packageVsix() : undefined });
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && s) {
        await screenshot(s.page, `failed-restricted-${tag}-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
      }
    });

    after(async () => {
      if (s) {
        await s.close();
      }
    });

    it('opens the folder in Restricted Mode', async () => {
      const page = s.page;
      await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await page.locator('.part.banner', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      if (tag === 'vsix') {
        // Installed as a user installs it, not loaded for development: a missing view later means disabled, not absent.
        const installed = fs.readdirSync(s.server.extensionsDir).filter((d) => /session-manager/i.test(d));
        assert.strictEqual(installed.length, 1, `installed extensions: ${fs.readdirSync(s.server.extensionsDir).join(', ')}`);
        assert.ok(!(await page.title()).includes('Extension Development Host'), await page.title());
      }
    });

    it('shows the Session Manager container with its views and their welcome content', async () => {
      const page = s.page;
      await openSessionManager(page);
      for (const name of ['Environments', 'Sessions', 'Enrollments']) {
        const header = page.locator(`.pane-header[aria-label^="${name}"]`).first();
        await header.waitFor({ state: 'visible' });
        if ((await header.getAttribute('aria-expanded')) === 'false') {
          await header.click();
        }
      }
      await page.waitForFunction(
        () => {
          const text = Array.from(document.querySelectorAll('.welcome-view-content')).map((e) => (e as HTMLElement).innerText).join('\n');
          return text.includes('No connections yet') && text.includes('Sessions from every signed-in connection');
        },
        undefined,
        { timeout: 30_000 },
      );
      const buttons = page.locator('.welcome-view-content .monaco-button', { hasText: 'Add Connection' });
      assert.ok((await buttons.count()) >= 1, 'the Environments view offers Add Connection');
      await screenshot(page, `restricted-${tag}-views`);
    });

    it('activates the extension: Show Logs from the Command Palette reveals its log', async () => {
      const page = s.page;
      await runFromPalette(page, 'Session Manager: Show Logs');
      await page.locator('.part.panel').waitFor({ state: 'visible', timeout: 30_000 });
      await page.waitForFunction(
        () => {
          const text = document.querySelector('.part.panel')?.textContent ?? '';
          return text.includes('Session Manager') && text.includes('activated');
        },
        undefined,
        { timeout: 30_000 },
      );
      // Still restricted after the extension ran: nothing trusted the folder on the way.
      assert.ok(await page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first().isVisible(), 'the window left Restricted Mode');
      await screenshot(page, `restricted-${tag}-show-logs`);
    });
  });
}
