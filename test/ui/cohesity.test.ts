/// <reference lib="dom" />
// Cohesity sessions in the real workbench (code-server + Chromium): a cluster added through the palette wizard (its
// self-signed certificate trusted for this connection), the cluster → the principals with their session counts, and
// a revoke of one principal's sessions through the context menu and its modal (screenshots of the modal and of the
// refreshed tree, where the principal is gone).
import * as assert from 'assert';
import type { CohesityState } from '../sandbox/cohesity';
import type { Sandbox } from '../sandbox/server';
import { answerModal, answerQuickInput, clickContextMenuItem, expandTreeRow, openSessionManager, runFromPalette, screenshot, sessionRow, setPaneExpanded, UiSession, useUiSession } from './workbench';

const CONNECTION = 'Cohesity lab';

describe('workbench UI: Cohesity sessions per user, revoke from the context menu', function () {
  this.timeout(300_000);
  let s: UiSession;
  let sb: Sandbox;
  const st = (): CohesityState => sb.state.cohesity.state as CohesityState;

  const ui = useUiSession(
    'ui-cohesity',
    { backends: ['cohesity'] },
    {
      prefix: 'failed-cohesity-',
      beforeShot: async (page) => {
        await page.keyboard.press('Escape').catch(() => undefined);
      },
    },
  );

  before(() => {
    s = ui.session();
    sb = ui.sandbox();
  });

  it("adds a cluster, shows its principals with their counts, and revokes one principal's sessions from the context menu", async () => {
    const page = s.page;
    const c = sb.details.cohesity;
    await openSessionManager(page);
    await runFromPalette(page, 'Session Manager: Add Connection…');
    await answerQuickInput(page, 'Which kind of backend?', 'Cohesity');
    await answerQuickInput(page, 'Cluster address', sb.urls.cohesity);
    await answerModal(page, /not trusted/, 'Trust');
    await answerQuickInput(page, 'A name for this connection', CONNECTION);
    await answerQuickInput(page, 'Is this a production system?', 'Not production');
    await answerQuickInput(page, 'How do you sign in?', 'Username and password');
    await answerQuickInput(page, 'Username', c.credentials.username);
    await answerQuickInput(page, 'Password for', c.credentials.password);
    await answerQuickInput(page, 'Domain', 'LOCAL');
    await setPaneExpanded(page, 'Environments', false);
    await setPaneExpanded(page, 'Enrollments', false);
    await setPaneExpanded(page, 'Sessions', true);

    await expandTreeRow(page, sessionRow(page, CONNECTION));
    await expandTreeRow(page, sessionRow(page, st().cluster.name));
    // An AD user with sessions (not the signed-in admin).
    const counts = new Map<string, number>();
    for (const x of st().sessions.values()) {
      counts.set(x.sid, (counts.get(x.sid) ?? 0) + 1);
    }
    const victim = st().users.find((u) => u.domain !== 'LOCAL' && (counts.get(u.sid) ?? 0) > 0);
    assert.ok(victim, 'an AD user with sessions');
    const n = counts.get(victim.sid)!;
    const target = sessionRow(page, victim.username);
    await target.waitFor({ state: 'visible', timeout: 30_000 });
    const description = (await target.locator('.label-description').first().textContent()) ?? '';
    assert.match(description, new RegExp(`${victim.domain.replace(/\./g, '\\.')} · ${n} sessions?`));
    await screenshot(page, 'cohesity-principals');

    await clickContextMenuItem(page, target, 'Revoke Sessions of User…');
    const sessions = n === 1 ? 'session' : `${n} sessions`;
    const dialog = page.locator('.monaco-dialog-box').filter({ hasText: `Revoke the ${sessions} of ${victim.username} (${victim.domain}) on ${CONNECTION}?` });
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /Cohesity cluster Cohesity lab/);
    await screenshot(page, 'cohesity-revoke-modal');
    await answerModal(page, /Revoke the .* of /, 'Revoke');

    await target.waitFor({ state: 'detached', timeout: 30_000 });
    assert.ok(![...st().sessions.values()].some((x) => x.sid === victim.sid), 'the sessions ended on the cluster');
    await sessionRow(page, 'admin').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'cohesity-after-revoke');
  });
});
