import * as assert from 'assert';
import { bindingMismatch, bindingOf, carryOverOnEdit, ConnectionRecord, connectionIdFromSecretKey, endpointUrls, insecureUrls, newConnectionId, pingOneHosts, secretKey, validateUrl } from '../../src/model/connection';
import { parsePresets } from '../../src/connections/presets';

describe('connection model', () => {
  it('keys secrets by connection id and reads the id back', () => {
    const id = newConnectionId('ziti');
    assert.match(id, /^ziti-[a-z0-9]{10}$/);
    assert.strictEqual(connectionIdFromSecretKey(secretKey(id)), id);
    assert.strictEqual(connectionIdFromSecretKey('other.key'), undefined);
  });

  it('maps PingOne regions to hosts, including sg, and requires both custom hosts', () => {
    assert.deepStrictEqual(pingOneHosts({ region: 'SG' }), { apiUrl: 'https://api.pingone.sg/v1', authUrl: 'https://auth.pingone.sg' });
    assert.deepStrictEqual(pingOneHosts({ region: 'AU' }), { apiUrl: 'https://api.pingone.com.au/v1', authUrl: 'https://auth.pingone.com.au' });
    assert.deepStrictEqual(pingOneHosts({}), { apiUrl: 'https://api.pingone.com/v1', authUrl: 'https://auth.pingone.com' });
    assert.deepStrictEqual(pingOneHosts({ region: 'custom', apiUrl: 'http://127.0.0.1:1/v1/', authUrl: 'http://127.0.0.1:1' }), {
      apiUrl: 'http://127.0.0.1:1/v1',
      authUrl: 'http://127.0.0.1:1',
    });
    assert.throws(() => pingOneHosts({ region: 'custom', apiUrl: 'http://x/v1' }), /both/);
  });

  it('validates URLs with messages a person can act on', () => {
    assert.strictEqual(validateUrl('https://ctrl.example.com:1280'), undefined);
    assert.match(validateUrl('') ?? '', /Enter a URL/);
    assert.match(validateUrl('ctrl.example.com') ?? '', /not a URL/);
    assert.match(validateUrl('ftp://x') ?? '', /http/);
    assert.match(validateUrl('https://u:p@x') ?? '', /credentials/);
    assert.match(validateUrl('http://x', { requireHttps: true }) ?? '', /https/);
  });
});

describe('connection presets from settings', () => {
  it('keeps good entries and reports bad ones without dropping the good', () => {
    const r = parsePresets([
      { backend: 'ziti', label: 'Lab controller', url: 'https://ctrl.lab:1280', username: 'admin' },
      { backend: 'ziti', label: 'No URL' },
      { backend: 'mainframe', label: 'x' },
      { backend: 'pingone', label: 'Ping EU', region: 'EU', environmentId: 'env', clientId: 'cid', clientAuth: 'basic' },
      { backend: 'cohesity', label: 'Leaky', url: 'https://c', password: 'hunter2' },
      'not an object',
      { backend: 'aptible', label: 'Aptible', extra: 1 },
    ]);
    assert.deepStrictEqual(
      r.connections.map((c) => `${c.backend}:${c.label}:${c.source}`),
      ['ziti:Lab controller:preset', 'pingone:Ping EU:preset', 'aptible:Aptible:preset'],
    );
    assert.strictEqual(r.connections[1].endpoints.region, 'EU');
    assert.strictEqual(r.problems.length, 5, r.problems.join('\n'));
    assert.ok(r.problems.some((p) => p.includes('[1]') && p.includes('"url" is required')));
    assert.ok(r.problems.some((p) => p.includes('[4]') && p.includes('must not hold secrets') && !p.includes('hunter2')));
    assert.ok(r.problems.some((p) => p.includes('unknown field(s) extra')));
  });

  it('treats a non-list as one problem and undefined as nothing', () => {
    assert.deepStrictEqual(parsePresets(undefined), { connections: [], problems: [] });
    assert.strictEqual(parsePresets({}).problems.length, 1);
  });
});

describe('secrets bound to the endpoint they were issued for', () => {
  const ziti = (over: Partial<ConnectionRecord> = {}, auth: Partial<ConnectionRecord['auth']> = {}): ConnectionRecord => ({
    id: 'preset-team',
    backend: 'ziti',
    label: 'Team',
    endpoints: { url: 'https://ctrl.example.com:1280' },
    auth: { method: 'password', username: 'admin', ...auth },
    source: 'preset',
    ...over,
  });

  it('binds to the origin and the identity, not to the label, path, production flag or trust', () => {
    const b = bindingOf(ziti());
    assert.deepStrictEqual(b, { backend: 'ziti', origins: ['https://ctrl.example.com:1280'], method: 'password', username: 'admin' });
    const same = ziti({ label: 'Renamed', production: true, endpoints: { url: 'https://ctrl.example.com:1280/edge/management/v1/' }, tls: { trustedCertificates: ['x'] } });
    assert.strictEqual(bindingMismatch(b, bindingOf(same)), undefined);
  });

  it('reports every change of origin or identity, naming it without any secret', () => {
    const b = bindingOf(ziti());
    const moved = bindingMismatch(b, bindingOf(ziti({ endpoints: { url: 'https://evil.example:1280' } })));
    assert.match(moved ?? '', /issued for https:\/\/ctrl\.example\.com:1280.*now points at https:\/\/evil\.example:1280/);
    assert.match(bindingMismatch(b, bindingOf(ziti({ endpoints: { url: 'http://ctrl.example.com:1280' } }))) ?? '', /now points at http:/);
    assert.match(bindingMismatch(b, bindingOf(ziti({ endpoints: { url: 'https://ctrl.example.com:1281' } }))) ?? '', /points at/);
    assert.match(bindingMismatch(b, bindingOf(ziti({}, { username: 'root' }))) ?? '', /user name changed/);
    assert.match(bindingMismatch(b, bindingOf(ziti({}, { method: 'certificate', username: undefined, certificatePath: '/c', keyPath: '/k' }))) ?? '', /sign-in method changed.*client certificate changed/);
    const cert = bindingOf(ziti({}, { method: 'certificate', username: undefined, certificatePath: '/c', keyPath: '/k' }));
    assert.match(bindingMismatch(cert, bindingOf(ziti({}, { method: 'certificate', username: undefined, certificatePath: '/other', keyPath: '/k' }))) ?? '', /client certificate changed/);
    const ping: ConnectionRecord = { id: 'p', backend: 'pingone', label: 'P', endpoints: { region: 'EU' }, auth: { method: 'clientCredentials', environmentId: 'e1', clientId: 'c1' }, source: 'user' };
    const pb = bindingOf(ping);
    assert.deepStrictEqual(pb.origins, ['https://api.pingone.eu', 'https://auth.pingone.eu']);
    assert.match(bindingMismatch(pb, bindingOf({ ...ping, endpoints: { region: 'NA' } })) ?? '', /api\.pingone\.com/);
    assert.match(bindingMismatch(pb, bindingOf({ ...ping, auth: { ...ping.auth, environmentId: 'e2' } })) ?? '', /environment ID changed/);
    assert.match(bindingMismatch(pb, bindingOf({ ...ping, auth: { ...ping.auth, clientId: 'c2' } })) ?? '', /client ID changed/);
    const apt: ConnectionRecord = { id: 'a', backend: 'aptible', label: 'A', endpoints: {}, auth: { method: 'password', username: 'me@x' }, source: 'user' };
    assert.deepStrictEqual(bindingOf(apt).origins, ['https://api.aptible.com', 'https://auth.aptible.com']);
    assert.match(bindingMismatch(bindingOf(apt), bindingOf({ ...apt, endpoints: { authUrl: 'http://127.0.0.1:1', apiUrl: 'https://api.aptible.com' } })) ?? '', /127\.0\.0\.1/);
    const coh: ConnectionRecord = { id: 'c', backend: 'cohesity', label: 'C', endpoints: { url: 'https://c' }, auth: { method: 'password', username: 'u', domain: 'LOCAL' }, source: 'user' };
    assert.match(bindingMismatch(bindingOf(coh), bindingOf({ ...coh, auth: { ...coh.auth, domain: 'CORP' } })) ?? '', /domain changed/);
  });

  it('Edit drops the issued token when the endpoint, user or password changes, and old trust when the address changes', () => {
    const before = ziti({ source: 'user', tls: { trustedCertificates: ['CA'], fingerprints: ['F'] } });
    const stored = { password: 'pw', token: 'zt-old', tokenExpiresAt: 5 };
    // A rename with the same password keeps both.
    const renamed = carryOverOnEdit(before, stored, { ...before, label: 'New name' }, { ...stored });
    assert.deepStrictEqual(renamed.secrets, stored);
    assert.deepStrictEqual(renamed.record.tls, before.tls);
    assert.deepStrictEqual(renamed.dropped, []);
    // Another URL: no token, no trust.
    const moved = carryOverOnEdit(before, stored, { ...before, endpoints: { url: 'https://other:1280' } }, { ...stored });
    assert.deepStrictEqual(moved.secrets, { password: 'pw' });
    assert.strictEqual(moved.record.tls, undefined);
    assert.strictEqual(moved.dropped.length, 2);
    // Another user on the same host: no token, trust stays.
    const user = carryOverOnEdit(before, stored, { ...before, auth: { method: 'password', username: 'root' } }, { ...stored, password: 'pw2' });
    assert.deepStrictEqual(user.secrets, { password: 'pw2' });
    assert.deepStrictEqual(user.record.tls, before.tls);
    // A new password on the same host and user: the token goes, so the test proves the password.
    assert.deepStrictEqual(carryOverOnEdit(before, stored, before, { ...stored, password: 'typo' }).secrets, { password: 'typo' });
    // Another method: the password of the old one goes too.
    const cert = carryOverOnEdit(before, stored, { ...before, auth: { method: 'certificate', certificatePath: '/c', keyPath: '/k' } }, { ...stored });
    assert.deepStrictEqual(cert.secrets, {});
    // A pasted token is the credential itself (the wizard asked it again): it stays.
    const pasted = ziti({ source: 'user' }, { method: 'token', username: undefined });
    assert.deepStrictEqual(carryOverOnEdit(pasted, { token: 'a' }, { ...pasted, endpoints: { url: 'https://other' } }, { token: 'b' }).secrets, { token: 'b' });
  });

  it('lists the http:// endpoints of a connection', () => {
    assert.deepStrictEqual(insecureUrls(ziti()), []);
    assert.deepStrictEqual(insecureUrls(ziti({ endpoints: { url: 'http://ctrl:1280' } })), ['http://ctrl:1280']);
    assert.deepStrictEqual(insecureUrls({ backend: 'pingone', endpoints: { region: 'custom', apiUrl: 'http://127.0.0.1:2/v1', authUrl: 'https://auth' } }), ['http://127.0.0.1:2/v1']);
    assert.deepStrictEqual(insecureUrls({ backend: 'aptible', endpoints: {} }), []);
  });
});

describe('connection presets from settings: each rule, exactly (table)', () => {
  const at = (i: number): string => `sessionManager.connections[${i}]`;
  const ONE: { name: string; entry: unknown; problem?: string; record?: Partial<ConnectionRecord> }[] = [
    { name: 'null', entry: null, problem: `${at(0)}: not an object; ignored.` },
    { name: 'a list', entry: [{ backend: 'ziti' }], problem: `${at(0)}: not an object; ignored.` },
    { name: 'a number', entry: 7, problem: `${at(0)}: not an object; ignored.` },
    {
      name: 'secrets, every one named, none shown',
      entry: { backend: 'pingone', label: 'P', clientSecret: 'cs-1', client_secret: 'cs-2', apikey: 'k-3', jwt: 'j-4', sessionId: 's-5', token: 't-6', secret: 's-7', apiKey: 'k-8' },
      problem: `${at(0)}: settings must not hold secrets (clientSecret, client_secret, apikey, jwt, sessionId, token, secret, apiKey); the entry is ignored. Sign in to enter them into secret storage instead.`,
    },
    { name: 'no backend', entry: { label: 'x' }, problem: `${at(0)}: "backend" must be one of ziti, pingone, aptible, cohesity; ignored.` },
    { name: 'a blank label', entry: { backend: 'aptible', label: '  ' }, problem: `${at(0)}: "label" is required; ignored.` },
    { name: 'a label that is not text', entry: { backend: 'aptible', label: 5 }, problem: `${at(0)}: "label" is required; ignored.` },
    { name: 'a method of another backend', entry: { backend: 'cohesity', label: 'C', url: 'https://c', authMethod: 'certificate' }, problem: `${at(0)}: "authMethod" for cohesity must be one of password, apiKey; ignored.` },
    { name: 'a bad clientAuth', entry: { backend: 'pingone', label: 'P', clientAuth: 'jwt-bearer' }, problem: `${at(0)}: "clientAuth" must be "basic" or "post"; ignored.` },
    { name: 'a bad URL', entry: { backend: 'ziti', label: 'Z', url: 'ctrl lab' }, problem: `${at(0)}: "url": This is not a URL. Include the scheme, e.g. https://ctrl.example.com:1280; ignored.` },
    { name: 'a Cohesity without URL', entry: { backend: 'cohesity', label: 'C' }, problem: `${at(0)}: "url" is required for cohesity; ignored.` },
    { name: 'an unknown PingOne region', entry: { backend: 'pingone', label: 'P', region: 'MARS' }, problem: `${at(0)}: "region" must be one of NA, EU, AP, AU, CA, SG or custom; ignored.` },
    { name: 'a region named like an object member', entry: { backend: 'pingone', label: 'P', region: 'toString' }, problem: `${at(0)}: "region" must be one of NA, EU, AP, AU, CA, SG or custom; ignored.` },
    { name: 'a custom region without the auth URL', entry: { backend: 'pingone', label: 'P', region: 'custom', apiUrl: 'https://api.p/v1' }, problem: `${at(0)}: a custom PingOne region needs both "apiUrl" and "authUrl"; ignored.` },
    { name: 'a custom region without the API URL', entry: { backend: 'pingone', label: 'P', region: 'custom', authUrl: 'https://auth.p' }, problem: `${at(0)}: a custom PingOne region needs both "apiUrl" and "authUrl"; ignored.` },
    {
      name: 'every field, trimmed, trailing slashes dropped',
      entry: { id: ' team-1 ', backend: ' ziti ', label: ' Lab ', url: ' https://ctrl.lab:1280// ', authMethod: ' certificate ', username: ' admin ', production: true },
      record: { id: 'preset-team-1', backend: 'ziti', label: 'Lab', source: 'preset', production: true, endpoints: { url: 'https://ctrl.lab:1280' }, auth: { method: 'certificate', username: 'admin', domain: undefined, environmentId: undefined, clientId: undefined } },
    },
    {
      name: 'defaults: the id from backend and label, the first method, not production',
      entry: { backend: 'cohesity', label: 'Main  Cluster #2', url: 'https://c', domain: 'CORP', production: 'yes' },
      record: { id: 'preset-cohesity-main-cluster-2', backend: 'cohesity', label: 'Main  Cluster #2', source: 'preset', production: false, endpoints: { url: 'https://c' }, auth: { method: 'password', username: undefined, domain: 'CORP', environmentId: undefined, clientId: undefined } },
    },
    {
      name: 'PingOne with the default region',
      entry: { backend: 'pingone', label: 'P', environmentId: 'env', clientId: 'cid', clientAuth: 'post' },
      record: { id: 'preset-pingone-p', backend: 'pingone', label: 'P', source: 'preset', production: false, endpoints: { region: 'NA' }, auth: { method: 'clientCredentials', username: undefined, domain: undefined, environmentId: 'env', clientId: 'cid', clientAuth: 'post' } },
    },
    {
      name: 'PingOne with custom hosts and no region: custom',
      entry: { backend: 'pingone', label: 'P', apiUrl: 'https://api.p/v1/', authUrl: 'https://auth.p' },
      record: { id: 'preset-pingone-p', backend: 'pingone', label: 'P', source: 'preset', production: false, endpoints: { apiUrl: 'https://api.p/v1', authUrl: 'https://auth.p', region: 'custom' }, auth: { method: 'clientCredentials', username: undefined, domain: undefined, environmentId: undefined, clientId: undefined } },
    },
    {
      name: 'Aptible needs no URL',
      entry: { backend: 'aptible', label: 'A', authMethod: 'cliToken' },
      record: { id: 'preset-aptible-a', backend: 'aptible', label: 'A', source: 'preset', production: false, endpoints: {}, auth: { method: 'cliToken', username: undefined, domain: undefined, environmentId: undefined, clientId: undefined } },
    },
  ];
  for (const { name, entry, problem, record } of ONE) {
    it(`${name}: ${problem ? 'ignored with its problem' : 'kept as a read-only record'}`, () => {
      const r = parsePresets([entry]);
      assert.deepStrictEqual(r.problems, problem ? [problem] : []);
      assert.deepStrictEqual(r.connections, record ? [record] : []);
    });
  }

  it('every bad URL of an entry is named, and an unknown field is reported but the entry kept', () => {
    const bad = parsePresets([{ backend: 'pingone', label: 'P', apiUrl: 'ftp://a', authUrl: 'https://u:p@b' }]);
    assert.deepStrictEqual(bad.problems, [
      `${at(0)}: "apiUrl": Use an http:// or https:// URL.; ignored.`,
      `${at(0)}: "authUrl": Leave credentials out of the URL; Session Manager asks for them next and keeps them in secret storage.; ignored.`,
    ]);
    assert.deepStrictEqual(bad.connections, []);
    const extra = parsePresets([{ backend: 'aptible', label: 'A', colour: 'red', icon: 'x' }]);
    assert.deepStrictEqual(extra.problems, [`${at(0)}: unknown field(s) colour, icon were ignored.`]);
    assert.deepStrictEqual(extra.connections.map((c) => c.id), ['preset-aptible-a']);
  });

  it('a second entry with the same id is ignored; an ignored entry does not take its id', () => {
    const r = parsePresets([
      { backend: 'ziti', label: 'Lab', url: 'ftp://bad' },
      { backend: 'ziti', label: 'Lab', url: 'https://a' },
      { backend: 'ziti', label: 'LAB', url: 'https://b' },
      { id: 'x', backend: 'aptible', label: 'One' },
      { id: 'x', backend: 'aptible', label: 'Two' },
    ]);
    assert.deepStrictEqual(
      r.connections.map((c) => [c.id, c.endpoints.url ?? c.label]),
      [
        ['preset-ziti-lab', 'https://a'],
        ['preset-x', 'One'],
      ],
    );
    assert.deepStrictEqual(r.problems, [
      `${at(0)}: "url": Use an http:// or https:// URL.; ignored.`,
      `${at(2)}: duplicate id preset-ziti-lab; ignored.`,
      `${at(4)}: duplicate id preset-x; ignored.`,
    ]);
  });

  it('null is nothing; any other non-list is one problem', () => {
    assert.deepStrictEqual(parsePresets(null), { connections: [], problems: [] });
    for (const v of [{}, 'ziti', 3]) {
      assert.deepStrictEqual(parsePresets(v), { connections: [], problems: ['sessionManager.connections must be a list of connections.'] });
    }
  });
});

describe('connection model: exact values (table)', () => {
  it('validateUrl: each message word for word, blanks trimmed', () => {
    const CASES: [string, { requireHttps?: boolean } | undefined, string | undefined][] = [
      ['  https://ctrl.example.com:1280  ', undefined, undefined],
      ['http://ctrl.example.com', undefined, undefined],
      ['HTTPS://CTRL.example.com', { requireHttps: true }, undefined],
      ['   ', undefined, 'Enter a URL.'],
      ['ctrl example', undefined, 'This is not a URL. Include the scheme, e.g. https://ctrl.example.com:1280'],
      ['ftp://x', undefined, 'Use an http:// or https:// URL.'],
      ['http://x', { requireHttps: true }, 'Use https://'],
      ['https://u@x', undefined, 'Leave credentials out of the URL; Session Manager asks for them next and keeps them in secret storage.'],
      ['https://:p@x', undefined, 'Leave credentials out of the URL; Session Manager asks for them next and keeps them in secret storage.'],
    ];
    for (const [value, opts, message] of CASES) {
      assert.strictEqual(validateUrl(value, opts), message, value);
    }
  });

  it('endpointUrls: each backend, with its defaults and a half-custom PingOne', () => {
    assert.deepStrictEqual(endpointUrls({ backend: 'ziti', endpoints: {} }), []);
    assert.deepStrictEqual(endpointUrls({ backend: 'cohesity', endpoints: { url: 'https://c:443' } }), ['https://c:443']);
    assert.deepStrictEqual(endpointUrls({ backend: 'aptible', endpoints: { apiUrl: 'https://api.x', authUrl: '' } }), ['https://api.x', 'https://auth.aptible.com']);
    assert.deepStrictEqual(endpointUrls({ backend: 'aptible', endpoints: { authUrl: 'https://auth.x' } }), ['https://api.aptible.com', 'https://auth.x']);
    assert.deepStrictEqual(endpointUrls({ backend: 'pingone', endpoints: { region: 'CA' } }), ['https://api.pingone.ca/v1', 'https://auth.pingone.ca']);
    // Half a custom pair: the one URL given (pingOneHosts refuses it).
    assert.deepStrictEqual(endpointUrls({ backend: 'pingone', endpoints: { apiUrl: 'https://api.p/v1' } }), ['https://api.p/v1']);
    assert.deepStrictEqual(endpointUrls({ backend: 'pingone', endpoints: { region: 'custom' } }), []);
  });

  it('pingOneHosts: any custom URL makes the pair custom; every region suffix', () => {
    assert.throws(() => pingOneHosts({ region: 'EU', authUrl: 'https://auth.p' }), { message: 'A custom PingOne connection needs both the API URL and the auth URL.' });
    assert.throws(() => pingOneHosts({ apiUrl: 'https://api.p/v1' }), /both the API URL and the auth URL/);
    assert.deepStrictEqual(pingOneHosts({ region: 'EU', apiUrl: 'https://a///', authUrl: 'https://b/' }), { apiUrl: 'https://a', authUrl: 'https://b' });
    for (const [region, suffix] of [['NA', 'com'], ['EU', 'eu'], ['AP', 'asia'], ['AU', 'com.au'], ['CA', 'ca'], ['SG', 'sg']] as const) {
      assert.deepStrictEqual(pingOneHosts({ region }), { apiUrl: `https://api.pingone.${suffix}/v1`, authUrl: `https://auth.pingone.${suffix}` });
    }
  });

  it('bindingOf: origins deduplicated and sorted, empty identity fields left out', () => {
    const rec: ConnectionRecord = {
      id: 'a',
      backend: 'aptible',
      label: 'A',
      endpoints: { apiUrl: 'https://z.example/api', authUrl: 'https://z.example/auth' },
      auth: { method: 'password', username: '', domain: 'D', environmentId: '', clientId: 'c', certificatePath: '/c', keyPath: '/k' },
      source: 'user',
    };
    assert.deepStrictEqual(bindingOf(rec), { backend: 'aptible', origins: ['https://z.example'], method: 'password', domain: 'D', clientId: 'c', certificatePath: '/c', keyPath: '/k' });
    const two = bindingOf({ ...rec, endpoints: { apiUrl: 'https://b.example', authUrl: 'https://a.example' } });
    assert.deepStrictEqual(two.origins, ['https://a.example', 'https://b.example']);
    // A URL that does not parse is compared as typed.
    assert.deepStrictEqual(bindingOf({ ...rec, backend: 'ziti', endpoints: { url: 'not a url' } }).origins, ['not a url']);
  });

  it('bindingMismatch: the whole message, every field named, origins in any order', () => {
    const base = { backend: 'ziti' as const, origins: ['https://a', 'https://b'], method: 'password' as const, username: 'u' };
    assert.strictEqual(bindingMismatch(base, { ...base, origins: ['https://b', 'https://a'] }), undefined);
    assert.strictEqual(bindingMismatch({ ...base, username: '' } as never, { ...base, username: undefined }), undefined, 'empty and absent are the same');
    assert.strictEqual(
      bindingMismatch({ ...base, origins: ['https://a'] }, { ...base, origins: ['https://c', 'https://b'] }),
      'The stored credentials were not sent: they were issued for https://a, and the connection now points at https://b and https://c. Sign in again.',
    );
    assert.strictEqual(
      bindingMismatch({ ...base, origins: undefined } as never, base),
      'The stored credentials were not sent: they were issued for another server, and the connection now points at https://a and https://b. Sign in again.',
    );
    assert.strictEqual(
      bindingMismatch(base, { ...base, origins: [] }),
      'The stored credentials were not sent: they were issued for https://a and https://b, and the connection now points at no server. Sign in again.',
    );
    const full = { backend: 'pingone' as const, origins: ['https://a'], method: 'clientCredentials' as const, username: 'u', domain: 'd', environmentId: 'e', clientId: 'c', certificatePath: '/c', keyPath: '/k' };
    assert.strictEqual(
      bindingMismatch(full, { backend: 'cohesity', origins: ['https://a'], method: 'apiKey' }),
      'The stored credentials were not sent: the backend changed; the sign-in method changed; the user name changed; the domain changed; the environment ID changed; the client ID changed; the client certificate changed; the private key changed. Sign in again.',
    );
  });

  it('carryOverOnEdit: a new client secret or API key drops the issued token too; an imported CLI token stays', () => {
    const ping: ConnectionRecord = { id: 'p', backend: 'pingone', label: 'P', endpoints: { region: 'EU' }, auth: { method: 'clientCredentials', environmentId: 'e', clientId: 'c' }, source: 'user' };
    assert.deepStrictEqual(carryOverOnEdit(ping, { clientSecret: 'a', password: 'x' }, ping, { clientSecret: 'b', password: 'x' }), { record: ping, secrets: { clientSecret: 'b' }, dropped: [] });
    const coh: ConnectionRecord = { id: 'c', backend: 'cohesity', label: 'C', endpoints: { url: 'https://c' }, auth: { method: 'password', username: 'u' }, source: 'user' };
    const token = { password: 'pw', token: 'sid', tokenExpiresAt: 9 };
    assert.deepStrictEqual(carryOverOnEdit(coh, { ...token, apiKey: 'k1' }, coh, { ...token, apiKey: 'k2' }), { record: coh, secrets: { password: 'pw' }, dropped: ['the session token issued before the change'] });
    const apt: ConnectionRecord = { id: 'a', backend: 'aptible', label: 'A', endpoints: {}, auth: { method: 'cliToken' }, source: 'user' };
    const moved = { ...apt, endpoints: { apiUrl: 'https://api.other' } };
    assert.deepStrictEqual(carryOverOnEdit(apt, { token: 't' }, moved, { token: 't', tokenExpiresAt: 1 }), { record: moved, secrets: { token: 't', tokenExpiresAt: 1 }, dropped: [] });
    const trusted = { ...coh, tls: { trustedCertificates: ['CA'] } };
    const away = { ...trusted, endpoints: { url: 'https://d' } };
    assert.deepStrictEqual(carryOverOnEdit(trusted, { password: 'pw' }, away, { password: 'pw' }), { record: { ...coh, endpoints: { url: 'https://d' } }, secrets: { password: 'pw' }, dropped: ['the certificates trusted for the previous address'] });
  });

  it('secret keys and new ids', () => {
    assert.strictEqual(secretKey('ziti-1'), 'sessionManager.connection.ziti-1.secrets');
    assert.strictEqual(connectionIdFromSecretKey('xsessionManager.connection.a.secrets'), undefined);
    assert.strictEqual(connectionIdFromSecretKey('sessionManager.connection.a.secrets.old'), undefined);
    assert.strictEqual(connectionIdFromSecretKey('sessionManager.connection.a.b.secrets'), 'a.b');
    let i = 0;
    const steps = [0, 0.999, 0.5, 0.1, 0.3, 0.7, 0.9, 0.2, 0.4, 0.6];
    assert.strictEqual(newConnectionId('cohesity', () => steps[i++]), 'cohesity-a9sdkz6hov');
  });

  it('insecureUrls: http in any case, blanks around', () => {
    assert.deepStrictEqual(insecureUrls({ backend: 'ziti', endpoints: { url: ' HTTP://ctrl:1280' } }), [' HTTP://ctrl:1280']);
    assert.deepStrictEqual(insecureUrls({ backend: 'ziti', endpoints: { url: 'https://http.example' } }), []);
  });
});
