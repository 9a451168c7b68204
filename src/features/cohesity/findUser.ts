// `sessionManager.cohesity.findUser`: "Find User…" on a Cohesity cluster row. Looks a user up by username
// (`GET /v2/users?usernames=…`, optionally in one domain: `name@DOMAIN` or `DOMAIN\name`) and says how many sessions
// each match has (`GET /v2/users/sessions?sids=…`), zero included: the tree lists only users with sessions.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import { UserCancelled } from '../../ui/input';
import { CohesityClient } from '../../backends/cohesity/client';
import { COHESITY_ENTRY_TYPES } from '../../backends/cohesity/sessions';
import { EntryNode } from '../sessions/nodes';
import { rowOrPick } from '../sessions/pickRow';
import type { SessionsState } from '../sessions/state';

export const FIND_USER_COMMAND = 'sessionManager.cohesity.findUser';

export interface FoundUser {
  sid: string;
  username: string;
  domain: string;
  sessions: number;
}

/** "jdoe", "jdoe@CORP", "CORP\jdoe" → the username and the domain, if one was given. */
export function parseUserQuery(text: string): { username: string; domain?: string } {
  const t = text.trim();
  const back = t.indexOf('\\');
  if (back > 0) {
    return { domain: t.slice(0, back).trim(), username: t.slice(back + 1).trim() };
  }
  const at = t.lastIndexOf('@');
  if (at > 0 && at < t.length - 1) {
    return { username: t.slice(0, at).trim(), domain: t.slice(at + 1).trim() };
  }
  return { username: t };
}

export function registerCohesityFindUser(deps: ExtensionDeps, state: SessionsState): void {
  registerCommand(deps.context, deps.log, FIND_USER_COMMAND, async (arg?: unknown): Promise<{ found: FoundUser[]; message: string } | undefined> => {
    const node = await rowOrPick(deps, state, arg, {
      is: (r) => r.entry.type === COHESITY_ENTRY_TYPES.cluster,
      none: vscode.l10n.t('No Cohesity cluster is shown. Sign in to a Cohesity connection in the Sessions view first.'),
      title: vscode.l10n.t('Find User'),
      placeholder: vscode.l10n.t('Look the user up on which cluster?'),
    });
    const record = deps.manager.store.get(node.connectionId);
    if (!record) {
      throw new Error(vscode.l10n.t('That connection no longer exists.'));
    }
    const clusterName = node.entry.label;
    const text = await deps.ui().input(
      { title: vscode.l10n.t('Find User on {0}', clusterName), step: 1, totalSteps: 1, canGoBack: false },
      {
        prompt: vscode.l10n.t('The username (exact). Add @DOMAIN or write DOMAIN\\name for one domain.'),
        placeholder: vscode.l10n.t('jdoe or jdoe@CORP.EXAMPLE'),
        validate: (v) => (parseUserQuery(v).username === '' ? vscode.l10n.t('Enter a username.') : undefined),
      },
    );
    if (typeof text !== 'string') {
      throw new UserCancelled();
    }
    const { username, domain } = parseUserQuery(text);
    const client = await deps.manager.signedInClient(record.id);
    if (!(client instanceof CohesityClient)) {
      throw new Error(vscode.l10n.t('{0} is not a Cohesity connection.', record.label));
    }
    const users = await client.findUsers(username, domain);
    if (users.length === 0) {
      const message = domain
        ? vscode.l10n.t('No user {0} in the domain {1} on {2}.', username, domain, clusterName)
        : vscode.l10n.t('No user {0} on {1}.', username, clusterName);
      void deps.ui().notify('warning', message);
      return { found: [], message };
    }
    const counts = await client.sessionsCountOf(users.map((u) => u.sid));
    const found: FoundUser[] = users.map((u) => ({ ...u, sessions: counts.get(u.sid) ?? 0 }));
    const parts = found.map((u) =>
      u.sessions === 1
        ? vscode.l10n.t('{0} ({1}): 1 session', u.username, u.domain)
        : vscode.l10n.t('{0} ({1}): {2} sessions', u.username, u.domain, u.sessions.toLocaleString('en-US')),
    );
    const message = vscode.l10n.t('On {0}: {1}.', clusterName, parts.join('; '));
    deps.log.info(`Cohesity: found ${found.length} user(s) named ${username}${domain ? `@${domain}` : ''} on ${clusterName} (${record.label})`);
    // A user with sessions can be revoked from here, through the view's own confirmation.
    const row = [...state.rows.values()].find(
      (r): r is EntryNode => r instanceof EntryNode && r.connectionId === record.id && r.entry.type === COHESITY_ENTRY_TYPES.principal && found.some((u) => u.sessions > 0 && u.sid === r.entry.id),
    );
    const revoke = vscode.l10n.t('Revoke Sessions…');
    void deps
      .ui()
      .notify('info', message, ...(row ? [revoke] : []))
      .then((a) => (a === revoke && row ? vscode.commands.executeCommand('sessionManager.revokeSession', row) : undefined));
    return { found, message };
  });
}
