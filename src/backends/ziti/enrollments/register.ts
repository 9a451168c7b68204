import type { ExtensionDeps } from '../../../deps';

/** Registers the OpenZiti enrollment commands and the QR code panel. */
export function registerZitiEnrollments(_deps: ExtensionDeps): void {
  // Filled in by the OpenZiti enrollments work.
}
