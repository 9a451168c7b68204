import type { ConnectionManager } from '../connections/manager';
import type { TreeNode } from '../tree/nodes';

/** Sessions view roots (OpenZiti sessions and API sessions per controller arrive with the OpenZiti sessions work). */
export function sessionRoots(_manager: ConnectionManager): TreeNode[] {
  return [];
}
