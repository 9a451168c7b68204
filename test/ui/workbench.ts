// Shared fixture for the UI layer: one code-server with the extension under development, one Chromium page.
import * as path from 'path';
import type { Page } from 'playwright-core';
import { CodeServer, openWorkbench, startCodeServer, Workbench } from '../host/codeServer';
import { outputDir, REPO_ROOT } from '../host/util';

export interface UiSession {
  server: CodeServer;
  workbench: Workbench;
  page: Page;
  close(): Promise<void>;
}

export async function openSession(opts: { colorScheme?: 'light' | 'dark'; settings?: Record<string, unknown>; label?: string } = {}): Promise<UiSession> {
  const theme = opts.colorScheme === 'light' ? 'Default Light Modern' : 'Default Dark Modern';
  const server = await startCodeServer({ label: opts.label ?? 'ui', settings: { 'workbench.colorTheme': theme, ...opts.settings } });
  try {
    const workbench = await openWorkbench(server, server.url({ extensionDevelopmentPath: REPO_ROOT }), { colorScheme: opts.colorScheme });
    return {
      server,
      workbench,
      page: workbench.page,
      async close() {
        await workbench.close();
        await server.stop();
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(outputDir('screenshots'), `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a command through the Command Palette, typing into the quick input's own <input>. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await input.press('Enter');
}

/** Opens the Session Manager view container from the activity bar. */
export async function openSessionManager(page: Page): Promise<void> {
  const item = page.locator('.activitybar .action-item a[aria-label^="Session Manager"], .activitybar .action-label[aria-label^="Session Manager"]').first();
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  const pane = page.locator('.pane-header[aria-label^="Environments"]');
  if (!(await pane.isVisible())) {
    await item.click();
  }
  await pane.first().waitFor({ state: 'visible', timeout: 30_000 });
}
