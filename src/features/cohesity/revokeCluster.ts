// `sessionManager.cohesity.revokeAllOnCluster`: "Revoke All Sessions on Cluster…" on a Cohesity cluster row. The
// cluster API's DELETE /v2/users/sessions without `sid` ends every session of every user, Session Manager's own
// included, so: one modal naming the total, the cluster and the connection and warning that everyone is signed out;
// then the cluster's name typed (always, production or not); then the one request; then the connection's client is
// forgotten (its session is gone) so the next read signs in anew, and the view is read again.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import { CohesityClient } from '../../backends/cohesity/client';
import { COHESITY_ENTRY_TYPES } from '../../backends/cohesity/sessions';
import { rowOrPick } from '../sessions/pickRow';
import type { SessionsState } from '../sessions/state';

export const REVOKE_ALL_ON_CLUSTER_COMMAND = 'sessionManager.cohesity.revokeAllOnCluster';

/** What the command returns (for the tests): whether it was sent and what the person was told. */
export interface ClusterRevokeResult {
  revoked: boolean;
  total: number;
  message: string;
}

export function registerCohesityClusterRevoke(deps: ExtensionDeps, state: SessionsState): void {
  registerCommand(deps.context, deps.log, REVOKE_ALL_ON_CLUSTER_COMMAND, async (arg?: unknown): Promise<ClusterRevokeResult | undefined> => {
    const node = await rowOrPick(deps, state, arg, {
      is: (r) => r.entry.type === COHESITY_ENTRY_TYPES.cluster && r.entry.flags.canRevokeCluster === true,
      none: vscode.l10n.t('No Cohesity cluster is shown. Sign in to a Cohesity connection in the Sessions view first.'),
      title: vscode.l10n.t('Revoke All Sessions on Cluster'),
      placeholder: vscode.l10n.t('End every session on which cluster?'),
    });
    const record = deps.manager.store.get(node.connectionId);
    if (!record) {
      throw new Error(vscode.l10n.t('That connection no longer exists.'));
    }
    const client = await deps.manager.signedInClient(record.id);
    if (!(client instanceof CohesityClient)) {
      throw new Error(vscode.l10n.t('{0} is not a Cohesity connection.', record.label));
    }
    const clusterName = node.entry.label;
    // The count as it is now, not as the row last showed it.
    const { total, perUser } = await client.sessionsCount();
    const users = perUser.filter((r) => r.count > 0).length;
    const ownNote = client.sessionPrincipal
      ? vscode.l10n.t('This includes the session Session Manager uses for {0}: the connection signs in again afterwards.', record.label)
      : vscode.l10n.t('Session Manager uses an API key for {0}, which is not a session and keeps working.', record.label);
    const answer = await deps.ui().confirm(
      vscode.l10n.t('Revoke all {0} sessions on the cluster {1}?', total.toLocaleString('en-US'), clusterName),
      vscode.l10n.t(
        'Cohesity cluster {0} · connection {1}{2}.\n\nEvery user is signed out: {3} sessions of {4} users end, in the browser and in scripts that use sessions. {5}\n\nAPI keys and access tokens stay valid.',
        clusterName,
        record.label,
        record.production ? vscode.l10n.t(' (production)') : '',
        total.toLocaleString('en-US'),
        users.toLocaleString('en-US'),
        ownNote,
      ),
      [vscode.l10n.t('Revoke All Sessions')],
    );
    if (!answer) {
      return undefined;
    }
    const typed = await deps
      .ui()
      .typeToConfirm(vscode.l10n.t('Type the cluster name {0} to sign every user out of it, Session Manager included.', clusterName), clusterName);
    if (!typed) {
      const message = vscode.l10n.t('Nothing was revoked: the cluster name did not match.');
      void deps.ui().notify('warning', message);
      return { revoked: false, total, message };
    }
    try {
      await client.deleteAllSessions();
    } catch (e) {
      deps.log.warn(`Cohesity: revoking every session on ${clusterName} (${record.label}) failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    deps.log.info(`Cohesity: revoked every session on ${clusterName} (${record.label}): ${total} sessions of ${users} users`);
    // Its own session ended with the others: forget the client, so the next read signs in anew instead of failing.
    if (client.sessionPrincipal) {
      deps.manager.forget(record.id);
    }
    deps.views.providers.sessions.refresh();
    const message = vscode.l10n.t('Revoked all {0} sessions on {1}.', total.toLocaleString('en-US'), clusterName);
    void deps.ui().notify('info', message);
    return { revoked: true, total, message };
  });
}
