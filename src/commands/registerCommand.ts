import * as vscode from 'vscode';
import { Logger } from '../util/log';
import { UserCancelled } from '../ui/input';

/**
 * Registers a command with the behaviour every Session Manager command shares: errors are logged and shown
 * with a "Show Logs" action, a cancelled prompt stays silent, and the handler's result is returned so tests
 * can assert on it.
 */
export function registerCommand(
  context: vscode.ExtensionContext,
  log: Logger,
  id: string,
  handler: (...args: any[]) => unknown, // eslint-disable-line @typescript-eslint/no-explicit-any
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        if (e instanceof UserCancelled || (e instanceof vscode.CancellationError)) {
          log.debug(`${id}: cancelled`);
          return undefined;
        }
        const message = e instanceof Error ? e.message : String(e);
        log.commandFailed(id, message);
        const showLogs = vscode.l10n.t('Show Logs');
        void vscode.window.showErrorMessage(message, showLogs).then((choice) => {
          if (choice === showLogs) {
            log.show();
          }
        });
        return undefined;
      }
    }),
  );
}
