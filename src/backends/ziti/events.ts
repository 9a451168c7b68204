import * as vscode from 'vscode';

/** OpenZiti sessions that ended through Session Manager, so every view and panel that shows them can update. */
export interface SessionsEnded {
  connectionId: string;
  sessionIds: string[];
}

const ended = new vscode.EventEmitter<SessionsEnded>();
export const onDidEndSessions = ended.event;

export function fireSessionsEnded(e: SessionsEnded): void {
  if (e.sessionIds.length > 0) {
    ended.fire(e);
  }
}
