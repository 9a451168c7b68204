// What the one Sessions view keeps between its nodes and commands: a session source per connection, the filter (per
// connection, or for all), the order, grouping, page size, loaded depths, rows being revoked, the rows shown, and the
// session count per connection for the connection rows and the badge. Created once at registration: no module state.
import * as vscode from 'vscode';
import type { ConnectionManager } from '../../connections/manager';
import type { BackendKind, ConnectionRecord } from '../../model/connection';
import type { SessionBackendModule } from '../../backends/sessionSource';
import type { SessionSource, SessionsEnded } from '../../backends/sessionSource';
import type { ExplorerTreeProvider } from '../../tree/provider';
import type { TreeNode } from '../../tree/nodes';
import type { DetailsProvider } from '../../views/details';
import type { Logger } from '../../util/log';
import { clampPageSize } from '../../util/format';

export const FILTER_STATE_KEY = 'sessionManager.sessionFilter';
export const ORDER_STATE_KEY = 'sessionManager.sessionOrder';
export const FILTERED_CONTEXT_KEY = 'sessionManager.sessionsFiltered';
/** The key of the filter that applies to every connection without one of its own. */
export const ALL_CONNECTIONS = '*';

export type { SessionsEnded };

/** What a row of the view exposes to commands and panels (a session, an API session, a user…). */
export interface EntryRow extends TreeNode {
  readonly connectionId: string;
  readonly record: ConnectionRecord;
  readonly entry: import('../../backends/sessionSource').SessionEntry;
  readonly source: SessionSource;
}

export class SessionsState implements vscode.Disposable {
  /** Row ids being revoked ("Revoking…"). */
  readonly revoking = new Set<string>();
  /** How many items each paged parent had loaded, so a refresh keeps the depth. */
  readonly loadedDepth = new Map<string, number>();
  /** Rows the view currently shows, by row id (palette pickers, Find, spinners, "what shows this session"). */
  readonly rows = new Map<string, EntryRow>();
  /** Whole-view refreshes so far (a redraw that keeps what lists hold is void after one). */
  refreshEpoch = 0;
  /** Session count per connection, for its row and the badge. */
  readonly totals = new Map<string, number>();
  private readonly sources = new Map<string, { source: SessionSource; signature: string }>();
  private readonly totalsChanged = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTotals = this.totalsChanged.event;

  constructor(
    readonly manager: ConnectionManager,
    readonly log: Logger,
    readonly details: DetailsProvider,
    private readonly workspaceState: vscode.Memento,
    private readonly modules: Partial<Record<BackendKind, SessionBackendModule>>,
    readonly provider: () => ExplorerTreeProvider,
    /** Where ended sessions are announced (the wiring's one emitter; panels and the walkthrough listen). */
    private readonly ended: vscode.EventEmitter<SessionsEnded>,
  ) {}

  /** The connections that have a Sessions source, by label. */
  connections(): ConnectionRecord[] {
    return this.manager.store
      .list()
      .filter((c) => this.modules[c.backend]?.sessionSource !== undefined)
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** The session source of a connection (one per connection; made anew when the connection was edited). */
  source(record: ConnectionRecord): SessionSource | undefined {
    const factory = this.modules[record.backend]?.sessionSource;
    if (!factory) {
      return undefined;
    }
    const signature = JSON.stringify([record.endpoints, record.auth, record.label, Boolean(record.production)]);
    const held = this.sources.get(record.id);
    if (held && held.signature === signature) {
      return held.source;
    }
    held?.source.dispose?.();
    const source = factory({
      record,
      client: () => this.manager.signedInClient(record.id),
      log: (level, message) => this.log[level](message),
      now: () => Date.now(),
      setting: (key) => vscode.workspace.getConfiguration('sessionManager').get<unknown>(key),
    });
    this.sources.set(record.id, { source, signature });
    return source;
  }

  private filters(): Record<string, string> {
    const v = this.workspaceState.get<unknown>(FILTER_STATE_KEY);
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  }

  /** What was typed into "Filter…" for a connection (its own, else the one for all), or for all connections. */
  filterText(connectionId: string = ALL_CONNECTIONS): string | undefined {
    const f = this.filters();
    const v = f[connectionId] ?? f[ALL_CONNECTIONS];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  }

  /** Whether any filter is set (the view's description and the Clear Filter button). */
  anyFilter(): string[] {
    return Object.entries(this.filters())
      .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
      .map(([k, v]) => (k === ALL_CONNECTIONS ? v : `${this.manager.store.get(k)?.label ?? k}: ${v}`));
  }

  /** Sets the filter of one connection, or (ALL_CONNECTIONS) the one for all, which also clears the per-connection ones. */
  async setFilterText(text: string | undefined, connectionId: string = ALL_CONNECTIONS): Promise<void> {
    const next = connectionId === ALL_CONNECTIONS ? {} : { ...this.filters() };
    const t = text?.trim();
    if (t) {
      next[connectionId] = t;
    } else {
      delete next[connectionId];
    }
    await this.workspaceState.update(FILTER_STATE_KEY, Object.keys(next).length > 0 ? next : undefined);
  }

  get order(): string | undefined {
    const v = this.workspaceState.get<unknown>(ORDER_STATE_KEY);
    return typeof v === 'string' ? v : undefined;
  }

  async setOrder(order: string | undefined): Promise<void> {
    await this.workspaceState.update(ORDER_STATE_KEY, order);
  }

  /** The grouping of a backend's groupable lists (`sessionManager.<backend>.sessionGroupBy`), 'none' when unset. */
  groupBy(record: ConnectionRecord): string {
    const source = this.source(record);
    const value = vscode.workspace.getConfiguration('sessionManager').get<unknown>(`${record.backend}.sessionGroupBy`);
    return typeof value === 'string' && source?.capabilities.groupings?.some((g) => g.id === value) ? value : 'none';
  }

  get pageSize(): number {
    return clampPageSize(vscode.workspace.getConfiguration('sessionManager').get('pageSize'));
  }

  /** Forgets the rows shown under `parent` (at any depth), before it renders its children afresh. */
  forgetRowsUnder(parent: TreeNode): void {
    for (const [id, node] of this.rows) {
      for (let p = node.parent; p; p = p.parent) {
        if (p.id === parent.id) {
          this.rows.delete(id);
          break;
        }
      }
    }
  }

  /** Forgets everything held for a connection that is gone. */
  forgetConnection(connectionId: string, rowPrefix: string): void {
    for (const [id, node] of this.rows) {
      if (node.connectionId === connectionId) {
        this.rows.delete(id);
      }
    }
    for (const id of [...this.loadedDepth.keys()]) {
      if (id.startsWith(`${rowPrefix}/`)) {
        this.loadedDepth.delete(id);
      }
    }
    this.sources.get(connectionId)?.source.dispose?.();
    this.sources.delete(connectionId);
    this.dropTotal(connectionId);
  }

  /** Records the session count of a connection (asks its source when `total` is undefined). */
  async noteTotal(record: ConnectionRecord, total: number | undefined, signal?: AbortSignal): Promise<void> {
    let value = total;
    if (value === undefined) {
      try {
        value = await this.source(record)?.countSessions?.(signal);
      } catch (e) {
        this.log.debug(`sessions count of ${record.label}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (value === undefined) {
        return;
      }
    }
    if (this.totals.get(record.id) !== value) {
      this.totals.set(record.id, value);
      this.totalsChanged.fire(record.id);
    }
  }

  dropTotal(connectionId: string): void {
    if (this.totals.delete(connectionId)) {
      this.totalsChanged.fire(connectionId);
    }
  }

  /** Sum of the session counts of signed-in connections. */
  badgeValue(): number | undefined {
    let sum: number | undefined;
    for (const [id, n] of this.totals) {
      if (this.manager.state(id).kind === 'signedIn' && this.manager.store.get(id)) {
        sum = (sum ?? 0) + n;
      }
    }
    return sum;
  }

  fireEnded(e: SessionsEnded): void {
    if (e.sessionIds.length > 0) {
      this.ended.fire(e);
    }
  }

  /** Re-renders one row (e.g. its "Revoking…" state) if the view holds it. */
  refreshRow(rowId: string): void {
    this.provider().refreshById(rowId);
  }

  dispose(): void {
    for (const { source } of this.sources.values()) {
      source.dispose?.();
    }
    this.sources.clear();
    this.totalsChanged.dispose();
  }
}
