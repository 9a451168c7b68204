// PingOne emulator, exercised over real HTTP and held to the vendor's OpenAPI document (pingone-management.yaml)
// where it has a schema; the user-session bodies (no schema in the spec) are checked against api-contracts.md §2.6.
import * as assert from 'assert';
import axios, { AxiosResponse } from 'axios';
import { start, Sandbox } from './server';
import { requireSpec, validateResponse, type LoadedSpec } from './contract';
import { create as createPingOne, PingOneState } from './pingone';
import { DEFAULT_SIZES } from './types';

// Response bodies are checked field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

// Set by the suite's first `before` hook: the suite fails without it (or, with SM_ALLOW_MISSING_SPECS=1, is skipped).
let spec: LoadedSpec;

function conforms(method: string, url: string, res: AxiosResponse): void {
  const path = new URL(url).pathname;
  // Known defect of the vendor document: Environment.region is `oneOf: [EnumRegionCode, {type: string}]`, so every
  // documented region code ("NA", "EU", ...) matches BOTH branches and strict `oneOf` rejects it. The Go SDK decodes
  // it leniently. Only that exact error is ignored; the region is asserted to be a documented code below.
  const errors = validateResponse(spec, method, path, res.status, res.data).filter(
    (e) => !/\/region must match exactly one schema in oneOf \{"passingSchemas":\[0,1\]\}$/.test(e),
  );
  assert.deepStrictEqual(errors, [], `${method} ${path} → ${res.status} does not match the vendor spec`);
}

function isP1Error(body: unknown, code?: string): void {
  const b = body as Record<string, unknown>;
  assert.strictEqual(typeof b.id, 'string');
  assert.strictEqual(typeof b.code, 'string');
  assert.strictEqual(typeof b.message, 'string');
  if (code) {
    assert.strictEqual(b.code, code, JSON.stringify(b));
  }
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('sandbox: PingOne emulator', function () {
  this.timeout(20000);
  let sb: Sandbox;
  let base: string;
  let creds: Record<string, string>;
  let st: PingOneState;

  const http = axios.create({ validateStatus: () => true });

  async function token(which: 'basic' | 'post' | 'noRoles' = 'basic'): Promise<string> {
    const id = creds[`${which}ClientId`];
    const secret = creds[`${which}ClientSecret`];
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (which === 'post') {
      body.set('client_id', id);
      body.set('client_secret', secret);
    } else {
      headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    }
    const res = await http.post(`${base}/${creds.environmentId}/as/token`, body.toString(), { headers });
    assert.strictEqual(res.status, 200, JSON.stringify(res.data));
    return res.data.access_token as string;
  }

  async function get(url: string, tok: string): Promise<AxiosResponse> {
    const res = await http.get(url.startsWith('http') ? url : `${base}${url}`, { headers: { authorization: `Bearer ${tok}` } });
    conforms('GET', url.startsWith('http') ? url : `${base}${url}`, res);
    return res;
  }

  before(function () {
    spec = requireSpec(this, 'pingone');
  });
  before(async () => {
    sb = await start({ backends: ['pingone'], seed: 11 });
    base = sb.details.pingone.origin;
    creds = sb.details.pingone.credentials;
  });
  after(async () => {
    await sb?.stop();
  });
  beforeEach(() => {
    sb.reset();
    st = sb.state.pingone.state as PingOneState;
  });

  it('has the vendor spec to validate against', () => {
    assert.ok(spec.operations.length > 100);
  });

  it('advertises the API base and token URL', () => {
    assert.strictEqual(sb.urls.pingone, `${base}/v1`);
    assert.strictEqual(sb.details.pingone.urls.tokenUrl, `${base}/${creds.environmentId}/as/token`);
  });

  describe('token endpoint', () => {
    it('issues a Bearer token with CLIENT_SECRET_BASIC', async () => {
      const id = creds.basicClientId;
      const res = await http.post(`${base}/${creds.environmentId}/as/token`, 'grant_type=client_credentials', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${id}:${creds.basicClientSecret}`).toString('base64')}`,
        },
      });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.data.token_type, 'Bearer');
      assert.strictEqual(res.data.expires_in, 3600);
      assert.match(res.data.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
      const payload = JSON.parse(Buffer.from(res.data.access_token.split('.')[1], 'base64url').toString('utf8'));
      assert.strictEqual(payload.client_id, id);
      assert.strictEqual(payload.exp - payload.iat, 3600);
      assert.strictEqual(res.data.refresh_token, undefined, 'client_credentials has no refresh token');
    });

    it('issues a token with CLIENT_SECRET_POST (secret in the form body)', async () => {
      const tok = await token('post');
      const res = await get('/v1/environments', tok);
      assert.strictEqual(res.status, 200);
    });

    it('rejects the wrong client-authentication style with invalid_client', async () => {
      const url = `${base}/${creds.environmentId}/as/token`;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const basicViaBody = await http.post(
        url,
        new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.basicClientId, client_secret: creds.basicClientSecret }).toString(),
        { headers: form },
      );
      assert.strictEqual(basicViaBody.status, 401);
      assert.strictEqual(basicViaBody.data.error, 'invalid_client');
      assert.strictEqual(typeof basicViaBody.data.error_description, 'string');
      const postViaBasic = await http.post(url, 'grant_type=client_credentials', {
        headers: { ...form, authorization: `Basic ${Buffer.from(`${creds.postClientId}:${creds.postClientSecret}`).toString('base64')}` },
      });
      assert.strictEqual(postViaBasic.status, 401);
      assert.strictEqual(postViaBasic.data.error, 'invalid_client');
    });

    it('rejects a wrong secret, an unknown client and a missing client', async () => {
      const url = `${base}/${creds.environmentId}/as/token`;
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      for (const [id, secret] of [
        [creds.basicClientId, 'wrong'],
        ['00000000-0000-4000-8000-000000000000', 'x'],
      ]) {
        const res = await http.post(url, 'grant_type=client_credentials', {
          headers: { ...form, authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        });
        assert.strictEqual(res.status, 401);
        assert.strictEqual(res.data.error, 'invalid_client');
      }
      const none = await http.post(url, 'grant_type=client_credentials', { headers: form });
      assert.strictEqual(none.status, 401);
      assert.strictEqual(none.data.error, 'invalid_client');
    });

    it('rejects other grant types and unknown environments', async () => {
      const id = creds.basicClientId;
      const auth = `Basic ${Buffer.from(`${id}:${creds.basicClientSecret}`).toString('base64')}`;
      const bad = await http.post(`${base}/${creds.environmentId}/as/token`, 'grant_type=password', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
      });
      assert.strictEqual(bad.status, 400);
      assert.strictEqual(bad.data.error, 'unsupported_grant_type');
      const unknown = await http.post(`${base}/11111111-2222-4333-8444-555555555555/as/token`, 'grant_type=client_credentials', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
      });
      assert.strictEqual(unknown.status, 404);
      isP1Error(unknown.data, 'NOT_FOUND');
    });
  });

  describe('environments', () => {
    it('lists the environments the worker app has roles in (HAL, validated)', async () => {
      const all = st.data.environments;
      const restricted = all[all.length - 1];
      const basic = await get('/v1/environments', await token('basic'));
      assert.strictEqual(basic.status, 200);
      const names = basic.data._embedded.environments.map((e: { name: string }) => e.name);
      assert.strictEqual(names.length, all.length - 1);
      assert.ok(!names.includes(restricted.name), 'the restricted environment is hidden');
      assert.strictEqual(basic.data.count, all.length - 1);
      assert.strictEqual(basic.data.size, all.length - 1);
      assert.strictEqual(basic.data._links.self.href, `${base}/v1/environments`);
      const e0 = basic.data._embedded.environments[0];
      assert.strictEqual(e0._links.self.href, `${base}/v1/environments/${e0.id}`);
      assert.ok(['PRODUCTION', 'SANDBOX'].includes(e0.type));
      for (const e of basic.data._embedded.environments) {
        assert.ok(['AP', 'AU', 'CA', 'EU', 'NA', 'SG'].includes(e.region), e.region);
      }
      const post = await get('/v1/environments', await token('post'));
      assert.strictEqual(post.data._embedded.environments.length, all.length);
      const none = await get('/v1/environments', await token('noRoles'));
      assert.strictEqual(none.status, 200);
      assert.deepStrictEqual(none.data._embedded.environments, []);
    });

    it('pages with limit and an opaque cursor in an absolute next href', async () => {
      const tok = await token('post');
      let url: string | undefined = `${base}/v1/environments?limit=1`;
      const seen: string[] = [];
      while (url) {
        const res = await get(url, tok);
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.data.size, res.data._embedded.environments.length);
        seen.push(...res.data._embedded.environments.map((e: { id: string }) => e.id));
        url = res.data._links.next?.href;
        if (url) {
          assert.ok(url.startsWith(`${base}/v1/environments?`), url);
          assert.match(url, /cursor=/);
        }
      }
      assert.deepStrictEqual(seen, st.data.environments.map((e) => e.id));
    });

    it('filters with sw/eq/and and rejects what environments do not support', async () => {
      const tok = await token('post');
      const target = st.data.environments[1];
      const sw = await get(`/v1/environments?filter=${encodeURIComponent(`name sw "${target.name.slice(0, 4)}"`)}`, tok);
      assert.ok(sw.data._embedded.environments.some((e: { id: string }) => e.id === target.id));
      const and = await get(`/v1/environments?filter=${encodeURIComponent(`name sw "${target.name.slice(0, 3)}" and id eq "${target.id}"`)}`, tok);
      assert.deepStrictEqual(and.data._embedded.environments.map((e: { id: string }) => e.id), [target.id]);
      const or = await get(`/v1/environments?filter=${encodeURIComponent('name sw "A" or name sw "B"')}`, tok);
      assert.strictEqual(or.status, 400);
      isP1Error(or.data, 'INVALID_DATA');
    });

    it('reads one environment, 403 without roles, 404 when unknown', async () => {
      const all = st.data.environments;
      const tok = await token('basic');
      const one = await get(`/v1/environments/${all[0].id}`, tok);
      assert.strictEqual(one.status, 200);
      assert.strictEqual(one.data.id, all[0].id);
      const denied = await get(`/v1/environments/${all[all.length - 1].id}`, tok);
      assert.strictEqual(denied.status, 403);
      isP1Error(denied.data, 'ACCESS_FAILED');
      const missing = await get('/v1/environments/99999999-9999-4999-8999-999999999999', tok);
      assert.strictEqual(missing.status, 404);
      isP1Error(missing.data, 'NOT_FOUND');
    });
  });

  describe('users', () => {
    it('pages through every user of an environment by following next hrefs', async () => {
      const env = st.data.environments[1];
      const expected = st.data.users.get(env.id)!;
      assert.strictEqual(expected.length, DEFAULT_SIZES.pingoneUsers);
      const tok = await token('basic');
      let url: string | undefined = `${base}/v1/environments/${env.id}/users?limit=7`;
      const ids: string[] = [];
      let pages = 0;
      while (url) {
        const res = await get(url, tok);
        assert.strictEqual(res.status, 200);
        assert.strictEqual(res.data.count, expected.length);
        assert.ok(res.data.size <= 7);
        for (const u of res.data._embedded.users) {
          assert.strictEqual(u.environment.id, env.id);
          assert.ok(u.username && u.email && u.population.id && u.lifecycle.status && u.account.status);
          assert.strictEqual(u._links.self.href, `${base}/v1/environments/${env.id}/users/${u.id}`);
          ids.push(u.id);
        }
        url = res.data._links.next?.href;
        pages++;
      }
      assert.strictEqual(pages, Math.ceil(expected.length / 7));
      assert.deepStrictEqual(ids, expected.map((u) => u.id));
    });

    it('supports the documented filter subset (eq, sw, ew, co, and, or, parentheses)', async () => {
      const env = st.data.environments[1];
      const users = st.data.users.get(env.id)!;
      const tok = await token('basic');
      const q = async (f: string): Promise<string[]> => {
        const res = await get(`/v1/environments/${env.id}/users?limit=1000&filter=${encodeURIComponent(f)}`, tok);
        assert.strictEqual(res.status, 200, `${f}: ${JSON.stringify(res.data)}`);
        assert.strictEqual(res.data.count, res.data._embedded.users.length);
        return res.data._embedded.users.map((u: { id: string }) => u.id);
      };
      const u0 = users[0];
      assert.deepStrictEqual(await q(`username eq "${u0.username}"`), [u0.id]);
      assert.deepStrictEqual(await q(`id eq "${u0.id}"`), [u0.id]);
      const prefix = u0.username.slice(0, 3);
      assert.deepStrictEqual(await q(`username sw "${prefix}"`), users.filter((u) => u.username.startsWith(prefix)).map((u) => u.id));
      assert.deepStrictEqual(await q('email ew "@example.com"'), users.map((u) => u.id));
      assert.deepStrictEqual(
        await q(`(name.family eq "${u0.family}") and (name.given sw "${u0.given.slice(0, 2)}")`),
        users.filter((u) => u.family === u0.family && u.given.startsWith(u0.given.slice(0, 2))).map((u) => u.id),
      );
      const u1 = users[1];
      assert.deepStrictEqual(await q(`email eq "${u0.email}" or email eq "${u1.email}"`), [u0.id, u1.id]);
      assert.deepStrictEqual(
        await q(`name.given co "${u0.given.slice(1, 3)}"`),
        users.filter((u) => u.given.toLowerCase().includes(u0.given.slice(1, 3).toLowerCase())).map((u) => u.id),
      );
      // paging keeps the filter (it travels in the cursor)
      const first = await get(`/v1/environments/${env.id}/users?limit=1&filter=${encodeURIComponent('email ew "@example.com"')}`, tok);
      const second = await get(first.data._links.next.href, tok);
      assert.strictEqual(second.data.count, users.length);
      assert.strictEqual(second.data._embedded.users[0].id, users[1].id);
    });

    it('answers 400 INVALID_DATA with details for an unsupported filter or limit', async () => {
      const env = st.data.environments[1];
      const tok = await token('basic');
      for (const f of ['lastSignOn.at gt "2024-01-01"', 'id sw "a"', 'username eq', 'username eq "a" and (', 'username pr']) {
        const res = await get(`/v1/environments/${env.id}/users?filter=${encodeURIComponent(f)}`, tok);
        assert.strictEqual(res.status, 400, f);
        isP1Error(res.data, 'INVALID_DATA');
        assert.strictEqual(res.data.details[0].target, 'filter');
        assert.strictEqual(res.data.details[0].code, 'INVALID_VALUE');
        assert.strictEqual(typeof res.data.details[0].message, 'string');
      }
      for (const limit of ['0', '1001', 'abc']) {
        const res = await get(`/v1/environments/${env.id}/users?limit=${limit}`, tok);
        assert.strictEqual(res.status, 400, limit);
        assert.strictEqual(res.data.details[0].target, 'limit');
      }
    });

    it('reads one user; 404 for an unknown one; 403 in an environment without roles', async () => {
      const envs = st.data.environments;
      const u = st.data.users.get(envs[1].id)![3];
      const tok = await token('basic');
      const res = await get(`/v1/environments/${envs[1].id}/users/${u.id}`, tok);
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.data.username, u.username);
      const missing = await get(`/v1/environments/${envs[1].id}/users/00000000-0000-4000-8000-000000000000`, tok);
      assert.strictEqual(missing.status, 404);
      isP1Error(missing.data, 'NOT_FOUND');
      const restricted = envs[envs.length - 1];
      const ru = st.data.users.get(restricted.id)![0];
      for (const path of [`/users`, `/users/${ru.id}`, `/users/${ru.id}/sessions`]) {
        const denied = await get(`/v1/environments/${restricted.id}${path}`, tok);
        assert.strictEqual(denied.status, 403, path);
        isP1Error(denied.data, 'ACCESS_FAILED');
      }
      const none = await get(`/v1/environments/${envs[1].id}/users`, await token('noRoles'));
      assert.strictEqual(none.status, 403);
      const post = await get(`/v1/environments/${restricted.id}/users`, await token('post'));
      assert.strictEqual(post.status, 200);
    });
  });

  describe('sessions', () => {
    function assertSession(s: Json, envId: string, userId: string): void {
      assert.match(s.id, /^[0-9a-f-]{36}$/);
      assert.deepStrictEqual(s.environment, { id: envId });
      assert.deepStrictEqual(s.user, { id: userId });
      // Exactly the documented fields (api-contracts.md §2.6): no invented ones such as an expiry.
      assert.deepStrictEqual(
        Object.keys(s).sort(),
        ['_links', 'activeAt', 'browser', 'createdAt', 'device', 'environment', 'id', 'lastSignOn', 'locations', 'operatingSystem', 'user'],
      );
      for (const k of ['createdAt', 'activeAt']) {
        assert.match(s[k], ISO, k);
      }
      assert.ok(Date.parse(s.createdAt) <= Date.parse(s.activeAt));
      assert.match(s.lastSignOn.at, ISO);
      assert.strictEqual(typeof s.lastSignOn.remoteIp, 'string');
      assert.ok(Array.isArray(s.locations) && s.locations.length >= 1 && s.locations.length <= 5);
      for (const l of s.locations) {
        assert.deepStrictEqual(Object.keys(l).sort(), ['at', 'city', 'country', 'remoteIp', 'state']);
        assert.match(l.at, ISO);
        for (const k of ['remoteIp', 'city', 'state', 'country']) {
          assert.strictEqual(typeof l[k], 'string', k);
        }
      }
      assert.strictEqual(typeof s.browser.name, 'string');
      assert.strictEqual(typeof s.browser.version, 'string');
      assert.strictEqual(typeof s.operatingSystem.name, 'string');
      assert.ok(['Desktop', 'Mobile', 'Tablet'].includes(s.device.type));
      const self = `${base}/v1/environments/${envId}/users/${userId}/sessions/${s.id}`;
      assert.strictEqual(s._links.self.href, self);
      assert.strictEqual(s._links.environment.href, `${base}/v1/environments/${envId}`);
      assert.strictEqual(s._links.user.href, `${base}/v1/environments/${envId}/users/${userId}`);
    }

    it('lists at most 10 sessions per user, newest first, idle (likely expired) ones included', async () => {
      const env = st.data.environments[1];
      const tok = await token('basic');
      let capped = 0;
      let none = 0;
      let idleForDays = 0;
      let expired = 0;
      let total = 0;
      const browsers = new Set<string>();
      const systems = new Set<string>();
      const devices = new Set<string>();
      for (const u of st.data.users.get(env.id)!) {
        const res = await get(`/v1/environments/${env.id}/users/${u.id}/sessions`, tok);
        assert.strictEqual(res.status, 200);
        const list = res.data._embedded.sessions as Array<Json>;
        assert.ok(list.length <= 10);
        assert.strictEqual(res.data._links.self.href, `${base}/v1/environments/${env.id}/users/${u.id}/sessions`);
        for (let i = 0; i < list.length; i++) {
          assertSession(list[i], env.id, u.id);
          if (i > 0) {
            assert.ok(Date.parse(list[i - 1].createdAt) >= Date.parse(list[i].createdAt), 'newest first');
          }
          const idle = sb.now() - Date.parse(list[i].activeAt);
          expired += idle > 12 * 3_600_000 ? 1 : 0;
          idleForDays += idle > 2 * 86_400_000 ? 1 : 0;
          browsers.add(list[i].browser.name);
          systems.add(list[i].operatingSystem.name);
          devices.add(list[i].device.type);
        }
        capped += list.length === 10 ? 1 : 0;
        none += list.length === 0 ? 1 : 0;
        total += list.length;
      }
      assert.ok(capped >= 1, 'some user hits the cap of 10');
      assert.ok(none >= 1, 'some user has no session');
      assert.ok(expired >= 1 && expired < total, `a mix of idle and live sessions (${expired}/${total})`);
      assert.ok(idleForDays >= 1, 'some sessions are idle for days');
      assert.ok(browsers.size >= 3 && systems.size >= 3 && devices.size >= 2, `varied: ${[...browsers, ...systems, ...devices].join(', ')}`);
    });

    it('reads one session, deletes it (204, no body), then 404', async () => {
      const env = st.data.environments[1];
      const tok = await token('basic');
      let user: { id: string } | undefined;
      let list: Array<Json> = [];
      for (const u of st.data.users.get(env.id)!) {
        const res = await get(`/v1/environments/${env.id}/users/${u.id}/sessions`, tok);
        if (res.data._embedded.sessions.length >= 2) {
          user = u;
          list = res.data._embedded.sessions;
          break;
        }
      }
      assert.ok(user, 'a user with sessions');
      const target = list[1];
      const one = await get(target._links.self.href, tok);
      assert.strictEqual(one.status, 200);
      assert.deepStrictEqual(one.data, target);
      const del = await http.delete(target._links.self.href, { headers: { authorization: `Bearer ${tok}` } });
      conforms('DELETE', target._links.self.href, del);
      assert.strictEqual(del.status, 204);
      assert.strictEqual(del.data, '');
      const again = await get(target._links.self.href, tok);
      assert.strictEqual(again.status, 404);
      isP1Error(again.data, 'NOT_FOUND');
      const del2 = await http.delete(target._links.self.href, { headers: { authorization: `Bearer ${tok}` } });
      conforms('DELETE', target._links.self.href, del2);
      assert.strictEqual(del2.status, 404);
      const after = await get(`/v1/environments/${env.id}/users/${user!.id}/sessions`, tok);
      assert.strictEqual(after.data._embedded.sessions.length, list.length - 1);
      assert.ok(!after.data._embedded.sessions.some((s: { id: string }) => s.id === target.id));
      sb.reset();
      const restored = await get(`/v1/environments/${env.id}/users/${user!.id}/sessions`, await token('basic'));
      assert.strictEqual(restored.data._embedded.sessions.length, list.length, 'reset restores the seeded sessions');
    });

    it("the first user of an environment has a session that changes country within 35 minutes", async () => {
      const env = st.data.environments[1];
      const u = st.data.users.get(env.id)![0];
      const res = await get(`/v1/environments/${env.id}/users/${u.id}/sessions`, await token('basic'));
      const s = res.data._embedded.sessions[0] as Json;
      assertSession(s, env.id, u.id);
      const locs = [...(s.locations as Json[])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const change = locs.findIndex((l, i) => i > 0 && l.country !== locs[i - 1].country);
      assert.ok(change > 0, 'the country changes');
      const gap = Date.parse(locs[change].at) - Date.parse(locs[change - 1].at);
      assert.strictEqual(gap, 35 * 60_000);
      assert.ok(sb.now() - Date.parse(s.activeAt) < 12 * 3_600_000, 'still in use');
    });

    it("answers 403 ACCESS_FAILED naming the role when a user's sessions may not be deleted (state.sessionDeleteForbidden)", async () => {
      const env = st.data.environments[1];
      const tok = await token('basic');
      const u = st.data.users.get(env.id)![0];
      const list = (await get(`/v1/environments/${env.id}/users/${u.id}/sessions`, tok)).data._embedded.sessions as Json[];
      st.sessionDeleteForbidden.add(u.id);
      try {
        for (const href of [list[0]._links.self.href, `${base}/v1/environments/${env.id}/users/${u.id}/sessions/00000000-0000-4000-8000-000000000000`]) {
          const del = await http.delete(href, { headers: { authorization: `Bearer ${tok}` } });
          conforms('DELETE', href, del);
          assert.strictEqual(del.status, 403);
          isP1Error(del.data, 'ACCESS_FAILED');
          assert.match(del.data.message, /Identity Data Admin/);
        }
        // reading is still allowed, and other users' sessions can still be deleted
        assert.strictEqual((await get(list[0]._links.self.href, tok)).status, 200);
        const other = st.data.users.get(env.id)![1];
        const theirs = (await get(`/v1/environments/${env.id}/users/${other.id}/sessions`, tok)).data._embedded.sessions as Json[];
        assert.ok(theirs.length > 0, 'the second user has a session (seed 11)');
        assert.strictEqual((await http.delete(theirs[0]._links.self.href, { headers: { authorization: `Bearer ${tok}` } })).status, 204);
        st.sessionDeleteForbidden.clear();
        st.sessionDeleteForbidden.add('*');
        assert.strictEqual((await http.delete(list[0]._links.self.href, { headers: { authorization: `Bearer ${tok}` } })).status, 403);
        st.sessionDeleteForbidden.clear();
        assert.strictEqual((await http.delete(list[0]._links.self.href, { headers: { authorization: `Bearer ${tok}` } })).status, 204);
      } finally {
        sb.reset();
      }
    });

    it('the fault modes apply to the session routes (pathRegex)', async () => {
      const env = st.data.environments[1];
      const u = st.data.users.get(env.id)![0];
      const tok = await token('basic');
      const url = `/v1/environments/${env.id}/users/${u.id}/sessions`;
      sb.faults.set('pingone', { mode: 'rate-limit', count: 1, retryAfterSeconds: 2, pathRegex: '/sessions$' });
      const limited = await get(url, tok);
      assert.strictEqual(limited.status, 429);
      assert.strictEqual(limited.headers['retry-after'], '2');
      isP1Error(limited.data, 'REQUEST_LIMITED');
      assert.strictEqual((await get(url, tok)).status, 200, 'count: 1');
      sb.faults.set('pingone', { mode: 'server-error', count: 1, pathRegex: '/sessions/[^/]+$' });
      const session = (await get(url, tok)).data._embedded.sessions[0] as Json;
      const del = await http.delete(session._links.self.href, { headers: { authorization: `Bearer ${tok}` } });
      assert.strictEqual(del.status, 500);
      isP1Error(del.data, 'UNEXPECTED_ERROR');
      sb.faults.set('pingone', { mode: 'malformed-json', count: 1, pathRegex: '/sessions$' });
      const bad = await http.get(`${base}${url}`, { headers: { authorization: `Bearer ${tok}` }, transformResponse: (d) => d });
      assert.strictEqual(bad.status, 200);
      assert.throws(() => JSON.parse(bad.data as string));
      sb.faults.clear();
    });
  });

  describe('auth failures, rate limit, telemetry headers', () => {
    it('401 without a bearer, with a garbage token, after expiry and after expire-tokens', async () => {
      const none = await http.get(`${base}/v1/environments`);
      conforms('GET', `${base}/v1/environments`, none);
      assert.strictEqual(none.status, 401);
      isP1Error(none.data);
      const junk = await get('/v1/environments', 'not-a-token');
      assert.strictEqual(junk.status, 401);
      isP1Error(junk.data, 'INVALID_TOKEN');

      st.tokenLifetimeSeconds = 60;
      const tok = await token('basic');
      assert.strictEqual((await get('/v1/environments', tok)).status, 200);
      sb.advanceTime(61_000);
      const expired = await get('/v1/environments', tok);
      assert.strictEqual(expired.status, 401);
      isP1Error(expired.data, 'INVALID_TOKEN');

      const tok2 = await token('post');
      assert.strictEqual((await get('/v1/environments', tok2)).status, 200);
      const admin = await http.post(`${base}/__sandbox/expire-tokens`);
      assert.strictEqual(admin.status, 200);
      assert.strictEqual((await get('/v1/environments', tok2)).status, 401);
    });

    it('answers 429 with Retry-After and a P1Error past the configured rate', async () => {
      const tok = await token('basic');
      st.rateLimit = { requests: 3, perSeconds: 10 };
      for (let i = 0; i < 3; i++) {
        assert.strictEqual((await get('/v1/environments', tok)).status, 200);
      }
      const limited = await get('/v1/environments', tok);
      assert.strictEqual(limited.status, 429);
      isP1Error(limited.data, 'REQUEST_LIMITED');
      const retry = Number(limited.headers['retry-after']);
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 10, String(limited.headers['retry-after']));
      sb.advanceTime(retry * 1000);
      assert.strictEqual((await get('/v1/environments', tok)).status, 200);
    });

    it('echoes sanitised X-Ping-External-* headers or generates them', async () => {
      const tok = await token('basic');
      const res = await http.get(`${base}/v1/environments`, {
        headers: { authorization: `Bearer ${tok}`, 'x-ping-external-transaction-id': 'txn 42/ok#1', 'x-ping-external-session-id': 'win-7' },
      });
      assert.strictEqual(res.headers['x-ping-external-transaction-id'], 'txn_42/ok#1');
      assert.strictEqual(res.headers['x-ping-external-session-id'], 'win-7');
      const gen = await http.get(`${base}/v1/environments`, { headers: { authorization: `Bearer ${tok}` } });
      assert.match(String(gen.headers['x-ping-external-transaction-id']), /^[0-9a-f-]{36}$/);
      assert.match(String(gen.headers['x-ping-external-session-id']), /^[0-9a-f-]{36}$/);
    });
  });

  describe('data', () => {
    it('is deterministic per seed and makes 5,000 users', () => {
      const ctx = { seed: 5, sizes: DEFAULT_SIZES, now: () => 1_750_000_000_000 };
      const a = createPingOne(ctx).state.data;
      const b = createPingOne(ctx).state.data;
      assert.deepStrictEqual(a.environments, b.environments);
      // users are made per environment on first use: the same whatever order they are read in
      const inOrder = a.environments.map((e) => a.users.get(e.id)!);
      const reversed = [...b.environments].reverse().map((e) => b.users.get(e.id)!).reverse();
      assert.deepStrictEqual(inOrder, reversed);
      assert.strictEqual(a.usersById.size, inOrder.reduce((n, l) => n + l.length, 0));
      // (How fast: npm run bench. Tests assert behaviour, never speed.)
      const big = createPingOne({ ...ctx, sizes: { ...DEFAULT_SIZES, pingoneUsers: 5000 } });
      assert.strictEqual(big.state.data.users.get(big.state.data.environments[1].id)!.length, 5000);
    });

    it('has one environment of 5,000 users by default, made only when first read', () => {
      const backend = createPingOne({ seed: 1, sizes: DEFAULT_SIZES, now: () => 1_750_000_000_000 });
      const d = backend.state.data;
      const large = d.environments[2];
      assert.strictEqual(large.name, 'Workforce EU');
      assert.strictEqual(d.userCounts.get(large.id), 5000);
      assert.strictEqual(d.usersById.size, 0, 'no user made at start');
      assert.match(backend.describe('http://x').notes!.join('\n'), /Workforce EU \(5,000 users\)/);
      assert.strictEqual(d.users.get(large.id)!.length, 5000);
      // not the environment the basic worker app may not see
      assert.notStrictEqual(large.id, d.environments[d.environments.length - 1].id);
    });

    it('serves a filtered page of 1,000 of 5,000 users', async () => {
      const backend = createPingOne({ seed: 5, sizes: { ...DEFAULT_SIZES, pingoneUsers: 5000 }, now: () => Date.now() });
      const d = backend.state.data;
      const tok = await backend.handle({
        method: 'POST',
        path: `/${d.adminEnvId}/as/token`,
        query: new URLSearchParams(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(new URLSearchParams({ grant_type: 'client_credentials', client_id: d.apps[1].id, client_secret: d.apps[1].secret }).toString()),
        baseUrl: 'http://sandbox',
      });
      const access = (tok.body as { access_token: string }).access_token;
      const res = await backend.handle({
        method: 'GET',
        path: `/v1/environments/${d.environments[1].id}/users`,
        query: new URLSearchParams({ limit: '1000', filter: 'email ew "@example.com"' }),
        headers: { authorization: `Bearer ${access}` },
        body: Buffer.alloc(0),
        baseUrl: 'http://sandbox',
      });
      assert.strictEqual(res.status, 200);
      assert.strictEqual((res.body as { size: number }).size, 1000);
      assert.strictEqual((res.body as { count: number }).count, 5000);
    });
  });
});
