// The "Show Enrollment QR Code" panel: one per enrollment, same CSP rules as the route-path panel. The JWT is only in
// the QR drawing; the Copy and Save buttons ask the extension, which fetches the JWT again.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { UserCancelled } from '../../../commands/registerCommand';
import { makeNonce } from '../../../webviews/html';
import { webviewRegistry, WebviewRecord } from '../../../webviews/registry';
import { ENROLLMENT_QR_VIEW_TYPE, isQrWebviewMessage } from '../../../webviews/qr/protocol';
import { describeRejected } from '../../../webviews/routePath/protocol';
import { webviewOptions } from '../routePath/panel';
import { renderQrPage } from '../../../backends/ziti/enrollments/qr';

/** What the panel's buttons do: our own UI, so they act without a further question (Save still asks where). */
export interface QrActions {
  copy(ref: { connectionId: string; enrollmentId: string }): Promise<unknown>;
  save(ref: { connectionId: string; enrollmentId: string }): Promise<unknown>;
}

export interface QrTarget {
  connectionId: string;
  connectionLabel: string;
  enrollmentId: string;
  subject: string;
  method: string;
  expiry: string;
}

class QrPanel implements WebviewRecord {
  readonly kind = 'enrollmentQr' as const;
  readonly key: string;
  readonly posted: unknown[] = [];
  disposed = false;
  reveals = 0;

  constructor(
    private readonly deps: ExtensionDeps,
    readonly panel: vscode.WebviewPanel,
    readonly target: QrTarget,
    private readonly actions: QrActions,
    private readonly onDispose: (p: QrPanel) => void,
  ) {
    this.key = `${target.connectionId}/${target.enrollmentId}`;
    panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'activitybar.svg');
    panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    panel.onDidDispose(() => {
      this.disposed = true;
      this.onDispose(this);
    });
  }

  render(target: QrTarget, jwt: string): void {
    const webview = this.panel.webview;
    this.panel.title = `QR: ${target.subject}`;
    webview.html = renderQrPage({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist', 'webviews', 'qr.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'qr.css')).toString(),
      jwt,
      subject: target.subject,
      method: target.method,
      connectionLabel: target.connectionLabel,
      expiry: target.expiry,
    });
  }

  html(): string {
    return this.panel.webview.html;
  }

  async receive(message: unknown): Promise<void> {
    if (!isQrWebviewMessage(message)) {
      this.deps.log.warn(`enrollment QR panel: ignored a malformed message (${describeRejected(message)})`);
      return;
    }
    const ref = { connectionId: this.target.connectionId, enrollmentId: this.target.enrollmentId };
    try {
      await (message.type === 'copy' ? this.actions.copy(ref) : this.actions.save(ref));
    } catch (e) {
      if (e instanceof UserCancelled) {
        return;
      }
      const text = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`enrollment QR panel: ${message.type} failed: ${text}`);
      void vscode.window.showErrorMessage(text);
    }
  }

  reveal(): void {
    this.reveals++;
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }
}

export class QrPanels implements vscode.Disposable {
  private readonly open = new Map<string, QrPanel>();

  constructor(
    private readonly deps: ExtensionDeps,
    private readonly actions: QrActions,
  ) {}

  show(target: QrTarget, jwt: string): void {
    const key = `${target.connectionId}/${target.enrollmentId}`;
    let p = this.open.get(key);
    if (p && !p.disposed) {
      p.reveal();
    } else {
      // No serializer on purpose: a secret is not restored into a window after a reload.
      const panel = vscode.window.createWebviewPanel(ENROLLMENT_QR_VIEW_TYPE, `QR: ${target.subject}`, vscode.ViewColumn.Active, webviewOptions(this.deps.context.extensionUri));
      p = new QrPanel(this.deps, panel, target, this.actions, (gone) => {
        if (this.open.get(gone.key) === gone) {
          this.open.delete(gone.key);
        }
        webviewRegistry.remove(gone);
      });
      this.open.set(key, p);
      webviewRegistry.add(p);
    }
    p.render(target, jwt);
  }

  /** After a refresh the old JWT is dead: redraw an open panel with the new one. */
  update(target: QrTarget, jwt: string): void {
    const p = this.open.get(`${target.connectionId}/${target.enrollmentId}`);
    if (p && !p.disposed) {
      p.render(target, jwt);
    }
  }

  /** After a delete: close the panel of that enrollment. */
  close(connectionId: string, enrollmentId: string): void {
    this.open.get(`${connectionId}/${enrollmentId}`)?.dispose();
  }

  dispose(): void {
    for (const p of [...this.open.values()]) {
      p.dispose();
    }
    this.open.clear();
  }
}
