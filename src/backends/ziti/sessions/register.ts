import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { registerCommand } from '../../../commands/registerCommand';
import { setSessionRootsBuilder } from '../../../views/sessions';
import { FILTERED_CONTEXT_KEY, SessionsContext } from './context';
import { zitiSessionRoots, type ZitiControllerNode } from './nodes';
import { AutoRefreshSchedule } from './pure';
import * as cmd from './commands';

/** The Sessions view state and commands, exposed to the integration tests through the testing API. */
export interface ZitiSessionsApi {
  ctx: SessionsContext;
  controllers: Map<string, ZitiControllerNode>;
  autoRefresh: AutoRefreshSchedule;
  /** How many automatic refreshes ran (tests). */
  autoRefreshCount(): number;
}

let current: ZitiSessionsApi | undefined;

/** The live module state (tests only read it through the testing API). */
export function zitiSessionsApi(): ZitiSessionsApi | undefined {
  return current;
}

/** Registers the OpenZiti session commands and the Sessions view behaviour. */
export function registerZitiSessions(deps: ExtensionDeps): void {
  const { context, log, views } = deps;
  const provider = views.providers.sessions;
  const treeView = views.treeViews.sessions;
  const ctx = new SessionsContext(deps.manager, log, deps.details, context.workspaceState, () => provider);
  const controllers = new Map<string, ZitiControllerNode>();
  context.subscriptions.push(ctx);
  setSessionRootsBuilder(() => zitiSessionRoots(ctx, controllers));

  const updateBadge = (): void => {
    const n = ctx.badgeValue();
    treeView.badge = n === undefined ? undefined : { value: n, tooltip: `${n.toLocaleString('en-US')} active session${n === 1 ? '' : 's'}` };
  };
  const updateViewState = (): void => {
    const f = ctx.filterText;
    treeView.description = f ? `filter: ${f}` : undefined;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT_KEY, Boolean(f));
    updateBadge();
  };
  updateViewState();
  context.subscriptions.push(ctx.onDidChangeTotals(updateBadge));

  const connectionsSignature = (): string => JSON.stringify(ctx.zitiConnections().map((c) => [c.id, c.label, c.endpoints.url, Boolean(c.production)]));
  let lastSignature = connectionsSignature();
  // A controller whose sign-in state changes between "signed in", "signing in" and the rest re-renders.
  context.subscriptions.push(
    deps.manager.onDidChangeState((id) => {
      const node = controllers.get(id);
      if (node && node.rendered !== undefined && node.rendered !== node.mode()) {
        if (node.mode() !== 'groups') {
          ctx.dropTotal(id);
        }
        if (!provider.refreshById(node.id)) {
          provider.refresh();
        }
      } else if (!node && deps.manager.store.get(id)?.backend === 'ziti') {
        provider.refresh();
      }
      updateBadge();
    }),
    // Only a change of the OpenZiti connections themselves rebuilds the roots (a saved token does not).
    deps.manager.store.onDidChange(() => {
      const sig = connectionsSignature();
      if (sig !== lastSignature) {
        lastSignature = sig;
        provider.refresh();
      }
    }),
  );

  // Auto-refresh only while the view is visible.
  let autoCount = 0;
  const autoRefresh = new AutoRefreshSchedule(() => {
    autoCount++;
    log.debug('Sessions view: auto-refresh');
    provider.refresh();
  });
  const readSeconds = (): number => vscode.workspace.getConfiguration('sessionManager').get<number>('autoRefreshSeconds', 60);
  autoRefresh.setSeconds(readSeconds());
  autoRefresh.setVisible(treeView.visible);
  context.subscriptions.push(
    autoRefresh,
    treeView.onDidChangeVisibility((e) => autoRefresh.setVisible(e.visible)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sessionManager.autoRefreshSeconds')) {
        autoRefresh.setSeconds(readSeconds());
      }
      if (e.affectsConfiguration('sessionManager.ziti.sessionGroupBy') || e.affectsConfiguration('sessionManager.pageSize')) {
        void cmd.refreshSessionGroups(cmdDeps);
      }
    }),
  );

  const cmdDeps: cmd.SessionCommandDeps = { ...deps, ctx, controllers, updateViewState };
  const reg = (id: string, handler: (...args: any[]) => unknown): void => registerCommand(context, log, id, handler); // eslint-disable-line @typescript-eslint/no-explicit-any
  reg('sessionManager.filter', (text?: unknown) => cmd.setFilter(cmdDeps, text));
  reg('sessionManager.clearFilter', () => cmd.clearFilter(cmdDeps));
  reg('sessionManager.groupSessionsBy', (by?: unknown) => cmd.groupBy(cmdDeps, by));
  reg('sessionManager.revokeSession', (node?: unknown, nodes?: unknown) => cmd.revokeSessions(cmdDeps, node, nodes));
  reg('sessionManager.revokeApiSession', (node?: unknown, nodes?: unknown) => cmd.revokeApiSessions(cmdDeps, node, nodes));
  reg('sessionManager.copyId', (node?: unknown) => cmd.copyId(cmdDeps, node));
  reg('sessionManager.copyJson', (node?: unknown) => cmd.copyJson(cmdDeps, node));
  reg('sessionManager.findSession', (id?: unknown) => cmd.findSession(cmdDeps, id));

  current = { ctx, controllers, autoRefresh, autoRefreshCount: () => autoCount };
  context.subscriptions.push({ dispose: () => setSessionRootsBuilder(undefined) });
}
