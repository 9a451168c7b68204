// Sessions view nodes for OpenZiti: controller → "Sessions" / "API Sessions" (paged, counted) → sessions (optionally
// grouped) and API sessions → their sessions (server-side filter). Every id includes the connection id.
import * as vscode from 'vscode';
import type { ConnectionRecord } from '../../../connections/model';
import { ApiError } from '../../../http/errors';
import { toAbortSignal } from '../../../http/cancel';
import { buildContextValue } from '../../../tree/contextValue';
import { ErrorNode, LoadingNode, MessageNode, type Pageable, type TreeNode } from '../../../tree/nodes';
import { isCancellation, PagedList } from '../../../tree/paged';
import type { HasDetails } from '../../../views/details';
import { escapeMarkdown as escapeMd } from '../../../util/markdown';
import { apiSessionFilter, listApiSessions, listSessions, MAX_PAGE_SIZE, type ListPage, type ZitiApiSession, type ZitiSession } from '../api';
import type { SessionNodeLike, SessionsContext } from './context';
import { countText, groupSessions, relativeAge, serviceName, sessionContextValue, type SessionGroupBy } from './pure';

export function controllerNodeId(connectionId: string): string {
  return `ziti/${connectionId}`;
}
export function sessionsGroupId(connectionId: string): string {
  return `ziti/${connectionId}/sessions`;
}
export function apiSessionsGroupId(connectionId: string): string {
  return `ziti/${connectionId}/apiSessions`;
}
export function sessionNodeId(connectionId: string, sessionId: string): string {
  return `ziti/${connectionId}/session/${sessionId}`;
}
export function apiSessionNodeId(connectionId: string, apiSessionId: string): string {
  return `ziti/${connectionId}/apiSession/${apiSessionId}`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An error node for a failed load, with the server's own words for a rejected filter. */
function loadError(ctx: SessionsContext, connectionId: string, parent: TreeNode, e: unknown, filtered: boolean): TreeNode {
  if (e instanceof ApiError) {
    if (e.kind === 'auth') {
      // Re-authentication already failed once: the connection says "session expired" and offers Sign In.
      ctx.manager.noteFailure(connectionId, e);
    }
    if (filtered && e.status === 400) {
      const reason = e.details?.[0] ?? e.summary;
      return new ErrorNode(`${parent.id}/error`, `The controller rejected the filter: ${reason}`, parent, 'Change it with "Filter…" or use "Clear Filter".');
    }
    const hint =
      e.kind === 'network' || e.kind === 'timeout'
        ? 'Check that the controller is reachable, then Retry.'
        : e.kind === 'auth'
          ? 'Sign in again.'
          : e.kind === 'untrusted-certificate'
            ? 'Use "Trust Certificate…" on the connection in the Environments view.'
            : e.status === 429
              ? 'The controller is rate limiting; Retry in a moment.'
              : undefined;
    ctx.log.warn(e.message);
    return new ErrorNode(`${parent.id}/error`, e.message, parent, hint);
  }
  ctx.log.warn(errorMessage(e));
  return new ErrorNode(`${parent.id}/error`, errorMessage(e), parent);
}

/** One OpenZiti controller in the Sessions view. */
export class ZitiControllerNode implements TreeNode {
  readonly id: string;
  /** What the last getChildren showed: the groups, or the sign-in hint. */
  rendered: 'groups' | 'signin' | 'signingIn' | undefined;

  constructor(
    private readonly ctx: SessionsContext,
    readonly record: ConnectionRecord,
  ) {
    this.id = controllerNodeId(record.id);
  }

  get connectionId(): string {
    return this.record.id;
  }

  /** What the node would show for the connection's current state. */
  mode(): 'groups' | 'signin' | 'signingIn' {
    const kind = this.ctx.manager.state(this.record.id).kind;
    return kind === 'signedIn' ? 'groups' : kind === 'signingIn' ? 'signingIn' : 'signin';
  }

  getTreeItem(): vscode.TreeItem {
    const state = this.ctx.manager.state(this.record.id);
    const item = new vscode.TreeItem(this.record.label, this.mode() === 'groups' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    const total = this.ctx.totals.get(this.record.id);
    item.description = [
      'OpenZiti',
      state.kind === 'signedIn' ? (total !== undefined ? `${total.toLocaleString('en-US')} sessions` : undefined) : state.kind === 'signingIn' ? 'signing in…' : 'not signed in',
      this.record.production ? 'production' : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMd(this.record.label)}** — OpenZiti controller\n\n${escapeMd(this.record.endpoints.url ?? '')}`);
    if ('message' in state) {
      tip.appendMarkdown(`\n\n${escapeMd(state.message)}`);
    }
    item.tooltip = tip;
    item.contextValue = buildContextValue('zitiController');
    return item;
  }

  async getChildren(token?: vscode.CancellationToken): Promise<TreeNode[]> {
    const mode = this.mode();
    this.rendered = mode;
    if (mode === 'signingIn') {
      return [new LoadingNode(`${this.id}/signingIn`, this, 'Signing in…')];
    }
    if (mode === 'signin') {
      const state = this.ctx.manager.state(this.record.id);
      return [
        new MessageNode(`${this.id}/signin`, 'Sign in…', {
          icon: 'sign-in',
          parent: this,
          description: 'message' in state ? state.message : 'to see its sessions',
          tooltip: `Sign in to ${this.record.label} to list its sessions and API sessions.`,
          command: { title: 'Sign In', command: 'sessionManager.signIn', arguments: [this.record.id] },
        }),
      ];
    }
    // Both lists are read before the groups are drawn, so their counts ("100 of 240") are right the first time. A
    // group never refreshes itself to redraw them: a refresh that crosses the workbench's own fetch of its children
    // leaves rows the extension host no longer resolves (a row's command then gets no argument).
    const groups = [new SessionsGroupNode(this.ctx, this.record, this), new ApiSessionsGroupNode(this.ctx, this.record, this)];
    const signal = token ? toAbortSignal(token) : undefined;
    await Promise.all(groups.map((g) => g.preload(signal)));
    return groups;
  }
}

/**
 * Refreshes a tree item after reading its list again (for a paged item), so the item is drawn with its new counts and
 * its children come from what was just read: one refresh, no second one racing the workbench. False when the view
 * does not show it.
 */
export async function reloadAndRefresh(ctx: SessionsContext, id: string): Promise<boolean> {
  const node = ctx.provider().findById(id);
  if (!node) {
    return false;
  }
  if (node instanceof PagedNode) {
    await node.preload();
  }
  return ctx.provider().refreshById(id);
}

/**
 * Items of a paged parent: the first page (or as many as were loaded before a refresh), then "Load more…" /
 * "Load all" (the shared PagedList). A refresh re-reads; load more/all append and show the cache once. A page that
 * fails after others were read shows its error after them.
 */
abstract class PagedNode<T extends { id: string }> implements TreeNode, Pageable {
  abstract readonly id: string;
  abstract readonly parent: TreeNode;
  private readonly list: PagedList<T>;
  /** What was read (or failed) is fresh: the next getChildren shows it instead of reading again. */
  private fresh = false;
  /** A first read that failed outright (nothing to keep): shown instead of the items. */
  private error: TreeNode | undefined;

  constructor(
    protected readonly ctx: SessionsContext,
    readonly record: ConnectionRecord,
  ) {
    this.list = new PagedList<T>(
      async ({ offset, limit }, signal) => {
        const page = await this.fetch(offset, limit, signal);
        return { items: page.items, total: page.totalCount };
      },
      { idOf: (it) => (it && typeof it.id === 'string' ? it.id : undefined), pageSize: ctx.pageSize, maxPageSize: MAX_PAGE_SIZE },
    );
  }

  get connectionId(): string {
    return this.record.id;
  }

  get items(): readonly T[] {
    return this.list.items;
  }

  get total(): number | undefined {
    return this.list.total;
  }

  get pagedWhat(): string {
    return `${this.listName()} of ${this.record.label}`;
  }

  protected abstract listName(): string;
  protected abstract fetch(offset: number, limit: number, signal?: AbortSignal): Promise<ListPage<T>>;
  protected abstract render(): Promise<TreeNode[]> | TreeNode[];
  /** Called after every (re)load with the items (e.g. to resolve identity names). */
  protected async afterLoad(_signal?: AbortSignal): Promise<void> {}
  protected get filtered(): boolean {
    return false;
  }
  protected abstract emptyText(): string;

  /** Re-reads from the start, as deep as before. A failed page is kept as the list's error, after what was read. */
  async reload(signal?: AbortSignal): Promise<void> {
    await this.list.reload(Math.max(this.ctx.pageSize, this.ctx.loadedDepth.get(this.id) ?? 0), signal);
    await this.afterLoad(signal);
  }

  /**
   * Reads the list before the item is drawn (its parent's getChildren, or reloadAndRefresh): the next getChildren
   * shows it. A failure becomes the error child; a cancelled read is simply read again later.
   */
  async preload(signal?: AbortSignal): Promise<void> {
    this.error = undefined;
    try {
      await this.reload(signal);
    } catch (e) {
      if (isCancellation(e, signal)) {
        this.fresh = false;
        return;
      }
      // A page's refusal is kept by the list (after what was read); what reaches here failed around it.
      this.error = loadError(this.ctx, this.record.id, this, e, this.filtered);
    }
    this.fresh = true;
  }

  async getChildren(token?: vscode.CancellationToken): Promise<TreeNode[]> {
    if (!this.fresh) {
      await this.preload(token ? toAbortSignal(token) : undefined);
      if (token?.isCancellationRequested) {
        return []; // superseded by a refresh: the workbench asks again
      }
    }
    this.fresh = false;
    return this.error ? [this.error] : this.children();
  }

  private async children(): Promise<TreeNode[]> {
    const tail = this.list.tail(this, (e) => loadError(this.ctx, this.record.id, this, e, this.filtered));
    // The session nodes shown before under this parent are replaced by the ones rendered now.
    this.ctx.forgetSessionNodesUnder(this);
    if (this.items.length === 0) {
      return tail.length > 0 ? tail : [new MessageNode(`${this.id}/empty`, this.emptyText(), { parent: this })];
    }
    return [...(await this.render()), ...tail];
  }

  private async append(all: boolean, signal?: AbortSignal): Promise<void> {
    await this.list.extend(all, signal);
    try {
      await this.afterLoad();
    } catch {
      // afterLoad reports its own problems; the items still show.
    }
    this.ctx.loadedDepth.set(this.id, this.items.length);
    this.fresh = true;
    this.ctx.provider().refreshById(this.id);
  }

  loadMore(signal?: AbortSignal): Promise<void> {
    return this.append(false, signal);
  }

  loadAll(signal?: AbortSignal): Promise<void> {
    return this.append(true, signal);
  }

  abstract getTreeItem(): vscode.TreeItem;
}

/** "Sessions": the controller's service sessions, server-side filtered, optionally grouped. */
export class SessionsGroupNode extends PagedNode<ZitiSession> {
  readonly id: string;
  constructor(
    ctx: SessionsContext,
    record: ConnectionRecord,
    readonly parent: TreeNode,
  ) {
    super(ctx, record);
    this.id = sessionsGroupId(record.id);
  }

  protected override get filtered(): boolean {
    return this.ctx.filter !== undefined;
  }

  protected async fetch(offset: number, limit: number, signal?: AbortSignal): Promise<ListPage<ZitiSession>> {
    const client = await this.ctx.client(this.record.id, signal);
    return listSessions(client, { offset, limit, filter: this.ctx.filter, signal });
  }

  protected override async afterLoad(signal?: AbortSignal): Promise<void> {
    await resolveIdentityNames(this.ctx, this.record.id, this.items, signal);
    void this.ctx.noteTotal(this.record.id, this.filtered ? undefined : this.total);
  }

  protected listName(): string {
    return 'sessions';
  }

  protected emptyText(): string {
    return this.filtered ? 'No sessions match the filter' : 'No active sessions';
  }

  protected render(): TreeNode[] {
    const by: SessionGroupBy = this.ctx.groupBy;
    if (by === 'none') {
      return this.items.map((s) => new ZitiSessionNode(this.ctx, this.record, s, this, sessionNodeId(this.record.id, s.id)));
    }
    const cache = this.ctx.identities(this.record.id);
    return groupSessions(this.items, by, (id) => cache.get(id)).map((g) => new SessionBucketNode(this.ctx, this.record, this, by, g.key, g.label, g.sessions));
  }

  /** The item that shows a loaded session (built the way getChildren builds it, so TreeView.reveal finds it by id). */
  nodeFor(sessionId: string): ZitiSessionNode | undefined {
    if (!this.items.some((s) => s.id === sessionId)) {
      return undefined;
    }
    for (const n of this.render()) {
      if (n instanceof ZitiSessionNode && n.session.id === sessionId) {
        return n;
      }
      if (n instanceof SessionBucketNode && n.sessions.some((s) => s.id === sessionId)) {
        return n.getChildren().find((c) => c.session.id === sessionId);
      }
    }
    return undefined;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Sessions', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('plug');
    const f = this.ctx.filterText;
    item.description = this.total !== undefined ? `${countText(this.items.length, this.total)}${f ? ' (filtered)' : ''}` : f ? 'filtered' : undefined;
    item.tooltip = `Service sessions (Dial and Bind) on ${this.record.label}${f ? `\nFilter: ${f}` : ''}`;
    item.contextValue = buildContextValue('zitiSessionGroup');
    return item;
  }
}

/** A group of loaded sessions (by service, identity or type). */
export class SessionBucketNode implements TreeNode {
  readonly id: string;
  private nodes: ZitiSessionNode[] | undefined;
  constructor(
    private readonly ctx: SessionsContext,
    private readonly record: ConnectionRecord,
    readonly parent: TreeNode,
    readonly by: Exclude<SessionGroupBy, 'none'>,
    readonly key: string,
    readonly label: string,
    readonly sessions: ZitiSession[],
  ) {
    this.id = `${parent.id}/by-${by}/${key}`;
  }
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.by === 'service' ? 'symbol-interface' : this.by === 'identity' ? 'account' : 'symbol-enum');
    item.description = `${this.sessions.length} loaded`;
    item.contextValue = buildContextValue('zitiSessionBucket');
    return item;
  }
  getChildren(): ZitiSessionNode[] {
    this.nodes ??= this.sessions.map((s) => new ZitiSessionNode(this.ctx, this.record, s, this, sessionNodeId(this.record.id, s.id)));
    return this.nodes;
  }
}

async function resolveIdentityNames(ctx: SessionsContext, connectionId: string, sessions: readonly ZitiSession[], signal?: AbortSignal): Promise<void> {
  try {
    await ctx.identities(connectionId).resolve(await ctx.client(connectionId, signal), sessions.map((s) => s.identityId), signal);
  } catch (e) {
    // Names are a nicety: the sessions still show, with identity ids.
    ctx.log.warn(`Identity names could not be resolved: ${errorMessage(e)}`);
  }
}

/** One service session. Its token is never shown, logged or copied. */
export class ZitiSessionNode implements SessionNodeLike, HasDetails {
  constructor(
    private readonly ctx: SessionsContext,
    readonly record: ConnectionRecord,
    readonly session: ZitiSession,
    readonly parent: TreeNode,
    readonly id: string,
  ) {
    ctx.sessionNodes.set(id, this);
    ctx.details.update(this);
  }

  get connectionId(): string {
    return this.record.id;
  }

  get sessionId(): string {
    return this.session.id;
  }

  identityName(): string | undefined {
    return this.ctx.identities(this.record.id).get(this.session.identityId);
  }

  get serviceName(): string {
    return serviceName(this.session);
  }

  /** "web-svc (Dial, alice-laptop)" for confirmations and summaries. */
  describe(): string {
    return `${this.serviceName} (${this.session.type}, ${this.identityName() ?? this.session.identityId})`;
  }

  detailsTitle(): string {
    return `${this.record.label} - session ${this.serviceName} ${this.session.id}`;
  }

  details(): unknown {
    return { ...this.session, identity: { id: this.session.identityId, name: this.identityName() }, controller: this.record.label };
  }

  getTreeItem(): vscode.TreeItem {
    const s = this.session;
    const item = new vscode.TreeItem(this.serviceName, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const revoking = this.ctx.revoking.has(this.id);
    item.description = revoking ? 'Revoking…' : [s.type, this.identityName() ?? s.identityId, relativeAge(s.createdAt, Date.now())].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(revoking ? 'loading~spin' : s.type === 'Bind' ? 'radio-tower' : 'arrow-right');
    item.tooltip = sessionTooltip(s, this.identityName(), this.record.label);
    item.contextValue = sessionContextValue(s, revoking);
    item.accessibilityInformation = { label: `${this.serviceName}, ${s.type} session of ${this.identityName() ?? s.identityId}${revoking ? ', revoking' : ''}` };
    return item;
  }
}

export function sessionTooltip(s: ZitiSession, identity: string | undefined, controller: string): vscode.MarkdownString {
  const t = new vscode.MarkdownString();
  const line = (k: string, v: string | undefined): void => {
    if (v) {
      t.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
    }
  };
  t.appendMarkdown(`**${escapeMd(serviceName(s))}** — ${escapeMd(String(s.type))} session on ${escapeMd(controller)}\n\n`);
  line('Session', s.id);
  line('Identity', identity ? `${identity} (${s.identityId})` : s.identityId);
  line('Service', s.serviceId);
  line('API session', s.apiSessionId);
  line('Created', s.createdAt);
  const routers = Array.isArray(s.edgeRouters) ? s.edgeRouters : [];
  if (routers.length > 0) {
    // These are the routers the session may connect through (the controller's list for it), not its live circuit:
    // the route path panel shows the routers a Dial session's open connection actually crosses.
    t.appendMarkdown('\n**Allowed edge routers** (where this session may connect, not its live circuit)\n\n');
    for (const r of routers) {
      const state = r.isOnline ? 'online' : 'offline';
      t.appendMarkdown(`- ${escapeMd(r.name ?? '?')}${r.hostname ? ` (${escapeMd(r.hostname)})` : ''} — ${state}${r.disabled ? ', disabled' : ''}\n`);
    }
  }
  if (s.type === 'Dial') {
    t.appendMarkdown('\n_The routers its open connection crosses now: Show Route Path._\n');
  }
  const policies = Array.isArray(s.servicePolicies) ? s.servicePolicies : [];
  if (policies.length > 0) {
    t.appendMarkdown('\n**Service policies**\n\n');
    for (const p of policies) {
      t.appendMarkdown(`- ${escapeMd(p.name || p.id)}\n`);
    }
  }
  return t;
}

/** "API Sessions": the controller's authenticated logins. */
export class ApiSessionsGroupNode extends PagedNode<ZitiApiSession> {
  readonly id: string;
  constructor(
    ctx: SessionsContext,
    record: ConnectionRecord,
    readonly parent: TreeNode,
  ) {
    super(ctx, record);
    this.id = apiSessionsGroupId(record.id);
  }

  protected async fetch(offset: number, limit: number, signal?: AbortSignal): Promise<ListPage<ZitiApiSession>> {
    return listApiSessions(await this.ctx.client(this.record.id, signal), { offset, limit, signal });
  }

  protected listName(): string {
    return 'API sessions';
  }

  protected emptyText(): string {
    return 'No API sessions';
  }

  protected render(): TreeNode[] {
    return this.items.map((a) => new ZitiApiSessionNode(this.ctx, this.record, a, this));
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('API Sessions', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('key');
    item.description = this.total !== undefined ? countText(this.items.length, this.total) : undefined;
    item.tooltip = `Authenticated logins (API sessions) on ${this.record.label}`;
    item.contextValue = buildContextValue('zitiApiSessionGroup');
    return item;
  }
}

function mfaText(a: ZitiApiSession): string {
  if (!a.isMfaRequired) {
    return 'no MFA';
  }
  return a.isMfaComplete ? 'MFA ✓' : 'MFA pending';
}

/** One API session; expanding it lists its sessions (server-side filter `apiSessionId = "<id>"`). */
export class ZitiApiSessionNode extends PagedNode<ZitiSession> implements HasDetails {
  readonly id: string;
  constructor(
    ctx: SessionsContext,
    record: ConnectionRecord,
    readonly apiSession: ZitiApiSession,
    readonly parent: TreeNode,
  ) {
    super(ctx, record);
    this.id = apiSessionNodeId(record.id, apiSession.id);
    ctx.details.update(this);
  }

  get identityLabel(): string {
    return this.apiSession.identity?.name || this.apiSession.identityId || '(unknown identity)';
  }

  protected async fetch(offset: number, limit: number, signal?: AbortSignal): Promise<ListPage<ZitiSession>> {
    return listSessions(await this.ctx.client(this.record.id, signal), { offset, limit, filter: apiSessionFilter(this.apiSession.id), signal });
  }

  protected override async afterLoad(signal?: AbortSignal): Promise<void> {
    await resolveIdentityNames(this.ctx, this.record.id, this.items, signal);
  }

  protected listName(): string {
    return `sessions of API session ${this.identityLabel}`;
  }

  protected emptyText(): string {
    return 'No sessions under this API session';
  }

  protected render(): TreeNode[] {
    return this.items.map((s) => new ZitiSessionNode(this.ctx, this.record, s, this, `${this.id}/session/${s.id}`));
  }

  detailsTitle(): string {
    return `${this.record.label} - API session ${this.identityLabel} ${this.apiSession.id}`;
  }

  details(): unknown {
    return { ...this.apiSession, controller: this.record.label };
  }

  getTreeItem(): vscode.TreeItem {
    const a = this.apiSession;
    const item = new vscode.TreeItem(this.identityLabel, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const revoking = this.ctx.revoking.has(this.id);
    const last = a.lastActivityAt ?? a.cachedLastActivityAt;
    item.description = revoking ? 'Ending…' : [a.ipAddress, last ? `active ${relativeAge(last, Date.now())}` : undefined, mfaText(a)].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(revoking ? 'loading~spin' : 'account');
    const t = new vscode.MarkdownString();
    t.appendMarkdown(`**${escapeMd(this.identityLabel)}** — API session on ${escapeMd(this.record.label)}\n\n`);
    const line = (k: string, v: string | undefined): void => {
      if (v) {
        t.appendMarkdown(`${k}: ${escapeMd(v)}  \n`);
      }
    };
    line('API session', a.id);
    line('Identity', a.identityId);
    line('IP address', a.ipAddress);
    line('Authenticator', a.authenticatorId);
    line('Last activity', last);
    line('Created', a.createdAt);
    line('MFA', a.isMfaRequired ? (a.isMfaComplete ? 'required, complete' : 'required, not complete') : 'not required');
    item.tooltip = t;
    item.contextValue = buildContextValue('zitiApiSession', [!revoking && 'canRevoke', 'hasDetails']);
    return item;
  }
}

/** Sessions view roots for OpenZiti: one node per controller. */
export function zitiSessionRoots(ctx: SessionsContext, cache: Map<string, ZitiControllerNode>): TreeNode[] {
  const out: TreeNode[] = [];
  const seen = new Set<string>();
  for (const record of ctx.zitiConnections()) {
    const node = new ZitiControllerNode(ctx, record);
    cache.set(record.id, node);
    seen.add(record.id);
    out.push(node);
  }
  for (const id of [...cache.keys()]) {
    if (!seen.has(id)) {
      cache.delete(id);
      ctx.forgetConnection(id);
    }
  }
  return out;
}

export function isSessionNode(x: unknown): x is ZitiSessionNode {
  return x instanceof ZitiSessionNode;
}

export function isApiSessionNode(x: unknown): x is ZitiApiSessionNode {
  return x instanceof ZitiApiSessionNode;
}
