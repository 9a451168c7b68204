import type * as vscode from 'vscode';
import type { ConnectionManager } from './connections/manager';
import type { Logger } from './util/log';
import type { UserInput } from './ui/input';
import type { Views } from './views/index';
import type { DetailsProvider } from './views/details';
import type { PanelHost } from './webviews/panelHost';
import type { SessionsEnded } from './backends/sessionSource';

/** What feature modules get from activate(): register commands, read connections, refresh views. */
export interface ExtensionDeps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  log: Logger;
  /** The current UserInput (the real QuickInput, or a test's queue). */
  ui(): UserInput;
  views: Views;
  details: DetailsProvider;
  /** Sessions that ended through Session Manager: the Sessions view fires it, panels and the walkthrough listen. */
  sessionsEnded: vscode.EventEmitter<SessionsEnded>;
  /** Opens webview panels (src/webviews/panelHost.ts). */
  panels: PanelHost;
}
