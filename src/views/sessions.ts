import type { ConnectionManager } from '../connections/manager';
import { MessageNode, type TreeNode } from '../tree/nodes';

/** Builds the roots once the OpenZiti sessions module is registered (it owns the view's state). */
export type SessionRootsBuilder = () => TreeNode[] | Promise<TreeNode[]>;

let builder: SessionRootsBuilder | undefined;

/** Called by registerZitiSessions. */
export function setSessionRootsBuilder(b: SessionRootsBuilder | undefined): void {
  builder = b;
}

/**
 * Sessions view roots: one node per OpenZiti controller (Sessions and API Sessions under it). Other backends'
 * sessions come later; with only such connections a hint shows instead of an empty view.
 */
export async function sessionRoots(manager: ConnectionManager): Promise<TreeNode[]> {
  const all = manager.store.list();
  if (all.length === 0) {
    return [];
  }
  const roots = builder ? await builder() : [];
  if (roots.length === 0) {
    return [new MessageNode('sessions/none', 'No OpenZiti connections', { description: 'sessions of other backends arrive in a later release' })];
  }
  return roots;
}
