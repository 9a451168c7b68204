import * as vscode from 'vscode';
import { Logger } from './util/log';
import { createViews, Views } from './views/index';
import { registerCommand } from './commands/registerCommand';
import * as connectionCommands from './commands/connections';
import { ConnectionStore } from './connections/store';
import { ConnectionManager } from './connections/manager';
import { prompterFor } from './connections/prompter';
import { BACKEND_MODULES } from './backends/registry';
import { BACK, UserInput, VsCodeInput } from './ui/input';
import { DETAILS_SCHEME, DetailsProvider, hasDetails } from './views/details';
import { isPageable, TreeNode } from './tree/nodes';
import { ConnectionNode } from './views/environments';
import { ExtensionDeps } from './deps';
import { registerSessions, type SessionsFeature } from './features/sessions/register';
import { registerSessionTrail } from './features/pingone/trail';
import { registerAptibleCancelOperation } from './features/aptible/cancelOperation';
import { registerAptibleFindOperation } from './features/aptible/findOperation';
import { registerCohesityClusterRevoke } from './features/cohesity/revokeCluster';
import { registerCohesityFindUser } from './features/cohesity/findUser';
import type { SessionsEnded } from './backends/sessionSource';
import { registerZitiEnrollments } from './features/ziti/enrollments/register';
import { registerWalkthrough } from './walkthrough';
import { WebviewRegistry } from './webviews/registry';
import { PanelHost } from './webviews/panelHost';
import { addTryConnections } from './dev/trySandbox';

/** True in development builds only (esbuild.js); the production bundle (the .vsix) drops what it guards. */
declare const SM_DEV_BUILD: boolean;

/** What activate() returns while the extension runs under its own tests (never in normal use). */
export interface TestingApi {
  views: Views;
  log: Logger;
  secrets: vscode.SecretStorage;
  store: ConnectionStore;
  manager: ConnectionManager;
  details: DetailsProvider;
  /** Answers prompts from tests instead of the QuickInput; pass undefined to restore. */
  setUserInput(ui: UserInput | undefined): void;
  /** Failures the command wrapper showed, newest last. */
  recentErrors: { id: string; message: string }[];
  /** The Back sentinel of the bundled extension (a test's own import of src/ui/input would be another module). */
  BACK: typeof BACK;
  /** Open webview panels (route path, enrollment QR): their HTML and the messages they were sent. */
  webviews: WebviewRegistry;
  /** The Sessions view's state (filters, sources per connection, rows, counts) and auto-refresh. */
  sessions: SessionsFeature;
}

/** Wiring only: no network I/O and no heavy work happens here. */
export function activate(context: vscode.ExtensionContext): { testing?: TestingApi } {
  const log = new Logger(vscode.window.createOutputChannel('Session Manager', { log: true }));
  context.subscriptions.push(log);

  const realUi = new VsCodeInput();
  let ui: UserInput = realUi;
  const getUi = (): UserInput => ui;

  const store = new ConnectionStore(context.globalState, context.secrets);
  const manager = new ConnectionManager(store, log, BACKEND_MODULES, prompterFor(getUi));
  context.subscriptions.push(store, manager);

  const views = createViews(context, log, manager);
  const details = new DetailsProvider();
  context.subscriptions.push(details, vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details));

  const updateContext = (): void => {
    const list = store.list();
    void vscode.commands.executeCommand('setContext', 'sessionManager.hasConnections', list.length > 0);
    for (const p of store.problems) {
      log.warn(p);
    }
  };
  updateContext();
  context.subscriptions.push(
    store.onDidChange((id) => {
      updateContext();
      if (!id || !views.providers.environments.refreshById(`conn/${id}`)) {
        views.providers.environments.refresh();
      }
    }),
    // A connection's state shows on its own node only; a node the view does not hold needs no refresh.
    manager.onDidChangeState((id) => views.providers.environments.refreshById(`conn/${id}`)),
  );

  const reveal = async (connectionId: string): Promise<void> => {
    const provider = views.providers.environments;
    for (const backend of await provider.getChildren()) {
      for (const node of await provider.getChildren(backend)) {
        if (node instanceof ConnectionNode && node.connectionId === connectionId) {
          await views.treeViews.environments.reveal(node, { select: true, focus: false, expand: true });
          return;
        }
      }
    }
  };
  const deps: connectionCommands.ConnectionCommandDeps = { manager, log, ui: getUi, refresh: () => views.refreshAll(), reveal };
  const reg = (id: string, handler: (...args: any[]) => unknown): void => registerCommand(context, log, id, handler); // eslint-disable-line @typescript-eslint/no-explicit-any

  reg('sessionManager.showLogs', () => {
    log.show();
    return true;
  });
  reg('sessionManager.refresh', (node?: TreeNode) => {
    if (node && node.id) {
      for (const p of Object.values(views.providers)) {
        p.refreshById(node.id);
      }
    } else {
      views.refreshAll();
    }
    return true;
  });
  reg('sessionManager.retry', (node?: TreeNode) => {
    // Retry on an error node reloads its parent; on a connection, signs in again.
    const target = node instanceof ConnectionNode ? node : node?.parent;
    if (target instanceof ConnectionNode) {
      manager.forget(target.connectionId);
    }
    for (const p of Object.values(views.providers)) {
      if (!target || !p.refreshById(target.id)) {
        p.refresh();
      }
    }
    return true;
  });
  reg('sessionManager.loadMore', async (node?: TreeNode) => {
    if (isPageable(node)) {
      await node.loadMore();
      return true;
    }
    return false;
  });
  reg('sessionManager.loadAll', async (node?: TreeNode) => {
    const target = node && !isPageable(node) ? node.parent : node;
    if (isPageable(target)) {
      // Can take long: a progress notification whose Cancel stops paging (what was read stays).
      const title = target.pagedWhat ? vscode.l10n.t('Loading all {0}…', target.pagedWhat) : vscode.l10n.t('Loading all items…');
      await getUi().progress(title, (signal) => target.loadAll(signal));
      return true;
    }
    return false;
  });
  reg('sessionManager.showDetails', async (node?: TreeNode) => {
    if (!hasDetails(node)) {
      throw new Error(vscode.l10n.t('Show Details works on an item in a Session Manager view.'));
    }
    await details.show(node);
    return true;
  });
  reg('sessionManager.addConnection', (backend?: unknown) => connectionCommands.addConnection(deps, backend));
  reg('sessionManager.editConnection', (node?: unknown) => connectionCommands.editConnection(deps, node));
  reg('sessionManager.removeConnection', (node?: unknown) => connectionCommands.removeConnection(deps, node));
  reg('sessionManager.signIn', (node?: unknown) => connectionCommands.signIn(deps, node));
  reg('sessionManager.signOut', (node?: unknown) => connectionCommands.signOut(deps, node));
  reg('sessionManager.testConnection', (node?: unknown) => connectionCommands.testConnection(deps, node));
  reg('sessionManager.trustCertificate', (node?: unknown) => connectionCommands.trustCertificate(deps, node));

  // Every webview panel goes through the one host; the registry lists the open ones (for the tests).
  const webviews = new WebviewRegistry();
  const panels = new PanelHost(context.extensionUri, log, webviews);
  const sessionsEnded = new vscode.EventEmitter<SessionsEnded>();
  context.subscriptions.push(panels, sessionsEnded);
  const featureDeps: ExtensionDeps = { context, manager, log, ui: getUi, views, details, sessionsEnded, panels };
  const sessions = registerSessions(featureDeps, BACKEND_MODULES);
  registerZitiEnrollments(featureDeps);
  registerSessionTrail(featureDeps, sessions.state);
  registerAptibleCancelOperation(featureDeps, sessions.state);
  registerAptibleFindOperation(featureDeps, sessions.state);
  registerCohesityClusterRevoke(featureDeps, sessions.state);
  registerCohesityFindUser(featureDeps, sessions.state);
  registerWalkthrough(featureDeps);

  log.info(`Session Manager ${context.extension.packageJSON.version as string} activated`);
  if (SM_DEV_BUILD) {
    // `npm run try`: the sandbox connections of this run (development builds only, see src/dev/trySandbox.ts).
    void addTryConnections(deps, context.globalState).catch((e) => log.warn(`npm run try: ${String(e)}`));
  }
  if (context.extensionMode !== vscode.ExtensionMode.Test) {
    return {};
  }
  return {
    testing: {
      views,
      log,
      secrets: context.secrets,
      store,
      manager,
      details,
      BACK,
      recentErrors: log.recentFailures,
      webviews,
      sessions,
      setUserInput: (next) => {
        ui = next ?? realUi;
      },
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
