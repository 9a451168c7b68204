import * as vscode from 'vscode';
import { ConnectionManager } from '../connections/manager';
import { BACKEND_LABELS, BackendKind, bindingOf, carryOverOnEdit, ConnectionRecord, ConnectionSecrets, newConnectionId } from '../model/connection';
import { askToTrust } from '../connections/trust';
import type { BackendClient } from '../backends/types';
import { connectionWizard, defaultLabel, WizardChecks } from '../connections/wizard';
import { checkReachable } from '../connections/reachability';
import { vscodeProxySettings } from '../connections/proxySettings';
import { ApiError } from '../http/errors';
import { ConnectionNode, endpointOf } from '../views/environments';
import { Logger } from '../util/log';
import { UserInput } from '../ui/input';
import { UserCancelled } from '../ui/input';

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
    throw new Error(vscode.l10n.t('There is no connection for this command. Add one with "Session Manager: Add Connection…".'));
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

/** What the last successful sign-in check of the wizard produced: the client is kept when the connection is saved. */
interface Tested {
  record: ConnectionRecord;
  secrets: ConnectionSecrets;
  client: BackendClient;
  summary: string;
  expiresAt?: number;
}

/**
 * The checks the Add/Edit Connection wizard runs as it goes, against a record not saved yet: reachability and trust
 * right after the addresses, a real sign-in right after the credentials. For an edit, what is tested is what would
 * be saved: only the secrets and trust that carry over from the connection as it was (see carryOverOnEdit).
 */
class WizardChecker implements WizardChecks {
  /** The certificates the person trusted during this wizard, and for which addresses. */
  private trusted: { origins: string; tls: NonNullable<ConnectionRecord['tls']> } | undefined;
  /** The id a new connection gets, chosen at its first check, so that the client tested is the one saved. */
  private readonly newIds = new Map<BackendKind, string>();
  tested: Tested | undefined;

  constructor(
    private readonly deps: ConnectionCommandDeps,
    private readonly existing?: { record: ConnectionRecord; secrets: ConnectionSecrets },
  ) {}

  /** The record and secrets as they would be saved now. */
  prepare(record: ConnectionRecord, secrets: ConnectionSecrets): { record: ConnectionRecord; secrets: ConnectionSecrets; dropped: string[] } {
    const carried = this.existing ? carryOverOnEdit(this.existing.record, this.existing.secrets, record, secrets) : { record: { ...record }, secrets: { ...secrets }, dropped: [] };
    if (this.trusted && this.trusted.origins === bindingOf(record).origins.join(' ')) {
      carried.record.tls = this.trusted.tls;
    }
    if (!this.existing) {
      const id = this.newIds.get(record.backend) ?? newConnectionId(record.backend);
      this.newIds.set(record.backend, id);
      carried.record.id = id;
    }
    if (!carried.record.label) {
      carried.record.label = defaultLabel(record.backend, record);
    }
    return carried;
  }

  async endpoint(wizardRecord: ConnectionRecord): Promise<string | undefined> {
    let record = this.prepare(wizardRecord, {}).record;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.deps.ui().progress(vscode.l10n.t('Checking {0}…', endpointOf(record)), (signal) => checkReachable(record, { proxy: vscodeProxySettings(), signal }));
        return undefined;
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'untrusted-certificate' && attempt === 0) {
          const module = this.deps.manager.modules[record.backend];
          if (!module) {
            return messageOf(e);
          }
          try {
            record = await askToTrust(this.deps.ui(), module, record, undefined, this.deps.manager.store.list(), this.deps.log);
          } catch (declined) {
            return declined instanceof UserCancelled ? vscode.l10n.t('{0}; you did not trust it.', messageOf(e)) : messageOf(declined);
          }
          if (record.tls) {
            this.trusted = { origins: bindingOf(record).origins.join(' '), tls: record.tls };
            wizardRecord.tls = record.tls;
          }
          continue;
        }
        return messageOf(e);
      }
    }
    return undefined;
  }

  async credentials(wizardRecord: ConnectionRecord, wizardSecrets: ConnectionSecrets): Promise<string | undefined> {
    const { record, secrets } = this.prepare(wizardRecord, wizardSecrets);
    this.forgetTested();
    try {
      const tested = await this.deps.ui().progress(vscode.l10n.t('Signing in to {0}…', endpointOf(record)), async (signal) => {
        const client = await this.deps.manager.createClient(record, secrets);
        try {
          const result = await client.signIn(signal);
          await client.listEnvironments(signal);
          return { client, result };
        } catch (e) {
          client.dispose(); // a client that did not work is not kept: no pooled sockets left behind
          throw e;
        }
      });
      // `secrets` now holds what the sign-in issued (a session token), saved with the connection.
      this.tested = { record, secrets, client: tested.client, summary: tested.result.summary, expiresAt: tested.result.expiresAt };
      return undefined;
    } catch (e) {
      const reason = messageOf(e);
      this.deps.log.warn(`${this.existing ? 'Edit' : 'Add'} Connection: signing in to ${record.label} (${BACKEND_LABELS[record.backend]}) did not work: ${reason}`);
      return reason;
    }
  }

  /** Drops the client of an earlier check (the answers changed, or the wizard ended without saving). */
  forgetTested(): void {
    this.tested?.client.dispose();
    this.tested = undefined;
  }
}

/** The reason a check failed, for the step that stays open: the server's answer, without the connection's name. */
function messageOf(e: unknown): string {
  if (e instanceof ApiError) {
    // The operation ("sign in", "reach the server") comes from the HTTP core, in English like the server's summary.
    return vscode.l10n.t('{0} failed: {1}', `${e.operation.charAt(0).toUpperCase()}${e.operation.slice(1)}`, e.summary);
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs the wizard with its checks and saves the connection it produces: signed in with the client of the last
 * successful check, or (after "Save anyway, sign in later") saved as it is, signed out.
 */
async function runWizardAndSave(deps: ConnectionCommandDeps, opts: { backend?: BackendKind; existing?: ConnectionRecord; existingSecrets?: ConnectionSecrets }): Promise<{ record: ConnectionRecord; verified: boolean; summary?: string }> {
  const checker = new WizardChecker(deps, opts.existing ? { record: opts.existing, secrets: opts.existingSecrets ?? {} } : undefined);
  let result: Awaited<ReturnType<typeof connectionWizard>>;
  try {
    result = await connectionWizard(deps.ui(), { ...opts, checks: checker });
  } catch (e) {
    checker.forgetTested();
    throw e;
  }
  const tested = result.verified ? checker.tested : undefined;
  if (!tested) {
    checker.forgetTested();
  }
  const prepared = tested ? { record: tested.record, secrets: tested.secrets, dropped: [] as string[] } : checker.prepare(result.record, result.secrets);
  // Name and production were answered after the sign-in check.
  const record: ConnectionRecord = { ...prepared.record, label: result.record.label, production: result.record.production };
  if (opts.existing && prepared.dropped.length > 0) {
    deps.log.info(`Edit ${opts.existing.label}: dropped ${prepared.dropped.join(' and ')}.`);
  }
  await deps.manager.store.save(record, prepared.secrets);
  deps.manager.forget(record.id);
  if (tested) {
    deps.manager.adopt(record.id, tested.client, tested.summary, tested.expiresAt);
  }
  return { record, verified: Boolean(tested), summary: tested?.summary };
}

export async function addConnection(deps: ConnectionCommandDeps, backend?: unknown): Promise<ConnectionRecord | undefined> {
  const kind = typeof backend === 'string' && ['ziti', 'pingone', 'aptible', 'cohesity'].includes(backend) ? (backend as BackendKind) : undefined;
  const { record, verified, summary } = await runWizardAndSave(deps, { backend: kind });
  deps.log.info(`Added ${BACKEND_LABELS[record.backend]} connection ${record.label}${verified ? '' : ' (not signed in)'}`);
  deps.refresh();
  await deps.reveal(record.id).catch((e) => deps.log.debug(`reveal failed: ${String(e)}`));
  void deps.ui().notify(
    'info',
    verified ? vscode.l10n.t('Added {0}: {1}.', record.label, summary ?? '') : vscode.l10n.t('Added {0} without signing in: sign in when the server can be reached.', record.label),
  );
  return record;
}

export async function editConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<ConnectionRecord | undefined> {
  const existing = await pickConnection(deps, arg, vscode.l10n.t('Edit which connection?'), (c) => c.source === 'user');
  if (existing.source === 'preset') {
    throw new Error(vscode.l10n.t('{0} comes from the sessionManager.connections setting; edit it there.', existing.label));
  }
  // Only secrets bound to the connection as it is; stored ones of another endpoint are never offered again.
  const existingSecrets = (await deps.manager.store.secretsFor(existing)).secrets;
  const { record } = await runWizardAndSave(deps, { existing, existingSecrets });
  deps.refresh();
  return record;
}

export async function removeConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<boolean> {
  const record = await pickConnection(deps, arg, vscode.l10n.t('Remove which connection?'), (c) => c.source === 'user');
  if (record.source === 'preset') {
    throw new Error(vscode.l10n.t('{0} comes from the sessionManager.connections setting; remove it there.', record.label));
  }
  const remove = vscode.l10n.t('Remove');
  const choice = await deps.ui().confirm(
    vscode.l10n.t('Remove the {0} connection "{1}"?', BACKEND_LABELS[record.backend], record.label),
    vscode.l10n.t(
      '{0}\n\nSession Manager ends its own session on the server where the API allows it, then deletes the credentials it stored for this connection. Other sessions on the server are not affected.',
      endpointOf(record),
    ),
    [remove],
  );
  if (choice !== remove) {
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
  let record = await pickConnection(deps, arg, vscode.l10n.t('Sign in to which connection?'));
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
    throw new Error(vscode.l10n.t('{0} is not supported.', record.backend));
  }
  const updated = await askToTrust(deps.ui(), module, record, undefined, deps.manager.store.list(), deps.log);
  if (record.source === 'preset') {
    throw new Error(vscode.l10n.t('{0} comes from settings; add its certificate to your system store, or add the connection yourself.', record.label));
  }
  await deps.manager.store.save(updated);
  deps.manager.forget(record.id);
  return updated;
}

export async function trustCertificate(deps: ConnectionCommandDeps, arg: unknown): Promise<boolean> {
  const record = await pickConnection(deps, arg, vscode.l10n.t('Trust the certificate of which connection?'));
  await trustAndSave(deps, record);
  deps.refresh();
  return true;
}

export async function signOut(deps: ConnectionCommandDeps, arg: unknown): Promise<string> {
  const record = await pickConnection(deps, arg, vscode.l10n.t('Sign out of which connection?'), (c) => deps.manager.state(c.id).kind === 'signedIn');
  const message = await deps.manager.signOut(record.id);
  deps.refresh();
  void deps.ui().notify('info', `${record.label}: ${message}`);
  return message;
}

export async function testConnection(deps: ConnectionCommandDeps, arg: unknown): Promise<string> {
  const record = await pickConnection(deps, arg, vscode.l10n.t('Test which connection?'));
  const client = await deps.manager.signedInClient(record.id);
  const message = await client.test();
  deps.refresh();
  void deps.ui().notify('info', `${record.label}: ${message}`);
  return message;
}
