// Each vendor's error body and the non-JSON answers, over real HTTP, normalised into ApiError.
import * as assert from 'assert';
import { ApiError, HttpClient } from '../../../src/http';
import { parseVendorError } from '../../../src/http/errors';
import { json, recordingSleep, startHttp, type TestServer } from './helpers';

describe('http/errors', () => {
  let server: TestServer;
  let respond: (res: import('http').ServerResponse) => void;

  before(async () => {
    server = await startHttp((_req, res) => respond(res));
  });
  after(() => server.close());

  function client(): HttpClient {
    return new HttpClient({ connectionId: 'c1', connectionLabel: 'Lab controller', baseURL: `${server.url}/edge/management/v1`, sleep: recordingSleep().sleep, retry: { retries: 0 } });
  }

  async function failure(op = 'list sessions', method: 'GET' | 'POST' = 'GET'): Promise<ApiError> {
    try {
      await client().request({ method, url: '/sessions', operation: op });
    } catch (e) {
      assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
      return e;
    }
    throw new Error('expected the request to fail');
  }

  it('OpenZiti {error:{code,message,cause,causeMessage,requestId}}', async () => {
    respond = (res) =>
      json(res, 404, {
        error: {
          code: 'NOT_FOUND',
          message: 'The resource requested was not found or is no longer available',
          causeMessage: '',
          cause: null,
          args: { urlVars: { id: '71a3' } },
          requestId: '270908d6-f2ef-4577-b973-67bec18ae376',
        },
        meta: { apiVersion: '0.0.1' },
      });
    const e = await failure();
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 404);
    assert.strictEqual(e.vendorCode, 'NOT_FOUND');
    assert.strictEqual(e.requestId, '270908d6-f2ef-4577-b973-67bec18ae376');
    assert.strictEqual(
      e.message,
      'Lab controller: list sessions failed: 404 NOT_FOUND — The resource requested was not found or is no longer available (request 270908d6-f2ef-4577-b973-67bec18ae376)',
    );
  });

  it('OpenZiti field-error cause and causeMessage become details', async () => {
    respond = (res) =>
      json(res, 400, {
        error: { code: 'COULD_NOT_VALIDATE', message: 'The supplied request contains an invalid document', causeMessage: 'schema validation failed', cause: { field: 'name', reason: 'is required', value: null }, requestId: 'r-1' },
      });
    const e = await failure('create enrollment', 'POST');
    assert.strictEqual(e.vendorCode, 'COULD_NOT_VALIDATE');
    assert.deepStrictEqual(e.details, ['schema validation failed', 'name: is required']);
    assert.match(e.message, /^Lab controller: create enrollment failed: 400 COULD_NOT_VALIDATE — The supplied request/);
  });

  it('PingOne {id,code,message,details[]}', async () => {
    respond = (res) =>
      json(res, 400, {
        id: '7a3c1e2f-aaaa-bbbb',
        code: 'INVALID_DATA',
        message: 'The request could not be completed. One or more validation errors were in the request.',
        details: [{ code: 'INVALID_VALUE', target: 'limit', message: 'must be between 1 and 1000' }],
      });
    const e = await failure('list users');
    assert.strictEqual(e.vendorCode, 'INVALID_DATA');
    assert.strictEqual(e.requestId, '7a3c1e2f-aaaa-bbbb');
    assert.deepStrictEqual(e.details, ['limit: must be between 1 and 1000']);
    assert.strictEqual(
      e.message,
      // The reason is only in details[] (PingOne's message is the same for every 400): the message keeps it.
      'Lab controller: list users failed: 400 INVALID_DATA — The request could not be completed. One or more validation errors were in the request. limit: must be between 1 and 1000 (request 7a3c1e2f-aaaa-bbbb)',
    );
  });

  it('Aptible {code:int,error,message}', async () => {
    respond = (res) => json(res, 404, { code: 404, error: 'not_found', message: "Couldn't find App with id=42" });
    const e = await failure('list ephemeral sessions');
    assert.strictEqual(e.vendorCode, 'not_found');
    assert.strictEqual(e.message, "Lab controller: list ephemeral sessions failed: 404 not_found — Couldn't find App with id=42");
  });

  it('OAuth {error,error_description} (Aptible auth, PingOne token)', async () => {
    respond = (res) => json(res, 401, { error: 'otp_token_required', error_description: 'An OTP token is required' });
    const e = await failure('sign in', 'POST');
    assert.strictEqual(e.kind, 'auth');
    assert.strictEqual(e.vendorCode, 'otp_token_required');
    assert.strictEqual(e.message, 'Lab controller: sign in failed: 401 otp_token_required — An OTP token is required');
  });

  it('Cohesity {errorCode,message,taskLogId}', async () => {
    respond = (res) => json(res, 403, { errorCode: 'KPermissionDenied', message: 'User does not have the privilege', taskLogId: 'tl-99' });
    const e = await failure('revoke user sessions');
    assert.strictEqual(e.vendorCode, 'KPermissionDenied');
    assert.strictEqual(e.requestId, 'tl-99');
    assert.strictEqual(e.message, 'Lab controller: revoke user sessions failed: 403 KPermissionDenied — User does not have the privilege (request tl-99)');
  });

  it('an HTML 502 page: says so, quotes the <title>, never the page', async () => {
    const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx/1.25.3 internal details here</p></body></html>';
    respond = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    };
    const e = await failure();
    assert.strictEqual(e.kind, 'http');
    assert.strictEqual(e.status, 502);
    assert.ok(e.message.includes('the server answered with an HTML page (status 502), not JSON'), e.message);
    assert.ok(e.message.includes('"502 Bad Gateway"'), e.message);
    assert.ok(!e.message.includes('<h1>') && !e.message.includes('internal details'), e.message);
  });

  it('an HTML page in a 200 answer is an invalid response', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Sign in - Corporate SSO</title></head><body>…</body></html>');
    };
    const e = await failure();
    assert.strictEqual(e.kind, 'invalid-response');
    assert.match(e.message, /HTML page \(status 200\), not JSON \("Sign in - Corporate SSO"\)/);
  });

  it('an empty 200 body where JSON was expected is an invalid response', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
    };
    const e = await failure();
    assert.strictEqual(e.kind, 'invalid-response');
    assert.strictEqual(e.status, 200);
    assert.match(e.message, /^Lab controller: list sessions failed: 200 — the server answered with an empty body where JSON was expected$/);
  });

  it('204 and an empty DELETE answer give undefined data', async () => {
    respond = (res) => {
      res.writeHead(204);
      res.end();
    };
    const r = await client().get('/x', 'read');
    assert.strictEqual(r.status, 204);
    assert.strictEqual(r.data, undefined);
    respond = (res) => {
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    };
    const d = await client().delete('/sessions/1', 'revoke session');
    assert.strictEqual(d.data, undefined);
  });

  it('truncated JSON in a 200 answer: malformed JSON, invalid response', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":[{"id":"s1","token":"tok');
    };
    const e = await failure();
    assert.strictEqual(e.kind, 'invalid-response');
    assert.match(e.message, /malformed JSON \(\d+ bytes, apparently truncated\)/);
    assert.ok(!e.message.includes('tok'), 'the body is not quoted');
  });

  it('malformed JSON in an error answer', async () => {
    respond = (res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error": {"code": "INTERN');
    };
    const e = await failure();
    assert.strictEqual(e.status, 500);
    assert.match(e.message, /500 Internal Server Error — the server answered with malformed JSON/);
  });

  it('an empty error body names the status', async () => {
    respond = (res) => {
      res.writeHead(503, { 'x-request-id': 'hdr-req-1' });
      res.end();
    };
    const e = await failure();
    assert.strictEqual(e.status, 503);
    assert.strictEqual(e.requestId, 'hdr-req-1');
    assert.strictEqual(e.message, 'Lab controller: list sessions failed: 503 Service Unavailable (empty response body) (request hdr-req-1)');
  });

  it('parseVendorError ignores bodies that are not errors', () => {
    assert.strictEqual(parseVendorError({ data: [] }), undefined);
    assert.strictEqual(parseVendorError('text'), undefined);
    assert.strictEqual(parseVendorError([1]), undefined);
  });
});
