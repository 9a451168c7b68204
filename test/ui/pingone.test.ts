/// <reference lib="dom" />
// PingOne sessions in the real workbench (code-server + Chromium): a worker app added through the palette wizard,
// environments → the traveller user → its sessions, the session trail of the session whose country changed too fast
// (dark and light theme, colours read from the webview's own CSS), a revoke through the context menu and its modal
// (the row goes, the user's count drops, the open trail says the session was revoked), and the trail's plain-text
// alternative reached with the keyboard.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ConsoleMessage, Locator, Page } from 'playwright-core';
import { outputDir } from '../host/util';
import type { PingOneState } from '../sandbox/pingone';
import type { Sandbox } from '../sandbox/server';
import { addPingOneViaPalette, answerModal, clickContextMenuItem, expandTreeRow, openSessionManager, runFromPalette, screenshot, sessionRow, sessionsPane, setPaneExpanded, UiSession, useUiSession, webviewFrame } from './workbench';

const CONNECTION = 'Ping sandbox';
const ENVIRONMENT = 'Workforce EU';

/** Console errors that are not about what the extension shows (see ziti.test.ts). */
const UNRELATED_ERRORS = [/Timed out waiting for authentication provider 'github'/, /Aborted onWillSaveTextDocument-event after \d+ms/];

interface Heard {
  type: string;
  text: string;
  url: string;
}

/** What the trail webview computes from the theme: its theme class, colours, and the theme variables they come from. */
interface Paint {
  theme: string;
  /** Relative luminance (0 black … 1 white) of the page background and text. */
  background: number;
  color: number;
  /** Computed colour of a cell of the too-fast row, and the theme's --vscode-editorWarning-foreground, both as rgb(). */
  tooFastCell: string;
  warningVariable: string;
}

/** A row of the Sessions view whose description contains `text`. */
function rowByDescription(page: Page, text: string | RegExp): Locator {
  return sessionsPane(page)
    .locator('.monaco-list-row[role=treeitem]')
    .filter({ has: page.locator('.label-description', { hasText: text }) })
    .first();
}

/** Polls a row's description until it matches (rows are redrawn as lists load). */
async function waitForDescription(page: Page, r: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await r.locator('.label-description').first().textContent({ timeout: 1_000 }).catch(() => '')) ?? '').trim();
    if (pattern.test(last)) {
      return last;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`the row's description never matched ${pattern} (last: "${last}")`);
}

describe('workbench UI: PingOne sessions, revoke and session trail', function () {
  this.timeout(300_000);
  let s: UiSession;
  let sb: Sandbox;
  const p1 = (): PingOneState => sb.state.pingone.state as PingOneState;

  const ui = useUiSession(
    'ui-pingone',
    { backends: ['pingone'] },
    {
      prefix: 'failed-pingone-',
      beforeShot: async (page) => {
        await page.keyboard.press('Escape').catch(() => undefined);
      },
    },
  );

  const heard: Heard[] = [];
  /** The traveller (the environment's first user) and its newest session, which changed country within 35 minutes. */
  let traveller: { id: string; username: string; name: string };
  let travelling: { id: string; ip: string; label: string };
  let sessionsBefore = 0;

  before(() => {
    s = ui.session();
    sb = ui.sandbox();
    s.page.on('console', (m: ConsoleMessage) => heard.push({ type: m.type(), text: m.text(), url: m.location().url }));
    s.page.on('pageerror', (e: Error) => heard.push({ type: 'pageerror', text: e.message, url: '' }));
  });

  after(() => {
    const dir = path.join(outputDir('logs'), 'ui-pingone');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'console.json'), JSON.stringify(heard, null, 1));
  });

  it("adds a PingOne worker app and shows the traveller's sessions under Workforce EU", async () => {
    const page = s.page;
    await openSessionManager(page);
    await addPingOneViaPalette(page, sb, CONNECTION);
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await setPaneExpanded(page, 'Sessions', true);

    const conn = sessionRow(page, CONNECTION);
    await expandTreeRow(page, conn);
    const env = sessionRow(page, ENVIRONMENT);
    await expandTreeRow(page, env);
    // Environments are read before they are drawn, and a paged list shows its count.
    await waitForDescription(page, env, /100 of 5,000 users$/);

    const envId = p1().data.environments.find((e) => e.name === ENVIRONMENT)?.id;
    assert.ok(envId, `the sandbox has ${ENVIRONMENT}`);
    const first = p1().data.users.get(envId)?.[0];
    assert.ok(first?.traveller, 'the first user of the environment is the traveller');
    // The user row: its name as label, its username as description (the first row under the environment).
    const userRow = rowByDescription(page, first.username);
    await userRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.strictEqual(await userRow.getAttribute('aria-level'), '3', 'the user row is right below the environment');
    const name = (await userRow.locator('.label-name').innerText()).trim();
    traveller = { id: first.id, username: first.username, name };
    await expandTreeRow(page, userRow);

    // The user's sessions were read (the sandbox made them on that read): its newest one is the travelling one.
    const deadline = Date.now() + 30_000;
    while (!p1().sessions.get(first.id) && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    const onServer = p1().sessions.get(first.id) ?? [];
    assert.ok(onServer.length >= 2, `the traveller has sessions on the server: ${onServer.length}`);
    const t = onServer[0];
    const newest = t.locations.reduce((a, b) => (b.at > a.at ? b : a));
    travelling = { id: t.id, ip: newest.remoteIp, label: `${t.browser.name} on ${t.operatingSystem.name}` };
    sessionsBefore = onServer.length;

    const sessionRows = sessionsPane(page).locator('.monaco-list-row[role=treeitem][aria-level="4"]');
    await sessionRows.nth(onServer.length - 1).waitFor({ state: 'visible', timeout: 30_000 });
    assert.strictEqual(await sessionRows.count(), onServer.length, 'one row per session of the user');
    const descriptions = (await sessionRows.locator('.label-description').allInnerTexts()).map((d) => d.trim());
    assert.ok(
      descriptions.every((d) => d.split(' · ').length >= 3),
      `device · place · IP on every session row: ${descriptions.join(' | ')}`,
    );
    const travellingRow = rowByDescription(page, travelling.ip);
    await travellingRow.waitFor({ state: 'visible', timeout: 10_000 });
    assert.strictEqual((await travellingRow.locator('.label-name').innerText()).trim(), travelling.label, 'label: browser on OS');
    assert.ok(
      (await travellingRow.locator('.label-description').innerText()).toLowerCase().includes(newest.city.toLowerCase()),
      'the row names where the session was last used',
    );
    // The user row counts its sessions once they were read (drawn again after the read, nothing read twice).
    await waitForDescription(page, rowByDescription(page, traveller.username), new RegExp(`${onServer.length} sessions?$`));
    await screenshot(page, 'pingone-sessions');
  });

  it('opens the trail of the session with a too-fast country change and draws it in the dark and the light theme', async () => {
    const page = s.page;
    const r = rowByDescription(page, travelling.ip);
    await r.hover();
    const inline = r.locator('.actions .action-label[aria-label^="Show Session Trail"], .actions .action-label[title^="Show Session Trail"]').first();
    await inline.waitFor({ state: 'visible', timeout: 10_000 });
    await inline.click();

    const frame = webviewFrame(page);
    const table = frame.locator('table.trail');
    await table.waitFor({ state: 'visible', timeout: 30_000 });
    const heading = await frame.locator('h1').innerText();
    assert.ok(heading.includes(travelling.label) && heading.includes(traveller.name), `the heading names the session and the user: ${heading}`);
    const meta = await frame.locator('.meta').first().innerText();
    assert.ok(meta.includes(travelling.id) && meta.includes(ENVIRONMENT) && meta.includes(CONNECTION), `the page says which session: ${meta}`);
    const bodyRows = table.locator('tbody tr');
    assert.ok((await bodyRows.count()) >= 4, `a sign-on and the recorded locations: ${await bodyRows.count()} rows`);
    const tooFast = table.locator('tr.too-fast');
    assert.strictEqual(await tooFast.count(), 1, 'exactly one too-fast country change');
    const note = await tooFast.innerText();
    assert.match(note, /Country changed within 35 min, faster than 2 h/);
    assert.match(await frame.locator('.summary').innerText(), /1 change of country faster than 2 h/);
    // Short fixed-form cells (time, what, IP address, gap) stay on one line: never broken inside a word.
    const broken = await table.evaluate((t) =>
      Array.from(t.querySelectorAll('tbody td:nth-child(1), tbody td:nth-child(2), tbody td:nth-child(4), tbody td:nth-child(5)'))
        .filter((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
        })
        .map((td) => td.textContent),
    );
    assert.deepStrictEqual(broken, [], 'cells drawn on more than one line');
    const csp = (await frame.locator('meta[http-equiv="Content-Security-Policy"]').first().getAttribute('content')) ?? '';
    assert.match(csp, /script-src 'none'/, `the page allows no script: ${csp}`);

    // The webview's own rendering: the theme class VS Code gives its body, the colours its CSS computes from the
    // theme's variables (the too-fast row takes the editor's warning colour).
    const paint = (): Promise<Paint> =>
      frame.locator('body').evaluate((body) => {
        const lum = (c: string): number => {
          const [r, g, b] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        };
        // The variable as the browser resolves it (a hex value becomes rgb()).
        const probe = document.createElement('span');
        probe.style.color = 'var(--vscode-editorWarning-foreground)';
        body.appendChild(probe);
        const warningVariable = getComputedStyle(probe).color;
        probe.remove();
        const cell = body.querySelector('tr.too-fast td');
        return {
          theme: ['vscode-dark', 'vscode-light'].find((c) => body.classList.contains(c)) ?? body.className,
          background: lum(getComputedStyle(body).backgroundColor),
          color: lum(getComputedStyle(body).color),
          tooFastCell: cell ? getComputedStyle(cell).color : '',
          warningVariable,
        };
      });
    const dark = await paint();
    assert.strictEqual(dark.theme, 'vscode-dark', JSON.stringify(dark));
    assert.ok(dark.background < 0.3 && dark.color > 0.6, `dark page, light text: ${JSON.stringify(dark)}`);
    assert.ok(/^rgb/.test(dark.warningVariable) && dark.warningVariable !== 'rgb(0, 0, 0)', `the theme defines the warning colour: ${JSON.stringify(dark)}`);
    assert.strictEqual(dark.tooFastCell, dark.warningVariable, 'the too-fast row is painted in the theme\'s warning colour');
    await screenshot(page, 'pingone-trail-dark');

    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    const deadline = Date.now() + 30_000;
    let light = await paint();
    while (light.theme !== 'vscode-light' && Date.now() < deadline) {
      await page.waitForTimeout(250);
      light = await paint();
    }
    assert.strictEqual(light.theme, 'vscode-light', JSON.stringify(light));
    assert.ok(light.background > 0.7 && light.color < 0.4, `light page, dark text: ${JSON.stringify(light)}`);
    assert.strictEqual(light.tooFastCell, light.warningVariable, 'the too-fast row follows the light theme\'s warning colour');
    assert.notStrictEqual(light.tooFastCell, dark.tooFastCell, 'the warning colour changed with the theme');
    await page.waitForTimeout(300);
    await screenshot(page, 'pingone-trail-light');
  });

  it('revokes the session through the context menu and the modal: the row goes, the count drops, the trail says so', async () => {
    const page = s.page;
    const r = rowByDescription(page, travelling.ip);
    await r.waitFor({ state: 'visible', timeout: 10_000 });
    await clickContextMenuItem(page, r, 'Revoke Session');
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: /Revoke .* on / });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'pingone-revoke-modal');
    const message = await answerModal(page, /Revoke .* on /, 'Revoke');
    assert.ok(
      new RegExp(`Revoke the session ${travelling.label} \\([^)]+\\) of .+ in Workforce EU on ${CONNECTION}\\?`).test(message),
      `the modal names the session, where it was used, its user, the environment and the connection: ${message}`,
    );
    assert.ok(message.includes(travelling.id), `the modal gives the session's id: ${message}`);
    assert.ok(message.includes(`PingOne connection ${CONNECTION}`), `the modal names the backend: ${message}`);

    await r.waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(!(p1().sessions.get(traveller.id) ?? []).some((x) => x.id === travelling.id), 'the session is gone on the server');
    assert.strictEqual(p1().sessions.get(traveller.id)?.length, sessionsBefore - 1, 'exactly one session ended');
    const userRow = rowByDescription(page, traveller.username);
    await waitForDescription(page, userRow, new RegExp(`${sessionsBefore - 1} sessions?$`));
    const sessionRows = sessionsPane(page).locator('.monaco-list-row[role=treeitem][aria-level="4"]');
    assert.strictEqual(await sessionRows.count(), sessionsBefore - 1, 'the list and the count agree without a refresh');

    const ended = webviewFrame(page).locator('.ended');
    await ended.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await ended.innerText(), /^This session was revoked through Session Manager at /);
    assert.strictEqual(await webviewFrame(page).locator('tr.too-fast').count(), 1, 'the trail keeps what it showed');
    await screenshot(page, 'pingone-revoked');
  });

  it("reaches the trail's plain-text alternative with Tab and opens it with Enter", async () => {
    const page = s.page;
    const frame = webviewFrame(page);
    const pre = frame.locator('details.text-alternative pre');
    assert.ok(!(await pre.isVisible()), 'the plain text starts folded');
    // Focus the page itself (a click on its heading), then Tab as a keyboard user does.
    await frame.locator('h1').click();
    let focused = '';
    for (let i = 0; i < 6 && focused !== 'SUMMARY'; i++) {
      await page.keyboard.press('Tab');
      await page.waitForTimeout(150);
      focused = await frame.locator('body').evaluate(() => document.activeElement?.tagName ?? '');
    }
    assert.strictEqual(focused, 'SUMMARY', 'Tab reaches "As plain text"');
    assert.strictEqual((await frame.locator('summary').innerText()).trim(), 'As plain text');
    await page.keyboard.press('Enter');
    await pre.waitFor({ state: 'visible', timeout: 10_000 });
    const text = await pre.innerText();
    assert.match(text, /faster than 2 h/, `the plain text carries the warning: ${text}`);
    assert.ok(text.includes(travelling.ip), 'and the places and addresses');
    await screenshot(page, 'pingone-trail-plain-text');

    const sinks = heard.filter((h) => /Content Security Policy|inline event handler/i.test(h.text));
    assert.deepStrictEqual(sinks.map((h) => `${h.type}: ${h.text.slice(0, 200)}`), [], 'no CSP refusal in the workbench or the trail');
    const errors = heard.filter((h) => (h.type === 'error' || h.type === 'pageerror') && !UNRELATED_ERRORS.some((re) => re.test(h.text)));
    assert.deepStrictEqual(errors.map((h) => `${h.type}: ${h.text.slice(0, 200)} (${h.url})`), [], 'no console error anywhere in the workbench or its webviews');
  });
});
