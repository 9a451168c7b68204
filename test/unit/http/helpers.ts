// Test helpers for the HTTP core: local http/https servers on 127.0.0.1 and a throwaway PKI made at test time.
import * as assert from 'assert';
import { ApiError } from '../../../src/http/errors';
import * as crypto from 'crypto';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import type { AddressInfo } from 'net';
import httpsModule from 'https';
import forge from 'node-forge';

export interface TestServer {
  url: string;
  port: number;
  /** Every request seen, in order. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, index: number) => void;

function track(server: http.Server, handler: Handler, scheme: 'http' | 'https'): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body, index);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export function startHttp(handler: Handler): Promise<TestServer> {
  return track(http.createServer(), handler, 'http');
}

export function startHttps(handler: Handler, cert: { certPem: string; keyPem: string; chainPem?: string }): Promise<TestServer> {
  const server = https.createServer({ cert: cert.certPem + (cert.chainPem ?? ''), key: cert.keyPem });
  return track(server, handler, 'https');
}

/** Sends a JSON answer. */
export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port on 127.0.0.1 on which nothing listens. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An injectable sleep that records delays and returns at once (still honouring an aborted signal). */
export function recordingSleep(onSleep?: (ms: number) => void): { delays: number[]; sleep: (ms: number, signal?: AbortSignal) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms: number, signal?: AbortSignal) => {
      delays.push(ms);
      onSleep?.(ms);
      if (signal?.aborted) {
        throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      }
    },
  };
}

/** A log sink collecting lines. */
export function collectLog(): { lines: string[]; log: (level: string, message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level} ${message}`) };
}

// ---------------------------------------------------------------------------------------------------------------
// PKI

export interface Pki {
  caPem: string;
  /** The CA's private key, to issue more certificates in a test. */
  caKeyPem: string;
  /** Leaf for 127.0.0.1/localhost issued by the CA. */
  leaf: { certPem: string; keyPem: string };
  /** Self-signed leaf for 127.0.0.1/localhost. */
  selfSigned: { certPem: string; keyPem: string };
  /** Another, unrelated CA. */
  otherCaPem: string;
  /** A client certificate issued by the CA. */
  client: { certPem: string; keyPem: string };
  /** Leaf issued by the CA for `other.example` only (host-name mismatch on 127.0.0.1). */
  wrongName: { certPem: string; keyPem: string };
}

function keyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A certificate signed with `signingKeyPem` (self-signed without `issuer`); `subject` adds attributes before the CN. */
export function makeCert(opts: {
  cn: string;
  subject?: { name: string; value: string }[];
  notBefore?: Date;
  notAfter?: Date;
  publicKeyPem: string;
  signingKeyPem: string;
  issuer?: forge.pki.Certificate;
  isCa: boolean;
  client?: boolean;
  altNames?: object[];
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.publicKeyPem);
  cert.serialNumber = '01' + crypto.randomBytes(12).toString('hex');
  cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 2 * 24 * 3600_000);
  const subject = [...(opts.subject ?? []), { name: 'commonName', value: opts.cn }];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : subject);
  const ext: object[] = [{ name: 'basicConstraints', cA: opts.isCa, critical: true }];
  if (opts.isCa) {
    ext.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else if (opts.client) {
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
    ext.push({ name: 'extKeyUsage', clientAuth: true });
  } else {
    ext.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
    ext.push({ name: 'extKeyUsage', serverAuth: true });
    ext.push({ name: 'subjectAltName', altNames: opts.altNames ?? [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] });
  }
  ext.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(ext);
  cert.sign(forge.pki.privateKeyFromPem(opts.signingKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

let cached: Pki | undefined;

export function pki(): Pki {
  if (cached) {
    return cached;
  }
  const caKeys = keyPair();
  const ca = makeCert({ cn: 'HTTP core test CA', publicKeyPem: caKeys.publicKeyPem, signingKeyPem: caKeys.privateKeyPem, isCa: true });
  const leafKeys = keyPair();
  const leaf = makeCert({ cn: '127.0.0.1', publicKeyPem: leafKeys.publicKeyPem, signingKeyPem: caKeys.privateKeyPem, issuer: ca, isCa: false });
  const ssKeys = keyPair();
  const selfSigned = makeCert({ cn: 'self-signed test server', publicKeyPem: ssKeys.publicKeyPem, signingKeyPem: ssKeys.privateKeyPem, isCa: false });
  const otherKeys = keyPair();
  const other = makeCert({ cn: 'Unrelated CA', publicKeyPem: otherKeys.publicKeyPem, signingKeyPem: otherKeys.privateKeyPem, isCa: true });
  const clientKeys = keyPair();
  const client = makeCert({ cn: 'test client', publicKeyPem: clientKeys.publicKeyPem, signingKeyPem: caKeys.privateKeyPem, issuer: ca, isCa: false, client: true });
  const wrongKeys = keyPair();
  const wrongName = makeCert({ cn: 'other.example', publicKeyPem: wrongKeys.publicKeyPem, signingKeyPem: caKeys.privateKeyPem, issuer: ca, isCa: false, altNames: [{ type: 2, value: 'other.example' }] });
  cached = {
    wrongName: { certPem: forge.pki.certificateToPem(wrongName), keyPem: wrongKeys.privateKeyPem },
    caPem: forge.pki.certificateToPem(ca),
    caKeyPem: caKeys.privateKeyPem,
    leaf: { certPem: forge.pki.certificateToPem(leaf), keyPem: leafKeys.privateKeyPem },
    selfSigned: { certPem: forge.pki.certificateToPem(selfSigned), keyPem: ssKeys.privateKeyPem },
    otherCaPem: forge.pki.certificateToPem(other),
    client: { certPem: forge.pki.certificateToPem(client), keyPem: clientKeys.privateKeyPem },
  };
  return cached;
}

/** A minimal CONNECT proxy that records the tunnels it opened. */
export async function startConnectProxy(): Promise<{ url: string; tunnels: string[]; authHeaders: (string | undefined)[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const authHeaders: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    authHeaders.push(req.headers['proxy-authorization']);
    const target = /^([^:/]+):(\d+)$/.exec(req.url ?? '');
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(target[2]), target[1], () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) {
        upstream.write(head);
      }
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://proxyuser:proxy-pass-9876@127.0.0.1:${port}`,
    tunnels,
    authHeaders,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => done());
      }),
  };
}

/** Awaits a promise that must reject with an ApiError, and returns that error. */
export async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  throw new Error('expected a rejection');
}

/**
 * Emulates VS Code's proxy support (@vscode/proxy-agent with `http.proxySupport` at its default `override`) for a host
 * other than localhost/127.0.0.1: https.request's agent is replaced by the host's own, which connects with what the
 * request options carry. @vscode/proxy-agent 0.45 (code-server 4.139) copies the replaced agent's `ca` into the
 * request options (`keepAgentCa`); older versions did not. The client certificate is never carried over.
 * Returns a function that restores https.request.
 */
export function replaceHttpsAgents(keepAgentCa: boolean): () => void {
  const original = httpsModule.request;
  const patched = (options: https.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    assert.strictEqual(typeof options, 'object', 'the client passes request options, not a URL');
    const agent = options.agent;
    const agentCa = keepAgentCa && agent instanceof https.Agent ? (agent as https.Agent & { options: https.AgentOptions }).options.ca : undefined;
    return original({ ...options, agent: false, ...(agentCa ? { ca: agentCa } : {}) }, callback);
  };
  httpsModule.request = patched as typeof httpsModule.request;
  return () => {
    httpsModule.request = original;
  };
}
