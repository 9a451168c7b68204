import * as vscode from 'vscode';
import { ApiError } from '../http/errors';
import { raceSignal } from '../http/client';
import { BackendClient, BackendModule, ClientFactory, Prompter } from '../backends/types';
import { Logger } from '../util/log';
import { BackendKind, ConnectionRecord } from './model';
import { ConnectionStore } from './store';
import { vscodeProxySettings } from './proxySettings';

export type ConnectionState =
  | { kind: 'signedOut' }
  | { kind: 'signingIn' }
  | { kind: 'signedIn'; summary: string; expiresAt?: number }
  | { kind: 'expired'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'untrusted'; message: string }
  | { kind: 'error'; message: string };

/** Waits for `p`, or rejects as cancelled as soon as `signal` aborts (leaving `p` to run on for others). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, label: string): Promise<T> {
  return raceSignal(p, signal).catch((e: unknown) => {
    if (signal.aborted) {
      throw new ApiError({ kind: 'cancelled', connectionLabel: label, operation: 'sign in', summary: 'cancelled' });
    }
    throw e;
  });
}

/** Turns a failure into the connection state it means. */
export function stateForError(e: unknown): ConnectionState {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof ApiError) {
    switch (e.kind) {
      case 'network':
      case 'timeout':
        return { kind: 'unreachable', message };
      case 'untrusted-certificate':
        return { kind: 'untrusted', message };
      case 'auth':
        return { kind: 'expired', message };
      default:
        return { kind: 'error', message };
    }
  }
  return { kind: 'error', message };
}

/**
 * Live connections: one API client per connection, its state, and single-flight sign-in. Nothing here runs at
 * activation; clients are created when a view or command first needs them.
 */
export class ConnectionManager implements vscode.Disposable {
  private readonly clients = new Map<string, BackendClient>();
  private readonly states = new Map<string, ConnectionState>();
  private readonly signingIn = new Map<string, Promise<BackendClient>>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the id of a connection whose state changed. */
  readonly onDidChangeState = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    readonly store: ConnectionStore,
    private readonly log: Logger,
    readonly modules: Partial<Record<BackendKind, BackendModule>>,
    private readonly prompter: Prompter,
  ) {
    // A connection edited, removed or whose secrets changed in another window gets a fresh client.
    this.subscription = store.onDidChange((id) => {
      if (id) {
        this.forget(id);
      } else {
        const known = new Set(store.list().map((c) => c.id));
        for (const cid of [...this.clients.keys()]) {
          if (!known.has(cid)) {
            this.forget(cid);
          }
        }
      }
    });
  }

  state(id: string): ConnectionState {
    return this.states.get(id) ?? { kind: 'signedOut' };
  }

  setState(id: string, state: ConnectionState): void {
    this.states.set(id, state);
    this.changed.fire(id);
  }

  /**
   * Drops the live client (after an edit, a removal or a secret change elsewhere) and closes its pooled keep-alive
   * sockets; the next use signs in again.
   */
  forget(id: string): void {
    this.disposeClient(id);
    if (this.states.has(id)) {
      this.states.delete(id);
      this.changed.fire(id);
    }
  }

  supports(backend: BackendKind): boolean {
    return Boolean(this.modules[backend]);
  }

  /** Builds a client for a record that may not be saved yet (the Add Connection test). */
  async createClient(record: ConnectionRecord, secretsOverride?: Parameters<ClientFactory>[1]): Promise<BackendClient> {
    const factory = this.modules[record.backend]?.createClient;
    if (!factory) {
      throw new Error(`${record.backend} connections are not supported in this version.`);
    }
    const secrets = secretsOverride ?? (await this.store.getSecrets(record.id));
    for (const s of Object.values(secrets)) {
      if (typeof s === 'string') {
        this.log.addSecret(s);
      }
    }
    return factory(record, secrets, {
      log: (level, message) => this.log[level](message),
      prompter: this.prompter,
      saveSecrets: async (patch) => {
        for (const s of Object.values(patch)) {
          if (typeof s === 'string') {
            this.log.addSecret(s);
          }
        }
        if (secretsOverride) {
          Object.assign(secretsOverride, patch);
        }
        if (this.store.get(record.id)) {
          await this.store.updateSecrets(record.id, patch);
        }
      },
      proxy: vscodeProxySettings(),
    });
  }

  /** The signed-in client for a connection, signing in (once, shared by concurrent callers) when needed. */
  async signedInClient(id: string, signal?: AbortSignal): Promise<BackendClient> {
    const existing = this.clients.get(id);
    if (existing?.signedIn && this.state(id).kind === 'signedIn') {
      return existing;
    }
    let pending = this.signingIn.get(id);
    if (!pending) {
      // The shared sign-in belongs to no single caller: a caller that gives up (a view refresh cancelling its
      // load) stops waiting, without cancelling the sign-in for everyone else.
      pending = this.doSignIn(id).finally(() => this.signingIn.delete(id));
      this.signingIn.set(id, pending);
    }
    return signal ? untilAborted(pending, signal, this.store.get(id)?.label ?? id) : pending;
  }

  private async doSignIn(id: string): Promise<BackendClient> {
    const record = this.store.get(id);
    if (!record) {
      throw new Error('This connection no longer exists.');
    }
    this.setState(id, { kind: 'signingIn' });
    try {
      const client = await this.createClient(record);
      const result = await client.signIn();
      this.clients.set(id, client);
      this.log.info(`${record.label}: ${result.summary}`);
      this.setState(id, { kind: 'signedIn', summary: result.summary, expiresAt: result.expiresAt });
      return client;
    } catch (e) {
      this.setState(id, stateForError(e));
      throw e;
    }
  }

  /** Takes over a client that has just signed in (the Add/Edit Connection test), so the connection shows signed in. */
  adopt(id: string, client: BackendClient, summary: string, expiresAt?: number): void {
    if (this.clients.get(id) !== client) {
      this.disposeClient(id);
    }
    this.clients.set(id, client);
    this.setState(id, { kind: 'signedIn', summary, expiresAt });
  }

  /** Records what a failed call says about the connection (expired, unreachable, …) without losing the client. */
  noteFailure(id: string, e: unknown): void {
    const s = stateForError(e);
    if (s.kind !== 'error') {
      this.setState(id, s);
    }
  }

  async signOut(id: string): Promise<string> {
    const client = this.clients.get(id);
    this.clients.delete(id);
    let message = 'Signed out.';
    if (client) {
      try {
        message = await client.signOut();
      } catch (e) {
        message = `Signed out locally; the server did not confirm: ${e instanceof Error ? e.message : String(e)}`;
      } finally {
        client.dispose();
      }
    }
    // An issued token is dropped; a pasted or imported token is the credential itself and stays.
    const record = this.store.get(id);
    if (record && record.auth.method !== 'token' && record.auth.method !== 'cliToken') {
      await this.store.updateSecrets(id, { token: undefined, tokenExpiresAt: undefined });
    }
    this.setState(id, { kind: 'signedOut' });
    return message;
  }

  /** Removes a connection's client and closes its sockets. */
  private disposeClient(id: string): void {
    const client = this.clients.get(id);
    this.clients.delete(id);
    client?.dispose();
  }

  dispose(): void {
    for (const id of [...this.clients.keys()]) {
      this.disposeClient(id);
    }
    this.subscription.dispose();
    this.changed.dispose();
  }
}
