import * as vscode from 'vscode';
import { connectionIdFromSecretKey, ConnectionRecord, ConnectionSecrets, secretKey } from './model';
import { parsePresets } from './presets';

const STATE_KEY = 'sessionManager.connections.v1';
const SETTING = 'sessionManager.connections';

/**
 * Connections: the non-secret record in globalState, the secret part in SecretStorage keyed by connection id,
 * plus read-only presets from settings. `onDidChange` fires when either changes, in this window or another.
 */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the id of the connection that changed, or undefined when the list changed. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private presetProblems: string[] = [];
  /**
   * Our own recent secret writes per connection (timestamps). SecretStorage reports them back through onDidChange
   * like anyone else's; those echoes must not look like a change made in another window.
   */
  private readonly ownWrites = new Map<string, number[]>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.disposables.push(
      this.changed,
      secrets.onDidChange((e) => {
        const id = connectionIdFromSecretKey(e.key);
        if (id && !this.consumeOwnWrite(id)) {
          this.changed.fire(id);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTING)) {
          this.changed.fire(undefined);
        }
      }),
    );
  }

  /** Problems found in the presets setting the last time it was read. */
  get problems(): readonly string[] {
    return this.presetProblems;
  }

  list(): ConnectionRecord[] {
    const own = this.state.get<ConnectionRecord[]>(STATE_KEY, []);
    const presets = parsePresets(vscode.workspace.getConfiguration().get(SETTING));
    this.presetProblems = presets.problems;
    const ownIds = new Set(own.map((c) => c.id));
    return [...own, ...presets.connections.filter((p) => !ownIds.has(p.id))];
  }

  get(id: string): ConnectionRecord | undefined {
    return this.list().find((c) => c.id === id);
  }

  async save(record: ConnectionRecord, secrets?: ConnectionSecrets): Promise<void> {
    if (record.source === 'preset') {
      throw new Error(`${record.label} comes from the sessionManager.connections setting; edit it there.`);
    }
    const own = this.state.get<ConnectionRecord[]>(STATE_KEY, []).filter((c) => c.id !== record.id);
    // Secrets first: a record never exists without the secrets it was saved with.
    if (secrets) {
      await this.setSecrets(record.id, secrets);
    }
    await this.state.update(STATE_KEY, [...own, stripSecrets(record)]);
    this.changed.fire(undefined);
  }

  async remove(id: string): Promise<void> {
    const own = this.state.get<ConnectionRecord[]>(STATE_KEY, []);
    await this.state.update(
      STATE_KEY,
      own.filter((c) => c.id !== id),
    );
    await this.secrets.delete(secretKey(id));
    this.changed.fire(undefined);
  }

  async getSecrets(id: string): Promise<ConnectionSecrets> {
    const raw = await this.secrets.get(secretKey(id));
    if (!raw) {
      return {};
    }
    try {
      return JSON.parse(raw) as ConnectionSecrets;
    } catch {
      return {};
    }
  }

  private noteOwnWrite(id: string): void {
    const now = Date.now();
    this.ownWrites.set(id, [...(this.ownWrites.get(id) ?? []).filter((t) => now - t < 10_000), now]);
  }

  private consumeOwnWrite(id: string): boolean {
    const now = Date.now();
    const pending = (this.ownWrites.get(id) ?? []).filter((t) => now - t < 10_000);
    const own = pending.length > 0;
    pending.shift();
    this.ownWrites.set(id, pending);
    return own;
  }

  async setSecrets(id: string, secrets: ConnectionSecrets): Promise<void> {
    this.noteOwnWrite(id);
    const clean = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined && v !== ''));
    if (Object.keys(clean).length === 0) {
      await this.secrets.delete(secretKey(id));
    } else {
      await this.secrets.store(secretKey(id), JSON.stringify(clean));
    }
  }

  async updateSecrets(id: string, patch: Partial<ConnectionSecrets>): Promise<void> {
    await this.setSecrets(id, { ...(await this.getSecrets(id)), ...patch });
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/** Defence in depth: a record written to globalState carries no field that could hold a secret. */
function stripSecrets(record: ConnectionRecord): ConnectionRecord {
  const copy = JSON.parse(JSON.stringify(record)) as ConnectionRecord & Record<string, unknown>;
  for (const k of ['password', 'token', 'clientSecret', 'apiKey', 'secrets']) {
    delete copy[k];
    delete (copy.auth as unknown as Record<string, unknown>)[k];
  }
  return copy;
}
