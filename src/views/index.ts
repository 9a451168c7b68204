import * as vscode from 'vscode';
import { ExplorerTreeProvider } from '../tree/provider';
import { TreeNode } from '../tree/nodes';
import { Logger } from '../util/log';
import { ConnectionManager } from '../connections/manager';
import { environmentRoots } from './environments';

export const VIEW_IDS = {
  environments: 'sessionManager.environments',
  sessions: 'sessionManager.sessions',
  enrollments: 'sessionManager.enrollments',
} as const;

export type ViewKey = keyof typeof VIEW_IDS;

export interface Views {
  providers: Record<ViewKey, ExplorerTreeProvider>;
  treeViews: Record<ViewKey, vscode.TreeView<TreeNode>>;
  refreshAll(): void;
  /** Sets where a view's roots come from (a feature that owns the view registers them at activation). */
  setRoots(key: ViewKey, roots: () => TreeNode[] | Promise<TreeNode[]>): void;
}

/**
 * Creates the three views: Environments (backends → connections → environments), Sessions and Enrollments. A view
 * without roots shows its welcome content.
 */
export function createViews(context: vscode.ExtensionContext, log: Logger, manager: ConnectionManager): Views {
  const roots: Record<ViewKey, () => TreeNode[] | Promise<TreeNode[]>> = {
    environments: () => environmentRoots(manager),
    // The Sessions and Enrollments features set their roots when they register (src/features/sessions/register.ts,
    // src/features/ziti/enrollments/register.ts): this machinery never imports a layer above it.
    sessions: () => [],
    enrollments: () => [],
  };
  const providers = {} as Record<ViewKey, ExplorerTreeProvider>;
  const treeViews = {} as Record<ViewKey, vscode.TreeView<TreeNode>>;
  for (const key of Object.keys(VIEW_IDS) as ViewKey[]) {
    const provider = new ExplorerTreeProvider(VIEW_IDS[key], () => roots[key](), log);
    const treeView = vscode.window.createTreeView(VIEW_IDS[key], {
      treeDataProvider: provider,
      showCollapseAll: true,
      canSelectMany: key !== 'environments',
    });
    providers[key] = provider;
    treeViews[key] = treeView;
    context.subscriptions.push(provider, treeView);
  }
  return {
    providers,
    treeViews,
    setRoots: (key, fn) => {
      roots[key] = fn;
      providers[key].refresh();
    },
    refreshAll: () => {
      for (const p of Object.values(providers)) {
        p.refresh();
      }
    },
  };
}
