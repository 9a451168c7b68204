// The one host of Session Manager's webview panels (route path, enrollment QR code, and the next ones). A feature
// describes its panel; the host makes it:
//
//   const p = host.open({
//     kind: 'routePath',                 // the registry kind (src/webviews/registry.ts)
//     viewType: ROUTE_PATH_VIEW_TYPE,    // VS Code's view type (what a serializer restores)
//     key: `${connectionId}/${sessionId}`,
//     title: 'Route path: …',           // the tab's title
//     script: 'routePath.js',            // dist/webviews/<script>, loaded with this rendering's nonce (optional)
//     styles: ['routePath.css'],         // media/<style>
//     content: { title, body },          // the page's <title> and trusted body markup (every API string escaped)
//     isIncoming: isWebviewMessage,      // the protocol's validator of what the webview sends
//     isOutgoing: isHostMessage,         // … and of what the extension posts (optional)
//     onMessage: (m) => …,               // gets only messages that passed isIncoming
//     onDispose: () => …,                // the panel closed (by the person or by dispose())
//   });
//   p.post({ type: 'render', … });       // validated, kept in p.posted (last 20) for the tests
//   p.setContent(content, title);        // renders the page again (a new nonce), and retitles the tab if given
//
// What the host guarantees for every panel: the page shell, the strict Content Security Policy and a fresh nonce
// (src/webviews/html.ts); scripts on, command URIs and forms off; local resources limited to media/ and
// dist/webviews/; one panel per kind and key (open() of an open key reveals it and counts the reveal); messages
// both ways checked by the protocol's validators (a rejected one is logged, never handled or posted); disposal of
// its listeners; registration in the WebviewRegistry that the integration tests read. `adopt()` takes a panel VS
// Code restored after a reload (a feature's WebviewPanelSerializer) under the same rules.
//
// A new panel adds its kind to WebviewKind (registry.ts), and under src/webviews/<name>/ its protocol.ts (the typed
// messages and their validators, pure) and main.ts (the script, bundled by esbuild.js to dist/webviews/<name>.js).
import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import { makeNonce, PageContent, renderPage } from './html';
import type { WebviewKind, WebviewRecord, WebviewRegistry } from './registry';

/** How many posted messages a panel keeps for the tests. */
const POSTED_KEPT = 20;

/** A short description of a rejected message or state for the log: its type and keys, never its values. */
export function describeRejected(v: unknown): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const r = v as Record<string, unknown>;
    return `object with type ${JSON.stringify(String(r.type)).slice(0, 40)} and keys [${Object.keys(r).slice(0, 8).join(', ').slice(0, 120)}]`;
  }
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export interface PanelSpec<In, Out> {
  kind: WebviewKind;
  viewType: string;
  /** One panel per kind and key. */
  key: string;
  /** The tab's title (plain text). */
  title: string;
  /** A file in dist/webviews/. */
  script?: string;
  /** Files in media/. */
  styles: string[];
  /** The page's title and trusted body markup (see src/webviews/html.ts). */
  content: PageContent;
  isIncoming(v: unknown): v is In;
  isOutgoing?(v: unknown): v is Out;
  onMessage(message: In): unknown;
  onDispose?(): void;
}

export class HostedPanel<In = unknown, Out = unknown> implements WebviewRecord {
  readonly kind: WebviewKind;
  readonly key: string;
  readonly posted: Out[] = [];
  disposed = false;
  reveals = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly host: PanelHost,
    readonly panel: vscode.WebviewPanel,
    private readonly spec: PanelSpec<In, Out>,
  ) {
    this.kind = spec.kind;
    this.key = spec.key;
    panel.webview.options = host.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'activitybar.svg');
    this.setContent(spec.content, spec.title);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidDispose(() => this.cleanup()),
    );
  }

  html(): string {
    return this.panel.webview.html;
  }

  /** Renders the page again, with a fresh nonce; retitles the tab when a title is given. */
  setContent(content: PageContent, title?: string): void {
    if (title !== undefined) {
      this.panel.title = title;
    }
    const webview = this.panel.webview;
    const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, ...parts)).toString();
    webview.html = renderPage({
      cspSource: webview.cspSource,
      nonce: this.spec.script ? makeNonce() : undefined,
      title: content.title,
      // Every panel's page starts from the shared sheet (font, theme colours, headings), then its own.
      styles: ['panel.css', ...this.spec.styles].map((s) => uri('media', s)),
      script: this.spec.script ? uri('dist', 'webviews', this.spec.script) : undefined,
      body: content.body,
    });
  }

  /** Sends a message to the webview (kept for the tests); one the protocol rejects is logged and not sent. */
  post(message: Out): void {
    if (this.spec.isOutgoing && !this.spec.isOutgoing(message)) {
      this.host.log.warn(`${this.kind} panel: did not send a malformed message (${describeRejected(message)})`);
      return;
    }
    this.posted.push(message);
    this.posted.splice(0, Math.max(0, this.posted.length - POSTED_KEPT));
    if (!this.disposed) {
      void this.panel.webview.postMessage(message);
    }
  }

  /** Handles a message from the webview (or from a test, validated the same way). */
  async receive(message: unknown): Promise<void> {
    if (!this.spec.isIncoming(message)) {
      this.host.log.warn(`${this.kind} panel: ignored a malformed message (${describeRejected(message)})`);
      return;
    }
    try {
      await this.spec.onMessage(message);
    } catch (e) {
      this.host.log.error(`${this.kind} panel: ${describeRejected(message)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  reveal(): void {
    this.reveals++;
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private cleanup(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.host.forget(this);
    this.spec.onDispose?.();
  }
}

type AnyPanel = HostedPanel<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class PanelHost implements vscode.Disposable {
  private readonly panels = new Map<string, AnyPanel>();

  constructor(
    readonly extensionUri: vscode.Uri,
    readonly log: Logger,
    private readonly registry: WebviewRegistry,
  ) {}

  webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(this.extensionUri, 'dist', 'webviews')],
    };
  }

  private static id(kind: WebviewKind, key: string): string {
    return `${kind}:${key}`;
  }

  /** The open panel of a kind and key. */
  get<In, Out>(kind: WebviewKind, key: string): HostedPanel<In, Out> | undefined {
    const p = this.panels.get(PanelHost.id(kind, key));
    return p && !p.disposed ? (p as HostedPanel<In, Out>) : undefined;
  }

  /** Opens a panel in the active column, or reveals the open one of that kind and key (the spec is then unused). */
  open<In, Out>(spec: PanelSpec<In, Out>): HostedPanel<In, Out> {
    const existing = this.get<In, Out>(spec.kind, spec.key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(spec.viewType, spec.title, vscode.ViewColumn.Active, this.webviewOptions());
    return this.adopt(panel, spec);
  }

  /** Hosts a panel VS Code made (restored by a serializer); an open panel of that kind and key is revealed instead. */
  adopt<In, Out>(panel: vscode.WebviewPanel, spec: PanelSpec<In, Out>): HostedPanel<In, Out> {
    const existing = this.get<In, Out>(spec.kind, spec.key);
    if (existing) {
      panel.dispose();
      existing.reveal();
      return existing;
    }
    const p = new HostedPanel(this, panel, spec);
    this.panels.set(PanelHost.id(spec.kind, spec.key), p);
    this.registry.add(p);
    return p;
  }

  /** Called by a panel when it closes. */
  forget(p: AnyPanel): void {
    const id = PanelHost.id(p.kind, p.key);
    if (this.panels.get(id) === p) {
      this.panels.delete(id);
    }
    this.registry.remove(p);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) {
      p.dispose();
    }
    this.panels.clear();
  }
}
