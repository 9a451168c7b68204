// The Sessions view's commands, written once for every backend: filter, order, grouping, revoke (one, a selection
// across parents, all of a user or group, all matching the filter), end a login (OpenZiti API sessions), copy, find.
// Every question and message goes through deps.ui() so the integration tests can answer and observe it.
import * as vscode from 'vscode';
import type { ExtensionDeps } from '../../deps';
import type { ConnectionRecord } from '../../model/connection';
import { UserCancelled } from '../../ui/input';
import type { PickItem } from '../../ui/input';
import { redactValue } from '../../util/redact';
import type { TreeNode } from '../../tree/nodes';
import { Pager } from '../../http/paging';
import { isCancellation } from '../../tree/paged';
import { productionLabels, summarizeOutcomes, type RevokeImpact, type RevokeOutcome, type SessionEntry, type SessionSource } from '../../backends/sessionSource';
import { ALL_CONNECTIONS, type EntryRow, type SessionsState } from './state';
import { ConnectionNode, EntryNode, entryRowId, GroupRow, isEntryNode, isGroupRow } from './nodes';

export interface SessionCommandDeps extends ExtensionDeps {
  state: SessionsState;
  /** Connection rows of the Sessions view by connection id (for reveal). */
  connectionNodes: Map<string, ConnectionNode>;
  /** Updates the view's description, the filter context key and the badge. */
  updateViewState(): void;
}

/** One line per item of a revoke, for the summary and the tests. */
export interface RevokeResult {
  label: string;
  outcome: RevokeOutcome['outcome'];
  error?: string;
}

export interface RevokeSummary {
  results: RevokeResult[];
  message: string;
}

/** Above this many sessions a bulk revoke asks for the count to be typed (`sessionManager.bulkRevokeTypeCountAbove`). */
export const DEFAULT_TYPE_COUNT_ABOVE = 25;
/** The most sessions Revoke All Matching / Revoke All reads before it asks. */
const MAX_BULK = 10_000;

const one = (title: string): { title: string; step: number; totalSteps: number; canGoBack: boolean } => ({ title, step: 1, totalSteps: 1, canGoBack: false });

async function pickOne<T>(deps: SessionCommandDeps, title: string, items: PickItem<T>[], placeholder: string): Promise<T> {
  const v = await deps.ui().pick(one(title), items, { placeholder, matchOnDescription: true });
  if (typeof v === 'symbol') {
    throw new UserCancelled();
  }
  return v;
}

/** "1 session", "1,234 sessions". */
const sessionCount = (n: number): string => (n === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', n.toLocaleString('en-US')));
/** 'sessions of user' → 'Sessions of user' (the start of a sentence). */
const sentence = (noun: string): string => noun.charAt(0).toUpperCase() + noun.slice(1);
const title = (noun: string): string => noun.replace(/(^|\s)\w/g, (c) => c.toUpperCase());

/** What a revoke does: revoke a session (or a user's sessions), or end a login (an OpenZiti API session). */
type Verb = 'Revoke' | 'End';

function notify(deps: SessionCommandDeps, level: 'info' | 'warning' | 'error', message: string, ...actions: string[]): void {
  const showLogs = vscode.l10n.t('Show Logs');
  void deps
    .ui()
    .notify(level, message, ...actions)
    .then((a) => {
      if (a === showLogs) {
        deps.log.show();
      }
    });
}

// -------------------------------------------------------------------------------------------------------------
// Refreshing what shows

/** Re-reads a list row, then redraws it once (no second refresh racing the workbench). False when not shown. */
export async function reloadAndRefresh(deps: SessionCommandDeps, id: string): Promise<boolean> {
  const provider = deps.views.providers.sessions;
  const node = provider.findById(id);
  if (!node) {
    return false;
  }
  if (node instanceof EntryNode) {
    await node.preload();
  }
  return provider.refreshById(id);
}

/** The list rows of the view that are read before they are drawn (the ones that carry counts). */
function shownLists(deps: SessionCommandDeps, connectionId?: string): EntryNode[] {
  return [...deps.state.rows.values()].filter(
    (r): r is EntryNode => r instanceof EntryNode && r.entry.preload === true && (connectionId === undefined || r.connectionId === connectionId) && deps.views.providers.sessions.findById(r.id) === r,
  );
}

/** Re-reads every list of the view (after the filter, order or grouping changed), then redraws it. */
export async function refreshLists(deps: SessionCommandDeps): Promise<void> {
  const lists = shownLists(deps);
  const shown = await Promise.all(lists.map((n) => reloadAndRefresh(deps, n.id)));
  if (!shown.some(Boolean)) {
    deps.views.providers.sessions.refresh();
  }
}

// -------------------------------------------------------------------------------------------------------------
// Filter, order, grouping

function connectionOf(deps: SessionCommandDeps, arg: unknown): ConnectionRecord | undefined {
  if (arg instanceof ConnectionNode || arg instanceof EntryNode || arg instanceof GroupRow) {
    return deps.manager.store.get(arg.record.id);
  }
  return undefined;
}

/**
 * Filter…: on a connection row (or a row below it), that connection's own filter; from the view's title bar or the
 * palette, the filter of every connection; a string argument sets the latter without asking.
 */
export async function setFilter(deps: SessionCommandDeps, arg?: unknown): Promise<string | undefined> {
  const record = connectionOf(deps, arg);
  const key = record?.id ?? ALL_CONNECTIONS;
  const source = record ? deps.state.source(record) : undefined;
  let value: string;
  if (typeof arg === 'string') {
    value = arg;
  } else {
    const sources = record ? [source] : deps.state.connections().map((r) => deps.state.source(r));
    const filterable = sources.find((s) => s?.capabilities.filter);
    const v = await deps.ui().input(one(record ? vscode.l10n.t('Filter Sessions of {0}', record.label) : vscode.l10n.t('Filter Sessions')), {
      prompt: filterable?.capabilities.filter?.prompt ?? vscode.l10n.t('Text to find in the sessions. Empty clears the filter.'),
      value: deps.state.filterText(key) ?? '',
      placeholder: filterable?.capabilities.filter?.placeholder,
      validate: (text) => (source?.validateFilter && text.trim() !== '' ? source.validateFilter(text.trim()) : undefined),
    });
    if (typeof v === 'symbol') {
      throw new UserCancelled();
    }
    value = v;
  }
  await deps.state.setFilterText(value, key);
  deps.state.loadedDepth.clear();
  deps.updateViewState();
  await refreshLists(deps);
  return deps.state.filterText(key);
}

export async function clearFilter(deps: SessionCommandDeps, arg?: unknown): Promise<boolean> {
  const record = connectionOf(deps, arg);
  await deps.state.setFilterText(undefined, record?.id ?? ALL_CONNECTIONS);
  deps.state.loadedDepth.clear();
  deps.updateViewState();
  await refreshLists(deps);
  return true;
}

/** Sort Sessions By…: the order of every session list (newest first by default). */
export async function setOrder(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const options = new Map<string, string>();
  for (const r of deps.state.connections()) {
    for (const o of deps.state.source(r)?.capabilities.orders ?? []) {
      options.set(o.id, o.label);
    }
  }
  let value: string;
  if (typeof arg === 'string' && options.has(arg)) {
    value = arg;
  } else {
    const current = deps.state.order ?? [...options.keys()][0];
    value = await pickOne(
      deps,
      vscode.l10n.t('Sort Sessions By'),
      [...options].map(([id, label]) => ({ label, description: id === current ? vscode.l10n.t('current') : undefined, value: id })),
      vscode.l10n.t('Order the sessions of every connection…'),
    );
  }
  await deps.state.setOrder(value);
  deps.state.loadedDepth.clear();
  await refreshLists(deps);
  return value;
}

/** Group Sessions By…: per backend (`sessionManager.<backend>.sessionGroupBy`), over the loaded sessions. */
export async function setGrouping(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const backends = new Map<string, { id: string; label: string }[]>();
  for (const r of deps.state.connections()) {
    const groupings = deps.state.source(r)?.capabilities.groupings;
    if (groupings && groupings.length > 0) {
      backends.set(r.backend, [...groupings]);
    }
  }
  if (backends.size === 0) {
    throw new Error(vscode.l10n.t('None of the connections offers a grouping of its sessions.'));
  }
  const all = [{ id: 'none', label: vscode.l10n.t('None') }, ...new Map([...backends.values()].flat().map((g) => [g.id, g])).values()];
  let value: string;
  if (typeof arg === 'string' && all.some((g) => g.id === arg)) {
    value = arg;
  } else {
    const record = deps.state.connections().find((r) => backends.has(r.backend));
    const current = record ? deps.state.groupBy(record) : 'none';
    value = await pickOne(
      deps,
      vscode.l10n.t('Group Sessions By'),
      all.map((g) => ({ label: g.label, description: g.id === current ? vscode.l10n.t('current') : undefined, value: g.id })),
      vscode.l10n.t('Group the loaded sessions of each connection by…'),
    );
  }
  const config = vscode.workspace.getConfiguration('sessionManager');
  for (const [backend, groupings] of backends) {
    if (value !== 'none' && !groupings.some((g) => g.id === value)) {
      continue;
    }
    const setting = `${backend}.sessionGroupBy`;
    const inspect = config.inspect(setting);
    const target = inspect?.workspaceFolderValue !== undefined || inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update(setting, value === 'none' ? undefined : value, target);
  }
  await refreshLists(deps);
  return value;
}

// -------------------------------------------------------------------------------------------------------------
// Revoke

/** One thing to revoke: its entry, where it is, and the rows that show it (each gets "Revoking…"). */
interface Target {
  record: ConnectionRecord;
  source: SessionSource;
  entry: SessionEntry;
  rowIds: string[];
}

function rowsShowing(state: SessionsState, connectionId: string, entry: Pick<SessionEntry, 'type' | 'id'>): EntryRow[] {
  return [...state.rows.values()].filter((r) => r.connectionId === connectionId && r.entry.type === entry.type && r.entry.id === entry.id);
}

function targetOf(state: SessionsState, row: EntryRow): Target {
  return { record: row.record, source: row.source, entry: row.entry, rowIds: rowsShowing(state, row.connectionId, row.entry).map((r) => r.id) };
}

function labelOf(t: Target): string {
  return t.entry.revokeLabel ?? `${t.entry.label} (${t.record.label})`;
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

function recordOf(deps: SessionCommandDeps, connectionId: string): ConnectionRecord {
  const r = deps.manager.store.get(connectionId);
  if (!r) {
    throw new Error(vscode.l10n.t('That connection no longer exists.'));
  }
  return r;
}

/** The first page of each signed-in connection's session lists (a palette command with nothing loaded). */
async function firstPages(deps: SessionCommandDeps, wanted: (e: SessionEntry) => boolean): Promise<Target[]> {
  const out: Target[] = [];
  for (const record of deps.state.connections().filter((r) => deps.manager.state(r.id).kind === 'signedIn')) {
    const source = deps.state.source(record);
    if (!source) {
      continue;
    }
    const top = await source.list(undefined, { offset: 0, limit: deps.state.pageSize, cursor: '' }, {});
    for (const list of top.items.filter((e) => e.preload)) {
      const query = { filter: list.filterable ? deps.state.filterText(record.id) : undefined, order: deps.state.order };
      const page = await source.list(list, { offset: 0, limit: deps.state.pageSize, cursor: '' }, query);
      out.push(...page.items.filter(wanted).map((entry) => ({ record, source, entry, rowIds: [] })));
    }
  }
  return out;
}

/** Loaded rows (deduplicated) that `wanted` accepts, as picker items; without any, the first pages. */
async function choices(deps: SessionCommandDeps, wanted: (e: SessionEntry) => boolean, none: string): Promise<PickItem<Target>[]> {
  const byKey = new Map<string, Target>();
  for (const row of deps.state.rows.values()) {
    if (wanted(row.entry) && deps.manager.store.get(row.connectionId)) {
      const key = `${row.connectionId}/${row.entry.type}/${row.entry.id}`;
      if (!byKey.has(key)) {
        byKey.set(key, targetOf(deps.state, row));
      }
    }
  }
  let targets = [...byKey.values()];
  if (targets.length === 0) {
    targets = await firstPages(deps, wanted);
  }
  if (targets.length === 0) {
    throw new Error(none);
  }
  return targets.map((t) => ({ label: t.entry.label, description: [t.entry.description, t.record.label].filter(Boolean).join(' · '), detail: t.entry.id, value: t }));
}

/**
 * Production connections involved: the person types each one's name (also for a bulk action, where a count alone
 * would not say where it happens). False when a typed name did not match.
 */
async function typeProductionNames(deps: SessionCommandDeps, targets: readonly Target[], noun: string, verb: Verb): Promise<boolean> {
  const records = targets.map((t) => t.record);
  for (const label of productionLabels(records)) {
    const onIt = targets.filter((t) => t.record.production && t.record.label === label);
    const count = targets.length;
    const kind = onIt[0].source.connectionNoun;
    const prompt =
      count === 1
        ? verb === 'End'
          ? vscode.l10n.t('{0} is a production {1}. Type its name to end the {2} on it.', label, kind, noun)
          : vscode.l10n.t('{0} is a production {1}. Type its name to revoke the {2} on it.', label, kind, noun)
        : onIt.length === count
          ? verb === 'End'
            ? vscode.l10n.t('{0} is a production {1}. Type its name to end all {2} {3}s on it.', label, kind, count, noun)
            : vscode.l10n.t('{0} is a production {1}. Type its name to revoke all {2} {3}s on it.', label, kind, count, noun)
          : verb === 'End'
            ? vscode.l10n.t('{0} is a production {1}. Type its name to end {2} of the {3} {4}s on it.', label, kind, onIt.length, count, noun)
            : vscode.l10n.t('{0} is a production {1}. Type its name to revoke {2} of the {3} {4}s on it.', label, kind, onIt.length, count, noun);
    const ok = await deps.ui().typeToConfirm(prompt, label);
    if (!ok) {
      return false;
    }
  }
  return true;
}

/** The bulk threshold: above it (and not on production, where the name is typed) the count is typed. */
function typeCountAbove(): number {
  const v = vscode.workspace.getConfiguration('sessionManager').get<number>('bulkRevokeTypeCountAbove', DEFAULT_TYPE_COUNT_ABOVE);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_TYPE_COUNT_ABOVE;
}

/**
 * Asks the modal, naming the item(s), the backend and the connection (and for production the typed name; for a bulk
 * revoke above the threshold the typed count). False when declined.
 */
async function confirmRevoke(deps: SessionCommandDeps, targets: Target[], verb: Verb, noun: string, impact: RevokeImpact, headline?: string): Promise<boolean> {
  const first = targets[0];
  const connections = [...new Set(targets.map((t) => t.record.label))];
  const backends = [...new Set(targets.map((t) => t.source.backendLabel))].join(', ');
  const note = impact.note ?? first.source.revokeNote;
  const tail = [note, ...impact.warnings].filter(Boolean).join('\n\n');
  let message: string;
  let detail: string;
  let button: string;
  if (targets.length === 1 && !headline) {
    const what = first.entry.what ?? vscode.l10n.t('the {0} {1}', noun, first.entry.label);
    const below = impact.sessionsBelow;
    if (below !== undefined) {
      const n = below.toLocaleString('en-US');
      message =
        verb === 'End'
          ? below === 1
            ? vscode.l10n.t('End {0} and its 1 session?', what)
            : vscode.l10n.t('End {0} and its {1} sessions?', what, n)
          : below === 1
            ? vscode.l10n.t('Revoke {0} and its 1 session?', what)
            : vscode.l10n.t('Revoke {0} and its {1} sessions?', what, n);
    } else {
      message = verb === 'End' ? vscode.l10n.t('End {0} on {1}?', what, first.record.label) : vscode.l10n.t('Revoke {0} on {1}?', what, first.record.label);
    }
    const where = first.record.production
      ? vscode.l10n.t('{0} {1} {2} (production)', first.source.backendLabel, first.source.connectionNoun, first.record.label)
      : vscode.l10n.t('{0} {1} {2}', first.source.backendLabel, first.source.connectionNoun, first.record.label);
    detail = `${vscode.l10n.t('{0} {1} · {2}.', sentence(noun), first.entry.id, where)}${tail ? `\n\n${tail}` : ''}`;
    button = verb === 'Revoke' ? vscode.l10n.t('Revoke') : vscode.l10n.t('End {0}', title(noun));
  } else {
    const count = targets.length;
    const on = connections.join(', ');
    const below = impact.sessionsBelow;
    if (headline) {
      message = headline;
    } else if (below !== undefined) {
      const n = below.toLocaleString('en-US');
      message =
        verb === 'End'
          ? below === 1
            ? vscode.l10n.t('End {0} {1}s and their 1 session?', count, noun)
            : vscode.l10n.t('End {0} {1}s and their {2} sessions?', count, noun, n)
          : below === 1
            ? vscode.l10n.t('Revoke {0} {1}s and their 1 session?', count, noun)
            : vscode.l10n.t('Revoke {0} {1}s and their {2} sessions?', count, noun, n);
    } else {
      message = verb === 'End' ? vscode.l10n.t('End {0} {1}s on {2}?', count, noun, on) : vscode.l10n.t('Revoke {0} {1}s on {2}?', count, noun, on);
    }
    const preview = targets.slice(0, 10).map((t, i) => (impact.perEntry ? vscode.l10n.t('• {0}: {1}', labelOf(t), sessionCount(impact.perEntry[i] ?? 0)) : `• ${labelOf(t)}`));
    if (targets.length > 10) {
      preview.push(vscode.l10n.t('…and {0} more', targets.length - 10));
    }
    detail = `${backends} · ${on}\n\n${preview.join('\n')}${tail ? `\n\n${tail}` : ''}`;
    button =
      targets.length === 1
        ? verb === 'End'
          ? vscode.l10n.t('End {0}', title(noun))
          : vscode.l10n.t('Revoke')
        : verb === 'End'
          ? vscode.l10n.t('End {0} {1}s', count, title(noun))
          : vscode.l10n.t('Revoke {0} {1}s', count, title(noun));
  }
  const answer = await deps.ui().confirm(message, detail, [button]);
  if (!answer) {
    return false;
  }
  const production = targets.some((t) => t.record.production);
  const mismatch = (): string =>
    verb === 'End' ? vscode.l10n.t('Nothing was ended: the confirmation did not match.') : vscode.l10n.t('Nothing was revoked: the confirmation did not match.');
  if (production) {
    if (!(await typeProductionNames(deps, targets, noun, verb))) {
      notify(deps, 'warning', mismatch());
      return false;
    }
  } else if (targets.length > typeCountAbove()) {
    const n = String(targets.length);
    const on = connections.join(', ');
    const prompt = verb === 'End' ? vscode.l10n.t('Type {0} to end all {0} {1}s on {2}.', n, noun, on) : vscode.l10n.t('Type {0} to revoke all {0} {1}s on {2}.', n, noun, on);
    if (!(await deps.ui().typeToConfirm(prompt, n))) {
      notify(deps, 'warning', mismatch());
      return false;
    }
  }
  return true;
}

function singleMessage(r: RevokeResult, verb: Verb, noun: string): string {
  switch (r.outcome) {
    case 'revoked':
      return verb === 'End' ? vscode.l10n.t('Ended the {0} {1}.', noun, r.label) : vscode.l10n.t('Revoked the {0} {1}.', noun, r.label);
    case 'already-ended':
      return vscode.l10n.t('The {0} {1} had already ended.', noun, r.label);
    case 'failed':
      return verb === 'End'
        ? vscode.l10n.t('Could not end the {0} {1}: {2}', noun, r.label, String(r.error))
        : vscode.l10n.t('Could not revoke the {0} {1}: {2}', noun, r.label, String(r.error));
  }
}

/**
 * Confirms and revokes: "Revoking…" on every row that shows a target, one source call per connection, one outcome per
 * target, a summary, then every list and count that showed them read again (no manual refresh).
 */
async function revokeTargets(deps: SessionCommandDeps, targets: Target[], verb: Verb, noun: string, headline?: string): Promise<RevokeSummary | undefined> {
  const state = deps.state;
  const bySource = new Map<SessionSource, Target[]>();
  for (const t of targets) {
    bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);
  }
  const impacts = await Promise.all([...bySource].map(([s, ts]) => (s.revokeImpact ? s.revokeImpact(ts.map((t) => t.entry)) : Promise.resolve<RevokeImpact>({ warnings: [], endsOwnSession: false }))));
  const order = [...bySource.values()].flat();
  const impact: RevokeImpact = {
    sessionsBelow: impacts.some((i) => i.sessionsBelow !== undefined) ? impacts.reduce((s, i) => s + (i.sessionsBelow ?? 0), 0) : undefined,
    perEntry: impacts.some((i) => i.perEntry) ? impacts.flatMap((i, k) => i.perEntry ?? [...bySource.values()][k].map(() => 0)) : undefined,
    warnings: [...new Set(impacts.flatMap((i) => i.warnings))],
    endsOwnSession: impacts.some((i) => i.endsOwnSession),
    note: impacts.find((i) => i.note)?.note,
  };
  if (!(await confirmRevoke(deps, order, verb, noun, impact, headline))) {
    return undefined;
  }
  const setBusy = (t: Target, busy: boolean): void => {
    for (const id of t.rowIds) {
      if (busy) {
        state.revoking.add(id);
      } else {
        state.revoking.delete(id);
      }
      state.refreshRow(id);
    }
  };
  order.forEach((t) => setBusy(t, true));
  const outcomes = new Map<Target, RevokeOutcome>();
  await Promise.all(
    [...bySource].map(async ([source, ts]) => {
      let got: RevokeOutcome[];
      try {
        got = await source.revoke(ts.map((t) => t.entry));
      } catch (e) {
        got = ts.map(() => ({ outcome: 'failed', error: e instanceof Error ? e.message : String(e) }));
      }
      ts.forEach((t, i) => {
        outcomes.set(t, got[i] ?? { outcome: 'failed', error: vscode.l10n.t('no answer from the source') });
        setBusy(t, false);
      });
    }),
  );
  const results: RevokeResult[] = order.map((t) => {
    const o = outcomes.get(t)!;
    return { label: labelOf(t), outcome: o.outcome, error: o.outcome === 'failed' ? o.error : undefined };
  });
  const past = verb === 'End' ? 'ended' : 'revoked';
  for (const r of results) {
    const line = `${verb.toLowerCase()} ${noun} ${r.label}: ${r.outcome === 'revoked' ? past : r.outcome === 'already-ended' ? 'already ended' : `failed: ${r.error}`}`;
    deps.log[r.outcome === 'failed' ? 'warn' : 'info'](line);
  }
  // Tell open panels (route path, trail) and details documents which ones ended.
  const endedBy = new Map<string, string[]>();
  order.forEach((t, i) => {
    if (results[i].outcome !== 'failed') {
      endedBy.set(t.record.id, [...(endedBy.get(t.record.id) ?? []), t.entry.id]);
      for (const id of t.rowIds) {
        const at = new Date().toISOString();
        deps.details.markEnded(
          id,
          verb === 'End' ? vscode.l10n.t('{0} ended through Session Manager at {1}', sentence(noun), at) : vscode.l10n.t('{0} revoked through Session Manager at {1}', sentence(noun), at),
        );
      }
    }
  });
  for (const [connectionId, sessionIds] of endedBy) {
    state.fireEnded({ connectionId, sessionIds });
  }
  const message = order.length === 1 && !headline ? singleMessage(results[0], verb, noun) : summarizeOutcomes(outcomes.size ? [...outcomes.values()] : [], noun, verb === 'End' ? 'Ended' : 'Revoked');
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    notify(deps, 'warning', order.length === 1 ? message : `${message} ${failed.slice(0, 3).map((f) => f.error).join(' · ')}`, vscode.l10n.t('Show Logs'));
  } else {
    notify(deps, 'info', message);
  }
  // A connection whose own session ended is not signed in again behind the person's back: it says why and waits for
  // Sign In (its rows are not read again, which would sign in with the stored secrets at once).
  const signedOut = new Set<string>();
  if (impact.endsOwnSession) {
    for (const [source, ts] of bySource) {
      if (impacts[[...bySource.keys()].indexOf(source)].endsOwnSession) {
        const id = ts[0].record.id;
        deps.manager.forget(id);
        deps.manager.setState(id, { kind: 'expired', message: vscode.l10n.t('signed out: its own session was revoked') });
        signedOut.add(id);
      }
    }
  }
  await refreshAfterRevoke(
    deps,
    order.filter((t) => !signedOut.has(t.record.id)),
    results.filter((_, i) => !signedOut.has(order[i].record.id)),
  );
  return { results, message };
}

/** Reads again every list that showed a revoked item and every counted list of its connections: counts agree. */
async function refreshAfterRevoke(deps: SessionCommandDeps, targets: Target[], results: RevokeResult[]): Promise<void> {
  const state = deps.state;
  const parents = new Set<string>();
  const connections = new Set(targets.map((t) => t.record.id));
  targets.forEach((t, i) => {
    if (results[i].outcome === 'failed') {
      return;
    }
    for (const id of t.rowIds) {
      let p = state.rows.get(id)?.parent;
      while (p instanceof GroupRow) {
        p = p.parent;
      }
      if (p) {
        parents.add(p.id);
      }
      state.rows.delete(id);
    }
  });
  for (const c of connections) {
    for (const list of shownLists(deps, c)) {
      parents.add(list.id);
    }
  }
  // Read every list again first, then redraw each connection row once with what was read: its count, its lists'
  // counts and the badge agree, and no refresh races the workbench's own fetch of a list.
  await Promise.all(
    [...parents].map(async (p) => {
      const node = deps.views.providers.sessions.findById(p);
      if (node instanceof EntryNode) {
        await node.preload();
      }
    }),
  );
  for (const c of connections) {
    const record = deps.manager.store.get(c);
    if (record && shownLists(deps, c).every((l) => !l.entry.countsSessions)) {
      await state.noteTotal(record, undefined);
    }
    const row = deps.connectionNodes.get(c);
    if (row && deps.views.providers.sessions.findById(row.id) === row) {
      row.redraw();
      deps.views.providers.sessions.refreshById(row.id);
    } else {
      await Promise.all([...parents].map((p) => Promise.resolve(deps.views.providers.sessions.refreshById(p))));
    }
  }
}

const isRevocableRow = (x: unknown): x is EntryNode => isEntryNode(x) && x.entry.flags.canRevoke === true;
const isLoginRow = (x: unknown): x is EntryNode => isEntryNode(x) && x.entry.flags.canEndLogin === true;

/** Revoke Session: (row, rows[]), `{connectionId, sessionId}`, or a picked session. */
export async function revokeSessions(deps: SessionCommandDeps, arg?: unknown, many?: unknown): Promise<RevokeSummary | undefined> {
  const state = deps.state;
  let targets: Target[];
  const rows = rowTargets(arg, many, isRevocableRow);
  if (rows) {
    const skipped = Array.isArray(many) && rows.length > 1 ? many.length - many.filter(isRevocableRow).length : 0;
    if (skipped > 0) {
      notify(
        deps,
        'warning',
        skipped === 1 ? vscode.l10n.t('1 selected item is not a session and was left out.') : vscode.l10n.t('{0} selected items are not a session and were left out.', skipped),
      );
    }
    // The same session can show twice (OpenZiti: under Sessions and under its API session): revoke it once.
    const seen = new Set<string>();
    targets = rows.filter((n) => !seen.has(`${n.connectionId}/${n.entry.id}`) && Boolean(seen.add(`${n.connectionId}/${n.entry.id}`))).map((n) => targetOf(state, n));
  } else if (arg && typeof arg === 'object' && typeof (arg as { connectionId?: unknown }).connectionId === 'string' && typeof (arg as { sessionId?: unknown }).sessionId === 'string') {
    const { connectionId, sessionId } = arg as { connectionId: string; sessionId: string };
    const record = recordOf(deps, connectionId);
    const shown = [...state.rows.values()].find((r) => r.connectionId === connectionId && r.entry.id === sessionId && r.entry.flags.canRevoke);
    if (shown) {
      targets = [targetOf(state, shown)];
    } else {
      const source = state.source(record);
      const found = source?.find ? await source.find(sessionId) : undefined;
      if (!source || !found) {
        // Someone else already ended it: nothing to confirm, and not an error.
        const message = vscode.l10n.t('Session {0} on {1} had already ended.', sessionId, record.label);
        deps.log.info(`revoke session ${sessionId} (${record.label}): already ended`);
        notify(deps, 'info', message);
        return { results: [{ label: `${sessionId} (${record.label})`, outcome: 'already-ended' }], message };
      }
      targets = [{ record, source, entry: found.entry, rowIds: [] }];
    }
  } else {
    targets = [
      await pickOne(
        deps,
        vscode.l10n.t('Revoke Session'),
        await choices(deps, (e) => e.flags.canRevoke === true, vscode.l10n.t('There are no sessions to choose from. Sign in to a connection and expand its sessions.')),
        vscode.l10n.t('Revoke which session?'),
      ),
    ];
  }
  if (targets.length === 0) {
    throw new Error(vscode.l10n.t('Select one or more sessions to revoke.'));
  }
  return revokeTargets(deps, targets, 'Revoke', targets[0].entry.noun ?? 'session');
}

/**
 * End API Session… (OpenZiti logins; any entry with `canEndLogin`): (row, rows[]), `{connectionId, apiSessionId}`, or
 * a picked one. The picker never pre-selects Session Manager's own login: those come last, marked.
 */
export async function endLogins(deps: SessionCommandDeps, arg?: unknown, many?: unknown): Promise<RevokeSummary | undefined> {
  const state = deps.state;
  let targets: Target[];
  const rows = rowTargets(arg, many, isLoginRow);
  if (rows) {
    targets = rows.map((n) => targetOf(state, n));
  } else if (arg && typeof arg === 'object' && typeof (arg as { connectionId?: unknown }).connectionId === 'string' && typeof (arg as { apiSessionId?: unknown }).apiSessionId === 'string') {
    const { connectionId, apiSessionId } = arg as { connectionId: string; apiSessionId: string };
    const record = recordOf(deps, connectionId);
    const shown = [...state.rows.values()].find((r) => r.connectionId === connectionId && r.entry.id === apiSessionId && r.entry.flags.canEndLogin);
    const source = state.source(record);
    if (!source) {
      throw new Error(vscode.l10n.t('{0} has no sessions view.', record.label));
    }
    targets = shown
      ? [targetOf(state, shown)]
      : [{ record, source, entry: { key: `apiSession/${apiSessionId}`, id: apiSessionId, type: 'zitiApiSession', label: apiSessionId, tooltip: { title: apiSessionId }, flags: { canEndLogin: true }, details: undefined, what: vscode.l10n.t('the API session {0}', apiSessionId), noun: 'API session' }, rowIds: [] }];
  } else {
    const items = await choices(deps, (e) => e.flags.canEndLogin === true, vscode.l10n.t('There are no API sessions to choose from. Sign in to a controller first.'));
    const own = new Set<string>();
    for (const s of new Set(items.map((i) => i.value.source))) {
      for (const id of (await s.ownEntryIds?.().catch(() => undefined)) ?? items.filter((i) => i.value.source === s).map((i) => i.value.entry.id)) {
        own.add(id);
      }
    }
    const marked = items.map((i) => (own.has(i.value.entry.id) ? { ...i, description: vscode.l10n.t('{0} · Session Manager’s own: ending it signs you out', i.description ?? '') } : i));
    targets = [
      await pickOne(
        deps,
        vscode.l10n.t('End API Session'),
        [...marked.filter((i) => !own.has(i.value.entry.id)), ...marked.filter((i) => own.has(i.value.entry.id))],
        vscode.l10n.t('End which API session (and its sessions)?'),
      ),
    ];
  }
  if (targets.length === 0) {
    throw new Error(vscode.l10n.t('Select one or more API sessions.'));
  }
  return revokeTargets(deps, targets, 'End', targets[0].entry.noun ?? 'API session');
}

/** Reads a list whole (under a cancellable progress), for Revoke All and Revoke All Matching. */
async function readWhole(deps: SessionCommandDeps, source: SessionSource, parent: SessionEntry, query: { filter?: string; order?: string }, what: string): Promise<{ entries: SessionEntry[]; total?: number }> {
  return deps.ui().progress(vscode.l10n.t('Reading {0}…', what), async (signal) => {
    const paging = source.paging(parent);
    const pager = new Pager<SessionEntry>((request, s) => source.list(parent, request, query, s), {
      idOf: (e) => e.key,
      pageSize: paging.maxPageSize,
      maxPageSize: paging.maxPageSize,
      firstCursor: paging.cursor ? '' : undefined,
    });
    try {
      await pager.load(MAX_BULK, signal);
    } catch (e) {
      if (isCancellation(e, signal)) {
        throw new UserCancelled();
      }
      throw e;
    }
    if (pager.items.length >= MAX_BULK && pager.hasMore) {
      throw new Error(vscode.l10n.t('More than {0} {1} match: narrow the filter first.', MAX_BULK.toLocaleString('en-US'), what));
    }
    return { entries: [...pager.items], total: pager.total };
  });
}

/**
 * Revoke All Sessions…: every revocable entry below a row (a PingOne user's sessions) or in a group (its members), one
 * confirmation with the count, then each one's own revoke with its outcome.
 */
export async function revokeAll(deps: SessionCommandDeps, arg?: unknown): Promise<RevokeSummary | undefined> {
  let targets: Target[];
  /** The group's name, or the entry's label (a PingOne user). */
  let whose: { group: string } | { entry: string };
  if (isGroupRow(arg)) {
    const source = deps.state.source(arg.record);
    if (!source) {
      throw new Error(vscode.l10n.t('That connection no longer has sessions.'));
    }
    targets = arg.getChildren().filter((n) => n.entry.flags.canRevoke).map((n) => targetOf(deps.state, n));
    whose = { group: arg.label };
  } else if (isEntryNode(arg) && arg.entry.flags.canRevokeAll) {
    const { entries } = await readWhole(deps, arg.source, arg.entry, arg.query(), arg.pagedWhat);
    targets = entries.filter((e) => e.flags.canRevoke).map((entry) => ({ record: arg.record, source: arg.source, entry, rowIds: rowsShowing(deps.state, arg.connectionId, entry).map((r) => r.id) }));
    whose = { entry: `${arg.entry.label}` };
  } else {
    throw new Error(vscode.l10n.t('Use "Revoke All Sessions…" on a user or a group in the Sessions view.'));
  }
  if (targets.length === 0) {
    notify(deps, 'info', 'group' in whose ? vscode.l10n.t('The group "{0}" has no sessions to revoke.', whose.group) : vscode.l10n.t('{0} has no sessions to revoke.', whose.entry));
    return { results: [], message: vscode.l10n.t('Nothing to revoke.') };
  }
  const first = targets[0];
  const n = targets.length.toLocaleString('en-US');
  const backend = first.source.backendLabel;
  const headline =
    'group' in whose
      ? targets.length === 1
        ? vscode.l10n.t('Revoke all 1 session of the group "{0}" ({1}, {2})?', whose.group, backend, first.record.label)
        : vscode.l10n.t('Revoke all {0} sessions of the group "{1}" ({2}, {3})?', n, whose.group, backend, first.record.label)
      : targets.length === 1
        ? vscode.l10n.t('Revoke all 1 session of {0} ({1}, {2})?', whose.entry, backend, first.record.label)
        : vscode.l10n.t('Revoke all {0} sessions of {1} ({2}, {3})?', n, whose.entry, backend, first.record.label);
  return revokeTargets(deps, targets, 'Revoke', first.entry.noun ?? 'session', headline);
}

/**
 * Revoke All Matching…: every session the server-side filter matches on this list (not just the loaded page). The
 * confirmation states the count the server reports; above the threshold the count (or on production the name) is typed.
 */
export async function revokeAllMatching(deps: SessionCommandDeps, arg?: unknown): Promise<RevokeSummary | undefined> {
  if (!isEntryNode(arg) || !arg.entry.countsSessions || !arg.filterText) {
    throw new Error(vscode.l10n.t('Set a filter first, then use "Revoke All Matching…" on the filtered list.'));
  }
  const filter = arg.filterText;
  const { entries, total } = await readWhole(deps, arg.source, arg.entry, arg.query(), arg.pagedWhat);
  const targets = entries.filter((e) => e.flags.canRevoke).map((entry) => ({ record: arg.record, source: arg.source, entry, rowIds: rowsShowing(deps.state, arg.connectionId, entry).map((r) => r.id) }));
  if (targets.length === 0) {
    notify(deps, 'info', vscode.l10n.t('No session on {0} matches "{1}".', arg.record.label, filter));
    return { results: [], message: vscode.l10n.t('Nothing matches.') };
  }
  const count = total ?? targets.length;
  const headline =
    count === 1
      ? vscode.l10n.t('Revoke all 1 session matching "{0}" on {1} ({2})?', filter, arg.record.label, arg.source.backendLabel)
      : vscode.l10n.t('Revoke all {0} sessions matching "{1}" on {2} ({3})?', count.toLocaleString('en-US'), filter, arg.record.label, arg.source.backendLabel);
  return revokeTargets(deps, targets, 'Revoke', 'session', headline);
}

// -------------------------------------------------------------------------------------------------------------
// Copy and find

async function copyTarget(deps: SessionCommandDeps, arg: unknown, titleText: string): Promise<EntryRow> {
  if (isEntryNode(arg) && arg.entry.flags.hasDetails) {
    return arg;
  }
  const items: PickItem<EntryRow>[] = [];
  const seen = new Set<string>();
  for (const n of deps.state.rows.values()) {
    if (n.entry.flags.canRevoke && n.entry.flags.hasDetails && !seen.has(`${n.connectionId}/${n.entry.id}`)) {
      seen.add(`${n.connectionId}/${n.entry.id}`);
      items.push({ label: n.entry.label, description: [n.entry.description, n.record.label].filter(Boolean).join(' · '), detail: n.entry.id, value: n });
    }
  }
  if (items.length === 0) {
    throw new Error(vscode.l10n.t('No sessions are loaded. Expand a connection in the Sessions view, or use "Find Session by ID…".'));
  }
  return pickOne(deps, titleText, items, vscode.l10n.t('Which session?'));
}

export async function copyId(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const n = await copyTarget(deps, arg, vscode.l10n.t('Copy ID'));
  await vscode.env.clipboard.writeText(n.entry.id);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', n.entry.id), 3000);
  return n.entry.id;
}

export async function copyJson(deps: SessionCommandDeps, arg?: unknown): Promise<string> {
  const n = await copyTarget(deps, arg, vscode.l10n.t('Copy as JSON'));
  const text = JSON.stringify(redactValue(n.source.sessionDetails ? await n.source.sessionDetails(n.entry) : n.entry.details), null, 2);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the item as JSON (secrets redacted)'), 3000);
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

/** TreeView.reveal, tried again briefly when the workbench is still applying a refresh of the same subtree. */
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

/** Find Session by ID…: looks the id up on every signed-in connection that can, then reveals it (or shows its details). */
export async function findSession(deps: SessionCommandDeps, arg?: unknown): Promise<FindResult | undefined> {
  let id: string;
  if (typeof arg === 'string' && arg.trim() !== '') {
    id = arg.trim();
  } else {
    const v = await deps.ui().input(one(vscode.l10n.t('Find Session by ID')), {
      prompt: vscode.l10n.t('The id of a session (searched on every signed-in connection that can look one up)'),
      validate: (s) => (s.trim() === '' ? vscode.l10n.t('Enter a session id.') : /[\s"]/.test(s.trim()) ? vscode.l10n.t('A session id has no spaces or quotes.') : undefined),
    });
    if (typeof v === 'symbol') {
      throw new UserCancelled();
    }
    id = v.trim();
  }
  const state = deps.state;
  const records = state.connections().filter((r) => deps.manager.state(r.id).kind === 'signedIn' && state.source(r)?.capabilities.find);
  if (records.length === 0) {
    throw new Error(vscode.l10n.t('Sign in to an OpenZiti controller first: Find Session searches the signed-in connections that can look sessions up by id.'));
  }
  // Every signed-in connection that has it (two connections may reach one controller): it is revealed in the first
  // where the tree can show it.
  const founds: { record: ConnectionRecord; source: SessionSource; entry: SessionEntry; path: SessionEntry[] }[] = [];
  const problems: string[] = [];
  for (const record of records) {
    const source = state.source(record)!;
    try {
      const f = await source.find!(id);
      if (f) {
        founds.push({ record, source, ...f });
      }
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  const found = founds[0];
  if (!found) {
    const on = records.map((r) => r.label).join(', ');
    notify(deps, 'info', problems.length ? vscode.l10n.t('No session {0} on {1}. ({2})', id, on, problems.join('; ')) : vscode.l10n.t('No session {0} on {1}.', id, on));
    return undefined;
  }
  let note = 'not among the loaded sessions';
  for (const candidate of founds) {
    const { record, entry, path } = candidate;
    const rowId = entryRowId(record, entry.key);
    const tree = deps.views.treeViews.sessions;
    const provider = deps.views.providers.sessions;
    // The workbench fetches rows as it draws them; on a busy machine that takes seconds, so each wait is generous (a
    // found session that cannot be revealed still shows its details).
    const tryReveal = async (): Promise<boolean> => {
      const connection = deps.connectionNodes.get(record.id) ?? (await waitFor(() => deps.connectionNodes.get(record.id), 10_000));
      if (!connection) {
        return false;
      }
      let parentRow: TreeNode = connection;
      for (const step of path) {
        const stepId = entryRowId(record, step.key);
        let known = provider.findById(stepId);
        if (!(known instanceof EntryNode)) {
          await revealSettled(tree, parentRow, { expand: true, select: false, focus: false });
          known = await waitFor(() => provider.findById(stepId), 15_000);
        }
        if (!(known instanceof EntryNode)) {
          return false;
        }
        parentRow = known;
      }
      const list = parentRow;
      if (!(list instanceof EntryNode)) {
        return false;
      }
      await revealSettled(tree, list, { expand: true, select: false, focus: false });
      const latest = provider.findById(list.id);
      const group: EntryNode = latest instanceof EntryNode ? latest : list;
      if (group.total === undefined) {
        await waitFor(() => group.total, 20_000);
      }
      if (group.total === undefined) {
        // Never read successfully (an earlier failure, a row never drawn): read it now.
        await group.preload();
      }
      const has = (): boolean => group.items.some((e) => e.key === entry.key);
      while (!has() && group.hasMore && group.items.length < FIND_MAX_DEPTH) {
        const before = group.items.length;
        await group.loadMore();
        if (group.items.length === before) {
          break;
        }
      }
      if (!has()) {
        return false;
      }
      const shown = await waitFor(() => state.rows.get(rowId), 10_000);
      let node: TreeNode | undefined = shown && provider.findById(shown.parent?.id ?? '') ? shown : undefined;
      if (!node) {
        for (const n of group.render()) {
          if (n.id === rowId) {
            node = n;
          } else if (n instanceof GroupRow && n.members.some((m) => m.key === entry.key)) {
            node = n.getChildren().find((c) => c.id === rowId);
          }
        }
      }
      if (!node) {
        return false;
      }
      await revealSettled(tree, node, { select: true, focus: true, expand: false });
      return true;
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        if (await tryReveal()) {
          return { connectionId: record.id, sessionId: entry.id, shown: 'revealed' };
        }
      } catch (e) {
        note = `reveal failed: ${e instanceof Error ? e.message : String(e)}`;
        deps.log.debug(`findSession: ${note}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const { record, source, entry } = found;
  // Not among the loaded pages (or filtered out): show its details instead.
  const connection = deps.connectionNodes.get(record.id);
  const detached = new EntryNode(state, record, source, { ...entry, key: `${entry.key}/found` }, connection as TreeNode);
  state.rows.delete(detached.id);
  await deps.details.show(detached);
  notify(
    deps,
    'info',
    state.filterText(record.id)
      ? vscode.l10n.t('Session {0} ({1}) is not among the loaded sessions or does not match the filter; showing its details.', entry.id, entry.label)
      : vscode.l10n.t('Session {0} ({1}) is not among the loaded sessions; showing its details.', entry.id, entry.label),
  );
  return { connectionId: record.id, sessionId: entry.id, shown: 'details', note };
}
