// PingOne sessions in the one Sessions view, in the real extension host against the sandbox: environments → users
// (paged by next link, counted, searched on the server) → each user's sessions (newest first, idle ones dimmed);
// revoke one, revoke all of a user, already ended, 403 in the server's words, faults as error rows with the other
// connection intact.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { PingOneState } from '../sandbox/pingone';
import type { Sandbox } from '../sandbox/server';
import { isEntryRow, item, labelOf, type EntryRowLike, type RevokeSummary } from './helpers';
import { sessionsSuite } from './sessionsFixture';

const PING = 'p1-main';
const PROD = 'p1-prod';
const ZITI = 'p1-ziti';

type Row = EntryRowLike;
const isRow = isEntryRow;

describe('PingOne sessions view (sandbox)', function () {
  this.timeout(180_000);
  const suite = sessionsSuite({
    sandbox: { backends: ['pingone', 'ziti'] },
    zitiBeside: ZITI,
    async connections(api, sb) {
      const d = sb.details.pingone;
      const base = {
        backend: 'pingone' as const,
        endpoints: { region: 'custom' as const, apiUrl: d.urls.apiBase, authUrl: d.urls.authBase },
        auth: { method: 'clientCredentials' as const, environmentId: d.credentials.environmentId, clientId: d.credentials.basicClientId, clientAuth: 'basic' as const },
        source: 'user' as const,
      };
      await api.store.save({ ...base, id: PING, label: 'Ping workforce' }, { clientSecret: d.credentials.basicClientSecret });
      await api.store.save({ ...base, id: PROD, label: 'Ping prod', production: true }, { clientSecret: d.credentials.basicClientSecret });
      return [PING, PROD];
    },
  });
  const { provider, kids, answer } = suite;
  let api: TestingApi;
  let sb: Sandbox;
  const p1 = (): PingOneState => sb.state.pingone.state as PingOneState;
  before(() => {
    ({ api, sb } = suite);
  });
  async function connection(id = PING): Promise<TreeNode> {
    const c = (await kids()).find((r) => r.id === `pingone/${id}`);
    assert.ok(c, `the PingOne connection row ${id}`);
    return c;
  }
  async function environment(name: string, id = PING): Promise<Row> {
    const envs = (await kids(await connection(id))).filter(isRow);
    const e = envs.find((r) => r.entry.label === name);
    assert.ok(e, `no environment ${name} among ${envs.map((r) => r.entry.label).join(', ')}`);
    return e;
  }
  /**
   * A list row as the view holds it now. A level keeps its row object across redraws, so while the workbench is
   * re-reading the roots (and the provider's map is being rebuilt) the row itself is the one.
   */
  function shown(row: TreeNode): TreeNode {
    return provider().findById(row.id) ?? row;
  }
  /** A user of the environment with at least `min` sessions, and its session rows. */
  async function userWithSessions(env: Row, min: number): Promise<{ user: Row; sessions: Row[] }> {
    for (const u of (await kids(env)).filter(isRow).slice(0, 40)) {
      const sessions = (await kids(u)).filter(isRow);
      if (sessions.length >= min) {
        return { user: u, sessions };
      }
    }
    throw new Error(`no user with ${min} sessions`);
  }

  afterEach(async () => {
    await vscode.commands.executeCommand('sessionManager.clearFilter');
    sb.faults.clear('pingone');
    p1().sessionDeleteForbidden.clear();
    api.setUserInput(undefined);
  });

  it('browses environments → users (paged by the next link, counted) → sessions, newest first, idle ones dimmed', async () => {
    const roots = await kids();
    assert.deepStrictEqual(
      roots.map((r) => r.id),
      [`pingone/${PROD}`, `pingone/${PING}`, `ziti/${ZITI}`],
      'one row per connection with sessions, by label',
    );
    assert.match(String((await item(await connection())).description), /^PingOne/);
    const env = await environment('Workforce EU');
    const users = await kids(env);
    const userRows = users.filter(isRow);
    assert.strictEqual(userRows.length, 100, 'the first page (pageSize)');
    assert.strictEqual(await labelOf(users[users.length - 1]), 'Load more…');
    assert.match(String((await item(shown(env))).description), /· 100 of 5,000 users$/);
    assert.match(String((await item(userRows[0])).contextValue), /^pingoneUser;canRevokeAll;hasDetails$/);

    const { user, sessions } = await userWithSessions(env, 2);
    const times = sessions.map((s) => Date.parse(String(s.entry.time)));
    assert.ok(
      times.every((t, i) => i === 0 || times[i - 1] >= t),
      'newest activity first',
    );
    const si = await item(sessions[0]);
    assert.match(String(si.contextValue), /^pingoneSession;canRevoke;hasDetails;hasTrail$/);
    assert.match(String(si.description), / · /, 'device · place · IP · age');
    // The user row counts its sessions once they were read.
    assert.match(String((await item(shown(user))).description), new RegExp(`${sessions.length} sessions?$`));
    // Idle sessions are dimmed, never hidden.
    const all: Row[] = [];
    for (const u of userRows.slice(0, 30)) {
      all.push(...(await kids(u)).filter(isRow));
    }
    const dimmed = all.filter((s) => s.entry.dimmed);
    assert.ok(dimmed.length > 0 && dimmed.length < all.length, `${dimmed.length} of ${all.length} dimmed`);
    assert.match(String((await item(dimmed[0])).description), /likely expired/);

    // Load more follows the next link.
    await vscode.commands.executeCommand('sessionManager.loadMore', shown(env));
    assert.strictEqual((await kids(shown(env))).filter(isRow).length, 200);
  });

  it('searches users on the server (free text and SCIM) and shows the server’s words for a filter it refuses', async () => {
    const sample = (await kids(await environment('Workforce EU'))).filter(isRow)[7];
    const prefix = String((sample.entry as unknown as { details: { username: string } }).details.username).slice(0, 4);
    const q = answer([{ input: prefix }]);
    await vscode.commands.executeCommand('sessionManager.filter', await connection());
    assert.strictEqual(q.remaining, 0);
    const env = await environment('Workforce EU');
    const users = (await kids(env)).filter(isRow);
    assert.ok(users.some((u) => u.entry.id === sample.entry.id), `the user whose username starts with ${prefix}`);
    for (const u of users) {
      const d = (u.entry as unknown as { details: { username?: string; email?: string; name?: { given?: string; family?: string } } }).details;
      const fields = [d.username, d.email, d.name?.given, d.name?.family].map((f) => String(f ?? '').toLowerCase());
      assert.ok(fields.some((f) => f.startsWith(prefix.toLowerCase())), `${fields.join(' / ')} starts with ${prefix}`);
    }
    assert.match(String((await item(shown(env))).description), /\(filtered\)/);
    // Only this connection is filtered.
    const other = (await kids(await environment('Workforce EU', PROD))).filter(isRow);
    assert.strictEqual(other.length, 100);

    // PingOne refuses `ew` on username (docs: ends-with is for email and names only).
    answer([{ input: 'username ew "zz"' }]);
    await vscode.commands.executeCommand('sessionManager.filter', await connection());
    const bad = await kids(await environment('Workforce EU'));
    assert.strictEqual(bad.length, 1);
    assert.match(await labelOf(bad[0]), /^The connection rejected the filter: .*(operator|attribute|filter)/i);
    await vscode.commands.executeCommand('sessionManager.clearFilter', await connection());
    assert.strictEqual((await kids(await environment('Workforce EU'))).filter(isRow).length, 100);
  });

  it('opens a session trail: locations in time order, the gap between moves, a warning for a too-fast country change; a revoke marks it ended', async () => {
    const env = await environment('Workforce EU');
    // The sandbox's first user of every environment has a session that changes country within 35 minutes.
    const traveller = (await kids(env)).filter(isRow)[0];
    let found: Row | undefined;
    for (const s of (await kids(traveller)).filter(isRow)) {
      const r = (await vscode.commands.executeCommand('sessionManager.showSessionTrail', s)) as { key: string };
      const html = api.webviews.list('sessionTrail').find((w) => w.key === r.key)?.html() ?? '';
      if (/faster than 2 h/.test(html)) {
        found = s;
        break;
      }
    }
    assert.ok(found, 'a session with a too-fast country change');
    const rec = api.webviews.list('sessionTrail').find((w) => w.key === `${PING}/${found!.entry.id}`);
    assert.ok(rec && !rec.disposed);
    const html = rec.html();
    assert.match(html, /Content-Security-Policy" content="default-src 'none';[^"]*script-src 'none'/, 'no script at all');
    assert.ok(!/<script/i.test(html), 'no script element');
    const times = [...html.matchAll(/<time datetime="([^"]+)">/g)].map((m) => Date.parse(m[1]));
    assert.ok(times.length >= 2, `${times.length} points`);
    assert.ok(
      times.every((t, i) => i === 0 || times[i - 1] <= t),
      'oldest first',
    );
    assert.match(html, /<tr class="too-fast">/);
    assert.match(html, /aria-label="Warning">⚠<\/span> Country changed within \d+ min, faster than 2 h/);
    assert.match(html, /<summary>As plain text<\/summary>/, 'a text alternative');
    assert.match(html, /var\(--vscode-|trail\.css/, 'theme styles');
    // Opening it again reveals the same panel.
    await vscode.commands.executeCommand('sessionManager.showSessionTrail', found);
    assert.strictEqual(api.webviews.list('sessionTrail').filter((w) => w.key === rec.key && !w.disposed).length, 1);
    answer([{ confirm: 'Revoke' }]);
    await vscode.commands.executeCommand('sessionManager.revokeSession', found);
    assert.match(rec.html(), /This session was revoked through Session Manager at /);
    rec.dispose();
  });

  it('Show Session Trail from the palette asks which of the shown sessions', async () => {
    const env = await environment('Workforce EU');
    const { sessions } = await userWithSessions(env, 1);
    const q = answer([{ pick: sessions[0].entry.label }]);
    const r = (await vscode.commands.executeCommand('sessionManager.showSessionTrail')) as { key: string } | undefined;
    assert.strictEqual(q.asked[0]?.kind, 'pick', JSON.stringify(api.recentErrors.slice(-1)));
    assert.ok(q.asked[0].items?.includes(sessions[0].entry.label));
    assert.ok(r && api.webviews.list('sessionTrail').some((w) => w.key === r.key && !w.disposed));
    api.webviews.list('sessionTrail').find((w) => w.key === r.key)?.dispose();
  });

  it('revokes one session through the modal naming it, PingOne and the connection; again: already ended', async () => {
    const env = await environment('Workforce EU');
    const { user, sessions } = await userWithSessions(env, 2);
    const target = sessions[0];
    const q = answer([{ confirm: 'Revoke' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', target)) as RevokeSummary;
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked']);
    assert.match(q.asked[0].text, new RegExp(`^Revoke .+ on Ping workforce\\?$`));
    assert.match(q.asked[0].detail ?? '', /PingOne connection Ping workforce/);
    assert.ok(!(p1().sessions.get(user.entry.id) ?? []).some((s) => s.id === target.entry.id), 'gone on the server');
    const after = (await kids(shown(user))).filter(isRow);
    assert.strictEqual(after.length, sessions.length - 1, 'the list and the user row agree without a refresh');
    assert.match(String((await item(shown(user))).description), new RegExp(`${sessions.length - 1} sessions?$`));
    // Revoked elsewhere in the meantime: "already ended", not an error.
    const other = after[0];
    const list = p1().sessions.get(user.entry.id)!;
    list.splice(list.findIndex((s) => s.id === other.entry.id), 1);
    answer([{ confirm: 'Revoke' }]);
    const again = (await vscode.commands.executeCommand('sessionManager.revokeSession', other)) as RevokeSummary;
    assert.deepStrictEqual(again.results.map((r) => r.outcome), ['already-ended']);
    assert.match(again.message, /had already ended/);
  });

  it('revokes all sessions of a user after one confirmation with the count, with the outcome of each', async () => {
    const env = await environment('Workforce EU');
    const { user, sessions } = await userWithSessions(env, 2);
    const q = answer([{ confirm: `Revoke ${sessions.length} Sessions` }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeAllSessions', user)) as RevokeSummary;
    assert.strictEqual(q.asked.length, 1);
    assert.match(q.asked[0].text, new RegExp(`^Revoke all ${sessions.length} sessions of .+ \\(PingOne, Ping workforce\\)\\?$`));
    assert.strictEqual(summary.results.length, sessions.length);
    assert.ok(summary.results.every((r) => r.outcome === 'revoked'));
    assert.deepStrictEqual(p1().sessions.get(user.entry.id), []);
    assert.match(await labelOf((await kids(shown(user)))[0]), /^No sessions/);
  });

  it('multi-select revoke across users, and a 403 that names the permission the worker app lacks', async () => {
    const env = await environment('Workforce EU');
    const a = await userWithSessions(env, 1);
    const users = (await kids(shown(env))).filter(isRow);
    let b: { user: Row; sessions: Row[] } | undefined;
    for (const u of users.slice(users.indexOf(users.find((x) => x.id === a.user.id)!) + 1)) {
      const s = (await kids(u)).filter(isRow);
      if (s.length > 0) {
        b = { user: u, sessions: s };
        break;
      }
    }
    assert.ok(b, 'a second user with sessions');
    p1().sessionDeleteForbidden.add(b.user.entry.id);
    const picked = [a.sessions[0], b.sessions[0]];
    const q = answer([{ confirm: 'Revoke 2 Sessions' }]);
    const summary = (await vscode.commands.executeCommand('sessionManager.revokeSession', picked[0], picked)) as RevokeSummary;
    assert.match(q.asked[0].text, /^Revoke 2 sessions on Ping workforce\?$/);
    assert.deepStrictEqual(summary.results.map((r) => r.outcome), ['revoked', 'failed']);
    assert.match(summary.results[1].error ?? '', /403/);
    assert.match(summary.results[1].error ?? '', /Identity Data Admin/);
    assert.match(summary.message, /Revoked 1 session; 1 failed\./);
  });

  it('a production connection asks for its name before a revoke', async () => {
    const env = await environment('Workforce EU', PROD);
    const { sessions } = await userWithSessions(env, 1);
    const q = answer([{ confirm: 'Revoke' }, { typed: 'wrong' }]);
    assert.strictEqual(await vscode.commands.executeCommand('sessionManager.revokeSession', sessions[0]), undefined);
    assert.strictEqual(q.asked[1].kind, 'typeToConfirm');
    assert.match(q.asked[1].text, /^Ping prod is a production connection\. Type its name to revoke the session on it\.$/);
  });

  for (const mode of ['rate-limit', 'server-error', 'malformed-json', 'html-502'] as const) {
    it(`shows a ${mode} fault on users as an error row under that environment only; the OpenZiti connection stays`, async () => {
      await environment('Workforce EU');
      sb.faults.set('pingone', { mode, pathRegex: '/users$', retryAfterSeconds: 0 });
      try {
        provider().refresh();
        const children = await kids(await environment('Workforce EU'));
        const last = await item(children[children.length - 1]);
        assert.match(String(last.contextValue), /^error;canRetry/, `${String(last.label)} (${children.length} rows)`);
        const zitiLists = await kids((await kids()).find((r) => r.id === `ziti/${ZITI}`)!);
        assert.deepStrictEqual(await Promise.all(zitiLists.map(labelOf)), ['Sessions', 'API Sessions'], 'the other connection intact');
      } finally {
        sb.faults.clear('pingone');
      }
      provider().refresh();
      assert.ok((await kids(await environment('Workforce EU'))).filter(isRow).length > 0, 'recovers after the fault');
    });
  }
});
