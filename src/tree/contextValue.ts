// The one place that builds TreeItem.contextValue strings: a type token plus capability flags,
// e.g. `session;canRevoke;hasRoute`. package.json menus match them with `viewItem =~ /;canRevoke(;|$)/`.
// Pure: no `vscode` import, so a unit test can check every emitted value against package.json.

export type NodeType = 'message' | 'error' | 'loading' | 'loadMore' | 'backend' | 'connection' | 'environment';

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
  | 'canLoadAll';

export function buildContextValue(type: NodeType, flags: Iterable<Capability | false | undefined> = []): string {
  const kept = [...new Set([...flags].filter((f): f is Capability => Boolean(f)))].sort();
  return [type, ...kept].join(';');
}

export function parseContextValue(value: string): { type: string; flags: string[] } {
  const [type, ...flags] = value.split(';');
  return { type, flags };
}
