import * as vscode from 'vscode';
import { ErrorNode, TreeNode } from './nodes';
import { Logger } from '../util/log';

/**
 * One generic TreeDataProvider for all Session Manager views. Roots come from a function; each node
 * produces its own children. A failure in one node becomes an error node in that subtree only.
 */
export class ExplorerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private cancel = new vscode.CancellationTokenSource();

  constructor(
    readonly viewId: string,
    private readonly roots: (token: vscode.CancellationToken) => TreeNode[] | Promise<TreeNode[]>,
    private readonly log: Logger,
  ) {}

  /** Refresh one subtree, or the whole view. A whole-view refresh cancels loads still in flight. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.cancel.cancel();
      this.cancel.dispose();
      this.cancel = new vscode.CancellationTokenSource();
    }
    this.changed.fire(node);
  }

  getTreeItem(element: TreeNode): vscode.TreeItem | Promise<vscode.TreeItem> {
    return element.getTreeItem();
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.parent;
  }

  async getChildren(element?: TreeNode): Promise<TreeNode[]> {
    const token = this.cancel.token;
    try {
      if (!element) {
        return await this.roots(token);
      }
      return element.getChildren ? await element.getChildren(token) : [];
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`${this.viewId}: loading ${element ? element.id : 'roots'} failed: ${message}`);
      return [new ErrorNode(`${element?.id ?? this.viewId}/error`, message, element)];
    }
  }

  dispose(): void {
    this.cancel.dispose();
    this.changed.dispose();
  }
}
