// Whether a connection's addresses answer at all, before any credential is sent. Pure: no `vscode` import.
import { ApiError, HttpClient, type HttpClientOptions } from '../http';
import { ConnectionRecord, endpointUrls } from '../model/connection';

/**
 * Sends one GET without credentials to each address of `record`, trusting what the record trusts. Any HTTP answer
 * (404 and 401 included) proves the server is there; throws the ApiError (network, timeout, untrusted-certificate,
 * cancelled) of the first address that does not answer.
 */
export async function checkReachable(record: ConnectionRecord, opts: { proxy?: HttpClientOptions['proxy']; timeoutMs?: number; signal?: AbortSignal; log?: HttpClientOptions['log'] } = {}): Promise<void> {
  for (const url of [...new Set(endpointUrls(record))]) {
    const http = new HttpClient({
      connectionId: record.id || 'new',
      connectionLabel: record.label,
      baseURL: url,
      ca: record.tls?.trustedCertificates,
      proxy: opts.proxy,
      log: opts.log,
      timeoutMs: opts.timeoutMs ?? 15_000,
      retry: { retries: 0 },
      maxResponseBytes: 64 * 1024,
    });
    try {
      await http.get<unknown>('', 'check the address', { signal: opts.signal });
    } catch (e) {
      if (!(e instanceof ApiError) || ['network', 'timeout', 'untrusted-certificate', 'cancelled'].includes(e.kind)) {
        throw e;
      }
      // The server answered: reachable.
    } finally {
      http.dispose();
    }
  }
}
