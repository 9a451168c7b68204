// validateRequest (test/sandbox/contract.ts): what a client sends, held to the vendor spec. Against aptible.yaml
// (OpenAPI 3: integer ids, `page`, PATCH /operations/{id} with UpdateOperation_request, the `token` API key header)
// and against a small inline Swagger 2.0 document (base path, body and formData parameters, arrays, enums).
import * as assert from 'assert';
import { requireSpec, specFromObject, validateRequest, type LoadedSpec } from '../sandbox/contract';

const AUTH = { authorization: 'Bearer x.y.z', accept: 'application/hal+json' };
const JSON_BODY = { ...AUTH, 'content-type': 'application/json' };

describe('contract: validateRequest', () => {
  describe('against aptible.yaml (OpenAPI 3)', () => {
    let spec: LoadedSpec;
    before(function () {
      // Fails without ../shared/specs, unless SM_ALLOW_MISSING_SPECS=1 asks to skip it (then recorded as skipped).
      spec = requireSpec(this, 'aptible');
    });
    const check = (method: string, url: string, headers: Record<string, string> = AUTH, body?: string | Buffer): string[] => validateRequest(spec, method, url, headers, body);

    it('accepts what the Aptible client sends: lists with and without page, reads, the root, the cancel PATCH', () => {
      assert.deepStrictEqual(check('GET', '/'), []);
      assert.deepStrictEqual(check('GET', '/accounts'), []);
      assert.deepStrictEqual(check('GET', '/accounts?page=2'), []);
      assert.deepStrictEqual(check('GET', '/accounts/7/apps?page=3'), []);
      assert.deepStrictEqual(check('GET', '/apps/12/ephemeral_sessions'), []);
      assert.deepStrictEqual(check('GET', '/operations/99/ephemeral_sessions?page=1'), []);
      assert.deepStrictEqual(check('GET', '/ephemeral_sessions/5'), []);
      assert.deepStrictEqual(check('GET', '/ephemeral_sessions/5/ephemeral_containers'), []);
      assert.deepStrictEqual(check('GET', '/apps/12'), []);
      assert.deepStrictEqual(check('GET', '/apps/12/operations?page=2'), []);
      assert.deepStrictEqual(check('GET', '/operations/99'), []);
      assert.deepStrictEqual(check('PATCH', '/operations/99', JSON_BODY, '{"cancelled":true}'), []);
      assert.deepStrictEqual(check('PATCH', '/operations/99', { ...JSON_BODY, 'content-type': 'application/json; charset=utf-8' }, Buffer.from('{"cancelled":false}')), []);
      // An absolute URL: the origin is not the path.
      assert.deepStrictEqual(check('GET', 'http://127.0.0.1:4482/apps/12/ephemeral_sessions?page=2'), []);
    });

    it('an unknown operation: a path the spec does not have, or a method it does not allow there', () => {
      assert.deepStrictEqual(check('GET', '/ephemeral_sessions'), ['aptible: no operation GET /ephemeral_sessions in aptible.yaml']);
      assert.deepStrictEqual(check('DELETE', '/ephemeral_sessions/5'), ['aptible: no operation DELETE /ephemeral_sessions/5 in aptible.yaml']);
      assert.match(check('GET', '/tokens').join(), /no operation GET \/tokens/);
    });

    it('a path parameter that is not an integer id', () => {
      assert.deepStrictEqual(check('GET', '/apps/abc/ephemeral_sessions'), ['GET /apps/{app_id}/ephemeral_sessions: path parameter app_id="abc" is not an integer']);
      assert.deepStrictEqual(check('GET', '/operations/1.5'), ['GET /operations/{id}: path parameter id="1.5" is not an integer']);
      assert.match(check('GET', '/operations/%E0%A4%A').join(), /path parameter id is not valid percent-encoding/);
    });

    it('an undeclared query parameter, a page that is not an integer, a repeated page', () => {
      assert.deepStrictEqual(check('GET', '/apps/12/ephemeral_sessions?per_page=50'), ['GET /apps/{app_id}/ephemeral_sessions: undeclared query parameter per_page']);
      assert.deepStrictEqual(check('GET', '/accounts?page=abc'), ['GET /accounts: query parameter page="abc" is not an integer']);
      assert.deepStrictEqual(check('GET', '/accounts?page='), ['GET /accounts: query parameter page="" is not an integer']);
      assert.match(check('GET', '/accounts?page=1&page=2').join(), /query parameter page is repeated \(\["1","2"\]\), but it is not an array/);
      // GetEphemeralSession declares no query parameter at all.
      assert.deepStrictEqual(check('GET', '/ephemeral_sessions/5?page=1'), ['GET /ephemeral_sessions/{id}: undeclared query parameter page']);
    });

    it('a bad body: wrong type, a field UpdateOperation_request does not name, not JSON, a body where none is taken', () => {
      assert.match(check('PATCH', '/operations/99', JSON_BODY, '{"cancelled":"true"}').join(), /PATCH \/operations\/\{id\}: body \/cancelled must be boolean/);
      assert.deepStrictEqual(check('PATCH', '/operations/99', JSON_BODY, '{"cancel":true}'), ['PATCH /operations/{id}: body field /cancel is not in UpdateOperation_request']);
      assert.deepStrictEqual(check('PATCH', '/operations/99', JSON_BODY, '{"cancelled":'), ['PATCH /operations/{id}: the application/json body is not JSON']);
      assert.deepStrictEqual(check('GET', '/operations/99', JSON_BODY, '{"cancelled":true}'), ['GET /operations/{id}: a body was sent, but the operation takes none']);
      // An empty body is no body (the PATCH's body is optional in aptible.yaml).
      assert.deepStrictEqual(check('PATCH', '/operations/99', AUTH, ''), []);
    });

    it('a body whose Content-Type the spec does not list', () => {
      assert.deepStrictEqual(check('PATCH', '/operations/99', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, 'cancelled=true'), [
        'PATCH /operations/{id}: the body was sent as application/x-www-form-urlencoded; the spec lists application/json',
      ]);
      assert.deepStrictEqual(check('PATCH', '/operations/99', AUTH, '{"cancelled":true}'), ['PATCH /operations/{id}: the body was sent as (no Content-Type); the spec lists application/json']);
    });

    it('no credentials for the token scheme (the Authorization header)', () => {
      assert.deepStrictEqual(check('GET', '/accounts', {}), ['GET /accounts: no credentials for the operation\'s security: token (header Authorization)']);
      assert.deepStrictEqual(check('GET', '/accounts', { Authorization: 'Bearer t' }), [], 'header names in any case');
    });

    it('reports every problem of one request at once', () => {
      const errors = check('PATCH', '/operations/x?force=1', { 'content-type': 'application/json' }, '{"cancel":1}');
      assert.deepStrictEqual(errors, [
        'PATCH /operations/{id}: path parameter id="x" is not an integer',
        "PATCH /operations/{id}: no credentials for the operation's security: token (header Authorization)",
        'PATCH /operations/{id}: undeclared query parameter force',
        'PATCH /operations/{id}: body field /cancel is not in UpdateOperation_request',
      ]);
    });
  });

  describe('against a Swagger 2.0 document', () => {
    const spec = specFromObject({
      swagger: '2.0',
      basePath: '/api/v1',
      consumes: ['application/json'],
      securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'x-key' }, qkey: { type: 'apiKey', in: 'query', name: 'api_key' } },
      security: [{ key: [] }, { qkey: [] }],
      definitions: {
        item: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, size: { type: 'integer' }, meta: { type: 'object', properties: { a: { type: 'string' } } } } },
      },
      parameters: { limit: { name: 'limit', in: 'query', type: 'integer', minimum: 1 } },
      paths: {
        '/items': {
          get: {
            parameters: [
              { $ref: '#/parameters/limit' },
              { name: 'kind', in: 'query', type: 'string', enum: ['a', 'b'] },
              { name: 'ids', in: 'query', type: 'array', items: { type: 'integer' }, collectionFormat: 'multi' },
              { name: 'tags', in: 'query', type: 'array', items: { type: 'string' } },
              { name: 'mode', in: 'query', type: 'string', required: true },
            ],
            responses: { 200: { description: 'ok' } },
          },
          post: { parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/item' } }], responses: { 201: { description: 'ok' } } },
        },
        '/items/{id}': {
          parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }],
          put: {
            consumes: ['application/x-www-form-urlencoded'],
            parameters: [
              { name: 'size', in: 'formData', type: 'integer', required: true },
              { name: 'x-trace', in: 'header', type: 'integer', required: true },
            ],
            responses: { 200: { description: 'ok' } },
          },
          delete: { security: [], responses: { 204: { description: 'gone' } } },
        },
      },
    });
    const H = { 'x-key': 'k' };

    it('accepts valid requests, with or without the base path', () => {
      assert.deepStrictEqual(validateRequest(spec, 'GET', '/api/v1/items?mode=m&limit=5&kind=a&ids=1&ids=2&tags=x,y', H), []);
      assert.deepStrictEqual(validateRequest(spec, 'GET', '/items?mode=m', H), []);
      assert.deepStrictEqual(validateRequest(spec, 'POST', '/api/v1/items', { ...H, 'content-type': 'application/json' }, '{"name":"n","size":2,"meta":{"a":"x"}}'), []);
      assert.deepStrictEqual(validateRequest(spec, 'PUT', '/api/v1/items/a%20b', { ...H, 'content-type': 'application/x-www-form-urlencoded', 'x-trace': '7' }, 'size=3'), []);
      // The API key may come as the query parameter the security names; an operation with `security: []` needs none.
      assert.deepStrictEqual(validateRequest(spec, 'GET', '/api/v1/items?mode=m&api_key=k', {}), []);
      assert.deepStrictEqual(validateRequest(spec, 'DELETE', '/api/v1/items/x', {}), []);
    });

    it('flags parameters: $ref parameter minimum, enum, array items, a required query, a required header', () => {
      const errs = (url: string, headers: Record<string, string> = H): string => validateRequest(spec, 'GET', url, headers).join('\n');
      assert.match(errs('/api/v1/items?mode=m&limit=0'), /query parameter limit="0" must be >= 1/);
      assert.match(errs('/api/v1/items?mode=m&kind=c'), /query parameter kind="c" must be equal to one of the allowed values/);
      assert.match(errs('/api/v1/items?mode=m&ids=1&ids=x'), /query parameter ids=\["1","x"\]: item "x" is not an integer/);
      assert.match(errs('/api/v1/items?mode=m&tags=a&tags=b'), /query parameter tags is repeated, but the spec sends its items as one csv value/);
      assert.match(errs('/api/v1/items'), /required query parameter mode missing/);
      assert.match(errs('/api/v1/items?mode=m', {}), /no credentials for the operation's security: key \(header x-key\) or qkey \(query api_key\)/);
      const put = validateRequest(spec, 'PUT', '/api/v1/items/x', { ...H, 'content-type': 'application/x-www-form-urlencoded' }, 'size=3').join('\n');
      assert.match(put, /required header x-trace missing/);
      const badHeader = validateRequest(spec, 'PUT', '/api/v1/items/x', { ...H, 'content-type': 'application/x-www-form-urlencoded', 'x-trace': 'abc' }, 'size=3').join('\n');
      assert.match(badHeader, /header parameter x-trace="abc" is not an integer/);
    });

    it('flags bodies: missing required body, schema errors, unknown fields (nested too), form fields, media type', () => {
      const post = (body: string, type = 'application/json'): string => validateRequest(spec, 'POST', '/api/v1/items', { ...H, 'content-type': type }, body).join('\n');
      assert.match(post(''), /the required request body is missing/);
      assert.match(post('{"size":1}'), /body \(root\) must have required property 'name'/);
      assert.match(post('{"name":"n","color":"red"}'), /body field \/color is not in item/);
      assert.match(post('{"name":"n","meta":{"b":1}}'), /body field \/meta\/b is not in the schema/);
      assert.match(post('{"name":"n"}', 'text/plain'), /the body was sent as text\/plain; the spec lists application\/json/);
      const put = (body: string): string => validateRequest(spec, 'PUT', '/api/v1/items/x', { ...H, 'content-type': 'application/x-www-form-urlencoded', 'x-trace': '1' }, body).join('\n');
      assert.match(put('size=big'), /body field size="big" is not an integer/);
      assert.match(put('size=1&color=red'), /body field \/color is not in the schema/);
      assert.match(validateRequest(spec, 'DELETE', '/api/v1/items/x', {}, 'x').join(), /a body was sent, but the operation takes none/);
    });
  });
});
