import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { registerCommand } from '../../../commands/registerCommand';
import { enrollmentRootId, EnrollmentsView, GROUP_BY_SETTING, PAGE_SIZE_SETTING } from './view';
import { registerRoutePath } from '../routePath/register';
import { EnrollmentCommands } from './commands';
import { QrPanels } from './qrPanel';

/** Registers the Enrollments view (its state and roots), its commands, the QR code panel and the route-path panel. */
export function registerZitiEnrollments(deps: ExtensionDeps): void {
  registerRoutePath(deps);

  const provider = deps.views.providers.enrollments;
  // The view's state (what each controller's list has loaded), shared by its roots and its commands.
  const view = new EnrollmentsView(deps.manager, () => provider);
  deps.views.setRoots('enrollments', () => view.roots());
  // The QR panel's buttons are our own UI: they call the commands directly (not through executeCommand, where a
  // named enrollment asks for consent before its JWT reaches the clipboard).
  const qr: QrPanels = new QrPanels(deps, { copy: (ref): Promise<boolean> => commands.copyFromPanel(ref), save: (ref): Promise<string | undefined> => commands.save(ref) });
  const commands: EnrollmentCommands = new EnrollmentCommands(deps, view, qr);
  deps.context.subscriptions.push(
    // New, edited or removed connections change the roots; a sign-out or sign-in changes a root's subtree.
    deps.manager.store.onDidChange(() => {
      view.forget();
      provider.refresh();
    }),
    deps.manager.onDidChangeState((id) => {
      const kind = deps.manager.state(id).kind;
      if (kind === 'signedOut' || kind === 'expired') {
        view.forget(id);
        provider.refreshById(enrollmentRootId(id));
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(PAGE_SIZE_SETTING)) {
        // A new page size starts every controller's list over from its first page.
        view.forget();
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
