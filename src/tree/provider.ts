import * as vscode from 'vscode';
import { ErrorNode, TreeNode } from './nodes';
import { Logger } from '../util/log';
import { ApiError } from '../http/errors';

/**
 * One generic TreeDataProvider for all Session Manager views. Roots come from a function; each node
 * produces its own children. A failure in one node becomes an error node in that subtree only.
 */
export class ExplorerTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private cancel = new vscode.CancellationTokenSource();
  /** The node objects VS Code currently holds, by id: a subtree refresh must name the same object. */
  private readonly known = new Map<string, TreeNode>();
  /** The ids of the children each parent (by id; '' for the roots) last got, so a reload forgets the old ones. */
  private readonly childIds = new Map<string, string[]>();

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

  /** Refreshes the subtree of the node with this id, if the view has it. Returns whether it did. */
  refreshById(id: string): boolean {
    const node = this.known.get(id);
    if (node) {
      this.changed.fire(node);
      return true;
    }
    return false;
  }

  /** A node the view currently shows, by id. */
  findById(id: string): TreeNode | undefined {
    return this.known.get(id);
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
        this.known.clear();
        this.childIds.clear();
      }
      const children = !element ? await this.roots(token) : element.getChildren ? await element.getChildren(token) : [];
      // What this parent showed before (and everything below it) is gone from the view: forget it, so the map holds
      // only what is shown, however often a subtree reloads.
      this.forgetBelow(element?.id ?? '');
      for (const c of children) {
        this.known.set(c.id, c);
      }
      this.childIds.set(element?.id ?? '', children.map((c) => c.id));
      return children;
    } catch (e) {
      if (token.isCancellationRequested || (e instanceof ApiError && e.kind === 'cancelled')) {
        // Superseded by a refresh: VS Code asks again, so there is nothing to show and nothing went wrong.
        return [];
      }
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`${this.viewId}: loading ${element ? element.id : 'roots'} failed: ${message}`);
      return [new ErrorNode(`${element?.id ?? this.viewId}/error`, message, element)];
    }
  }

  private forgetBelow(parentId: string): void {
    const ids = this.childIds.get(parentId);
    if (!ids) {
      return;
    }
    this.childIds.delete(parentId);
    for (const id of ids) {
      this.known.delete(id);
      this.forgetBelow(id);
    }
  }

  dispose(): void {
    this.cancel.dispose();
    this.changed.dispose();
  }
}
