// The "Show Enrollment QR Code" panel: one per enrollment, on the panel host (src/webviews/panelHost.ts: CSP, nonce,
// one panel per key, validated messages). The JWT is only in the QR drawing; the Copy and Save buttons ask the
// extension, which fetches the JWT again.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import { UserCancelled } from '../../../ui/input';
import type { HostedPanel } from '../../../webviews/panelHost';
import { ENROLLMENT_QR_VIEW_TYPE, isQrWebviewMessage, QrWebviewMessage } from '../../../webviews/qr/protocol';
import { qrContent } from '../../../backends/ziti/enrollments/qr';

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

function qrKey(connectionId: string, enrollmentId: string): string {
  return `${connectionId}/${enrollmentId}`;
}

function qrTitle(target: QrTarget): string {
  return vscode.l10n.t('QR: {0}', target.subject);
}

export class QrPanels {
  constructor(
    private readonly deps: ExtensionDeps,
    private readonly actions: QrActions,
  ) {}

  private panel(connectionId: string, enrollmentId: string): HostedPanel<QrWebviewMessage, never> | undefined {
    return this.deps.panels.get('enrollmentQr', qrKey(connectionId, enrollmentId));
  }

  show(target: QrTarget, jwt: string): void {
    const content = qrContent({ jwt, subject: target.subject, method: target.method, connectionLabel: target.connectionLabel, expiry: target.expiry });
    const existing = this.panel(target.connectionId, target.enrollmentId);
    if (existing) {
      existing.reveal();
      existing.setContent(content, qrTitle(target));
      return;
    }
    // No serializer on purpose: a secret is not restored into a window after a reload.
    this.deps.panels.open<QrWebviewMessage, never>({
      kind: 'enrollmentQr',
      viewType: ENROLLMENT_QR_VIEW_TYPE,
      key: qrKey(target.connectionId, target.enrollmentId),
      title: qrTitle(target),
      script: 'qr.js',
      styles: ['qr.css'],
      content,
      isIncoming: isQrWebviewMessage,
      onMessage: (m) => this.receive(target, m),
    });
  }

  private async receive(target: QrTarget, message: QrWebviewMessage): Promise<void> {
    const ref = { connectionId: target.connectionId, enrollmentId: target.enrollmentId };
    try {
      await (message.type === 'copy' ? this.actions.copy(ref) : this.actions.save(ref));
    } catch (e) {
      if (e instanceof UserCancelled) {
        return;
      }
      const text = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`enrollment QR panel: ${message.type} failed: ${text}`);
      void this.deps.ui().notify('error', text);
    }
  }

  /** After a refresh the old JWT is dead: redraw an open panel with the new one. */
  update(target: QrTarget, jwt: string): void {
    this.panel(target.connectionId, target.enrollmentId)?.setContent(
      qrContent({ jwt, subject: target.subject, method: target.method, connectionLabel: target.connectionLabel, expiry: target.expiry }),
      qrTitle(target),
    );
  }

  /** After a delete: close the panel of that enrollment. */
  close(connectionId: string, enrollmentId: string): void {
    this.panel(connectionId, enrollmentId)?.dispose();
  }
}
