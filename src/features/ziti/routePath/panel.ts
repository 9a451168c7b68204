// OpenZiti's route-path panels: the shared path panel (src/webviews/pathPanels.ts) with the route path as its provider
// (GET /sessions/{id}, its route-path router ids, the routers' names and state: src/backends/ziti/routePath/resolve.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { ZitiClient } from '../../../backends/ziti/client';
import { PathPanels, PathProvider } from '../../../webviews/pathPanels';
import { ROUTE_PATH_VIEW_TYPE } from '../../../webviews/path/protocol';
import { routePathContent, routePathTexts } from '../../../backends/ziti/routePath/page';
import { resolveRoutePath } from '../../../backends/ziti/routePath/resolve';
import { markWalkthroughStep, WALKTHROUGH_CONTEXT } from '../../../walkthrough';

export const REVOKE_SESSION_COMMAND = 'sessionManager.revokeSession';

export type RoutePathPanels = PathPanels;

export function routePathPanels(deps: ExtensionDeps): RoutePathPanels {
  const provider: PathProvider = {
    kind: 'routePath',
    viewType: ROUTE_PATH_VIEW_TYPE,
    noun: 'route path',
    title: (state, _label, serviceName) =>
      serviceName ? vscode.l10n.t('Route path: {0} ({1})', serviceName, state.sessionId) : vscode.l10n.t('Route path: session {0}', state.sessionId),
    page: (state, connectionLabel, serviceName) => routePathContent({ sessionId: state.sessionId, connectionLabel, serviceName }),
    texts: routePathTexts,
    revokeCommand: REVOKE_SESSION_COMMAND,
    onShow: () => markWalkthroughStep(WALKTHROUGH_CONTEXT.openedRoutePath),
    resolve: async ({ connectionId, sessionId }, seconds) => {
      const record = deps.manager.store.get(connectionId);
      if (!record || record.backend !== 'ziti') {
        throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', record?.label ?? connectionId));
      }
      const client = await deps.manager.signedInClient(connectionId);
      if (!(client instanceof ZitiClient)) {
        throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', record.label));
      }
      return resolveRoutePath(client, { connectionId, connectionLabel: record.label, sessionId, autoRefreshSeconds: seconds });
    },
  };
  return new PathPanels(deps, provider);
}
