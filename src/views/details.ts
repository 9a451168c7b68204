import * as vscode from 'vscode';
import { redactValue } from '../util/redact';
import { BoundedMap } from '../util/lru';

export const DETAILS_SCHEME = 'session-manager-details';
/** How many details documents keep their node (older ones say "no longer in the tree" until opened again). */
export const MAX_DETAILS_SOURCES = 100;

/** A node that can show its details as a read-only JSON document. */
export interface HasDetails {
  readonly id: string;
  detailsTitle(): string;
  /** The raw object; it is redacted before it is shown. */
  details(): unknown | Promise<unknown>;
}

export function hasDetails(node: unknown): node is HasDetails {
  return Boolean(node) && typeof (node as HasDetails).details === 'function' && typeof (node as HasDetails).detailsTitle === 'function';
}

/**
 * Read-only JSON documents for "Show Details": searchable, foldable, and refreshed when the node they show is
 * refreshed. Secrets (tokens, JWTs, passwords, keys) are redacted.
 */
export class DetailsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** The node behind each details document: the most recent ones only, and none whose document was closed. */
  private readonly sources: BoundedMap<string, HasDetails>;
  private readonly closed: vscode.Disposable;

  constructor(capacity = MAX_DETAILS_SOURCES) {
    this.sources = new BoundedMap(capacity);
    this.closed = vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === DETAILS_SCHEME) {
        this.sources.delete(doc.uri.toString());
      }
    });
  }

  uriFor(node: HasDetails): vscode.Uri {
    const name = node.detailsTitle().replace(/[\\/:*?"<>|#%]+/g, '-').slice(0, 80) || 'details';
    const uri = vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${name}.json`, query: encodeURIComponent(node.id) });
    this.sources.set(uri.toString(), node);
    return uri;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const node = this.sources.get(uri.toString());
    if (!node) {
      return `// ${vscode.l10n.t('This item is no longer in the tree. Refresh the view and open its details again.')}\n`;
    }
    return `${JSON.stringify(redactValue(await node.details()), null, 2)}\n`;
  }

  /** Re-renders open documents for a node that was refreshed (same id, possibly a new object). */
  update(node: HasDetails): void {
    for (const [key, existing] of [...this.sources.entries()]) {
      if (existing.id === node.id) {
        this.sources.set(key, node);
        this.changed.fire(vscode.Uri.parse(key));
      }
    }
  }

  /**
   * Marks the open details documents of a node whose item ended (a revoked session): the document keeps what it
   * showed, with an `ended` note on top, instead of silently looking live.
   */
  markEnded(nodeId: string, note: string): void {
    for (const [key, existing] of [...this.sources.entries()]) {
      if (existing.id === nodeId) {
        this.sources.set(key, {
          id: existing.id,
          detailsTitle: () => existing.detailsTitle(),
          details: async () => {
            const d = await existing.details();
            return d && typeof d === 'object' && !Array.isArray(d) ? { ended: note, ...d } : { ended: note, details: d };
          },
        });
        this.changed.fire(vscode.Uri.parse(key));
      }
    }
  }

  async show(node: HasDetails): Promise<vscode.TextEditor> {
    const uri = this.uriFor(node);
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.closed.dispose();
    this.changed.dispose();
  }
}
