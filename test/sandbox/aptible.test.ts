// Aptible emulator over real HTTP: the auth server's password grant and the Deploy API, every Deploy API answer
// validated against aptible.yaml (required fields, types, nullability).
import * as assert from 'assert';
import axios, { AxiosResponse } from 'axios';
import { start, Sandbox } from './server';
import { requireSpec, validateResponse, type LoadedSpec } from './contract';
import { create as createAptible, AptibleState } from './aptible';
import { DEFAULT_SIZES } from './types';

// Set by the suite's first `before` hook: the suite fails without it (or, with SM_ALLOW_MISSING_SPECS=1, is skipped).
let spec: LoadedSpec;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function conforms(method: string, url: string, res: AxiosResponse): void {
  const errors = validateResponse(spec, method, new URL(url).pathname, res.status, res.data);
  assert.deepStrictEqual(errors, [], `${method} ${url} → ${res.status} does not match aptible.yaml`);
}

function isError(body: unknown, status: number, error?: string): void {
  const b = body as Record<string, unknown>;
  assert.strictEqual(b.code, status);
  assert.strictEqual(typeof b.error, 'string');
  assert.strictEqual(typeof b.message, 'string');
  if (error) {
    assert.strictEqual(b.error, error, JSON.stringify(b));
  }
}

describe('sandbox: Aptible emulator', function () {
  this.timeout(20000);
  let sb: Sandbox;
  let base: string;
  let creds: Record<string, string>;
  let st: AptibleState;
  const http = axios.create({ validateStatus: () => true });

  async function login(extra: Record<string, string> = {}, email = creds.email): Promise<AxiosResponse> {
    const form = new URLSearchParams({ grant_type: 'password', username: email, password: creds.password, scope: 'manage', ...extra });
    return http.post(`${base}/tokens`, form.toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
  async function token(): Promise<string> {
    const res = await login();
    assert.strictEqual(res.status, 200, JSON.stringify(res.data));
    return res.data.access_token;
  }
  async function get(url: string, tok: string): Promise<AxiosResponse> {
    const abs = url.startsWith('http') ? url : `${base}${url}`;
    const res = await http.get(abs, { headers: { authorization: `Bearer ${tok}`, accept: 'application/hal+json' } });
    conforms('GET', abs, res);
    return res;
  }
  /**
   * Follows an app's list (`/apps/{id}/{list}`) by its next links from the first page, checking each page's HAL paging
   * fields (status, current_page, per_page, total_count, self and app links); hands each page to `each`. Returns the
   * number of pages.
   */
  async function walkAppPages(tok: string, appId: number, list: string, total: number, each: (res: AxiosResponse, page: number) => void): Promise<number> {
    let url: string | undefined = `${base}/apps/${appId}/${list}`;
    let page = 0;
    while (url) {
      const res = await get(url, tok);
      page++;
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.data.current_page, page);
      assert.strictEqual(res.data.per_page, st.perPage);
      assert.strictEqual(res.data.total_count, total);
      assert.strictEqual(res.data._links.app.href, `${base}/apps/${appId}`);
      assert.strictEqual(res.data._links.self.href, `${base}/apps/${appId}/${list}?page=${page}`);
      each(res, page);
      url = res.data._links.next?.href;
    }
    return page;
  }


  before(function () {
    spec = requireSpec(this, 'aptible');
  });
  before(async () => {
    sb = await start({ backends: ['aptible'], seed: 23 });
    base = sb.details.aptible.origin;
    creds = sb.details.aptible.credentials;
  });
  after(async () => {
    await sb?.stop();
  });
  beforeEach(() => {
    sb.reset();
    st = sb.state.aptible.state as AptibleState;
  });

  it('has the vendor spec to validate against', () => {
    assert.ok(spec.operations.length > 50);
  });

  describe('POST /tokens (password grant)', () => {
    it('issues a token (form body) with the fields aptible-auth reads', async () => {
      const res = await login();
      assert.strictEqual(res.status, 200);
      const t = res.data;
      assert.strictEqual(typeof t.access_token, 'string');
      assert.strictEqual(t.token_type, 'bearer');
      assert.strictEqual(t.scope, 'manage');
      assert.strictEqual(t.expires_in, 7 * 24 * 3600, 'one week by default');
      assert.ok(Number.isInteger(t.expires_at), 'expires_at is an integer epoch');
      assert.ok(Math.abs(t.expires_at - (Math.floor(sb.now() / 1000) + t.expires_in)) <= 2);
      assert.strictEqual(typeof t.refresh_token, 'string');
      assert.match(t.created_at, ISO);
      assert.match(t._links.user.href, new RegExp(`^${base}/users/`));
    });

    it('accepts a JSON body and honours a shorter expires_in', async () => {
      const res = await http.post(`${base}/tokens`, {
        grant_type: 'password',
        username: creds.email,
        password: creds.password,
        scope: 'manage',
        expires_in: 600,
      });
      assert.strictEqual(res.status, 200);
      assert.strictEqual(res.data.expires_in, 600);
    });

    it('requires otp_token for the MFA user, rejects a wrong one, accepts the right one', async () => {
      const without = await login({}, creds.mfaEmail);
      assert.strictEqual(without.status, 401);
      isError(without.data, 401, 'otp_token_required');
      assert.ok(without.data.exception_context && typeof without.data.exception_context === 'object');
      const wrong = await login({ otp_token: '000000' }, creds.mfaEmail);
      assert.strictEqual(wrong.status, 401);
      isError(wrong.data, 401, 'invalid_otp_token');
      const ok = await login({ otp_token: creds.otpToken }, creds.mfaEmail);
      assert.strictEqual(ok.status, 200);
      assert.ok(ok.data.expires_in <= 12 * 3600, 'MFA tokens last at most 12 h');
      assert.strictEqual((await get('/', ok.data.access_token)).status, 200);
    });

    it('rejects a wrong password, an unknown user and other grant types', async () => {
      const bad = await http.post(
        `${base}/tokens`,
        new URLSearchParams({ grant_type: 'password', username: creds.email, password: 'nope', scope: 'manage' }).toString(),
      );
      assert.strictEqual(bad.status, 401);
      isError(bad.data, 401, 'invalid_credentials');
      const unknown = await login({}, 'nobody@aptible.sandbox');
      assert.strictEqual(unknown.status, 401);
      isError(unknown.data, 401, 'invalid_credentials');
      const grant = await login({ grant_type: 'client_credentials' });
      assert.strictEqual(grant.status, 400);
      isError(grant.data, 400);
    });
  });

  describe('Deploy API', () => {
    it('401 without a token, with a bad one, after expiry and after expire-tokens', async () => {
      const none = await http.get(`${base}/accounts`);
      conforms('GET', `${base}/accounts`, none);
      assert.strictEqual(none.status, 401);
      isError(none.data, 401);
      assert.match(String(none.headers['content-type']), /application\/hal\+json/);
      const bad = await get('/accounts', 'garbage');
      assert.strictEqual(bad.status, 401);
      isError(bad.data, 401, 'invalid_token');

      const short = await login({ expires_in: '60' });
      const tok = short.data.access_token;
      assert.strictEqual((await get('/accounts', tok)).status, 200);
      sb.advanceTime(61_000);
      const expired = await get('/accounts', tok);
      assert.strictEqual(expired.status, 401);
      isError(expired.data, 401);

      const tok2 = await token();
      assert.strictEqual((await get('/', tok2)).status, 200);
      sb.state.aptible.expireAllTokens();
      // GET / documents only 200 in aptible.yaml (no `default` error), so check the error shape by hand here.
      const root = await http.get(`${base}/`, { headers: { authorization: `Bearer ${tok2}` } });
      assert.strictEqual(root.status, 401);
      isError(root.data, 401, 'invalid_token');
      assert.strictEqual((await get('/accounts', tok2)).status, 401);
    });

    it('serves the root links, accounts, apps (all validated, absolute HAL hrefs, integer ids)', async () => {
      const tok = await token();
      const root = await get('/', tok);
      assert.strictEqual(root.status, 200);
      assert.strictEqual(root.data._links.accounts.href, `${base}/accounts`);
      assert.strictEqual(root.data._links.apps.href, `${base}/apps`);

      const accounts = await get(root.data._links.accounts.href, tok);
      assert.strictEqual(accounts.status, 200);
      assert.match(String(accounts.headers['content-type']), /application\/hal\+json/);
      assert.strictEqual(accounts.data.total_count, DEFAULT_SIZES.aptibleAccounts);
      assert.strictEqual(accounts.data.current_page, 1);
      for (const a of accounts.data._embedded.accounts) {
        assert.ok(Number.isInteger(a.id));
        assert.strictEqual(a._type, 'account');
        assert.strictEqual(a._links.self.href, `${base}/accounts/${a.id}`);
        assert.strictEqual(a.ca_private_key, undefined, 'sensitive, not required: never sent');
        const one = await get(a._links.self.href, tok);
        assert.strictEqual(one.status, 200);
        assert.deepStrictEqual(one.data, a);
        const apps = await get(a._links.apps.href, tok);
        assert.strictEqual(apps.status, 200);
        assert.strictEqual(apps.data._links.account.href, a._links.self.href);
        assert.strictEqual(apps.data.total_count, a.total_app_count);
        for (const p of apps.data._embedded.apps) {
          assert.strictEqual(p._links.account.href, a._links.self.href);
        }
      }
      const apps = await get('/apps', tok);
      assert.strictEqual(apps.status, 200);
      assert.strictEqual(apps.data.total_count, DEFAULT_SIZES.aptibleApps);
      const app = apps.data._embedded.apps[0];
      assert.ok(Number.isInteger(app.id));
      assert.strictEqual(app._links.ephemeral_sessions.href, `${base}/apps/${app.id}/ephemeral_sessions`);
      const detail = await get(`/apps/${app.id}`, tok);
      assert.strictEqual(detail.status, 200);
      assert.deepStrictEqual(detail.data, app);
    });

    it('pages through an app\'s ephemeral sessions by following next links', async () => {
      const tok = await token();
      const app = st.data.apps[0];
      const expected = st.data.sessions.filter((s) => s.appId === app.id);
      assert.ok(expected.length > st.perPage, 'the first app has more than one page');
      const ids: number[] = [];
      let lastCreated = Infinity;
      const page = await walkAppPages(tok, app.id, 'ephemeral_sessions', expected.length, (res, n) => {
        if (n > 1) {
          assert.strictEqual(res.data._links.prev.href, `${base}/apps/${app.id}/ephemeral_sessions?page=${n - 1}`);
        } else {
          assert.strictEqual(res.data._links.prev, undefined);
        }
        for (const s of res.data._embedded.ephemeral_sessions) {
          assert.strictEqual(s._type, 'ephemeral_session');
          assert.ok(Date.parse(s.created_at) <= lastCreated, 'newest first');
          lastCreated = Date.parse(s.created_at);
          ids.push(s.id);
        }
      });
      assert.strictEqual(page, Math.ceil(expected.length / st.perPage));
      assert.deepStrictEqual([...ids].sort(), expected.map((s) => s.id).sort());
      const beyond = await get(`/apps/${app.id}/ephemeral_sessions?page=${page + 1}`, tok);
      assert.strictEqual(beyond.status, 200);
      assert.deepStrictEqual(beyond.data._embedded.ephemeral_sessions, []);
    });

    it('pages an app\'s operations of every type newest first by following next links; the execute ones started its sessions', async () => {
      const tok = await token();
      const app = st.data.apps[0];
      const expected = [...st.data.operations.values()].filter((o) => o.appId === app.id);
      assert.ok(expected.length > st.perPage, 'the first app has more than one page of operations');
      const detail = await get(`/apps/${app.id}`, tok);
      assert.strictEqual(detail.data._links.operations.href, `${base}/apps/${app.id}/operations`);
      const seen: { id: number; type: string; created: number }[] = [];
      const page = await walkAppPages(tok, app.id, 'operations', expected.length, (res) => {
        for (const o of res.data._embedded.operations) {
          assert.strictEqual(o._type, 'operation');
          assert.strictEqual(o._links.resource.href, `${base}/apps/${app.id}`);
          seen.push({ id: o.id, type: o.type, created: Date.parse(o.created_at) });
        }
      });
      assert.strictEqual(page, Math.ceil(expected.length / st.perPage));
      assert.deepStrictEqual(seen.map((o) => o.id).sort(), expected.map((o) => o.id).sort());
      assert.ok(seen.every((o, i) => i === 0 || seen[i - 1].created >= o.created), 'newest first');
      const types = new Set(seen.map((o) => o.type));
      assert.ok(types.has('execute') && types.has('deploy') && [...types].length >= 3, [...types].join());
      const sessionOps = new Set(st.data.sessions.filter((s) => s.appId === app.id).map((s) => s.operationId));
      assert.deepStrictEqual(seen.filter((o) => o.type === 'execute').map((o) => o.id).sort(), [...sessionOps].sort(), 'the execute ones are those of its sessions');
      st.forbiddenAppOperations.add(app.id);
      const refused = await get(`/apps/${app.id}/operations`, tok);
      assert.strictEqual(refused.status, 403);
      isError(refused.data, 403, 'forbidden');
    });

    it('pages accounts too when per_page is small', async () => {
      const tok = await token();
      st.perPage = 1;
      let url: string | undefined = `${base}/accounts`;
      const ids: number[] = [];
      while (url) {
        const res = await get(url, tok);
        ids.push(...res.data._embedded.accounts.map((a: { id: number }) => a.id));
        url = res.data._links.next?.href;
      }
      assert.deepStrictEqual(ids, st.data.accounts.map((a) => a.id));
    });

    it('joins a session to its operation (who/what/state) and back', async () => {
      const tok = await token();
      const app = st.data.apps[0];
      const list = await get(`/apps/${app.id}/ephemeral_sessions`, tok);
      let running = 0;
      for (const s of list.data._embedded.ephemeral_sessions) {
        const one = await get(s._links.self.href, tok);
        assert.strictEqual(one.status, 200);
        assert.deepStrictEqual(one.data, s, 'no envelope on the detail call');
        const op = await get(s._links.operation.href, tok);
        assert.strictEqual(op.status, 200);
        assert.strictEqual(op.data._type, 'operation');
        assert.strictEqual(op.data.type, 'execute');
        assert.ok(['queued', 'running', 'succeeded', 'failed'].includes(op.data.status));
        assert.match(op.data.user_email, /@/);
        assert.strictEqual(typeof op.data.user_name, 'string');
        assert.strictEqual(typeof op.data.command, 'string');
        assert.strictEqual(op.data.cancelled, st.data.operations.get(op.data.id)!.cancelled);
        assert.ok(!op.data.cancelled || op.data.status === 'failed', 'a cancelled session operation ended failed');
        assert.strictEqual(op.data.aborted, false);
        assert.match(op.data.created_at, ISO);
        assert.strictEqual(op.data._links.resource.href, `${base}/apps/${app.id}`);
        running += op.data.status === 'running' ? 1 : 0;
        const back = await get(op.data._links.ephemeral_sessions.href, tok);
        assert.strictEqual(back.status, 200);
        assert.deepStrictEqual(back.data._embedded.ephemeral_sessions.map((x: { id: number }) => x.id), [s.id]);
        assert.strictEqual(back.data._links.operation.href, s._links.operation.href);
      }
      assert.ok(running >= 1, 'some sessions are still running');
    });

    it('is read-only for sessions and answers 404 in the vendor error shape', async () => {
      const tok = await token();
      const s = st.data.sessions[0];
      const del = await http.delete(`${base}/ephemeral_sessions/${s.id}`, { headers: { authorization: `Bearer ${tok}` } });
      assert.strictEqual(del.status, 404);
      isError(del.data, 404, 'not_found');
      assert.strictEqual((await get(`/ephemeral_sessions/${s.id}`, tok)).status, 200, 'still there');
      for (const path of ['/apps/999999', '/apps/abc', '/ephemeral_sessions/1', '/operations/1', '/accounts/1']) {
        const res = await get(path, tok);
        assert.strictEqual(res.status, 404, path);
        isError(res.data, 404, 'not_found');
      }
    });

    it('has cancelled operations among the finished sessions, and a PATCH that cancels and is read back', async () => {
      const tok = await token();
      const ops = [...st.data.operations.values()].filter((o) => o.type === 'execute');
      const cancelled = ops.find((o) => o.cancelled);
      assert.ok(cancelled, 'some session operations were cancelled');
      assert.strictEqual(cancelled.status, 'failed');
      const read = await get(`/operations/${cancelled.id}`, tok);
      assert.strictEqual(read.data.cancelled, true);
      assert.strictEqual(read.data.status, 'failed');

      const running = ops.find((o) => o.status === 'running' && !o.cancelled)!;
      const url = `${base}/operations/${running.id}`;
      const patch = await http.patch(url, { cancelled: true }, { headers: { authorization: `Bearer ${tok}` } });
      conforms('PATCH', url, patch);
      assert.strictEqual(patch.status, 200);
      const after = await get(url, tok);
      assert.strictEqual(after.data.cancelled, true, 'later reads show the cancel');
      assert.strictEqual(after.data.status, 'running', 'the worker stops it later: still running');
      const none = await http.patch(`${base}/operations/1`, { cancelled: true }, { headers: { authorization: `Bearer ${tok}` } });
      conforms('PATCH', `${base}/operations/1`, none);
      assert.strictEqual(none.status, 404);
      isError(none.data, 404, 'not_found');
    });

    it('answers 403 for an account or operation the token cannot see, in the vendor error shape', async () => {
      const tok = await token();
      const acc = st.data.accounts[0];
      st.forbiddenAccounts.add(acc.id);
      for (const path of [`/accounts/${acc.id}`, `/accounts/${acc.id}/apps`]) {
        const res = await get(path, tok);
        assert.strictEqual(res.status, 403, path);
        isError(res.data, 403, 'forbidden');
      }
      const listed = await get('/accounts', tok);
      assert.ok(listed.data._embedded.accounts.some((a: { id: number }) => a.id === acc.id), 'still listed');
      const other = st.data.accounts[1];
      assert.strictEqual((await get(`/accounts/${other.id}/apps`, tok)).status, 200);
      const op = st.data.sessions.find((s) => st.data.operations.get(s.operationId)!.accountId !== acc.id)!.operationId;
      st.forbiddenOperations.add(op);
      const res = await get(`/operations/${op}`, tok);
      assert.strictEqual(res.status, 403);
      isError(res.data, 403, 'forbidden');
    });

    it('lists the ephemeral container of a session through its link', async () => {
      const tok = await token();
      const s = st.data.sessions[0];
      const one = await get(`/ephemeral_sessions/${s.id}`, tok);
      const list = await get(one.data._links.ephemeral_containers.href, tok);
      assert.strictEqual(list.status, 200);
      assert.strictEqual(list.data.total_count, 1);
      const c = list.data._embedded.ephemeral_containers[0];
      assert.strictEqual(c._type, 'ephemeral_container');
      assert.deepStrictEqual(c.allocation, [s.host]);
      assert.strictEqual(c._links.ephemeral_session.href, `${base}/ephemeral_sessions/${s.id}`);
      assert.strictEqual((await get('/ephemeral_sessions/1/ephemeral_containers', tok)).status, 404);
    });

    it('checks every Deploy API request against aptible.yaml (faulted ones too, not POST /tokens), keeps the violations across a reset, answers as Aptible would', async () => {
      const contract = sb.state.aptible.requestContract!;
      assert.strictEqual(contract.specFile, spec.file);
      contract.violations.splice(0);
      const tok = await token();
      const checked = contract.checked;
      const auth = { authorization: `Bearer ${tok}` };
      const app = st.data.apps[0];
      const op = [...st.data.operations.values()].find((o) => o.status === 'running')!;
      // Valid requests: nothing recorded.
      assert.strictEqual((await get(`/apps/${app.id}/ephemeral_sessions?page=1`, tok)).status, 200);
      assert.strictEqual((await http.patch(`${base}/operations/${op.id}`, { cancelled: false }, { headers: auth })).status, 200);
      assert.deepStrictEqual(contract.violations, []);
      assert.strictEqual(contract.checked, checked + 2, 'POST /tokens was not counted, the two Deploy API calls were');

      // A bad id, an undeclared and a bad query parameter, a body field UpdateOperation_request does not name.
      assert.strictEqual((await http.get(`${base}/apps/abc/ephemeral_sessions`, { headers: auth })).status, 404);
      assert.strictEqual((await http.get(`${base}/apps/${app.id}/ephemeral_sessions?per_page=5&page=x`, { headers: auth })).status, 200, 'Rails ignores them');
      assert.strictEqual((await http.patch(`${base}/operations/${op.id}`, { cancel: true }, { headers: auth })).status, 200);
      sb.reset();
      // A request a fault answers is checked too.
      sb.faults.set('aptible', { mode: 'rate-limit', count: 1 });
      assert.strictEqual((await http.get(`${base}/ephemeral_sessions`, { headers: auth })).status, 429);
      // The auth server is not in aptible.yaml: never recorded, whatever it is sent.
      assert.strictEqual((await http.post(`${base}/tokens?x=1`, 'grant_type=nope')).status, 400);
      assert.deepStrictEqual(contract.violations.splice(0), [
        { method: 'GET', path: '/apps/abc/ephemeral_sessions', errors: ['GET /apps/{app_id}/ephemeral_sessions: path parameter app_id="abc" is not an integer'] },
        {
          method: 'GET',
          path: `/apps/${app.id}/ephemeral_sessions?per_page=5&page=x`,
          errors: ['GET /apps/{app_id}/ephemeral_sessions: undeclared query parameter per_page', 'GET /apps/{app_id}/ephemeral_sessions: query parameter page="x" is not an integer'],
        },
        { method: 'PATCH', path: `/operations/${op.id}`, errors: ['PATCH /operations/{id}: body field /cancel is not in UpdateOperation_request'] },
        { method: 'GET', path: '/ephemeral_sessions', errors: ['aptible: no operation GET /ephemeral_sessions in aptible.yaml'] },
      ]);
    });

    it('is deterministic per seed', () => {
      const ctx = { seed: 3, sizes: DEFAULT_SIZES, now: () => 1_750_000_000_000 };
      const a = createAptible(ctx).state.data;
      const b = createAptible(ctx).state.data;
      assert.deepStrictEqual(a.sessions, b.sessions);
      assert.deepStrictEqual(a.accounts, b.accounts);
    });
  });
});
