// What a Show Route Path argument names. Pure: no `vscode` import.
import { isSafeId } from '../../../webviews/path/protocol';

export interface RoutePathTarget {
  connectionId: string;
  sessionId: string;
  serviceName?: string;
}

function isRecordLike(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/**
 * What a session argument names: a Sessions view node (`connectionId` and the raw `session`), `{connectionId,
 * sessionId}`, or undefined (ask).
 */
export function routePathTargetFrom(arg: unknown): RoutePathTarget | undefined {
  // A connection id that is not text is refused below, with the unsafe ones.
  if (!isRecordLike(arg)) {
    return undefined;
  }
  const session = isRecordLike(arg.session) ? arg.session : undefined;
  const sessionId = typeof arg.sessionId === 'string' ? arg.sessionId : typeof session?.id === 'string' ? session.id : undefined;
  if (!sessionId || !isSafeId(sessionId) || !isSafeId(arg.connectionId)) {
    return undefined;
  }
  const service = session && isRecordLike(session.service) ? session.service : undefined;
  return { connectionId: arg.connectionId, sessionId, serviceName: typeof service?.name === 'string' ? service.name : undefined };
}
