import * as assert from 'assert';
import { isSecretKey, isSecretRequestKey, REDACTED, redactText, redactUrl, redactValue, SECRET_KEY_NAMES, SECRET_KEY_SUFFIXES } from '../../src/util/redact';

/** The normal form redact.ts compares keys in. */
function normal(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

// Every secret key the four backends and OAuth use, as the wire spells it, with where it is used. Removing any entry
// of SECRET_KEY_NAMES or SECRET_KEY_SUFFIXES in src/util/redact.ts makes the rows that need it fail (issue 9).
const SECRET_KEYS: { key: string; where: string }[] = [
  { key: 'zt-session', where: 'OpenZiti API session header' },
  { key: 'password', where: 'OpenZiti / Cohesity sign-in body, Aptible form' },
  { key: 'token', where: 'OpenZiti API session and session token, enrollment ott token' },
  { key: 'jwt', where: 'OpenZiti enrollment JWT' },
  { key: 'enrollmentJwt', where: 'JWT fields by another name' },
  { key: 'session-id', where: 'Cohesity session header' },
  { key: 'sessionId', where: 'Cohesity POST /users/sessions answer' },
  { key: 'apiKey', where: 'Cohesity API key header' },
  { key: 'x-api-key', where: 'API key header' },
  { key: 'api_key', where: 'API key query parameter' },
  { key: 'otpCode', where: 'Cohesity one-time code' },
  { key: 'otp', where: 'one-time code' },
  { key: 'totp', where: 'one-time code' },
  { key: 'mfaCode', where: 'one-time code' },
  { key: 'recoveryCode', where: 'MFA recovery code' },
  { key: 'otp_token', where: 'Aptible two-factor form field' },
  { key: 'authorization', where: 'PingOne Basic/Bearer, Aptible Bearer' },
  { key: 'proxy-authorization', where: 'proxy credentials' },
  { key: 'access_token', where: 'OAuth token answer (PingOne, Aptible)' },
  { key: 'refresh_token', where: 'OAuth token answer (Aptible)' },
  { key: 'id_token', where: 'OpenID Connect token answer' },
  { key: 'client_secret', where: 'PingOne client-credentials form' },
  { key: 'client-secret', where: 'the same, dashed' },
  { key: 'clientSecret', where: 'the same, camel case' },
  { key: 'secret', where: 'generic' },
  { key: 'sessionToken', where: 'session tokens by another name' },
  { key: 'authToken', where: 'auth tokens by another name' },
  { key: 'x-auth-token', where: 'token header' },
  { key: 'newPassword', where: 'password fields by another name' },
  { key: 'passwd', where: 'password fields by another name' },
  { key: 'privateKey', where: 'PEM private keys' },
  { key: 'ca_private_key', where: 'PEM private keys' },
  { key: 'cookie', where: 'Cookie header' },
  { key: 'set-cookie', where: 'Set-Cookie header' },
  { key: 'credential', where: 'generic' },
  { key: 'credentials', where: 'generic' },
  { key: 'passphrase', where: 'key passphrase' },
];

// Keys that are not secret and must stay readable (ids, error codes, paging cursors, token metadata).
// Every paging cursor that ends like a token is listed: removing one from NOT_SECRET_KEY_NAMES fails its row.
const PUBLIC_KEYS = [
  'username',
  'id',
  'apiSessionId',
  'identityId',
  'errorCode',
  'token_type',
  'tokenType',
  'expires_in',
  'nextToken',
  'pageToken',
  'next_page_token',
  'continuationToken',
  'paginationToken',
  'syncToken',
  'limit',
  'grant_type',
  'client_id',
];

const VALUE = 'hunter two "with" quotes';
const JSON_VALUE = JSON.stringify(VALUE); // "hunter two \"with\" quotes"
const BARE = 'Hunt3rTwo9';

function assertGone(out: string, secret: string, label: string, mark = REDACTED): void {
  assert.ok(!out.includes(secret), `${label}: secret left in ${out}`);
  for (const piece of secret.split(/[\s"]+/).filter((p) => p.length >= 3)) {
    assert.ok(!out.includes(piece), `${label}: "${piece}" left in ${out}`);
  }
  assert.ok(out.includes(mark), `${label}: ${out}`);
}

describe('redact', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhYmMiLCJlbSI6Im90dCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  describe('every secret key of the four backends, in every shape (table)', () => {
    for (const { key, where } of SECRET_KEYS) {
      it(`${key} (${where})`, () => {
        assert.ok(isSecretKey(key), 'isSecretKey');
        assert.ok(isSecretKey(key.toUpperCase()), 'case-insensitive');
        assert.ok(isSecretRequestKey(key), 'isSecretRequestKey');
        // JSON with spaces and escaped quotes in the value, compact and spaced.
        assertGone(redactText(`{"${key}":${JSON_VALUE},"id":"s1"}`), VALUE, 'compact JSON');
        assertGone(redactText(`{ "${key}" : ${JSON_VALUE} }`), VALUE, 'spaced JSON');
        assert.ok(redactText(`{"${key}":${JSON_VALUE},"id":"s1"}`).includes('"id":"s1"'), 'the rest is kept');
        // JSON escaped inside a JSON string (an error's causeMessage quoting the request).
        assertGone(redactText(JSON.stringify({ causeMessage: JSON.stringify({ [key]: VALUE }) })), VALUE, 'escaped JSON');
        // Form bodies and query strings.
        const form = redactText(`grant_type=x&${key}=${BARE}&limit=10`);
        assertGone(form, BARE, 'form');
        assert.ok(form.includes('grant_type=x') && form.includes('limit=10'), form);
        // A JavaScript object as printed by util.inspect.
        assertGone(redactText(`{ ${key}: '${BARE} two' }`), BARE, 'inspect');
        // Header line.
        assertGone(redactText(`${key}: ${BARE}`), BARE, 'header');
        // Structured values, with string and number values.
        assert.deepStrictEqual(redactValue({ [key]: VALUE, id: 's1' }), { [key]: REDACTED, id: 's1' });
        assert.deepStrictEqual(redactValue({ nested: [{ [key]: 12345678 }] }), { nested: [{ [key]: REDACTED }] });
        // URLs: query and fragment.
        const url = redactUrl(`https://ctrl.example.com/p?${key}=${BARE}&limit=10#${key}=${BARE}&state=ok`);
        assertGone(url, BARE, 'URL', `${key}=`);
        assert.ok(url.includes('limit=10') && url.includes('state=ok'), url);
      });
    }

    it('the table covers every name and suffix of src/util/redact.ts, and no name is redundant with a suffix', () => {
      const normals = SECRET_KEYS.map((k) => normal(k.key));
      for (const name of SECRET_KEY_NAMES) {
        assert.ok(normals.includes(name), `no table row for the secret key name "${name}"`);
        assert.ok(!SECRET_KEY_SUFFIXES.some((s) => name.endsWith(s)), `"${name}" is already covered by a suffix: remove it`);
      }
      for (const suffix of SECRET_KEY_SUFFIXES) {
        assert.ok(normals.some((n) => n.endsWith(suffix) && !SECRET_KEY_NAMES.includes(n)), `no table row needs the suffix "${suffix}"`);
      }
    });

    for (const key of PUBLIC_KEYS) {
      it(`keeps the public key ${key}`, () => {
        assert.ok(!isSecretKey(key));
        assert.ok(!isSecretRequestKey(key), 'isSecretRequestKey');
        assert.strictEqual(redactText(`{"${key}":"v-1 x"} ${key}=v-2`), `{"${key}":"v-1 x"} ${key}=v-2`);
        assert.deepStrictEqual(redactValue({ [key]: 'v-3' }), { [key]: 'v-3' });
      });
    }
  });

  describe('shapes', () => {
    it('the OpenZiti MFA body {code}: a one-time code is secret, a vendor error code is not', () => {
      assert.strictEqual(redactText('{"code":"123456"}'), `{"code":"${REDACTED}"}`);
      assert.strictEqual(redactText('POST /authenticate/mfa {"code": "12345678"}'), `POST /authenticate/mfa {"code": "${REDACTED}"}`);
      assert.strictEqual(redactText('code=654321&x=1'), `code=${REDACTED}&x=1`);
      assert.deepStrictEqual(redactValue({ code: '123456' }), { code: REDACTED });
      assert.deepStrictEqual(redactValue({ code: 123456 }), { code: REDACTED });
      assert.strictEqual(redactText('{"error":{"code":"NOT_FOUND","message":"gone"}}'), '{"error":{"code":"NOT_FOUND","message":"gone"}}');
      assert.deepStrictEqual(redactValue({ code: 'UNAUTHORIZED', status: 401 }), { code: 'UNAUTHORIZED', status: 401 });
      assert.deepStrictEqual(redactValue({ code: 404 }), { code: 404 });
      // What the extension itself sends under `code` is always secret (a recovery code is not only digits).
      assert.ok(isSecretRequestKey('code') && !isSecretKey('code'));
    });

    it('the password in a URL user info, and secret pairs inside the bare value of another key', () => {
      assert.strictEqual(redactText('GET https://u:pw-secret@host/x failed'), `GET https://u:${REDACTED}@host/x failed`);
      assert.strictEqual(redactText('GET https://u:pw@host/x?access_token=T1234567 failed'), `GET https://u:${REDACTED}@host/x?access_token=${REDACTED} failed`);
      assert.strictEqual(redactText('url=https://host/cb#access_token=abcdefgh'), `url=https://host/cb#access_token=${REDACTED}`);
      assert.strictEqual(redactText('next=https://h/x?offset=5&limit=10'), 'next=https://h/x?offset=5&limit=10');
    });

    it('a JSON array under a secret key is redacted whole', () => {
      assert.strictEqual(redactText('{"password":["abcdef"]}'), `{"password":[${REDACTED}]}`);
      assert.strictEqual(redactText('{"password": ["a b", "c"], "x":1}'), `{"password": [${REDACTED}], "x":1}`);
      assert.strictEqual(redactText('{"roles":["admin"]}'), '{"roles":["admin"]}');
    });

    it('JSON values with spaces or escaped quotes', () => {
      assert.strictEqual(redactText('{"password":"hunter two"}'), `{"password":"${REDACTED}"}`);
      assert.strictEqual(redactText('{"password":"p\\"ss"}'), `{"password":"${REDACTED}"}`);
      assert.strictEqual(redactText('{"password":"a\\\\","user":"bob"}'), `{"password":"${REDACTED}","user":"bob"}`);
      assert.strictEqual(redactText("{'password': 'hunter two'}"), `{'password': '${REDACTED}'}`);
    });

    it('an unterminated (clipped) quoted secret value is redacted to the line end', () => {
      assert.strictEqual(redactText('body {"username":"a","password":"hunter two and mo…'), `body {"username":"a","password":"${REDACTED}`);
    });

    it('secret pairs quoted inside a public value are found', () => {
      const out = redactText('{"message":"login with password=hunter2 failed","cause":"{\\"token\\":\\"abc def\\"}"}');
      assert.ok(!out.includes('hunter2') && !out.includes('abc def'), out);
      assert.ok(out.includes('"message":"login with password='), out);
    });

    it('Authorization with any scheme, and the other header lines', () => {
      for (const [line, secret, kept] of [
        ['Authorization: Bearer abcdef123456', 'abcdef123456', 'Authorization: Bearer '],
        ['Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz', 'Authorization: Basic '],
        ['authorization: Token 9f8e7d6c5b4a', '9f8e7d6c5b4a', 'authorization: Token '],
        ['Authorization: SSWS 00abcDEF-ghi', '00abcDEF-ghi', 'Authorization: SSWS '],
        ['Authorization: Digest username="bob", response="6629fae49393a05397450978507c4ef1"', '6629fae49393a05397450978507c4ef1', 'Authorization: Digest '],
        ['Authorization: tok-without-scheme', 'tok-without-scheme', 'Authorization: '],
        ['Proxy-Authorization: Basic cHJveHk6cHc=', 'cHJveHk6cHc=', 'Proxy-Authorization: Basic '],
        ['Cookie: sid=abc123; theme=dark', 'abc123', 'Cookie: '],
        ['set-cookie: sid=abc123; Path=/; HttpOnly', 'abc123', 'set-cookie: '],
        ['zt-session: 3f1d2e3c-aaaa-bbbb', '3f1d2e3c-aaaa-bbbb', 'zt-session: '],
        ['session-id: sess-42-xyz', 'sess-42-xyz', 'session-id: '],
        ['apiKey: k-9f8e7d6c', 'k-9f8e7d6c', 'apiKey: '],
      ] as const) {
        const out = redactText(`request headers\n${line}\naccept: application/json`);
        assert.ok(!out.includes(secret), `${line} → ${out}`);
        assert.ok(out.includes(kept), `${line} → ${out}`);
        assert.ok(out.includes('accept: application/json'), out);
      }
    });

    it('auth schemes in free text; "Token expired" stays a message', () => {
      const out = redactText(`got ${jwt} then Bearer abcdef123456 and Basic dXNlcjpwYXNz, Negotiate YIIBhwYGKwYB and NTLM TlRMTVNTUAAB`);
      for (const s of [jwt, 'abcdef123456', 'dXNlcjpwYXNz', 'YIIBhwYGKwYB', 'TlRMTVNTUAAB']) {
        assert.ok(!out.includes(s), out);
      }
      assert.strictEqual(redactText('401 KStatusUnauthorized — Token expired'), '401 KStatusUnauthorized — Token expired');
    });

    it('enrollment JWTs anywhere, also in URLs', () => {
      assert.strictEqual(redactText(`jwt in text ${jwt}.`), `jwt in text ${REDACTED}.`);
      assert.ok(!redactUrl(`https://c.example.com/enroll/${jwt}`).includes(jwt));
    });

    it('URL fragments and queries (OAuth implicit answers)', () => {
      const out = redactUrl('https://app.example.com/cb#access_token=at-123456&token_type=Bearer&id_token=it-654321&state=xyz');
      assert.ok(!out.includes('at-123456') && !out.includes('it-654321'), out);
      assert.ok(out.includes('token_type=Bearer') && out.includes('state=xyz'), out);
      assert.ok(!redactText('redirected to https://app.example.com/cb#access_token=at-123456&x=1').includes('at-123456'));
      const q = redactUrl('https://user:pw@ctrl.example.com:1280/edge?token=abc&limit=10');
      assert.ok(!q.includes('pw@') && !q.includes('abc'), q);
      assert.ok(q.includes('limit=10'));
    });
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

  it('keeps ordinary text intact', () => {
    const text = 'GET https://ctrl.example.com:1280/edge/management/v1/sessions?limit=500&offset=0 → 200 (12 ms) [retry 1]';
    assert.strictEqual(redactText(text), text);
    assert.strictEqual(redactText("the server's answer: it's fine"), "the server's answer: it's fine");
  });

  // Exact outputs: what is redacted and, as much, what is kept around it (issue 9, mutation testing of redact.ts).
  describe('exact output (table)', () => {
    const R = REDACTED;
    const TEXT: { name: string; text: string; extra?: string[]; out: string }[] = [
      // Auth schemes in free text: any run of blanks after the scheme; fewer than 6 characters is a word, not a credential.
      { name: 'blanks after the scheme', text: 'got Bearer   abcdef123456 back', out: `got Bearer ${R} back` },
      { name: 'a scheme word before a short word', text: 'Basic auth is off', out: 'Basic auth is off' },
      // Header lines: blanks around the colon, none after it, several after it; the scheme is kept only for Authorization.
      { name: 'a blank before the colon', text: 'Authorization : Token 9f8e7d6c', out: `Authorization : Token ${R}` },
      { name: 'no blank after the colon', text: 'Authorization:Token 9f8e7d6c', out: `Authorization:Token ${R}` },
      { name: 'two blanks after the scheme', text: 'Authorization: Token  9f8e7d6c', out: `Authorization: Token ${R}` },
      { name: 'a credential with blanks that does not start with a scheme name', text: 'Authorization: 12ab34 cd56ef', out: `Authorization: ${R}` },
      { name: 'a cookie header loses its whole value', text: 'Cookie: sid=abc123; theme=dark', out: `Cookie: ${R}` },
      { name: 'a set-cookie header too, scheme-like words included', text: 'Set-Cookie: Secure abc123', out: `Set-Cookie: ${R}` },
      { name: 'a proxy credential keeps its scheme', text: 'Proxy-Authorization: Basic cHJveHk6cHc=', out: `Proxy-Authorization: Basic ${R}` },
      // A quoted value after a header-like key is a pair (util.inspect), not a header line: the rest of the line stays.
      { name: 'inspect form of an authorization key', text: "{ authorization: 'Bearer abcdef123456', accept: 'json' }", out: `{ authorization: '${R}', accept: 'json' }` },
      { name: 'inspect form of a cookie key', text: "{ cookie: 'sid=abc123', accept: 'json' }", out: `{ cookie: '${R}', accept: 'json' }` },
      // URL user info at the start of the text, a user name of several characters.
      { name: 'user info at the start', text: 'https://user:pw-secret@host/x', out: `https://user:${R}@host/x` },
      // A JSON array under a secret key with blanks around the colon.
      { name: 'array with a blank before the colon', text: '{"password" : ["a", "b"], "x": 1}', out: `{"password" : [${R}], "x": 1}` },
      // Secrets inside a clipped (unterminated) public value are still found.
      { name: 'a pair inside a clipped public value', text: '{"message":"login with password=hunter2 and mo…', out: `{"message":"login with password=${R} and mo…` },
      // One-time codes: only 4–10 digits, blanks around them allowed.
      { name: 'a padded one-time code', text: '{"code":" 123456 "}', out: `{"code":"${R}"}` },
      { name: 'an error code ending in digits', text: '{"code":"ERR1234"}', out: '{"code":"ERR1234"}' },
      { name: 'an error code starting with digits', text: '{"code":"1234567ABC"}', out: '{"code":"1234567ABC"}' },
      // Known secret values: each at least 4 characters (shorter ones, and empty ones, would redact ordinary text).
      { name: 'a known secret of 4 characters', text: 'key k9f8 here', extra: ['k9f8'], out: `key ${R} here` },
      { name: 'empty and short known secrets are ignored', text: 'abc def', extra: ['', 'ab', 'abc'], out: 'abc def' },
    ];
    for (const { name, text, extra, out } of TEXT) {
      it(`redactText: ${name}`, () => {
        assert.strictEqual(redactText(text, extra), out);
      });
    }

    // The search inside the values of public keys is bounded (hostile input cannot make it deep): pairs nested up to
    // four levels are searched, a fifth is not. Each shape of value (bare, quoted, clipped) is checked at the bound.
    const DEPTH: { name: string; text: string; out: string }[] = [
      { name: 'bare values, four levels', text: 'a=b=c=d=password=x', out: `a=b=c=d=password=${R}` },
      { name: 'bare values, five levels', text: 'a=b=c=d=e=password=x', out: 'a=b=c=d=e=password=x' },
      { name: 'quoted values, four levels', text: String.raw`m:"a:'b:\"c:\'password=x\'\"'"`, out: String.raw`m:"a:'b:\"c:\'password=${R}\'\"'"` },
      { name: 'quoted values, five levels', text: String.raw`m:"a:'b:\"c:\'d:\"password=x\"\'\"'"`, out: String.raw`m:"a:'b:\"c:\'d:\"password=x\"\'\"'"` },
      { name: 'a clipped value, four levels', text: 'm="a=b=c=password=x', out: `m="a=b=c=password=${R}` },
      { name: 'a clipped value, five levels', text: 'm="a=b=c=d=password=x', out: 'm="a=b=c=d=password=x' },
      { name: 'a clipped value as the fifth level', text: String.raw`m:"a:'b:\"c:\"d:\'password=x\"'"`, out: String.raw`m:"a:'b:\"c:\"d:\'password=x\"'"` },
    ];
    for (const { name, text, out } of DEPTH) {
      it(`redactText nesting: ${name}`, () => {
        assert.strictEqual(redactText(text), out);
      });
    }

    const URLS: { name: string; url: string; out: string }[] = [
      // A password without a user name (the free-text pattern needs a user name; the URL parser does not).
      { name: 'a password without a user name', url: 'https://:pw-secret@host/x', out: 'https://:redacted@host/x' },
      // Query and fragment values with characters that end a free-text value: the parsed value is replaced whole.
      { name: 'a query value with commas', url: 'https://h/p?token=abc,def;ghi&limit=1', out: `https://h/p?token=${R}&limit=1` },
      { name: 'a fragment value with commas', url: 'https://h/cb#access_token=abc,def&state=x', out: `https://h/cb#access_token=${R}&state=x` },
      // A fragment without secrets is left as it is written (not re-encoded); one without `=` is not a query.
      { name: 'a public fragment keeps its encoding', url: 'https://h/cb#state=a%20b&x=1', out: 'https://h/cb#state=a%20b&x=1' },
      { name: 'a fragment that is an anchor named like a key', url: 'https://h/doc#token', out: 'https://h/doc#token' },
      { name: 'not a URL: redacted as text', url: 'not a url password=abc', out: `not a url password=${R}` },
    ];
    for (const { name, url, out } of URLS) {
      it(`redactUrl: ${name}`, () => {
        assert.strictEqual(redactUrl(url), out);
      });
    }

    it('redactValue: empty secret fields stay as they are (nothing to hide, and "not set" stays visible)', () => {
      assert.deepStrictEqual(redactValue({ password: null, token: undefined, secret: '', apiKey: 0 }), { password: null, token: undefined, secret: '', apiKey: REDACTED });
    });

    it('redactValue: a one-time code is a string or a number, padded or not; a list under `code` is searched, not redacted', () => {
      assert.deepStrictEqual(redactValue({ code: ' 123456 ' }), { code: REDACTED });
      assert.deepStrictEqual(redactValue({ code: [123456] }), { code: [123456] });
      assert.deepStrictEqual(redactValue({ code: { value: 1234 } }), { code: { value: 1234 } });
      assert.deepStrictEqual(redactValue({ code: 'ERR1234' }), { code: 'ERR1234' });
    });
  });
});
