import * as vscode from 'vscode';
import { buildContextValue } from './contextValue';

/**
 * A node of any Session Manager tree. Ids are stable across refreshes and include the connection id, so
 * expansion and selection survive a refresh and `reveal()` works.
 */
export interface TreeNode {
  readonly id: string;
  readonly parent?: TreeNode;
  getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
  getChildren?(token: vscode.CancellationToken): TreeNode[] | Promise<TreeNode[]>;
}

/** A leaf that only says something: empty results, hints. */
export class MessageNode implements TreeNode {
  constructor(
    readonly id: string,
    private readonly label: string,
    private readonly options: { icon?: string; tooltip?: string; command?: vscode.Command; parent?: TreeNode; description?: string } = {},
  ) {}
  get parent(): TreeNode | undefined {
    return this.options.parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.options.icon ?? 'info');
    item.tooltip = this.options.tooltip;
    item.description = this.options.description;
    item.command = this.options.command;
    item.contextValue = buildContextValue('message');
    return item;
  }
}

/** Shown while a slow subtree loads in the background. */
export class LoadingNode implements TreeNode {
  constructor(
    readonly id: string,
    readonly parent?: TreeNode,
    private readonly label = vscode.l10n.t('Loading…'),
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.contextValue = buildContextValue('loading');
    return item;
  }
}

/** An error in one subtree; the rest of the tree stays. Offers Retry, which refreshes the parent. */
export class ErrorNode implements TreeNode {
  constructor(
    readonly id: string,
    readonly message: string,
    readonly parent?: TreeNode,
    private readonly hint?: string,
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = this.hint ? `${this.message}\n\n${this.hint}` : this.message;
    item.description = this.hint;
    item.contextValue = buildContextValue('error', ['canRetry']);
    item.command = { title: vscode.l10n.t('Retry'), command: 'sessionManager.retry', arguments: [this] };
    return item;
  }
}

/** "Load more…" / "Load all" under a paged parent. */
export class LoadMoreNode implements TreeNode {
  constructor(
    readonly id: string,
    readonly parent: TreeNode,
    private readonly shown: number,
    private readonly total: number | undefined,
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('more');
    const shown = this.shown.toLocaleString('en-US');
    item.description = this.total !== undefined ? vscode.l10n.t('{0} of {1} shown', shown, this.total.toLocaleString('en-US')) : vscode.l10n.t('{0} shown', shown);
    item.contextValue = buildContextValue('loadMore', ['canLoadAll']);
    item.command = { title: vscode.l10n.t('Load More'), command: 'sessionManager.loadMore', arguments: [this.parent] };
    return item;
  }
}

/** Implemented by parents whose children come in pages. `signal` cancels (what was read stays). */
export interface Pageable {
  loadMore(signal?: AbortSignal): Promise<void>;
  loadAll(signal?: AbortSignal): Promise<void>;
  /** What "Load all" reads, for its progress notification: "enrollments of Lab controller". */
  readonly pagedWhat?: string;
}

export function isPageable(node: unknown): node is Pageable & TreeNode {
  return Boolean(node) && typeof (node as Pageable).loadMore === 'function' && typeof (node as Pageable).loadAll === 'function';
}
