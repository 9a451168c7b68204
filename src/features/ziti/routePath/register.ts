// `sessionManager.showRoutePath`: from a Dial session node of the Sessions view, from `{connectionId, sessionId}`,
// or from the palette (pick a controller, type a session id). Also registers the panel serializer.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { registerCommand } from '../../../commands/registerCommand';
import { UserCancelled } from '../../../ui/input';
import { BACK } from '../../../ui/input';
import { isSafeId, ROUTE_PATH_VIEW_TYPE } from '../../../webviews/path/protocol';
import { RoutePathPanels, routePathPanels } from './panel';
import { RoutePathTarget, routePathTargetFrom } from '../../../backends/ziti/routePath/target';

export function registerRoutePath(deps: ExtensionDeps): RoutePathPanels {
  const panels = routePathPanels(deps);
  deps.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ROUTE_PATH_VIEW_TYPE, panels),
    // A session revoked from the tree shows as ended in its open panel at once, not at the next auto-refresh.
    deps.sessionsEnded.event((e) => e.sessionIds.forEach((id) => panels.refreshSession(e.connectionId, id))),
  );

  const ask = async (): Promise<RoutePathTarget> => {
    const ui = deps.ui();
    const conns = deps.manager.store.list().filter((c) => c.backend === 'ziti');
    if (conns.length === 0) {
      throw new Error(vscode.l10n.t('There is no OpenZiti connection. Add one with "Session Manager: Add Connection…".'));
    }
    const title = vscode.l10n.t('Show Route Path');
    let connectionId = conns[0].id;
    if (conns.length > 1) {
      const v = await ui.pick({ title, step: 1, totalSteps: 2, canGoBack: false }, conns.map((c) => ({ label: c.label, description: c.endpoints.url, value: c.id })), {
        placeholder: vscode.l10n.t('Pick an OpenZiti controller'),
      });
      if (typeof v === 'symbol') {
        throw new UserCancelled();
      }
      connectionId = v;
    }
    const id = await ui.input(
      { title, step: 2, totalSteps: 2, canGoBack: false },
      { prompt: vscode.l10n.t('Session id (a Dial session)'), validate: (v) => (isSafeId(v.trim()) ? undefined : vscode.l10n.t('Enter a session id.')) },
    );
    if (id === BACK) {
      throw new UserCancelled();
    }
    return { connectionId, sessionId: id.trim() };
  };

  registerCommand(deps.context, deps.log, 'sessionManager.showRoutePath', async (arg?: unknown) => {
    const target = routePathTargetFrom(arg) ?? (await ask());
    if (!deps.manager.store.get(target.connectionId)) {
      throw new Error(vscode.l10n.t('That connection no longer exists.'));
    }
    const p = panels.show(target.connectionId, target.sessionId, target.serviceName);
    return { connectionId: target.connectionId, sessionId: target.sessionId, key: p.key };
  });
  return panels;
}
