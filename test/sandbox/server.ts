// The sandbox server: one HTTP(S) server per emulated backend, on its own port, plus fault injection.
// Test infrastructure only (plain Node 20); never bundled into the extension.
//
//   const sb = await start({ backends: ['ziti'], seed: 7 });
//   sb.urls.ziti            // https://127.0.0.1:PORT  (what a user enters in Add Connection)
//   sb.ca.pem               // trust this for 'sandbox-ca' backends
//   sb.faults.set('ziti', { mode: 'rate-limit', count: 2, retryAfterSeconds: 3 });
//   await sb.stop();
//
// Admin endpoints on every backend's server (outside vendor paths; never faulted):
//   GET|POST|DELETE /__sandbox/faults   (POST body = FaultSpec JSON, replaces the current one)
//   POST /__sandbox/reset               (state back to the seed, faults cleared)
//   POST /__sandbox/expire-tokens       (every issued token expires now)
//   GET  /__sandbox/info                (URLs, credentials, CA fingerprint of this backend)
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo, Socket } from 'net';
import type { TLSSocket } from 'tls';
import { X509Certificate } from 'crypto';
import { createPki, LeafCert, SandboxPki } from './tls';
import { Backend, BackendContext, BackendName, DEFAULT_SIZES, FaultSpec, SandboxRequest, SandboxResponse, Sizes } from './types';

export const ALL_BACKENDS: readonly BackendName[] = ['ziti', 'pingone', 'aptible', 'cohesity'];

export interface StartOptions {
  /** Seed for all generated data (default 1). Same seed → same data. */
  seed?: number;
  sizes?: Partial<Sizes>;
  /** 0 (default) = a free port per backend; N = ziti on N, pingone on N+1, aptible on N+2, cohesity on N+3. */
  port?: number;
  /**
   * Loopback address to listen on (default 127.0.0.1). 127.0.0.2 is still this machine, but VS Code's proxy support
   * does not treat it as localhost (it replaces an extension's https agent for it), which the proxy tests need.
   */
  host?: '127.0.0.1' | '127.0.0.2';
  faults?: Partial<Record<BackendName, FaultSpec>>;
  /** Which backends to start (default all four). */
  backends?: BackendName[];
  /** OpenZiti API-session inactivity timeout in seconds (default 1800). */
  zitiInactivitySeconds?: number;
  /** Extra backend options, merged into `BackendContext.options`. */
  options?: Record<string, unknown>;
  /** Log one line per request to stderr (default false). */
  log?: boolean;
}

export interface BackendDetails {
  name: BackendName;
  /** What a user enters in Add Connection. */
  url: string;
  /** Server origin, e.g. https://127.0.0.1:4480. */
  origin: string;
  port: number;
  tls: Backend['tls'];
  /** Other useful URLs (token endpoint, auth host, EST cacerts, ...). */
  urls: Record<string, string>;
  credentials: Record<string, string>;
  notes: string[];
  /** SHA-256 fingerprint of the certificate to trust: the sandbox CA ('sandbox-ca') or the self-signed leaf ('self-signed'). */
  certSha256Fingerprint?: string;
  /** PEM to trust for this backend (CA or self-signed leaf). */
  trustPem?: string;
}

export interface FaultControl {
  set(backend: BackendName, fault: FaultSpec): void;
  clear(backend?: BackendName): void;
  get(backend: BackendName): FaultSpec | undefined;
  /** How many requests the current fault of `backend` matched (its path regex), since it was set. */
  hits(backend: BackendName): number;
}

export interface Sandbox {
  seed: number;
  sizes: Sizes;
  /** Base URLs to enter in Add Connection, for the started backends only. */
  urls: Record<BackendName, string>;
  details: Record<BackendName, BackendDetails>;
  ca: { pem: string; sha256Fingerprint: string; pkcs7Base64: string };
  /** The Backend objects (in-memory state in `.state`), for the started backends only. */
  state: Record<BackendName, Backend>;
  faults: FaultControl;
  /** Moves the sandbox clock (`BackendContext.now()`) forward, e.g. to make API sessions time out. */
  advanceTime(ms: number): void;
  now(): number;
  /** Issues a client certificate signed by the sandbox CA (OpenZiti `method=cert`; CN = identity name). */
  issueClientCert(commonName: string): { certPem: string; keyPem: string; sha256Fingerprint: string };
  /** Every backend back to its seeded state; faults cleared. */
  reset(): void;
  /** How many client TCP connections the backend's server holds open right now (keep-alive sockets included). */
  openConnections(backend: BackendName): number;
  stop(): Promise<void>;
}

interface FaultState {
  spec: FaultSpec;
  hits: number;
  remaining: number | undefined;
  regex: RegExp | undefined;
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/**
 * Every fault mode `POST /__sandbox/faults` accepts, with what a client gets. The README's fault table and
 * `npm run sandbox -- --help` are made from (and checked against) this list; `off` clears the fault.
 */
export const FAULT_MODES: Readonly<Record<NonNullable<FaultSpec['mode']>, string>> = {
  'rate-limit': '429 with Retry-After (retryAfterSeconds, default 1) and the vendor\'s error body',
  'server-error': "500 with the vendor's error body",
  unavailable: "503 with the vendor's error body",
  reset: 'part of the answer, then the connection is dropped',
  'slow-body': 'the real answer, trickled (slowBodyChunkBytes every slowBodyIntervalMs)',
  'malformed-json': '200 with a truncated JSON body',
  'html-502': "502 with a reverse proxy's HTML error page",
  'ignore-offset': 'lists answered as if no offset had been sent (always the first page)',
  'foreign-next-link': "the answer's next link points to another origin",
  off: 'clears the fault (as DELETE /__sandbox/faults does)',
};

function loadBackendModule(name: BackendName): { create(ctx: BackendContext): Backend } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`./${name}`);
  } catch (e) {
    throw new Error(`sandbox: cannot load backend '${name}' (./${name}): ${(e as Error).message}`, { cause: e });
  }
}

function validateFault(spec: unknown): FaultSpec {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error('fault must be a JSON object');
  }
  const f = spec as FaultSpec;
  if (f.mode !== undefined && !Object.hasOwn(FAULT_MODES, f.mode)) {
    throw new Error(`unknown fault mode '${String(f.mode)}' (one of ${Object.keys(FAULT_MODES).join(', ')})`);
  }
  for (const k of ['latencyMs', 'count', 'retryAfterSeconds', 'slowBodyChunkBytes', 'slowBodyIntervalMs', 'totalCountBonus'] as const) {
    if (f[k] !== undefined && (typeof f[k] !== 'number' || !(f[k]! >= 0))) {
      throw new Error(`${k} must be a non-negative number`);
    }
  }
  if (f.pathRegex !== undefined) {
    new RegExp(f.pathRegex);
  }
  return f;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function serialize(resp: SandboxResponse): { status: number; headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(resp.headers ?? {})) {
    headers[k.toLowerCase()] = v;
  }
  let body: Buffer;
  if (resp.body === undefined || resp.body === null) {
    body = Buffer.alloc(0);
  } else if (Buffer.isBuffer(resp.body)) {
    body = resp.body;
  } else if (typeof resp.body === 'string') {
    body = Buffer.from(resp.body, 'utf8');
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = Buffer.from(JSON.stringify(resp.body), 'utf8');
    headers['content-type'] ??= 'application/json';
  }
  return { status: resp.status, headers, body };
}

/** Starts the sandbox. */
export async function start(opts: StartOptions = {}): Promise<Sandbox> {
  const seed = opts.seed ?? 1;
  const sizes: Sizes = { ...DEFAULT_SIZES, ...(opts.sizes ?? {}) };
  const host = opts.host ?? '127.0.0.1';
  const names = opts.backends ?? [...ALL_BACKENDS];
  const modules = names.map((name) => ({ name, mod: loadBackendModule(name) }));
  const pki: SandboxPki = await createPki();
  let clockOffset = 0;
  const now = (): number => Date.now() + clockOffset;
  const options: Record<string, unknown> = { ...(opts.options ?? {}) };
  if (opts.zitiInactivitySeconds !== undefined) {
    options.zitiInactivitySeconds = opts.zitiInactivitySeconds;
  }
  const ctx: BackendContext = { seed, sizes, now, ca: pki, options };

  const backends = {} as Record<BackendName, Backend>;
  for (const { name, mod } of modules) {
    backends[name] = mod.create(ctx);
  }
  const faults = new Map<BackendName, FaultState>();
  const servers: Array<http.Server | https.Server> = [];
  const urls = {} as Record<BackendName, string>;
  const sockets = new Map<BackendName, Set<Socket>>();
  const details = {} as Record<BackendName, BackendDetails>;
  let serverCert: LeafCert | undefined;

  const setFault = (name: BackendName, spec: FaultSpec): void => {
    const f = validateFault(spec);
    if (f.mode === 'off') {
      faults.delete(name);
      return;
    }
    faults.set(name, { spec: f, hits: 0, remaining: f.count, regex: f.pathRegex ? new RegExp(f.pathRegex) : undefined });
    if (f.expireTokens) {
      backends[name]?.expireAllTokens();
    }
  };
  const clearFault = (name?: BackendName): void => {
    if (name) {
      faults.delete(name);
    } else {
      faults.clear();
    }
  };

  const genericError = (backend: Backend, status: number, code: string, message: string): unknown =>
    backend.errorBody ? backend.errorBody(status, code, message) : { error: { status, code, message } };

  const handleAdmin = (name: BackendName, backend: Backend, method: string, path: string, body: Buffer): SandboxResponse => {
    const sub = path.slice('/__sandbox/'.length);
    try {
      if (sub === 'faults') {
        if (method === 'GET') {
          const f = faults.get(name);
          return { status: 200, body: { backend: name, fault: f ? f.spec : null, remaining: f ? (f.remaining ?? null) : null, hits: f ? f.hits : 0 } };
        }
        if (method === 'POST' || method === 'PUT') {
          setFault(name, JSON.parse(body.toString('utf8') || '{}'));
          return { status: 200, body: { backend: name, fault: faults.get(name)?.spec ?? null } };
        }
        if (method === 'DELETE') {
          clearFault(name);
          return { status: 200, body: { backend: name, fault: null } };
        }
      } else if (sub === 'reset' && method === 'POST') {
        backend.reset();
        clearFault(name);
        return { status: 200, body: { backend: name, reset: true } };
      } else if (sub === 'expire-tokens' && method === 'POST') {
        backend.expireAllTokens();
        return { status: 200, body: { backend: name, expired: true } };
      } else if (sub === 'info' && method === 'GET') {
        return { status: 200, body: details[name] };
      }
      return { status: 404, body: { error: `no admin endpoint ${method} ${path}` } };
    } catch (e) {
      return { status: 400, body: { error: (e as Error).message } };
    }
  };

  const makeHandler = (name: BackendName, backend: Backend, scheme: 'http' | 'https') =>
    async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
      const chunks: Buffer[] = [];
      for await (const c of req) {
        chunks.push(c as Buffer);
      }
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      const method = (req.method ?? 'GET').toUpperCase();
      const path = url.pathname;
      const send = (status: number, headers: Record<string, string>, payload: Buffer): void => {
        if (!res.headersSent) {
          res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
        }
        res.end(payload);
      };
      if (opts.log) {
        process.stderr.write(`[sandbox ${name}] ${method} ${req.url}\n`);
      }
      if (path.startsWith('/__sandbox/')) {
        const r = serialize(handleAdmin(name, backend, method, path, body));
        send(r.status, r.headers, r.body);
        return;
      }
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      const sreq: SandboxRequest = {
        method,
        path,
        query: url.searchParams,
        headers,
        body,
        baseUrl: `${scheme}://${req.headers.host ?? `${host}:${(req.socket.localPort ?? 0)}`}`,
        remoteAddress: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
      };
      if (scheme === 'https') {
        const sock = req.socket as TLSSocket;
        const peer = sock.getPeerCertificate?.(false);
        if (peer && peer.raw) {
          const pem = `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
          const x = new X509Certificate(pem);
          sreq.clientCert = { pem, subjectCN: peer.subject?.CN ? String(peer.subject.CN) : '', sha256Fingerprint: x.fingerprint256, authorized: sock.authorized === true };
        }
      }

      // The vendor-spec check of what the client sent (backends that have one), before a fault or the backend answers.
      backend.checkRequest?.(sreq);

      // Faults.
      const fs = faults.get(name);
      const applies = fs && (!fs.regex || fs.regex.test(path));
      let mode: FaultSpec['mode'];
      if (fs && applies) {
        fs.hits++;
        if (fs.spec.latencyMs) {
          await delay(fs.spec.latencyMs);
        }
        if (fs.spec.mode && (fs.remaining === undefined || fs.remaining > 0)) {
          mode = fs.spec.mode;
          if (fs.remaining !== undefined) {
            fs.remaining--;
          }
        }
      }
      if (mode === 'rate-limit') {
        const retry = String(fs!.spec.retryAfterSeconds ?? 1);
        const r = serialize({ status: 429, headers: { 'retry-after': retry }, body: genericError(backend, 429, 'RATE_LIMITED', 'The resource is rate limited and the rate limit has been exceeded. Please try again later') });
        send(r.status, r.headers, r.body);
        return;
      }
      if (mode === 'server-error' || mode === 'unavailable') {
        const status = mode === 'server-error' ? 500 : 503;
        const r = serialize({
          status,
          body: genericError(
            backend,
            status,
            status === 500 ? 'UNHANDLED' : 'SERVICE_UNAVAILABLE',
            status === 500 ? 'An unhandled error occurred' : 'The request could not be completed due to the server being busy or in a temporarily bad state',
          ),
        });
        send(r.status, r.headers, r.body);
        return;
      }
      if (mode === 'html-502') {
        send(502, { 'content-type': 'text/html' }, Buffer.from(HTML_502));
        return;
      }

      if (mode === 'ignore-offset') {
        const query = new URLSearchParams(sreq.query);
        query.delete('offset');
        sreq.query = query;
      }
      let resp: SandboxResponse;
      try {
        resp = await backend.handle(sreq);
      } catch (e) {
        resp = { status: 500, body: genericError(backend, 500, 'UNHANDLED', (e as Error).message) };
      }
      const pagination = (resp.body as { meta?: { pagination?: { totalCount?: unknown } } } | undefined)?.meta?.pagination;
      if (applies && fs?.spec.totalCountBonus && pagination && typeof pagination.totalCount === 'number') {
        pagination.totalCount += fs.spec.totalCountBonus;
      }
      if (mode === 'foreign-next-link' && resp.body && typeof resp.body === 'object' && !Buffer.isBuffer(resp.body)) {
        const next = (resp.body as { _links?: { next?: { href?: string } } })._links?.next;
        if (next && typeof next.href === 'string') {
          const u = new URL(next.href);
          next.href = `https://elsewhere.invalid${u.pathname}${u.search}`;
        }
      }
      const r = serialize(resp);
      if (mode === 'malformed-json') {
        const text = r.body.length > 0 ? r.body.toString('utf8') : '{"data":[]}';
        let cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
        try {
          JSON.parse(cut);
          cut += '{"';
        } catch {
          // already malformed
        }
        send(200, { 'content-type': 'application/json' }, Buffer.from(cut, 'utf8'));
        return;
      }
      if (mode === 'reset') {
        const payload = r.body.length > 1 ? r.body : Buffer.from('{"data":[{"id":"partial"}]}');
        res.writeHead(r.status, { ...r.headers, 'content-length': String(payload.length) });
        res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => {
          const sock = req.socket as unknown as { resetAndDestroy?: () => void; destroy(): void };
          setTimeout(() => {
            try {
              if (typeof sock.resetAndDestroy === 'function' && scheme === 'http') {
                sock.resetAndDestroy();
              } else {
                sock.destroy();
              }
            } catch {
              sock.destroy();
            }
          }, 10);
        });
        return;
      }
      if (mode === 'slow-body') {
        const chunk = Math.max(1, fs!.spec.slowBodyChunkBytes ?? 16);
        const interval = fs!.spec.slowBodyIntervalMs ?? 20;
        res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
        for (let i = 0; i < r.body.length; i += chunk) {
          if (res.destroyed) {
            return;
          }
          res.write(r.body.subarray(i, i + chunk));
          await delay(interval);
        }
        res.end();
        return;
      }
      send(r.status, r.headers, r.body);
    };

  try {
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const backend = backends[name];
      const scheme = backend.tls === 'none' ? 'http' : 'https';
      let server: http.Server | https.Server;
      let trustPem: string | undefined;
      let fingerprint: string | undefined;
      if (backend.tls === 'none') {
        server = http.createServer();
      } else {
        let leaf: LeafCert;
        if (backend.tls === 'sandbox-ca') {
          serverCert ??= pki.issueServerCert();
          leaf = serverCert;
          trustPem = pki.pem;
          fingerprint = pki.sha256Fingerprint;
        } else {
          leaf = pki.selfSignedServerCert(`${name}.sandbox.local`);
          trustPem = leaf.certPem;
          fingerprint = leaf.sha256Fingerprint;
        }
        server = https.createServer({
          key: leaf.keyPem,
          cert: leaf.certPem,
          // OpenZiti: ask for a client certificate (method=cert) without requiring one.
          ...(name === 'ziti' ? { requestCert: true, rejectUnauthorized: false, ca: [pki.pem] } : {}),
        });
      }
      const handler = makeHandler(name, backend, scheme);
      server.on('request', (req, res) => {
        handler(req, res).catch((e) => {
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/plain' });
          }
          res.end(String(e));
        });
      });
      const open = new Set<Socket>();
      sockets.set(name, open);
      server.on('connection', (socket: Socket) => {
        open.add(socket);
        socket.once('close', () => open.delete(socket));
      });
      server.keepAliveTimeout = 5000;
      const port = opts.port ? opts.port + ALL_BACKENDS.indexOf(name) : 0;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const actual = (server.address() as AddressInfo).port;
      const origin = `${scheme}://${host}:${actual}`;
      const d = backend.describe(origin);
      urls[name] = d.url ?? origin;
      details[name] = {
        name,
        url: urls[name],
        origin,
        port: actual,
        tls: backend.tls,
        urls: { ...(d.urls ?? {}) },
        credentials: d.credentials,
        notes: d.notes ?? [],
        certSha256Fingerprint: fingerprint,
        trustPem,
      };
    }
  } catch (e) {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    throw e;
  }

  for (const [name, spec] of Object.entries(opts.faults ?? {}) as Array<[BackendName, FaultSpec]>) {
    if (backends[name] && spec) {
      setFault(name, spec);
    }
  }

  let stopped = false;
  return {
    seed,
    sizes,
    urls,
    details,
    ca: { pem: pki.pem, sha256Fingerprint: pki.sha256Fingerprint, pkcs7Base64: pki.pkcs7Base64 },
    state: backends,
    faults: {
      set: setFault,
      clear: clearFault,
      get: (name) => faults.get(name)?.spec,
      hits: (name) => faults.get(name)?.hits ?? 0,
    },
    advanceTime(ms: number) {
      clockOffset += ms;
    },
    now,
    issueClientCert: (cn) => pki.issueClientCert(cn),
    openConnections: (name) => sockets.get(name)?.size ?? 0,
    reset() {
      for (const b of Object.values(backends)) {
        b.reset();
      }
      faults.clear();
    },
    async stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
