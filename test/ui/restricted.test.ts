/// <reference lib="dom" />
// The manifest declares `capabilities.untrustedWorkspaces: { supported: true }`: Session Manager must run in a window
// whose folder is not trusted (Restricted Mode). The other UI suites run with workspace trust off, so this one keeps
// it on and checks the window really is restricted before it checks the extension.
import * as assert from 'assert';
import { openSession, openSessionManager, runFromPalette, screenshot, UiSession } from './workbench';

describe('workbench UI: Restricted Mode (untrusted workspace)', function () {
  this.timeout(240_000);
  let s: UiSession;

  before(async () => {
    s = await openSession({ label: 'ui-restricted', workspaceTrust: true });
  });

  after(async () => {
    if (s) {
      await s.close();
    }
  });

  it('opens the folder in Restricted Mode', async () => {
    const page = s.page;
    const status = page.locator('.part.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first();
    await status.waitFor({ state: 'visible', timeout: 30_000 });
    const banner = page.locator('.part.banner', { hasText: 'Restricted Mode' }).first();
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
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
    await screenshot(page, 'restricted-views');
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
    await screenshot(page, 'restricted-show-logs');
  });
});
