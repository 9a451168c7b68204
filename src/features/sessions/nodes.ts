// The one Sessions view's rows, for every backend: a connection → the entries its session source lists (levels and
// sessions), paged with Load more / Load all, filtered, ordered and optionally grouped. Every row id includes the
// connection id: `<backend>/<connection id>/<entry key>`.
import * as vscode from 'vscode';
import type { ConnectionRecord } from '../../model/connection';
import { entryNoun, type EntryTooltip, type ListQuery, type SessionEntry, type SessionSource } from '../../backends/sessionSource';
import { ApiError } from '../../http/errors';
import { toAbortSignal } from '../../http/cancel';
import { buildContextValue, entryContextValue } from '../../tree/contextValue';
import { ErrorNode, LoadingNode, MessageNode, type Pageable, type TreeNode } from '../../tree/nodes';
import { isCancellation, PagedList } from '../../tree/paged';
import type { HasDetails } from '../../views/details';
import { escapeMarkdown as escapeMd } from '../../util/markdown';
import { countText, relativeAge } from '../../util/format';
import type { EntryRow, SessionsState } from './state';

export function connectionRowId(record: Pick<ConnectionRecord, 'backend' | 'id'>): string {
  return `${record.backend}/${record.id}`;
}

export function entryRowId(record: Pick<ConnectionRecord, 'backend' | 'id'>, key: string): string {
  return `${connectionRowId(record)}/${key}`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A tooltip from the source's plain text, every value escaped. */
export function tooltipMarkdown(t: EntryTooltip): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(t.title)}**\n\n`);
  for (const [k, v] of t.lines ?? []) {
    if (v) {
      md.appendMarkdown(`${escapeMd(k)}: ${escapeMd(v)}  \n`);
    }
  }
  for (const s of t.sections ?? []) {
    if (s.items.length > 0) {
      md.appendMarkdown(`\n**${escapeMd(s.heading)}**\n\n`);
      for (const i of s.items) {
        md.appendMarkdown(`- ${escapeMd(i)}\n`);
      }
    }
  }
  if (t.note) {
    md.appendMarkdown(`\n_${escapeMd(t.note)}_\n`);
  }
  return md;
}

/** An error row for a failed load, with the server's own words for a rejected filter. */
function loadError(state: SessionsState, record: ConnectionRecord, source: SessionSource, parent: TreeNode, e: unknown, filtered: boolean, stale: boolean): TreeNode {
  const id = `${parent.id}/error`;
  const shown = (message: string): string => (stale ? vscode.l10n.t('Could not refresh (showing the earlier list): {0}', message) : message);
  if (e instanceof ApiError) {
    if (e.kind === 'auth') {
      // Re-authentication already failed once: the connection says "session expired" and offers Sign In.
      state.manager.noteFailure(record.id, e);
    }
    if (filtered && e.status === 400) {
      const reason = e.details?.[0] ?? e.summary;
      return new ErrorNode(id, vscode.l10n.t('The {0} rejected the filter: {1}', source.connectionNoun, reason), parent, vscode.l10n.t('Change it with "Filter…" or use "Clear Filter".'));
    }
    const hint =
      e.kind === 'network' || e.kind === 'timeout'
        ? vscode.l10n.t('Check that the {0} is reachable, then Retry.', source.connectionNoun)
        : e.kind === 'auth'
          ? vscode.l10n.t('Sign in again.')
          : e.kind === 'untrusted-certificate'
            ? vscode.l10n.t('Use "Trust Certificate…" on the connection in the Environments view.')
            : e.status === 429
              ? vscode.l10n.t('The {0} is rate limiting; Retry in a moment.', source.connectionNoun)
              : vscode.l10n.t('Retry.');
    state.log.warn(e.message);
    return new ErrorNode(id, shown(e.message), parent, hint);
  }
  state.log.warn(errorMessage(e));
  return new ErrorNode(id, shown(errorMessage(e)), parent, vscode.l10n.t('Retry.'));
}

/**
 * The children of a connection or of a level: one PagedList over the source's `list`, read before the parent is drawn
 * when asked (`preload`), kept when a refresh fails (shown stale, with the failure after it), and rendered as rows,
 * grouped when the level is groupable and a grouping is chosen, after the level's fixed leading rows (if any).
 */
class Children {
  private list: PagedList<SessionEntry>;
  /** What was read (or failed) is fresh: the next getChildren shows it instead of reading again. */
  private fresh = false;
  /** Until when a preload counts as fresh for the next draw. */
  private freshUntil = 0;
  /** A first read that failed outright (nothing to keep): shown instead of the items. */
  private error: TreeNode | undefined;
  /** The filter the held list was read with. */
  private readWith: string | undefined;
  /** Until when the next getChildren redraws what is held instead of reading again (a redraw for new counts). */
  private keepUntil = 0;
  /** The view's refresh count when the redraw was asked: a whole-view refresh since then reads again. */
  private keepEpoch = -1;
  /** Rows of levels (not sessions) shown last time, by entry key: a redraw keeps them and what they hold. */
  private levelRows = new Map<string, EntryNode>();
  /** The rows of the level's fixed leading entries (`SessionEntry.leading`), kept across redraws like level rows. */
  private leadingRows = new Map<string, EntryNode>();
  /** The count a count-showing row was last redrawn with (it is redrawn once whenever a read changes it). */
  private countShownFor: number | undefined;

  constructor(
    private readonly state: SessionsState,
    private readonly owner: TreeNode & { readonly record: ConnectionRecord; readonly source: SessionSource },
    private entry: SessionEntry | undefined,
  ) {
    this.list = this.newList();
  }

  /** A kept level row got a newer entry for itself (its parent was read again): list with it from now on. */
  setEntry(entry: SessionEntry): void {
    this.entry = entry;
  }

  /** The page size the held list was made with. */
  private pageSize = 0;
  /** Counts reloads, so an earlier one that finishes last does not speak for the list. */
  private generation = 0;

  private newList(): PagedList<SessionEntry> {
    this.pageSize = this.state.pageSize;
    const paging = this.owner.source.paging(this.entry);
    const whole = this.entry?.children === 'all' || this.entry === undefined;
    return new PagedList<SessionEntry>(
      async (request, signal) => {
        const page = await this.owner.source.list(this.entry, request, this.query(), signal);
        // A list read in one go says how long it is, so the pager does not ask for a second page.
        return whole && page.total === undefined && page.next === undefined ? { ...page, total: request.offset + page.items.length } : page;
      },
      {
        idOf: (e) => (e && typeof e.key === 'string' ? e.key : undefined),
        pageSize: this.state.pageSize,
        maxPageSize: paging.maxPageSize,
        firstCursor: paging.cursor ? '' : undefined,
      },
      true,
    );
  }

  get record(): ConnectionRecord {
    return this.owner.record;
  }

  /** The filter text that applies to this list (its level is filterable and one is set). */
  get filterText(): string | undefined {
    return this.entry?.filterable ? this.state.filterText(this.record.id) : undefined;
  }

  query(): ListQuery {
    return { filter: this.filterText, order: this.state.order };
  }

  get items(): readonly SessionEntry[] {
    return this.list.items;
  }

  get total(): number | undefined {
    return this.list.total;
  }

  get hasMore(): boolean {
    return this.list.hasMore;
  }

  /** The list is showing what an earlier read got (the last refresh failed). */
  get stale(): boolean {
    return this.list.stale;
  }

  /** Whether the held list matches the current filter (after a filter change, a failed read says nothing about it). */
  get current(): boolean {
    return this.readWith === this.filterText;
  }

  async reload(signal?: AbortSignal): Promise<void> {
    const filter = this.filterText;
    if (filter !== this.readWith || this.state.pageSize !== this.pageSize) {
      // A changed filter never shows the previous filter's rows, not even as stale ones; a new page size pages anew.
      this.list = this.newList();
    }
    // Reads can overlap (a setting change and a filter change in a row): only the latest says what the list holds.
    const generation = ++this.generation;
    const list = this.list;
    await list.reload(Math.max(this.state.pageSize, this.state.loadedDepth.get(this.owner.id) ?? 0), signal);
    if (generation === this.generation && list === this.list) {
      this.readWith = filter;
    }
  }

  /** Reads before the parent is drawn; a failure becomes the error child; a cancelled read is read again later. */
  async preload(signal?: AbortSignal): Promise<void> {
    this.error = undefined;
    try {
      await this.reload(signal);
    } catch (e) {
      if (isCancellation(e, signal)) {
        this.fresh = false;
        return;
      }
      this.error = loadError(this.state, this.record, this.owner.source, this.owner, e, this.filterText !== undefined, false);
    }
    this.fresh = true;
    // Read for a draw that follows at once: a list nobody drew within a moment (its row is collapsed) is read again
    // when it is drawn, never shown from an old read.
    this.freshUntil = Date.now() + FRESH_FOR_MS;
  }

  /**
   * The next getChildren (within a moment) shows what is held, without reading: for redrawing a row whose counts
   * changed. Nothing is kept after a failure or before a first read.
   */
  keepOnce(): void {
    if (!this.error && this.readWith === this.filterText && this.list.items.length + (this.list.error ? 1 : 0) > 0) {
      this.keepUntil = Date.now() + 2000;
      this.keepEpoch = this.state.refreshEpoch;
    }
  }

  get keeping(): boolean {
    return this.keepUntil > Date.now() && this.keepEpoch === this.state.refreshEpoch;
  }

  /** The level rows last shown (a redraw keeps them). */
  get levels(): readonly EntryNode[] {
    return [...this.leadingRows.values(), ...this.levelRows.values()];
  }

  /**
   * The rows of the level's fixed leading entries, drawn before its list whatever the list holds (empty, failed): the
   * same row objects each time (with the entry just read), so what they read stays.
   */
  private leading(): TreeNode[] {
    const previous = this.leadingRows;
    this.leadingRows = new Map();
    for (const e of this.entry?.leading ?? []) {
      const kept = previous.get(e.key);
      const row = kept ?? new EntryNode(this.state, this.record, this.owner.source, e, this.owner);
      if (kept) {
        kept.setEntry(e);
        this.state.rows.set(kept.id, kept);
      }
      this.leadingRows.set(e.key, row);
    }
    return [...this.leadingRows.values()];
  }

  async getChildren(token?: vscode.CancellationToken): Promise<TreeNode[]> {
    const redrawn = this.keeping;
    if (redrawn) {
      this.fresh = true;
    }
    this.keepUntil = 0;
    if (this.fresh && !redrawn && Date.now() > this.freshUntil) {
      this.fresh = false;
    }
    if (!this.fresh) {
      const signal = token ? toAbortSignal(token) : undefined;
      await this.preload(signal);
      if (token?.isCancellationRequested) {
        return []; // superseded by a refresh: the workbench asks again
      }
    }
    this.fresh = false;
    if (this.error) {
      return [...this.leading(), this.error];
    }
    const tail = this.list.tail(this.owner, (e) => loadError(this.state, this.record, this.owner.source, this.owner, e, this.filterText !== undefined, this.list.stale));
    this.state.forgetRowsUnder(this.owner);
    const leading = this.leading();
    if (this.items.length === 0) {
      const empty = this.filterText ? vscode.l10n.t('Nothing matches the filter "{0}"', this.filterText) : (this.entry?.emptyText ?? vscode.l10n.t('Nothing to show'));
      return [...leading, ...(tail.length > 0 ? tail : [new MessageNode(`${this.owner.id}/empty`, empty, { parent: this.owner })])];
    }
    const previous = this.levelRows;
    this.levelRows = new Map();
    const rows = this.render((e, parent) => {
      // A level keeps its row (and what it read) across redraws of its parent. A session row is made anew: the
      // workbench forgets the rows of a redrawn parent, and a reused row object would lose its new registration.
      const kept = e.children && parent === this.owner ? previous.get(e.key) : undefined;
      const row = kept ?? new EntryNode(this.state, this.record, this.owner.source, e, parent);
      if (kept) {
        // The row keeps what it holds but shows the entry just read (a Cohesity cluster's new total, say).
        kept.setEntry(e);
        this.state.rows.set(kept.id, kept);
      }
      if (e.children && parent === this.owner) {
        this.levelRows.set(e.key, row);
      }
      return row;
    });
    if (this.entry?.showCount && this.total !== this.countShownFor) {
      // The row says "3 sessions" once they were read, but the workbench drew it before: draw it once more, with the
      // rows just read (nothing is read again), once the workbench has settled the rows it just got (a redraw that
      // crosses its own fetch of the children leaves rows whose commands get no argument).
      this.countShownFor = this.total;
      setTimeout(() => {
        this.keepOnce();
        this.state.provider().refreshById(this.owner.id);
      }, COUNT_REDRAW_DELAY_MS);
    }
    if (this.entry === undefined && !redrawn) {
      // Top entries that carry the server's session count (a Cohesity cluster) give the connection its count.
      const counted = this.items.filter((e) => typeof e.sessionCount === 'number');
      if (counted.length > 0) {
        void this.state.noteTotal(this.record, counted.reduce((n, e) => n + (e.sessionCount ?? 0), 0));
      }
    }
    const preload = rows.filter((r): r is EntryNode => r instanceof EntryNode && r.entry.preload === true && !r.keeping);
    const signal = token ? toAbortSignal(token) : undefined;
    await Promise.all(preload.map((r) => r.preload(signal)));
    return [...leading, ...rows, ...tail];
  }

  /** The rows for the items, in the source's order (lists read whole are ordered here), grouped when chosen. */
  render(row: (e: SessionEntry, parent: TreeNode) => EntryNode = (e, parent) => new EntryNode(this.state, this.record, this.owner.source, e, parent)): TreeNode[] {
    const items = this.entry?.children === 'all' ? orderEntries(this.items, this.state.order) : [...this.items];
    const grouping = this.entry?.groupable ? this.state.groupBy(this.record) : 'none';
    if (grouping === 'none' || !this.owner.source.groupOf) {
      return items.map((e) => row(e, this.owner));
    }
    const option = this.owner.source.capabilities.groupings?.find((g) => g.id === grouping);
    const groups = new Map<string, { label: string; members: SessionEntry[] }>();
    for (const e of items) {
      const { key, label } = this.owner.source.groupOf(e, grouping);
      const g = groups.get(key) ?? { label, members: [] };
      g.members.push(e);
      groups.set(key, g);
    }
    const partial = this.hasMore ? { shown: this.items.length, total: this.total } : undefined;
    return [...groups.entries()]
      .sort(([ka, a], [kb, b]) => a.label.localeCompare(b.label) || ka.localeCompare(kb))
      .map(([key, g]) => new GroupRow(this.owner, grouping, option?.icon ?? 'folder', key, g.label, g.members, partial, row));
  }

  async extend(all: boolean, signal?: AbortSignal): Promise<void> {
    await this.list.extend(all, signal);
    this.state.loadedDepth.set(this.owner.id, this.items.length);
    this.fresh = true;
    this.state.provider().refreshById(this.owner.id);
  }
}

/** How long a list read before its row is drawn counts as fresh (longer: it is read again when drawn). */
const FRESH_FOR_MS = 15_000;

/** How long after a count-showing row's first read it is drawn again with its count. */
const COUNT_REDRAW_DELAY_MS = 750;

/** Newest first (by `time`) unless the order says oldest; entries without a time keep their place at the end. */
export function orderEntries(items: readonly SessionEntry[], order: string | undefined): SessionEntry[] {
  const t = (e: SessionEntry): number => (e.time ? Date.parse(e.time) : NaN);
  const sign = order === 'oldest' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = t(a);
    const y = t(b);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
    }
    return sign * (x - y);
  });
}

/** One connection in the Sessions view: a sign-in hint until it is signed in, then its source's top entries. */
export class ConnectionNode implements TreeNode {
  readonly id: string;
  /** What the last getChildren showed. */
  rendered: 'entries' | 'signin' | 'signingIn' | undefined;
  private readonly children: Children;

  constructor(
    private readonly state: SessionsState,
    readonly record: ConnectionRecord,
    readonly source: SessionSource,
  ) {
    this.id = connectionRowId(record);
    this.children = new Children(state, this, undefined);
  }

  get connectionId(): string {
    return this.record.id;
  }

  /**
   * Draws the row again with its new count, keeping what it and its lists hold (no list is read again), so the counts
   * the row, its lists and the badge show agree after a revoke.
   */
  redraw(): void {
    // The top entries are read again (their counts may have changed: a Cohesity cluster's total); the lists below them
    // keep what was just read.
    for (const level of this.children.levels) {
      level.keepOnce();
    }
  }

  mode(): 'entries' | 'signin' | 'signingIn' {
    const kind = this.state.manager.state(this.record.id).kind;
    return kind === 'signedIn' ? 'entries' : kind === 'signingIn' ? 'signingIn' : 'signin';
  }

  getTreeItem(): vscode.TreeItem {
    const state = this.state.manager.state(this.record.id);
    const item = new vscode.TreeItem(this.record.label, this.mode() === 'entries' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.record.backend === 'ziti' ? 'type-hierarchy' : 'server-environment');
    const total = this.state.totals.get(this.record.id);
    const count = total === undefined ? undefined : total === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', total.toLocaleString('en-US'));
    item.description = [
      this.source.backendLabel,
      state.kind === 'signedIn' ? count : state.kind === 'signingIn' ? vscode.l10n.t('signing in…') : vscode.l10n.t('not signed in'),
      this.record.production ? vscode.l10n.t('production') : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMd(this.record.label)}** — ${escapeMd(this.source.backendLabel)} ${escapeMd(this.source.connectionNoun)}\n\n${escapeMd(this.record.endpoints.url ?? '')}`);
    if ('message' in state) {
      tip.appendMarkdown(`\n\n${escapeMd(state.message)}`);
    }
    const filter = this.state.filterText(this.record.id);
    if (filter) {
      tip.appendMarkdown(`\n\n${vscode.l10n.t('Filter: {0}', escapeMd(filter))}`);
    }
    item.tooltip = tip;
    item.contextValue = buildContextValue('sessionConnection', [this.source.capabilities.filter && 'canFilter']);
    return item;
  }

  async getChildren(token?: vscode.CancellationToken): Promise<TreeNode[]> {
    const mode = this.mode();
    this.rendered = mode;
    if (mode === 'signingIn') {
      return [new LoadingNode(`${this.id}/signingIn`, this, vscode.l10n.t('Signing in…'))];
    }
    if (mode === 'signin') {
      const state = this.state.manager.state(this.record.id);
      return [
        new MessageNode(`${this.id}/signin`, vscode.l10n.t('Sign in…'), {
          icon: 'sign-in',
          parent: this,
          description: 'message' in state ? state.message : vscode.l10n.t('to see its sessions'),
          tooltip: vscode.l10n.t('Sign in to {0} to list its sessions.', this.record.label),
          command: { title: vscode.l10n.t('Sign In'), command: 'sessionManager.signIn', arguments: [this.record.id] },
        }),
      ];
    }
    return this.children.getChildren(token);
  }
}

/** A row for one entry: a session (leaf) or a level whose children the source lists. */
export class EntryNode implements EntryRow, HasDetails, Pageable {
  readonly id: string;
  private readonly children: Children | undefined;

  constructor(
    private readonly state: SessionsState,
    readonly record: ConnectionRecord,
    readonly source: SessionSource,
    public entry: SessionEntry,
    readonly parent: TreeNode,
  ) {
    this.id = entryRowId(record, entry.key);
    this.children = entry.children ? new Children(state, this, entry) : undefined;
    state.rows.set(this.id, this);
    if (entry.flags.hasDetails) {
      state.details.update(this);
    }
  }

  get connectionId(): string {
    return this.record.id;
  }

  /** The entry's server id (a session id for session rows): Show Route Path and other panels take it. */
  get sessionId(): string {
    return this.entry.id;
  }

  /** A session row's raw object (route path: `service.name`); undefined for a level. */
  get session(): unknown {
    return this.entry.children ? undefined : this.entry.details;
  }

  get items(): readonly SessionEntry[] {
    return this.children?.items ?? [];
  }

  get total(): number | undefined {
    return this.children?.total;
  }

  get hasMore(): boolean {
    return this.children?.hasMore ?? false;
  }

  get filterText(): string | undefined {
    return this.children?.filterText;
  }

  get pagedWhat(): string {
    return this.entry.childrenName ?? vscode.l10n.t('items of {0}', this.entry.label);
  }

  /** The query its children are listed with (Revoke All Matching reads the same list whole). */
  query(): ListQuery {
    return this.children?.query() ?? {};
  }

  /** A newer entry for this row (same key), read when its parent was read again. */
  setEntry(entry: SessionEntry): void {
    this.entry = entry;
    this.children?.setEntry(entry);
  }

  /** See Children.keepOnce. */
  keepOnce(): void {
    this.children?.keepOnce();
  }

  /** Whether the next getChildren shows what is held (a redraw): its parent does not read it again either. */
  get keeping(): boolean {
    return this.children?.keeping ?? false;
  }

  async preload(signal?: AbortSignal): Promise<void> {
    await this.children?.preload(signal);
    if (this.entry.countsSessions && this.children && this.children.current && !this.children.stale) {
      // The connection's session count: the unfiltered total, asked separately when the list is filtered.
      void this.state.noteTotal(this.record, this.children.filterText ? undefined : this.children.total);
    }
  }

  detailsTitle(): string {
    return `${this.record.label} - ${entryNoun(this.entry)} ${this.entry.label} ${this.entry.id}`;
  }

  details(): unknown {
    return this.source.sessionDetails ? this.source.sessionDetails(this.entry) : this.entry.details;
  }

  /** Rows of its children, as getChildren builds them (TreeView.reveal finds a row by id). */
  render(): TreeNode[] {
    return this.children?.render() ?? [];
  }

  loadMore(signal?: AbortSignal): Promise<void> {
    return this.children ? this.children.extend(false, signal) : Promise.resolve();
  }

  loadAll(signal?: AbortSignal): Promise<void> {
    return this.children ? this.children.extend(true, signal) : Promise.resolve();
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const collapsible = !e.children ? vscode.TreeItemCollapsibleState.None : e.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(e.label, collapsible);
    item.id = this.id;
    const revoking = this.state.revoking.has(this.id);
    const age = e.time ? relativeAge(e.time, Date.now()) : '';
    // Why it is dimmed ("likely expired") first: in a narrow sidebar the end of the description is cut off.
    const parts: (string | undefined)[] = [e.dimmed ? e.dimmedNote : undefined, e.description];
    if (this.children && (e.preload || e.children === 'paged')) {
      // A paged list says how many it holds once read: "100 of 240 (filtered)", or "filtered" until it is read.
      const filtered = this.children.filterText !== undefined && this.children.current;
      if (this.children.total !== undefined && this.children.current) {
        // "100 of 5,000 users" where the source names what is counted; OpenZiti's lists say it in their label.
        const counted = e.countNoun ? vscode.l10n.t('{0} {1}', countText(this.children.items.length, this.children.total), e.countNoun) : countText(this.children.items.length, this.children.total);
        const stale = this.children.stale;
        parts.push(
          filtered
            ? stale
              ? vscode.l10n.t('{0} (filtered) (stale)', counted)
              : vscode.l10n.t('{0} (filtered)', counted)
            : stale
              ? vscode.l10n.t('{0} (stale)', counted)
              : counted,
        );
      } else if (this.children.filterText) {
        parts.push(vscode.l10n.t('filtered'));
      }
    }
    if (this.children && e.showCount && this.children.total !== undefined) {
      parts.push(this.children.total === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', this.children.total));
    }
    parts.push(age ? (e.children ? vscode.l10n.t('active {0}', age) : age) : undefined);
    item.description = revoking ? (e.flags.canEndLogin ? vscode.l10n.t('Ending…') : vscode.l10n.t('Revoking…')) : parts.filter(Boolean).join(' · ') || undefined;
    item.iconPath = revoking ? new vscode.ThemeIcon('loading~spin') : e.icon ? new vscode.ThemeIcon(e.icon, e.dimmed ? new vscode.ThemeColor('disabledForeground') : undefined) : undefined;
    const tip = tooltipMarkdown(e.tooltip);
    if (this.children?.filterText) {
      tip.appendMarkdown(`\n\n${vscode.l10n.t('Filter: {0}', escapeMd(this.children.filterText))}`);
    }
    item.tooltip = tip;
    item.contextValue = entryContextValue(e, { revoking, filtered: this.children?.filterText !== undefined && this.children.current });
    const spoken = e.accessibilityLabel ?? e.label;
    item.accessibilityInformation = {
      label: e.dimmed && e.dimmedNote
        ? revoking
          ? vscode.l10n.t('{0}, {1}, revoking', spoken, e.dimmedNote)
          : vscode.l10n.t('{0}, {1}', spoken, e.dimmedNote)
        : revoking
          ? vscode.l10n.t('{0}, revoking', spoken)
          : spoken,
    };
    return item;
  }

  getChildren(token?: vscode.CancellationToken): Promise<TreeNode[]> | TreeNode[] {
    return this.children ? this.children.getChildren(token) : [];
  }
}

/** A group of loaded entries (by service, identity, type…), with "Revoke All Sessions…" for its members. */
export class GroupRow implements TreeNode {
  readonly id: string;
  private rows: EntryNode[] | undefined;

  constructor(
    readonly parent: TreeNode & { readonly record: ConnectionRecord; readonly source: SessionSource },
    readonly grouping: string,
    private readonly icon: string,
    readonly key: string,
    readonly label: string,
    readonly members: readonly SessionEntry[],
    /** Set when the list it groups is only partly loaded. */
    private readonly partial: { shown: number; total: number | undefined } | undefined,
    private readonly row: (e: SessionEntry, parent: TreeNode) => EntryNode,
  ) {
    this.id = `${parent.id}/by-${grouping}/${key}`;
  }

  get record(): ConnectionRecord {
    return this.parent.record;
  }

  get connectionId(): string {
    return this.parent.record.id;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    const n = this.members.length;
    item.description = this.partial ? vscode.l10n.t('{0} (of the {1} loaded)', n, countText(this.partial.shown, this.partial.total ?? this.partial.shown)) : `${n}`;
    item.tooltip = this.partial
      ? vscode.l10n.t('{0}: {1} of the sessions loaded so far. Groups cover the loaded sessions only; use Load All on the list to group every one.', this.label, n)
      : n === 1
        ? vscode.l10n.t('{0}: 1 session', this.label)
        : vscode.l10n.t('{0}: {1} sessions', this.label, n);
    const revocable = this.members.some((m) => m.flags.canRevoke);
    item.contextValue = buildContextValue('sessionGroup', [revocable && 'canRevokeAll']);
    return item;
  }

  getChildren(): EntryNode[] {
    this.rows ??= this.members.map((m) => this.row(m, this));
    return this.rows;
  }
}

export function isEntryNode(x: unknown): x is EntryNode {
  return x instanceof EntryNode;
}

export function isGroupRow(x: unknown): x is GroupRow {
  return x instanceof GroupRow;
}

/**
 * Sessions view roots: one row per connection whose backend has a session source. With connections but none of them
 * with sessions yet, a hint instead of an empty view (no connections at all: the view's welcome content).
 */
export function connectionRoots(state: SessionsState, cache: Map<string, ConnectionNode>): TreeNode[] {
  // A whole-view refresh (Refresh, auto-refresh) reads every list again, even one a revoke just redrew.
  state.refreshEpoch++;
  const out: TreeNode[] = [];
  const all = state.manager.store.list();
  const seen = new Set<string>();
  for (const record of state.connections()) {
    const source = state.source(record);
    if (!source) {
      continue;
    }
    // The same connection keeps its row (and what its lists hold): a refresh that fails then shows the earlier list,
    // marked stale, instead of blanking it. An edited connection gets a new row.
    const held = cache.get(record.id);
    const node = held && held.source === source ? held : new ConnectionNode(state, record, source);
    cache.set(record.id, node);
    seen.add(record.id);
    out.push(node);
  }
  for (const [id, node] of [...cache]) {
    if (!seen.has(id)) {
      cache.delete(id);
      state.forgetConnection(id, node.id);
    }
  }
  if (out.length === 0 && all.length > 0) {
    const later = [...new Set(all.map((c) => c.backend))].join(', ');
    return [new MessageNode('sessions/none', vscode.l10n.t('No connection with sessions to show yet'), { description: vscode.l10n.t('sessions of {0} arrive in a later release', later) })];
  }
  return out;
}
