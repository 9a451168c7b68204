import * as vscode from 'vscode';
import { bindingMismatch, bindingOf, connectionIdFromSecretKey, ConnectionRecord, ConnectionSecrets, secretKey } from '../model/connection';
import { parsePresets } from './presets';

const STATE_KEY = 'sessionManager.connections.v1';
const SETTING = 'sessionManager.connections';

/** What stored secrets a connection may use now: none, with the reason, when they were stored for another endpoint. */
export interface BoundSecrets {
  secrets: ConnectionSecrets;
  /** Set when secrets are stored but belong to another server or identity (see `bindingMismatch`). */
  mismatch?: string;
}

/**
 * Connections: the non-secret record in globalState, the secret part in SecretStorage keyed by connection id,
 * plus read-only presets from settings. `onDidChange` fires when either changes, in this window or another.
 *
 * Secrets are stored together with the binding of the record they were entered or issued for (origins and
 * identity, see `bindingOf`), and handed out only to a record with the same binding (`secretsFor`).
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
    const read = readPresetSetting();
    const presets = parsePresets(read.value);
    this.presetProblems = [...read.problems, ...presets.problems];
    const ownIds = new Set(own.map((c) => c.id));
    return [...own, ...presets.connections.filter((p) => !ownIds.has(p.id))];
  }

  get(id: string): ConnectionRecord | undefined {
    return this.list().find((c) => c.id === id);
  }

  /**
   * Saves a record the person added or edited, with the secrets (bound to this record) when given. Without
   * secrets, stored ones stay, and are used only as long as the record keeps their binding.
   */
  async save(record: ConnectionRecord, secrets?: ConnectionSecrets): Promise<void> {
    if (record.source === 'preset') {
      throw new Error(vscode.l10n.t('{0} comes from the sessionManager.connections setting; edit it there.', record.label));
    }
    const own = this.state.get<ConnectionRecord[]>(STATE_KEY, []).filter((c) => c.id !== record.id);
    // Secrets first: a record never exists without the secrets it was saved with.
    if (secrets) {
      await this.setSecrets(record, secrets);
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

  /**
   * The stored secrets of `record` if they were stored for its current binding. Otherwise none, and `mismatch`
   * says why: nothing of them may be sent anywhere, not even to build a client.
   *
   * Migration: secrets stored by versions before the binding existed carry none. They are taken as bound to the
   * record as it is at this first read (the only endpoint this installation can tell they were used with) and the
   * binding is written now, so every later change of the record is detected. Presets are read from user settings
   * only, so a workspace cannot be the "record as it is" at that moment.
   */
  async secretsFor(record: ConnectionRecord): Promise<BoundSecrets> {
    const stored = await this.getSecrets(record.id);
    const { binding, ...secrets } = stored;
    if (Object.keys(secrets).length === 0) {
      return { secrets: {} };
    }
    if (!binding) {
      await this.setSecrets(record, secrets);
      return { secrets };
    }
    const mismatch = bindingMismatch(binding, bindingOf(record));
    return mismatch ? { secrets: {}, mismatch } : { secrets };
  }

  /** The raw stored secrets with their binding; use `secretsFor` for anything that is sent. */
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

  /** Replaces the stored secrets of `record`, bound to it as it is now. */
  async setSecrets(record: ConnectionRecord, secrets: ConnectionSecrets): Promise<void> {
    const id = record.id;
    this.noteOwnWrite(id);
    const clean = Object.fromEntries(Object.entries(secrets).filter(([k, v]) => k !== 'binding' && v !== undefined && v !== ''));
    if (Object.keys(clean).length === 0) {
      await this.secrets.delete(secretKey(id));
    } else {
      await this.secrets.store(secretKey(id), JSON.stringify({ ...clean, binding: bindingOf(record) }));
    }
  }

  /**
   * Changes some secrets of `record` (an issued token, a sign-out). Stored secrets of another binding are not
   * merged in: they are replaced.
   */
  async updateSecrets(record: ConnectionRecord, patch: Partial<ConnectionSecrets>): Promise<void> {
    await this.setSecrets(record, { ...(await this.secretsFor(record)).secrets, ...patch });
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/**
 * The presets setting from user settings only. The setting has `application`
 * scope, so VS Code itself does not apply workspace values; a value found there anyway is ignored and reported,
 * because a workspace (a cloned repository) must never decide where stored credentials go.
 */
function readPresetSetting(): { value: unknown; problems: string[] } {
  const inspected = vscode.workspace.getConfiguration().inspect<unknown>(SETTING);
  const problems: string[] = [];
  const fromWorkspace =
    inspected?.workspaceValue !== undefined ||
    (vscode.workspace.workspaceFolders ?? []).some((f) => vscode.workspace.getConfiguration(undefined, f.uri).inspect<unknown>(SETTING)?.workspaceFolderValue !== undefined);
  if (fromWorkspace) {
    problems.push(`${SETTING} in workspace or folder settings is ignored: connection presets are read only from user or machine settings, so a workspace cannot redirect stored credentials.`);
  }
  return { value: inspected?.globalValue, problems };
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
