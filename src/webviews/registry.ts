// Open Session Manager webview panels, by kind and key, so the integration tests can read a panel's HTML and the
// messages it was sent. The panel host (panelHost.ts) adds and removes them; activate() makes the one instance and
// hands it to the tests through the testing API. Pure: no `vscode` import.

export type WebviewKind = 'routePath' | 'sessionPath' | 'enrollmentQr' | 'sessionTrail';

export interface WebviewRecord {
  kind: WebviewKind;
  /** One panel per key: `<connectionId>/<sessionId>` for route paths, `<connectionId>/<enrollmentId>` for QR codes. */
  key: string;
  /** The HTML the webview currently has. */
  html(): string;
  /** Messages posted to the webview, oldest first (the last 20). */
  readonly posted: unknown[];
  /** Handles a message as if the webview had sent it (validated like a real one). */
  receive(message: unknown): Promise<void>;
  /** Whether the panel is still open. */
  readonly disposed: boolean;
  /** How many times the panel was revealed again instead of a new one being opened. */
  readonly reveals: number;
  /** Disposes the panel. */
  dispose(): void;
}

export class WebviewRegistry {
  private readonly records = new Map<string, WebviewRecord>();

  private static id(kind: WebviewKind, key: string): string {
    return `${kind}:${key}`;
  }

  add(record: WebviewRecord): void {
    this.records.set(WebviewRegistry.id(record.kind, record.key), record);
  }

  remove(record: WebviewRecord): void {
    const id = WebviewRegistry.id(record.kind, record.key);
    if (this.records.get(id) === record) {
      this.records.delete(id);
    }
  }

  get(kind: WebviewKind, key: string): WebviewRecord | undefined {
    return this.records.get(WebviewRegistry.id(kind, key));
  }

  list(kind?: WebviewKind): WebviewRecord[] {
    return [...this.records.values()].filter((r) => !kind || r.kind === kind);
  }
}
