// The one Sessions view: its roots, badge, description, auto-refresh while visible, and commands, for every backend
// whose module has a session source.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import type { BackendKind } from '../../model/connection';
import type { SessionBackendModule } from '../../backends/sessionSource';
import { registerCommand } from '../../commands/registerCommand';
import { AutoRefreshSchedule } from '../../util/schedule';
import { FILTERED_CONTEXT_KEY, SessionsState } from './state';
import { connectionRoots, type ConnectionNode } from './nodes';
import * as cmd from './commands';
import { registerSessionPath } from './sessionPath';

/** The Sessions view's state and schedule, for the wiring (other features) and the integration tests. */
export interface SessionsFeature {
  state: SessionsState;
  connectionNodes: Map<string, ConnectionNode>;
  autoRefresh: AutoRefreshSchedule;
  /** How many automatic refreshes ran. */
  autoRefreshCount(): number;
}

export function registerSessions(deps: ExtensionDeps, modules: Partial<Record<BackendKind, SessionBackendModule>>): SessionsFeature {
  const { context, log, views } = deps;
  const provider = views.providers.sessions;
  const treeView = views.treeViews.sessions;
  const state = new SessionsState(deps.manager, log, deps.details, context.workspaceState, modules, () => provider, deps.sessionsEnded);
  const connectionNodes = new Map<string, ConnectionNode>();
  context.subscriptions.push(state);
  views.setRoots('sessions', () => connectionRoots(state, connectionNodes));

  const updateBadge = (): void => {
    const n = state.badgeValue();
    treeView.badge =
      n === undefined ? undefined : { value: n, tooltip: n === 1 ? vscode.l10n.t('1 active session') : vscode.l10n.t('{0} active sessions', n.toLocaleString('en-US')) };
  };
  const updateViewState = (): void => {
    const f = state.anyFilter();
    treeView.description = f.length > 0 ? vscode.l10n.t('filter: {0}', f.join('; ')) : undefined;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT_KEY, f.length > 0);
    updateBadge();
  };
  updateViewState();
  context.subscriptions.push(
    // The connection rows are redrawn with their counts by the commands that change them (a revoke), never from
    // here: a redraw crossing the workbench's own fetch of a list would leave rows it no longer resolves.
    state.onDidChangeTotals(() => updateBadge()),
  );

  const connectionsSignature = (): string => JSON.stringify(state.connections().map((c) => [c.id, c.label, c.endpoints, Boolean(c.production)]));
  let lastSignature = connectionsSignature();
  context.subscriptions.push(
    // A connection whose sign-in state changes between "signed in", "signing in" and the rest re-renders.
    deps.manager.onDidChangeState((id) => {
      const node = connectionNodes.get(id);
      if (node && node.rendered !== undefined && node.rendered !== node.mode()) {
        if (node.mode() !== 'entries') {
          state.dropTotal(id);
        }
        if (!provider.refreshById(node.id)) {
          provider.refresh();
        }
      } else if (!node && deps.manager.store.get(id) && state.connections().some((c) => c.id === id)) {
        provider.refresh();
      }
      updateBadge();
    }),
    // Only a change of the connections themselves rebuilds the roots (a saved token does not).
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
  const cmdDeps: cmd.SessionCommandDeps = { ...deps, state, connectionNodes, updateViewState };
  context.subscriptions.push(
    autoRefresh,
    treeView.onDidChangeVisibility((e) => autoRefresh.setVisible(e.visible)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sessionManager.autoRefreshSeconds')) {
        autoRefresh.setSeconds(readSeconds());
      }
      const grouping = Object.keys(modules).some((b) => e.affectsConfiguration(`sessionManager.${b}.sessionGroupBy`));
      if (grouping || e.affectsConfiguration('sessionManager.pageSize') || e.affectsConfiguration('sessionManager.pingone.staleAfterHours')) {
        void cmd.refreshLists(cmdDeps);
      }
    }),
  );

  const reg = (id: string, handler: (...args: any[]) => unknown): void => registerCommand(context, log, id, handler); // eslint-disable-line @typescript-eslint/no-explicit-any
  reg('sessionManager.filter', (arg?: unknown) => cmd.setFilter(cmdDeps, arg));
  reg('sessionManager.clearFilter', (arg?: unknown) => cmd.clearFilter(cmdDeps, arg));
  reg('sessionManager.groupSessionsBy', (by?: unknown) => cmd.setGrouping(cmdDeps, by));
  reg('sessionManager.sortSessions', (order?: unknown) => cmd.setOrder(cmdDeps, order));
  reg('sessionManager.revokeSession', (node?: unknown, nodes?: unknown) => cmd.revokeSessions(cmdDeps, node, nodes));
  // A Cohesity principal's row: the same revoke, titled for what it does (every session of that user).
  reg('sessionManager.revokeUserSessions', (node?: unknown, nodes?: unknown) => cmd.revokeSessions(cmdDeps, node, nodes));
  reg('sessionManager.revokeApiSession', (node?: unknown, nodes?: unknown) => cmd.endLogins(cmdDeps, node, nodes));
  reg('sessionManager.revokeAllSessions', (node?: unknown) => cmd.revokeAll(cmdDeps, node));
  reg('sessionManager.revokeAllMatching', (node?: unknown) => cmd.revokeAllMatching(cmdDeps, node));
  reg('sessionManager.copyId', (node?: unknown) => cmd.copyId(cmdDeps, node));
  reg('sessionManager.copyJson', (node?: unknown) => cmd.copyJson(cmdDeps, node));
  reg('sessionManager.findSession', (id?: unknown) => cmd.findSession(cmdDeps, id));
  registerSessionPath(deps, state);

  return { state, connectionNodes, autoRefresh, autoRefreshCount: () => autoCount };
}
