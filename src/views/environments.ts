import * as vscode from 'vscode';
import { BACKEND_LABELS, BACKENDS, BackendKind, ConnectionRecord, INSECURE_WARNING, insecureUrls } from '../model/connection';
import { ConnectionManager, ConnectionState } from '../connections/manager';
import { EnvironmentInfo } from '../backends/types';
import { buildContextValue } from '../tree/contextValue';
import { ErrorNode, MessageNode, TreeNode } from '../tree/nodes';
import { toAbortSignal } from '../http/cancel';
import { ApiError } from '../http/errors';
import { IncompleteListError } from '../http/paging';
import { HasDetails } from './details';
import { escapeMarkdown } from '../util/markdown';

const BACKEND_ICONS: Record<BackendKind, string> = {
  ziti: 'type-hierarchy',
  pingone: 'organization',
  aptible: 'server-environment',
  cohesity: 'database',
};

/** Environments view roots: the four backends, once any connection exists (otherwise the welcome content shows). */
export function environmentRoots(manager: ConnectionManager): TreeNode[] {
  const connections = manager.store.list();
  if (connections.length === 0) {
    return [];
  }
  return BACKENDS.map((b) => new BackendNode(b, manager));
}

export class BackendNode implements TreeNode {
  readonly id: string;
  constructor(
    readonly backend: BackendKind,
    private readonly manager: ConnectionManager,
  ) {
    this.id = `backend/${backend}`;
  }
  private connections(): ConnectionRecord[] {
    return this.manager.store
      .list()
      .filter((c) => c.backend === this.backend)
      .sort((a, b) => a.label.localeCompare(b.label));
  }
  getTreeItem(): vscode.TreeItem {
    const count = this.connections().length;
    const item = new vscode.TreeItem(BACKEND_LABELS[this.backend], count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(BACKEND_ICONS[this.backend]);
    item.description = count === 0 ? vscode.l10n.t('no connections') : count === 1 ? vscode.l10n.t('1 connection') : vscode.l10n.t('{0} connections', count);
    item.contextValue = buildContextValue('backend');
    return item;
  }
  getChildren(): TreeNode[] {
    const list = this.connections();
    if (list.length === 0) {
      return [
        new MessageNode(`${this.id}/empty`, vscode.l10n.t('Add a {0} connection…', BACKEND_LABELS[this.backend]), {
          icon: 'add',
          parent: this,
          command: { title: vscode.l10n.t('Add Connection'), command: 'sessionManager.addConnection', arguments: [this.backend] },
        }),
      ];
    }
    return list.map((c) => new ConnectionNode(c, this.manager, this));
  }
}

function stateDescription(state: ConnectionState): string {
  switch (state.kind) {
    case 'signedOut':
      return vscode.l10n.t('signed out');
    case 'signingIn':
      return vscode.l10n.t('signing in…');
    case 'signedIn':
      return state.summary;
    case 'expired':
      return vscode.l10n.t('session expired');
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    case 'untrusted':
      return vscode.l10n.t('untrusted certificate');
    case 'needsSignIn':
      return vscode.l10n.t('needs sign-in');
    case 'error':
      return vscode.l10n.t('error');
  }
}

function stateIcon(state: ConnectionState): vscode.ThemeIcon {
  switch (state.kind) {
    case 'signedIn':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'signingIn':
      return new vscode.ThemeIcon('loading~spin');
    case 'signedOut':
      return new vscode.ThemeIcon('circle-outline');
    case 'expired':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'untrusted':
      return new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.warningForeground'));
    case 'needsSignIn':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    default:
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  }
}

export class ConnectionNode implements TreeNode, HasDetails {
  readonly id: string;
  constructor(
    readonly record: ConnectionRecord,
    private readonly manager: ConnectionManager,
    readonly parent: TreeNode,
  ) {
    this.id = `conn/${record.id}`;
  }

  get connectionId(): string {
    return this.record.id;
  }

  detailsTitle(): string {
    return vscode.l10n.t('{0} connection', this.record.label);
  }

  details(): unknown {
    const { tls, ...rest } = this.record;
    return {
      ...rest,
      tls: tls ? { trustedCertificateFingerprints: tls.fingerprints ?? [] } : undefined,
      state: this.manager.state(this.record.id),
    };
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    let state = this.manager.state(this.record.id);
    if (state.kind === 'signedOut') {
      // Stored credentials of another endpoint (a preset whose URL changed) show before anything tries to use them.
      const bound = await this.manager.store.secretsFor(this.record);
      if (bound.mismatch) {
        state = { kind: 'needsSignIn', message: bound.mismatch };
      }
    }
    const item = new vscode.TreeItem(this.record.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = stateIcon(state);
    const insecure = insecureUrls(this.record);
    // The production and http marks first, so a long state text cannot truncate them away.
    const marks = [this.record.production && vscode.l10n.t('production'), insecure.length > 0 && vscode.l10n.t('http: {0}', INSECURE_WARNING)].filter((m): m is string => Boolean(m));
    item.description = [...marks, stateDescription(state)].join(' · ');
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${escapeMd(this.record.label)}** — ${BACKEND_LABELS[this.record.backend]}\n\n`);
    tip.appendMarkdown(`${escapeMd(endpointOf(this.record))}\n\n`);
    if (insecure.length > 0) {
      tip.appendMarkdown(`$(warning) ${escapeMd(vscode.l10n.t('{0} uses http://: {1}.', insecure.join(', '), INSECURE_WARNING))}\n\n`);
    }
    tip.appendMarkdown(vscode.l10n.t('State: {0}', escapeMd(stateDescription(state))));
    if ('message' in state) {
      tip.appendMarkdown(`\n\n${escapeMd(state.message)}`);
    }
    if (this.record.source === 'preset') {
      tip.appendMarkdown(`\n\n_${vscode.l10n.t('From the sessionManager.connections setting (read-only).')}_`);
    }
    item.tooltip = tip;
    const signedIn = state.kind === 'signedIn';
    item.contextValue = buildContextValue('connection', [
      !signedIn && state.kind !== 'signingIn' && 'canSignIn',
      signedIn && 'canSignOut',
      this.record.source === 'user' && 'canEdit',
      this.record.source === 'user' && 'canRemove',
      'canTest',
      'canRefresh',
      'hasDetails',
      state.kind === 'untrusted' && 'canTrust',
      (state.kind === 'unreachable' || state.kind === 'error') && 'canRetry',
    ]);
    return item;
  }

  async getChildren(token: vscode.CancellationToken): Promise<TreeNode[]> {
    const signal = toAbortSignal(token);
    const state = this.manager.state(this.record.id);
    if (state.kind === 'signedOut' && !(await this.hasStoredCredentials())) {
      return [
        new MessageNode(`${this.id}/signin`, vscode.l10n.t('Sign in to see environments'), {
          icon: 'sign-in',
          parent: this,
          command: { title: vscode.l10n.t('Sign In'), command: 'sessionManager.signIn', arguments: [this] },
        }),
      ];
    }
    try {
      const client = await this.manager.signedInClient(this.record.id, signal);
      const envs = await client.listEnvironments(signal);
      if (envs.length === 0) {
        return [new MessageNode(`${this.id}/none`, vscode.l10n.t('No environments visible to these credentials'), { parent: this })];
      }
      return envs.map((e) => new EnvironmentNode(e, this));
    } catch (e) {
      if (token.isCancellationRequested || (e instanceof ApiError && e.kind === 'cancelled')) {
        throw e; // the provider turns a superseded load into nothing
      }
      if (e instanceof IncompleteListError && e.items.length > 0) {
        // A later page was refused (e.g. a `next` link to another origin): keep what was read, then say why it stops.
        const read = (e as IncompleteListError<EnvironmentInfo>).items.map((info) => new EnvironmentNode(info, this));
        return [...read, new ErrorNode(`${this.id}/error`, e.message, this, vscode.l10n.t('The {0} environment(s) above were read before this; Retry to read the list again.', read.length))];
      }
      this.manager.noteFailure(this.record.id, e);
      const message = e instanceof Error ? e.message : String(e);
      const s = this.manager.state(this.record.id);
      if (s.kind === 'needsSignIn') {
        return [
          new MessageNode(`${this.id}/signin`, vscode.l10n.t('Needs sign-in: {0}', s.message), {
            icon: 'key',
            tooltip: s.message,
            parent: this,
            command: { title: vscode.l10n.t('Sign In'), command: 'sessionManager.signIn', arguments: [this] },
          }),
        ];
      }
      const hint =
        s.kind === 'untrusted'
          ? vscode.l10n.t('Use "Trust Certificate…" on the connection.')
          : s.kind === 'unreachable'
            ? vscode.l10n.t('Check the address and that the server is running, then Retry.')
            : s.kind === 'expired'
              ? vscode.l10n.t('Sign in again.')
              : undefined;
      return [new ErrorNode(`${this.id}/error`, message, this, hint)];
    }
  }

  private async hasStoredCredentials(): Promise<boolean> {
    const s = await this.manager.store.getSecrets(this.record.id);
    return Boolean(s.password || s.token || s.clientSecret || s.apiKey) || this.record.auth.method === 'certificate' || this.record.auth.method === 'cliToken';
  }
}

export class EnvironmentNode implements TreeNode, HasDetails {
  readonly id: string;
  constructor(
    readonly info: EnvironmentInfo,
    readonly parent: ConnectionNode,
  ) {
    this.id = `${parent.id}/env/${info.id}`;
  }
  detailsTitle(): string {
    return `${this.parent.record.label} - ${this.info.label}`;
  }
  details(): unknown {
    return this.info.raw;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.info.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.info.description;
    item.iconPath = new vscode.ThemeIcon(this.info.icon ?? 'globe');
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMd(this.info.label)}**\n\n`);
    for (const [k, v] of Object.entries(this.info.details)) {
      if (v !== undefined && v !== '') {
        tip.appendMarkdown(`- ${escapeMd(k)}: ${escapeMd(String(v))}\n`);
      }
    }
    item.tooltip = tip;
    item.contextValue = buildContextValue('environment', ['hasDetails']);
    return item;
  }
}

export function endpointOf(record: ConnectionRecord): string {
  return record.endpoints.url ?? record.endpoints.apiUrl ?? (record.endpoints.region ? vscode.l10n.t('region {0}', record.endpoints.region) : '');
}

/** Escapes text for a MarkdownString so API strings cannot inject links, images or HTML (the one helper: util/markdown). */
export const escapeMd = escapeMarkdown;
