// OpenZiti session commands: filter, grouping, revoke (single, bulk, from the route-path panel), end API sessions,
// copy, find. Every question goes through deps.ui() so the integration tests can answer it.
import { fireSessionsEnded } from '../events';
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../../deps';
import type { ConnectionRecord } from '../../../connections/model';
import { UserCancelled } from '../../../commands/registerCommand';
import type { PickItem } from '../../../ui/input';
import { redactValue } from '../../../util/redact';
import type { TreeNode } from '../../../tree/nodes';
import {
  apiSessionFilter,
  currentApiSessionId,
  deleteApiSession,
  deleteSession,
  findSession as fetchSession,
  listApiSessions,
  listSessions,
  mapBounded,
  type ZitiApiSession,
  type ZitiSession,
} from '../api';
import type { SessionsContext } from './context';
import {
  apiSessionNodeId,
  apiSessionsGroupId,
  isApiSessionNode,
  isSessionNode,
  reloadAndRefresh,
  SessionsGroupNode,
  sessionNodeId,
  sessionsGroupId,
  ZitiApiSessionNode,
  ZitiControllerNode,
  ZitiSessionNode,
} from './nodes';
import {
  GROUP_BY_VALUES,
  ownershipOf,
  ownSessionWarning,
  parseGroupBy,
  productionLabels,
  REVOKE_CONCURRENCY,
  serviceName,
  summarizeRevokes,
  type Ownership,
  type RevokeResult,
  type SessionGroupBy,
} from './pure';


export interface SessionCommandDeps extends ExtensionDeps {
  ctx: SessionsContext;
  /** Controller nodes of the Sessions view by connection id (for reveal). */
  controllers: Map<string, ZitiControllerNode>;
  /** Updates the view's description, the filter context key and the badge. */
  updateViewState(): void;
}

const one = (title: string): { title: string; step: number; totalSteps: number; canGoBack: boolean } => ({ title, step: 1, totalSteps: 1, canGoBack: false });

async function pickOne<T>(deps: SessionCommandDeps, title: string, items: PickItem<T>[], placeholder: string): Promise<T> {
  const v = await deps.ui().pick(one(title), items, { placeholder, matchOnDescription: true });
  if (typeof v === 'symbol') {
    throw new UserCancelled();
  }
  return v;
}

// -------------------------------------------------------------------------------------------------------------
// Filter and grouping

export async function setFilter(deps: SessionCommandDeps, text?: unknown): Promise<string | undefined> {
  let value: string;
  if (typeof text === 'string') {
    value = text;
  } else {
    const v = await deps.ui().input(one('Filter OpenZiti Sessions'), {
      prompt: 'Text to find in service or identity names, or a ZitiQL filter (e.g. type = "Dial" and service.name contains "web"). Empty clears the filter.',
      value: deps.ctx.filterText ?? '',
      placeholder: 'web   or   type = "Bind"',
    });
    if (typeof v === 'symbol') {
      throw new UserCancelled();
    }
    value = v;
  }
  await deps.ctx.setFilterText(value);
  deps.ctx.loadedDepth.clear();
  deps.updateViewState();
  await refreshSessionGroups(deps);
  return deps.ctx.filter;
}

export async function clearFilter(deps: SessionCommandDeps): Promise<boolean> {
  await deps.ctx.setFilterText(undefined);
  deps.ctx.loadedDepth.clear();
  deps.updateViewState();
  await refreshSessionGroups(deps);
  return true;
}

export async function groupBy(deps: SessionCommandDeps, arg?: unknown): Promise<SessionGroupBy> {
  let value: SessionGroupBy;
  if (typeof arg === 'string' && (GROUP_BY_VALUES as readonly string[]).includes(arg)) {
    value = parseGroupBy(arg);
  } else {
    const current = deps.ctx.groupBy;
    const labels: Record<SessionGroupBy, string> = { none: 'None', service: 'Service', identity: 'Identity', type: 'Type (Dial / Bind)' };
    value = await pickOne(
      deps,
      'Group Sessions By',
      GROUP_BY_VALUES.map((v) => ({ label: labels[v], description: v === current ? 'current' : undefined, value: v })),
      'Group the loaded sessions of each controller by…',
    );
  }
  const config = vscode.workspace.getConfiguration('sessionManager');
  const inspect = config.inspect('ziti.sessionGroupBy');
  const target = inspect?.workspaceFolderValue !== undefined || inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('ziti.sessionGroupBy', value === 'none' ? undefined : value, target);
  await refreshSessionGroups(deps);
  return value;
}

/** Re-reads every Sessions group (after the filter or grouping changed), then redraws it. */
export async function refreshSessionGroups(deps: SessionCommandDeps): Promise<void> {
  const shown = await Promise.all([...deps.controllers.keys()].map((id) => reloadAndRefresh(deps.ctx, sessionsGroupId(id))));
  if (!shown.some(Boolean)) {
    deps.views.providers.sessions.refresh();
  }
}

// -------------------------------------------------------------------------------------------------------------
// Revoke sessions

interface RevokeTarget {
  record: ConnectionRecord;
  session: ZitiSession;
  identity?: string;
  /** Tree items that show this session (each gets "Revoking…"). */
  nodeIds: string[];
  /** Already gone on the controller (looked up by id). */
  gone?: boolean;
}

function recordOf(deps: SessionCommandDeps, connectionId: string): ConnectionRecord {
  const r = deps.manager.store.get(connectionId);
  if (!r || r.backend !== 'ziti') {
    throw new Error('That OpenZiti connection no longer exists.');
  }
  return r;
}

function nodesShowing(ctx: SessionsContext, connectionId: string, sessionId: string): ZitiSessionNode[] {
  return [...ctx.sessionNodes.values()].filter((n): n is ZitiSessionNode => n instanceof ZitiSessionNode && n.connectionId === connectionId && n.session.id === sessionId);
}

/**
 * How a revoke is named (in the log too): service, type, identity and creation time, which tell two sessions of the
 * same service and identity apart without the session id (logs hold no session ids, see the README's Privacy).
 */
function targetLabel(t: RevokeTarget): string {
  const created = t.session.createdAt ? `, created ${t.session.createdAt}` : '';
  return `${serviceName(t.session)} — ${t.session.type}, ${t.identity ?? t.session.identityId}${created} (${t.record.label})`;
}

/** Loaded sessions (deduplicated) as picker items; when none are loaded, the first page of each signed-in controller. */
async function sessionChoices(deps: SessionCommandDeps): Promise<PickItem<RevokeTarget>[]> {
  const byKey = new Map<string, RevokeTarget>();
  for (const n of deps.ctx.sessionNodes.values()) {
    if (n instanceof ZitiSessionNode && deps.manager.store.get(n.connectionId)) {
      const key = `${n.connectionId}/${n.session.id}`;
      const t = byKey.get(key) ?? { record: n.record, session: n.session, identity: n.identityName(), nodeIds: [] };
      t.nodeIds.push(n.id);
      byKey.set(key, t);
    }
  }
  if (byKey.size === 0) {
    for (const record of deps.ctx.zitiConnections().filter((r) => deps.manager.state(r.id).kind === 'signedIn')) {
      const client = await deps.ctx.client(record.id);
      const page = await listSessions(client, { offset: 0, limit: deps.ctx.pageSize, filter: deps.ctx.filter });
      const names = await deps.ctx.identities(record.id).resolve(client, page.items.map((s) => s.identityId));
      for (const s of page.items) {
        byKey.set(`${record.id}/${s.id}`, { record, session: s, identity: names.get(s.identityId), nodeIds: [] });
      }
    }
  }
  if (byKey.size === 0) {
    throw new Error('There are no OpenZiti sessions to choose from. Sign in to a controller and expand its Sessions.');
  }
  return [...byKey.values()].map((t) => ({
    label: serviceName(t.session),
    description: `${t.session.type} · ${t.identity ?? t.session.identityId} · ${t.record.label}`,
    detail: t.session.id,
    value: t,
  }));
}

async function revokeTargets(deps: SessionCommandDeps, arg: unknown, many: unknown): Promise<RevokeTarget[]> {
  const ctx = deps.ctx;
  const fromNode = (n: ZitiSessionNode): RevokeTarget => ({ record: n.record, session: n.session, identity: n.identityName(), nodeIds: nodesShowing(ctx, n.connectionId, n.session.id).map((x) => x.id) });
  const rows = rowTargets(arg, many, isSessionNode);
  if (rows) {
    const skipped = Array.isArray(many) && rows.length > 1 ? many.length - many.filter(isSessionNode).length : 0;
    if (skipped > 0) {
      void vscode.window.showWarningMessage(`${skipped} selected item${skipped === 1 ? ' is' : 's are'} not a session and ${skipped === 1 ? 'was' : 'were'} left out.`);
    }
    // The same session can show twice (under Sessions and under its API session): revoke it once.
    const seen = new Set<string>();
    return rows.filter((n) => !seen.has(`${n.connectionId}/${n.session.id}`) && Boolean(seen.add(`${n.connectionId}/${n.session.id}`))).map(fromNode);
  }
  if (arg && typeof arg === 'object' && typeof (arg as { connectionId?: unknown }).connectionId === 'string' && typeof (arg as { sessionId?: unknown }).sessionId === 'string') {
    const { connectionId, sessionId } = arg as { connectionId: string; sessionId: string };
    const record = recordOf(deps, connectionId);
    const shown = nodesShowing(ctx, connectionId, sessionId);
    if (shown.length > 0) {
      return [{ ...fromNode(shown[0]), record }];
    }
    const client = await ctx.client(connectionId);
    const session = await fetchSession(client, sessionId);
    if (!session) {
      // Someone else already ended it: nothing to confirm, and not an error.
      return [{ record, session: { id: sessionId, type: 'ended', apiSessionId: '', identityId: '', serviceId: '' }, nodeIds: [], gone: true }];
    }
    const names = await ctx.identities(connectionId).resolve(client, [session.identityId]);
    return [{ record, session, identity: names.get(session.identityId), nodeIds: [] }];
  }
  const chosen = await pickOne(deps, 'Revoke Session', await sessionChoices(deps), 'Revoke which session?');
  return [chosen];
}

/** Asks the modal (and for production, the typed name or count); false when declined. */
async function confirmRevoke(deps: SessionCommandDeps, targets: RevokeTarget[]): Promise<boolean> {
  const controllers = [...new Set(targets.map((t) => t.record.label))];
  const production = targets.some((t) => t.record.production);
  const note = 'The client may get a new session while its API session and service policies still allow it; to stop an identity, disable it or end its API session.';
  let answer: string | undefined;
  if (targets.length === 1) {
    const t = targets[0];
    answer = await deps.ui().confirm(
      `Revoke the ${t.session.type} session of service "${serviceName(t.session)}" for identity "${t.identity ?? t.session.identityId}" on ${t.record.label}?`,
      `Session ${t.session.id}${t.record.production ? ' · production controller' : ''}.\n\n${note}`,
      ['Revoke'],
    );
  } else {
    const preview = targets.slice(0, 10).map((t) => `• ${targetLabel(t)}`);
    if (targets.length > 10) {
      preview.push(`…and ${targets.length - 10} more`);
    }
    answer = await deps.ui().confirm(
      `Revoke ${targets.length} sessions on ${controllers.join(', ')}?`,
      `${preview.join('\n')}\n\n${note}`,
      [`Revoke ${targets.length} Sessions`],
    );
  }
  if (!answer) {
    return false;
  }
  if (production && !(await typeProductionNames(deps, targets.map((t) => t.record), targets.length, 'session', 'revoke'))) {
    void vscode.window.showWarningMessage('Nothing was revoked: the confirmation did not match.');
    return false;
  }
  return true;
}

/**
 * Production controllers involved: the person types each one's name (also for a bulk action, where a count alone
 * would not say where it happens). False when a typed name did not match.
 */
async function typeProductionNames(deps: SessionCommandDeps, records: readonly ConnectionRecord[], count: number, noun: string, verb: string): Promise<boolean> {
  for (const label of productionLabels(records)) {
    const onIt = records.filter((r) => r.production && r.label === label).length;
    const what = count === 1 ? `the ${noun}` : `${onIt === count ? `all ${count}` : `${onIt} of the ${count}`} ${noun}s`;
    const ok = await deps.ui().typeToConfirm(`${label} is a production controller. Type its name to ${verb} ${what} on it.`, label);
    if (!ok) {
      return false;
    }
  }
  return true;
}

export interface RevokeSummary {
  results: RevokeResult[];
  message: string;
}

/** Revokes (node, nodes[]), `{connectionId, sessionId}`, or a picked session. */
export async function revokeSessions(deps: SessionCommandDeps, arg?: unknown, many?: unknown): Promise<RevokeSummary | undefined> {
  const targets = await revokeTargets(deps, arg, many);
  if (targets.length === 0) {
    throw new Error('Select one or more OpenZiti sessions to revoke.');
  }
  if (targets.length === 1 && targets[0].gone) {
    const t = targets[0];
    const message = `Session ${t.session.id} on ${t.record.label} had already ended.`;
    deps.log.info(`revoke session ${targetLabel(t)}: already ended`);
    void vscode.window.showInformationMessage(message);
    return { results: [{ label: `${t.session.id} (${t.record.label})`, outcome: 'already-ended' }], message };
  }
  if (!(await confirmRevoke(deps, targets))) {
    return undefined;
  }
  const ctx = deps.ctx;
  const setBusy = (t: RevokeTarget, busy: boolean): void => {
    for (const id of t.nodeIds) {
      if (busy) {
        ctx.revoking.add(id);
      } else {
        ctx.revoking.delete(id);
      }
      ctx.refreshItem(id);
    }
  };
  targets.forEach((t) => setBusy(t, true));
  const settled = await mapBounded(targets, REVOKE_CONCURRENCY, async (t) => {
    try {
      return await deleteSession(await ctx.client(t.record.id), t.session.id);
    } finally {
      setBusy(t, false);
    }
  });
  // Tell open route-path panels (and anything else showing these sessions) which ones ended.
  const endedBy = new Map<string, string[]>();
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      endedBy.set(targets[i].record.id, [...(endedBy.get(targets[i].record.id) ?? []), targets[i].session.id]);
    }
  });
  for (const [connectionId, sessionIds] of endedBy) {
    fireSessionsEnded({ connectionId, sessionIds });
  }
  const results: RevokeResult[] = settled.map((r, i) => {
    const label = targetLabel(targets[i]);
    if (r.status === 'fulfilled') {
      return { label, outcome: r.value === 'deleted' ? 'revoked' : 'already-ended' };
    }
    return { label, outcome: 'failed', error: r.reason instanceof Error ? r.reason.message : String(r.reason) };
  });
  for (const r of results) {
    const line = `revoke session ${r.label}: ${r.outcome === 'revoked' ? 'revoked' : r.outcome === 'already-ended' ? 'already ended' : `failed: ${r.error}`}`;
    if (r.outcome === 'failed') {
      deps.log.warn(line);
    } else {
      deps.log.info(line);
    }
  }
  const message = targets.length === 1 ? singleMessage(results[0]) : summarizeRevokes(results);
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    void vscode.window.showWarningMessage(`${message} ${failed.slice(0, 3).map((f) => f.error).join(' · ')}`, 'Show Logs').then((c) => c && deps.log.show());
  } else {
    void vscode.window.showInformationMessage(message);
  }
  // Forget the revoked items and refresh what showed them, plus the counts and the badge.
  const connections = new Set(targets.map((t) => t.record.id));
  const parents = new Set<string>();
  targets.forEach((t, i) => {
    if (results[i].outcome !== 'failed') {
      for (const id of t.nodeIds) {
        const n = ctx.sessionNodes.get(id);
        if (n?.parent && !n.parent.id.includes('/by-')) {
          parents.add(n.parent.id);
        }
        ctx.sessionNodes.delete(id);
      }
    }
  });
  for (const c of connections) {
    parents.add(sessionsGroupId(c));
  }
  await Promise.all([...parents].map((p) => reloadAndRefresh(ctx, p)));
  for (const c of connections) {
    if (!deps.views.providers.sessions.findById(sessionsGroupId(c))) {
      void ctx.noteTotal(c, undefined);
    }
  }
  return { results, message };
}

function singleMessage(r: RevokeResult): string {
  switch (r.outcome) {
    case 'revoked':
      return `Revoked the session ${r.label}.`;
    case 'already-ended':
      return `The session ${r.label} had already ended.`;
    case 'failed':
      return `Could not revoke the session ${r.label}: ${r.error}`;
  }
}

// -------------------------------------------------------------------------------------------------------------
// End API sessions

interface ApiTarget {
  record: ConnectionRecord;
  apiSession: ZitiApiSession;
  nodeId: string;
}

function apiLabel(t: ApiTarget): string {
  // Creation time (not the id) tells two API sessions of one identity apart in the log.
  const created = t.apiSession.createdAt ? `, created ${t.apiSession.createdAt}` : '';
  return `${t.apiSession.identity?.name || t.apiSession.identityId || t.apiSession.id}${t.apiSession.ipAddress ? ` from ${t.apiSession.ipAddress}` : ''}${created} (${t.record.label})`;
}

/**
 * The rows a command invoked from the tree acts on: the clicked row, or the multi-selection when it contains that row
 * (VS Code passes `(node, selectedNodes)`). Undefined when it was not invoked on a row of this kind.
 */
export function rowTargets<T extends TreeNode>(arg: unknown, many: unknown, is: (x: unknown) => x is T): T[] | undefined {
  const selection = Array.isArray(many) ? many.filter(is) : [];
  const unique = (list: T[]): T[] => list.filter((n, i) => list.findIndex((m) => m.id === n.id) === i);
  if (is(arg)) {
    return selection.some((n) => n.id === arg.id) ? unique(selection) : [arg];
  }
  return selection.length > 0 ? unique(selection) : undefined;
}

/**
 * API sessions to pick from (first page of each signed-in controller). Nothing is pre-selected that could sign the
 * person out: Session Manager's own API sessions come last, marked, so Enter on the first item never ends them.
 */
async function apiSessionChoices(deps: SessionCommandDeps): Promise<PickItem<ApiTarget>[]> {
  const ctx = deps.ctx;
  const others: PickItem<ApiTarget>[] = [];
  const risky: PickItem<ApiTarget>[] = [];
  for (const record of ctx.zitiConnections().filter((r) => deps.manager.state(r.id).kind === 'signedIn')) {
    const client = await ctx.client(record.id);
    const [page, current] = await Promise.all([listApiSessions(client, { offset: 0, limit: ctx.pageSize }), currentApiSessionId(client).catch(() => undefined)]);
    for (const a of page.items) {
      const own = ownershipOf(current, a.id);
      const t = { record, apiSession: a, nodeId: apiSessionNodeId(record.id, a.id) };
      const item: PickItem<ApiTarget> = {
        label: a.identity?.name || a.identityId || a.id,
        description: [a.ipAddress, record.label, own === 'own' ? 'Session Manager’s own: ending it signs you out' : undefined].filter(Boolean).join(' · '),
        detail: a.id,
        value: t,
      };
      (own === 'other' ? others : risky).push(item);
    }
  }
  if (others.length + risky.length === 0) {
    throw new Error('There are no OpenZiti API sessions to choose from. Sign in to a controller first.');
  }
  return [...others, ...risky];
}

export async function revokeApiSessions(deps: SessionCommandDeps, arg?: unknown, many?: unknown): Promise<RevokeSummary | undefined> {
  const ctx = deps.ctx;
  let targets: ApiTarget[];
  const fromNode = (n: ZitiApiSessionNode): ApiTarget => ({ record: n.record, apiSession: n.apiSession, nodeId: n.id });
  const rows = rowTargets(arg, many, isApiSessionNode);
  if (rows) {
    targets = rows.map(fromNode);
  } else if (arg && typeof arg === 'object' && typeof (arg as { connectionId?: unknown }).connectionId === 'string' && typeof (arg as { apiSessionId?: unknown }).apiSessionId === 'string') {
    const { connectionId, apiSessionId } = arg as { connectionId: string; apiSessionId: string };
    const record = recordOf(deps, connectionId);
    targets = [{ record, apiSession: { id: apiSessionId }, nodeId: apiSessionNodeId(connectionId, apiSessionId) }];
  } else {
    targets = [await pickOne(deps, 'End API Session', await apiSessionChoices(deps), 'End which API session (and its sessions)?')];
  }
  if (targets.length === 0) {
    throw new Error('Select one or more OpenZiti API sessions.');
  }
  // Blast radius: how many sessions each one takes with it, and whether it is our own (unknown when the check
  // fails: then the sign-out warning shows all the same).
  const problems: string[] = [];
  const counts = await Promise.all(
    targets.map(async (t) => {
      const client = await ctx.client(t.record.id);
      const [page, own] = await Promise.all([
        listSessions(client, { offset: 0, limit: 1, filter: apiSessionFilter(t.apiSession.id) }),
        currentApiSessionId(client).then(
          (id) => ownershipOf(id, t.apiSession.id),
          (e: unknown): Ownership => {
            problems.push(e instanceof Error ? e.message : String(e));
            return 'unknown';
          },
        ),
      ]);
      return { sessions: page.totalCount, own };
    }),
  );
  for (const p of problems) {
    deps.log.warn(`end API session: could not read the current API session: ${p}`);
  }
  const totalSessions = counts.reduce((s, c) => s + c.sessions, 0);
  const plural = (n: number): string => `${n} session${n === 1 ? '' : 's'}`;
  const warning = ownSessionWarning(
    counts.map((c) => c.own),
    problems.length > 0 ? problems[0] : undefined,
  );
  const ownNote = warning ? `\n\n${warning}` : '';
  const message =
    targets.length === 1
      ? `End the API session of ${apiLabel(targets[0])} and its ${plural(totalSessions)}?`
      : `End ${targets.length} API sessions and their ${plural(totalSessions)}?`;
  const detail = `${targets.slice(0, 10).map((t, i) => `• ${apiLabel(t)}: ${plural(counts[i].sessions)}`).join('\n')}\n\nThe identity can sign in again; to stop it, disable the identity.${ownNote}`;
  const answer = await deps.ui().confirm(message, detail, [targets.length === 1 ? 'End API Session' : `End ${targets.length} API Sessions`]);
  if (!answer) {
    return undefined;
  }
  if (!(await typeProductionNames(deps, targets.map((t) => t.record), targets.length, 'API session', 'end'))) {
    void vscode.window.showWarningMessage('Nothing was ended: the confirmation did not match.');
    return undefined;
  }
  for (const t of targets) {
    ctx.revoking.add(t.nodeId);
    ctx.refreshItem(t.nodeId);
  }
  const settled = await mapBounded(targets, REVOKE_CONCURRENCY, async (t) => {
    try {
      return await deleteApiSession(await ctx.client(t.record.id), t.apiSession.id);
    } finally {
      ctx.revoking.delete(t.nodeId);
    }
  });
  const results: RevokeResult[] = settled.map((r, i) =>
    r.status === 'fulfilled'
      ? { label: apiLabel(targets[i]), outcome: r.value === 'deleted' ? 'revoked' : 'already-ended' }
      : { label: apiLabel(targets[i]), outcome: 'failed', error: r.reason instanceof Error ? r.reason.message : String(r.reason) },
  );
  for (const r of results) {
    deps.log[r.outcome === 'failed' ? 'warn' : 'info'](`end API session ${r.label}: ${r.outcome}${r.error ? ` ${r.error}` : ''}`);
  }
  const summary = summarizeRevokes(results, 'API session').replace(/^Revoked/, 'Ended');
  if (results.some((r) => r.outcome === 'failed')) {
    void vscode.window.showWarningMessage(`${summary} ${results.filter((r) => r.error).map((r) => r.error).slice(0, 2).join(' · ')}`);
  } else {
    void vscode.window.showInformationMessage(summary);
  }
  for (const c of new Set(targets.map((t) => t.record.id))) {
    if (counts.some((x, i) => x.own === 'own' && targets[i].record.id === c)) {
      deps.manager.forget(c);
    }
    const [, sessionsShown] = await Promise.all([reloadAndRefresh(ctx, apiSessionsGroupId(c)), reloadAndRefresh(ctx, sessionsGroupId(c))]);
    if (!sessionsShown) {
      void ctx.noteTotal(c, undefined);
    }
  }
  return { results, message: summary };
}

// -------------------------------------------------------------------------------------------------------------
// Copy and find

type Copyable = ZitiSessionNode | ZitiApiSessionNode;

async function copyTarget(deps: SessionCommandDeps, arg: unknown, title: string): Promise<Copyable> {
  if (isSessionNode(arg) || isApiSessionNode(arg)) {
    return arg;
  }
  const items: PickItem<Copyable>[] = [];
  const seen = new Set<string>();
  for (const n of deps.ctx.sessionNodes.values()) {
    if (n instanceof ZitiSessionNode && !seen.has(`${n.connectionId}/${n.session.id}`)) {
      seen.add(`${n.connectionId}/${n.session.id}`);
      items.push({ label: n.serviceName, description: `${n.session.type} · ${n.identityName() ?? n.session.identityId} · ${n.record.label}`, detail: n.session.id, value: n });
    }
  }
  if (items.length === 0) {
    throw new Error('No OpenZiti sessions are loaded. Expand Sessions in the Sessions view, or use "Find Session by ID…".');
  }
  return pickOne(deps, title, items, 'Which session?');
}

export async function copyId(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const n = await copyTarget(deps, arg, 'Copy ID');
  const id = n instanceof ZitiSessionNode ? n.session.id : n.apiSession.id;
  await vscode.env.clipboard.writeText(id);
  void vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
  return id;
}

export async function copyJson(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const n = await copyTarget(deps, arg, 'Copy as JSON');
  const text = JSON.stringify(redactValue(n.details()), null, 2);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage('Copied the item as JSON (secrets redacted)', 3000);
  return text;
}

export interface FindResult {
  connectionId: string;
  sessionId: string;
  /** 'revealed' in the tree, or 'details' when it is not among the loaded pages (or filtered out). */
  shown: 'revealed' | 'details';
  /** Why it was not revealed, when it was not. */
  note?: string;
}

const FIND_MAX_DEPTH = 5000;

/**
 * TreeView.reveal, tried again briefly when the workbench is still applying a refresh of the same subtree (it then
 * reports "Tree element not found").
 */
async function revealSettled(tree: vscode.TreeView<TreeNode>, node: TreeNode, options: { select?: boolean; focus?: boolean; expand?: boolean | number }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await tree.reveal(node, options);
      return;
    } catch (e) {
      if (attempt >= 5) {
        throw e;
      }
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}

async function waitFor<T>(probe: () => T | undefined, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined || Date.now() > end) {
      return v;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function findSession(deps: SessionCommandDeps, arg?: unknown): Promise<FindResult | undefined> {
  let id: string;
  if (typeof arg === 'string' && arg.trim() !== '') {
    id = arg.trim();
  } else {
    const v = await deps.ui().input(one('Find Session by ID'), {
      prompt: 'The id of an OpenZiti session (searched on every signed-in controller)',
      validate: (s) => (s.trim() === '' ? 'Enter a session id.' : /[\s"]/.test(s.trim()) ? 'A session id has no spaces or quotes.' : undefined),
    });
    if (typeof v === 'symbol') {
      throw new UserCancelled();
    }
    id = v.trim();
  }
  const ctx = deps.ctx;
  const records = ctx.zitiConnections().filter((r) => deps.manager.state(r.id).kind === 'signedIn');
  if (records.length === 0) {
    throw new Error('Sign in to an OpenZiti controller first: Find Session searches the signed-in controllers.');
  }
  let found: { record: ConnectionRecord; session: ZitiSession } | undefined;
  const problems: string[] = [];
  for (const record of records) {
    try {
      const s = await fetchSession(await ctx.client(record.id), id);
      if (s) {
        found = { record, session: s };
        break;
      }
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (!found) {
    void vscode.window.showInformationMessage(`No session ${id} on ${records.map((r) => r.label).join(', ')}.${problems.length ? ` (${problems.join('; ')})` : ''}`);
    return undefined;
  }
  const { record, session } = found;
  await ctx.identities(record.id).resolve(await ctx.client(record.id), [session.identityId]).catch(() => undefined);
  const nodeId = sessionNodeId(record.id, session.id);
  const tree = deps.views.treeViews.sessions;
  const provider = deps.views.providers.sessions;
  let note = 'not among the loaded sessions';
  // The view may be refreshing while we look (auto-refresh, another command): then the nodes we hold are stale
  // and reveal() cannot resolve them. Try again on the fresh ones, a few times, before falling back to details.
  const tryReveal = async (): Promise<boolean> => {
    // Make sure the controller and its Sessions group are expanded and loaded.
    let known = provider.findById(sessionsGroupId(record.id));
    if (!(known instanceof SessionsGroupNode)) {
      const controller = deps.controllers.get(record.id) ?? (await waitFor(() => deps.controllers.get(record.id), 2000));
      if (controller) {
        await revealSettled(tree, controller, { expand: true, select: false, focus: false });
      }
      known = await waitFor(() => provider.findById(sessionsGroupId(record.id)), 5000);
    }
    if (known instanceof SessionsGroupNode) {
      await revealSettled(tree, known, { expand: true, select: false, focus: false });
      const latest = provider.findById(known.id);
      const group: SessionsGroupNode = latest instanceof SessionsGroupNode ? latest : known;
      if (group.total === undefined) {
        await waitFor(() => group.total, 10_000);
      }
      const has = (): boolean => group.items.some((s) => s.id === session.id);
      while (!has() && group.total !== undefined && group.items.length < group.total && group.items.length < FIND_MAX_DEPTH) {
        const before = group.items.length;
        await group.loadMore();
        if (group.items.length === before) {
          break;
        }
      }
      if (has()) {
        const shown = await waitFor(() => ctx.sessionNodes.get(nodeId), 3000);
        const node = shown && provider.findById(shown.parent?.id ?? '') ? shown : group.nodeFor(session.id);
        if (node) {
          await revealSettled(tree, node, { select: true, focus: true, expand: false });
          return true;
        }
      }
    }
    return false;
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (await tryReveal()) {
        return { connectionId: record.id, sessionId: session.id, shown: 'revealed' };
      }
    } catch (e) {
      note = `reveal failed: ${e instanceof Error ? e.message : String(e)}`;
      deps.log.debug(`findSession: ${note}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  // Not among the loaded pages (or filtered out): show its details instead.
  const detached = new ZitiSessionNode(ctx, record, session, deps.controllers.get(record.id) as TreeNode, `${nodeId}/found`);
  ctx.sessionNodes.delete(detached.id);
  await deps.details.show(detached);
  void vscode.window.showInformationMessage(`Session ${session.id} (${serviceName(session)}) is not among the loaded sessions${ctx.filter ? ' or does not match the filter' : ''}; showing its details.`);
  return { connectionId: record.id, sessionId: session.id, shown: 'details', note };
}
