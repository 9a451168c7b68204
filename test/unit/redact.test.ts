import * as assert from 'assert';
import { REDACTED, redactText, redactUrl, redactValue } from '../../src/util/redact';

describe('redact', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhYmMiLCJlbSI6Im90dCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  it('removes JWTs, bearer and basic credentials from free text', () => {
    const out = redactText(`got ${jwt} then Authorization: Bearer abcdef123456 and Basic dXNlcjpwYXNz`);
    assert.ok(!out.includes(jwt));
    assert.ok(!out.includes('abcdef123456'));
    assert.ok(!out.includes('dXNlcjpwYXNz'));
    assert.ok(out.includes(REDACTED));
  });

  it('removes values of secret keys in key=value and JSON pairs, keeps others', () => {
    const out = redactText('grant_type=password&username=alice&password=hunter2&client_secret=xyz {"zt-session": "tok-123", "code": "NOT_FOUND"}');
    assert.ok(out.includes('username=alice'));
    assert.ok(!out.includes('hunter2'));
    assert.ok(!out.includes('xyz'));
    assert.ok(!out.includes('tok-123'));
    assert.ok(out.includes('NOT_FOUND'), 'error codes are not secrets');
  });

  it('removes known secret values wherever they appear', () => {
    assert.strictEqual(redactText('the key is k-9f8e7d here', ['k-9f8e7d']), `the key is ${REDACTED} here`);
  });

  it('deep-redacts objects without touching the input', () => {
    const input = { id: 's1', token: 'secret-token', nested: { apiKey: 'k', list: [{ password: 'p', name: 'n' }], jwt: jwt }, note: `x ${jwt}` };
    const out = redactValue(input);
    assert.deepStrictEqual(out, { id: 's1', token: REDACTED, nested: { apiKey: REDACTED, list: [{ password: REDACTED, name: 'n' }], jwt: REDACTED }, note: `x ${REDACTED}` });
    assert.strictEqual(input.token, 'secret-token');
  });

  it('handles cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    assert.deepStrictEqual(redactValue(a), { name: 'a', self: '[circular]' });
  });

  it('redacts secret query parameters and user info in URLs', () => {
    const out = redactUrl('https://user:pw@ctrl.example.com:1280/edge?token=abc&limit=10');
    assert.ok(!out.includes('pw@') && !out.includes('abc'));
    assert.ok(out.includes('limit=10'));
  });
});
