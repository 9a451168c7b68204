/// <reference lib="dom" />
// Aptible sessions in the real workbench (code-server + Chromium): an Aptible connection added through the palette
// wizard (the sandbox's custom URLs), accounts → an app → its ephemeral SSH sessions with who ran what; no Revoke in a
// session's context menu; its details document (session, operation, containers; no token); its session path in the
// shared path panel (person → operation → container → app → environment), its boxes and table read from the webview's
// own DOM, its colours from the theme, its Refresh button reached with the keyboard (screenshots of each).
import * as assert from 'assert';
import type { AptibleState } from '../sandbox/aptible';
import type { Sandbox } from '../sandbox/server';
import { answerModal, answerQuickInput, clickContextMenuItem, expandTreeRow, openSessionManager, runFromPalette, screenshot, sessionRow, setPaneExpanded, UiSession, useUiSession, webviewFrame } from './workbench';

const CONNECTION = 'Aptible acme';

describe('workbench UI: Aptible SSH sessions, details and session path', function () {
  this.timeout(300_000);
  let s: UiSession;
  let sb: Sandbox;
  const st = (): AptibleState => sb.state.aptible.state as AptibleState;
  /** The session row the tests open (the newest session of the first app), and what the sandbox holds for it. */
  let label = '';
  let sessionId = 0;

  const ui = useUiSession(
    'ui-aptible',
    { backends: ['aptible'] },
    {
      prefix: 'failed-aptible-',
      beforeShot: async (page) => {
        await page.keyboard.press('Escape').catch(() => undefined);
      },
    },
  );

  before(() => {
    s = ui.session();
    sb = ui.sandbox();
  });

  it('adds an Aptible connection and shows an app\'s SSH sessions with who ran what; no Revoke on a session', async () => {
    const page = s.page;
    const d = sb.details.aptible;
    await openSessionManager(page);
    await runFromPalette(page, 'Session Manager: Add Connection…');
    await answerQuickInput(page, 'Which kind of backend?', 'Aptible');
    await answerQuickInput(page, 'Which Aptible?', 'Custom URLs…');
    await answerQuickInput(page, 'Aptible auth URL', d.urls.authRoot);
    await answerQuickInput(page, 'Aptible API URL', d.urls.apiRoot);
    if (d.urls.apiRoot.startsWith('http:')) {
      await answerQuickInput(page, /Not encrypted: .*http:\/\//, 'Use http:// anyway');
    } else {
      await answerModal(page, /not trusted/, 'Trust');
    }
    await answerQuickInput(page, 'A name for this connection', CONNECTION);
    await answerQuickInput(page, 'Is this a production system?', 'Not production');
    await answerQuickInput(page, 'How do you sign in?', 'Username and password');
    await answerQuickInput(page, 'Email', d.credentials.email);
    await answerQuickInput(page, 'Password for', d.credentials.password);
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await setPaneExpanded(page, 'Sessions', true);

    const data = st().data;
    const app = data.apps[0];
    const account = data.accounts.find((a) => a.id === app.accountId)!;
    await expandTreeRow(page, sessionRow(page, CONNECTION));
    await expandTreeRow(page, sessionRow(page, account.handle));
    await expandTreeRow(page, sessionRow(page, app.handle));
    const newest = data.sessions.filter((x) => x.appId === app.id).sort((a, b) => b.createdAt - a.createdAt)[0];
    const op = data.operations.get(newest.operationId)!;
    label = `${op.userName} — ${op.command}`;
    sessionId = newest.id;
    const r = sessionRow(page, label);
    await r.waitFor({ state: 'visible', timeout: 30_000 });
    const description = (await r.locator('.label-description').first().textContent()) ?? '';
    assert.ok(description.includes(newest.host), `the row says where it runs: ${description}`);
    assert.ok(description.startsWith(op.status), `the row says the operation's state first: ${description}`);
    await screenshot(page, 'aptible-sessions');

    await r.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.locator('.action-menu-item', { hasText: 'Show Session Path' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const items = (await menu.locator('.action-menu-item .action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    assert.ok(items.includes('Show Details'), `the menu: ${items.join(' | ')}`);
    assert.ok(!items.some((t) => /^Revoke/.test(t)), `no Revoke on an Aptible session: ${items.join(' | ')}`);
    await page.keyboard.press('Escape');
  });

  it("opens the session's details: session, operation and containers, no secret", async () => {
    const page = s.page;
    const r = sessionRow(page, label);
    // The menu can close under a redraw of the list: ask again until the details document shows the session.
    const shown = (): Promise<boolean> =>
      page
        .waitForFunction((id) => Array.from(document.querySelectorAll('.editor-instance .view-lines')).some((e) => (e.textContent ?? '').includes(String(id))), sessionId, { timeout: 10_000 })
        .then(() => true, () => false);
    let opened = false;
    for (let attempt = 0; attempt < 3 && !opened; attempt++) {
      await clickContextMenuItem(page, r, 'Show Details');
      opened = await shown();
    }
    assert.ok(opened, 'Show Details opened the session\'s details document');
    const editor = page.locator('.editor-instance .view-lines').first();
    // The editor draws only the lines in view: page through the document and keep every line seen.
    const seen = new Set<string>();
    await editor.click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 30; i++) {
      const before = seen.size;
      for (const line of (await editor.innerText()).replace(/\u00a0/g, ' ').split('\n')) {
        seen.add(line);
      }
      if (i > 0 && seen.size === before) {
        break;
      }
      await page.keyboard.press('PageDown');
      await page.waitForTimeout(100);
    }
    const text = [...seen].join('\n');
    const op = st().data.operations.get(st().data.sessions.find((x) => x.id === sessionId)!.operationId)!;
    for (const expected of ['"session"', '"operation"', '"containers"', op.userEmail, `"id": ${sessionId}`]) {
      assert.ok(text.includes(expected), `the details show ${expected}:\n${text.slice(0, 1500)}`);
    }
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(text), 'no token in the details');
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(200);
    await screenshot(page, 'aptible-details');
  });

  it('draws the session path in the shared path panel, in the theme, with a keyboard-reachable Refresh', async () => {
    const page = s.page;
    const r = sessionRow(page, label);
    await r.hover();
    const inline = r.locator('.actions .action-label[aria-label^="Show Session Path"], .actions .action-label[title^="Show Session Path"]').first();
    await inline.waitFor({ state: 'visible', timeout: 10_000 });
    await inline.click();

    const frame = webviewFrame(page);
    const table = frame.locator('table.hops');
    await table.waitFor({ state: 'visible', timeout: 30_000 });
    const data = st().data;
    const session = data.sessions.find((x) => x.id === sessionId)!;
    const op = data.operations.get(session.operationId)!;
    const app = data.apps.find((p) => p.id === session.appId)!;
    const account = data.accounts.find((a) => a.id === app.accountId)!;
    const heading = await frame.locator('h1').innerText();
    assert.strictEqual(heading, `Session path: ${label} (${sessionId})`);
    const cells = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[1]?.textContent ?? '', tr.children[2]?.textContent ?? '']));
    assert.deepStrictEqual(
      cells.map(([role]) => role),
      ['person', 'execute operation', 'ephemeral container', 'app', 'environment'],
      'the table lists the path in order',
    );
    assert.deepStrictEqual(
      [cells[0][1], cells[1][1], cells[3][1], cells[4][1]],
      [op.userName, op.command, app.handle, account.handle],
    );
    assert.ok(cells[2][1].startsWith(session.name), `the container: ${cells[2][1]}`);
    assert.strictEqual(await frame.locator('svg.path g.hop').count(), 5, 'five boxes drawn');
    assert.strictEqual(await frame.locator('svg.path .link').count(), 4, 'joined by four arrows');
    assert.ok(!(await frame.locator('#revoke').isVisible()), 'no Revoke button on an Aptible path');
    const meta = await frame.locator('#meta').innerText();
    assert.ok(meta.includes(`Ephemeral session ${sessionId}`) && meta.includes(`on ${CONNECTION}`), meta);
    // The time it was read, in UTC like the rest of the page (the browser runs in Auckland's time zone).
    const read = /· updated (\d\d):(\d\d):(\d\d) UTC\b/.exec(meta);
    assert.ok(read, meta);
    const now = new Date();
    const shownSeconds = Number(read[1]) * 3600 + Number(read[2]) * 60 + Number(read[3]);
    const utcSeconds = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
    const apart = Math.abs(utcSeconds - shownSeconds);
    assert.ok(Math.min(apart, 86400 - apart) < 300, `shown ${read[0]}, UTC now ${now.toISOString()}`);

    // The boxes take the theme's colours (dark by default): the box fill is the editor widget background variable.
    const paint = await frame.locator('body').evaluate((body) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--vscode-editorWidget-background)';
      body.appendChild(probe);
      const variable = getComputedStyle(probe).color;
      probe.remove();
      const box = body.querySelector('svg.path g.role-operation rect.box');
      return {
        theme: ['vscode-dark', 'vscode-light'].find((c) => body.classList.contains(c)) ?? body.className,
        fill: box ? getComputedStyle(box).fill : '',
        variable,
      };
    });
    assert.strictEqual(paint.theme, 'vscode-dark', JSON.stringify(paint));
    assert.ok(/^rgb/.test(paint.variable), JSON.stringify(paint));
    assert.strictEqual(paint.fill, paint.variable, `the operation box is painted with the theme's widget colour: ${JSON.stringify(paint)}`);
    await screenshot(page, 'aptible-session-path');

    // Keyboard: from the heading, Tab reaches Refresh; Enter reads the path again.
    await frame.locator('h1').click();
    let focused = '';
    for (let i = 0; i < 4 && focused !== 'refresh'; i++) {
      await page.keyboard.press('Tab');
      await page.waitForTimeout(150);
      focused = await frame.locator('body').evaluate(() => document.activeElement?.id ?? '');
    }
    assert.strictEqual(focused, 'refresh', 'Tab reaches Refresh');
    op.cancelled = true;
    await page.keyboard.press('Enter');
    await frame.locator('svg.path g.role-operation text.state', { hasText: /cancel requested/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'aptible-session-path-refreshed');
  });
});
