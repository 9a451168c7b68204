import * as vscode from 'vscode';
import { Logger } from './util/log';
import { createViews, Views } from './views';
import { registerCommand } from './commands/registerCommand';

/** What activate() returns while the extension runs under its own tests (never in normal use). */
export interface TestingApi {
  views: Views;
  log: Logger;
  secrets: vscode.SecretStorage;
}

/** Wiring only: no network I/O and no heavy work happens here. */
export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const log = new Logger(vscode.window.createOutputChannel('Session Manager', { log: true }));
  context.subscriptions.push(log);
  const views = createViews(context, log);

  registerCommand(context, log, 'sessionManager.showLogs', () => {
    log.show();
    return true;
  });
  registerCommand(context, log, 'sessionManager.refresh', (node?: unknown) => {
    log.debug('refresh requested');
    if (node === undefined) {
      views.refreshAll();
    }
    return true;
  });
  registerCommand(context, log, 'sessionManager.addConnection', () => {
    void vscode.window.showInformationMessage(
      'Adding connections arrives in the next release of Session Manager. Until then, the sandbox (npm run sandbox) shows what each backend offers.',
    );
    return false;
  });

  log.info(`Session Manager ${context.extension.packageJSON.version as string} activated`);
  return context.extensionMode === vscode.ExtensionMode.Test ? { testing: { views, log, secrets: context.secrets } } : {};
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
