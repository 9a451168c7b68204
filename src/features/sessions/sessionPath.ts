// `sessionManager.showSessionPath`: the session path of a Sessions view row whose source draws one (`hasPath`; today
// Aptible: person → operation → ephemeral container on its host → app → environment), in the shared path panel
// (src/webviews/pathPanels.ts, the one OpenZiti's route path uses too). From a row, from `{connectionId, sessionId}`,
// or from the palette (a pick among the rows shown). One panel per session, restored after a reload, refreshed by
// its button and while visible.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import { registerCommand } from '../../commands/registerCommand';
import { PathPanels, type PathProvider } from '../../webviews/pathPanels';
import { isSafeId, SESSION_PATH_VIEW_TYPE, type PathTexts, type PathView } from '../../webviews/path/protocol';
import { pathPage } from '../../webviews/path/page';
import { rowOrPick } from './pickRow';
import type { SessionsState } from './state';

const NOUN = 'session path';

function titleOf(sessionId: string, hint: string | undefined): string {
  return hint ? vscode.l10n.t('Session path: {0} ({1})', hint, sessionId) : vscode.l10n.t('Session path: session {0}', sessionId);
}

/** Words for a view its source sent without them (an error view made by the panel). */
function fallbackTexts(v: PathView): PathTexts {
  return {
    heading: titleOf(v.sessionId, undefined),
    meta: [vscode.l10n.t('Session {0}', v.sessionId), vscode.l10n.t('on {0}', v.connectionLabel)],
    noun: NOUN,
    caption: vscode.l10n.t('Session path of session {0}', v.sessionId),
  };
}

/** `{connectionId, sessionId}` as a command argument, else undefined. */
function target(arg: unknown): { connectionId: string; sessionId: string } | undefined {
  const a = arg as { connectionId?: unknown; sessionId?: unknown } | undefined;
  return a && typeof a === 'object' && isSafeId(a.connectionId) && isSafeId(a.sessionId) ? { connectionId: a.connectionId, sessionId: a.sessionId } : undefined;
}

export function registerSessionPath(deps: ExtensionDeps, state: SessionsState): PathPanels {
  const provider: PathProvider = {
    kind: 'sessionPath',
    viewType: SESSION_PATH_VIEW_TYPE,
    noun: NOUN,
    title: (st, _label, hint) => titleOf(st.sessionId, hint),
    page: (st, label, hint) => {
      const record = deps.manager.store.get(st.connectionId);
      const source = record ? state.source(record) : undefined;
      return pathPage({
        heading: titleOf(st.sessionId, hint),
        meta: vscode.l10n.t('Session {0} on {1}', st.sessionId, label),
        source: source ? vscode.l10n.t('Who started this session and where it runs, as {0} reports it now.', source.backendLabel) : undefined,
        noun: NOUN,
      });
    },
    texts: (v) => v.texts ?? fallbackTexts(v),
    // Offered only where a source's view says the session can be revoked (no Aptible path ever does).
    revokeCommand: 'sessionManager.revokeSession',
    resolve: async ({ connectionId, sessionId }, seconds, signal) => {
      const record = deps.manager.store.get(connectionId);
      if (!record) {
        throw new Error(vscode.l10n.t('This connection no longer exists.'));
      }
      const source = state.source(record);
      if (!source?.sessionPath) {
        throw new Error(vscode.l10n.t('{0} has no session paths to show.', record.label));
      }
      const view = await source.sessionPath(sessionId, signal);
      return { ...view, autoRefreshSeconds: view.state === 'ended' ? 0 : seconds };
    },
  };
  const panels = new PathPanels(deps, provider);
  deps.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(SESSION_PATH_VIEW_TYPE, panels),
    deps.sessionsEnded.event((e) => e.sessionIds.forEach((id) => panels.refreshSession(e.connectionId, id))),
  );

  registerCommand(deps.context, deps.log, 'sessionManager.showSessionPath', async (arg?: unknown) => {
    const given = target(arg);
    if (given) {
      if (!deps.manager.store.get(given.connectionId)) {
        throw new Error(vscode.l10n.t('That connection no longer exists.'));
      }
      return { ...given, key: panels.show(given.connectionId, given.sessionId).key };
    }
    const row = await rowOrPick(deps, state, arg, {
      is: (r) => r.entry.flags.hasPath === true,
      none: vscode.l10n.t('No sessions with a session path are loaded. Expand an app under an Aptible connection in the Sessions view, then use Show Session Path.'),
      title: vscode.l10n.t('Show Session Path'),
      placeholder: vscode.l10n.t('The path of which session?'),
      describe: (r) => [r.entry.description, r.record.label].filter(Boolean).join(' · '),
    });
    return { connectionId: row.connectionId, sessionId: row.entry.id, key: panels.show(row.connectionId, row.entry.id, row.entry.label).key };
  });
  return panels;
}
