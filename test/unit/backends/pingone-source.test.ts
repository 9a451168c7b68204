// The PingOne session source over a real PingOneClient and a scripted local HTTP server: exactly what each user and
// session row says (labels, descriptions, icons, tooltips, accessibility and revoke texts, dimming), the newest
// location, revoke outcomes and counts, revoke impact, refresh by entry type; and the SCIM filter edge cases.
import * as assert from 'assert';
import type * as http from 'http';
import type { ConnectionRecord } from '../../../src/model/connection';
import { PingOneClient } from '../../../src/backends/pingone/client';
import { pingoneModule } from '../../../src/backends/pingone';
import { createPingOneSessionSource, PINGONE_ENTRY_TYPES, type PingOneSessionSourceOptions, toScimFilter, validatePingOneFilter } from '../../../src/backends/pingone/sessions';
import type { SessionEntry, SessionSource } from '../../../src/backends/sessionSource';
import { type TestServer, json, startHttp } from '../http/helpers';
import { doubles } from './doubles';

type Answer = { status: number; body?: unknown };

const NOW = Date.parse('2025-06-10T12:00:00.000Z');
const ago = (h: number): string => new Date(NOW - h * 3_600_000).toISOString();
const PAGE = { offset: 0, limit: 50, cursor: '' };

describe('backends/pingone session source: rows, revoke and refresh (scripted server)', () => {
  let server: TestServer;
  let answers: Map<string, Answer>;
  const clients: PingOneClient[] = [];

  before(async () => {
    server = await startHttp((req: http.IncomingMessage, res: http.ServerResponse) => {
      const key = `${req.method} ${req.url}`;
      if (req.method === 'POST') {
        json(res, 200, { access_token: 'tok', expires_in: 3600 });
        return;
      }
      const a = answers.get(key);
      if (!a) {
        json(res, 404, { id: 'r', code: 'NOT_FOUND', message: `no route ${key}` });
      } else if (a.body === undefined) {
        res.writeHead(a.status);
        res.end();
      } else {
        json(res, a.status, a.body);
      }
    });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    answers = new Map([['GET /v1/environments', { status: 200, body: { _embedded: { environments: [{ id: 'e1', name: 'Prod EU', type: 'PRODUCTION', region: 'EU' }] } } }]]);
  });
  afterEach(() => {
    clients.splice(0).forEach((c) => c.dispose());
  });

  function source(options: PingOneSessionSourceOptions = {}, setting?: (key: string) => unknown): { src: SessionSource; lines: string[] } {
    const record: ConnectionRecord = {
      id: 'p1-src',
      backend: 'pingone',
      label: 'P1',
      endpoints: { region: 'custom', apiUrl: `${server.url}/v1`, authUrl: `${server.url}/auth` },
      auth: { method: 'clientCredentials', environmentId: 'w', clientId: 'app', clientAuth: 'post' },
      source: 'user',
    };
    const d = doubles();
    const c = new PingOneClient(record, { clientSecret: 'x' }, d.deps, { http: { sleep: async () => undefined, retry: { retries: 0 } } });
    clients.push(c);
    const ctx = { record, client: async () => c, log: d.deps.log, now: () => NOW, setting };
    return { src: setting ? pingoneModule.sessionSource!(ctx) : createPingOneSessionSource(ctx, options), lines: d.lines };
  }

  const users = (list: unknown[]): void => {
    answers.set('GET /v1/environments/e1/users?limit=50', { status: 200, body: { count: list.length, _embedded: { users: list } } });
  };
  const sessions = (userId: string, list: unknown[]): void => {
    answers.set(`GET /v1/environments/e1/users/${userId}/sessions`, { status: 200, body: { _embedded: { sessions: list } } });
  };
  const apiRequests = (): string[] => server.requests.filter((r) => r.url.startsWith('/v1/')).map((r) => `${r.method} ${r.url}`);

  async function env(src: SessionSource): Promise<SessionEntry> {
    const [e] = (await src.list(undefined, PAGE, {})).items;
    assert.strictEqual(e.accessibilityLabel, 'PingOne environment Prod EU, Production · EU');
    return e;
  }

  /** One user, ada, with one session, s1, both listed; the requests so far forgotten. */
  async function adaWithOneSession(): Promise<{ src: SessionSource; ada: SessionEntry; s1: SessionEntry }> {
    users([{ id: 'u1', username: 'ada' }]);
    sessions('u1', [{ id: 's1' }]);
    const { src } = source();
    const [ada] = await userRows(src);
    const [s1] = (await src.list(ada, PAGE, {})).items;
    server.requests.length = 0;
    return { src, ada, s1 };
  }
  async function userRows(src: SessionSource): Promise<SessionEntry[]> {
    return (await src.list(await env(src), PAGE, {})).items;
  }

  describe('user rows', () => {
    it('names a user by formatted name, given + family, username, email or id, and skips entries without an id', async () => {
      users([
        { id: 'u1', name: { formatted: 'Dr. Ada L.', given: 'Ada' }, username: 'ada' },
        { id: 'u2', name: { given: ' Ada ', family: 'Lovelace' }, username: 'ada2' },
        { id: 'u3', name: { family: 'Lovelace' } },
        { id: 'u4', name: { given: '  ' }, username: 'alan' },
        { id: 'u5', email: 'grace@example.com' },
        { id: 'u6' },
        null,
        { username: 'no-id' },
      ]);
      const rows = await userRows(source().src);
      assert.deepStrictEqual(rows.map((r) => [r.label, r.description]), [
        ['Dr. Ada L.', 'ada'],
        ['Ada Lovelace', 'ada2'],
        ['Lovelace', undefined],
        ['alan', undefined],
        ['grace@example.com', undefined],
        ['u6', undefined],
      ]);
    });

    it('says what the row, its tooltip, its accessibility label and its revoke label hold, before and after its sessions were read', async () => {
      users([
        { id: 'u1', name: { given: 'Ada', family: 'Lovelace' }, username: 'ada', email: 'ada@example.com', account: { status: 'OK' }, lastSignOn: { at: ago(2), remoteIp: ' 203.0.113.7 ' } },
        { id: 'u2', name: { given: 'Lin' }, email: 'lin@example.com', account: { status: 'LOCKED' } },
        { id: 'u3', username: 'bob', enabled: false },
      ]);
      const { src } = source();
      const [ada, lin, bob] = await userRows(src);
      assert.deepStrictEqual(
        { label: ada.label, description: ada.description, icon: ada.icon, a11y: ada.accessibilityLabel, revoke: ada.revokeLabel, flags: ada.flags, children: ada.childrenName, empty: ada.emptyText },
        {
          label: 'Ada Lovelace',
          description: 'ada',
          icon: 'account',
          a11y: 'PingOne user Ada Lovelace, ada',
          revoke: 'all sessions of Ada Lovelace (ada) in Prod EU (P1)',
          flags: { canRevokeAll: true, hasDetails: true },
          children: 'sessions of Ada Lovelace',
          empty: 'No sessions',
        },
      );
      assert.deepStrictEqual(ada.tooltip, {
        title: 'Ada Lovelace',
        lines: [
          ['Username', 'ada'],
          ['Email', 'ada@example.com'],
          ['Account', 'OK'],
          ['Last sign-on', new Date(NOW - 2 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'],
          ['Last sign-on IP', '203.0.113.7'],
          ['Sessions', 'not read yet (expand the user)'],
          ['User ID', 'u1'],
        ],
        note: 'PingOne lists up to 10 sessions per user, expired ones included.',
      });
      assert.deepStrictEqual([lin.description, lin.icon, lin.accessibilityLabel, lin.revokeLabel], ['lin@example.com · locked', 'person', 'PingOne user Lin, lin@example.com, locked', 'all sessions of Lin (lin@example.com) in Prod EU (P1)']);
      assert.strictEqual(lin.tooltip?.lines?.[2][1], 'locked');
      assert.deepStrictEqual([bob.label, bob.description, bob.icon, bob.accessibilityLabel, bob.revokeLabel], ['bob', 'disabled', 'person', 'PingOne user bob, disabled', 'all sessions of bob in Prod EU (P1)']);

      sessions('u1', [{ id: 's1' }]);
      sessions('u3', [{ id: 's1' }, { id: 's2' }]);
      await src.list(ada, PAGE, {});
      await src.list(bob, PAGE, {});
      const [ada2, , bob2] = await userRows(src);
      assert.strictEqual(ada2.accessibilityLabel, 'PingOne user Ada Lovelace, ada, 1 session');
      assert.deepStrictEqual(ada2.tooltip?.lines?.[5], ['Sessions', '1']);
      assert.strictEqual(bob2.accessibilityLabel, 'PingOne user bob, 2 sessions, disabled');
    });
  });

  describe('session rows', () => {
    it('says browser, device, newest place and address, activity and versions', async () => {
      users([{ id: 'u1', name: { formatted: 'Ada' } }]);
      sessions('u1', [
        {
          id: 's1',
          activeAt: ago(1),
          createdAt: ago(5),
          browser: { name: 'Chrome', version: '126' },
          operatingSystem: { name: 'macOS', version: '14' },
          device: { type: 'Desktop' },
          lastSignOn: { at: ago(5), remoteIp: '198.51.100.1' },
          locations: [
            null,
            'x',
            { at: ago(4), remoteIp: '203.0.113.1', city: 'tacoma', country: 'united states' },
            { at: ago(2), remoteIp: '203.0.113.2', city: 'singapore', state: 'singapore', country: 'singapore' },
            { at: ago(3), remoteIp: '203.0.113.3', city: 'austin', country: 'united states' },
          ],
        },
        { id: 's2', activeAt: 'not a time', createdAt: ago(3), browser: { version: '9' }, operatingSystem: { name: 'iOS' }, device: { type: 'Mobile' }, lastSignOn: { remoteIp: '198.51.100.9' } },
        { id: 's3', createdAt: ago(4), device: { type: 'Tablet' }, locations: [{ at: ago(4), city: 'lyon' }, { at: ago(4), city: 'paris' }] },
        { id: 's4', browser: { name: 'Firefox' }, locations: [{ city: 'oslo' }, { city: 'bergen' }] },
      ]);
      const { src } = source();
      const [ada] = await userRows(src);
      const rows = (await src.list(ada, PAGE, {})).items;
      assert.deepStrictEqual(rows.map((r) => [r.id, r.label, r.description, r.icon, r.time, r.dimmed]), [
        ['s1', 'Chrome on macOS', 'Desktop · Singapore · 203.0.113.2', 'device-desktop', ago(1), false],
        ['s2', 'iOS', 'Mobile · 198.51.100.9', 'device-mobile', ago(3), false],
        ['s3', 'Unknown browser', 'Tablet · Lyon', 'device-mobile', ago(4), false],
        ['s4', 'Firefox', 'Oslo', 'device-desktop', undefined, false],
      ]);
      const s1 = rows[0];
      assert.deepStrictEqual(s1.tooltip, {
        title: 'Chrome on macOS',
        lines: [
          ['User', 'Ada'],
          ['Environment', 'Prod EU'],
          ['Last active', new Date(NOW - 3_600_000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'],
          ['Created', new Date(NOW - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'],
          ['Last sign-on', new Date(NOW - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') + ' UTC from 198.51.100.1'],
          ['Location', 'Singapore'],
          ['IP address', '203.0.113.2'],
          ['Browser', 'Chrome 126'],
          ['Operating system', 'macOS 14'],
          ['Device', 'Desktop'],
          ['Session ID', 's1'],
        ],
        note: undefined,
      });
      assert.strictEqual(s1.accessibilityLabel, 'PingOne session Chrome on macOS, Desktop · Singapore · 203.0.113.2');
      assert.strictEqual(s1.dimmedNote, undefined);
      assert.strictEqual(s1.revokeLabel, 'Chrome on macOS of Ada in Prod EU (P1)');
      assert.strictEqual(s1.what, 'the session Chrome on macOS (Singapore) of Ada in Prod EU');
      assert.deepStrictEqual(s1.flags, { canRevoke: true, hasDetails: true, hasTrail: true });
      assert.deepStrictEqual(rows[1].tooltip?.lines?.slice(7, 9), [['Browser', undefined], ['Operating system', 'iOS']]);
      assert.strictEqual(rows[1].what, 'the session iOS of Ada in Prod EU');
      assert.strictEqual(rows[3].accessibilityLabel, 'PingOne session Firefox, Oslo');
    });

    it('dims a session idle longer than the setting, and says for how long', async () => {
      users([{ id: 'u1', username: 'ada' }]);
      sessions('u1', [
        { id: 'old', activeAt: ago(50), browser: { name: 'Edge' } },
        { id: 'day', activeAt: ago(47.5), browser: { name: 'Edge' } },
        { id: 'two', activeAt: ago(48), browser: { name: 'Edge' } },
        { id: 'fresh', activeAt: ago(0.2), browser: { name: 'Edge' } },
      ]);
      const note = (d: string): string => `Idle for ${d}: probably expired (PingOne lists expired sessions too and does not say when one expires).`;
      const read = async (staleAfterHours: PingOneSessionSourceOptions['staleAfterHours']): Promise<SessionEntry[]> => {
        const { src } = source({ staleAfterHours });
        const [u] = await userRows(src);
        return (await src.list(u, PAGE, {})).items;
      };
      let rows = await read(undefined);
      assert.deepStrictEqual(rows.map((r) => [r.id, r.dimmed, r.dimmedNote, r.tooltip?.note]), [
        ['fresh', false, undefined, undefined],
        ['day', true, 'likely expired', note('47 h')],
        ['two', true, 'likely expired', note('2 days')],
        ['old', true, 'likely expired', note('2 days')],
      ]);
      assert.strictEqual(rows[3].accessibilityLabel, 'PingOne session Edge, probably expired');
      rows = await read(() => 0.1);
      assert.deepStrictEqual(rows.map((r) => r.tooltip?.note), [note('1 h'), note('47 h'), note('2 days'), note('2 days')]);
      rows = await read(0);
      assert.deepStrictEqual(rows.map((r) => r.dimmed), [false, true, true, true], '0 h is not a setting: the default 12 h');
      rows = await read(48);
      assert.deepStrictEqual(rows.map((r) => r.dimmed), [false, false, false, true]);
    });

    it('the module reads the stale threshold from the pingone.staleAfterHours setting at each listing', async () => {
      users([{ id: 'u1', username: 'ada' }]);
      sessions('u1', [{ id: 'a', activeAt: ago(20) }]);
      let value: unknown = 24;
      const asked: string[] = [];
      const { src } = source({}, (key) => {
        asked.push(key);
        return value;
      });
      const [u] = await userRows(src);
      assert.deepStrictEqual((await src.list(u, PAGE, {})).items.map((r) => r.dimmed), [false]);
      value = 'x';
      assert.deepStrictEqual((await src.list(u, PAGE, {})).items.map((r) => r.dimmed), [true], 'not a number: the default 12 h');
      assert.ok(asked.length > 0 && asked.every((k) => k === 'pingone.staleAfterHours'), asked.join());
    });
  });

  describe('revoke', () => {
    it('ends sessions, logs each outcome, and counts down the user only for sessions it ended', async () => {
      users([{ id: 'u1', username: 'ada' }]);
      sessions('u1', [{ id: 's1' }, { id: 's2' }, { id: 's3' }]);
      const { src, lines } = source();
      const [ada] = await userRows(src);
      const rows = (await src.list(ada, PAGE, {})).items;
      answers.set('DELETE /v1/environments/e1/users/u1/sessions/s1', { status: 204 });
      const out = await src.revoke(rows);
      assert.deepStrictEqual(out.map((o) => o.outcome), ['revoked', 'already-ended', 'already-ended']);
      assert.ok(lines.includes('info PingOne: revoked session s1 of user u1 in Prod EU (P1)'), lines.join('\n'));
      assert.ok(lines.includes('info PingOne: already ended: session s2 of user u1 in Prod EU (P1)'), lines.join('\n'));
      const impact = await src.revokeImpact!([ada]);
      assert.strictEqual(impact.sessionsBelow, 2, 'one of three was ended by this call');
    });

    it('revoking a user ends each of its sessions; all already ended, or the user gone, is "already ended"', async () => {
      users([{ id: 'u1', username: 'ada' }, { id: 'u2', username: 'bob' }, { id: 'u3', username: 'gone' }]);
      sessions('u1', [{ id: 's1' }, { id: 's2' }]);
      sessions('u2', [{ id: 's9' }]);
      const { src } = source();
      const [ada, bob, gone] = await userRows(src);
      answers.set('DELETE /v1/environments/e1/users/u1/sessions/s2', { status: 204 });
      const out = await src.revoke([ada, bob, gone]);
      assert.deepStrictEqual(out, [{ outcome: 'revoked' }, { outcome: 'already-ended' }, { outcome: 'already-ended' }]);
      answers.set('GET /v1/environments/e1/users/u2/sessions', { status: 403, body: { id: 'r', code: 'ACCESS_FAILED', message: 'may not read sessions' } });
      const [failed] = await src.revoke([bob]);
      assert.strictEqual(failed.outcome, 'failed');
    });

    it('refuses an entry whose type does not match its key, without a request', async () => {
      const { src, ada, s1 } = await adaWithOneSession();
      const out = await src.revoke([{ ...s1, type: PINGONE_ENTRY_TYPES.user }, { ...ada, type: PINGONE_ENTRY_TYPES.session }]);
      assert.deepStrictEqual(out, [
        { outcome: 'failed', error: `${s1.label} is not a PingOne session or user; nothing was revoked` },
        { outcome: 'failed', error: 'ada is not a PingOne session or user; nothing was revoked' },
      ]);
      assert.deepStrictEqual(apiRequests(), []);
    });

    it('revoke impact counts only users, reading the ones not read yet', async () => {
      users([{ id: 'u1', username: 'ada' }, { id: 'u2', username: 'bob' }]);
      sessions('u1', [{ id: 's1' }, { id: 's2' }]);
      sessions('u2', [{ id: 's3' }]);
      const { src } = source();
      const [ada, bob] = await userRows(src);
      const [s1] = (await src.list(ada, PAGE, {})).items;
      server.requests.length = 0;
      assert.strictEqual((await src.revokeImpact!([s1])).sessionsBelow, undefined);
      assert.deepStrictEqual(apiRequests(), [], 'a session entry needs no request');
      assert.strictEqual((await src.revokeImpact!([ada])).sessionsBelow, 2);
      assert.deepStrictEqual(apiRequests(), [], 'a user whose sessions were read needs no request');
      assert.strictEqual((await src.revokeImpact!([ada, bob, s1])).sessionsBelow, 3);
      assert.deepStrictEqual(apiRequests(), ['GET /v1/environments/e1/users/u2/sessions']);
    });
  });

  it('a session row has no children, and a connection whose client is not PingOne says so', async () => {
    const { src, s1 } = await adaWithOneSession();
    assert.deepStrictEqual(await src.list(s1, PAGE, {}), { items: [], total: 0 });
    assert.deepStrictEqual(apiRequests(), []);
    const record = { id: 'z', backend: 'pingone', label: 'Not P1', endpoints: {}, auth: {}, source: 'user' } as unknown as ConnectionRecord;
    const other = createPingOneSessionSource({ record, client: async () => ({}) as never, log: () => undefined, now: () => NOW });
    await assert.rejects(other.list(undefined, PAGE, {}), /^Error: Not P1 is not a PingOne connection$/);
  });

  it('forgets the session counts when disposed', async () => {
    users([{ id: 'u1', username: 'ada' }]);
    sessions('u1', [{ id: 's1' }]);
    const { src } = source();
    const [ada] = await userRows(src);
    await src.list(ada, PAGE, {});
    assert.deepStrictEqual((await userRows(src))[0].tooltip?.lines?.[5], ['Sessions', '1']);
    src.dispose?.();
    assert.deepStrictEqual((await userRows(src))[0].tooltip?.lines?.[5], ['Sessions', 'not read yet (expand the user)']);
  });

  it('a session ended for a user whose sessions were never read leaves the user unknown (read on the next impact)', async () => {
    users([{ id: 'u1', username: 'ada' }]);
    sessions('u1', [{ id: 's1' }, { id: 's2' }]);
    const a = source().src;
    const [ada] = await userRows(a);
    const [s1] = (await a.list(ada, PAGE, {})).items;
    const b = source().src;
    answers.set('DELETE /v1/environments/e1/users/u1/sessions/s1', { status: 204 });
    assert.deepStrictEqual(await b.revoke([s1]), [{ outcome: 'revoked' }]);
    assert.strictEqual((await b.revokeImpact!([ada])).sessionsBelow, 2, 'read from the server, not guessed');
  });

  it('refreshes each level by its type, and nothing for an entry of another type', async () => {
    users([{ id: 'u1', username: 'ada' }]);
    sessions('u1', [{ id: 's1', browser: { name: 'Chrome' } }]);
    const { src } = source();
    const e = await env(src);
    const [ada] = await userRows(src);
    const [s1] = (await src.list(ada, PAGE, {})).items;
    answers.set('GET /v1/environments/e1/users/u1', { status: 200, body: { id: 'u1', username: 'ada2' } });
    answers.set('GET /v1/environments/e1/users/u1/sessions/s1', { status: 200, body: { id: 's1', browser: { name: 'Safari' } } });
    assert.strictEqual((await src.refreshEntry!(e))?.label, 'Prod EU');
    assert.strictEqual((await src.refreshEntry!(ada))?.label, 'ada2');
    assert.strictEqual((await src.refreshEntry!(s1))?.label, 'Safari');
    server.requests.length = 0;
    for (const x of [e, ada, s1]) {
      assert.strictEqual(await src.refreshEntry!({ ...x, type: 'somethingElse' }), undefined, x.key);
    }
    assert.deepStrictEqual(apiRequests(), []);
  });
});

describe('backends/pingone filter text: edge cases', () => {
  it('splits free text on runs of spaces for the given + family pair', () => {
    assert.strictEqual(
      toScimFilter('Ada   Lovelace'),
      'username sw "Ada   Lovelace" or email sw "Ada   Lovelace" or name.given sw "Ada   Lovelace" or name.family sw "Ada   Lovelace" or (name.given sw "Ada" and name.family sw "Lovelace")',
    );
  });

  it('skips an escaped quote inside a quoted value', () => {
    assert.strictEqual(validatePingOneFilter('username eq "a\\"b"'), undefined);
    assert.strictEqual(validatePingOneFilter('username eq "a\\\\" and email sw "x"'), undefined);
  });

  it('names the operator as typed and suggests it in lower case', () => {
    assert.strictEqual(validatePingOneFilter('username EQ'), 'A value in double quotes is missing after "EQ", e.g. username eq "alice".');
  });

  it('accepts unquoted numbers, booleans and null, and nothing else', () => {
    for (const v of ['5', '12', '-3', '1.25', '-0.5', 'true', 'FALSE', 'null']) {
      assert.strictEqual(validatePingOneFilter(`x gt ${v}`), undefined, v);
    }
    for (const v of ['abc5', '5abc', '1.', '1.x', '--1', 'truex']) {
      assert.strictEqual(validatePingOneFilter(`x eq ${v}`), `Put the value in double quotes: eq "${v}".`, v);
    }
  });
});
