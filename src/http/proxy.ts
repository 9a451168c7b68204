// Proxy support for the HTTP core: a tiny CONNECT tunnel (no dependency) for https targets, and no_proxy matching.
// VS Code's `http.proxy` setting is handed in by the caller; nothing here reads the environment.
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import type * as stream from 'stream';
import * as tls from 'tls';

export interface ProxySettings {
  /** `http://[user:pass@]host:port` (or `https://…` for a TLS proxy). */
  url: string;
  /**
   * VS Code's `http.proxyStrictSSL`. Session Manager never switches TLS verification off, so `false` is not honoured:
   * the target (and an https proxy) are always verified. A TLS-intercepting proxy's CA is trusted per connection
   * through the normal "Trust Certificate…" flow instead.
   */
  strictSSL: boolean;
  /** VS Code's `http.noProxy`: hosts (`example.com`, `.example.com`, `*.example.com`, `10.0.0.1`, `host:port`, `*`). */
  noProxy?: readonly string[];
}

/** Whether `target` bypasses the proxy according to `noProxy` entries. */
export function bypassesProxy(target: URL, noProxy: readonly string[] | undefined): boolean {
  if (!noProxy || noProxy.length === 0) {
    return false;
  }
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy) {
    let entry = raw.trim().toLowerCase();
    if (!entry) {
      continue;
    }
    if (entry === '*') {
      return true;
    }
    let entryPort: string | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1];
      entryPort = m[2];
    }
    if (entryPort && entryPort !== port) {
      continue;
    }
    entry = entry.replace(/^\*/, '');
    if (entry.startsWith('.') ? host.endsWith(entry) || host === entry.slice(1) : host === entry) {
      return true;
    }
  }
  return false;
}

/** The Proxy-Authorization value for credentials in the proxy URL, if any. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) {
    return undefined;
  }
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/**
 * Opens a raw TCP tunnel to `host:port` through an HTTP(S) proxy with `CONNECT`.
 * Resolves with the tunnelled socket; the caller starts TLS on it.
 */
export function openTunnel(proxyUrl: string, host: string, port: number, timeoutMs = 30_000): Promise<net.Socket> {
  const proxy = new URL(proxyUrl);
  const target = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  const headers: Record<string, string> = { host: target };
  const auth = proxyAuthorization(proxy);
  if (auth) {
    headers['proxy-authorization'] = auth;
  }
  const options: https.RequestOptions = {
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: target,
    headers,
    agent: false,
    timeout: timeoutMs,
  };
  return new Promise((resolve, reject) => {
    const req = proxy.protocol === 'https:' ? https.request(options) : http.request(options);
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxy.host} refused the tunnel to ${target}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()), { code: 'EPROXY' }));
        return;
      }
      if (head && head.length > 0) {
        socket.unshift(head);
      }
      resolve(socket);
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error(`the proxy ${proxy.host} did not answer`), { code: 'ETIMEDOUT' })));
    req.once('error', reject);
    req.end();
  });
}

/**
 * An https.Agent that reaches every origin through an HTTP(S) proxy with `CONNECT`, then does normal, fully verified
 * TLS to the target over the tunnel (with this agent's `ca`, client certificate and SNI).
 */
export class TunnelingAgent extends https.Agent {
  constructor(
    private readonly proxyUrl: string,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: stream.Duplex) => void,
  ): stream.Duplex | null | undefined {
    const tlsOptions = options as tls.ConnectionOptions & { host?: string; port?: number };
    const host = tlsOptions.host ?? 'localhost';
    const port = Number(tlsOptions.port) || 443;
    openTunnel(this.proxyUrl, host, port).then(
      (socket) => {
        // The request's own `path` must not reach tls.connect (it would mean a local IPC socket).
        const rest: tls.ConnectionOptions & { path?: string } = { ...tlsOptions };
        delete rest.path;
        const secure = tls.connect({ ...rest, socket });
        callback?.(null, secure);
      },
      (err: Error) => callback?.(err, undefined as unknown as stream.Duplex),
    );
    return undefined;
  }
}
