// Response size caps before and after decompression (issue 8, item 7): a gzip bomb, announced and chunked bodies over
// the cap, per-request and per-method defaults, error bodies, and the content codings the core now decodes itself.
import * as assert from 'assert';
import * as zlib from 'zlib';
import { HttpClient, type HttpClientOptions, RESPONSE_LIMITS } from '../../../src/http';
import { ZitiClient, zitiModule } from '../../../src/backends/ziti/client';
import { doubles } from '../backends/doubles';
import type { ConnectionRecord } from '../../../src/model/connection';
import { type Handler, json, pki, recordingSleep, rejection, startHttp, startHttps, type TestServer } from './helpers';

const MiB = 1024 * 1024;

/** `totalMiB` of zeros, gzip-compressed chunk by chunk (never holding the inflated size in memory). */
function gzipBomb(totalMiB: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gz = zlib.createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    gz.on('end', () => resolve(Buffer.concat(out)));
    gz.on('error', reject);
    const zeros = Buffer.alloc(MiB, 0x20); // spaces: the body would even be "valid" whitespace
    let i = 0;
    const write = (): void => {
      while (i < totalMiB) {
        i++;
        if (!gz.write(zeros)) {
          gz.once('drain', write);
          return;
        }
      }
      gz.end();
    };
    write();
  });
}

describe('http/body size caps', function () {
  this.timeout(60_000);
  let server: TestServer;
  let handler: Handler;

  beforeEach(async () => {
    server = await startHttp((req, res, body, i) => handler(req, res, body, i));
  });
  afterEach(() => server.close());

  function make(extra: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab', baseURL: `${server.url}/api/v1`, sleep: recordingSleep().sleep, ...extra });
  }

  it('a gzip bomb (~400 KiB on the wire, 400 MiB inflated) fails with "sent too much" after at most the cap', async () => {
    const bomb = await gzipBomb(400);
    assert.ok(bomb.length < 1 * MiB, `the bomb is small on the wire (${bomb.length} bytes)`);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': bomb.length });
      res.end(bomb);
    };
    const before = process.memoryUsage().arrayBuffers;
    const e = await rejection(make().get('/sessions', 'list sessions', { responseType: 'text' }));
    assert.strictEqual(e.kind, 'invalid-response');
    assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
    assert.match(e.message, /^Lab: list sessions failed: the server sent too much: the answer is larger than 32 MiB once decompressed, the limit for this call/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 200 * MiB, 'the inflated body was not held in memory');
    assert.strictEqual(server.requests.length, 1, 'not retried');
  });

  it('a smaller cap per request applies to the decompressed size', async () => {
    const text = JSON.stringify({ data: 'x'.repeat(64 * 1024) });
    const gz = zlib.gzipSync(text);
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gz);
    };
    const e = await rejection(make().get('/x', 'read', { maxResponseBytes: 16 * 1024 }));
    assert.match(e.message, /sent too much: the answer is larger than 16 KiB once decompressed/);
    const ok = await make().get<{ data: string }>('/x', 'read', { maxResponseBytes: 128 * 1024 });
    assert.strictEqual(ok.data.data.length, 64 * 1024);
  });

  it('an announced Content-Length over the cap is refused before the body is read', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 5 * MiB });
      res.write('{"data":[');
      // The rest never comes: a client that waited for it would time out instead.
    };
    const e = await rejection(make({ timeoutMs: 5_000 }).get('/x', 'list', { maxResponseBytes: 1 * MiB }));
    assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
    assert.match(e.message, /larger than 1 MiB, the limit/);
  });

  it('a chunked body without a length is cut off at the cap on the wire', async () => {
    let written = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && written < 64 * MiB) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    };
    const e = await rejection(make().get('/x', 'list', { maxResponseBytes: 2 * MiB }));
    assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
    assert.ok(written < 16 * MiB, `the server was not drained (${written} bytes written)`);
  });

  it('defaults: 32 MiB for GET, 1 MiB for other methods; the client option overrides them', async () => {
    const big = JSON.stringify({ data: 'y'.repeat(2 * MiB) });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(big);
    };
    assert.strictEqual(RESPONSE_LIMITS.list, 32 * MiB);
    assert.strictEqual(RESPONSE_LIMITS.small, 1 * MiB);
    const r = await make().get<{ data: string }>('/sessions', 'list sessions');
    assert.strictEqual(r.data.data.length, 2 * MiB);
    const e = await rejection(make().post('/authenticate', {}, 'sign in', { authenticate: false }));
    assert.match(e.message, /sign in failed: the server sent too much: the answer is larger than 1 MiB, the limit for this call/);
    const e2 = await rejection(make({ maxResponseBytes: MiB }).get('/sessions', 'list sessions'));
    assert.strictEqual(e2.code, 'RESPONSE_TOO_LARGE');
  });

  it('error bodies are capped too', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('e'.repeat(3 * MiB));
    };
    const e = await rejection(make().delete('/sessions/1', 'revoke the session'));
    assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
  });

  for (const [encoding, encode] of [
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['x-gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
    ['deflate (raw)', (b: Buffer) => zlib.deflateRawSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['identity', (b: Buffer) => b],
  ] as const) {
    it(`decodes ${encoding}`, async () => {
      const text = JSON.stringify({ data: [{ id: 'ä-1', name: 'Grüße 🙂' }] });
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding.split(' ')[0] });
        res.end(encode(Buffer.from(`\ufeff${text}`, 'utf8')));
      };
      const r = await make().get<unknown>('/x', 'read');
      assert.deepStrictEqual(r.data, JSON.parse(text));
      assert.match(String(server.requests[0].headers['accept-encoding']), /gzip/);
    });
  }

  it('an unknown content coding is a clear invalid-response', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zz-custom' });
      res.end('abc');
    };
    const e = await rejection(make().get('/x', 'read'));
    assert.strictEqual(e.kind, 'invalid-response');
    assert.match(e.message, /unsupported content encoding \(zz-custom\)/);
  });

  it('empty, HEAD and 204 answers with a content coding are fine', async () => {
    handler = (req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 204, { 'content-encoding': 'gzip' });
      res.end();
    };
    assert.strictEqual((await make().delete('/x', 'delete')).status, 204);
    assert.strictEqual((await make().request({ method: 'HEAD', url: '/x', operation: 'probe' })).status, 200);
    handler = (_req, res) => json(res, 200, {});
    assert.deepStrictEqual((await make().get('/x', 'read')).data, {});
  });

  it('a connection dropped in the middle of the body is still retried for a GET', async () => {
    handler = (req, res, _b, i) => {
      if (i === 0) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
        res.write('{"data":[', () => req.socket.destroy());
        return;
      }
      json(res, 200, { data: [] });
    };
    const r = await make().get<{ data: unknown[] }>('/x', 'list');
    assert.deepStrictEqual(r.data, { data: [] });
    assert.strictEqual(server.requests.length, 2);
  });

  it('a body that trickles past the timeout is a timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":[');
    };
    const e = await rejection(make({ timeoutMs: 200 }).get('/x', 'list'));
    assert.strictEqual(e.kind, 'timeout');
  });
});

describe('the OpenZiti CA bundle fetch is capped too', function () {
  this.timeout(60_000);

  it('a /.well-known/est/cacerts answer over 1 MiB (after decompression) is refused as too much', async () => {
    const huge = zlib.gzipSync(Buffer.alloc(50 * MiB, 0x41));
    const server = await startHttps((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pkcs7-mime', 'content-encoding': 'gzip' });
      res.end(huge);
    }, pki().leaf);
    try {
      const record: ConnectionRecord = {
        id: 'z',
        backend: 'ziti',
        label: 'Hostile controller',
        endpoints: { url: server.url },
        auth: { method: 'password', username: 'admin' },
        source: 'user',
      };
      await assert.rejects(zitiModule.trustCandidate!(record), /^Error: Hostile controller: the server sent too much: its CA bundle is larger than 1 MiB$/);
      assert.strictEqual(RESPONSE_LIMITS.caBundle, MiB);
    } finally {
      await server.close();
    }
  });
});

describe('OpenZiti small calls have a small cap', () => {
  it('a 2 MiB /version answer is refused (1 MiB cap), where a list could be 32 MiB', async () => {
    const server = await startHttp((_req, res) => json(res, 200, { data: { version: 'v1', padding: 'p'.repeat(2 * MiB) } }));
    try {
      const record: ConnectionRecord = { id: 'z', backend: 'ziti', label: 'Big', endpoints: { url: server.url }, auth: { method: 'password', username: 'admin' }, source: 'user' };
      const client = new ZitiClient(record, { password: 'pw-123456' }, doubles().deps);
      const e = await rejection(client.signIn());
      assert.strictEqual(e.code, 'RESPONSE_TOO_LARGE');
      assert.match(e.message, /read the controller version failed: the server sent too much: the answer is larger than 1 MiB/);
    } finally {
      await server.close();
    }
  });
});
