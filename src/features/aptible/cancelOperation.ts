// `sessionManager.aptible.cancelOperation`: on an Aptible ephemeral session whose operation is still queued or running,
// or on such an operation's own row (an app's "Recent SSH operations"), asks Aptible to cancel that operation (`PATCH /operations/{id}` with `cancelled: true`, what
// `aptible operation:cancel` does). Aptible's API has no call that ends an ephemeral session, and it does not document
// whether a live SSH session ends with its operation: the modal says so. Production (an Aptible production
// environment, or a connection marked production) asks for the typed name. The list that shows the row is read again
// after (and, below an operation row, that operation's list too).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import { UserCancelled } from '../../ui/input';
import { AptibleSessionSource, APTIBLE_ENTRY_TYPES, aptibleOperationIdOf } from '../../backends/aptible';
import { EntryNode } from '../sessions/nodes';
import type { TreeNode } from '../../tree/nodes';
import type { SessionsState } from '../sessions/state';

export const CANCEL_OPERATION_COMMAND = 'sessionManager.aptible.cancelOperation';

function isCancellableRow(x: unknown): x is EntryNode & { source: AptibleSessionSource } {
  const types: readonly string[] = [APTIBLE_ENTRY_TYPES.session, APTIBLE_ENTRY_TYPES.operation];
  return x instanceof EntryNode && types.includes(x.entry.type) && x.entry.flags.canCancelOperation === true && x.source instanceof AptibleSessionSource;
}

export function registerAptibleCancelOperation(deps: ExtensionDeps, state: SessionsState): void {
  registerCommand(deps.context, deps.log, CANCEL_OPERATION_COMMAND, async (arg?: unknown) => {
    let node: EntryNode & { source: AptibleSessionSource };
    if (isCancellableRow(arg)) {
      node = arg;
    } else {
      const rows = [...state.rows.values()].filter(isCancellableRow);
      if (rows.length === 0) {
        throw new Error(vscode.l10n.t('No Aptible session or SSH operation with a running operation is loaded. Expand an app (or its Recent SSH operations) under an Aptible connection in the Sessions view first.'));
      }
      const picked = await deps.ui().pick(
        { title: vscode.l10n.t('Cancel Operation'), step: 1, totalSteps: 1, canGoBack: false },
        rows.map((r) => ({ label: r.entry.label, description: [r.entry.description, r.record.label].filter(Boolean).join(' · '), detail: r.entry.id, value: r })),
        { placeholder: vscode.l10n.t('Cancel the operation of which session or SSH operation?') },
      );
      if (typeof picked === 'symbol') {
        throw new UserCancelled();
      }
      node = picked;
    }
    const entry = node.entry;
    const opId = aptibleOperationIdOf(entry) ?? '?';
    const account = node.source.accountHandleOf(entry) ?? vscode.l10n.t('an unknown environment');
    const productionAccount = node.source.isProductionEntry(entry);
    const environment = productionAccount ? vscode.l10n.t('{0} (production)', account) : account;
    const message = vscode.l10n.t('Cancel operation {0} of {1}?', opId, entry.what ?? entry.label);
    const detail = [
      vscode.l10n.t('Backend: Aptible, connection {0}{1}. Environment: {2}.', node.record.label, node.record.production ? vscode.l10n.t(' (production)') : '', environment),
      vscode.l10n.t('This asks Aptible to cancel the operation (what "aptible operation:cancel" does). Aptible has no call that ends an ephemeral session, and it does not document whether a live SSH session ends when its operation is cancelled.'),
    ].join('\n\n');
    const button = vscode.l10n.t('Cancel Operation');
    if ((await deps.ui().confirm(message, detail, [button])) !== button) {
      return { cancelled: false };
    }
    const typed = productionAccount ? account : node.record.production ? node.record.label : undefined;
    if (typed !== undefined) {
      const prompt = productionAccount
        ? vscode.l10n.t('{0} is a production environment. Type its name to cancel operation {1} in it.', typed, opId)
        : vscode.l10n.t('{0} is a production connection. Type its name to cancel operation {1} on it.', typed, opId);
      if (!(await deps.ui().typeToConfirm(prompt, typed))) {
        void deps.ui().notify('warning', vscode.l10n.t('Nothing was cancelled: the confirmation did not match.'));
        return { cancelled: false };
      }
    }
    await node.source.cancelOperation(entry);
    void deps.ui().notify('info', vscode.l10n.t('Asked Aptible to cancel operation {0}. Its new state shows when the list is read again.', opId));
    // Read the list that shows the row again, so it shows the operation's new state; below an operation row, that
    // row's own list too (the operation row shows the state as well). The lists are the row's own parents (level rows
    // are kept across redraws): a redraw of the app since the row was drawn leaves the workbench not knowing the
    // operation row until it fetches it again, and its list must still be read.
    const provider = deps.views.providers.sessions;
    const current = (n: TreeNode): TreeNode => provider.findById(n.id) ?? n;
    const parent = current(node.parent);
    if (parent instanceof EntryNode) {
      await parent.preload();
      const above = parent.entry.type === APTIBLE_ENTRY_TYPES.operation ? current(parent.parent) : undefined;
      if (above instanceof EntryNode) {
        await above.preload();
      }
      // Redraw the highest of them: a redraw of the level draws the operation row from what was read.
      provider.refreshById((above instanceof EntryNode ? above : parent).id);
    }
    return { cancelled: true, operationId: opId };
  });
}
