// `sessionManager.aptible.findOperation`: takes an Aptible operation id (as `aptible ssh` and `aptible operation:*`
// print it), looks up the ephemeral sessions it started (`GET /operations/{id}/ephemeral_sessions`) on the Aptible
// connections, and reveals them in the Sessions view (through Find Session by ID, which expands the account and the
// app above each one, or shows its details when it is not among the loaded pages).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import { UserCancelled } from '../../ui/input';
import { AptibleSessionSource } from '../../backends/aptible';
import type { SessionsState } from '../sessions/state';

export const FIND_OPERATION_COMMAND = 'sessionManager.aptible.findOperation';

export interface FindOperationResult {
  connectionId: string;
  operationId: string;
  sessionIds: string[];
  /** What Find Session by ID did with the first (newest) session, if any. */
  revealed?: unknown;
}

export function registerAptibleFindOperation(deps: ExtensionDeps, state: SessionsState): void {
  registerCommand(deps.context, deps.log, FIND_OPERATION_COMMAND, async (arg?: unknown): Promise<FindOperationResult | undefined> => {
    const records = state.connections().filter((r) => state.source(r) instanceof AptibleSessionSource);
    if (records.length === 0) {
      throw new Error(vscode.l10n.t('Add an Aptible connection first: Find Operation looks operations up on the Aptible connections.'));
    }
    let opId: string;
    if (typeof arg === 'string' && arg.trim() !== '') {
      opId = arg.trim();
    } else {
      const v = await deps.ui().input(
        { title: vscode.l10n.t('Find Operation'), step: 1, totalSteps: 1, canGoBack: false },
        {
          prompt: vscode.l10n.t('The id of an Aptible operation (as the aptible CLI prints it); its ephemeral sessions are revealed'),
          placeholder: '7770123',
          validate: (s) => (/^\s*\d+\s*$/.test(s) ? undefined : vscode.l10n.t('An Aptible operation id is a number.')),
        },
      );
      if (typeof v === 'symbol') {
        throw new UserCancelled();
      }
      opId = v.trim();
    }
    if (!/^\d+$/.test(opId)) {
      throw new Error(vscode.l10n.t('An Aptible operation id is a number: {0} is not one.', opId));
    }
    const problems: string[] = [];
    for (const record of records) {
      const source = state.source(record) as AptibleSessionSource;
      let found;
      try {
        found = await source.findOperation(opId);
      } catch (e) {
        problems.push(`${record.label}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      if (found === undefined) {
        continue;
      }
      const sessionIds = found.map((f) => f.entry.id);
      if (found.length === 0) {
        void deps.ui().notify('info', vscode.l10n.t('Operation {0} on {1} started no ephemeral session.', opId, record.label));
        return { connectionId: record.id, operationId: opId, sessionIds };
      }
      const revealed = await vscode.commands.executeCommand('sessionManager.findSession', found[0].entry.id);
      if (found.length > 1) {
        void deps.ui().notify('info', vscode.l10n.t('Operation {0} started {1} ephemeral sessions: {2}.', opId, found.length, found.map((f) => f.entry.label).join(', ')));
      }
      return { connectionId: record.id, operationId: opId, sessionIds, revealed };
    }
    const more = problems.length > 0 ? ` (${problems.join('; ')})` : '';
    void deps.ui().notify('info', vscode.l10n.t('No operation {0} on {1}.{2}', opId, records.map((r) => r.label).join(', '), more));
    return undefined;
  });
}
