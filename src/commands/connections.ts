import * as vscode from 'vscode';
import { ConnectionManager } from '../connections/manager';
import { BACKEND_LABELS, BackendKind, carryOverOnEdit, ConnectionRecord, ConnectionSecrets } from '../connections/model';
import { askToTrust } from '../connections/trust';
import type { BackendClient } from '../backends/types';
import { connectionWizard } from '../connections/wizard';
import { ApiError } from '../http/errors';
import { ConnectionNode, endpointOf } from '../views/environments';
import { Logger } from '../util/log';
import { UserInput } from '../ui/input';
import { UserCancelled } from './registerCommand';

export interface ConnectionCommandDeps {
  manager: ConnectionManager;
  log: Logger;
  ui: () => UserInput;
  refresh: () => void;
  /** Shows a connection in the Environments view (expanding its backend), e.g. after adding it. */
  reveal(connectionId: string): Promise<void>;
}

/** Resolves the connection a command is about: the node it was invoked on, or a picker from the palette. */
export async function pickConnection(deps: ConnectionCommandDeps, arg: unknown, placeholder: string, filter: (c: ConnectionRecord) => boolean = () => true): Promise<ConnectionRecord> {
  if (arg instanceof ConnectionNode) {
    return arg.record;
  }
  if (typeof arg === 'string') {
    const byId = deps.manager.store.get(arg);
    if (byId) {
      return byId;
    }
  }
  const candidates = deps.manager.store.list().filter(filter);
  if (candidates.length === 0) {
    throw new Error('There is no connection for this command. Add one with "Session Manager: Add Connection…".');
  }
  const v = await deps.ui().pick(
    { title: placeholder, step: 1, totalSteps: 1, canGoBack: false },
    candidates.map((c) => ({ label: c.label, description: `${BACKEND_LABELS[c.backend]} · ${endpointOf(c)}`, value: c })),
    { placeholder },
  );
  if (typeof v === 'symbol') {
    throw new UserCancelled();
  }
  return v;
}

/**
 * Signs in with a record that is not saved yet, trusting the server's certificate first if the person agrees.
 * Returns the (possibly updated) record; throws with a clear message when the connection does not work.
 */
async function testBeforeSave(deps: ConnectionCommandDeps, record: ConnectionRecord, secrets: ConnectionSecrets): Promise<{ record: ConnectionRecord; summary: string; client: BackendClient; expiresAt?: number }> {
  let current = record;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const tested = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Testing ${current.label}…`, cancellable: true },
        async (_p, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          const client = await deps.manager.createClient(current, secrets);
          try {
            const result = await client.signIn(controller.signal);
            await client.listEnvironments(controller.signal);
            return { client, result };
          } catch (e) {
            client.dispose(); // a client that did not work is not kept: no pooled sockets left behind
            throw e;
          }
        },
      );
      return { record: current, summary: tested.result.summary, client: tested.client, expiresAt: tested.result.expiresAt };
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'untrusted-certificate' && attempt === 0) {
        const module = deps.manager.modules[current.backend];
        if (!module) {
          throw e;
        }
        current = await askToTrust(deps.ui(), module, current, undefined, deps.log);
        continue;
      }
      if (e instanceof ApiError && e.kind === 'cancelled') {
        throw new UserCancelled();
      }
      throw e;
    }
  }
  throw new Error('unreachable');
}

export async function addConnection(deps: ConnectionCommandDeps, backend?: unknown): Promise<ConnectionRecord | undefined> {
  const kind = typeof backend === 'string' && ['ziti', 'pingone', 'aptible', 'cohesity'].includes(backend) ? (backend as BackendKind) : undefined;
  const { record, secrets } = await connectionWizard(deps.ui(), { backend: kind });
  let tested: Awaited<ReturnType<typeof testBeforeSave>>;
  try {
    tested = await testBeforeSave(deps, record, secrets);
  } catch (e) {
    if (e instanceof UserCancelled) {
      throw e;
    }
    const message = e instanceof Error ? e.message : String(e);
    // Logged once, by the command wrapper (registerCommand), with the message shown to the person.
    throw new Error(`${record.label} was not saved: ${message}`, { cause: e });
  }
  await deps.manager.store.save(tested.record, secrets);
  deps.manager.forget(tested.record.id);
  deps.manager.adopt(tested.record.id, tested.client, tested.summary, tested.expiresAt);
  deps.log.info(`Added ${BACKEND_LABELS[tested.record.backend]} connection ${tested.record.label}`);
  deps.refresh();
  await deps.reveal(tested.record.id).catch((e) => deps.log.debug(`reveal failed: ${String(e)}`));
  void vscode.window.showInformationMessage(`Added ${tested.record.label}: ${tested.summary}.`);
  return tested.record;
}

export async function editConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<ConnectionRecord | undefined> {
  const existing = await pickConnection(deps, arg, 'Edit which connection?', (c) => c.source === 'user');
  if (existing.source === 'preset') {
    throw new Error(`${existing.label} comes from the sessionManager.connections setting; edit it there.`);
  }
  // Only secrets bound to the connection as it is; stored ones of another endpoint are never offered again.
  const existingSecrets = (await deps.manager.store.secretsFor(existing)).secrets;
  const edited = await connectionWizard(deps.ui(), { existing, existingSecrets });
  const { record, secrets, dropped } = carryOverOnEdit(existing, existingSecrets, edited.record, edited.secrets);
  if (dropped.length > 0) {
    deps.log.info(`Edit ${existing.label}: dropped ${dropped.join(' and ')}.`);
  }
  const tested = await testBeforeSave(deps, record, secrets);
  await deps.manager.store.save(tested.record, secrets);
  deps.manager.forget(record.id);
  deps.manager.adopt(record.id, tested.client, tested.summary, tested.expiresAt);
  deps.refresh();
  return tested.record;
}

export async function removeConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<boolean> {
  const record = await pickConnection(deps, arg, 'Remove which connection?', (c) => c.source === 'user');
  if (record.source === 'preset') {
    throw new Error(`${record.label} comes from the sessionManager.connections setting; remove it there.`);
  }
  const choice = await deps.ui().confirm(
    `Remove the ${BACKEND_LABELS[record.backend]} connection "${record.label}"?`,
    `${endpointOf(record)}\n\nSession Manager ends its own session on the server where the API allows it, then deletes the credentials it stored for this connection. Other sessions on the server are not affected.`,
    ['Remove'],
  );
  if (choice !== 'Remove') {
    return false;
  }
  // Also when this window never signed in (after a reload): the stored token, if bound to this endpoint, ends
  // its own session; nothing is signed in or asked for just to sign out.
  const signedOut = await deps.manager.remove(record);
  deps.log.info(`Removed connection ${record.label}: ${signedOut}`);
  deps.refresh();
  return true;
}

export async function signIn(deps: ConnectionCommandDeps, arg: unknown): Promise<boolean> {
  let record = await pickConnection(deps, arg, 'Sign in to which connection?');
  const stale = await deps.manager.store.secretsFor(record);
  if (stale.mismatch) {
    // The person asked to sign in to the connection as it is now: the credentials of the other endpoint are
    // useless here and must never be sent, so they go; sign-in asks for what it needs.
    deps.log.info(`${record.label}: ${stale.mismatch}`);
    await deps.manager.store.setSecrets(record, {});
  }
  deps.manager.forget(record.id);
  try {
    await deps.manager.signedInClient(record.id);
  } catch (e) {
    if (e instanceof ApiError && e.kind === 'untrusted-certificate') {
      record = await trustAndSave(deps, record);
      await deps.manager.signedInClient(record.id);
    } else {
      throw e;
    }
  } finally {
    deps.refresh();
  }
  return true;
}

async function trustAndSave(deps: ConnectionCommandDeps, record: ConnectionRecord): Promise<ConnectionRecord> {
  const module = deps.manager.modules[record.backend];
  if (!module) {
    throw new Error(`${record.backend} is not supported.`);
  }
  const updated = await askToTrust(deps.ui(), module, record, undefined, deps.log);
  if (record.source === 'preset') {
    throw new Error(`${record.label} comes from settings; add its certificate to your system store, or add the connection yourself.`);
  }
  await deps.manager.store.save(updated);
  deps.manager.forget(record.id);
  return updated;
}

export async function trustCertificate(deps: ConnectionCommandDeps, arg: unknown): Promise<boolean> {
  const record = await pickConnection(deps, arg, 'Trust the certificate of which connection?');
  await trustAndSave(deps, record);
  deps.refresh();
  return true;
}

export async function signOut(deps: ConnectionCommandDeps, arg: unknown): Promise<string> {
  const record = await pickConnection(deps, arg, 'Sign out of which connection?', (c) => deps.manager.state(c.id).kind === 'signedIn');
  const message = await deps.manager.signOut(record.id);
  deps.refresh();
  void vscode.window.showInformationMessage(`${record.label}: ${message}`);
  return message;
}

export async function testConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<string> {
  const record = await pickConnection(deps, arg, 'Test which connection?');
  const client = await deps.manager.signedInClient(record.id);
  const message = await client.test();
  deps.refresh();
  void vscode.window.showInformationMessage(`${record.label}: ${message}`);
  return message;
}
