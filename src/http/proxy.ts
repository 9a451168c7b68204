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
  // Stryker disable next-line Regex: equivalent, a URL's hostname holds brackets only around an IPv6 address, so either anchor alone strips the same
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
 *
 * The CONNECT is written on a plain socket, not with http.request: in VS Code's extension host, the proxy support
 * (`http.proxySupport`) patches http.request and, for a proxy that is not on localhost, would send this request to
 * the proxy *through* the proxy as an absolute-URL request, which no proxy accepts.
 */
export function openTunnel(proxyUrl: string, host: string, port: number, timeoutMs = 30_000): Promise<net.Socket> {
  const proxy = new URL(proxyUrl);
  const target = `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  const lines = [`CONNECT ${target} HTTP/1.1`, `Host: ${target}`];
  const auth = proxyAuthorization(proxy);
  if (auth) {
    lines.push(`Proxy-Authorization: ${auth}`);
  }
  // Stryker disable next-line Regex: equivalent, a URL's hostname holds brackets only around an IPv6 address, so either anchor alone strips the same
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve, reject) => {
    const secure = proxy.protocol === 'https:';
    const socket: net.Socket = secure
      ? tls.connect({ host: proxyHost, port: proxyPort, servername: net.isIP(proxyHost) ? undefined : proxyHost })
      : net.connect(proxyPort, proxyHost);
    let received = Buffer.alloc(0);
    const settle = (): void => {
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('close', onClose);
      socket.off('timeout', onTimeout);
      socket.setTimeout(0);
    };
    const fail = (err: Error): void => {
      settle();
      socket.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > 64 * 1024) {
          fail(Object.assign(new Error(`the proxy ${proxy.host} sent an oversized answer to CONNECT`), { code: 'EPROXY' }));
        }
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(received.subarray(0, end).toString('latin1'));
      if (!status || status[1] !== '200') {
        const answer = status ? `${status[1]} ${status[2]}`.trim() : 'an answer that is not HTTP';
        fail(Object.assign(new Error(`the proxy ${proxy.host} refused the tunnel to ${target}: ${answer}`), { code: 'EPROXY' }));
        return;
      }
      settle();
      // Paused, so that what came behind the 200 stays buffered for the caller (tls.connect reads a socket's buffer
      // first): the socket flowed while onData listened, and would emit it to no one now.
      socket.pause();
      const rest = received.subarray(end + 4);
      if (rest.length > 0) {
        socket.unshift(rest);
      }
      resolve(socket);
    };
    const onClose = (): void => fail(Object.assign(new Error(`the proxy ${proxy.host} closed the connection`), { code: 'ECONNRESET' }));
    const onTimeout = (): void => fail(Object.assign(new Error(`the proxy ${proxy.host} did not answer`), { code: 'ETIMEDOUT' }));
    socket.setTimeout(timeoutMs);
    socket.on('timeout', onTimeout);
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on('close', onClose);
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
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
