/// <reference lib="dom" />
// The enrollment QR panel's script: two buttons that ask the extension to copy or save the JWT.
import type { QrWebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: QrWebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
for (const type of ['copy', 'save'] as const) {
  document.getElementById(type)?.addEventListener('click', () => vscode.postMessage({ type }));
}
