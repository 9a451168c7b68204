// The contract between the one Sessions view and each backend: a session source. Pure: no `vscode` import, so every
// source is unit-tested in plain Node against the sandbox over real HTTP.
//
// A source describes what sits below a connection in the Sessions view as entries: levels that hold other entries
// (OpenZiti's "Sessions" / "API Sessions", a PingOne environment and its users, an Aptible app) and sessions. The view
// turns entries into tree rows, pages them with the shared Pager, filters, sorts and groups them, and revokes them
// through the source, which answers with one outcome per entry. Everything a row shows is plain text: the view escapes
// it (Markdown tooltips, webviews) and never shows `details` without redaction.
import type { ConnectionRecord } from '../model/connection';
import type { FetchedPage, PageRequest } from '../http/paging';
import type { BackendClient, BackendModule, LogFn } from './types';
import type { PathView } from '../webviews/path/protocol';

/** A plain-text tooltip: a title, "key: value" lines, optional bulleted sections and a closing note. */
export interface EntryTooltip {
  title: string;
  lines?: readonly (readonly [label: string, value: string | undefined])[];
  sections?: readonly { heading: string; items: readonly string[] }[];
  note?: string;
}

/** Capability flags of one row: they decide which menus the row gets (package.json matches them in contextValue). */
export interface EntryFlags {
  /** "Revoke Session": ends this session. */
  canRevoke?: boolean;
  /** "End API Session…" (OpenZiti): ends this login and every session below it. */
  canEndLogin?: boolean;
  /** "Revoke All Sessions…": revokes every revocable entry below it (a PingOne user, a group). */
  canRevokeAll?: boolean;
  /** Show Details / Copy as JSON / Copy ID. */
  hasDetails?: boolean;
  /** OpenZiti: Show Route Path (Dial sessions only). */
  hasRoute?: boolean;
  /** PingOne: Show Session Trail. */
  hasTrail?: boolean;
  /** Show Session Path (the source has `sessionPath`): Aptible's person → operation → container → app → environment. */
  hasPath?: boolean;
  /** Aptible: "Cancel Operation…" on a session whose operation is still queued or running. */
  canCancelOperation?: boolean;
  /** Cohesity: "Revoke All Sessions on Cluster…" (every session of every user, Session Manager's own included). */
  canRevokeCluster?: boolean;
}

/** One row below a connection: a level (it has children) or a session (a leaf). */
export interface SessionEntry {
  /** Unique among all entries of the connection; the row's id is `<connection row id>/<key>`. */
  readonly key: string;
  /** The server's id of the thing (what Copy ID copies and Find looks for). */
  readonly id: string;
  /** The level, e.g. 'zitiSession', 'zitiApiSession', 'pingoneUser': the first token of the row's contextValue. */
  readonly type: string;
  readonly label: string;
  /** Short facts after the label (the view appends the age when `time` is set). */
  readonly description?: string;
  /** A ThemeIcon id. */
  readonly icon?: string;
  /** Shown dimmed (a PingOne session idle past the likely-expired threshold, a finished Aptible operation); never hidden. */
  readonly dimmed?: boolean;
  /** Why, said first in the row's description when dimmed ("likely expired"); none when the description says it. */
  readonly dimmedNote?: string;
  /** ISO time shown as "3 min ago" and used by the default newest-first order. */
  readonly time?: string;
  readonly tooltip: EntryTooltip;
  /** What a screen reader says for the row. */
  readonly accessibilityLabel?: string;
  readonly flags: EntryFlags;
  /** How its children come: 'paged' (Load more / Load all), 'all' (one short list), or none (a leaf). */
  readonly children?: 'paged' | 'all';
  /**
   * Fixed rows drawn before its listed children (an Aptible app's "Recent SSH operations" level before its sessions).
   * They are not part of the list: never counted in its "N of M", the connection's count or the badge, never filtered,
   * sorted or grouped; shown even when the list is empty or failed; kept across redraws like the list's level rows.
   * Their keys are unique among the connection's entries like any other.
   */
  readonly leading?: readonly SessionEntry[];
  /** A level whose children are read before the row is drawn, so its count is right the first time. */
  readonly preload?: boolean;
  /** Whether the Filter command applies to this level's children. */
  readonly filterable?: boolean;
  /** Whether this level's children can be grouped (by the source's groupings). */
  readonly groupable?: boolean;
  /** Collapsed (default) or expanded when first shown. */
  readonly expanded?: boolean;
  /** What its count counts, after the number: "users" ("100 of 5,000 users"); none: the number alone. */
  readonly countNoun?: string;
  /** Words for a list of its children: "sessions", "users of Prod EU". */
  readonly childrenName?: string;
  /** What an empty list of its children says ('No active sessions'); with a filter the view says so itself. */
  readonly emptyText?: string;
  /**
   * How many sessions the server says it holds, when its rows are not sessions (a Cohesity cluster: users with their
   * counts): at the top of a connection, the connection's count for its row and the badge.
   */
  readonly sessionCount?: number;
  /** Shows how many sessions it holds once its children were read ("3 sessions"): a PingOne user. */
  readonly showCount?: boolean;
  /** Its children are the connection's sessions: their unfiltered total is the connection's count and the badge's. */
  readonly countsSessions?: boolean;
  /** For Show Details and Copy as JSON; redacted by the view before it is shown or copied. */
  readonly details: unknown;
  /** For bulk confirmations, summaries and the log: names it without secrets ("web — Dial, alice, created …"). */
  readonly revokeLabel?: string;
  /** How a single confirmation names it: `the Dial session of service "web" for identity "alice"`. */
  readonly what?: string;
  /** What it is called in confirmations and summaries: 'session' (default), 'API session'. */
  readonly noun?: string;
}

/** What a list is asked for, besides the page. */
export interface ListQuery {
  /** What the person typed into "Filter…" for this connection (the source translates it), or undefined. */
  filter?: string;
  /** The chosen order (one of the source's `orders`), or undefined for the source's default. */
  order?: string;
}

/** One choice of the Sort command. The first is the default (newest first where the API can sort). */
export interface OrderOption {
  id: string;
  label: string;
}

/** One choice of the Group By command. */
export interface GroupingOption {
  id: string;
  label: string;
  /** A ThemeIcon id for its group rows. */
  icon: string;
}

export type RevokeOutcome =
  | { outcome: 'revoked' }
  /** 404: someone else ended it, or it expired. Not an error. */
  | { outcome: 'already-ended' }
  /** The server's reason, worded by the HTTP core (e.g. a 403 naming the permission the caller lacks). */
  | { outcome: 'failed'; error: string };

/** What a revoke confirmation adds for these entries (OpenZiti: how many sessions each API session takes with it). */
export interface RevokeImpact {
  /** Sessions ended with them (below them), when that is known. */
  sessionsBelow?: number;
  /** The same, per entry (in the order asked), for the confirmation's list. */
  perEntry?: number[];
  /** Warnings shown in the modal ("This includes the API session Session Manager itself uses…"). */
  warnings: string[];
  /** Revoking them ends Session Manager's own session on this connection: the view forgets its client after. */
  endsOwnSession: boolean;
  /** Replaces the source's `revokeNote` for these entries (OpenZiti API sessions: "The identity can sign in again…"). */
  note?: string;
}

/** The source's answer to "what reaches this entry?" for Find. */
export interface FoundEntry {
  entry: SessionEntry;
  /** The entries above it, from the connection down (the view expands them to reveal it). */
  path: SessionEntry[];
}

export interface SessionSourceCapabilities {
  /** Whether Filter is offered; the prompt and an example for its input box. */
  filter?: { prompt: string; placeholder: string };
  /** Orders offered for sessions (the first is the default). */
  orders?: readonly OrderOption[];
  /** Groupings offered for groupable levels. */
  groupings?: readonly GroupingOption[];
  /** Whether Find Session by ID can look an id up on this backend. */
  find?: boolean;
}

/** What a source needs from the view: the signed-in client (one shared sign-in), the connection, a log. */
export interface SessionSourceContext {
  readonly record: ConnectionRecord;
  client(signal?: AbortSignal): Promise<BackendClient>;
  log: LogFn;
  now(): number;
  /** A `sessionManager.<key>` setting as the person set it (e.g. 'pingone.staleAfterHours'), read when needed. */
  setting?(key: string): unknown;
}

/** One backend's sessions below one connection. */
export interface SessionSource {
  /** "OpenZiti", "PingOne": named in confirmations and summaries. */
  readonly backendLabel: string;
  /** What a connection of this backend is called in confirmations: "controller", "environment", "cluster". */
  readonly connectionNoun: string;
  readonly capabilities: SessionSourceCapabilities;

  /** The paging of a level's children: by cursor (the first page is asked with cursor '') or by offset. */
  paging(parent: SessionEntry | undefined): { cursor: boolean; maxPageSize: number };
  /** One page of the children of `parent` (undefined: the rows right below the connection). */
  list(parent: SessionEntry | undefined, page: PageRequest, query: ListQuery, signal?: AbortSignal): Promise<FetchedPage<SessionEntry>>;

  /** A message when the filter text cannot be sent (shown as the input box's validation), else undefined. */
  validateFilter?(text: string): string | undefined;
  /** The group an entry falls in, as [key, label], for a grouping of its level. */
  groupOf?(entry: SessionEntry, grouping: string): { key: string; label: string };

  /** Ends these entries (each one's own revoke), with one outcome per entry in the same order. */
  revoke(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeOutcome[]>;
  /** What the confirmation should add for these entries; optional. */
  revokeImpact?(entries: readonly SessionEntry[], signal?: AbortSignal): Promise<RevokeImpact>;
  /** A note under every revoke confirmation of this backend (what a revoke does and does not stop). */
  readonly revokeNote?: string;

  /**
   * The ids of entries whose revoke would end Session Manager's own session (an OpenZiti API session), so a picker
   * never pre-selects them; undefined when that cannot be told (then every candidate is treated as possibly own).
   */
  ownEntryIds?(signal?: AbortSignal): Promise<string[] | undefined>;

  /** The number of active sessions on the connection for the badge and the connection row, when cheap to know. */
  countSessions?(signal?: AbortSignal): Promise<number | undefined>;
  /** Looks a session up by id (Find Session by ID). */
  find?(id: string, signal?: AbortSignal): Promise<FoundEntry | undefined>;
  /**
   * The whole story of an entry for Show Details and Copy as JSON when its `details` is not all of it (Aptible: the
   * session, its operation and its containers), read on demand; redacted by the view like `details`.
   */
  sessionDetails?(entry: SessionEntry, signal?: AbortSignal): Promise<unknown>;
  /**
   * The session path of a session, by id, for the shared path panel (src/webviews/path): the chain it goes through,
   * with the panel's words in `texts`; `ended` when it is gone. Entries that have one carry `hasPath`.
   */
  sessionPath?(sessionId: string, signal?: AbortSignal): Promise<PathView>;
  /** Re-reads one entry (a details document refresh); undefined when it is gone. */
  refreshEntry?(entry: SessionEntry, signal?: AbortSignal): Promise<SessionEntry | undefined>;

  /** Drops caches (identity names…) when the connection is removed or edited. */
  dispose?(): void;
}

/** Builds a connection's source. `undefined` from a backend module: the backend has no sessions view yet. */
export type SessionSourceFactory = (ctx: SessionSourceContext) => SessionSource;

/** A backend module with, once it has one, its sessions for the one Sessions view. */
export interface SessionBackendModule extends BackendModule {
  sessionSource?: SessionSourceFactory;
}

/** Sessions that ended through Session Manager, so every view and panel that shows them can update. */
export interface SessionsEnded {
  connectionId: string;
  sessionIds: string[];
}

/** The count of each outcome, as one sentence: "Revoked 3 sessions (1 already ended); 1 failed." */
export function summarizeOutcomes(outcomes: readonly RevokeOutcome[], noun = 'session', verb = 'Revoked'): string {
  const revoked = outcomes.filter((r) => r.outcome === 'revoked').length;
  const gone = outcomes.filter((r) => r.outcome === 'already-ended').length;
  const failed = outcomes.filter((r) => r.outcome === 'failed').length;
  const plural = (n: number): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const parts = [`${verb} ${plural(revoked + gone)}`];
  if (gone > 0) {
    parts[0] += ` (${gone} already ended)`;
  }
  if (failed > 0) {
    parts.push(`${failed} failed`);
  }
  return `${parts.join('; ')}.`;
}

/** Connections whose production confirmation names them: one typed name per production connection involved. */
export function productionLabels(records: readonly { label: string; production?: boolean }[]): string[] {
  return [...new Set(records.filter((r) => r.production).map((r) => r.label))];
}

/**
 * What an entry is called in words when it names no `noun`: its type without the backend's prefix, in lower case
 * ('aptibleSession' → 'session', 'zitiApiSession' → 'api session', 'pingoneUser' → 'user').
 */
export function entryNoun(entry: Pick<SessionEntry, 'noun' | 'type'>): string {
  if (entry.noun) {
    return entry.noun;
  }
  const words = entry.type.replace(/^(ziti|pingone|aptible|cohesity)(?=[A-Z])/, '').split(/(?=[A-Z])/);
  return words.map((w) => w.toLowerCase()).join(' ') || entry.type;
}
