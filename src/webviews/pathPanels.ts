// The one path panel: a chain of boxes a session goes through, drawn by src/webviews/path/main.ts. OpenZiti's route
// path (src/features/ziti/routePath) and the Sessions view's session path (Aptible: src/features/sessions/sessionPath.ts)
// are two providers of it. A panel per session (revealed when already open), restored after a reload by a serializer,
// refreshed by a button and, while visible, every `sessionManager.autoRefreshSeconds`. The panel itself (CSP, nonce,
// resources, validated messages, the registry the tests read) is the panel host's (panelHost.ts).
import * as vscode from 'vscode';
import type { UserInput } from '../ui/input';
import type { Logger } from '../util/log';
import type { PageContent } from './html';
import { describeRejected, HostedPanel, PanelHost, PanelSpec } from './panelHost';
import {
  HostMessage,
  isHostMessage,
  isPathPanelState,
  isWebviewMessage,
  PathPanelState,
  PathTexts,
  PathView,
  viewProblem,
  WebviewMessage,
} from './path/protocol';
import type { WebviewKind } from './registry';

/** Reads `sessionManager.autoRefreshSeconds` (default 60; 0 = off). */
export function autoRefreshSeconds(): number {
  const v = vscode.workspace.getConfiguration('sessionManager').get<number>('autoRefreshSeconds', 60);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(5, Math.floor(v)) : 0;
}

/** One kind of path: what it reads and how it is worded. */
export interface PathProvider {
  kind: WebviewKind;
  /** VS Code's view type (what the serializer restores). */
  viewType: string;
  /** "route path", "session path": in statuses and error titles. */
  noun: string;
  /** The tab's title before the first view arrives (`hint`: what the opener knew, e.g. the service name). */
  title(state: PathPanelState, connectionLabel: string, hint?: string): string;
  /** The page before the first view arrives. */
  page(state: PathPanelState, connectionLabel: string, hint?: string): PageContent;
  /** Reads the path now; a failure becomes the panel's error state. */
  resolve(state: PathPanelState, autoRefreshSeconds: number, signal?: AbortSignal): Promise<PathView>;
  /** The words of a view (heading, facts, caption). */
  texts(view: PathView): PathTexts;
  /** The command the Revoke button runs with `{connectionId, sessionId}`; none: the button is never offered. */
  revokeCommand?: string;
  /** Called each time a panel is shown (the walkthrough marks a step). */
  onShow?(): void;
}

/** What the path panels need from the extension. */
export interface PathPanelDeps {
  panels: PanelHost;
  log: Logger;
  ui(): UserInput;
  /** The connections (their names, and where a failure is noted): the ConnectionManager. */
  manager: {
    store: { get(id: string): { label: string } | undefined };
    noteFailure(id: string, e: unknown): void;
  };
}

/** A view with its words, as the webview gets it. */
type RenderedView = PathView & { texts: PathTexts };

function panelKey(connectionId: string, sessionId: string): string {
  return `${connectionId}/${sessionId}`;
}

class PathPanel {
  /** The last view sent, with its words. */
  private last: RenderedView | undefined;
  private loading: Promise<void> | undefined;
  private loadAgain = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly deps: PathPanelDeps,
    private readonly provider: PathProvider,
    private readonly hosted: HostedPanel<WebviewMessage, HostMessage>,
    readonly state: PathPanelState,
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

  private loadingLabel(): string {
    return vscode.l10n.t('Loading the {0}…', this.provider.noun);
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
   * Reads the path again and sends it. Concurrent calls share one load; a call while a load runs (a revoke, a
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
    this.post({ type: 'busy', busy: true, label: this.loadingLabel() });
    let view: PathView;
    try {
      if (!this.deps.manager.store.get(connectionId)) {
        throw new Error(vscode.l10n.t('This connection no longer exists.'));
      }
      view = await this.provider.resolve(this.state, autoRefreshSeconds());
    } catch (e) {
      this.deps.manager.noteFailure(connectionId, e);
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.warn(`${this.provider.noun} of session ${sessionId}: ${message}`);
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
    view = { ...view, canRevoke: view.canRevoke && this.provider.revokeCommand !== undefined };
    let rendered: RenderedView = { ...view, texts: this.provider.texts(view) };
    const problem = viewProblem(rendered);
    if (problem) {
      // The webview would refuse it and keep showing the last path (or nothing): say why instead.
      this.deps.log.warn(`${this.provider.noun} of session ${sessionId}: cannot be shown: ${problem}`);
      const shown: PathView = {
        state: 'error',
        connectionId,
        connectionLabel: this.connectionLabel().slice(0, 200),
        sessionId,
        hops: [],
        message: vscode.l10n.t('The server sent a {0} this panel cannot show: {1}.', this.provider.noun, problem),
        updatedAt: new Date().toISOString(),
        canRevoke: view.canRevoke === true,
        autoRefreshSeconds: autoRefreshSeconds(),
      };
      rendered = { ...shown, texts: this.provider.texts(shown) };
    }
    this.last = rendered;
    if (rendered.state === 'path' || rendered.state === 'empty') {
      // Only a full answer retitles the tab: an ended or failed read may know less than the opener did.
      this.hosted.panel.title = rendered.texts.heading;
    }
    this.post({ type: 'render', view: rendered });
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
          this.post({ type: 'busy', busy: true, label: this.loadingLabel() });
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
    const command = this.provider.revokeCommand;
    if (!command || this.last?.canRevoke !== true) {
      // The button is hidden then; a message asking anyway (a stale page, another script) is not acted on.
      this.deps.log.warn(`${this.provider.noun} panel: ignored a revoke: this panel offers none for session ${this.state.sessionId}`);
      return;
    }
    const { connectionId, sessionId } = this.state;
    this.post({ type: 'busy', busy: true, label: vscode.l10n.t('Revoking…') });
    try {
      // The Sessions view owns revoking (its confirmation names the item, the backend and the connection).
      await vscode.commands.executeCommand(command, { connectionId, sessionId });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`${this.provider.noun} panel: revoke failed: ${message}`);
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

/** Opens, reveals and restores the path panels of one provider. */
export class PathPanels implements vscode.WebviewPanelSerializer<unknown> {
  /** The open panels' controllers, by panel key (the panel host keeps the panels). */
  private readonly open = new Map<string, PathPanel>();

  constructor(
    private readonly deps: PathPanelDeps,
    private readonly provider: PathProvider,
  ) {}

  show(connectionId: string, sessionId: string, hint?: string): { key: string } {
    this.provider.onShow?.();
    const key = panelKey(connectionId, sessionId);
    const existing = this.open.get(key);
    if (existing && !existing.disposed) {
      this.deps.panels.get(this.provider.kind, key)?.reveal();
      void existing.load();
      return { key };
    }
    this.host((spec) => this.deps.panels.open(spec), { connectionId, sessionId }, hint);
    return { key };
  }

  /** Puts a panel on the panel host (a new one, or one restored after a reload) with its controller. */
  private host(put: (spec: PanelSpec<WebviewMessage, HostMessage>) => HostedPanel<WebviewMessage, HostMessage>, state: PathPanelState, hint: string | undefined): void {
    const key = panelKey(state.connectionId, state.sessionId);
    const label = this.deps.manager.store.get(state.connectionId)?.label ?? state.connectionId;
    const hosted = put({
      kind: this.provider.kind,
      viewType: this.provider.viewType,
      key,
      title: this.provider.title(state, label, hint),
      script: 'path.js',
      styles: ['path.css'],
      content: this.provider.page(state, label, hint),
      isIncoming: isWebviewMessage,
      isOutgoing: isHostMessage,
      onMessage: (m) => this.open.get(key)?.receive(m),
      onDispose: () => {
        this.open.get(key)?.cleanup();
        this.open.delete(key);
      },
    });
    this.open.set(key, new PathPanel(this.deps, this.provider, hosted, state));
  }

  /** The serializer: a panel that was open before the window reloaded. Its saved state is validated first. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPathPanelState(state) || !this.deps.manager.store.get(state.connectionId)) {
      this.deps.log.warn(`${this.provider.noun} panel: not restored (saved state ${describeRejected(state)})`);
      panel.dispose();
      return;
    }
    const key = panelKey(state.connectionId, state.sessionId);
    const existing = this.deps.panels.get(this.provider.kind, key);
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
