// Messages from the enrollment QR panel's script to the extension. The JWT never travels to the webview as text (only
// the QR drawing encodes it), so the script can only ask the extension to copy or save it. Pure.

export const ENROLLMENT_QR_VIEW_TYPE = 'sessionManager.enrollmentQr';

export type QrWebviewMessage = { type: 'copy' } | { type: 'save' };

export function isQrWebviewMessage(v: unknown): v is QrWebviewMessage {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && ((v as { type?: unknown }).type === 'copy' || (v as { type?: unknown }).type === 'save');
}
