import * as assert from 'assert';
import { connectionIdFromSecretKey, newConnectionId, pingOneHosts, secretKey, validateUrl } from '../../src/connections/model';
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
