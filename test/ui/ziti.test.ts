/// <reference lib="dom" />
import * as assert from 'assert';
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../sandbox/server';
import { addZitiControllerViaPalette, answerModal, answerQuickInput, openSessionManager, runFromPalette, screenshot, setPaneExpanded, treeRow, UiSession, useUiSession, waitForRowText } from './workbench';

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
  identities: Map<string, { name: string }>;
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

/** The webview's own document (VS Code nests it: iframe.webview > iframe#active-frame). */
function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
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

  before(() => {
    s = ui.session();
    sb = ui.sandbox();
  });

  it('signs in to a sandbox controller and shows its sessions', async () => {
    const page = s.page;
    await openSessionManager(page);
    await addZitiControllerViaPalette(page, sb.urls.ziti, 'Lab controller');
    await waitForRowText(page, 'Lab controller', /signed in as/);
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await setPaneExpanded(page, 'Sessions', true);
    const sessions = pane(page, 'Sessions');
    const conn = sessions.locator('.monaco-list-row[role=treeitem]', { hasText: 'Lab controller' }).first();
    await conn.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await conn.getAttribute('aria-expanded')) === 'false') {
      await conn.click();
    }
    const group = sessions.locator('.monaco-list-row[role=treeitem]').filter({ has: page.locator('.label-name', { hasText: /^Sessions$/ }) }).first();
    await group.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await group.getAttribute('aria-expanded')) === 'false') {
      await group.click();
    }
    await sessions.locator('.label-description', { hasText: /(Dial|Bind) · / }).nth(8).waitFor({ state: 'visible', timeout: 30_000 });
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
    await row.click({ button: 'right' });
    const item = page.locator('.context-view .monaco-menu .action-menu-item', { hasText: 'Revoke Session' }).first();
    await item.waitFor({ state: 'visible' });
    await page.waitForTimeout(200);
    await item.click();
    const message = await answerModal(page, /Revoke the/, 'Revoke');
    assert.ok(message.includes(service) && message.includes('Lab controller'), `the modal names the service and controller: ${message}`);
    const deadline = Date.now() + 15_000;
    while (data().sessions.size !== before - 1 && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    assert.strictEqual(data().sessions.size, before - 1, 'exactly one session ended on the controller');
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
    await treeRow(page, identity).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'ziti-enrollments');
  });
});
