// OpenZiti emulator over real HTTPS (sandbox CA as the only trust anchor); every answer is checked against the
// vendor's Swagger spec (../shared/specs/openziti-edge-management.yml) with contract.ts.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as tls from 'tls';
import forge from 'node-forge';
import { importSPKI, jwtVerify, decodeJwt } from 'jose';
import { requireSpec, validateResponse, type LoadedSpec } from './contract';
import { request, HttpResult } from './http';
import { start, Sandbox } from './server';
import { HOSTILE_SERVICE_NAME, MFA_CODE } from './ziti/data';
import type { ZitiState } from './ziti';

const BASE = '/edge/management/v1';
// Every answer is checked against the vendor spec: each top-level suite loads it in its first `before` hook, and fails
// without it (or, with SM_ALLOW_MISSING_SPECS=1, is recorded as skipped).
let spec: LoadedSpec | undefined;
function loadZitiSpec(this: Mocha.Context): void {
  spec = requireSpec(this, 'ziti');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

class Client {
  token: string | undefined;
  constructor(private readonly sb: Sandbox) {}
  /** Calls the API; asserts the status (if given) and that the answer matches the vendor spec for that status. */
  async call(method: string, path: string, opts: { body?: unknown; token?: string | null; expect?: number; cert?: { certPem: string; keyPem: string } } = {}): Promise<HttpResult & { body: J }> {
    const url = this.sb.urls.ziti + (path.startsWith('/edge/') || path.startsWith('/.well-known') || path === '/version' || path === '/' ? path : BASE + path);
    const token = opts.token === null ? undefined : (opts.token ?? this.token);
    const r = await request(url, {
      method,
      body: opts.body,
      ca: this.sb.ca.pem,
      headers: token ? { 'zt-session': token } : {},
      cert: opts.cert?.certPem,
      key: opts.cert?.keyPem,
    });
    if (opts.expect !== undefined) {
      assert.strictEqual(r.status, opts.expect, `${method} ${path}: expected ${opts.expect}, got ${r.status}: ${r.text.slice(0, 300)}`);
    }
    if (!spec) {
      throw new Error('no vendor spec loaded: the suite must call before(loadZitiSpec)');
    }
    const urlPath = new URL(url).pathname;
    const errors = validateResponse(spec, method, urlPath, r.status, r.json ?? r.text);
    assert.deepStrictEqual(errors, [], `contract drift on ${method} ${path}`);
    return { ...r, body: r.json as J };
  }
  async login(username = 'admin', password = 'ziti-sandbox-admin'): Promise<J> {
    const r = await this.call('POST', '/authenticate?method=password', { body: { username, password }, token: null, expect: 200 });
    this.token = r.body.data.token;
    return r.body.data;
  }
}

function zitiState(sb: Sandbox): ZitiState {
  return sb.state.ziti.state as ZitiState;
}

function assertError(r: { status: number; body: J }, status: number, code: string): void {
  assert.strictEqual(r.status, status);
  assert.strictEqual(r.body.error.code, code);
  assert.ok(typeof r.body.error.requestId === 'string' && r.body.error.requestId.length > 10, 'requestId');
  assert.ok(r.body.meta && typeof r.body.meta.apiVersion === 'string');
  assert.ok(r.body.error.args && typeof r.body.error.args.urlVars === 'object');
}

function future(sb: Sandbox, hours: number): string {
  return new Date(sb.now() + hours * 3600 * 1000).toISOString();
}

describe('OpenZiti emulator (HTTPS, vendor contract)', function () {
  this.timeout(30000);
  before(loadZitiSpec);
  let sb: Sandbox;
  let c: Client;

  before(async () => {
    sb = await start({ backends: ['ziti'], seed: 42 });
    c = new Client(sb);
    await c.login();
  });
  after(async () => {
    await sb?.stop();
  });

  describe('discovery and TLS bootstrap', () => {
    it('serves /version, /edge/management/v1/version and / with the management path', async () => {
      for (const p of ['/version', `${BASE}/version`, '/']) {
        const r = await c.call('GET', p, { token: null, expect: 200 });
        assert.strictEqual(r.body.data.apiVersions['edge-management'].v1.path, BASE);
        assert.ok(r.body.data.version);
      }
    });

    it('serves the CA as base64 PKCS#7 at /.well-known/est/cacerts, and that CA verifies the server', async () => {
      const r = await c.call('GET', '/.well-known/est/cacerts', { token: null, expect: 200 });
      assert.strictEqual(r.headers['content-type'], 'application/pkcs7-mime');
      const der = forge.util.decode64(r.text.replace(/\s+/g, ''));
      const p7 = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(der)) as forge.pkcs7.PkcsSignedData;
      assert.strictEqual(p7.certificates.length, 1);
      const caPem = forge.pki.certificateToPem(p7.certificates[0]);
      assert.strictEqual(new crypto.X509Certificate(caPem).fingerprint256, sb.ca.sha256Fingerprint);
      // A TLS handshake trusting only the bundle's CA succeeds and the server's leaf is signed by it.
      const port = Number(new URL(sb.urls.ziti).port);
      const peer = await new Promise<tls.PeerCertificate>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, ca: [caPem] }, () => {
          assert.ok(s.authorized);
          const cert = s.getPeerCertificate();
          s.end();
          resolve(cert);
        });
        s.on('error', reject);
      });
      const leaf = new crypto.X509Certificate(peer.raw);
      assert.ok(leaf.verify(new crypto.X509Certificate(caPem).publicKey));
      assert.ok(leaf.checkIP('127.0.0.1'));
    });

    it('is not trusted without the sandbox CA (clients must trust it, never disable verification)', async () => {
      await assert.rejects(request(sb.urls.ziti + '/version', {}), /self.signed|unable to verify|certificate/i);
    });
  });

  describe('authentication', () => {
    it('password login returns a currentApiSessionDetail with token and expiry', async () => {
      const d = await new Client(sb).login();
      assert.match(d.token, /^[0-9a-f-]{36}$/);
      assert.strictEqual(d.expirationSeconds, 1800);
      assert.ok(Math.abs(Date.parse(d.expiresAt) - (sb.now() + 1800_000)) < 5000);
      assert.deepStrictEqual(d.authQueries, []);
      assert.strictEqual(d.identity.name, 'Default Admin');
    });

    it('wrong credentials → 401 INVALID_AUTH; unknown method → 400', async () => {
      const r = await c.call('POST', '/authenticate?method=password', { body: { username: 'admin', password: 'nope' }, token: null, expect: 401 });
      assertError(r, 401, 'INVALID_AUTH');
      const r2 = await c.call('POST', '/authenticate?method=magic', { body: {}, token: null, expect: 400 });
      assertError(r2, 400, 'COULD_NOT_VALIDATE');
    });

    it('no or bad zt-session → 401 UNAUTHORIZED error envelope', async () => {
      assertError(await c.call('GET', '/sessions', { token: null, expect: 401 }), 401, 'UNAUTHORIZED');
      assertError(await c.call('GET', '/sessions', { token: 'not-a-token', expect: 401 }), 401, 'UNAUTHORIZED');
      assertError(await c.call('GET', '/current-api-session', { token: 'not-a-token', expect: 401 }), 401, 'UNAUTHORIZED');
    });

    it('GET and DELETE /current-api-session (logout invalidates the token)', async () => {
      const me = new Client(sb);
      const d = await me.login();
      const r = await me.call('GET', '/current-api-session', { expect: 200 });
      assert.strictEqual(r.body.data.id, d.id);
      assert.ok(r.body.data.expiresAt);
      const del = await me.call('DELETE', '/current-api-session', { expect: 200 });
      assert.deepStrictEqual(del.body.data, {});
      await me.call('GET', '/sessions', { expect: 401 });
      await c.call('GET', `/api-sessions/${d.id}`, { expect: 404 });
    });

    it('MFA user must pass /authenticate/mfa before anything else works', async () => {
      const m = new Client(sb);
      const d = await m.login('mfa-admin', 'ziti-sandbox-mfa');
      assert.strictEqual(d.isMfaRequired, true);
      assert.strictEqual(d.isMfaComplete, false);
      assert.strictEqual(d.authQueries.length, 1);
      assert.strictEqual(d.authQueries[0].typeId, 'MFA');
      assert.strictEqual(d.authQueries[0].provider, 'ziti');
      assertError(await m.call('GET', '/sessions', { expect: 401 }), 401, 'UNAUTHORIZED');
      const wrong = await m.call('POST', '/authenticate/mfa', { body: { code: '000000' }, expect: 401 });
      assert.deepStrictEqual(wrong.body.data, {});
      await m.call('GET', '/sessions', { expect: 401 });
      const ok = await m.call('POST', '/authenticate/mfa', { body: { code: MFA_CODE }, expect: 200 });
      assert.deepStrictEqual(ok.body.data, {});
      await m.call('GET', '/sessions', { expect: 200 });
      const cur = await m.call('GET', '/current-api-session', { expect: 200 });
      assert.strictEqual(cur.body.data.isMfaComplete, true);
      assert.deepStrictEqual(cur.body.data.authQueries, []);
    });

    it('method=cert accepts a client certificate issued by the sandbox CA (CN = identity name)', async () => {
      const cert = sb.issueClientCert('Default Admin');
      const r = await c.call('POST', '/authenticate?method=cert', { body: {}, token: null, cert, expect: 200 });
      assert.strictEqual(r.body.data.identity.name, 'Default Admin');
      await c.call('GET', '/sessions?limit=1', { token: r.body.data.token, expect: 200 });
      assertError(await c.call('POST', '/authenticate?method=cert', { body: {}, token: null, expect: 401 }), 401, 'INVALID_AUTH');
    });

    it('expire-tokens (admin endpoint and fault) → 401 with the old token', async () => {
      const a = new Client(sb);
      await a.login();
      await a.call('GET', '/sessions?limit=1', { expect: 200 });
      const r = await request(`${sb.urls.ziti}/__sandbox/expire-tokens`, { method: 'POST', ca: sb.ca.pem });
      assert.strictEqual(r.status, 200);
      assertError(await a.call('GET', '/sessions?limit=1', { expect: 401 }), 401, 'UNAUTHORIZED');
      await a.login();
      sb.faults.set('ziti', { expireTokens: true });
      sb.faults.clear('ziti');
      assertError(await a.call('GET', '/sessions?limit=1', { expect: 401 }), 401, 'UNAUTHORIZED');
      await c.login();
    });
  });

  describe('sessions', () => {
    it('pages: default 10, max 500, offset, totalCount, filterableFields', async () => {
      const total = zitiState(sb).data.sessions.size;
      const r = await c.call('GET', '/sessions', { expect: 200 });
      assert.strictEqual(r.body.data.length, 10);
      assert.deepStrictEqual(r.body.meta.pagination, { limit: 10, offset: 0, totalCount: total });
      for (const f of ['id', 'type', 'serviceId', 'service.name', 'identityId', 'identity.name', 'apiSessionId', 'createdAt']) {
        assert.ok(r.body.meta.filterableFields.includes(f), f);
      }
      const big = await c.call('GET', '/sessions?limit=1000', { expect: 200 });
      assert.strictEqual(big.body.meta.pagination.limit, 500);
      assert.strictEqual(big.body.data.length, Math.min(500, total));
      const seen = new Set<string>();
      for (let offset = 0; offset < total; offset += 100) {
        const p = await c.call('GET', `/sessions?limit=100&offset=${offset}`, { expect: 200 });
        assert.strictEqual(p.body.meta.pagination.offset, offset);
        p.body.data.forEach((s: J) => seen.add(s.id));
      }
      assert.strictEqual(seen.size, total);
      const past = await c.call('GET', `/sessions?offset=${total + 5}`, { expect: 200 });
      assert.deepStrictEqual(past.body.data, []);
      assertError(await c.call('GET', '/sessions?limit=abc', { expect: 400 }), 400, 'COULD_NOT_VALIDATE');
    });

    it('filters by id, type, serviceId, service.name, identityId, identity.name, apiSessionId, createdAt', async () => {
      const st = zitiState(sb);
      const all = [...st.data.sessions.values()];
      const s0 = all[3];
      const count = async (filter: string): Promise<number> => (await c.call('GET', `/sessions?filter=${encodeURIComponent(filter)}`, { expect: 200 })).body.meta.pagination.totalCount;
      assert.strictEqual(await count(`id = "${s0.id}"`), 1);
      assert.strictEqual(await count('type = "Bind"'), all.filter((s) => s.type === 'Bind').length);
      assert.strictEqual(await count(`serviceId = "${s0.serviceId}"`), all.filter((s) => s.serviceId === s0.serviceId).length);
      const svcName = st.data.services.get(s0.serviceId)!.name;
      assert.strictEqual(await count(`service.name = "${svcName}"`), all.filter((s) => s.serviceId === s0.serviceId).length);
      assert.strictEqual(await count(`identityId = "${s0.identityId}"`), all.filter((s) => s.identityId === s0.identityId).length);
      const idName = st.data.identities.get(s0.identityId)!.name;
      assert.strictEqual(await count(`identity.name = "${idName}"`), all.filter((s) => s.identityId === s0.identityId).length);
      assert.strictEqual(await count(`apiSessionId = "${s0.apiSessionId}"`), all.filter((s) => s.apiSessionId === s0.apiSessionId).length);
      const cut = all[10].createdAt;
      assert.strictEqual(await count(`createdAt > datetime(${new Date(cut).toISOString()})`), all.filter((s) => s.createdAt > cut).length);
      assert.strictEqual(await count(`type = "Dial" and (service.name contains "web" or service.name = "vault")`), all.filter((s) => s.type === 'Dial' && (/web/.test(st.data.services.get(s.serviceId)!.name) || st.data.services.get(s.serviceId)!.name === 'vault')).length);
    });

    it('sorts and pages inside the filter (sort by, skip, limit)', async () => {
      const r = await c.call('GET', `/sessions?filter=${encodeURIComponent('true sort by createdAt desc skip 2 limit 5')}`, { expect: 200 });
      assert.strictEqual(r.body.data.length, 5);
      assert.strictEqual(r.body.meta.pagination.offset, 2);
      assert.strictEqual(r.body.meta.pagination.limit, 5);
      const times = r.body.data.map((s: J) => Date.parse(s.createdAt));
      assert.deepStrictEqual([...times].sort((a, b) => b - a), times);
      const sorted = [...zitiState(sb).data.sessions.values()].map((s) => s.createdAt).sort((a, b) => b - a);
      assert.strictEqual(times[0], sorted[2]);
    });

    it('rejects an unparseable filter or an unknown field with 400 INVALID_FILTER', async () => {
      for (const f of ['type = ', 'type == "Dial"', 'colour = "red"', '(type = "Dial"']) {
        const r = await c.call('GET', `/sessions?filter=${encodeURIComponent(f)}`, { expect: 400 });
        assertError(r, 400, 'INVALID_FILTER');
        assert.ok(r.body.error.causeMessage.length > 0);
      }
    });

    it('detail, route-path and delete (200 empty envelope, then 404)', async () => {
      const st = zitiState(sb);
      const s = [...st.data.sessions.values()].find((x) => x.type === 'Dial' && x.routePath.length > 0)!;
      const d = await c.call('GET', `/sessions/${s.id}`, { expect: 200 });
      assert.strictEqual(d.body.data.id, s.id);
      assert.strictEqual(d.body.data.service.name, st.data.services.get(s.serviceId)!.name);
      assert.ok(d.body.data.edgeRouters.length >= 1);
      const rp = await c.call('GET', `/sessions/${s.id}/route-path`, { expect: 200 });
      assert.deepStrictEqual(rp.body.data.routePath, s.routePath);
      const del = await c.call('DELETE', `/sessions/${s.id}`, { expect: 200 });
      assert.deepStrictEqual(del.body, { data: {}, meta: del.body.meta });
      assert.deepStrictEqual(del.body.data, {});
      assertError(await c.call('GET', `/sessions/${s.id}`, { expect: 404 }), 404, 'NOT_FOUND');
      const again = await c.call('DELETE', `/sessions/${s.id}`, { expect: 404 });
      assertError(again, 404, 'NOT_FOUND');
      assert.strictEqual(again.body.error.args.urlVars.id, s.id);
      await c.call('GET', `/sessions/${s.id}/route-path`, { expect: 404 });
    });

    it('route paths: [] for Bind and idle Dial; 1–4 router ids, ingress edge router first, all resolvable', async () => {
      const st = zitiState(sb);
      const all = [...st.data.sessions.values()];
      const bind = all.find((s) => s.type === 'Bind')!;
      assert.deepStrictEqual((await c.call('GET', `/sessions/${bind.id}/route-path`, { expect: 200 })).body.data.routePath, []);
      const idle = all.find((s) => s.type === 'Dial' && s.routePath.length === 0)!;
      assert.deepStrictEqual((await c.call('GET', `/sessions/${idle.id}/route-path`, { expect: 200 })).body.data.routePath, []);
      const dial = all.filter((s) => s.type === 'Dial');
      const withCircuit = dial.filter((s) => s.routePath.length > 0);
      const ratio = withCircuit.length / dial.length;
      assert.ok(ratio > 0.55 && ratio < 0.85, `~70% of Dial sessions have a circuit (got ${ratio})`);
      assert.ok(all.filter((s) => s.type === 'Bind').every((s) => s.routePath.length === 0));
      let sawTransitOnly = false;
      for (const s of withCircuit.slice(0, 40)) {
        const path: string[] = (await c.call('GET', `/sessions/${s.id}/route-path`, { expect: 200 })).body.data.routePath;
        assert.ok(path.length >= 1 && path.length <= 4);
        const ingress = await c.call('GET', `/edge-routers/${path[0]}`, { expect: 200 });
        assert.strictEqual(ingress.body.data.isOnline, true);
        for (const id of path) {
          const r = await c.call('GET', `/routers/${id}`, { expect: 200 });
          assert.strictEqual(r.body.data.id, id);
          if (!st.data.routers.get(id)!.isEdge) {
            sawTransitOnly = true;
            assertError(await c.call('GET', `/edge-routers/${id}`, { expect: 404 }), 404, 'NOT_FOUND');
          }
        }
      }
      assert.ok(sawTransitOnly || withCircuit.every((s) => s.routePath.every((id) => st.data.routers.get(id)!.isEdge)));
      assert.ok([...st.data.routers.values()].some((r) => !r.isEdge), 'a fabric-only transit router exists');
      assert.ok([...st.data.routers.values()].filter((r) => r.isEdge && !r.isOnline).length >= 2, 'a couple of offline edge routers');
    });

    it('includes a hostile HTML service name in a small fraction of sessions', async () => {
      const r = await c.call('GET', `/sessions?filter=${encodeURIComponent(`service.name = "${HOSTILE_SERVICE_NAME}"`)}`, { expect: 200 });
      const n = r.body.meta.pagination.totalCount;
      assert.ok(n >= 1 && n / zitiState(sb).data.sessions.size < 0.05, `hostile sessions: ${n}`);
      assert.strictEqual(r.body.data[0].service.name, '<img src=x onerror=alert(1)>');
    });
  });

  describe('API sessions', () => {
    it('lists (limit/offset/filter), shows detail, and DELETE removes its sessions', async () => {
      const st = zitiState(sb);
      const l = await c.call('GET', '/api-sessions?limit=5', { expect: 200 });
      assert.strictEqual(l.body.data.length, 5);
      assert.strictEqual(l.body.meta.pagination.totalCount, st.data.apiSessions.size);
      const target = [...st.data.apiSessions.values()].find((a) => (st.sessionsByApiSession.get(a.id)?.size ?? 0) > 0 && !a.interactive)!;
      const name = st.data.identities.get(target.identityId)!.name;
      const f = await c.call('GET', `/api-sessions?filter=${encodeURIComponent(`identity.name = "${name}"`)}`, { expect: 200 });
      assert.ok(f.body.data.some((a: J) => a.id === target.id));
      const d = await c.call('GET', `/api-sessions/${target.id}`, { expect: 200 });
      assert.strictEqual(d.body.data.identity.name, name);
      const before = (await c.call('GET', `/sessions?filter=${encodeURIComponent(`apiSessionId = "${target.id}"`)}`, { expect: 200 })).body.meta.pagination.totalCount;
      assert.ok(before > 0);
      const del = await c.call('DELETE', `/api-sessions/${target.id}`, { expect: 200 });
      assert.deepStrictEqual(del.body.data, {});
      const after = (await c.call('GET', `/sessions?filter=${encodeURIComponent(`apiSessionId = "${target.id}"`)}`, { expect: 200 })).body.meta.pagination.totalCount;
      assert.strictEqual(after, 0);
      assertError(await c.call('GET', `/api-sessions/${target.id}`, { expect: 404 }), 404, 'NOT_FOUND');
      assertError(await c.call('DELETE', `/api-sessions/${target.id}`, { expect: 404 }), 404, 'NOT_FOUND');
    });
  });

  describe('identities, CAs, routers', () => {
    it('lists and filters identities; detail has every required field incl. enrollment', async () => {
      const l = await c.call('GET', `/identities?filter=${encodeURIComponent('name contains "laptop"')}&limit=500`, { expect: 200 });
      assert.ok(l.body.data.length > 0);
      assert.ok(l.body.data.every((i: J) => i.name.includes('laptop')));
      const withEnrollment = [...zitiState(sb).data.enrollments.values()].find((e) => e.method === 'ott' && e.identityId)!;
      const d = await c.call('GET', `/identities/${withEnrollment.identityId}`, { expect: 200 });
      assert.strictEqual(d.body.data.enrollment.ott.id, withEnrollment.id);
      assert.ok(d.body.data.enrollment.ott.jwt.split('.').length === 3);
      const ie = await c.call('GET', `/identities/${withEnrollment.identityId}/enrollments`, { expect: 200 });
      assert.ok(ie.body.data.some((e: J) => e.id === withEnrollment.id));
      assert.ok(ie.body.data.every((e: J) => e.identityId === withEnrollment.identityId));
      assertError(await c.call('GET', '/identities/nope', { expect: 404 }), 404, 'NOT_FOUND');
      await c.call('GET', '/identities/nope/enrollments', { expect: 404 });
    });

    it('lists CAs, some with isOttCaEnrollmentEnabled true and some false', async () => {
      const r = await c.call('GET', '/cas', { expect: 200 });
      const flags = r.body.data.map((x: J) => x.isOttCaEnrollmentEnabled);
      assert.ok(flags.includes(true) && flags.includes(false));
      const one = await c.call('GET', `/cas/${r.body.data[0].id}`, { expect: 200 });
      assert.strictEqual(one.body.data.name, r.body.data[0].name);
      const only = await c.call('GET', `/cas?filter=${encodeURIComponent('isOttCaEnrollmentEnabled = true')}`, { expect: 200 });
      assert.ok(only.body.data.length > 0 && only.body.data.every((x: J) => x.isOttCaEnrollmentEnabled));
    });

    it('routers and edge routers: names, online state, unknown id → 404', async () => {
      const st = zitiState(sb);
      for (const r of st.data.routers.values()) {
        const d = await c.call('GET', `/routers/${r.id}`, { expect: 200 });
        assert.strictEqual(d.body.data.name, r.name);
        assert.strictEqual(d.body.data.isOnline, r.isOnline);
        await c.call('GET', `/edge-routers/${r.id}`, { expect: r.isEdge ? 200 : 404 });
      }
      assertError(await c.call('GET', '/routers/missing', { expect: 404 }), 404, 'NOT_FOUND');
      const lr = await c.call('GET', '/routers?limit=500', { expect: 200 });
      assert.strictEqual(lr.body.meta.pagination.totalCount, st.data.routers.size);
      const le = await c.call('GET', '/edge-routers?limit=500', { expect: 200 });
      assert.strictEqual(le.body.data.length, [...st.data.routers.values()].filter((r) => r.isEdge).length);
    });

    it('services and service policies referenced by sessions resolve', async () => {
      const s = [...zitiState(sb).data.sessions.values()][0];
      const d = (await c.call('GET', `/sessions/${s.id}`, { expect: 200 })).body.data;
      const svc = await c.call('GET', `/services/${d.service.id}`, { expect: 200 });
      assert.strictEqual(svc.body.data.name, d.service.name);
      const pol = await c.call('GET', `/service-policies/${d.servicePolicies[0].id}`, { expect: 200 });
      assert.strictEqual(pol.body.data.type, d.type);
      const l = await c.call('GET', `/services?filter=${encodeURIComponent('name = "web-svc"')}`, { expect: 200 });
      assert.strictEqual(l.body.data.length, 1);
      await c.call('GET', '/service-policies?limit=3', { expect: 200 });
      assertError(await c.call('GET', '/services/missing', { expect: 404 }), 404, 'NOT_FOUND');
    });
  });

  describe('enrollments', () => {
    const ident = (): string => [...zitiState(sb).data.identities.values()].find((i) => !i.isAdmin && ![...zitiState(sb).data.enrollments.values()].some((e) => e.identityId === i.id))!.id;

    it('lists with paging and includes router (erott) enrollments', async () => {
      const st = zitiState(sb);
      const r = await c.call('GET', '/enrollments?limit=3', { expect: 200 });
      assert.strictEqual(r.body.data.length, 3);
      assert.strictEqual(r.body.meta.pagination.totalCount, st.data.enrollments.size);
      const er = await c.call('GET', `/enrollments?filter=${encodeURIComponent('method = "erott"')}`, { expect: 200 });
      assert.ok(er.body.data.length >= 1);
      assert.ok(er.body.data.every((e: J) => e.edgeRouterId && e.edgeRouter.name));
    });

    it('create → 201 {id,_links} only; detail has a JWT signed by the sandbox key with the right claims', async () => {
      const identityId = ident();
      const expiresAt = future(sb, 2);
      const r = await c.call('POST', '/enrollments', { body: { method: 'ott', identityId, expiresAt }, expect: 201 });
      assert.deepStrictEqual(Object.keys(r.body.data).sort(), ['_links', 'id']);
      const d = await c.call('GET', `/enrollments/${r.body.data.id}`, { expect: 200 });
      const e = d.body.data;
      assert.strictEqual(e.method, 'ott');
      assert.strictEqual(e.identityId, identityId);
      const key = await importSPKI(zitiState(sb).jwtPublicKeyPem, 'RS256');
      const { payload } = await jwtVerify(e.jwt, key);
      assert.strictEqual(payload.em, 'ott');
      assert.strictEqual(payload.iss, sb.urls.ziti);
      assert.strictEqual(payload.jti, e.token);
      assert.strictEqual(payload.sub, identityId);
      assert.strictEqual(payload.exp, Math.floor(Date.parse(expiresAt) / 1000));
      // The sandbox CA's public key is the signing key.
      assert.ok(new crypto.X509Certificate(sb.ca.pem).publicKey.export({ type: 'spki', format: 'pem' }).toString() === zitiState(sb).jwtPublicKeyPem);
      // A second outstanding enrollment of the same method → 409.
      const dup = await c.call('POST', '/enrollments', { body: { method: 'ott', identityId, expiresAt }, expect: 409 });
      assertError(dup, 409, 'CONFLICT');
      // Delete → 200 empty, then 404.
      const del = await c.call('DELETE', `/enrollments/${r.body.data.id}`, { expect: 200 });
      assert.deepStrictEqual(del.body.data, {});
      assertError(await c.call('GET', `/enrollments/${r.body.data.id}`, { expect: 404 }), 404, 'NOT_FOUND');
      assertError(await c.call('DELETE', `/enrollments/${r.body.data.id}`, { expect: 404 }), 404, 'NOT_FOUND');
    });

    it('validates: ottca needs an OTT-enabled CA, updb needs a username, expiresAt must be in the future', async () => {
      const st = zitiState(sb);
      const identityId = ident();
      const bad = async (body: J, field: string): Promise<void> => {
        const r = await c.call('POST', '/enrollments', { body, expect: 400 });
        assertError(r, 400, 'COULD_NOT_VALIDATE');
        assert.strictEqual(r.body.error.cause.field, field);
      };
      const cas = [...st.data.cas.values()];
      const offCa = cas.find((x) => !x.isOttCaEnrollmentEnabled)!;
      const onCa = cas.find((x) => x.isOttCaEnrollmentEnabled)!;
      await bad({ method: 'ottca', identityId, expiresAt: future(sb, 1) }, 'caId');
      await bad({ method: 'ottca', identityId, expiresAt: future(sb, 1), caId: offCa.id }, 'caId');
      await bad({ method: 'updb', identityId, expiresAt: future(sb, 1) }, 'username');
      await bad({ method: 'ott', identityId, expiresAt: new Date(sb.now() - 60_000).toISOString() }, 'expiresAt');
      await bad({ method: 'ott', identityId, expiresAt: 'tomorrow' }, 'expiresAt');
      await bad({ method: 'sms', identityId, expiresAt: future(sb, 1) }, 'method');
      await bad({ method: 'ott', identityId: 'nobody', expiresAt: future(sb, 1) }, 'identityId');
      const ottca = await c.call('POST', '/enrollments', { body: { method: 'ottca', identityId, expiresAt: future(sb, 1), caId: onCa.id }, expect: 201 });
      const d1 = await c.call('GET', `/enrollments/${ottca.body.data.id}`, { expect: 200 });
      assert.strictEqual(d1.body.data.caId, onCa.id);
      const updb = await c.call('POST', '/enrollments', { body: { method: 'updb', identityId, expiresAt: future(sb, 1), username: 'newuser' }, expect: 201 });
      const d2 = await c.call('GET', `/enrollments/${updb.body.data.id}`, { expect: 200 });
      assert.strictEqual(d2.body.data.username, 'newuser');
      const id = await c.call('GET', `/identities/${identityId}`, { expect: 200 });
      assert.strictEqual(id.body.data.enrollment.ottca.caId, onCa.id);
      assert.strictEqual(id.body.data.enrollment.updb.id, updb.body.data.id);
    });

    it('refresh → 200 createEnvelope, new token and a different JWT', async () => {
      const e = [...zitiState(sb).data.enrollments.values()].find((x) => x.method === 'updb')!;
      const before = (await c.call('GET', `/enrollments/${e.id}`, { expect: 200 })).body.data;
      const expiresAt = future(sb, 48);
      const r = await c.call('POST', `/enrollments/${e.id}/refresh`, { body: { expiresAt }, expect: 200 });
      assert.strictEqual(r.body.data.id, e.id);
      const after = (await c.call('GET', `/enrollments/${e.id}`, { expect: 200 })).body.data;
      assert.notStrictEqual(after.token, before.token);
      assert.notStrictEqual(after.jwt, before.jwt);
      assert.strictEqual(after.expiresAt, new Date(Date.parse(expiresAt)).toISOString());
      assert.strictEqual(decodeJwt(after.jwt).jti, after.token);
      const bad = await c.call('POST', `/enrollments/${e.id}/refresh`, { body: {}, expect: 400 });
      assertError(bad, 400, 'COULD_NOT_VALIDATE');
    });
  });

  describe('contract coverage', function () {
    it('every emulated operation has a matching operation in the vendor spec', () => {
      const ops = [
        ['GET', '/version'], ['GET', '/'], ['GET', '/.well-known/est/cacerts'], ['POST', '/authenticate'], ['POST', '/authenticate/mfa'],
        ['GET', '/current-api-session'], ['DELETE', '/current-api-session'], ['GET', '/sessions'], ['GET', '/sessions/{id}'],
        ['DELETE', '/sessions/{id}'], ['GET', '/sessions/{id}/route-path'], ['GET', '/api-sessions'], ['GET', '/api-sessions/{id}'],
        ['DELETE', '/api-sessions/{id}'], ['GET', '/identities'], ['GET', '/identities/{id}'], ['GET', '/identities/{id}/enrollments'],
        ['GET', '/cas'], ['GET', '/cas/{id}'], ['GET', '/routers'], ['GET', '/routers/{id}'], ['GET', '/edge-routers'], ['GET', '/edge-routers/{id}'],
        ['GET', '/services'], ['GET', '/services/{id}'], ['GET', '/service-policies'], ['GET', '/service-policies/{id}'], ['GET', '/enrollments'], ['POST', '/enrollments'],
        ['GET', '/enrollments/{id}'], ['DELETE', '/enrollments/{id}'], ['POST', '/enrollments/{id}/refresh'],
      ];
      for (const [m, p] of ops) {
        assert.deepStrictEqual(validateResponse(spec!, m, p, 599, {}).filter((e) => /no operation/.test(e)), [], `${m} ${p}`);
      }
    });

    it('a fault 429 / 503 carries the vendor error envelope (valid per spec) and Retry-After', async () => {
      sb.faults.set('ziti', { mode: 'rate-limit', count: 1, retryAfterSeconds: 7 });
      const r = await c.call('GET', '/sessions', { expect: 429 });
      assert.strictEqual(r.headers['retry-after'], '7');
      assertError(r, 429, 'RATE_LIMITED');
      sb.faults.set('ziti', { mode: 'unavailable', count: 1 });
      assertError(await c.call('GET', '/enrollments', { expect: 503 }), 503, 'SERVICE_UNAVAILABLE');
      sb.faults.clear();
    });
  });
});

describe('OpenZiti emulator: inactivity timeout', function () {
  this.timeout(20000);
  before(loadZitiSpec);
  it('expires an API session after zitiInactivitySeconds without calls; each call extends it', async () => {
    const sb = await start({ backends: ['ziti'], seed: 3, zitiInactivitySeconds: 60 });
    try {
      const c = new Client(sb);
      const d = await c.login();
      assert.strictEqual(d.expirationSeconds, 60);
      sb.advanceTime(45_000);
      await c.call('GET', '/sessions?limit=1', { expect: 200 });
      sb.advanceTime(45_000);
      const cur = await c.call('GET', '/current-api-session', { expect: 200 });
      assert.ok(Math.abs(Date.parse(cur.body.data.expiresAt) - (sb.now() + 60_000)) < 2000);
      sb.advanceTime(61_000);
      assertError(await c.call('GET', '/sessions?limit=1', { expect: 401 }), 401, 'UNAUTHORIZED');
      // The expired API session is gone.
      const again = new Client(sb);
      await again.login();
      await again.call('GET', `/api-sessions/${d.id}`, { expect: 404 });
    } finally {
      await sb.stop();
    }
  });
});

describe('OpenZiti emulator: determinism and scale', function () {
  this.timeout(60000);
  before(loadZitiSpec);

  const snapshot = (sb: Sandbox): string => {
    const d = zitiState(sb).data;
    return JSON.stringify({
      identities: [...d.identities.values()],
      services: [...d.services.values()],
      routers: [...d.routers.values()],
      cas: [...d.cas.values()],
      apiSessions: [...d.apiSessions.values()],
      sessions: [...d.sessions.values()],
      enrollments: [...d.enrollments.values()],
    });
  };

  it('same seed → same data; another seed → other data', async () => {
    const opts = { backends: ['ziti' as const], options: { zitiEpochMs: Date.parse('2025-06-01T10:00:00Z') } };
    const [a, b, other] = await Promise.all([start({ ...opts, seed: 9 }), start({ ...opts, seed: 9 }), start({ ...opts, seed: 10 })]);
    try {
      assert.strictEqual(snapshot(a), snapshot(b));
      assert.notStrictEqual(snapshot(a), snapshot(other));
      // The same data over HTTP, too.
      const ca = new Client(a);
      const cb = new Client(b);
      await ca.login();
      await cb.login();
      const pa = await ca.call('GET', '/sessions?limit=50', { expect: 200 });
      const pb = await cb.call('GET', '/sessions?limit=50', { expect: 200 });
      assert.deepStrictEqual(pa.body.data.map((s: J) => [s.id, s.token, s.service.name, s.createdAt]), pb.body.data.map((s: J) => [s.id, s.token, s.service.name, s.createdAt]));
      // Realistic names.
      const names = [...zitiState(a).data.identities.values()].map((i) => i.name);
      assert.ok(names.some((n) => /^[a-z]+-(laptop|desktop|phone|tablet|workstation|macbook)/.test(n)));
      assert.ok(names.some((n) => /^(build-agent|k8s-node|batch-runner|api-gateway|edge-tunnel|db-replica|ci-runner|log-shipper)-\d\d/.test(n)));
      assert.strictEqual(new Set(names).size, names.length, 'identity names are unique');
    } finally {
      await Promise.all([a.stop(), b.stop(), other.stop()]);
    }
  });

  it('scales to 50,000 sessions: starts, pages, filters and deletes correctly', async () => {
    const t0 = Date.now();
    const sb = await start({ backends: ['ziti'], sizes: { zitiSessions: 50_000, zitiApiSessions: 300, zitiIdentities: 1000 } });
    const startMs = Date.now() - t0;
    try {
      const c = new Client(sb);
      await c.login();
      const last = await c.call('GET', '/sessions?limit=500&offset=49900', { expect: 200 });
      assert.strictEqual(last.body.meta.pagination.totalCount, 50_000);
      assert.strictEqual(last.body.data.length, 100);
      const t1 = Date.now();
      const f = await c.call('GET', `/sessions?filter=${encodeURIComponent('type = "Bind" and service.name contains "s" sort by createdAt desc')}&limit=500`, { expect: 200 });
      const filterMs = Date.now() - t1;
      const expected = [...zitiState(sb).data.sessions.values()].filter((s) => s.type === 'Bind' && zitiState(sb).data.services.get(s.serviceId)!.name.includes('s')).length;
      assert.strictEqual(f.body.meta.pagination.totalCount, expected);
      const api = [...zitiState(sb).data.apiSessions.values()].find((a) => !a.interactive)!;
      const own = zitiState(sb).sessionsByApiSession.get(api.id)!.size;
      await c.call('DELETE', `/api-sessions/${api.id}`, { expect: 200 });
      const after = await c.call('GET', '/sessions?limit=1', { expect: 200 });
      assert.strictEqual(after.body.meta.pagination.totalCount, 50_000 - own);
      console.log(`      (50k sessions: start ${startMs} ms, filter+sort ${filterMs} ms)`);
    } finally {
      await sb.stop();
    }
  });
});
