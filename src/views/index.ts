import * as vscode from 'vscode';
import { ExplorerTreeProvider } from './tree/provider';
import { TreeNode } from './tree/nodes';
import { Logger } from './util/log';

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
}

/**
 * Creates the three views. Until connections exist (a later issue adds them), every view has no roots, so
 * VS Code shows the view's welcome content.
 */
export function createViews(context: vscode.ExtensionContext, log: Logger): Views {
  const providers = {} as Record<ViewKey, ExplorerTreeProvider>;
  const treeViews = {} as Record<ViewKey, vscode.TreeView<TreeNode>>;
  for (const key of Object.keys(VIEW_IDS) as ViewKey[]) {
    const provider = new ExplorerTreeProvider(VIEW_IDS[key], () => [], log);
    const treeView = vscode.window.createTreeView(VIEW_IDS[key], {
      treeDataProvider: provider,
      showCollapseAll: key !== 'environments',
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
