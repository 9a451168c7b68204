// The Enrollments view: under each OpenZiti connection, its outstanding enrollments (identity and router ones), paged,
// optionally grouped by method or by identity. The token and JWT are never put in a label, description or tooltip;
// details go through DetailsProvider, which redacts `jwt` and `token`.
import * as vscode from 'vscode';
import type { ConnectionManager, ConnectionState } from '../../../connections/manager';
import type { ConnectionRecord } from '../../../model/connection';
import { buildContextValue } from '../../../tree/contextValue';
import { ErrorNode, MessageNode, Pageable, TreeNode } from '../../../tree/nodes';
import { PagedList } from '../../../tree/paged';
import { toAbortSignal } from '../../../http/cancel';
import { ZitiClient } from '../../../backends/ziti/client';
import {
  canRefresh,
  enrollmentCountText,
  enrollmentDescription,
  enrollmentFacts,
  EnrollmentGroupBy,
  GROUP_BY_VALUES,
  groupOf,
  isExpired,
  isRouterEnrollment,
  subjectName,
  ZitiEnrollment,
} from '../../../backends/ziti/enrollments/model';
import { ENROLLMENT_PAGE_SIZE, listCas, listEnrollments } from '../../../backends/ziti/enrollments/requests';
import { HasDetails } from '../../../views/details';
import { escapeMarkdown as escapeMd } from '../../../util/markdown';

export const GROUP_BY_SETTING = 'sessionManager.ziti.enrollmentGroupBy';
export const PAGE_SIZE_SETTING = 'sessionManager.pageSize';

/** `sessionManager.pageSize` (default 100), within the controller's limit of 500 per page. */
export function enrollmentPageSize(): number {
  const v = vscode.workspace.getConfiguration('sessionManager').get<number>('pageSize', 100);
  const n = typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : 100;
  return Math.max(1, Math.min(ENROLLMENT_PAGE_SIZE, n));
}

export function enrollmentGroupBy(): EnrollmentGroupBy {
  const v = vscode.workspace.getConfiguration('sessionManager.ziti').get<string>('enrollmentGroupBy', 'none');
  return (GROUP_BY_VALUES as readonly string[]).includes(v) ? (v as EnrollmentGroupBy) : 'none';
}

/** What was loaded for a connection; kept across refreshes so "Load more" survives a refresh of the subtree. */
export interface Loaded {
  /** The enrollments read so far (the extension's one pager), and why a later page failed, if it did. */
  list: PagedList<ZitiEnrollment>;
  /** The page size the list was made with (a changed setting starts a new list). */
  pageSize: number;
  caNames: Map<string, string>;
  /** The next getChildren shows the list as it is (set by loadMore/loadAll and after a reload for a redraw). */
  keep: boolean;
}

/**
 * The Enrollments view's state, shared by its nodes and commands: what was loaded for each connection (kept across
 * refreshes so "Load more" survives a refresh of the subtree). Made by registerZitiEnrollments, which gives it to the
 * view's roots and the commands; no module-level state.
 */
export class EnrollmentsView {
  private readonly loaded = new Map<string, Loaded>();

  constructor(
    readonly manager: ConnectionManager,
    /** The Enrollments view's provider (made after this object, so asked for when needed). */
    private readonly provider: () => { refresh(node?: TreeNode): void },
  ) {}

  /** Enrollments view roots: one per OpenZiti connection (the others have no enrollments). */
  roots(): TreeNode[] {
    return this.manager.store
      .list()
      .filter((c) => c.backend === 'ziti')
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((c) => new EnrollmentRootNode(c, this));
  }

  /** What was loaded for a connection, if anything. */
  get(connectionId: string): Loaded | undefined {
    return this.loaded.get(connectionId);
  }

  set(connectionId: string, l: Loaded): void {
    this.loaded.set(connectionId, l);
  }

  /** Redraws a node's subtree. */
  refresh(node: TreeNode): void {
    this.provider().refresh(node);
  }

  /**
   * Reads a connection's loaded enrollments again (as deep as they were) so that the next redraw shows the header
   * and the rows from that one read. False when nothing was loaded for it yet.
   */
  async reload(connectionId: string, signal?: AbortSignal): Promise<boolean> {
    const l = this.loaded.get(connectionId);
    if (!l) {
      return false;
    }
    await l.list.reload(Math.max(l.pageSize, l.list.items.length), signal);
    l.keep = true;
    return true;
  }

  /** Drops what was loaded for a connection, or for all (after create/refresh/delete the next load starts over). */
  forget(connectionId?: string): void {
    if (connectionId) {
      const l = this.loaded.get(connectionId);
      if (l) {
        l.keep = false;
      }
    } else {
      this.loaded.clear();
    }
  }
}

/** A connection's state when it is not signed in, as the header of its enrollments says it. */
function stateText(kind: Exclude<ConnectionState['kind'], 'signedIn'>): string {
  switch (kind) {
    case 'signingIn':
      return vscode.l10n.t('signing in…');
    case 'signedOut':
      return vscode.l10n.t('signed out');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'unreachable':
      return vscode.l10n.t('unreachable');
    case 'untrusted':
      return vscode.l10n.t('untrusted');
    case 'needsSignIn':
      return vscode.l10n.t('needs sign-in');
    case 'error':
      return vscode.l10n.t('error');
  }
}

export function enrollmentRootId(connectionId: string): string {
  return `ziti/${connectionId}/enrollments`;
}

export function enrollmentNodeId(connectionId: string, enrollmentId: string): string {
  return `ziti/${connectionId}/enrollment/${enrollmentId}`;
}

export class EnrollmentRootNode implements TreeNode, Pageable {
  readonly id: string;
  readonly parent = undefined;
  private readonly manager: ConnectionManager;
  constructor(
    readonly record: ConnectionRecord,
    private readonly view: EnrollmentsView,
  ) {
    this.id = enrollmentRootId(record.id);
    this.manager = view.manager;
  }

  get connectionId(): string {
    return this.record.id;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.record.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    const state = this.manager.state(this.record.id);
    const l = this.view.get(this.record.id);
    const parts: string[] = [];
    if (state.kind === 'signedIn' && l && l.list.total !== undefined) {
      // From the rows the view shows (expired ones apart), not the controller's total of every enrollment.
      parts.push(enrollmentCountText(l.list.items, l.list.total, Date.now()));
    } else if (state.kind !== 'signedIn') {
      parts.push(stateText(state.kind));
    }
    const by = enrollmentGroupBy();
    if (by === 'method') {
      parts.push(vscode.l10n.t('by method'));
    } else if (by === 'identity') {
      parts.push(vscode.l10n.t('by identity'));
    }
    if (this.record.production) {
      parts.push(vscode.l10n.t('production'));
    }
    item.description = parts.join(' · ');
    item.tooltip = new vscode.MarkdownString(
      vscode.l10n.t('**{0}** — outstanding OpenZiti enrollments\n\n{1}', escapeMd(this.record.label), escapeMd(this.record.endpoints.url ?? '')),
    );
    item.contextValue = buildContextValue('zitiEnrollmentRoot', ['canCreate', 'canRefresh']);
    return item;
  }

  private async client(signal: AbortSignal | undefined): Promise<ZitiClient> {
    const c = await this.manager.signedInClient(this.record.id, signal);
    if (!(c instanceof ZitiClient)) {
      throw new Error(vscode.l10n.t('{0} is not an OpenZiti connection.', this.record.label));
    }
    return c;
  }

  private async hasStoredCredentials(): Promise<boolean> {
    const s = await this.manager.store.getSecrets(this.record.id);
    return Boolean(s.password || s.token) || this.record.auth.method === 'certificate';
  }

  get pagedWhat(): string {
    return vscode.l10n.t('enrollments of {0}', this.record.label);
  }

  /** The connection's list, made on first use (and again when the page size setting changed). */
  private loadedState(): Loaded {
    const pageSize = enrollmentPageSize();
    let l = this.view.get(this.record.id);
    if (!l || l.pageSize !== pageSize) {
      const list = new PagedList<ZitiEnrollment>(
        async ({ offset, limit }, signal) => {
          const page = await listEnrollments(await this.client(signal), offset, limit, signal);
          return { items: page.items, total: page.totalCount };
        },
        // Pages of the configured size; a deeper load (a refresh after Load more, Load all) asks up to 500 at a time.
        { idOf: (e) => e.id, pageSize, maxPageSize: ENROLLMENT_PAGE_SIZE },
      );
      l = { list, pageSize, caNames: l?.caNames ?? new Map<string, string>(), keep: false };
      this.view.set(this.record.id, l);
    }
    return l;
  }

  /** CA names for ottca tooltips (one call, when an enrollment names a CA not known yet). */
  private async loadCaNames(l: Loaded, signal: AbortSignal | undefined): Promise<void> {
    if (l.list.items.some((e) => e.caId && !l.caNames.has(e.caId))) {
      try {
        l.caNames = new Map((await listCas(await this.client(signal), signal)).map((c) => [c.id, c.name]));
      } catch {
        // CA names are a nicety for the tooltip; the ids still show.
      }
    }
  }

  private errorNode(e: unknown): TreeNode {
    this.manager.noteFailure(this.record.id, e);
    const message = e instanceof Error ? e.message : String(e);
    return new ErrorNode(`${this.id}/error`, message, this, vscode.l10n.t('Retry, or check the connection in the Environments view.'));
  }

  async getChildren(token: vscode.CancellationToken): Promise<TreeNode[]> {
    const signal = toAbortSignal(token);
    const state = this.manager.state(this.record.id);
    if (state.kind === 'signedOut' && !(await this.hasStoredCredentials())) {
      return [
        new MessageNode(`${this.id}/signin`, vscode.l10n.t('Sign in to see enrollments'), {
          icon: 'sign-in',
          parent: this,
          command: { title: vscode.l10n.t('Sign In'), command: 'sessionManager.signIn', arguments: [this.record.id] },
        }),
      ];
    }
    const l = this.loadedState();
    if (!l.keep) {
      await l.list.reload(Math.max(l.pageSize, l.list.items.length), signal);
      await this.loadCaNames(l, signal);
    }
    l.keep = false;
    const tail = l.list.tail(this, (e) => this.errorNode(e));
    const items = l.list.items;
    if (items.length === 0 && tail.length > 0) {
      return tail;
    }
    if (items.length === 0) {
      return [
        new MessageNode(`${this.id}/none`, vscode.l10n.t('No outstanding enrollments'), {
          parent: this,
          icon: 'info',
          description: vscode.l10n.t('Create one…'),
          command: { title: vscode.l10n.t('Create Enrollment…'), command: 'sessionManager.createEnrollment', arguments: [this] },
        }),
      ];
    }
    const now = Date.now();
    const by = enrollmentGroupBy();
    const out: TreeNode[] = [];
    if (by === 'none') {
      const sorted = [...items].sort((a, b) => subjectName(a).localeCompare(subjectName(b)) || a.method.localeCompare(b.method));
      out.push(...sorted.map((e) => new EnrollmentNode(this.record, e, this, now, l.caNames)));
    } else {
      const groups = new Map<string, { label: string; items: ZitiEnrollment[] }>();
      for (const e of items) {
        const g = groupOf(e, by) ?? { key: 'none', label: vscode.l10n.t('other') };
        const entry = groups.get(g.key) ?? { label: g.label, items: [] };
        entry.items.push(e);
        groups.set(g.key, entry);
      }
      for (const [key, g] of [...groups.entries()].sort((a, b) => a[1].label.localeCompare(b[1].label))) {
        out.push(new EnrollmentGroupNode(this, by, key, g.label, g.items, l.caNames));
      }
    }
    out.push(...tail);
    return out;
  }

  private async extend(all: boolean, signal?: AbortSignal): Promise<void> {
    const l = this.loadedState();
    await l.list.extend(all, signal);
    await this.loadCaNames(l, signal);
    l.keep = true;
    this.view.refresh(this);
  }

  loadMore(signal?: AbortSignal): Promise<void> {
    return this.extend(false, signal);
  }

  /** Reads every page; stops when the server sends nothing new (e.g. it ignores `offset`) or on cancellation. */
  loadAll(signal?: AbortSignal): Promise<void> {
    return this.extend(true, signal);
  }
}

export class EnrollmentGroupNode implements TreeNode {
  readonly id: string;
  constructor(
    readonly parent: EnrollmentRootNode,
    private readonly by: EnrollmentGroupBy,
    key: string,
    private readonly label: string,
    private readonly items: ZitiEnrollment[],
    private readonly caNames: Map<string, string>,
  ) {
    this.id = `${parent.id}/by-${by}/${key}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.by === 'method' ? 'symbol-enum' : 'person');
    item.description = this.items.length === 1 ? vscode.l10n.t('1 enrollment') : vscode.l10n.t('{0} enrollments', this.items.length);
    item.contextValue = buildContextValue('zitiEnrollmentGroup');
    return item;
  }
  getChildren(): TreeNode[] {
    const now = Date.now();
    const sorted = [...this.items].sort((a, b) => subjectName(a).localeCompare(subjectName(b)) || a.method.localeCompare(b.method));
    return sorted.map((e) => new EnrollmentNode(this.parent.record, e, this, now, this.caNames));
  }
}

export class EnrollmentNode implements TreeNode, HasDetails {
  readonly id: string;
  constructor(
    readonly record: ConnectionRecord,
    readonly enrollment: ZitiEnrollment,
    readonly parent: TreeNode,
    private readonly now: number,
    private readonly caNames: Map<string, string>,
  ) {
    this.id = enrollmentNodeId(record.id, enrollment.id);
  }

  get connectionId(): string {
    return this.record.id;
  }

  get enrollmentId(): string {
    return this.enrollment.id;
  }

  detailsTitle(): string {
    return vscode.l10n.t('{0} - enrollment {1} {2}', this.record.label, subjectName(this.enrollment), this.enrollment.method);
  }

  /** The raw record; DetailsProvider redacts `jwt` and `token` before showing it. */
  details(): unknown {
    return this.enrollment;
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.enrollment;
    const item = new vscode.TreeItem(subjectName(e), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const expired = isExpired(e, this.now);
    item.iconPath = expired
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon(isRouterEnrollment(e) ? 'server' : 'key');
    item.description = enrollmentDescription(e, this.now);
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(vscode.l10n.t('**{0}** — {1} enrollment', escapeMd(subjectName(e)), escapeMd(e.method)) + '\n\n');
    for (const [k, v] of enrollmentFacts(e, this.now, e.caId ? this.caNames.get(e.caId) : undefined)) {
      tip.appendMarkdown(`- ${escapeMd(k)}: ${escapeMd(v)}\n`);
    }
    tip.appendMarkdown(`\n_${vscode.l10n.t('The enrollment JWT is a secret: copy, save or show it as a QR code from the context menu.')}_`);
    item.tooltip = tip;
    item.contextValue = buildContextValue('zitiEnrollment', [canRefresh(e) && 'canRefresh', 'canDelete', !expired && 'hasJwt', 'hasDetails']);
    return item;
  }
}
