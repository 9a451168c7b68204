import * as vscode from 'vscode';
import { ExplorerTreeProvider } from '../tree/provider';
import { TreeNode } from '../tree/nodes';
import { Logger } from '../util/log';
import { ConnectionManager } from '../connections/manager';
import { environmentRoots } from './environments';
import { sessionRoots } from './sessions';

export const VIEW_IDS = {
  environments: 'sessionManager.environments',
  sessions: 'sessionManager.sessions',
  enrollments: 'sessionManager.enrollments',
} as const;

export type ViewKey = keyof typeof VIEW_IDS;

/** A view's top-level nodes. */
export type ViewRoots = () => TreeNode[] | Promise<TreeNode[]>;

export interface Views {
  providers: Record<ViewKey, ExplorerTreeProvider>;
  treeViews: Record<ViewKey, vscode.TreeView<TreeNode>>;
  refreshAll(): void;
}

/**
 * Creates the three views: Environments (backends → connections → environments), Sessions and Enrollments. A view
 * without roots shows its welcome content. The roots of a view written as a feature (src/features) come from
 * activate(), so this machinery never imports a layer above it.
 */
export function createViews(context: vscode.ExtensionContext, log: Logger, manager: ConnectionManager, featureRoots: { enrollments: ViewRoots }): Views {
  const roots: Record<ViewKey, ViewRoots> = {
    environments: () => environmentRoots(manager),
    sessions: () => sessionRoots(manager),
    enrollments: featureRoots.enrollments,
  };
  const providers = {} as Record<ViewKey, ExplorerTreeProvider>;
  const treeViews = {} as Record<ViewKey, vscode.TreeView<TreeNode>>;
  for (const key of Object.keys(VIEW_IDS) as ViewKey[]) {
    const provider = new ExplorerTreeProvider(VIEW_IDS[key], roots[key], log);
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
    refreshAll: () => {
      for (const p of Object.values(providers)) {
        p.refresh();
      }
    },
  };
}
