// Tiny HTTP(S) client for the sandbox tests: real sockets, the sandbox CA as the only trust anchor.
import * as http from 'http';
import * as https from 'https';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  elapsedMs: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** PEM(s) to trust (never rejectUnauthorized:false). */
  ca?: string | string[];
  cert?: string;
  key?: string;
}

/** Sends one request on a fresh connection; rejects on socket errors or a response cut short. */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const started = Date.now();
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: opts.method ?? 'GET',
        agent: false,
        headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.headers ?? {}) },
        ...(u.protocol === 'https:' ? { ca: opts.ca, cert: opts.cert, key: opts.key, servername: undefined } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          if (!res.complete) {
            reject(Object.assign(new Error('response incomplete'), { code: 'ECONNRESET' }));
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, elapsedMs: Date.now() - started });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) {
      req.write(payload);
    }
    req.end();
  });
}
