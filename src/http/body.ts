// Reading a response body with a size cap, before and after decompression: a hostile or broken server must not
// flood memory (a 400 KiB gzip body can inflate to 400 MiB). The core decodes gzip/deflate/br itself (axios's
// `decompress` is off) so that both the bytes on the wire and the decoded bytes are counted. No `vscode` import.
import type { Readable } from 'stream';
import * as zlib from 'zlib';

const MiB = 1024 * 1024;

/** Default caps of a response body (on the wire and decoded). Per request: HttpRequest.maxResponseBytes. */
export const RESPONSE_LIMITS = {
  /** GET: lists and pages (default of every GET). */
  list: 32 * MiB,
  /** Sign-in, create, delete, and other small answers (default of every other method). */
  small: 1 * MiB,
  /** A CA bundle (/.well-known/est/cacerts). */
  caBundle: 1 * MiB,
} as const;

/** The content codings the core asks for and decodes. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** A body over its cap. `stage` says whether the bytes on the wire or the decoded bytes went over. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(
    readonly limit: number,
    readonly stage: 'announced' | 'wire' | 'decoded',
  ) {
    super(`the response body is larger than ${formatBytes(limit)}`);
  }
}

/** A content coding the core cannot decode. */
export class UnsupportedEncodingError extends Error {
  override readonly name = 'UnsupportedEncodingError';
  constructor(readonly encoding: string) {
    super(`the server answered with an unsupported content encoding (${encoding})`);
  }
}

/** "32 MiB", "512 KiB", "100 bytes". */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) {
    return `${n / MiB} MiB`;
  }
  if (n >= 1024 && n % 1024 === 0) {
    return `${n / 1024} KiB`;
  }
  return `${n} bytes`;
}

const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

function decoderFor(encoding: string, firstByte: number | undefined): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      // RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate: the zlib header starts with 0x?8.
      return firstByte !== undefined && (firstByte & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new UnsupportedEncodingError(encoding);
  }
}

/**
 * Reads `stream` (a raw response body) into a string (UTF-8, BOM dropped), decoding `contentEncoding`, and fails
 * with BodyTooLargeError as soon as the announced length, the bytes read or the decoded bytes exceed `limit`; the
 * stream is then destroyed (nothing more is read). Stream errors (a dropped connection, a cancellation) reject as
 * they are.
 */
export function readBodyCapped(stream: Readable, opts: { contentEncoding?: string; contentLength?: string; limit: number; noBody?: boolean }): Promise<string> {
  const limit = opts.limit;
  const announced = opts.contentLength !== undefined && /^\d+$/.test(opts.contentLength.trim()) ? Number(opts.contentLength) : undefined;
  if (announced !== undefined && announced > limit) {
    stream.destroy();
    return Promise.reject(new BodyTooLargeError(limit, 'announced'));
  }
  const encoding = opts.noBody ? '' : (opts.contentEncoding ?? '').trim().toLowerCase();
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let decoded = 0;
    let decoder: ReturnType<typeof decoderFor>;
    let started = false;
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) {
        return;
      }
      settled = true;
      stream.destroy();
      decoder?.destroy();
      reject(err);
    };
    const succeed = (): void => {
      if (settled) {
        return;
      }
      settled = true;
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    };
    const onDecoded = (chunk: Buffer): void => {
      decoded += chunk.length;
      if (decoded > limit) {
        fail(new BodyTooLargeError(limit, 'decoded'));
        return;
      }
      chunks.push(chunk);
    };
    const start = (firstByte: number | undefined): boolean => {
      started = true;
      try {
        decoder = decoderFor(encoding, firstByte);
      } catch (e) {
        fail(e);
        return false;
      }
      if (decoder) {
        decoder.on('data', onDecoded);
        decoder.on('error', (e) => fail(e));
        decoder.on('end', succeed);
      }
      return true;
    };
    stream.on('data', (chunk: Buffer | string) => {
      if (settled) {
        return;
      }
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      wire += buf.length;
      if (wire > limit) {
        fail(new BodyTooLargeError(limit, 'wire'));
        return;
      }
      if (!started && !start(buf[0])) {
        return;
      }
      if (decoder) {
        decoder.write(buf);
      } else {
        onDecoded(buf);
      }
    });
    stream.on('error', (e) => fail(e));
    stream.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    stream.on('end', () => {
      if (settled) {
        return;
      }
      if (!started && !start(undefined)) {
        return;
      }
      if (decoder) {
        if (wire === 0) {
          // An empty body with a content coding (HEAD-like answers): nothing to decode.
          decoder.destroy();
          succeed();
        } else {
          decoder.end();
        }
      } else {
        succeed();
      }
    });
  });
}
