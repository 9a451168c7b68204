/// <reference lib="dom" />
import * as assert from 'assert';
import { openSession, openSessionManager, runFromPalette, screenshot, UiSession } from './workbench';

describe('workbench UI: foundation', function () {
  this.timeout(240_000);
  let s: UiSession;

  before(async () => {
    s = await openSession({ label: 'ui-foundation' });
  });

  after(async () => {
    if (s) {
      await s.close();
    }
  });

  it('shows the Session Manager container with its three views and their welcome content', async () => {
    const page = s.page;
    await openSessionManager(page);
    for (const name of ['Environments', 'Sessions', 'Enrollments']) {
      const header = page.locator(`.pane-header[aria-label^="${name}"]`).first();
      await header.waitFor({ state: 'visible' });
      if ((await header.getAttribute('aria-expanded')) === 'false') {
        await header.click();
      }
    }
    const welcome = page.locator('.welcome-view-content');
    // The welcome content renders (and re-renders after a layout change) a moment after the panes: wait for its text.
    await page.waitForFunction(
      () => {
        const text = Array.from(document.querySelectorAll('.welcome-view-content')).map((e) => (e as HTMLElement).innerText).join('\n');
        return text.includes('No connections yet') && text.includes('Sessions from every signed-in connection') && text.includes('Outstanding OpenZiti enrollments');
      },
      undefined,
      { timeout: 30_000 },
    );
    const texts = await welcome.allInnerTexts();
    assert.ok(texts.some((t) => t.includes('No connections yet') && t.includes('environments')), texts.join('\n---\n'));
    assert.ok(texts.some((t) => t.includes('Sessions from every signed-in connection')), texts.join('\n---\n'));
    assert.ok(texts.some((t) => t.includes('Outstanding OpenZiti enrollments')), texts.join('\n---\n'));
    const buttons = page.locator('.welcome-view-content a.monaco-button, .welcome-view-content .monaco-button', { hasText: 'Add Connection' });
    assert.ok((await buttons.count()) >= 3, 'each view offers an Add Connection button');
    // A picture for people; what is asserted is the DOM above, not the file.
    await screenshot(page, 'foundation-views');
  });

  it('runs Show Logs from the Command Palette and reveals the Session Manager log', async () => {
    const page = s.page;
    await runFromPalette(page, 'Session Manager: Show Logs');
    const panel = page.locator('.part.panel');
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(
      () => {
        const text = document.querySelector('.part.panel')?.textContent ?? '';
        return text.includes('Session Manager') && text.includes('activated');
      },
      undefined,
      { timeout: 30_000 },
    );
    await screenshot(page, 'foundation-show-logs');
  });
});
