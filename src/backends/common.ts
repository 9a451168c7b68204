// Helpers shared by the backends' API clients. Pure: no `vscode` import.
import { ApiError, type HttpClientOptions } from '../http';
import type { ConnectionRecord } from '../model/connection';
import type { ClientDeps, Prompter } from './types';

/**
 * An ApiError for `record`'s connection, carrying the status, vendor code and request id of `from` (the error it
 * replaces, if any), with `secrets` scrubbed from the message.
 */
export function clientError(
  record: ConnectionRecord,
  operation: string,
  kind: ApiError['kind'],
  summary: string,
  secrets: readonly string[],
  from?: ApiError,
): ApiError {
  return new ApiError({
    kind,
    connectionLabel: record.label,
    operation,
    summary,
    status: from?.status,
    vendorCode: from?.vendorCode,
    requestId: from?.requestId,
    secrets,
  });
}

/** The HttpClient options every client of `record` shares (add `baseURL` and `auth`); `extra` is spread last. */
export function httpOptionsFor(
  record: ConnectionRecord,
  deps: Pick<ClientDeps, 'log' | 'proxy'>,
  extra?: Partial<Omit<HttpClientOptions, 'baseURL'>>,
): Omit<HttpClientOptions, 'baseURL'> {
  return {
    connectionId: record.id,
    connectionLabel: record.label,
    ca: record.tls?.trustedCertificates,
    log: deps.log,
    proxy: deps.proxy,
    ...extra,
  };
}

/**
 * The password to sign in with: `known` (the stored one, or one asked for earlier) when there is one; otherwise
 * asks the person, hands the answer to `remember` (memory only, never saved here) and returns it. Throws
 * `cancelled()` when the person cancels.
 */
export async function knownOrAskedPassword(
  known: string | undefined,
  prompter: Prompter,
  request: { title: string; prompt: string },
  remember: (password: string) => void,
  cancelled: () => ApiError,
): Promise<string> {
  if (known) {
    return known;
  }
  const password = await prompter.askPassword(request);
  if (password === undefined) {
    throw cancelled();
  }
  remember(password);
  return password;
}
