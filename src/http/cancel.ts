// Cancellation glue. No `vscode` import: VS Code's CancellationToken fits the structural type below.

/** Structurally a vscode.CancellationToken. */
export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/**
 * An AbortSignal that aborts when the token is cancelled. The listener is released once it fires; a token that is
 * never cancelled keeps it until the token's source is disposed (VS Code disposes its sources).
 */
export function toAbortSignal(token: CancellationTokenLike | undefined): AbortSignal | undefined {
  if (!token) {
    return undefined;
  }
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return controller.signal;
  }
  let sub: { dispose(): void } | undefined = undefined;
  let fired = false;
  sub = token.onCancellationRequested(() => {
    fired = true;
    controller.abort();
    sub?.dispose();
  });
  if (fired) {
    sub.dispose();
  }
  return controller.signal;
}

/** Waits `ms`, rejecting with an AbortError-like error as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent, a signal aborts at most once, so `once` only tidies up
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  return Object.assign(new Error('The operation was cancelled'), { name: 'AbortError', code: 'ERR_CANCELED' });
}
