// `sessionManager.showSessionTrail`: a PingOne session's trail (where it was used, in time order, with a warning
// mark where the country changed too fast) in a webview panel, the PingOne counterpart of the OpenZiti route path.
// One panel per session; a revoke marks an open trail as ended. The page has no script (src/backends/pingone/trailPage.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import type { PingOneSession } from '../../backends/pingone/models';
import { sessionTrail } from '../../backends/pingone/trail';
import { trailContent, type TrailPageOptions } from '../../backends/pingone/trailPage';
import type { TreeNode } from '../../tree/nodes';
import type { HostedPanel } from '../../webviews/panelHost';
import { EntryNode } from '../sessions/nodes';
import { rowOrPick } from '../sessions/pickRow';
import type { SessionsState } from '../sessions/state';

export const TRAIL_VIEW_TYPE = 'sessionManager.sessionTrail';

const neverIncoming = (_v: unknown): _v is never => false;

function labelOf(node: TreeNode | undefined): string | undefined {
  return node instanceof EntryNode ? node.entry.label : undefined;
}

/** The panel's tab title (the page's own heading comes with its content, from trailContent). */
function trailTitle(sessionLabel: string, userName: string): string {
  return vscode.l10n.t('Session trail: {0} — {1}', sessionLabel, userName);
}

export function registerSessionTrail(deps: ExtensionDeps, state: SessionsState): void {
  const open = new Map<string, { panel: HostedPanel<never, never>; options: TrailPageOptions; connectionId: string; sessionId: string }>();
  const hours = (): number | undefined => {
    const v = vscode.workspace.getConfiguration('sessionManager').get<unknown>('pingone.trailCountryChangeHours');
    return typeof v === 'number' ? v : undefined;
  };

  const show = (node: EntryNode): { key: string } => {
    const session = node.entry.details as PingOneSession;
    const user = node.parent;
    const options: TrailPageOptions = {
      trail: sessionTrail(session, { fastCountryChangeHours: hours() }),
      sessionLabel: node.entry.label,
      sessionId: node.entry.id,
      userName: labelOf(user) ?? vscode.l10n.t('a user'),
      environmentName: labelOf(user?.parent) ?? vscode.l10n.t('an environment'),
      connectionLabel: node.record.label,
    };
    const key = `${node.connectionId}/${node.entry.id}`;
    const held = open.get(key);
    if (held && !held.panel.disposed) {
      held.options = options;
      held.panel.setContent(trailContent(options), trailTitle(options.sessionLabel, options.userName));
      held.panel.reveal();
      return { key };
    }
    const panel = deps.panels.open<never, never>({
      kind: 'sessionTrail',
      viewType: TRAIL_VIEW_TYPE,
      key,
      title: trailTitle(options.sessionLabel, options.userName),
      styles: ['trail.css'],
      content: trailContent(options),
      isIncoming: neverIncoming,
      onMessage: () => undefined,
      onDispose: () => open.delete(key),
    });
    open.set(key, { panel, options, connectionId: node.connectionId, sessionId: node.entry.id });
    return { key };
  };

  deps.context.subscriptions.push(
    // A session revoked from the tree (or its user's Revoke All) shows as ended in its open trail at once.
    deps.sessionsEnded.event((e) => {
      for (const held of open.values()) {
        if (held.connectionId === e.connectionId && e.sessionIds.includes(held.sessionId) && !held.options.ended) {
          held.options = {
            ...held.options,
            ended: vscode.l10n.t('This session was revoked through Session Manager at {0}. The trail shows what PingOne had recorded.', new Date().toISOString()),
          };
          held.panel.setContent(trailContent(held.options));
        }
      }
    }),
  );

  registerCommand(deps.context, deps.log, 'sessionManager.showSessionTrail', async (arg?: unknown) => {
    const picked = await rowOrPick(deps, state, arg, {
      is: (r) => r.entry.flags.hasTrail === true,
      none: vscode.l10n.t('No PingOne sessions are loaded. Expand a user under a PingOne connection in the Sessions view, then use Show Session Trail.'),
      title: vscode.l10n.t('Show Session Trail'),
      placeholder: vscode.l10n.t('The trail of which session?'),
      describe: (r) => [labelOf(r.parent), r.entry.description, r.record.label].filter(Boolean).join(' · '),
    });
    return show(picked);
  });
}
