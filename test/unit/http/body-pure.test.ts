// readBodyCapped on plain streams (no server): exact caps at the boundary, lengths that are not numbers, every way a
// stream can end or fail, the content codings, and the words of its errors.
import * as assert from 'assert';
import { PassThrough } from 'stream';
import * as zlib from 'zlib';
import { BodyTooLargeError, formatBytes, readBodyCapped, UnsupportedEncodingError } from '../../../src/http/body';

/** A stream that sends `chunks` and then ends (or stays open with `open`). */
function body(chunks: (string | Buffer)[], open = false): PassThrough {
  const s = new PassThrough();
  setImmediate(() => {
    for (const c of chunks) {
      s.write(c);
    }
    if (!open) {
      s.end();
    }
  });
  return s;
}

describe('http/body readBodyCapped on streams', () => {
  it('formatBytes: MiB and KiB only when exact, bytes otherwise', () => {
    const CASES: [number, string][] = [
      [32 * 1024 * 1024, '32 MiB'],
      [1024 * 1024, '1 MiB'],
      [1024 * 1024 + 1024, '1025 KiB'],
      [1024, '1 KiB'],
      [1024 * 1024 + 1, '1048577 bytes'],
      [1000, '1000 bytes'],
      [1025, '1025 bytes'],
      [512, '512 bytes'],
      [0, '0 bytes'],
    ];
    for (const [n, text] of CASES) {
      assert.strictEqual(formatBytes(n), text, String(n));
    }
  });

  it('its errors name themselves and the cap', () => {
    const big = new BodyTooLargeError(2048, 'wire');
    assert.deepStrictEqual([big.name, big.message, big.limit, big.stage], ['BodyTooLargeError', 'the response body is larger than 2 KiB', 2048, 'wire']);
    const enc = new UnsupportedEncodingError('compress');
    assert.deepStrictEqual([enc.name, enc.message, enc.encoding], ['UnsupportedEncodingError', 'the server answered with an unsupported content encoding (compress)', 'compress']);
  });

  it('a body of exactly the cap is read, on the wire and decoded; one byte more is refused at the stage that saw it', async () => {
    const exact = 'x'.repeat(64);
    assert.strictEqual(await readBodyCapped(body([exact.slice(0, 10), exact.slice(10)]), { limit: 64, contentLength: '64' }), exact);
    await assert.rejects(readBodyCapped(body([`${exact}y`]), { limit: 64 }), (e: unknown) => e instanceof BodyTooLargeError && e.stage === 'wire');
    // Decoded: a small gzip of 65 bytes is under the cap on the wire and over it once inflated.
    const gz = zlib.gzipSync(Buffer.from(`${exact}y`));
    assert.ok(gz.length < 64);
    await assert.rejects(readBodyCapped(body([gz]), { limit: 64, contentEncoding: 'gzip' }), (e: unknown) => e instanceof BodyTooLargeError && e.stage === 'decoded');
    assert.strictEqual(await readBodyCapped(body([zlib.gzipSync(Buffer.from(exact))]), { limit: 64, contentEncoding: ' GZIP ' }), exact);
  });

  it('an announced length over the cap is refused at once (blanks around it allowed); one that is not a plain number is ignored', async () => {
    const never = body([], true);
    await assert.rejects(readBodyCapped(never, { limit: 1024, contentLength: ' 2048 ' }), (e: unknown) => e instanceof BodyTooLargeError && e.stage === 'announced');
    assert.ok(never.destroyed, 'nothing more is read');
    assert.strictEqual(await readBodyCapped(body(['ok']), { limit: 1024, contentLength: '1024' }), 'ok');
    for (const odd of ['1e9', '0x800', '2048 bytes', '-1']) {
      assert.strictEqual(await readBodyCapped(body(['ok']), { limit: 1024, contentLength: odd }), 'ok', odd);
    }
  });

  it('decodes gzip, x-gzip, zlib and raw deflate, brotli and identity; drops a BOM', async () => {
    const text = '\ufeff{"a":"é"}';
    const CASES: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(text)],
      ['x-gzip', zlib.gzipSync(text)],
      ['deflate', zlib.deflateSync(text)],
      ['deflate', zlib.deflateRawSync(text)],
      ['br', zlib.brotliCompressSync(text)],
      ['identity', Buffer.from(text)],
      ['', Buffer.from(text)],
    ];
    for (const [encoding, bytes] of CASES) {
      assert.strictEqual(await readBodyCapped(body([bytes.subarray(0, 3), bytes.subarray(3)]), { limit: 1024, contentEncoding: encoding }), '{"a":"é"}', encoding);
    }
    assert.strictEqual(await readBodyCapped(body([Buffer.from('plain')]), { limit: 1024, contentEncoding: 'gzip', noBody: true }), 'plain', 'noBody: no decoding');
  });

  it('an empty body with a content coding is empty; an unknown coding fails, with or without a body', async () => {
    assert.strictEqual(await readBodyCapped(body([]), { limit: 1024, contentEncoding: 'gzip' }), '');
    assert.strictEqual(await readBodyCapped(body([]), { limit: 1024 }), '');
    await assert.rejects(readBodyCapped(body([]), { limit: 1024, contentEncoding: 'compress' }), (e: unknown) => e instanceof UnsupportedEncodingError && e.encoding === 'compress');
    const s = body(['abc', 'def']);
    await assert.rejects(readBodyCapped(s, { limit: 1024, contentEncoding: 'zstd' }), (e: unknown) => e instanceof UnsupportedEncodingError);
    assert.ok(s.destroyed);
  });

  it('a corrupt compressed body, a stream error and an aborted response reject', async () => {
    await assert.rejects(readBodyCapped(body([Buffer.from('not gzip at all')]), { limit: 1024, contentEncoding: 'gzip' }), { code: 'Z_DATA_ERROR' });
    const broken = body(['part'], true);
    setTimeout(() => broken.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 10);
    await assert.rejects(readBodyCapped(broken, { limit: 1024 }), { message: 'socket hang up' });
    const aborted = body(['part'], true);
    setTimeout(() => aborted.emit('aborted'), 10);
    await assert.rejects(readBodyCapped(aborted, { limit: 1024 }), { message: 'aborted', code: 'ECONNRESET' });
    assert.ok(aborted.destroyed);
  });
});
