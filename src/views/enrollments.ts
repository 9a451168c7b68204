import type { ConnectionManager } from '../connections/manager';
import type { TreeNode } from '../tree/nodes';

/** Enrollments view roots (OpenZiti enrollments per controller arrive with the enrollments work). */
export function enrollmentRoots(_manager: ConnectionManager): TreeNode[] {
  return [];
}
