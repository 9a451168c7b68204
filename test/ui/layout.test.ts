/// <reference lib="dom" />
// The Session Manager sidebar at the workbench's default width, the Get Started walkthrough completing as the person
// goes, and a route path panel that is hidden behind another tab and shown again.
import * as assert from 'assert';
import type { Locator, Page } from 'playwright-core';
import { addZitiControllerViaPalette, answerModal, answerQuickInput, clickContextMenuItem, expandServiceSessions, runFromPalette, screenshot, UiSession, useUiSession, waitForRowText, webviewFrame } from './workbench';

interface ZitiData {
  sessions: Map<string, { id: string; type: 'Dial' | 'Bind'; serviceId: string; routePath: string[] }>;
  services: Map<string, { name: string }>;
}

function pane(page: Page, title: string): Locator {
  return page.locator('.pane').filter({ has: page.locator(`.pane-header[aria-label^="${title}"]`) }).first();
}

/** Opens the walkthrough through the Welcome page's own command and returns its step buttons. */
async function openWalkthrough(page: Page): Promise<Locator> {
  await runFromPalette(page, 'Welcome: Open Walkthrough...');
  await answerQuickInput(page, /walkthrough/i, 'Get Started with Session Manager');
  const steps = page.locator('.getting-started-step');
  await steps.filter({ hasText: 'Add a connection' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  return steps;
}

async function doneSteps(steps: Locator): Promise<string[]> {
  return steps.evaluateAll((els) =>
    els
      .filter((e) => e.classList.contains('complete') || e.querySelector('.codicon-pass-filled, .complete') !== null)
      .map((e) => ((e.querySelector('.step-title, h3') as HTMLElement | null)?.innerText ?? (e as HTMLElement).innerText).trim().split('\n')[0]),
  );
}

async function waitForDone(page: Page, steps: Locator, title: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  let done: string[] = [];
  while (Date.now() < deadline) {
    done = await doneSteps(steps);
    if (done.includes(title)) {
      return done;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`the step "${title}" never completed (done: ${done.join(', ')})`);
}

describe('workbench UI: sidebar layout, Get Started walkthrough, route path panel shown again', function () {
  this.timeout(300_000);
  let s: UiSession;
  const ui = useUiSession('ui-layout', { backends: ['ziti'] }, { prefix: 'failed-layout-', beforeShot: async (page) => page.keyboard.press('Escape').catch(() => undefined) });
  const data = (): ZitiData => (ui.sandbox().state.ziti.state as { data: ZitiData }).data;

  before(() => {
    s = ui.session();
  });

  it('a newcomer opens the Get Started walkthrough: four steps, none done yet', async () => {
    // Opened first, as VS Code does for a newly installed extension: the walkthrough service then sees each step's
    // context key change. (A key that is already true when that service starts never ticks its step: VS Code records
    // it as seen without progressing the step.)
    const page = s.page;
    const steps = await openWalkthrough(page);
    const titles = (await steps.allInnerTexts()).map((t) => t.trim().split('\n')[0]);
    for (const t of ['Add a connection', 'See the live sessions', 'Revoke a session', 'Open a route path']) {
      assert.ok(titles.some((x) => x.startsWith(t)), `step ${t} in [${titles.join(' | ')}]`);
    }
    assert.deepStrictEqual(await doneSteps(steps), [], 'nothing is done before the person did it');
    await screenshot(page, 'walkthrough-none-done');
  });

  it('at the default sidebar width, Sessions gets most of the height, Enrollments starts collapsed, and session labels are not cut', async () => {
    const page = s.page;
    // The activity bar item, without widening the sidebar (the default width is what a newcomer has).
    const item = page.locator('.activitybar .action-item a[aria-label^="Session Manager"], .activitybar .action-label[aria-label^="Session Manager"]').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    await page.locator('.pane-header[aria-label^="Sessions"]').first().waitFor({ state: 'visible', timeout: 30_000 });
    await addZitiControllerViaPalette(page, ui.sandbox().urls.ziti, 'Lab controller');
    await waitForRowText(page, 'Lab controller', /signed in as/);
    const sessions = await expandServiceSessions(page, 'Lab controller', 5);
    await page.waitForTimeout(500);
    const shot = await screenshot(page, 'layout-default-width');
    const sidebar = await page.locator('.part.sidebar').first().boundingBox();
    const sessionsBox = await sessions.boundingBox();
    assert.ok(sidebar && sessionsBox);
    assert.ok(sidebar.width < 400, `the default sidebar width (${sidebar.width} px)`);
    assert.ok(sessionsBox.height >= sidebar.height * 0.5, `Sessions has ${Math.round(sessionsBox.height)} of ${Math.round(sidebar.height)} px (${shot})`);
    assert.strictEqual(await page.locator('.pane-header[aria-label^="Enrollments"]').first().getAttribute('aria-expanded'), 'false', 'Enrollments starts collapsed');
    // Session rows: the label (the service) is whole; only the description may be cut.
    const cut = await sessions.locator('.monaco-list-row[role=treeitem][aria-level="3"]').evaluateAll((rows) =>
      rows
        .map((r) => {
          const name = r.querySelector('.label-name') as HTMLElement | null;
          const box = r.querySelector('.monaco-icon-label-container') as HTMLElement | null;
          return name && box && name.getBoundingClientRect().right > box.getBoundingClientRect().right + 1 ? name.innerText : undefined;
        })
        .filter((x): x is string => x !== undefined),
    );
    assert.deepStrictEqual(cut, [], `labels cut at the default width (${shot})`);
  });

  it('the Get Started walkthrough ticks each step when the person has done it', async () => {
    const page = s.page;
    const steps = await openWalkthrough(page);
    // A connection exists and the Sessions view was open: those two are done, the other two are not.
    await waitForDone(page, steps, 'Add a connection');
    let done = await waitForDone(page, steps, 'See the live sessions');
    assert.ok(!done.includes('Revoke a session') && !done.includes('Open a route path'), `done too early: ${done.join(', ')}`);
    await screenshot(page, 'walkthrough-two-done');

    // Revoke a session from the Sessions view.
    const item = page.locator('.activitybar .action-item a[aria-label^="Session Manager"], .activitybar .action-label[aria-label^="Session Manager"]').first();
    if (!(await pane(page, 'Sessions').isVisible())) {
      await item.click();
    }
    const row = pane(page, 'Sessions')
      .locator('.monaco-list-row[role=treeitem]')
      .filter({ has: page.locator('.label-description', { hasText: /Bind · / }) })
      .first();
    await clickContextMenuItem(page, row, 'Revoke Session');
    await answerModal(page, /Revoke the/, 'Revoke');

    // Open a route path: a Dial session with a live circuit.
    const dial = [...data().sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length >= 2);
    assert.ok(dial);
    await runFromPalette(page, 'Session Manager: Show Route Path');
    await answerQuickInput(page, 'Session id', dial.id);
    await webviewFrame(page).locator('svg').first().waitFor({ state: 'visible', timeout: 30_000 });

    const again = await openWalkthrough(page);
    await waitForDone(page, again, 'Revoke a session');
    done = await waitForDone(page, again, 'Open a route path');
    assert.strictEqual(done.length, 4, `all four done: ${done.join(', ')}`);
    await screenshot(page, 'walkthrough-all-done');
  });

  it('a route path panel hidden behind another tab renders again and leaves "Loading…"; the no-circuit case too', async () => {
    const page = s.page;
    const dial = [...data().sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length >= 2);
    assert.ok(dial);
    const service = data().services.get(dial.serviceId)?.name ?? '';
    // The walkthrough tab is active: the route path panel from the last test is hidden. Show it again by its tab.
    const tab = page.locator('.tabs-container .tab', { hasText: `Route path: ${service} (${dial.id})` }).first();
    await tab.waitFor({ state: 'visible', timeout: 15_000 });
    await tab.click();
    const frame = webviewFrame(page);
    await frame.locator('svg').first().waitFor({ state: 'visible', timeout: 30_000 });
    await frame.locator('#status', { hasText: /^Updated \d\d:\d\d:\d\d UTC$/ }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await frame.locator('#source').innerText(), /live circuit/);
    await screenshot(page, 'route-path-shown-again');

    const idle = [...data().sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length === 0);
    assert.ok(idle, 'the sandbox has a Dial session without a circuit');
    await runFromPalette(page, 'Session Manager: Show Route Path');
    await answerQuickInput(page, 'Session id', idle.id);
    const idleFrame = webviewFrame(page);
    await idleFrame.locator('#notice', { hasText: 'No live circuit' }).waitFor({ state: 'visible', timeout: 30_000 });
    await idleFrame.locator('#status', { hasText: /^Updated \d\d:\d\d:\d\d UTC$/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'route-path-no-circuit');
  });
});
