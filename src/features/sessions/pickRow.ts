// A row of the Sessions view the person picks when a row command runs from the palette (no row given): the rows the
// view shows now that the command can act on, or a clear error when there is none.
import type { ExtensionDeps } from '../../deps';
import { UserCancelled } from '../../ui/input';
import { EntryNode } from './nodes';
import type { SessionsState } from './state';

export interface PickRowOptions {
  /** Which shown rows qualify. */
  is(row: EntryNode): boolean;
  /** The error when none qualifies (what to do first). */
  none: string;
  title: string;
  placeholder: string;
  /** The picker item's description (default: the connection's name). */
  describe?(row: EntryNode): string | undefined;
}

/** The row given to the command when it qualifies, else the one the person picks among the shown rows. */
export async function rowOrPick(deps: ExtensionDeps, state: SessionsState, arg: unknown, o: PickRowOptions): Promise<EntryNode> {
  if (arg instanceof EntryNode && o.is(arg)) {
    return arg;
  }
  const rows = [...state.rows.values()].filter((r): r is EntryNode => r instanceof EntryNode && o.is(r));
  if (rows.length === 0) {
    throw new Error(o.none);
  }
  const picked = await deps.ui().pick(
    { title: o.title, step: 1, totalSteps: 1, canGoBack: false },
    rows.map((r) => ({ label: r.entry.label, description: o.describe ? o.describe(r) : r.record.label, detail: r.entry.id, value: r })),
    { placeholder: o.placeholder },
  );
  if (typeof picked === 'symbol') {
    throw new UserCancelled();
  }
  return picked;
}
