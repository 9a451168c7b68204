// The route-path webview panels: one per session (revealed when already open), restored after a reload by a
// serializer, refreshed by a button and, while visible, every `sessionManager.autoRefreshSeconds`.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { ZitiClient } from '../../../backends/ziti/client';
import { makeNonce } from '../../../webviews/html';
import { webviewRegistry, WebviewRecord } from '../../../webviews/registry';
import {
  describeRejected,
  HostMessage,
  isRoutePathPanelState,
  isWebviewMessage,
  ROUTE_PATH_VIEW_TYPE,
  RoutePathPanelState,
  RoutePathView,
  viewProblem,
} from '../../../webviews/routePath/protocol';
import { renderRoutePathPage, routePathTitle } from '../../../backends/ziti/routePath/page';
import { resolveRoutePath } from '../../../backends/ziti/routePath/resolve';
import { markWalkthroughStep, WALKTHROUGH_CONTEXT } from '../../../walkthrough';

export const REVOKE_SESSION_COMMAND = 'sessionManager.revokeSession';

/** Reads `sessionManager.autoRefreshSeconds` (default 60; 0 = off). */
export function autoRefreshSeconds(): number {
  const v = vscode.workspace.getConfiguration('sessionManager').get<number>('autoRefreshSeconds', 60);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(5, Math.floor(v)) : 0;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
  };
}

function panelKey(connectionId: string, sessionId: string): string {
  return `${connectionId}/${sessionId}`;
}

class RoutePathPanel implements WebviewRecord {
  readonly kind = 'routePath' as const;
  readonly key: string;
  readonly posted: unknown[] = [];
  disposed = false;
  reveals = 0;
  private last: RoutePathView | undefined;
  private loading: Promise<void> | undefined;
  private loadAgain = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly deps: ExtensionDeps,
    readonly panel: vscode.WebviewPanel,
    readonly state: RoutePathPanelState,
    serviceName: string | undefined,
    private readonly onDispose: (p: RoutePathPanel) => void,
  ) {
    this.key = panelKey(state.connectionId, state.sessionId);
    panel.webview.options = webviewOptions(deps.context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'activitybar.svg');
    panel.title = routePathTitle(serviceName, state.sessionId);
    const webview = panel.webview;
    webview.html = renderRoutePathPage({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.context.extensionUri, 'dist', 'webviews', 'routePath.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'routePath.css')).toString(),
      sessionId: state.sessionId,
      connectionLabel: this.connectionLabel(),
      serviceName,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => this.schedule()),
      panel.onDidDispose(() => {
        if (!this.disposed) {
          this.cleanup();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sessionManager.autoRefreshSeconds')) {
          this.schedule();
        }
      }),
    );
    this.schedule();
    void this.load();
  }

  html(): string {
    return this.panel.webview.html;
  }

  private connectionLabel(): string {
    return this.deps.manager.store.get(this.state.connectionId)?.label ?? this.state.connectionId;
  }

  reveal(): void {
    this.reveals++;
    this.panel.reveal();
  }

  /** Auto-refresh runs only while the panel is visible. */
  private schedule(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    const seconds = autoRefreshSeconds();
    if (!this.disposed && seconds > 0 && this.panel.visible) {
      this.timer = setInterval(() => {
        if (!this.loading) {
          void this.load();
        }
      }, seconds * 1000);
    }
  }

  private post(message: HostMessage): void {
    this.posted.push(message);
    this.posted.splice(0, Math.max(0, this.posted.length - 20));
    if (!this.disposed) {
      void this.panel.webview.postMessage(message);
    }
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
    this.post({ type: 'busy', busy: true, label: 'Loading the route path…' });
    let view: RoutePathView;
    try {
      const record = this.deps.manager.store.get(connectionId);
      if (!record) {
        throw new Error('This connection no longer exists.');
      }
      if (record.backend !== 'ziti') {
        throw new Error(`${record.label} is not an OpenZiti connection.`);
      }
      const client = await this.deps.manager.signedInClient(connectionId);
      if (!(client instanceof ZitiClient)) {
        throw new Error(`${record.label} is not an OpenZiti connection.`);
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
        message: `The controller sent a route path this panel cannot show: ${problem}.`,
        updatedAt: new Date().toISOString(),
        canRevoke: view.canRevoke === true,
        autoRefreshSeconds: autoRefreshSeconds(),
      };
    }
    this.last = view;
    if (view.serviceName) {
      this.panel.title = routePathTitle(view.serviceName, sessionId);
    }
    this.post({ type: 'render', view });
    this.post({ type: 'busy', busy: false });
  }

  async receive(message: unknown): Promise<void> {
    if (!isWebviewMessage(message)) {
      this.deps.log.warn(`route path panel: ignored a malformed message (${describeRejected(message)})`);
      return;
    }
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview (first shown, or shown again after its tab was hidden, which drops its page and every
        // message posted meanwhile): send what we have and whether a load is running, or load it.
        if (this.last) {
          this.post({ type: 'render', view: this.last });
        }
        if (this.loading) {
          this.post({ type: 'busy', busy: true, label: 'Loading the route path…' });
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
    this.post({ type: 'busy', busy: true, label: 'Revoking…' });
    try {
      // The Sessions work owns revoking (its confirmation names the service, identity and controller).
      await vscode.commands.executeCommand(REVOKE_SESSION_COMMAND, { connectionId, sessionId });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`route path panel: revoke failed: ${message}`);
      void vscode.window.showErrorMessage(`Revoke failed: ${message}`);
    } finally {
      await this.load();
    }
  }

  dispose(): void {
    this.panel.dispose();
  }

  private cleanup(): void {
    this.disposed = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.onDispose(this);
  }
}

/** Opens, reveals and restores route-path panels. */
export class RoutePathPanels implements vscode.Disposable, vscode.WebviewPanelSerializer<unknown> {
  private readonly open = new Map<string, RoutePathPanel>();

  constructor(private readonly deps: ExtensionDeps) {}

  show(connectionId: string, sessionId: string, serviceName?: string): RoutePathPanel {
    markWalkthroughStep(WALKTHROUGH_CONTEXT.openedRoutePath);
    const key = panelKey(connectionId, sessionId);
    const existing = this.open.get(key);
    if (existing && !existing.disposed) {
      existing.reveal();
      void existing.load();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(ROUTE_PATH_VIEW_TYPE, routePathTitle(serviceName, sessionId), vscode.ViewColumn.Active, webviewOptions(this.deps.context.extensionUri));
    return this.adopt(panel, { connectionId, sessionId }, serviceName);
  }

  private adopt(panel: vscode.WebviewPanel, state: RoutePathPanelState, serviceName: string | undefined): RoutePathPanel {
    const p = new RoutePathPanel(this.deps, panel, state, serviceName, (gone) => {
      if (this.open.get(gone.key) === gone) {
        this.open.delete(gone.key);
      }
      webviewRegistry.remove(gone);
    });
    this.open.set(p.key, p);
    webviewRegistry.add(p);
    return p;
  }

  /** The serializer: a panel that was open before the window reloaded. Its saved state is validated first. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isRoutePathPanelState(state) || !this.deps.manager.store.get(state.connectionId)) {
      this.deps.log.warn(`route path panel: not restored (saved state ${describeRejected(state)})`);
      panel.dispose();
      return;
    }
    const key = panelKey(state.connectionId, state.sessionId);
    const existing = this.open.get(key);
    if (existing && !existing.disposed) {
      panel.dispose();
      existing.reveal();
      return;
    }
    this.adopt(panel, state, undefined);
  }

  /** Reloads the panel of a session, if open (after a revoke elsewhere, say). */
  refreshSession(connectionId: string, sessionId: string): void {
    void this.open.get(panelKey(connectionId, sessionId))?.load();
  }

  dispose(): void {
    for (const p of [...this.open.values()]) {
      p.dispose();
    }
    this.open.clear();
  }
}
