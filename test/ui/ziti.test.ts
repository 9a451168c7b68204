/// <reference lib="dom" />
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { outputDir } from '../host/util';
import type { Sandbox } from '../sandbox/server';
import { ZITI_HOSTILE_SERVICE_NAME } from '../sandbox';
import { addZitiControllerViaPalette, answerModal, answerQuickInput, clickContextMenuItem, expandRow, expandServiceSessions, openSessionManager, runFromPalette, screenshot, setPaneExpanded, UiSession, useUiSession, waitForRowText, webviewFrame } from './workbench';

interface SandboxSession {
  id: string;
  type: 'Dial' | 'Bind';
  serviceId: string;
  identityId: string;
  routePath: string[];
}
interface ZitiData {
  sessions: Map<string, SandboxSession>;
  services: Map<string, { name: string }>;
  identities: Map<string, { id: string; name: string; isAdmin: boolean }>;
  apiSessions: Map<string, { id: string; identityId: string; interactive: boolean }>;
  routers: Map<string, { id: string; name: string }>;
  enrollments: Map<string, { id: string; identityId?: string; expiresAt: number }>;
}

/** Names an attacker could give things on a controller: HTML with inline handlers, markdown links and images. */
const HOSTILE = {
  identity: '<img src=x onerror=alert(11)>',
  enrolling: '<svg onload=alert(12)>[x](command:workbench.action.quit)',
  router: '<img src=y onerror=alert(13)>',
  version: '<img src=z onerror=alert(14)>',
};

/**
 * Console errors that are not about what the extension shows: the workbench's own GitHub sign-in (the test host is
 * offline) and its save participants timing out under load. Everything else fails the test, VS Code's "navigator is now a global" warning included (esbuild.js
 * defines `navigator` away for the bundled axios).
 */
const UNRELATED_ERRORS = [
  /Timed out waiting for authentication provider 'github'/,
  // The workbench's save participants giving up on a slow machine (a settings write under load): no API text involved.
  /Aborted onWillSaveTextDocument-event after \d+ms/,
];

/** What the page and its frames (webviews too) said: console messages and uncaught errors. */
interface Heard {
  type: string;
  text: string;
  url: string;
}

/** Whether a console line is a sign that API text reached HTML (a CSP refusal, an inline handler, the payload). */
function isHtmlSink(h: Heard): boolean {
  return /Content Security Policy|inline event handler|alert\(1\d?\)/i.test(h.text);
}

/** Theme class and relative luminances (0 black … 1 white) of the route-path webview. */
interface Paint {
  theme: string;
  background: number;
  color: number;
  boxFill: number;
  textFill: number;
  boxes: number;
}

function pane(page: Page, title: string) {
  return page.locator('.pane').filter({ has: page.locator(`.pane-header[aria-label^="${title}"]`) }).first();
}

/** Scrolls a view's list until the row with this label is rendered (lists render only what is on screen). */
async function scrollToRow(page: Page, paneTitle: string, label: string | RegExp) {
  const list = pane(page, paneTitle).locator('.monaco-list').first();
  const row = list.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
  await list.waitFor({ state: 'visible', timeout: 30_000 });
  const box = await list.boundingBox();
  if (box && !(await row.isVisible())) {
    // From the top: an earlier test may have left the list scrolled past the row.
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 100));
    await page.mouse.wheel(0, -100_000);
    await page.waitForTimeout(300);
  }
  for (let i = 0; i < 60 && !(await row.isVisible()); i++) {
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 100));
      await page.mouse.wheel(0, Math.max(40, Math.floor(box.height * 0.6))); // less than a view: no row skipped
    }
    await page.waitForTimeout(150);
  }
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  return row;
}

describe('workbench UI: OpenZiti sessions, route path and enrollments', function () {
  this.timeout(300_000);
  let s: UiSession;
  let sb: Sandbox;
  const data = (): ZitiData => (sb.state.ziti.state as { data: ZitiData }).data;

  const ui = useUiSession(
    'ui-ziti',
    { backends: ['ziti'] },
    {
      prefix: 'failed-ziti-',
      beforeShot: async (page) => {
        await page.keyboard.press('Escape').catch(() => undefined);
      },
    },
  );

  const heard: Heard[] = [];
  before(() => {
    s = ui.session();
    sb = ui.sandbox();
    s.page.on('console', (m: ConsoleMessage) => heard.push({ type: m.type(), text: m.text(), url: m.location().url }));
    s.page.on('pageerror', (e: Error) => heard.push({ type: 'pageerror', text: e.message, url: '' }));
    // Hostile names before anything is shown: an identity with an API session (and sessions), an identity with an
    // outstanding enrollment, and the routers (route paths).
    const d = data();
    const withApiSession = [...d.apiSessions.values()].map((a) => d.identities.get(a.identityId)).find((i) => i && !i.isAdmin);
    assert.ok(withApiSession, 'the sandbox has an API session of a client identity');
    withApiSession.name = HOSTILE.identity;
    const enrolling = [...d.enrollments.values()].map((e) => d.identities.get(e.identityId ?? '')).find((i) => i && !i.isAdmin && i !== withApiSession);
    assert.ok(enrolling, 'the sandbox has an enrollment of another identity');
    enrolling.name = HOSTILE.enrolling;
    for (const r of d.routers.values()) {
      r.name = `${HOSTILE.router} ${r.name}`;
    }
    // The controller's version string (the Environments view shows it).
    const backend = sb.state.ziti;
    const original = backend.handle.bind(backend);
    backend.handle = async (req) => {
      const res = await original(req);
      if (/\/version$/.test(req.path) && res.body && typeof res.body === 'object') {
        const body = res.body as { data?: Record<string, unknown> };
        if (body.data) {
          body.data = { ...body.data, version: HOSTILE.version, revision: HOSTILE.version };
        }
      }
      return res;
    };
  });

  after(() => {
    // What the workbench and its webviews logged, next to the screenshots (for the record and for debugging).
    const dir = path.join(outputDir('logs'), 'ui-ziti');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'console.json'), JSON.stringify(heard, null, 1));
  });

  it('signs in to a sandbox controller and shows its sessions', async () => {
    const page = s.page;
    await openSessionManager(page);
    await addZitiControllerViaPalette(page, sb.urls.ziti, 'Lab controller');
    await waitForRowText(page, 'Lab controller', /signed in as/);
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await setPaneExpanded(page, 'Sessions', true);
    const sessions = await expandServiceSessions(page, 'Lab controller', 9);
    await sessions.locator('.label-description', { hasText: /[\d,]+ of [\d,]+/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const descriptions = await sessions.locator('.label-description').allInnerTexts();
    assert.ok(descriptions.some((d) => /Dial|Bind/.test(d) && /ago/.test(d)), descriptions.join(' | '));
    assert.ok(descriptions.some((d) => /of [\d,]+/.test(d)), `the group shows a count: ${descriptions.join(' | ')}`);
    await screenshot(page, 'ziti-sessions');
  });

  it('revokes a session through the context menu after the modal confirmation', async () => {
    const page = s.page;
    const before = data().sessions.size;
    const row = pane(page, 'Sessions')
      .locator('.monaco-list-row[role=treeitem]')
      .filter({ has: page.locator('.label-description', { hasText: /Dial|Bind/ }) })
      .first();
    const service = (await row.locator('.label-name').innerText()).trim();
    await clickContextMenuItem(page, row, 'Revoke Session');
    const message = await answerModal(page, /Revoke the/, 'Revoke');
    assert.ok(message.includes(service) && message.includes('Lab controller'), `the modal names the service and controller: ${message}`);
    const deadline = Date.now() + 15_000;
    while (data().sessions.size !== before - 1 && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    assert.strictEqual(data().sessions.size, before - 1, 'exactly one session ended on the controller');
  });

  it('ends the API session of the row it was invoked on (context menu and inline button), never a picked one', async () => {
    const page = s.page;
    const sessions = pane(page, 'Sessions');
    // Collapse the (long) Sessions group so the API Sessions group is on screen.
    const sessionsGroup = sessions.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: /^Sessions$/ }) }).first();
    if ((await sessionsGroup.getAttribute('aria-expanded')) === 'true') {
      await sessionsGroup.click();
    }
    const group = sessions.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: /^API Sessions$/ }) }).first();
    await group.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await group.getAttribute('aria-expanded')) === 'false') {
      await group.click();
    }
    // A client's API session (not the admin's own): its row shows an IP address and an MFA state.
    const rows = sessions.locator('.monaco-list-row[role=treeitem][aria-level="3"]').filter({ has: page.locator('.label-description', { hasText: /MFA/ }) });
    await rows.nth(2).waitFor({ state: 'visible', timeout: 30_000 });
    const labels = (await rows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
    const index = labels.findIndex((l, i) => i > 0 && l !== 'Default Admin' && labels.indexOf(l) === i);
    assert.ok(index > 0, `a client API session below the first row: ${labels.join(' | ')}`);
    const row = rows.nth(index);
    const label = labels[index];
    const description = (await row.locator('.label-description').innerText()).trim();
    const ip = description.split(' · ')[0];
    const before = data().apiSessions.size;

    await clickContextMenuItem(page, row, 'End API Session');
    await page.locator('.monaco-dialog-box').filter({ hasText: /End the API session/ }).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'ziti-end-api-session-modal');
    const message = await answerModal(page, /End the API session/, 'Cancel');
    assert.ok(message.includes(label) && message.includes(ip), `the modal names the clicked row (${label} from ${ip}): ${message}`);
    assert.ok(!(await page.locator('.quick-input-widget').isVisible()), 'no picker opened');

    // The inline button of the same row.
    await row.hover();
    const inline = row.locator('.actions .action-label[aria-label^="End API Session"], .actions .action-label[title^="End API Session"]').first();
    await inline.waitFor({ state: 'visible', timeout: 10_000 });
    await inline.click();
    const again = await answerModal(page, /End the API session/, 'Cancel');
    assert.ok(again.includes(label) && again.includes(ip), `the inline button's modal names the row: ${again}`);
    assert.ok(!(await page.locator('.quick-input-widget').isVisible()), 'no picker opened');
    assert.strictEqual(data().apiSessions.size, before, 'Cancel ended nothing');
  });

  it('opens a route path and draws it in the dark and the light theme', async () => {
    const page = s.page;
    const withRoute = [...data().sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length >= 3);
    assert.ok(withRoute, 'the sandbox has a Dial session with transit routers');
    await runFromPalette(page, 'Session Manager: Show Route Path');
    await answerQuickInput(page, 'Session id', withRoute.id);
    const frame = webviewFrame(page);
    await frame.locator('svg').first().waitFor({ state: 'visible', timeout: 30_000 });
    const serviceName = data().services.get(withRoute.serviceId)?.name ?? '';
    await frame.locator('table').first().waitFor({ state: 'attached' });
    const tableText = await frame.locator('table').first().innerText();
    assert.ok(tableText.includes(serviceName), `the table names the service ${serviceName}`);
    assert.ok(tableText.includes(data().identities.get(withRoute.identityId)?.name ?? '?'), 'the table names the identity');
    // The webview's own rendering, read from its DOM: the theme class VS Code gives its body and the colours its CSS
    // computes from the theme variables, for the page, the text, the SVG boxes and their labels.
    const paint = (): Promise<Paint> =>
      frame.locator('body').evaluate((body) => {
        const rgb = (c: string): number => {
          const [r, g, b] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number);
          return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
        };
        const box = body.querySelector('svg.path .box');
        const text = body.querySelector('svg.path text.name');
        return {
          theme: ['vscode-dark', 'vscode-light'].find((c) => body.classList.contains(c)) ?? body.className,
          background: rgb(getComputedStyle(body).backgroundColor),
          color: rgb(getComputedStyle(body).color),
          boxFill: box ? rgb(getComputedStyle(box).fill) : NaN,
          textFill: text ? rgb(getComputedStyle(text).fill) : NaN,
          boxes: body.querySelectorAll('svg.path .box').length,
        };
      });
    const hops = withRoute.routePath.length + 2;
    const dark = await paint();
    assert.strictEqual(dark.theme, 'vscode-dark', JSON.stringify(dark));
    assert.ok(dark.background < 0.3 && dark.color > 0.6, `dark page, light text: ${JSON.stringify(dark)}`);
    assert.ok(dark.boxFill < 0.4 && dark.textFill > 0.6, `dark boxes, light labels: ${JSON.stringify(dark)}`);
    assert.strictEqual(dark.boxes, hops, 'one box per hop');
    await screenshot(page, 'ziti-route-path-dark');
    await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
    // Wait until the webview itself re-themes (not only the workbench around it).
    const deadline = Date.now() + 30_000;
    let light = await paint();
    while (light.theme !== 'vscode-light' && Date.now() < deadline) {
      await page.waitForTimeout(250);
      light = await paint();
    }
    assert.strictEqual(light.theme, 'vscode-light', JSON.stringify(light));
    assert.ok(light.background > 0.7 && light.color < 0.4, `light page, dark text: ${JSON.stringify(light)}`);
    assert.ok(light.boxFill > 0.6 && light.textFill < 0.4, `light boxes, dark labels: ${JSON.stringify(light)}`);
    assert.strictEqual(light.boxes, hops, 'the path is still drawn');
    await screenshot(page, 'ziti-route-path-light');
  });

  it('creates an enrollment and copies its JWT', async () => {
    const page = s.page;
    type SbEnrollment = { id: string; jwt?: string; token: string; method: string; identityId?: string };
    const enrollments = (sb.state.ziti.state as { data: { enrollments: Map<string, SbEnrollment> } }).data.enrollments;
    const identities = [...(data().identities as Map<string, { name: string }>).entries()];
    // An identity without an outstanding ott enrollment (the controller allows one per identity and method).
    const busy = new Set([...enrollments.values()].filter((e) => e.method === 'ott').map((e) => e.identityId));
    const chosen = identities.find(([id, i]) => !busy.has(id) && /laptop|phone|tablet|macbook/.test(i.name)) ?? identities.find(([id]) => !busy.has(id));
    assert.ok(chosen, 'an identity without an ott enrollment');
    const [identityId, { name: identity }] = chosen;
    // The snapshot is taken before the wizard starts, so the create cannot race it.
    const before = new Set(enrollments.keys());
    await runFromPalette(page, 'Session Manager: Create Enrollment…');
    // One controller: the wizard starts at the identity search.
    await answerQuickInput(page, 'Search identities by name', identity);
    await answerQuickInput(page, 'Pick the identity to enroll', identity);
    await answerQuickInput(page, 'Enrollment method', 'ott');
    await answerQuickInput(page, 'When should the enrollment expire?', '24 h');
    await answerQuickInput(page, 'The enrollment JWT is a secret', 'Copy JWT');
    const created = [...enrollments.values()].filter((e) => !before.has(e.id));
    assert.strictEqual(created.length, 1, 'exactly one enrollment was created on the controller');
    assert.strictEqual(created[0].method, 'ott');
    assert.strictEqual(created[0].identityId, identityId, `the enrollment is for ${identity}`);
    let clip = '';
    const deadline = Date.now() + 15_000;
    while (!/^eyJ/.test(clip) && Date.now() < deadline) {
      clip = await page.evaluate(() => navigator.clipboard.readText()).catch(() => '');
      await page.waitForTimeout(200);
    }
    assert.match(clip, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'the clipboard holds the enrollment JWT');
    const [, payload] = clip.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { em: string; sub: string; jti: string };
    assert.strictEqual(claims.em, 'ott');
    assert.strictEqual(claims.sub, identityId, `the JWT enrolls the chosen identity ${identity}`);
    assert.strictEqual(claims.jti, created[0].token, 'the JWT is the new enrollment\'s');
    await setPaneExpanded(page, 'Sessions', false);
    await setPaneExpanded(page, 'Enrollments', true);
    await scrollToRow(page, 'Enrollments', identity); // the Enrollments view is short: the row may need scrolling to
    await screenshot(page, 'ziti-enrollments');
  });

  it('shows hostile names as text in every view and panel: no console error, no CSP refusal', async () => {
    const page = s.page;
    const d = data();
    // Enrollments: the hostile identity's row, its tooltip, its QR code panel (the other views closed for room).
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Sessions', false);
    await setPaneExpanded(page, 'Enrollments', true);
    const enrollRow = await scrollToRow(page, 'Enrollments', HOSTILE.enrolling);
    await enrollRow.hover();
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    await clickContextMenuItem(page, enrollRow, 'Show Enrollment QR Code');
    await webviewFrame(page).locator('svg.qr').first().waitFor({ state: 'visible', timeout: 30_000 });
    const qrHeading = await webviewFrame(page).locator('h1').first().innerText();
    assert.ok(qrHeading.includes(HOSTILE.enrolling), `the QR panel shows the name as text: ${qrHeading}`);
    await screenshot(page, 'ziti-hostile-qr');
    await setPaneExpanded(page, 'Enrollments', false);

    // Sessions: the hostile identity's API session (row and tooltip), the hostile service's sessions.
    await setPaneExpanded(page, 'Sessions', true);
    await setPaneExpanded(page, 'Environments', false);
    const apiRow = await scrollToRow(page, 'Sessions', HOSTILE.identity);
    await apiRow.hover();
    await page.waitForTimeout(1000);
    await screenshot(page, 'ziti-hostile-sessions');

    // A route path through routers with hostile names, for a session of the hostile service (the name the issue
    // reported: the panel shows it in its last hop and its tab title).
    const dial = [...d.sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length >= 1 && d.services.get(x.serviceId)?.name === ZITI_HOSTILE_SERVICE_NAME);
    assert.ok(dial, 'the sandbox has a Dial session of the hostile service');
    await runFromPalette(page, 'Session Manager: Show Route Path');
    await answerQuickInput(page, 'Session id', dial.id);
    const frame = webviewFrame(page);
    await frame.locator('table').first().waitFor({ state: 'attached', timeout: 30_000 });
    const table = await frame.locator('table').first().innerText();
    assert.ok(table.includes(HOSTILE.router), `the route path shows the router names as text: ${table.slice(0, 300)}`);
    assert.ok(table.includes(ZITI_HOSTILE_SERVICE_NAME), `the route path shows the service name as text: ${table.slice(0, 300)}`);
    await page.waitForTimeout(500);
    await screenshot(page, 'ziti-hostile-route-path');

    // Environments: the controller's (hostile) version string, row and tooltip.
    await setPaneExpanded(page, 'Sessions', false);
    await setPaneExpanded(page, 'Environments', true);
    await expandRow(page, 'Lab controller');
    const envRow = page.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-description', { hasText: HOSTILE.version }) }).first();
    await envRow.waitFor({ state: 'visible', timeout: 30_000 });
    await envRow.hover();
    await page.waitForTimeout(1000);
    await screenshot(page, 'ziti-hostile-environments');

    const sinks = heard.filter(isHtmlSink);
    assert.deepStrictEqual(
      sinks.map((h) => `${h.type}: ${h.text.slice(0, 200)}`),
      [],
      'API text never reaches HTML: no CSP refusal, no inline handler',
    );
    const errors = heard.filter((h) => (h.type === 'error' || h.type === 'pageerror') && !UNRELATED_ERRORS.some((re) => re.test(h.text)));
    assert.deepStrictEqual(errors.map((h) => `${h.type}: ${h.text.slice(0, 200)} (${h.url})`), [], 'no console error anywhere in the workbench or its webviews');
  });
});
