import type { ExtensionDeps } from '../../../deps';

/** Registers the OpenZiti session commands, the route-path panel and the Sessions view behaviour. */
export function registerZitiSessions(_deps: ExtensionDeps): void {
  // Filled in by the OpenZiti sessions work.
}
