import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { registerCommand } from '../../../commands/registerCommand';
import { enrollmentRootId, forgetLoadedEnrollments, GROUP_BY_SETTING, PAGE_SIZE_SETTING, setEnrollmentViewRefresher } from './view';
import { registerRoutePath } from '../routePath/register';
import { EnrollmentCommands } from './commands';
import { QrPanels } from './qrPanel';

/** Registers the OpenZiti enrollment commands, the QR code panel and the route-path panel. */
export function registerZitiEnrollments(deps: ExtensionDeps): void {
  registerRoutePath(deps);

  const provider = deps.views.providers.enrollments;
  setEnrollmentViewRefresher((node) => provider.refresh(node));
  // The QR panel's buttons are our own UI: they call the commands directly (not through executeCommand, where a
  // named enrollment asks for consent before its JWT reaches the clipboard).
  const qr: QrPanels = new QrPanels(deps, { copy: (ref): Promise<boolean> => commands.copyFromPanel(ref), save: (ref): Promise<string | undefined> => commands.save(ref) });
  const commands: EnrollmentCommands = new EnrollmentCommands(deps, qr);
  deps.context.subscriptions.push(
    qr,
    // New, edited or removed connections change the roots; a sign-out or sign-in changes a root's subtree.
    deps.manager.store.onDidChange(() => {
      forgetLoadedEnrollments();
      provider.refresh();
    }),
    deps.manager.onDidChangeState((id) => {
      const kind = deps.manager.state(id).kind;
      if (kind === 'signedOut' || kind === 'expired') {
        forgetLoadedEnrollments(id);
        provider.refreshById(enrollmentRootId(id));
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(PAGE_SIZE_SETTING)) {
        // A new page size starts every controller's list over from its first page.
        forgetLoadedEnrollments();
        provider.refresh();
      } else if (e.affectsConfiguration(GROUP_BY_SETTING)) {
        provider.refresh();
      }
    }),
  );

  const reg = (id: string, handler: (arg?: unknown) => unknown): void => registerCommand(deps.context, deps.log, id, handler);
  reg('sessionManager.createEnrollment', (arg) => commands.create(arg));
  reg('sessionManager.refreshEnrollment', (arg) => commands.refresh(arg));
  reg('sessionManager.deleteEnrollment', (arg) => commands.delete(arg));
  reg('sessionManager.copyEnrollmentJwt', (arg) => commands.copy(arg));
  reg('sessionManager.saveEnrollmentJwt', (arg) => commands.save(arg));
  reg('sessionManager.showEnrollmentQr', (arg) => commands.showQr(arg));
  reg('sessionManager.groupEnrollmentsBy', (arg) => commands.groupBy(arg));
}
