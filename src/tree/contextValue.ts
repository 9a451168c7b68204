// The one place that builds TreeItem.contextValue strings: a type token plus capability flags,
// e.g. `connection;canSignIn;hasDetails`. package.json menus match them with `viewItem =~ /;canSignIn(;|$)/`.
// Pure: no `vscode` import, so a unit test checks every value the code can emit against package.json's menus.

import type { SessionEntry } from '../backends/sessionSource';

export type Capability =
  | 'canRetry'
  | 'canSignIn'
  | 'canSignOut'
  | 'canEdit'
  | 'canRemove'
  | 'canTest'
  | 'canRefresh'
  | 'canTrust'
  | 'hasDetails'
  | 'canLoadAll'
  | 'hasRoute'
  | 'canRevoke'
  | 'canCreate'
  | 'canDelete'
  | 'hasJwt'
  | 'canEndLogin'
  | 'canRevokeAll'
  | 'canRevokeMatching'
  | 'canFilter'
  | 'hasTrail'
  | 'hasPath'
  | 'canCancelOperation'
  | 'canRevokeCluster';

/** Each node type and the capability flags it may carry. A flag not listed here is a programming error. */
export const CONTEXT_VALUE_SPECS = {
  message: [],
  loading: [],
  backend: [],
  error: ['canRetry'],
  loadMore: ['canLoadAll'],
  connection: ['canSignIn', 'canSignOut', 'canEdit', 'canRemove', 'canTest', 'canRefresh', 'hasDetails', 'canTrust', 'canRetry'],
  environment: ['hasDetails'],
  sessionConnection: ['canFilter'],
  sessionGroup: ['canRevokeAll'],
  zitiSessionGroup: ['canRevokeMatching'],
  zitiApiSessionGroup: ['canRevokeMatching'],
  zitiSession: ['canRevoke', 'hasDetails', 'hasRoute'],
  zitiApiSession: ['canEndLogin', 'hasDetails'],
  pingoneEnvironment: ['hasDetails'],
  pingoneUser: ['canRevokeAll', 'hasDetails'],
  pingoneSession: ['canRevoke', 'hasDetails', 'hasTrail'],
  aptibleAccount: ['hasDetails'],
  aptibleApp: ['hasDetails'],
  aptibleOperations: [],
  aptibleOperation: ['hasDetails', 'canCancelOperation'],
  aptibleSession: ['hasDetails', 'canCancelOperation', 'hasPath'],
  cohesityCluster: ['canRevokeCluster', 'hasDetails'],
  cohesityPrincipal: ['canRevoke', 'hasDetails'],
  zitiEnrollmentRoot: ['canCreate', 'canRefresh'],
  zitiEnrollmentGroup: [],
  zitiEnrollment: ['canRefresh', 'canDelete', 'hasJwt', 'hasDetails'],
} as const satisfies Record<string, readonly Capability[]>;

export type NodeType = keyof typeof CONTEXT_VALUE_SPECS;

export function buildContextValue(type: NodeType, flags: Iterable<Capability | false | undefined> = []): string {
  const allowed: readonly Capability[] = CONTEXT_VALUE_SPECS[type];
  const kept = [...new Set([...flags].filter((f): f is Capability => Boolean(f)))].sort();
  for (const f of kept) {
    if (!allowed.includes(f)) {
      throw new Error(`contextValue: ${type} cannot carry ${f}`);
    }
  }
  return [type, ...kept].join(';');
}

export function parseContextValue(value: string): { type: string; flags: string[] } {
  const [type, ...flags] = value.split(';');
  return { type, flags };
}

/** Every value buildContextValue can produce for a type: the type with each subset of its flags. */
export function possibleContextValues(type: NodeType): string[] {
  const flags: readonly Capability[] = CONTEXT_VALUE_SPECS[type];
  const out: string[] = [];
  for (let mask = 0; mask < 1 << flags.length; mask++) {
    out.push(buildContextValue(type, flags.filter((_, i) => mask & (1 << i))));
  }
  return out;
}

/**
 * The contextValue of a Sessions view row from its session-source entry: the entry's type and capability flags. A row
 * being revoked offers no revoke; a list of sessions offers Revoke All Matching while a filter it was read with holds.
 */
export function entryContextValue(
  entry: Pick<SessionEntry, 'type' | 'countsSessions' | 'flags'>,
  state: { revoking: boolean; filtered: boolean },
): string {
  const f = entry.flags;
  if (!(entry.type in CONTEXT_VALUE_SPECS)) {
    throw new Error(`contextValue: unknown row type ${entry.type}`);
  }
  return buildContextValue(entry.type as NodeType, [
    !state.revoking && f.canRevoke && 'canRevoke',
    !state.revoking && f.canEndLogin && 'canEndLogin',
    !state.revoking && f.canRevokeAll && 'canRevokeAll',
    f.hasDetails && 'hasDetails',
    f.hasRoute && 'hasRoute',
    f.hasTrail && 'hasTrail',
    f.hasPath && 'hasPath',
    f.canCancelOperation && 'canCancelOperation',
    !state.revoking && f.canRevokeCluster && 'canRevokeCluster',
    entry.countsSessions && state.filtered && 'canRevokeMatching',
  ]);
}
