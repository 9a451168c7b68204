// The route-path webview panels: one per session (revealed when already open), restored after a reload by a
// serializer, refreshed by a button and, while visible, every `sessionManager.autoRefreshSeconds`. The panel itself
// (CSP, nonce, resources, validated messages, the registry the tests read) is the panel host's (src/webviews/panelHost.ts).
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { ZitiClient } from '../../../backends/ziti/client';
import { describeRejected, HostedPanel, PanelSpec } from '../../../webviews/panelHost';
import {
  HostMessage,
  isHostMessage,
  isRoutePathPanelState,
  isWebviewMessage,
  ROUTE_PATH_VIEW_TYPE,
  RoutePathPanelState,
  RoutePathView,
  viewProblem,
  WebviewMessage,
} from '../../../webviews/routePath/protocol';
import { routePathContent } from '../../../backends/ziti/routePath/page';
import { resolveRoutePath } from '../../../backends/ziti/routePath/resolve';
import { markWalkthroughStep, WALKTHROUGH_CONTEXT } from '../../../walkthrough';

export const REVOKE_SESSION_COMMAND = 'sessionManager.revokeSession';

/** Reads `sessionManager.autoRefreshSeconds` (default 60; 0 = off). */
export function autoRefreshSeconds(): number {
  const v = vscode.workspace.getConfiguration('sessionManager').get<number>('autoRefreshSeconds', 60);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(5, Math.floor(v)) : 0;
}

/** The panel's tab title (the page's own heading comes with its content, from routePathContent). */
function routePathTitle(serviceName: string | undefined, sessionId: string): string {
  return serviceName ? vscode.l10n.t('Route path: {0} ({1})', serviceName, sessionId) : vscode.l10n.t('Route path: session {0}', sessionId);
}

function panelKey(connectionId: string, sessionId: string): string {
  return `${connectionId}/${sessionId}`;
}

class RoutePathPanel {
  private last: RoutePathView | undefined;
  private loading: Promise<void> | undefined;
  private loadAgain = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly deps: ExtensionDeps,
    private readonly hosted: HostedPanel<WebviewMessage, HostMessage>,
    readonly state: RoutePathPanelState,
  ) {
    this.subscriptions.push(
      hosted.panel.onDidChangeViewState(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sessionManager.autoRefreshSeconds')) {
          this.schedule();
        }
      }),
    );
    this.schedule();
    void this.load();
  }

  get disposed(): boolean {
    return this.hosted.disposed;
  }

  private connectionLabel(): string {
    return this.deps.manager.store.get(this.state.connectionId)?.label ?? this.state.connectionId;
  }

  /** Auto-refresh runs only while the panel is visible. */
  private schedule(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const seconds = autoRefreshSeconds();
    if (!this.disposed && seconds > 0 && this.hosted.panel.visible) {
      this.timer = setInterval(() => {
        if (!this.loading) {
          void this.load();
        }
      }, seconds * 1000);
    }
  }

  private post(message: HostMessage): void {
    this.hosted.post(message);
  }

  /**
   * Fetches the path again and sends it. Concurrent calls share one load; a call while a load runs (a revoke, a
   * refresh) makes it read once more afterwards, so what changed meanwhile is never lost to a read from before.
   */
  load(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        await this.doLoad();
      } while (this.loadAgain && !this.disposed);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const { connectionId, sessionId } = this.state;
    this.post({ type: 'busy', busy: true, label: vscode.l10n.t('Loading the route path…') });
    let view: RoutePathView;
    try {
      const record = this.deps.manager.store.get(connectionId);
      if (!record) {
        throw new Error(vscode.l10n.t('This connection no longer exists.'));
      }
      if (record.backend !== 'ziti') {
        throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', record.label));
      }
      const client = await this.deps.manager.signedInClient(connectionId);
      if (!(client instanceof ZitiClient)) {
        throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', record.label));
      }
      view = await resolveRoutePath(client, { connectionId, connectionLabel: record.label, sessionId, autoRefreshSeconds: autoRefreshSeconds() });
    } catch (e) {
      this.deps.manager.noteFailure(connectionId, e);
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`route path of session ${sessionId}: ${message}`);
      view = {
        state: 'error',
        connectionId,
        connectionLabel: this.connectionLabel(),
        sessionId,
        serviceName: this.last?.serviceName,
        sessionType: this.last?.sessionType,
        identityName: this.last?.identityName,
        hops: [],
        message,
        updatedAt: new Date().toISOString(),
        canRevoke: false,
        autoRefreshSeconds: autoRefreshSeconds(),
      };
    }
    if (this.disposed) {
      return;
    }
    const problem = viewProblem(view);
    if (problem) {
      // The webview would refuse it and keep showing the last path (or nothing): say why instead.
      this.deps.log.warn(`route path of session ${sessionId}: cannot be shown: ${problem}`);
      view = {
        state: 'error',
        connectionId,
        connectionLabel: this.connectionLabel().slice(0, 200),
        sessionId,
        hops: [],
        message: vscode.l10n.t('The controller sent a route path this panel cannot show: {0}.', problem),
        updatedAt: new Date().toISOString(),
        canRevoke: view.canRevoke === true,
        autoRefreshSeconds: autoRefreshSeconds(),
      };
    }
    this.last = view;
    if (view.serviceName) {
      this.hosted.panel.title = routePathTitle(view.serviceName, sessionId);
    }
    this.post({ type: 'render', view });
    this.post({ type: 'busy', busy: false });
  }

  /** A message from the webview, validated by the panel host. */
  async receive(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview (first shown, or shown again after its tab was hidden, which drops its page and every
        // message posted meanwhile): send what we have and whether a load is running, or load it.
        if (this.last) {
          this.post({ type: 'render', view: this.last });
        }
        if (this.loading) {
          this.post({ type: 'busy', busy: true, label: vscode.l10n.t('Loading the route path…') });
          await this.loading;
        } else if (this.last) {
          this.post({ type: 'busy', busy: false });
        } else {
          await this.load();
        }
        return;
      case 'refresh':
        await this.load();
        return;
      case 'revoke':
        await this.revoke();
        return;
    }
  }

  private async revoke(): Promise<void> {
    const { connectionId, sessionId } = this.state;
    this.post({ type: 'busy', busy: true, label: vscode.l10n.t('Revoking…') });
    try {
      // The Sessions work owns revoking (its confirmation names the service, identity and controller).
      await vscode.commands.executeCommand(REVOKE_SESSION_COMMAND, { connectionId, sessionId });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`route path panel: revoke failed: ${message}`);
      void this.deps.ui().notify('error', vscode.l10n.t('Revoke failed: {0}', message));
    } finally {
      await this.load();
    }
  }

  /** The panel closed. */
  cleanup(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

/** Opens, reveals and restores route-path panels. */
export class RoutePathPanels implements vscode.WebviewPanelSerializer<unknown> {
  /** The open panels' controllers, by panel key (the panel host keeps the panels). */
  private readonly open = new Map<string, RoutePathPanel>();

  constructor(private readonly deps: ExtensionDeps) {}

  show(connectionId: string, sessionId: string, serviceName?: string): { key: string } {
    markWalkthroughStep(WALKTHROUGH_CONTEXT.openedRoutePath);
    const key = panelKey(connectionId, sessionId);
    const existing = this.open.get(key);
    if (existing && !existing.disposed) {
      this.deps.panels.get('routePath', key)?.reveal();
      void existing.load();
      return { key };
    }
    this.host((spec) => this.deps.panels.open(spec), { connectionId, sessionId }, serviceName);
    return { key };
  }

  /** Puts a route-path panel on the panel host (a new one, or one restored after a reload) with its controller. */
  private host(
    put: (spec: PanelSpec<WebviewMessage, HostMessage>) => HostedPanel<WebviewMessage, HostMessage>,
    state: RoutePathPanelState,
    serviceName: string | undefined,
  ): void {
    const key = panelKey(state.connectionId, state.sessionId);
    const hosted = put({
      kind: 'routePath',
      viewType: ROUTE_PATH_VIEW_TYPE,
      key,
      title: routePathTitle(serviceName, state.sessionId),
      script: 'routePath.js',
      styles: ['routePath.css'],
      content: routePathContent({ sessionId: state.sessionId, connectionLabel: this.deps.manager.store.get(state.connectionId)?.label ?? state.connectionId, serviceName }),
      isIncoming: isWebviewMessage,
      isOutgoing: isHostMessage,
      onMessage: (m) => this.open.get(key)?.receive(m),
      onDispose: () => {
        this.open.get(key)?.cleanup();
        this.open.delete(key);
      },
    });
    this.open.set(key, new RoutePathPanel(this.deps, hosted, state));
  }

  /** The serializer: a panel that was open before the window reloaded. Its saved state is validated first. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isRoutePathPanelState(state) || !this.deps.manager.store.get(state.connectionId)) {
      this.deps.log.warn(`route path panel: not restored (saved state ${describeRejected(state)})`);
      panel.dispose();
      return;
    }
    const key = panelKey(state.connectionId, state.sessionId);
    const existing = this.deps.panels.get('routePath', key);
    if (existing) {
      panel.dispose();
      existing.reveal();
      return;
    }
    this.host((spec) => this.deps.panels.adopt(panel, spec), state, undefined);
  }

  /** Reloads the panel of a session, if open (after a revoke elsewhere, say). */
  refreshSession(connectionId: string, sessionId: string): void {
    void this.open.get(panelKey(connectionId, sessionId))?.load();
  }
}
