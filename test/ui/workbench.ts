/// <reference lib="dom" />
// Shared fixture for the UI layer: one code-server with the extension under development, one Chromium page.
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { CodeServer, openWorkbench, startCodeServer, Workbench } from '../host/codeServer';
import { outputDir, REPO_ROOT } from '../host/util';
import { type Sandbox, start, type StartOptions } from '../sandbox/server';

export interface UiSession {
  server: CodeServer;
  workbench: Workbench;
  page: Page;
  close(): Promise<void>;
}

export async function openSession(
  opts: {
    colorScheme?: 'light' | 'dark';
    settings?: Record<string, unknown>;
    label?: string;
    workspaceTrust?: boolean;
    /** Install this packaged .vsix (as a user would) instead of loading the extension under development. */
    vsix?: string;
  } = {},
): Promise<UiSession> {
  const theme = opts.colorScheme === 'light' ? 'Default Light Modern' : 'Default Dark Modern';
  const server = await startCodeServer({
    label: opts.label ?? 'ui',
    settings: { 'workbench.colorTheme': theme, ...opts.settings },
    workspaceTrust: opts.workspaceTrust,
    installVsix: opts.vsix,
  });
  try {
    const url = opts.vsix ? server.url() : server.url({ extensionDevelopmentPath: REPO_ROOT });
    const workbench = await openWorkbench(server, url, { colorScheme: opts.colorScheme });
    return {
      server,
      workbench,
      page: workbench.page,
      async close() {
        await workbench.close();
        // Keep the workbench's logs (the extension's log channel among them) next to the screenshots.
        const logs = path.join(server.userDataDir, 'logs');
        if (fs.existsSync(logs)) {
          fs.cpSync(logs, path.join(outputDir('logs'), opts.label ?? 'ui'), { recursive: true });
        }
        await server.stop();
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/**
 * Call inside a `describe`: before its tests, starts a sandbox (`sandboxOptions`) and opens a UI session (`label`);
 * after each failed test, takes a screenshot named `<failurePrefix><test title>` (calling `beforeFailureShot`
 * first, e.g. to dismiss a menu); after all, closes the session and stops the sandbox. The getters return what was
 * started (from the suite's own `before` hooks on).
 */
export function useUiSession(
  label: string,
  sandboxOptions?: StartOptions,
  failure: { prefix?: string; beforeShot?: (page: Page) => Promise<void> } = {},
): { session: () => UiSession; sandbox: () => Sandbox } {
  let s: UiSession | undefined;
  let sb: Sandbox | undefined;

  before(async () => {
    sb = await start(sandboxOptions);
    s = await openSession({ label });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) {
      await failure.beforeShot?.(s.page);
      await screenshot(s.page, `${failure.prefix ?? 'failed-'}${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    }
  });

  after(async () => {
    if (s) {
      await s.close();
    }
    if (sb) {
      await sb.stop();
    }
  });

  return {
    session: () => {
      if (!s) {
        throw new Error('the UI session has not been opened');
      }
      return s;
    },
    sandbox: () => {
      if (!sb) {
        throw new Error('the sandbox has not started');
      }
      return sb;
    },
  };
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
  // A wider sidebar, as people with long environment names keep it, so descriptions are readable in screenshots.
  const sidebar = await page.locator('.part.sidebar').first().boundingBox();
  if (sidebar && sidebar.width < 450) {
    const edge = sidebar.x + sidebar.width;
    const sashes = await page.locator('.monaco-sash.vertical').all();
    for (const sash of sashes) {
      const box = await sash.boundingBox();
      if (box && Math.abs(box.x + box.width / 2 - edge) < 6 && box.height > 200) {
        const y = box.y + box.height / 2;
        await page.mouse.move(box.x + box.width / 2, y);
        await page.mouse.down();
        await page.mouse.move(edge + 220, y, { steps: 8 });
        await page.mouse.up();
        break;
      }
    }
  }
}

const QUICK_INPUT = '.quick-input-widget';

/**
 * Answers the next step of a QuickInput wizard: waits until the widget shows `expect` (its title, prompt or
 * placeholder), types `answer` into the widget's own <input> and presses Enter. For a QuickPick the typed text
 * filters the list, and Enter takes the first match.
 */
export async function answerQuickInput(page: Page, expect: string | RegExp, answer: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: 30_000 });
  const matches = async (): Promise<boolean> => {
    // Only the step's own words (title, prompt, placeholder): list items of a previous step must not match,
    // e.g. "Username and password" while waiting for the "Username" prompt.
    const text = await widget.evaluate((el) => {
      const input = el.querySelector('input.input') as HTMLInputElement | null;
      const title = el.querySelector('.quick-input-title')?.textContent ?? '';
      const message = el.querySelector('.quick-input-message')?.textContent ?? '';
      return `${title}\n${message}\n${input?.placeholder ?? ''}\n${input?.getAttribute('aria-label') ?? ''}`;
    });
    return typeof expect === 'string' ? text.includes(expect) : expect.test(text);
  };
  const deadline = Date.now() + 30_000;
  while (!(await matches())) {
    if (Date.now() > deadline) {
      throw new Error(`the quick input never asked ${String(expect)}`);
    }
    await page.waitForTimeout(100);
  }
  const input = widget.locator('input.input');
  await input.fill(answer);
  // Let the list filter (QuickPick) or validation (InputBox) catch up with the typed value.
  await page.waitForTimeout(150);
  await input.press('Enter');
}

/** Clicks a button of the modal dialog that shows `text`. */
export async function answerModal(page: Page, text: string | RegExp, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: text });
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  const message = await dialog.innerText();
  await page.waitForTimeout(150);
  await dialog.locator('.monaco-button', { hasText: button }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return message;
}

/** A tree row in one of the views, by its label. */
export function treeRow(page: Page, label: string | RegExp) {
  return page.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
}

/** Expands a collapsed tree row (a click toggles it; one swallowed by a redraw of the list is clicked again). */
export async function expandRow(page: Page, label: string | RegExp): Promise<void> {
  await expandTreeRow(page, treeRow(page, label));
}

/** Waits until the tree row with this label shows text matching `pattern` (rows are re-rendered, so poll by locator). */
export async function waitForRowText(page: Page, label: string | RegExp, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const row = treeRow(page, label);
    if ((await row.count()) > 0) {
      last = (await row.textContent().catch(() => '')) ?? '';
      if (pattern.test(last)) {
        return last;
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`row ${String(label)} never showed ${pattern} (last: "${last}")`);
}

/** The Sessions view's pane. */
export function sessionsPane(page: Page): Locator {
  return page.locator('.pane').filter({ has: page.locator('.pane-header[aria-label^="Sessions"]') }).first();
}

/** A row of the Sessions view by its label (exact when a string). */
export function sessionRow(page: Page, label: string | RegExp): Locator {
  const name = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
  return sessionsPane(page)
    .locator('.monaco-list-row[role=treeitem]')
    .filter({ has: page.locator('.label-name', { hasText: name }) })
    .first();
}

/**
 * Expands a tree row (a click toggles it) and waits until it says it is expanded. A list that redraws as it loads can
 * swallow the click: the row is clicked again while it still says collapsed, up to three times.
 */
export async function expandTreeRow(page: Page, r: Locator): Promise<void> {
  await r.waitFor({ state: 'visible', timeout: 30_000 });
  for (let attempt = 1; ; attempt++) {
    if ((await r.getAttribute('aria-expanded')) === 'false') {
      await r.click();
    }
    const deadline = Date.now() + 5_000 * attempt;
    while ((await r.getAttribute('aria-expanded')) !== 'true' && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    if ((await r.getAttribute('aria-expanded')) === 'true') {
      return;
    }
    if (attempt >= 3) {
      throw new Error(`the row ${await r.innerText()} did not expand`);
    }
  }
}

/** The newest ready webview's own document (VS Code nests it: iframe.webview > iframe#active-frame). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Collapses or expands a view pane of the Session Manager container by its title. */
export async function setPaneExpanded(page: Page, title: string, expanded: boolean): Promise<void> {
  const header = page.locator(`.pane-header[aria-label^="${title}"]`).first();
  await header.waitFor({ state: 'visible' });
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) {
    await header.click();
  }
}

/**
 * Adds a sandbox OpenZiti controller the way a person does: Command Palette, the Add Connection wizard with the trust
 * prompt for the sandbox CA right after the URL, then the sign-in. Returns the text of that prompt.
 */
export async function addZitiControllerViaPalette(page: Page, url: string, label: string, beforeTrust?: () => Promise<unknown>): Promise<string> {
  await runFromPalette(page, 'Session Manager: Add Connection…');
  await answerQuickInput(page, 'Which kind of backend?', 'OpenZiti');
  await answerQuickInput(page, 'Controller URL', url);
  await beforeTrust?.();
  const prompt = await answerModal(page, /not trusted|already trusts/, 'Trust');
  await answerQuickInput(page, 'A name for this connection', label);
  await answerQuickInput(page, 'Is this a production system?', 'Not production');
  await answerQuickInput(page, 'How do you sign in?', 'Username and password');
  await answerQuickInput(page, 'Username', 'admin');
  await answerQuickInput(page, 'Password for admin', 'ziti-sandbox-admin');
  return prompt;
}

/**
 * Expands a controller and its "Sessions" group in the Sessions view and waits until `rows` session rows are drawn;
 * returns the view's pane.
 */
export async function expandServiceSessions(page: Page, controller: string, rows: number): Promise<Locator> {
  const sessions = page.locator('.pane').filter({ has: page.locator('.pane-header[aria-label^="Sessions"]') }).first();
  const conn = sessions.locator('.monaco-list-row[role=treeitem]', { hasText: controller }).first();
  await conn.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await conn.getAttribute('aria-expanded')) === 'false') {
    await conn.click();
  }
  const group = sessions.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: /^Sessions$/ }) }).first();
  await group.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await group.getAttribute('aria-expanded')) === 'false') {
    await group.click();
  }
  await sessions.locator('.label-description', { hasText: /(Dial|Bind) · / }).nth(rows - 1).waitFor({ state: 'visible', timeout: 30_000 });
  return sessions;
}

/**
 * Right-clicks `row` and clicks the context-menu item `label`. A row redrawn under the pointer (a list refreshing as it
 * loads) can swallow the right-click or close the menu: then Escape and try again, up to three times.
 */
export async function clickContextMenuItem(page: Page, row: Locator, label: string): Promise<void> {
  const item = page.locator('.context-view .monaco-menu .action-menu-item', { hasText: label }).first();
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForTimeout(200);
      await item.click({ timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt >= 3) {
        throw e;
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/**
 * Adds the sandbox's PingOne worker app the way a person does: Command Palette, Add Connection, custom hosts (the
 * sandbox is http://, which the wizard makes the person accept), client credentials with Basic (default) or body auth.
 */
export async function addPingOneViaPalette(page: Page, sb: Sandbox, label: string, o: { production?: boolean; clientAuth?: 'basic' | 'post' } = {}): Promise<void> {
  const p = sb.details.pingone;
  const post = o.clientAuth === 'post';
  await runFromPalette(page, 'Session Manager: Add Connection…');
  await answerQuickInput(page, 'Which kind of backend?', 'PingOne');
  await answerQuickInput(page, 'Which PingOne region?', 'Custom hosts');
  await answerQuickInput(page, 'PingOne API URL', p.urls.apiBase);
  await answerQuickInput(page, 'PingOne auth URL', p.urls.authBase);
  await answerQuickInput(page, /Not encrypted: .*http:\/\//, 'Use http:// anyway');
  await answerQuickInput(page, 'A name for this connection', label);
  await answerQuickInput(page, 'Is this a production system?', o.production ? 'Production' : 'Not production');
  await answerQuickInput(page, 'Environment ID of the worker app', String(p.credentials.environmentId));
  await answerQuickInput(page, 'Client ID of the worker app', String(post ? p.credentials.postClientId : p.credentials.basicClientId));
  await answerQuickInput(page, 'Client secret of the worker app', String(post ? p.credentials.postClientSecret : p.credentials.basicClientSecret));
  await answerQuickInput(page, "The worker app's token endpoint authentication method", post ? 'request body' : 'Authorization header');
}
