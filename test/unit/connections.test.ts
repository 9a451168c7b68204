import * as assert from 'assert';
import { bindingMismatch, bindingOf, carryOverOnEdit, ConnectionRecord, connectionIdFromSecretKey, insecureUrls, newConnectionId, pingOneHosts, secretKey, validateUrl } from '../../src/model/connection';
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
