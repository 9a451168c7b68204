// The state the OpenZiti Sessions view shares between its nodes and commands: the filter (per workspace), grouping,
// page size, loaded depths, items being revoked, identity-name caches and the per-controller totals for the badge.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../../../connections/manager';
import type { ConnectionRecord } from '../../../connections/model';
import type { ExplorerTreeProvider } from '../../../tree/provider';
import type { TreeNode } from '../../../tree/nodes';
import type { DetailsProvider } from '../../../views/details';
import type { Logger } from '../../../util/log';
import { IdentityCache, listSessions, type ZitiApi, type ZitiSession } from '../api';
import { ZitiClient } from '../client';
import { clampPageSize, filterToZitiQl, parseGroupBy, type SessionGroupBy } from './pure';

export const FILTER_STATE_KEY = 'sessionManager.ziti.sessionFilter';
export const FILTERED_CONTEXT_KEY = 'sessionManager.sessionsFiltered';

/** What a session node exposes to commands (and to the route-path panel). */
export interface SessionNodeLike extends TreeNode {
  readonly connectionId: string;
  readonly session: ZitiSession;
  readonly record: ConnectionRecord;
  identityName(): string | undefined;
}

export class SessionsContext implements vscode.Disposable {
  /** Node ids of session items being revoked ("Revoking…"). */
  readonly revoking = new Set<string>();
  /** How many items each paged parent had loaded, so a refresh keeps the depth. */
  readonly loadedDepth = new Map<string, number>();
  /** Session nodes the view currently holds, by node id (palette pickers, Find Session, spinners). */
  readonly sessionNodes = new Map<string, SessionNodeLike>();
  /** Unfiltered session count per controller, for the badge. */
  readonly totals = new Map<string, number>();
  private readonly caches = new Map<string, IdentityCache>();
  private readonly badgeChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeTotals = this.badgeChanged.event;

  constructor(
    readonly manager: ConnectionManager,
    readonly log: Logger,
    readonly details: DetailsProvider,
    private readonly workspaceState: vscode.Memento,
    readonly provider: () => ExplorerTreeProvider,
  ) {}

  /** What was typed into "Filter…" (free text or ZitiQL), per workspace. */
  get filterText(): string | undefined {
    const v = this.workspaceState.get<string>(FILTER_STATE_KEY);
    return v && v.trim() !== '' ? v : undefined;
  }

  async setFilterText(text: string | undefined): Promise<void> {
    await this.workspaceState.update(FILTER_STATE_KEY, text && text.trim() !== '' ? text.trim() : undefined);
  }

  /** The ZitiQL sent to the server for the Sessions groups. */
  get filter(): string | undefined {
    const t = this.filterText;
    return t ? filterToZitiQl(t) : undefined;
  }

  get groupBy(): SessionGroupBy {
    return parseGroupBy(vscode.workspace.getConfiguration('sessionManager').get('ziti.sessionGroupBy'));
  }

  get pageSize(): number {
    return clampPageSize(vscode.workspace.getConfiguration('sessionManager').get('pageSize'));
  }

  identities(connectionId: string): IdentityCache {
    let c = this.caches.get(connectionId);
    if (!c) {
      c = new IdentityCache();
      this.caches.set(connectionId, c);
    }
    return c;
  }

  /** The signed-in OpenZiti client of a connection (signs in when needed). */
  async client(connectionId: string, _signal?: AbortSignal): Promise<ZitiApi & ZitiClient> {
    // The sign-in is shared by every caller (single flight): a view refresh cancelling one load must not cancel it.
    const c = await this.manager.signedInClient(connectionId);
    if (!(c instanceof ZitiClient)) {
      throw new Error('This connection is not an OpenZiti controller.');
    }
    return c;
  }

  zitiConnections(): ConnectionRecord[] {
    return this.manager.store
      .list()
      .filter((c) => c.backend === 'ziti')
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** Forgets the session nodes shown under `parent` (by id, at any depth), before it renders its children afresh. */
  forgetSessionNodesUnder(parent: TreeNode): void {
    for (const [id, node] of this.sessionNodes) {
      for (let p = node.parent; p; p = p.parent) {
        if (p.id === parent.id) {
          this.sessionNodes.delete(id);
          break;
        }
      }
    }
  }

  /** Forgets everything held for a connection that is gone (its nodes, depths and identity names). */
  forgetConnection(connectionId: string): void {
    for (const [id, node] of this.sessionNodes) {
      if (node.connectionId === connectionId) {
        this.sessionNodes.delete(id);
      }
    }
    const prefix = `ziti/${connectionId}/`;
    for (const id of [...this.loadedDepth.keys()]) {
      if (id.startsWith(prefix)) {
        this.loadedDepth.delete(id);
      }
    }
    this.caches.delete(connectionId);
    this.dropTotal(connectionId);
  }

  /** Records the unfiltered session count of a controller (asks with limit=1 when the list was filtered). */
  async noteTotal(connectionId: string, total: number | undefined, signal?: AbortSignal): Promise<void> {
    let value = total;
    if (value === undefined) {
      try {
        const page = await listSessions(await this.client(connectionId, signal), { offset: 0, limit: 1, signal });
        value = page.totalCount;
      } catch (e) {
        this.log.debug(`sessions badge: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
    }
    if (this.totals.get(connectionId) !== value) {
      this.totals.set(connectionId, value);
      this.badgeChanged.fire();
    }
  }

  dropTotal(connectionId: string): void {
    if (this.totals.delete(connectionId)) {
      this.badgeChanged.fire();
    }
  }

  /** Sum of the session counts of signed-in controllers. */
  badgeValue(): number | undefined {
    let sum: number | undefined;
    for (const [id, n] of this.totals) {
      if (this.manager.state(id).kind === 'signedIn' && this.manager.store.get(id)) {
        sum = (sum ?? 0) + n;
      }
    }
    return sum;
  }

  /** Re-renders one item (e.g. its "Revoking…" state) if the view holds it. */
  refreshItem(nodeId: string): void {
    this.provider().refreshById(nodeId);
  }

  dispose(): void {
    this.badgeChanged.dispose();
  }
}
