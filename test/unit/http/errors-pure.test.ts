// The error normalisation of the HTTP core as pure functions (no server): every vendor body shape, HTML, empty and
// malformed answers, request ids, transport codes. errors.test.ts proves the same through real HTTP.
import * as assert from 'assert';
import {
  ApiError,
  errorFromResponse,
  errorFromTransport,
  htmlTitle,
  invalidResponse,
  isDroppedConnection,
  looksLikeHtml,
  parseVendorError,
  requestIdFromHeaders,
  transportCode,
  type ResponseErrorContext,
} from '../../../src/http/errors';

const ctx = (patch: Partial<ResponseErrorContext>): ResponseErrorContext => ({ connectionLabel: 'Lab', operation: 'list sessions', status: 500, headers: {}, body: '', secrets: [], ...patch });

describe('http/errors (pure)', () => {
  describe('parseVendorError', () => {
    it('OpenZiti: code, message, request id, and details from causeMessage and nested causes (deduplicated, at most 5, depth-limited)', () => {
      const v = parseVendorError({
        error: {
          code: 'COULD_NOT_VALIDATE',
          message: ' The supplied request contains an invalid document ',
          requestId: 'r-1',
          causeMessage: 'schema validation failed',
          cause: { field: 'expiresAt', reason: 'must be in the future', cause: { code: 'E1', message: 'inner', causeMessage: 'deeper', cause: { reason: 'r3', cause: { field: 'f4', cause: { message: 'too deep' } } } } },
        },
      });
      assert.deepStrictEqual(v, {
        vendorCode: 'COULD_NOT_VALIDATE',
        message: 'The supplied request contains an invalid document',
        requestId: 'r-1',
        details: ['schema validation failed', 'expiresAt: must be in the future', 'E1: inner', 'deeper', 'r3'],
      });
      assert.deepStrictEqual(parseVendorError({ error: { cause: { field: 'name' }, causeMessage: 'x' } })?.details, ['x', 'name: invalid']);
      assert.deepStrictEqual(parseVendorError({ error: { cause: { message: 'plain' }, causeMessage: '   ' } })?.details, ['plain']);
      assert.deepStrictEqual(parseVendorError({ error: { causeMessage: 'same', cause: { message: 'same' } } })?.details, ['same']);
      assert.deepStrictEqual(parseVendorError({ error: { code: 404 } }), { vendorCode: '404', message: undefined, requestId: undefined, details: [] });
      const four = parseVendorError({ error: { cause: { reason: 'd0', cause: { reason: 'd1', cause: { reason: 'd2', cause: { reason: 'd3', cause: { reason: 'd4' } } } } } } });
      assert.deepStrictEqual(four?.details, ['d0', 'd1', 'd2', 'd3'], 'nested causes stop after four levels');
    });

    it('Cohesity: errorCode, message, taskLogId', () => {
      assert.deepStrictEqual(parseVendorError({ errorCode: 'KAuthFailure', message: 'bad', taskLogId: 't9' }), { vendorCode: 'KAuthFailure', message: 'bad', requestId: 't9', details: [] });
    });

    it('OAuth: error and error_description (or message when there is no description)', () => {
      assert.deepStrictEqual(parseVendorError({ error: 'invalid_grant', error_description: 'expired' }), { vendorCode: 'invalid_grant', message: 'expired', details: [] });
      assert.deepStrictEqual(parseVendorError({ error: 'invalid_client', message: 'm' }), { vendorCode: 'invalid_client', message: 'm', details: [] });
    });

    it('Aptible: numeric code and an error label', () => {
      assert.deepStrictEqual(parseVendorError({ code: 401, error: 'invalid_token', message: 'Expired' }), { vendorCode: 'invalid_token', message: 'Expired', details: [] });
    });

    it('PingOne: code, message, id, and target: message details', () => {
      assert.deepStrictEqual(
        parseVendorError({ id: 'p1', code: 'INVALID_DATA', message: 'invalid', details: [{ target: 'name', message: 'too long' }, { code: 'OTHER' }, 'junk', { target: 't' }] }),
        { vendorCode: 'INVALID_DATA', message: 'invalid', requestId: 'p1', details: ['name: too long', 'OTHER'], detailsInSummary: true },
      );
      assert.strictEqual(parseVendorError({ code: 'X', details: [] })?.vendorCode, 'X');
      assert.strictEqual(parseVendorError({ code: 'X', id: 'i' })?.requestId, 'i');
    });

    it('generic {message}, and nothing for bodies that are not errors', () => {
      assert.deepStrictEqual(parseVendorError({ message: 'nope', code: 7 }), { vendorCode: '7', message: 'nope', details: [] });
      for (const body of [null, 'text', [1], {}, { code: 'X' }, { message: '  ' }, { code: Number.NaN, message: 5 }]) {
        const v = parseVendorError(body);
        if (body && typeof body === 'object' && 'message' in body && body.message === 5) {
          assert.deepStrictEqual(v, { vendorCode: undefined, message: '5', details: [] });
        } else {
          assert.strictEqual(v, undefined, JSON.stringify(body));
        }
      }
    });

    it('clips long messages to one line of at most 300 characters', () => {
      const v = parseVendorError({ error: { causeMessage: `a\n\nb ${'x'.repeat(400)}` } });
      assert.strictEqual(v?.details[0].length, 300);
      assert.ok(v?.details[0].startsWith('a b x') && v.details[0].endsWith('…'));
      assert.strictEqual(parseVendorError({ error: { causeMessage: 'y'.repeat(300) } })?.details[0], 'y'.repeat(300), 'exactly 300 is kept whole');
    });
  });

  it('htmlTitle decodes the entities of the <title>, clips it, and is undefined without one', () => {
    assert.strictEqual(htmlTitle('<html><TITLE lang="en">502 &lt;Bad&gt; &quot;Gateway&quot; &#39;x&#39; &amp;amp;</TITLE>'), '502 <Bad> "Gateway" \'x\' &amp;');
    assert.strictEqual(htmlTitle('<title>\n  a\n  b </title>'), 'a b');
    assert.strictEqual(htmlTitle('<html><body>no title</body>'), undefined);
    assert.strictEqual(htmlTitle('<title>  </title>'), undefined);
    assert.strictEqual(htmlTitle(`<title>${'t'.repeat(200)}</title>`)?.length, 120);
  });

  it('looksLikeHtml by content type or by the start of the body', () => {
    assert.strictEqual(looksLikeHtml('{}', 'text/html; charset=utf-8'), true);
    assert.strictEqual(looksLikeHtml('{}', 'application/xhtml+xml'), true);
    for (const start of ['<!DOCTYPE html>', '<html>', '  <head>', '<body>', '<title>x']) {
      assert.strictEqual(looksLikeHtml(start, 'application/json'), true, start);
    }
    assert.strictEqual(looksLikeHtml('{"html": "<html>"}', undefined), false);
    assert.strictEqual(looksLikeHtml('text <html>', 'text/plain'), false);
  });

  it('requestIdFromHeaders takes the first known header, clipped to 100 characters', () => {
    assert.strictEqual(requestIdFromHeaders({ 'request-id': 'd', 'x-correlation-id': 'b', 'x-request-id': '' }), 'b');
    assert.strictEqual(requestIdFromHeaders({ 'x-amzn-requestid': 'c', 'correlation-id': 'e' }), 'e');
    assert.strictEqual(requestIdFromHeaders({ 'correlation-id': 'e', 'x-correlation-id': 'b' }), 'b');
    assert.strictEqual(requestIdFromHeaders({ 'request-id': 'd', 'x-amzn-requestid': 'c' }), 'c');
    assert.strictEqual(requestIdFromHeaders({ 'x-amzn-requestid': 'c' }), 'c');
    assert.strictEqual(requestIdFromHeaders({ 'request-id': 'd' }), 'd');
    assert.strictEqual(requestIdFromHeaders({ 'x-request-id': 'r'.repeat(150) })?.length, 100);
    assert.strictEqual(requestIdFromHeaders({}), undefined);
  });

  describe('errorFromResponse', () => {
    it('an empty body names the status and its text; a 401 is an auth error', () => {
      const e = errorFromResponse(ctx({ status: 401, statusText: 'Unauthorized', body: '  ' }));
      assert.strictEqual(e.message, 'Lab: list sessions failed: 401 Unauthorized (empty response body)');
      assert.strictEqual(e.kind, 'auth');
      assert.strictEqual(e.status, 401);
      assert.strictEqual(errorFromResponse(ctx({ status: 503 })).summary, '503 (empty response body)');
      assert.strictEqual(errorFromResponse(ctx({ status: 503 })).kind, 'http');
      assert.strictEqual(errorFromResponse(ctx({ status: 401, kind: 'timeout' })).kind, 'timeout');
    });

    it('an HTML page: says so and quotes its title, never the page', () => {
      const e = errorFromResponse(ctx({ status: 502, body: '<html><title>Bad Gateway</title><p>secret page</p>', headers: { 'content-type': 'text/html' } }));
      assert.strictEqual(e.summary, '502 — the server answered with an HTML page (status 502), not JSON ("Bad Gateway")');
      assert.strictEqual(errorFromResponse(ctx({ status: 502, body: '<html>x</html>' })).summary, '502 — the server answered with an HTML page (status 502), not JSON');
    });

    it('a vendor body: status, vendor code and message, details, request id from the body before the headers', () => {
      const e = errorFromResponse(
        ctx({ status: 400, body: JSON.stringify({ error: { code: 'INVALID', message: 'bad\nfilter', requestId: 'body-id', causeMessage: 'why' } }), headers: { 'x-request-id': 'header-id' }, retryAfterMs: 5 }),
      );
      assert.strictEqual(e.summary, '400 INVALID — bad filter (request body-id)');
      assert.strictEqual(e.vendorCode, 'INVALID');
      assert.strictEqual(e.requestId, 'body-id');
      assert.deepStrictEqual(e.details, ['why']);
      assert.strictEqual(e.retryAfterMs, 5);
      const bare = errorFromResponse(ctx({ status: 409, body: JSON.stringify({ errorCode: 'KConflict' }), headers: { 'x-request-id': 'h' } }));
      assert.strictEqual(bare.summary, '409 KConflict (request h)');
      assert.strictEqual(bare.details, undefined, 'no empty details list');
      assert.strictEqual(errorFromResponse(ctx({ status: 409, body: JSON.stringify({ message: 'only a message' }) })).summary, '409 — only a message');
    });

    it('malformed JSON (by content type or by its first character) vs other text', () => {
      assert.strictEqual(errorFromResponse(ctx({ status: 500, statusText: 'Oops', body: 'not json', headers: { 'content-type': 'application/json' } })).summary, '500 Oops — the server answered with malformed JSON');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, body: '{"a":' })).summary, '500 — the server answered with malformed JSON');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, body: ' [1,' })).summary, '500 — the server answered with malformed JSON');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, statusText: 'Oops', body: 'upstream\ndown' })).summary, '500 Oops — upstream down');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, body: '"just a string"' })).summary, '500 — "just a string"');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, body: 'x'.repeat(300) })).summary.length, '500 — '.length + 160);
    });

    it('redacts the secrets it is given from the message, vendor code and details', () => {
      const e = errorFromResponse(ctx({ status: 400, body: JSON.stringify({ error: { code: 'c-s3cr3t-value', message: 'token s3cr3t-value leaked', causeMessage: 'again s3cr3t-value' } }), secrets: ['s3cr3t-value'] }));
      assert.ok(!e.message.includes('s3cr3t-value') && !String(e.vendorCode).includes('s3cr3t-value') && !String(e.details).includes('s3cr3t-value'), JSON.stringify(e));
    });
  });

  it('invalidResponse: kind, status, problem and request id', () => {
    const e = invalidResponse({ connectionLabel: 'Lab', operation: 'read', status: 200, headers: { 'x-request-id': 'r7' }, body: '', secrets: [] }, 'no data');
    assert.deepStrictEqual([e.kind, e.status, e.summary, e.requestId], ['invalid-response', 200, '200 — no data (request r7)', 'r7']);
    assert.strictEqual(invalidResponse({ connectionLabel: 'Lab', operation: 'read', status: 200, headers: {}, body: '', secrets: [] }, 'no data').summary, '200 — no data');
  });

  describe('transport errors', () => {
    it('transportCode: the innermost useful code (up to four levels), axios wrapper codes skipped, "socket hang up" as a reset', () => {
      assert.strictEqual(transportCode({ code: 'ERR_NETWORK', cause: { code: 'ECONNREFUSED' } }), 'ECONNREFUSED');
      assert.strictEqual(transportCode({ code: 'ERR_BAD_RESPONSE', cause: { code: 'ERR_BAD_REQUEST', cause: { code: 'EPIPE' } } }), 'EPIPE');
      assert.strictEqual(transportCode({ cause: { cause: { cause: { code: 'ETIMEDOUT' } } } }), 'ETIMEDOUT');
      assert.strictEqual(transportCode({ cause: { cause: { cause: { cause: { code: 'TOO_DEEP' } } } } }), undefined);
      assert.strictEqual(transportCode({ code: 5 }), undefined);
      assert.strictEqual(transportCode(new Error('Socket hang up')), 'ECONNRESET');
      assert.strictEqual(transportCode(undefined), undefined);
      assert.strictEqual(transportCode(new Error('other')), undefined);
    });

    it('isDroppedConnection: reset, broken pipe, aborted, socket hang up; not refused or timed out', () => {
      for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED']) {
        assert.strictEqual(isDroppedConnection({ code }), true, code);
      }
      assert.strictEqual(isDroppedConnection(new Error('socket hang up')), true);
      assert.strictEqual(isDroppedConnection({ code: 'ECONNREFUSED' }), false);
      assert.strictEqual(isDroppedConnection({ code: 'ETIMEDOUT' }), false);
      assert.strictEqual(isDroppedConnection(undefined), false);
    });

    const tctx = { connectionLabel: 'Lab', operation: 'sign in', url: 'https://ctrl.example:8441/edge/management/v1?token=abc', secrets: ['abc'] };

    it('an untrusted certificate names the origin and the reason', () => {
      const e = errorFromTransport(tctx, { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      assert.strictEqual(e.kind, 'untrusted-certificate');
      assert.strictEqual(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.match(e.summary, /^the certificate of https:\/\/ctrl\.example:8441 is not trusted: .+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
    });

    it('network failures: a known code in words, socket hang up, or the clipped message; never the URL path or query', () => {
      assert.strictEqual(errorFromTransport(tctx, { code: 'ECONNREFUSED' }).summary, 'cannot reach https://ctrl.example:8441 (connection refused, ECONNREFUSED)');
      assert.strictEqual(errorFromTransport(tctx, { code: 'EPROXY' }).summary, 'cannot reach https://ctrl.example:8441 (the proxy refused the tunnel, EPROXY)');
      assert.strictEqual(errorFromTransport(tctx, new Error('socket hang up')).summary, 'cannot reach https://ctrl.example:8441 (connection reset, ECONNRESET)');
      assert.strictEqual(errorFromTransport(tctx, Object.assign(new Error('weird failure'), { code: 'EWEIRD' })).summary, 'cannot reach https://ctrl.example:8441 (weird failure, EWEIRD)');
      assert.strictEqual(errorFromTransport(tctx, 'plain string').summary, 'cannot reach https://ctrl.example:8441 (plain string)');
      const e = errorFromTransport(tctx, { code: 'ENOTFOUND' });
      assert.strictEqual(e.kind, 'network');
      assert.strictEqual(e.code, 'ENOTFOUND');
      assert.strictEqual(e.cause, undefined, 'the transport error is not kept');
    });

    it('an unparseable URL is redacted instead of parsed', () => {
      const e = errorFromTransport({ ...tctx, url: 'not a url token=abc' }, { code: 'ECONNREFUSED' });
      assert.ok(!e.message.includes('abc'), e.message);
      assert.match(e.summary, /^cannot reach .* \(connection refused, ECONNREFUSED\)$/);
    });
  });

  describe('ApiError', () => {
    const base = new ApiError({ kind: 'http', connectionLabel: 'Lab', operation: 'op', summary: 'sum pw-123456', status: 429, vendorCode: 'V', requestId: 'r', retryAfterMs: 10, details: ['d pw-123456'], code: 'C', secrets: ['pw-123456'], cause: 'why' });

    it('prefixes the connection and operation, redacts the secrets, keeps the fields', () => {
      assert.strictEqual(base.name, 'ApiError');
      assert.ok(!base.message.includes('pw-123456') && base.message.startsWith('Lab: op failed: sum '), base.message);
      assert.ok(!base.summary.includes('pw-123456'));
      assert.ok(!base.details?.[0].includes('pw-123456') && base.details?.[0].startsWith('d '));
      assert.deepStrictEqual([base.kind, base.status, base.vendorCode, base.requestId, base.retryAfterMs, base.code, base.cause], ['http', 429, 'V', 'r', 10, 'C', 'why']);
      assert.strictEqual(new ApiError({ kind: 'http', connectionLabel: 'L', operation: 'o', summary: 's' }).cause, undefined);
      assert.ok(ApiError.is(base) && !ApiError.is(new Error('x')));
    });

    it('with() copies every field and applies the patch', () => {
      const peer = { pem: 'p', subject: 's', issuer: 'i', sha256Fingerprint: 'f', validFrom: 'a', validTo: 'b' } as unknown as NonNullable<ApiError['peerCertificate']>;
      const copy = base.with({ kind: 'untrusted-certificate', retryAfterMs: 99, peerCertificate: peer });
      assert.deepStrictEqual(
        [copy.kind, copy.retryAfterMs, copy.peerCertificate, copy.status, copy.vendorCode, copy.requestId, copy.code, copy.summary, copy.details, copy.cause, copy.operation, copy.connectionLabel],
        ['untrusted-certificate', 99, peer, 429, 'V', 'r', 'C', base.summary, base.details, 'why', 'op', 'Lab'],
      );
      const same = base.with({});
      assert.deepStrictEqual([same.kind, same.retryAfterMs, same.peerCertificate], ['http', 10, undefined]);
    });
  });

  describe('exact values (table)', () => {
    const tctx = { connectionLabel: 'Lab', operation: 'sign in', url: 'https://h.example:8441/x', secrets: [] };

    it('errorFromTransport: every known code in words', () => {
      const CODES: [string, string][] = [
        ['ECONNREFUSED', 'connection refused'],
        ['ENOTFOUND', 'host name not found'],
        ['EAI_AGAIN', 'host name lookup failed (temporary)'],
        ['ECONNRESET', 'connection reset'],
        ['EPIPE', 'connection closed while sending'],
        ['EHOSTUNREACH', 'host unreachable'],
        ['ENETUNREACH', 'network unreachable'],
        ['ETIMEDOUT', 'connection timed out'],
        ['ECONNABORTED', 'connection aborted'],
        ['EPROXY', 'the proxy refused the tunnel'],
        ['ERR_SOCKET_CONNECTION_TIMEOUT', 'connection timed out'],
      ];
      for (const [code, words] of CODES) {
        assert.strictEqual(errorFromTransport(tctx, { code }).summary, `cannot reach https://h.example:8441 (${words}, ${code})`);
      }
    });

    it('errorFromTransport: a hang-up under an unknown code, and no error object at all', () => {
      assert.strictEqual(errorFromTransport(tctx, Object.assign(new Error('socket hang up'), { code: 'ERR_HTTP2_STREAM' })).summary, 'cannot reach https://h.example:8441 (the server closed the connection, ERR_HTTP2_STREAM)');
      assert.strictEqual(errorFromTransport(tctx, undefined).summary, 'cannot reach https://h.example:8441 (undefined)');
      assert.strictEqual(errorFromTransport(tctx, null).summary, 'cannot reach https://h.example:8441 (null)');
    });

    it('isDroppedConnection: a hang-up message counts whatever the code', () => {
      assert.strictEqual(isDroppedConnection({ code: 'ECONNREFUSED', message: 'socket hang up' }), true);
      assert.strictEqual(isDroppedConnection({ code: 'ECONNREFUSED', message: 'refused' }), false);
      assert.strictEqual(isDroppedConnection(undefined), false);
    });

    it('parseVendorError: the OAuth, Aptible and PingOne shapes are told apart by their fields', () => {
      // An OAuth error with a description, even with a numeric code beside it.
      assert.deepStrictEqual(parseVendorError({ error: 'invalid_grant', error_description: 'expired', code: 400, message: 'other' }), { vendorCode: 'invalid_grant', message: 'expired', details: [] });
      // A PingOne body that also has an `error` string is PingOne.
      assert.deepStrictEqual(parseVendorError({ id: 'r1', code: 'INVALID_DATA', message: 'bad', error: 'invalid_request' }), { vendorCode: 'INVALID_DATA', message: 'bad', requestId: 'r1', details: [], detailsInSummary: true });
      assert.deepStrictEqual(parseVendorError({ code: 'INVALID_DATA', message: 'bad', error: 'invalid_request' }), { vendorCode: 'INVALID_DATA', message: 'bad', requestId: undefined, details: [], detailsInSummary: true });
      // PingOne details that are not objects are skipped.
      assert.deepStrictEqual(parseVendorError({ id: 'r2', code: 'INVALID_DATA', details: [null, 'text', 3, { target: 'name', code: 'REQUIRED' }] }), {
        vendorCode: 'INVALID_DATA',
        message: undefined,
        requestId: 'r2',
        details: ['name: REQUIRED'],
        detailsInSummary: true,
      });
    });

    it('errorFromResponse: no body at all, and text that holds a brace later is text, not malformed JSON', () => {
      assert.strictEqual(errorFromResponse(ctx({ status: 503, body: undefined as unknown as string })).summary, '503 (empty response body)');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, statusText: 'Server Error', body: 'failed: {bad}', headers: { 'content-type': 'text/plain' } })).summary, '500 Server Error — failed: {bad}');
      assert.strictEqual(errorFromResponse(ctx({ status: 500, body: '  {bad', headers: {} })).summary, '500 — the server answered with malformed JSON');
    });

    it('ApiError: no cause property at all without a cause', () => {
      assert.strictEqual('cause' in new ApiError({ kind: 'http', connectionLabel: 'L', operation: 'o', summary: 's' }), false);
    });
  });
});
