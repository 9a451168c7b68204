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
    private readonly options: { icon?: string; tooltip?: string; command?: vscode.Command; parent?: TreeNode } = {},
  ) {}
  get parent(): TreeNode | undefined {
    return this.options.parent;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.options.icon ?? 'info');
    item.tooltip = this.options.tooltip;
    item.command = this.options.command;
    item.contextValue = buildContextValue('message');
    return item;
  }
}

/** An error in one subtree; the rest of the tree stays. Offers Retry through its context value. */
export class ErrorNode implements TreeNode {
  constructor(
    readonly id: string,
    readonly message: string,
    readonly parent?: TreeNode,
  ) {}
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = this.message;
    item.contextValue = buildContextValue('error', ['canRetry']);
    return item;
  }
}
