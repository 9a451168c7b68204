import * as vscode from 'vscode';
import { ApiError } from '../http/errors';
import { raceSignal } from '../http/client';
import { BackendClient, BackendModule, ClientFactory, Prompter } from '../backends/types';
import { Logger } from '../util/log';
import { BACKEND_LABELS, BackendKind, bindingMismatch, bindingOf, ConnectionRecord, ConnectionSecrets } from '../model/connection';
import { ConnectionStore } from './store';
import { vscodeProxySettings } from './proxySettings';

export type ConnectionState =
  | { kind: 'signedOut' }
  | { kind: 'signingIn' }
  | { kind: 'signedIn'; summary: string; expiresAt?: number }
  | { kind: 'expired'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'untrusted'; message: string }
  /** Stored credentials exist but belong to another server or identity; they are not sent. */
  | { kind: 'needsSignIn'; message: string }
  | { kind: 'error'; message: string };

/** Thrown instead of building a client when the stored secrets are bound to another endpoint. */
export class NeedsSignIn extends Error {
  constructor(
    readonly connectionLabel: string,
    readonly reason: string,
  ) {
    super(vscode.l10n.t('{0} needs sign-in. {1}', connectionLabel, reason));
    this.name = 'NeedsSignIn';
  }
}

/** Questions nobody answers: for a client that must only use what is stored (ending a session on removal). */
const NO_QUESTIONS: Prompter = {
  askCode: async () => undefined,
  askPassword: async () => undefined,
};

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
  if (e instanceof NeedsSignIn) {
    return { kind: 'needsSignIn', message: e.reason };
  }
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
    // A connection edited (here, in another window, or a preset in settings), removed, or whose secrets changed
    // elsewhere gets a fresh client: a live client keeps talking only to the endpoint it was built for.
    this.subscription = store.onDidChange((id) => {
      if (id) {
        this.forget(id);
      } else {
        const current = new Map(store.list().map((c) => [c.id, c]));
        for (const [cid, client] of [...this.clients]) {
          const now = current.get(cid);
          if (!now || bindingMismatch(bindingOf(client.record), bindingOf(now))) {
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

  /**
   * Builds a client for a record that may not be saved yet (the Add/Edit Connection test, with the wizard's
   * secrets), or with the stored secrets bound to this record; throws NeedsSignIn, having sent nothing, when the
   * stored secrets belong to another endpoint. `prompter` replaces the person's (e.g. one that never asks);
   * `persist: false` keeps what the client issues or drops out of the store.
   */
  async createClient(
    record: ConnectionRecord,
    secretsOverride?: Parameters<ClientFactory>[1],
    opts: { prompter?: Prompter; persist?: boolean } = {},
  ): Promise<BackendClient> {
    const factory = this.modules[record.backend]?.createClient;
    if (!factory) {
      throw new Error(vscode.l10n.t('{0} connections are not supported in this version.', record.backend));
    }
    let secrets: ConnectionSecrets;
    if (secretsOverride) {
      secrets = secretsOverride;
    } else {
      const bound = await this.store.secretsFor(record);
      if (bound.mismatch) {
        throw new NeedsSignIn(record.label, bound.mismatch);
      }
      secrets = bound.secrets;
    }
    for (const s of Object.values(secrets)) {
      if (typeof s === 'string') {
        this.log.addSecret(s);
      }
    }
    const binding = bindingOf(record);
    return factory(record, secrets, {
      log: (level, message) => this.log[level](message),
      prompter: opts.prompter ?? this.prompter,
      saveSecrets: async (patch) => {
        for (const s of Object.values(patch)) {
          if (typeof s === 'string') {
            this.log.addSecret(s);
          }
        }
        if (secretsOverride) {
          Object.assign(secretsOverride, patch);
        }
        // Written only while the saved connection still has the binding this client was built for: a client
        // testing an edit (another URL or user) must not touch the stored secrets before the edit is saved,
        // and a token issued by the old server is never stored for the new one.
        const saved = this.store.get(record.id);
        if (opts.persist !== false && saved && !bindingMismatch(bindingOf(saved), binding)) {
          await this.store.updateSecrets(saved, patch);
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
      throw new Error(vscode.l10n.t('This connection no longer exists.'));
    }
    this.setState(id, { kind: 'signingIn' });
    let client: BackendClient | undefined;
    try {
      client = await this.createClient(record);
      const result = await client.signIn();
      this.clients.set(id, client);
      this.log.info(`Signed in to ${record.label} (${BACKEND_LABELS[record.backend]}): ${result.summary}`);
      this.setState(id, { kind: 'signedIn', summary: result.summary, expiresAt: result.expiresAt });
      return client;
    } catch (e) {
      this.log.warn(`Sign-in to ${record.label} (${BACKEND_LABELS[record.backend]}) failed: ${e instanceof Error ? e.message : String(e)}`);
      client?.dispose(); // a client that could not sign in is not kept
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
    const record = this.store.get(id);
    this.log.info(`Signed in to ${record?.label ?? id}${record ? ` (${BACKEND_LABELS[record.backend]})` : ''}: ${summary}`);
    this.setState(id, { kind: 'signedIn', summary, expiresAt });
  }

  /** Records what a failed call says about the connection (expired, unreachable, …) without losing the client. */
  noteFailure(id: string, e: unknown): void {
    const s = stateForError(e);
    if (s.kind !== 'error') {
      this.setState(id, s);
    }
  }

  /**
   * Ends the server-side session where the API allows it: with the live client, or (after a reload, when this
   * window never signed in) with the stored token alone. `stored` must be the secrets bound to `record`; nothing
   * else is used, nobody is asked anything, and no sign-in happens just to sign out.
   */
  private async endServerSession(record: ConnectionRecord, live: BackendClient | undefined, stored: ConnectionSecrets): Promise<string> {
    let client = live;
    if (!client && stored.token && this.modules[record.backend]) {
      client = await this.createClient(record, { token: stored.token, tokenExpiresAt: stored.tokenExpiresAt }, { prompter: NO_QUESTIONS, persist: false }).catch((e: unknown) => {
        this.log.warn(`${record.label}: cannot end the stored session: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
    }
    if (!client) {
      return vscode.l10n.t('Signed out.');
    }
    try {
      return await client.signOut();
    } catch (e) {
      return vscode.l10n.t('Signed out locally; the server did not confirm: {0}', e instanceof Error ? e.message : String(e));
    } finally {
      if (client !== live) {
        client.dispose(); // made here only to sign out
      }
    }
  }

  async signOut(id: string): Promise<string> {
    const record = this.store.get(id);
    // The stored token is read only when there is no live client, and before the client leaves the map: no extra
    // wait while the connection shows signed in without a client (a view would sign it in again meanwhile).
    const stored = record && !this.clients.has(id) ? (await this.store.secretsFor(record)).secrets : {};
    const live = this.clients.get(id);
    this.clients.delete(id);
    let message = vscode.l10n.t('Signed out.');
    if (record) {
      message = await this.endServerSession(record, live, stored);
    } else if (live) {
      message = await live.signOut().catch((e: unknown) => vscode.l10n.t('Signed out locally; the server did not confirm: {0}', e instanceof Error ? e.message : String(e)));
    }
    live?.dispose();
    // An issued token is dropped; a pasted or imported token is the credential itself and stays.
    if (record && record.auth.method !== 'token' && record.auth.method !== 'cliToken') {
      await this.store.updateSecrets(record, { token: undefined, tokenExpiresAt: undefined });
    }
    this.setState(id, { kind: 'signedOut' });
    this.log.info(`Signed out of ${record?.label ?? id}: ${message}`);
    return message;
  }

  /** Removes a connection's client and closes its sockets. */
  private disposeClient(id: string): void {
    const client = this.clients.get(id);
    this.clients.delete(id);
    client?.dispose();
  }

  /**
   * Removes a connection the person added: the record and its secrets go first (so no view can sign it in again
   * meanwhile), then its own session on the server is ended with what was stored for this endpoint.
   */
  async remove(record: ConnectionRecord): Promise<string> {
    const stored = (await this.store.secretsFor(record)).secrets;
    const live = this.clients.get(record.id);
    this.clients.delete(record.id);
    await this.store.remove(record.id);
    this.forget(record.id);
    try {
      return await this.endServerSession(record, live, stored);
    } finally {
      live?.dispose();
    }
  }

  dispose(): void {
    for (const id of [...this.clients.keys()]) {
      this.disposeClient(id);
    }
    this.subscription.dispose();
    this.changed.dispose();
  }
}
