// The Get Started walkthrough (package.json `contributes.walkthroughs`): each step completes when the person has done
// it. The extension sets these context keys when it happens; the steps' completionEvents name them.
import * as vscode from 'vscode';
import type { ExtensionDeps } from './deps';

/** The context keys the walkthrough steps complete on (besides `sessionManager.hasConnections`). */
export const WALKTHROUGH_CONTEXT = {
  sawSessions: 'sessionManager.walkthrough.sawSessions',
  revokedSession: 'sessionManager.walkthrough.revokedSession',
  openedRoutePath: 'sessionManager.walkthrough.openedRoutePath',
} as const;

export function markWalkthroughStep(key: (typeof WALKTHROUGH_CONTEXT)[keyof typeof WALKTHROUGH_CONTEXT]): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

export function registerWalkthrough(deps: ExtensionDeps): void {
  const sessions = deps.views.treeViews.sessions;
  const seen = (): void => {
    // Seeing sessions: the Sessions view is open while a connection exists.
    if (sessions.visible && deps.manager.store.list().length > 0) {
      markWalkthroughStep(WALKTHROUGH_CONTEXT.sawSessions);
    }
  };
  deps.context.subscriptions.push(
    sessions.onDidChangeVisibility(seen),
    deps.manager.store.onDidChange(seen),
    deps.sessionsEnded.event(() => markWalkthroughStep(WALKTHROUGH_CONTEXT.revokedSession)),
  );
  seen();
}
