// The Aptible session source row by row against the sandbox over HTTP: every field of an account, app, "Recent SSH
// operations", operation and session row, paging by `_links.next`, the join with operations (cache, concurrency bound,
// 404/403/fault), the SSH-operations level (execute only, newest first, pages without one skipped up to a bound),
// cancel operation, revoke, find, find operation, details, the session path and dispose. Shapes the emulator never
// sends (missing fields, odd states, nulls in lists) are answered in its place through `intercept`.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { AptibleClient } from '../../../src/backends/aptible';
import { APTIBLE_ENTRY_TYPES, type AptibleSessionSource, createAptibleSessionSource, OPERATION_PAGES_PER_READ } from '../../../src/backends/aptible/sessions';
import type { SessionEntry, SessionSourceContext } from '../../../src/backends/sessionSource';
import type { Sandbox } from '../../sandbox/server';
import type { SandboxRequest, SandboxResponse } from '../../sandbox/types';
import { doubles, failOnRequestViolations, useSandbox } from './doubles';
import { interceptEachTest, route } from './intercept';

const LABEL = 'Rows Aptible';
const FIRST = { offset: 0, limit: 100, cursor: '' };

const ACCOUNTS = [
  { id: 41, handle: 'prod-env', type: 'production', total_app_count: 2, created_at: null, _links: {} },
  { id: 42, handle: 'dev-env', type: 'development', total_app_count: 1, created_at: '2026-01-01T00:00:00Z', _links: {} },
  { id: 43, _links: {} },
];

const op = (id: number, extra: Record<string, unknown>): Record<string, unknown> => ({ id, type: 'execute', created_at: '2026-03-01T10:00:00Z', updated_at: '2026-03-01T10:05:00Z', ...extra });
const sess = (id: number, opId: number | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  created_at: `2026-03-0${(id % 9) + 1}T08:00:00Z`,
  _links: { app: { href: 'x/apps/501' }, ...(opId !== undefined ? { operation: { href: `https://api.example/operations/${opId}` } } : {}) },
  ...extra,
});

describe('backends/aptible session source rows', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], seed: 5 });
  failOnRequestViolations(sandbox, 'aptible');
  const net = interceptEachTest(sandbox, 'aptible');

  before(() => {
    sb = sandbox();
  });

  function record(): ConnectionRecord {
    return {
      id: 'aptible-rows',
      backend: 'aptible',
      label: LABEL,
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: sb.details.aptible.urls.authRoot },
      auth: { method: 'password', username: sb.details.aptible.credentials.email },
      source: 'user',
    };
  }

  function source(concurrency?: number): { src: AptibleSessionSource; logged: string[] } {
    const d = doubles();
    const c = new AptibleClient(record(), { password: sb.details.aptible.credentials.password }, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    const logged: string[] = [];
    const ctx: SessionSourceContext = { record: c.record, client: async () => c, log: (level, msg) => logged.push(`${level}: ${msg}`), now: () => Date.parse('2026-04-01T00:00:00Z') };
    return { src: createAptibleSessionSource(ctx, concurrency === undefined ? {} : { operationConcurrency: concurrency }), logged };
  }

  const hal = (collection: string, items: unknown[], next?: string, total?: number): SandboxResponse => ({
    status: 200,
    body: { _embedded: { [collection]: items }, _links: next ? { next: { href: next } } : {}, ...(total !== undefined ? { total_count: total } : {}) },
  });
  const fail = (status: number): SandboxResponse => ({ status, body: { code: status, error: status === 404 ? 'not_found' : 'forbidden', message: `refused ${status}` } });
  const get = (path: string): ((req: SandboxRequest) => boolean) => route('GET', path);
  const getPaged = (path: string, page: string | null): ((req: SandboxRequest) => boolean) => (req) => req.method === 'GET' && req.path === path && req.query.get('page') === page;
  const sentTo = (path: string, method = 'GET'): number => net().sent.filter((s) => s.method === method && s.path === path).length;
  const api = (): string => sb.details.aptible.urls.apiRoot.replace(/\/$/, '');

  /** The account rows, answered from ACCOUNTS. */
  async function accounts(src: AptibleSessionSource): Promise<SessionEntry[]> {
    net().answer(get('/accounts'), hal('accounts', ACCOUNTS));
    return (await src.list(undefined, FIRST, {})).items;
  }

  const APPS = [{ id: 501, handle: ' web ', status: 'provisioned', created_at: '2026-02-03T04:05:06Z', updated_at: '2026-02-04T00:00:00Z', _links: { account: { href: 'x/accounts/41' } } }, null, { id: 'nope' }, { id: 502, _links: {} }];

  async function app(src: AptibleSessionSource): Promise<{ app: SessionEntry; apps: SessionEntry[]; next?: string; total?: number }> {
    const [prod] = await accounts(src);
    net().answer(get('/accounts/41/apps'), hal('apps', APPS, `${api()}/accounts/41/apps?page=2`, 7));
    const page = await src.list(prod, FIRST, {});
    return { app: page.items[0], apps: page.items, next: page.next, total: page.total };
  }

  it('shows every field of an account row, production marked, null and missing details left empty', async () => {
    const { src } = source();
    const [prod, dev, bare] = await accounts(src);
    assert.deepStrictEqual(prod, {
      key: 'account/41',
      id: '41',
      type: APTIBLE_ENTRY_TYPES.account,
      label: 'prod-env',
      description: 'production · 2 apps',
      icon: 'server-environment',
      tooltip: {
        title: 'prod-env',
        lines: [
          ['id', '41'],
          ['handle', 'prod-env'],
          ['type', 'production'],
          ['apps', '2'],
          ['databases', undefined],
          ['created', undefined],
        ],
        note: 'A production environment.',
      },
      accessibilityLabel: 'Aptible environment prod-env, production · 2 apps',
      flags: { hasDetails: true },
      children: 'paged',
      childrenName: 'apps of prod-env',
      emptyText: 'No apps',
      details: ACCOUNTS[0],
    });
    assert.strictEqual(dev.tooltip?.note, undefined);
    assert.deepStrictEqual(dev.tooltip?.lines?.[5], ['created', '2026-01-01T00:00:00Z']);
    assert.strictEqual(bare.accessibilityLabel, 'Aptible environment 43');
    assert.strictEqual(src.isProductionEntry(prod), true);
    assert.strictEqual(src.isProductionEntry(dev), false);
    assert.strictEqual(src.accountHandleOf(dev), 'dev-env');
    assert.strictEqual(src.backendLabel, 'Aptible');
    assert.strictEqual(src.connectionNoun, 'connection');
    assert.deepStrictEqual(src.capabilities, { find: true });
    assert.strictEqual(src.revokeNote, "Aptible's API has no call that ends an ephemeral session.");
  });

  it('shows every field of an app row and of its "Recent SSH operations" row, passes `next` and the total on, leaves out apps without an id', async () => {
    const { src } = source();
    const { apps, next, total } = await app(src);
    assert.strictEqual(next, `${api()}/accounts/41/apps?page=2`);
    assert.strictEqual(total, 7);
    assert.deepStrictEqual(
      apps.map((a) => a.id),
      ['501', '502'],
    );
    assert.deepStrictEqual(apps[0], {
      key: 'account/41/app/501',
      id: '501',
      type: APTIBLE_ENTRY_TYPES.app,
      label: 'web',
      description: 'provisioned',
      icon: 'package',
      tooltip: {
        title: 'web',
        lines: [
          ['Environment', 'prod-env'],
          ['Status', 'provisioned'],
          ['Created', '2026-02-03 04:05 UTC'],
          ['App ID', '501'],
        ],
      },
      accessibilityLabel: 'Aptible app web in prod-env',
      flags: { hasDetails: true },
      children: 'paged',
      childrenName: 'ephemeral sessions of web',
      emptyText: 'No ephemeral sessions',
      leading: [
        {
          key: 'account/41/app/501/operations',
          id: 'apps/501/operations',
          type: APTIBLE_ENTRY_TYPES.operations,
          label: 'Recent SSH operations',
          icon: 'history',
          tooltip: {
            title: 'Recent SSH operations of web',
            lines: [
              ['App', 'web'],
              ['Environment', 'prod-env'],
            ],
            note: 'Lists the app\'s "execute" operations (what "aptible ssh" starts), newest first; deploys, restarts and other operations are left out. Open one to see the ephemeral sessions it started.',
          },
          accessibilityLabel: 'Recent SSH operations of Aptible app web',
          flags: {},
          children: 'paged',
          childrenName: 'SSH operations of web',
          emptyText: 'No SSH operations ("aptible ssh") on this app',
          details: undefined,
        },
      ],
      details: { id: 501, handle: ' web ', status: 'provisioned', created_at: '2026-02-03T04:05:06Z', updated_at: '2026-02-04T00:00:00Z', _links: { account: { href: 'x/accounts/41' } } },
    });
    assert.strictEqual(apps[1].label, '502');
    assert.strictEqual(apps[1].description, undefined);
    // The next page is the href verbatim.
    net().answer(getPaged('/accounts/41/apps', '2'), hal('apps', [{ id: 503, handle: 'late' }]));
    const [prod] = (await src.list(undefined, FIRST, {})).items;
    const p2 = await src.list(prod, { offset: 2, limit: 100, cursor: next ?? '' }, {});
    assert.deepStrictEqual(
      p2.items.map((a) => a.label),
      ['late'],
    );
    assert.strictEqual(p2.next, undefined);
  });

  const OPS: Record<number, Record<string, unknown>> = {
    701: op(701, { status: 'running', user_name: 'Alice', user_email: 'alice@example.com', command: 'bash', created_at: '2026-03-05T09:00:00Z' }),
    702: op(702, { status: 'succeeded', user_email: 'bob@example.com' }),
    703: op(703, { status: 'queued' }),
  };

  /** Answers GET /operations/{id} from OPS (404/403/500 for 704/705/706), counting the reads in flight. */
  /**
   * Answers `GET /operations/{id}` from OPS. With `gate`, each answer is held until `gate` reads are in flight (at most
   * 2 s), and a moment longer so a read beyond the bound would arrive while they are held: `max()` is then the bound the
   * source kept, whatever the machine's load (a slow machine can only hide an extra read, never lose an allowed one).
   */
  function answerOperations(gate = 0): { max: () => number } {
    let inFlight = 0;
    let max = 0;
    const waiting: (() => void)[] = [];
    net().answer(
      (req) => req.method === 'GET' && /^\/operations\/\d+$/.test(req.path),
      async (req) => {
        inFlight++;
        max = Math.max(max, inFlight);
        if (gate > 0) {
          await new Promise<void>((release) => {
            waiting.push(release);
            if (inFlight >= gate) {
              setTimeout(() => waiting.splice(0).forEach((r) => r()), 15);
            } else {
              setTimeout(release, 2000);
            }
          });
        }
        inFlight--;
        const id = Number(req.path.split('/')[2]);
        if (id === 704) {
          return fail(404);
        }
        if (id === 705) {
          return fail(403);
        }
        if (id === 706) {
          return fail(500);
        }
        return { status: 200, body: OPS[id] ?? op(id, { status: 'succeeded', user_name: `u${id}` }) };
      },
    );
    return { max: () => max };
  }

  const SESSIONS = [
    sess(801, 702, { host: 'ip-10-0-0-2', name: 'old-one', created_at: '2026-03-02T08:00:00Z' }),
    null,
    { id: 'x' },
    sess(802, 701, { host: ' ip-10-0-0-1 ', aws_instance_id: 'i-0abc', name: 'alice-bash', created_at: '2026-03-05T09:00:01Z', updated_at: '2026-03-05T09:30:00Z' }),
    sess(803, 704, { created_at: '2026-03-01T00:00:00Z' }),
    sess(804, undefined, { created_at: '2026-03-04T00:00:00Z', name: 'linkless' }),
    sess(805, 705, { created_at: undefined, host: 'h5' }),
    sess(806, 706, { created_at: '2026-03-03T00:00:00Z' }),
  ];

  it('shows every field of a session row joined with its operation, unavailable operations readable, newest first', async () => {
    const { src, logged } = source();
    const { app: web } = await app(src);
    answerOperations();
    net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', SESSIONS, `${api()}/apps/501/ephemeral_sessions?page=2`, 12));
    const page = await src.list(web, FIRST, {});
    assert.strictEqual(page.next, `${api()}/apps/501/ephemeral_sessions?page=2`);
    assert.strictEqual(page.total, 12);
    assert.deepStrictEqual(
      page.items.map((e) => e.id),
      ['802', '804', '806', '801', '803', '805'],
    );
    const [alice, linkless, faulted, bob, gone, forbidden] = page.items;
    assert.deepStrictEqual(alice, {
      key: 'account/41/app/501/session/802',
      id: '802',
      type: APTIBLE_ENTRY_TYPES.session,
      label: 'Alice — bash',
      description: 'running · ip-10-0-0-1',
      icon: 'terminal',
      dimmed: false,
      time: '2026-03-05T09:00:01Z',
      tooltip: {
        title: 'Alice — bash',
        lines: [
          ['User', 'Alice'],
          ['Email', 'alice@example.com'],
          ['Command', 'bash'],
          ['Operation status', 'running'],
          ['Started', '2026-03-05 09:00 UTC'],
          ['Last updated', '2026-03-01 10:05 UTC'],
          ['Host', 'ip-10-0-0-1'],
          ['Instance', 'i-0abc'],
          ['App', 'web'],
          ['Environment', 'prod-env'],
          ['Session', 'alice-bash'],
          ['Session ID', '802'],
          ['Operation ID', '701'],
        ],
        note: 'Aptible has no call that ends an ephemeral session.',
      },
      accessibilityLabel: 'Aptible ephemeral session Alice — bash, running · ip-10-0-0-1',
      flags: { hasDetails: true, canCancelOperation: true, hasPath: true },
      details: { session: SESSIONS[3], operation: OPS[701], operationUnavailable: undefined },
      what: 'the ephemeral session of Alice on app web in prod-env',
    });
    assert.deepStrictEqual(
      { label: bob.label, description: bob.description, icon: bob.icon, dimmed: bob.dimmed, flags: bob.flags, what: bob.what, a11y: bob.accessibilityLabel },
      {
        label: 'bob@example.com',
        description: 'succeeded · ip-10-0-0-2',
        icon: 'history',
        dimmed: true,
        flags: { hasDetails: true, canCancelOperation: false, hasPath: true },
        what: 'the ephemeral session of bob@example.com on app web in prod-env',
        a11y: 'Aptible ephemeral session bob@example.com, succeeded · ip-10-0-0-2',
      },
    );
    assert.deepStrictEqual(bob.tooltip?.lines?.slice(0, 6), [
      ['User', undefined],
      ['Email', 'bob@example.com'],
      ['Command', undefined],
      ['Operation status', 'succeeded'],
      ['Started', '2026-03-01 10:00 UTC'],
      ['Last updated', '2026-03-01 10:05 UTC'],
    ]);
    // No operation link: the session's own name and times.
    assert.deepStrictEqual(
      { label: linkless.label, description: linkless.description, icon: linkless.icon, dimmed: linkless.dimmed, what: linkless.what, flags: linkless.flags },
      { label: 'linkless', description: 'operation unavailable', icon: 'history', dimmed: false, what: 'the ephemeral session of an unknown user on app web in prod-env', flags: { hasDetails: true, canCancelOperation: false, hasPath: true } },
    );
    assert.deepStrictEqual(linkless.tooltip?.lines?.slice(3, 6), [
      ['Operation status', 'operation unavailable (no operation link)'],
      ['Started', '2026-03-04 00:00 UTC'],
      ['Last updated', undefined],
    ]);
    assert.deepStrictEqual(linkless.tooltip?.lines?.[12], ['Operation ID', undefined]);
    assert.deepStrictEqual(linkless.details, { session: SESSIONS[5], operation: null, operationUnavailable: 'no operation link' });
    assert.strictEqual(gone.label, 'Ephemeral session 803');
    assert.strictEqual(gone.accessibilityLabel, 'Aptible ephemeral session Ephemeral session 803, operation unavailable');
    assert.deepStrictEqual(gone.tooltip?.lines?.[3], ['Operation status', 'operation unavailable (not found)']);
    assert.deepStrictEqual(forbidden.tooltip?.lines?.[3], ['Operation status', 'operation unavailable (forbidden)']);
    assert.strictEqual(forbidden.description, 'operation unavailable · h5');
    assert.strictEqual(forbidden.time, undefined);
    assert.match(String(faulted.tooltip?.lines?.[3]?.[1]), /^operation unavailable \(.+\)$/);
    // The reason as the server put it, without the connection's name the tree already shows.
    assert.ok(!String(faulted.tooltip?.lines?.[3]?.[1]).includes(LABEL), String(faulted.tooltip?.lines?.[3]?.[1]));
    assert.ok(logged.some((l) => l.startsWith('warn: Aptible: operation 704 is unavailable (404): ')), logged.join('\n'));
    assert.ok(logged.some((l) => l.startsWith('warn: Aptible: operation 705 is unavailable (403): ')), logged.join('\n'));
    assert.ok(logged.some((l) => l.startsWith('warn: Aptible: reading operation 706 failed: ')), logged.join('\n'));
  });

  it('reads each operation once per id; a fresh listing reads unfinished and unavailable ones again, a later page none but a faulted one', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    answerOperations();
    const twice = [...SESSIONS, sess(807, 701, { created_at: '2026-03-05T00:00:00Z' })];
    net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', twice));
    await src.list(web, FIRST, {});
    for (const id of [701, 702, 704, 705, 706]) {
      assert.strictEqual(sentTo(`/operations/${id}`), 1, `operation ${id} read once`);
    }
    // A later page (a cursor): nothing read again except what failed with a fault.
    await src.list(web, { offset: 8, limit: 100, cursor: `${api()}/apps/501/ephemeral_sessions` }, {});
    assert.deepStrictEqual(
      [701, 702, 704, 705, 706].map((id) => sentTo(`/operations/${id}`)),
      [1, 1, 1, 1, 2],
    );
    // From the start again: the running, missing, forbidden and faulted ones are read again, the finished one not.
    await src.list(web, FIRST, {});
    assert.deepStrictEqual(
      [701, 702, 704, 705, 706].map((id) => sentTo(`/operations/${id}`)),
      [2, 1, 2, 2, 3],
    );
  });

  it('reads at most `operationConcurrency` operations at once (4 by default; an invalid bound falls back to 4)', async () => {
    // Eight: every bound below fills each of its rounds (a round that cannot fill waits out the gate's 2 s).
    const many = Array.from({ length: 8 }, (_, i) => sess(900 + i, 710 + i));
    for (const [bound, expected] of [
      [2, 2],
      [1, 1],
      [undefined, 4],
      [0, 4],
      [Number.NaN, 4],
      [2.7, 2],
    ] as const) {
      net.renew();
      const { src } = source(bound);
      const { app: web } = await app(src);
      const reads = answerOperations(expected);
      net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', many));
      const page = await src.list(web, FIRST, {});
      assert.strictEqual(reads.max(), expected, `bound ${String(bound)}`);
      assert.ok(
        page.items.every((e) => e.label === `u${Number(e.id) - 190}`),
        `every row joined with its own operation (bound ${String(bound)})`,
      );
    }
  });

  const execs = {
    deploy: (id: number) => ({ id, type: 'deploy', status: 'succeeded', created_at: '2026-03-09T00:00:00Z' }),
  };

  it('lists only the SSH operations of an app, newest first, with every field of an operation row', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    const level = web.leading?.[0] as SessionEntry;
    const ops = [
      execs.deploy(600),
      op(703, { status: 'queued', created_at: '2026-03-02T00:00:00Z' }),
      null,
      { id: 'bad', type: 'execute' },
      OPS[701],
      op(708, { status: 'running', cancelled: true, user_name: 'Carol', command: 'rails c', created_at: '2026-03-03T00:00:00Z', updated_at: undefined }),
      op(709, { status: 'failed', aborted: true, created_at: 'never' }),
      op(710, { status: 'failed', cancelled: true, created_at: '2026-03-01T00:00:00Z' }),
      op(711, { status: 'running', aborted: true, created_at: '2026-02-01T00:00:00Z' }),
    ];
    net().answer(get('/apps/501/operations'), hal('operations', ops, undefined, 99));
    const page = await src.list(level, { offset: 3, limit: 100, cursor: '' }, {});
    assert.deepStrictEqual(
      page.items.map((e) => e.id),
      ['701', '708', '703', '710', '711', '709'],
    );
    assert.strictEqual(page.total, 9, 'offset + the SSH operations: the end of the list');
    assert.strictEqual(page.next, undefined);
    const [alice, carol, queued, cancelled, abortedRunning, aborted] = page.items;
    assert.deepStrictEqual(
      [abortedRunning.description, abortedRunning.icon, abortedRunning.flags.canCancelOperation],
      ['running (aborted) · started 2026-02-01 00:00 UTC', 'terminal', false],
    );
    assert.deepStrictEqual(alice, {
      key: 'account/41/app/501/op/701',
      id: '701',
      type: APTIBLE_ENTRY_TYPES.operation,
      label: 'Alice — bash',
      description: 'running · started 2026-03-05 09:00 UTC',
      icon: 'terminal',
      dimmed: false,
      tooltip: {
        title: 'Alice — bash',
        lines: [
          ['User', 'Alice'],
          ['Email', 'alice@example.com'],
          ['Command', 'bash'],
          ['Operation status', 'running'],
          ['Started', '2026-03-05 09:00 UTC'],
          ['Last updated', '2026-03-01 10:05 UTC'],
          ['App', 'web'],
          ['Environment', 'prod-env'],
          ['Operation ID', '701'],
        ],
        note: 'Open it to see the ephemeral sessions it started.',
      },
      accessibilityLabel: 'Aptible SSH operation Alice — bash, running · started 2026-03-05 09:00 UTC',
      flags: { hasDetails: true, canCancelOperation: true },
      children: 'paged',
      childrenName: 'ephemeral sessions of operation 701',
      emptyText: 'No ephemeral sessions (none started, or already gone)',
      details: OPS[701],
      what: 'Alice (bash) on app web in prod-env',
    });
    assert.deepStrictEqual(
      [carol, queued, cancelled, aborted].map((e) => [e.label, e.description, e.icon, e.dimmed, e.flags.canCancelOperation, e.what]),
      [
        ['Carol — rails c', 'running (cancel requested) · started 2026-03-03 00:00 UTC', 'terminal', false, false, 'Carol (rails c) on app web in prod-env'],
        ['unknown user', 'queued · started 2026-03-02 00:00 UTC', 'terminal', false, true, 'an unknown user on app web in prod-env'],
        ['unknown user', 'failed (cancelled) · started 2026-03-01 00:00 UTC', 'history', true, false, 'an unknown user on app web in prod-env'],
        ['unknown user', 'failed (aborted)', 'history', true, false, 'an unknown user on app web in prod-env'],
      ],
    );
    assert.deepStrictEqual(carol.tooltip?.lines?.[5], ['Last updated', undefined]);
    // Its sessions come from the cache the operations level filled: no GET /operations/{id}.
    net().answer(get('/operations/701/ephemeral_sessions'), hal('ephemeral_sessions', [sess(811, 701, { created_at: '2026-03-01T00:00:00Z' }), null, sess(812, 701, { created_at: '2026-03-06T00:00:00Z' }), sess(813, 701, { created_at: '2026-03-03T00:00:00Z' })], undefined, 3));
    const below = await src.list(alice, FIRST, {});
    assert.deepStrictEqual(
      below.items.map((e) => [e.key, e.label, e.description]),
      [
        ['account/41/app/501/op/701/session/812', 'Alice — bash', 'running'],
        ['account/41/app/501/op/701/session/813', 'Alice — bash', 'running'],
        ['account/41/app/501/op/701/session/811', 'Alice — bash', 'running'],
      ],
    );
    assert.strictEqual(below.total, 3);
    assert.strictEqual(sentTo('/operations/701'), 0);
    // The operation of a row, as listed: nothing read again.
    assert.deepStrictEqual(await src.operationOf(alice), { operation: OPS[701] });
    assert.deepStrictEqual(await src.operationOf(below.items[0]), { operation: OPS[701] });
    assert.strictEqual(sentTo('/operations/701'), 0);
    // A session row has no rows below it, even one opened from an operation row.
    const sent = net().sent.length;
    assert.deepStrictEqual(await src.list(below.items[0], FIRST, {}), { items: [], total: 0 });
    assert.strictEqual(net().sent.length, sent);
  });

  it('an operation without status, user or command still reads', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    net().answer(get('/apps/501/operations'), hal('operations', [{ id: 720, type: 'execute', status: '  ' }]));
    const [row] = (await src.list(web.leading?.[0] as SessionEntry, FIRST, {})).items;
    assert.deepStrictEqual([row.label, row.description, row.icon, row.flags.canCancelOperation], ['unknown user', 'unknown', 'history', false]);
  });

  it('skips pages without an SSH operation, up to a bound, and stops on a page that links to itself', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    const level = web.leading?.[0] as SessionEntry;
    const path = '/apps/501/operations';
    // Page 1 and 2: deploys only; page 3 has one SSH operation.
    net().answer(getPaged(path, null), hal('operations', [execs.deploy(601)], `${api()}${path}?page=2`));
    net().answer(getPaged(path, '2'), hal('operations', [execs.deploy(602)], `${api()}${path}?page=3`));
    net().answer(getPaged(path, '3'), hal('operations', [op(730, { status: 'succeeded' }), execs.deploy(603)], `${api()}${path}?page=4`));
    const first = await src.list(level, FIRST, {});
    assert.deepStrictEqual(
      first.items.map((e) => e.id),
      ['730'],
    );
    assert.strictEqual(first.next, `${api()}${path}?page=4`);
    assert.strictEqual(first.total, undefined, 'more may follow');
    assert.strictEqual(sentTo(path), 3);
    // Nothing but deploys, forever: OPERATION_PAGES_PER_READ pages, then an empty page that goes on.
    net.renew();
    net().answer(
      (req) => req.method === 'GET' && req.path === path,
      (req) => hal('operations', [execs.deploy(640)], `${api()}${path}?page=${Number(req.query.get('page') ?? '1') + 1}`),
    );
    const empty = await src.list(level, FIRST, {});
    assert.deepStrictEqual(empty.items, []);
    assert.strictEqual(sentTo(path), OPERATION_PAGES_PER_READ);
    assert.strictEqual(empty.next, `${api()}${path}?page=${OPERATION_PAGES_PER_READ + 1}`);
    // A page whose next is itself ends the read at once.
    net.renew();
    net().answer((req) => req.method === 'GET' && req.path === path, hal('operations', [execs.deploy(650)], `${api()}${path}?page=5`));
    const loop = await src.list(level, { offset: 0, limit: 100, cursor: `${api()}${path}?page=5` }, {});
    assert.deepStrictEqual(loop.items, []);
    assert.strictEqual(sentTo(path), 1);
  });

  it('cancels the operation of an operation row or a session row, logs which, and reads it again afterwards', async () => {
    const { src, logged } = source();
    const { app: web } = await app(src);
    answerOperations();
    net().answer(route('PATCH', '/operations/701'), { status: 200, body: { ...OPS[701], cancelled: true } });
    net().answer(get('/apps/501/operations'), hal('operations', [OPS[701]]));
    const [opRow] = (await src.list(web.leading?.[0] as SessionEntry, FIRST, {})).items;
    assert.strictEqual(await src.cancelOperation(opRow), '701');
    assert.ok(logged.includes(`info: Aptible: asked to cancel operation 701 (its operation row) on ${LABEL}`), logged.join('\n'));
    // The cache was dropped: the sessions below read the operation again, even though they are not `fresh`.
    net().answer(get('/operations/701/ephemeral_sessions'), hal('ephemeral_sessions', [sess(821, 701)]));
    const [row] = (await src.list(opRow, FIRST, {})).items;
    assert.strictEqual(sentTo('/operations/701'), 1);
    assert.strictEqual(await src.cancelOperation(row), '701');
    assert.ok(logged.includes(`info: Aptible: asked to cancel operation 701 (ephemeral session 821) on ${LABEL}`), logged.join('\n'));
    assert.deepStrictEqual(
      net()
        .sent.filter((s) => s.method === 'PATCH')
        .map((s) => [s.path, s.json]),
      [
        ['/operations/701', { cancelled: true }],
        ['/operations/701', { cancelled: true }],
      ],
    );
    // A refused cancel still drops the cached read.
    net().answer(route('PATCH', '/operations/701'), fail(403));
    await src.list(opRow, FIRST, {});
    const before = sentTo('/operations/701');
    await assert.rejects(src.cancelOperation(opRow));
    await src.list(opRow, FIRST, {});
    assert.strictEqual(sentTo('/operations/701'), before + 1);
    // A row without an operation has nothing to cancel, and nothing is sent.
    const patches = net().sent.filter((s) => s.method === 'PATCH').length;
    await assert.rejects(src.cancelOperation({ ...row, label: 'Lonely', details: { session: { id: 1 } } }), { message: 'Lonely has no operation to cancel' });
    assert.strictEqual(net().sent.filter((s) => s.method === 'PATCH').length, patches);
  });

  it('the operation of a row: read when not listed yet, none for a row without an operation link', async () => {
    const { src } = source();
    answerOperations();
    const row = { key: 'account/41/app/501/session/9', id: '9', type: APTIBLE_ENTRY_TYPES.session, label: 's', flags: {}, details: { session: sess(9, 702) } } as SessionEntry;
    assert.deepStrictEqual(await src.operationOf(row), { operation: OPS[702] });
    assert.deepStrictEqual(await src.operationOf(row), { operation: OPS[702] });
    assert.strictEqual(sentTo('/operations/702'), 1);
    assert.strictEqual(await src.operationOf({ ...row, details: { session: sess(9, undefined) } }), undefined);
    // A HAL link with a trailing slash and a query still names its operation.
    const linked = { ...row, details: { session: { id: 9, _links: { operation: { href: `${api()}/operations/702/?fields=all#top` } } } } };
    assert.deepStrictEqual(await src.operationOf(linked), { operation: OPS[702] });
    assert.strictEqual(await src.operationOf({ ...row, details: { session: { id: 9, _links: { operation: { href: `${api()}/operations/702x` } } } } }), undefined);
    assert.deepStrictEqual(await src.operationOf({ ...row, details: { session: sess(9, 704) } }), { unavailable: 'not found' });
  });

  it('revoke sends nothing and says why', async () => {
    const { src } = source();
    const e = { key: 'account/1/app/2/session/3', id: '3', type: APTIBLE_ENTRY_TYPES.session, label: 's', flags: {} } as SessionEntry;
    assert.deepStrictEqual(await src.revoke([e, e]), [
      { outcome: 'failed', error: "Aptible's API has no call that ends an ephemeral session; nothing was sent" },
      { outcome: 'failed', error: "Aptible's API has no call that ends an ephemeral session; nothing was sent" },
    ]);
    assert.strictEqual(net().sent.length, 0);
  });

  it('finds a session by a trimmed numeric id, with its account and app above it; anything else asks nothing', async () => {
    const { src } = source();
    answerOperations();
    net().answer(get('/accounts'), hal('accounts', ACCOUNTS));
    net().answer(get('/ephemeral_sessions/802'), { status: 200, body: sess(802, 701, { host: 'h1' }) });
    net().answer(get('/apps/501'), { status: 200, body: APPS[0] });
    const found = await src.find(' 802 ');
    assert.ok(found);
    // Found again: the running operation as already read, not read again.
    assert.strictEqual((await src.find('802'))?.entry.description, 'running · h1');
    assert.strictEqual(sentTo('/operations/701'), 1);
    assert.deepStrictEqual(
      [found.entry.key, found.entry.label, found.entry.description, ...found.path.map((p) => p.key)],
      ['account/41/app/501/session/802', 'Alice — bash', 'running · h1', 'account/41', 'account/41/app/501'],
    );
    const before = net().sent.length;
    for (const bad of ['80x2', 'x802', '802x', '']) {
      assert.strictEqual(await src.find(bad), undefined, bad);
    }
    assert.strictEqual(net().sent.length, before);
  });

  it('finds the sessions of an operation across pages (bounded), undefined when it is missing, a refusal thrown', async () => {
    const { src } = source();
    answerOperations();
    net().answer(get('/accounts'), hal('accounts', ACCOUNTS));
    net().answer(get('/apps/501'), { status: 200, body: APPS[0] });
    const path = '/operations/701/ephemeral_sessions';
    net().answer(getPaged(path, null), hal('ephemeral_sessions', [sess(831, 701), null, { id: 'x' }], `${api()}${path}?page=2`));
    net().answer(getPaged(path, '2'), hal('ephemeral_sessions', [sess(832, 701)]));
    const found = await src.findOperation(' 701 ');
    assert.deepStrictEqual(
      found?.map((f) => f.entry.key),
      ['account/41/app/501/session/831', 'account/41/app/501/session/832'],
    );
    const before = net().sent.length;
    for (const bad of ['7x01', 'x701', '701x']) {
      assert.strictEqual(await src.findOperation(bad), undefined, bad);
    }
    assert.strictEqual(net().sent.length, before);
    net().answer(get('/operations/704/ephemeral_sessions'), fail(404));
    assert.strictEqual(await src.findOperation('704'), undefined);
    net().answer(get('/operations/705/ephemeral_sessions'), fail(403));
    await assert.rejects(src.findOperation('705'));
    // A list that never ends: 50 pages at most.
    const endless = '/operations/740/ephemeral_sessions';
    net().answer(
      (req) => req.method === 'GET' && req.path === endless,
      (req) => hal('ephemeral_sessions', [], `${api()}${endless}?page=${Number(req.query.get('page') ?? '1') + 1}`),
    );
    assert.deepStrictEqual(await src.findOperation('740'), []);
    assert.strictEqual(sentTo(endless), 50);
  });

  it('details: a non-session row as it is, a session with its containers or why they are unavailable', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    const before = net().sent.length;
    assert.strictEqual(await src.sessionDetails(web), web.details);
    assert.strictEqual(net().sent.length, before);
    answerOperations();
    net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', [sess(802, 701)]));
    const [row] = (await src.list(web, FIRST, {})).items;
    net().answer(get('/ephemeral_sessions/802/ephemeral_containers'), fail(403));
    const d = await src.sessionDetails(row);
    assert.match(String(d.containers), /^unavailable: .+/);
    assert.ok(!String(d.containers).includes(LABEL), String(d.containers));
    assert.deepStrictEqual(d.session, (row.details as { session: unknown }).session);
  });

  describe('session path', () => {
    async function pathOf(s: Record<string, unknown>, opts: { containers?: SandboxResponse; app?: SandboxResponse; accounts?: unknown[] } = {}) {
      const { src } = source();
      answerOperations();
      net().answer(get('/accounts'), hal('accounts', opts.accounts ?? ACCOUNTS));
      net().answer(get(`/ephemeral_sessions/${String(s.id)}`), { status: 200, body: s });
      net().answer(get(`/ephemeral_sessions/${String(s.id)}/ephemeral_containers`), opts.containers ?? hal('ephemeral_containers', [null, { id: 91, docker_name: 'c-91' }], undefined, 3));
      net().answer(get('/apps/501'), opts.app ?? { status: 200, body: APPS[0] });
      return src.sessionPath(String(s.id));
    }

    it('goes person → operation → container → app → environment, with every word the panel shows', async () => {
      const view = await pathOf(sess(802, 701, { host: 'h1', aws_instance_id: 'i-1' }));
      assert.deepStrictEqual(view, {
        connectionId: 'aptible-rows',
        connectionLabel: LABEL,
        sessionId: '802',
        updatedAt: '2026-04-01T00:00:00.000Z',
        canRevoke: false,
        autoRefreshSeconds: 0,
        state: 'path',
        hops: [
          { role: 'person', roleLabel: 'person', id: 'alice@example.com', name: 'Alice', known: true, detail: 'alice@example.com' },
          { role: 'operation', roleLabel: 'execute operation', id: '701', name: 'bash', known: true, detail: 'running' },
          { role: 'container', roleLabel: 'ephemeral container', id: '91', name: 'c-91', known: true, detail: 'on h1 · i-1 · +2 more' },
          { role: 'app', roleLabel: 'app', id: '501', name: 'web', known: true, detail: 'provisioned' },
          { role: 'account', roleLabel: 'environment', id: '41', name: 'prod-env', known: true, detail: 'production' },
        ],
        texts: {
          heading: 'Session path: Alice — bash (802)',
          meta: ['Ephemeral session 802', 'operation 701: running', 'started 2026-03-05 09:00 UTC', `on ${LABEL}`],
          noun: 'session path',
          caption: 'Session path of ephemeral session 802: from the person who started it to its environment',
        },
      });
    });

    it('an operation without user, type or command, one container, a non-production environment', async () => {
      OPS[750] = { id: 750, status: 'succeeded', created_at: 'never' };
      const devApp = { ...APPS[0], _links: { account: { href: 'x/accounts/42' } } };
      const view = await pathOf(sess(803, 750, { created_at: 'never' }), { containers: hal('ephemeral_containers', [{ id: 92 }]), app: { status: 200, body: devApp } });
      delete OPS[750];
      assert.deepStrictEqual(view.hops.slice(0, 3), [
        { role: 'person', roleLabel: 'person', id: '', name: 'unknown user', known: false, detail: undefined },
        { role: 'operation', roleLabel: 'operation', id: '750', name: 'operation 750', known: true, detail: 'succeeded' },
        { role: 'container', roleLabel: 'ephemeral container', id: '92', name: 'container 92', known: true, detail: undefined },
      ]);
      assert.deepStrictEqual(view.hops[4], { role: 'account', roleLabel: 'environment', id: '42', name: 'dev-env', known: true, detail: 'development' });
      assert.deepStrictEqual(view.texts?.heading, 'Session path: unknown user (803)');
      assert.deepStrictEqual(view.texts?.meta, ['Ephemeral session 803', 'operation 750: succeeded', 'started at an unknown time', `on ${LABEL}`]);
    });

    it('an email-only user: the email names the person, no detail', async () => {
      const view = await pathOf(sess(801, 702));
      assert.deepStrictEqual(view.hops[0], { role: 'person', roleLabel: 'person', id: 'bob@example.com', name: 'bob@example.com', known: true, detail: undefined });
    });

    it('keeps the parts it cannot read, marked not found with the reason', async () => {
      const view = await pathOf(sess(804, undefined, { name: 'linkless', host: 'h4', aws_instance_id: 'i-4' }), { containers: hal('ephemeral_containers', []), app: fail(404) });
      assert.deepStrictEqual(view.hops, [
        { role: 'person', roleLabel: 'person', id: '', name: 'unknown person', known: false, detail: 'the session links no operation' },
        { role: 'operation', roleLabel: 'operation', id: '', name: 'no operation', known: false, detail: 'the session links no operation' },
        { role: 'container', roleLabel: 'ephemeral container', id: '', name: 'h4', known: true, detail: 'no container listed · i-4' },
        { role: 'app', roleLabel: 'app', id: '501', name: 'app 501', known: false, detail: 'not found' },
        { role: 'account', roleLabel: 'environment', id: '', name: 'unknown environment', known: false, detail: 'not found' },
      ]);
      assert.deepStrictEqual(view.texts?.heading, 'Session path: linkless (804)');
      assert.strictEqual(sentTo('/accounts'), 0, 'no environment to look for without the app');
      assert.deepStrictEqual(view.texts?.meta, ['Ephemeral session 804', 'the session links no operation', 'started 2026-03-04 08:00 UTC', `on ${LABEL}`]);
    });

    it('an unavailable operation, containers and app, and an environment no longer listed', async () => {
      const noApp = { ...sess(805, 704), _links: { operation: { href: 'x/operations/704' } } };
      const v1 = await pathOf(noApp, { containers: fail(403) });
      assert.deepStrictEqual(v1.hops[1], { role: 'operation', roleLabel: 'operation', id: '704', name: 'operation 704', known: false, detail: 'operation unavailable (not found)' });
      assert.deepStrictEqual(v1.hops[2].name, 'unknown host');
      assert.deepStrictEqual(v1.hops[2].known, false);
      assert.match(String(v1.hops[2].detail), /^containers unavailable \(.+\)$/);
      assert.deepStrictEqual(v1.hops[3], { role: 'app', roleLabel: 'app', id: '', name: 'unknown app', known: false, detail: 'not found' });
      assert.deepStrictEqual(v1.texts?.heading, 'Session path: ephemeral session 805 (805)');
      assert.deepStrictEqual(v1.texts?.meta[1], 'operation unavailable (not found)');
      net.renew();
      const v2 = await pathOf(sess(806, 702), { app: fail(500) });
      assert.match(String(v2.hops[3].detail), /^unavailable \(.+\)$/);
      assert.deepStrictEqual([v2.hops[3].name, v2.hops[3].known], ['app 501', false]);
      net.renew();
      const v3 = await pathOf(sess(807, 702), { accounts: [ACCOUNTS[1]] });
      assert.deepStrictEqual(v3.hops[4], { role: 'account', roleLabel: 'environment', id: '41', name: 'environment 41', known: false, detail: 'not found' });
    });

    it('a session that is gone, or an id that is not one, is ended', async () => {
      const { src } = source();
      net().answer(get('/ephemeral_sessions/999'), fail(404));
      const gone = await src.sessionPath('999');
      assert.deepStrictEqual(
        { state: gone.state, hops: gone.hops, message: gone.message, texts: gone.texts },
        {
          state: 'ended',
          hops: [],
          message: `${LABEL} has no ephemeral session 999 any more.`,
          texts: {
            heading: 'Session path: ephemeral session 999',
            meta: ['Ephemeral session 999', `on ${LABEL}`],
            noun: 'session path',
            caption: 'Session path of ephemeral session 999: from the person who started it to its environment',
          },
        },
      );
      const before = net().sent.filter((s) => s.path.startsWith('/ephemeral_sessions')).length;
      for (const bad of ['9x', 'x9']) {
        assert.strictEqual((await src.sessionPath(bad)).state, 'ended');
      }
      assert.strictEqual(net().sent.filter((s) => s.path.startsWith('/ephemeral_sessions')).length, before);
    });

    it('reads an unfinished operation again, a finished one not', async () => {
      const { src } = source();
      const { app: web } = await app(src);
      answerOperations();
      net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', [sess(802, 701), sess(801, 702)]));
      await src.list(web, FIRST, {});
      net().answer(get('/ephemeral_sessions/802'), { status: 200, body: sess(802, 701) });
      net().answer(get('/ephemeral_sessions/801'), { status: 200, body: sess(801, 702) });
      net().answer(get('/apps/501'), { status: 200, body: APPS[0] });
      await src.sessionPath('802');
      await src.sessionPath('801');
      assert.deepStrictEqual([sentTo('/operations/701'), sentTo('/operations/702')], [2, 1]);
    });
  });

  it('a key that is not one of its own places nothing and lists nothing', async () => {
    const { src } = source();
    const [prod] = await accounts(src);
    const sent = net().sent.length;
    for (const key of ['other/account/41', 'account/41/app/501/extra', 'account/41/', 'account/%E0%A4%A/app/1']) {
      const e = { ...prod, key };
      assert.strictEqual(src.isProductionEntry(e), false, key);
      assert.strictEqual(src.accountHandleOf(e), undefined, key);
      assert.deepStrictEqual(await src.list(e, FIRST, {}), { items: [], total: 0 }, key);
    }
    assert.strictEqual(net().sent.length, sent);
    assert.strictEqual(src.accountHandleOf(prod), 'prod-env');
  });

  it('a client that is not an Aptible one is refused by name', async () => {
    for (const client of [{}, { appSessionsPage: () => undefined }, { readOperation: () => undefined }]) {
      const ctx: SessionSourceContext = { record: record(), client: async () => client as never, log: () => undefined, now: () => 0 };
      const src = createAptibleSessionSource(ctx);
      await assert.rejects(src.list(undefined, FIRST, {}), { message: `${LABEL} is not an Aptible connection` });
    }
  });

  it('dispose forgets the accounts, apps and operations it read', async () => {
    const { src } = source();
    const { app: web } = await app(src);
    answerOperations();
    net().answer(get('/apps/501/ephemeral_sessions'), hal('ephemeral_sessions', [sess(801, 702)]));
    await src.list(web, FIRST, {});
    assert.strictEqual(src.isProductionEntry(web), true);
    src.dispose();
    assert.strictEqual(src.isProductionEntry(web), false);
    assert.strictEqual(src.accountHandleOf(web), undefined);
    const [row] = (await src.list(web, { offset: 0, limit: 100, cursor: `${api()}/apps/501/ephemeral_sessions` }, {})).items;
    assert.strictEqual(sentTo('/operations/702'), 2, 'the finished operation is read again after dispose');
    assert.deepStrictEqual(row.tooltip?.lines?.slice(8, 10), [
      ['App', '501'],
      ['Environment', '41'],
    ]);
  });
});
