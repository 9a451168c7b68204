// Aptible ephemeral sessions against the real sandbox over HTTP: the session source (accounts → apps → sessions joined
// with their operations, paged by `_links.next`, operations read once per id with bounded concurrency, unavailable
// operations, 403 and faults, no revoke) and the cancel call.
import * as assert from 'assert';
import type { ConnectionRecord } from '../../../src/model/connection';
import { AptibleClient, aptibleModule } from '../../../src/backends/aptible';
import { APTIBLE_ENTRY_TYPES, type AptibleSessionSource, createAptibleSessionSource, OPERATION_PAGES_PER_READ, operationIdOf, parseKey } from '../../../src/backends/aptible/sessions';
import type { SessionEntry, SessionSourceContext } from '../../../src/backends/sessionSource';
import type { FetchedPage } from '../../../src/http/paging';
import { entryContextValue } from '../../../src/tree/contextValue';
import { isHostMessage, type PathView } from '../../../src/webviews/path/protocol';
import type { Sandbox } from '../../sandbox/server';
import type { AptibleState } from '../../sandbox/aptible';
import type { AptOperation } from '../../sandbox/aptible/data';
import { type Doubles, doubles, failOnRequestViolations, rejection, useSandbox } from './doubles';

const FIRST = { offset: 0, limit: 100, cursor: '' };

describe('backends/aptible sessions', function () {
  this.timeout(30_000);
  let sb: Sandbox;
  let creds: Record<string, string>;
  let state: () => AptibleState;
  const { sandbox, clients } = useSandbox<AptibleClient>({ backends: ['aptible'], seed: 5 });
  // A request the client sent that breaks aptible.yaml fails the test that sent it.
  failOnRequestViolations(sandbox, 'aptible');

  before(() => {
    sb = sandbox();
    creds = sb.details.aptible.credentials;
    state = () => sb.state.aptible.state as AptibleState;
  });
  afterEach(() => {
    sb.reset();
  });

  function record(): ConnectionRecord {
    return {
      id: 'aptible-sessions-test',
      backend: 'aptible',
      label: 'Sandbox Aptible',
      endpoints: { apiUrl: sb.details.aptible.urls.apiRoot, authUrl: sb.details.aptible.urls.authRoot },
      auth: { method: 'password', username: creds.email },
      source: 'user',
    };
  }

  /** The source over a real client; `wrap` may watch the client's calls. */
  function source(d: Doubles = doubles(), wrap?: (c: AptibleClient) => AptibleClient): { src: AptibleSessionSource; c: AptibleClient } {
    const c = new AptibleClient(record(), { password: creds.password }, d.deps, { http: { sleep: async () => undefined } });
    clients.push(c);
    const shown = wrap ? wrap(c) : c;
    const ctx: SessionSourceContext = { record: c.record, client: async () => shown, log: d.deps.log, now: () => sb.now() };
    return { src: createAptibleSessionSource(ctx), c };
  }

  async function accountEntry(src: AptibleSessionSource, accountId: number): Promise<SessionEntry> {
    const accounts = (await src.list(undefined, FIRST, {})).items;
    const a = accounts.find((x) => x.id === String(accountId));
    assert.ok(a, `account ${accountId} listed`);
    return a;
  }

  async function appEntry(src: AptibleSessionSource, appIndex = 0): Promise<SessionEntry> {
    const app = state().data.apps[appIndex];
    const account = await accountEntry(src, app.accountId);
    let cursor = '';
    for (;;) {
      const page = await src.list(account, { offset: 0, limit: 100, cursor }, {});
      const found = page.items.find((p) => p.id === String(app.id));
      if (found) {
        return found;
      }
      assert.ok(page.next, `app ${app.id} listed`);
      cursor = page.next;
    }
  }

  /** Every session of the app, page by page, following `next` verbatim. */
  async function allSessions(src: AptibleSessionSource, app: SessionEntry): Promise<{ items: SessionEntry[]; pages: number; totals: (number | undefined)[] }> {
    const items: SessionEntry[] = [];
    const totals: (number | undefined)[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const page = await src.list(app, { offset: items.length, limit: 100, cursor }, {});
      pages++;
      items.push(...page.items);
      totals.push(page.total);
      if (!page.next) {
        return { items, pages, totals };
      }
      cursor = page.next;
    }
  }

  /** Every entry of a level, page by page (the view's pager: `offset` is what the earlier pages gave). */
  async function allOf(src: AptibleSessionSource, parent: SessionEntry): Promise<{ items: SessionEntry[]; pages: FetchedPage<SessionEntry>[] }> {
    const items: SessionEntry[] = [];
    const pages: FetchedPage<SessionEntry>[] = [];
    let cursor = '';
    for (;;) {
      const page = await src.list(parent, { offset: items.length, limit: 100, cursor }, {});
      pages.push(page);
      items.push(...page.items);
      if (!page.next) {
        return { items, pages };
      }
      cursor = page.next;
    }
  }

  /** The app's "Recent SSH operations" level: its one leading entry. */
  function operationsLevel(app: SessionEntry): SessionEntry {
    assert.strictEqual(app.leading?.length, 1, 'one fixed row before the sessions');
    const level = app.leading[0];
    assert.strictEqual(level.type, APTIBLE_ENTRY_TYPES.operations);
    return level;
  }

  /** The sandbox's execute operations of an app, newest first. */
  function sshOperations(appIndex = 0): AptOperation[] {
    const app = state().data.apps[appIndex];
    return [...state().data.operations.values()].filter((o) => o.appId === app.id && o.type === 'execute').sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  it('is the aptible module\'s session source', () => {
    assert.strictEqual(typeof aptibleModule.sessionSource, 'function');
    const d = doubles();
    const c = new AptibleClient(record(), { password: creds.password }, d.deps);
    clients.push(c);
    const src = aptibleModule.sessionSource!({ record: c.record, client: async () => c, log: d.deps.log, now: () => sb.now() });
    assert.strictEqual(src.backendLabel, 'Aptible');
    assert.deepStrictEqual(src.paging(undefined), { cursor: true, maxPageSize: 100 });
  });

  it('lists accounts (production marked) → apps → sessions, each joined with who, command, state, host and instance', async () => {
    const { src } = source();
    const data = state().data;
    const accounts = (await src.list(undefined, FIRST, {})).items;
    assert.deepStrictEqual(accounts.map((a) => a.label), data.accounts.map((a) => a.handle));
    for (const [i, a] of accounts.entries()) {
      assert.strictEqual(a.type, APTIBLE_ENTRY_TYPES.account);
      assert.strictEqual(a.description?.startsWith('production'), data.accounts[i].type === 'production', a.description);
      assert.strictEqual(src.isProductionEntry(a), data.accounts[i].type === 'production');
      assert.strictEqual(a.children, 'paged');
    }
    const app = await appEntry(src, 0);
    assert.strictEqual(app.type, APTIBLE_ENTRY_TYPES.app);
    assert.strictEqual(app.label, data.apps[0].handle);
    const page = await src.list(app, FIRST, {});
    const expected = data.sessions.filter((s) => s.appId === data.apps[0].id);
    assert.strictEqual(page.total, expected.length);
    assert.strictEqual(page.items.length, state().perPage);
    for (const e of page.items) {
      const s = data.sessions.find((x) => String(x.id) === e.id)!;
      const op = data.operations.get(s.operationId)!;
      assert.strictEqual(e.type, APTIBLE_ENTRY_TYPES.session);
      assert.strictEqual(e.label, `${op.userName} — ${op.command}`);
      assert.ok(e.description?.includes(s.host), e.description);
      assert.ok(e.description?.startsWith(op.status), e.description);
      const lines = new Map(e.tooltip.lines);
      assert.strictEqual(lines.get('Email'), op.userEmail);
      assert.strictEqual(lines.get('Instance'), s.awsInstanceId);
      assert.strictEqual(lines.get('Host'), s.host);
      assert.strictEqual(lines.get('Operation ID'), String(op.id));
      assert.match(lines.get('Started') ?? '', /UTC$/);
      assert.strictEqual(operationIdOf(e), String(op.id));
      assert.strictEqual(e.time, new Date(s.createdAt).toISOString());
    }
  });

  it('pages an app\'s sessions newest first by following next verbatim, with the server\'s total', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const expected = state().data.sessions.filter((s) => s.appId === state().data.apps[0].id);
    const { items, pages, totals } = await allSessions(src, app);
    assert.strictEqual(pages, Math.ceil(expected.length / state().perPage));
    assert.ok(pages >= 2, 'more than one page');
    assert.ok(totals.every((t) => t === expected.length));
    assert.deepStrictEqual(items.map((e) => e.id).sort(), expected.map((s) => String(s.id)).sort());
    const times = items.map((e) => Date.parse(e.time!));
    assert.deepStrictEqual(times, [...times].sort((a, b) => b - a), 'newest first across pages');
  });

  it('shows running, finished and cancelled operations; offers Cancel Operation only on queued/running ones, and never Revoke', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const { items } = await allSessions(src, app);
    const data = state().data;
    const seen = new Set<string>();
    for (const e of items) {
      const op = data.operations.get(Number(operationIdOf(e)))!;
      const value = entryContextValue(e, { revoking: false, filtered: false });
      assert.ok(!/canRevoke/.test(value), value);
      assert.strictEqual(e.flags.canRevoke, undefined);
      assert.strictEqual(e.flags.canCancelOperation, op.status === 'running' && !op.cancelled, `${e.label}: ${op.status}`);
      if (op.cancelled) {
        assert.ok(e.description?.startsWith('failed (cancelled)'), e.description);
        seen.add('cancelled');
      } else {
        seen.add(op.status);
      }
    }
    assert.ok(seen.has('running') && seen.has('succeeded') && seen.has('cancelled'), [...seen].join());
    const outcomes = await src.revoke(items.slice(0, 2));
    assert.deepStrictEqual(outcomes.map((o) => o.outcome), ['failed', 'failed']);
  });

  it('reads each operation once, at most 4 at a time, and reads unfinished ones again on a fresh listing', async () => {
    let inFlight = 0;
    let most = 0;
    const { src } = source(doubles(), (c) => {
      const read = c.readOperation.bind(c);
      return Object.assign(Object.create(c) as AptibleClient, {
        readOperation: async (id: string, signal?: AbortSignal) => {
          inFlight++;
          most = Math.max(most, inFlight);
          try {
            return await read(id, signal);
          } finally {
            inFlight--;
          }
        },
      });
    });
    const app = await appEntry(src, 0);
    sb.faults.set('aptible', { pathRegex: '^/operations/\\d+$', latencyMs: 30 });
    const first = await src.list(app, FIRST, {});
    assert.strictEqual(sb.faults.hits('aptible'), first.items.length, 'one read per operation');
    assert.ok(most <= 4 && most >= 2, `at most 4 in flight (saw ${most})`);
    const again = await src.list(app, { offset: 20, limit: 100, cursor: first.next! }, {});
    const afterSecondPage = sb.faults.hits('aptible');
    assert.strictEqual(afterSecondPage, first.items.length + again.items.length);
    const running = first.items.filter((e) => e.flags.canCancelOperation).length;
    await src.list(app, FIRST, {});
    assert.strictEqual(sb.faults.hits('aptible') - afterSecondPage, running, 'a fresh listing re-reads only the unfinished operations');
  });

  it('a missing or forbidden operation leaves the row readable ("operation unavailable"); a fault is not kept', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const data = state().data;
    const first = await src.list(app, FIRST, {});
    const [a, b, c] = first.items.map((e) => Number(operationIdOf(e)));
    data.operations.delete(a);
    state().forbiddenOperations.add(b);
    sb.faults.set('aptible', { pathRegex: `^/operations/${c}$`, mode: 'server-error' });
    // A fresh source: nothing cached.
    const { src: src2 } = source();
    const app2 = await appEntry(src2, 0);
    const page = await src2.list(app2, FIRST, {});
    for (const [opId, why] of [[a, 'not found'], [b, 'forbidden']] as const) {
      const e = page.items.find((x) => operationIdOf(x) === String(opId))!;
      assert.ok(e.description?.startsWith('operation unavailable'), e.description);
      assert.match(e.label, /^ssh-/, 'the session name stands in for who/what');
      assert.match(new Map(e.tooltip.lines).get('Operation status') ?? '', new RegExp(`operation unavailable \\(${why}\\)`));
      assert.ok(!e.flags.canCancelOperation);
    }
    const faulted = page.items.find((x) => operationIdOf(x) === String(c))!;
    assert.ok(faulted.description?.startsWith('operation unavailable'), faulted.description);
    sb.faults.clear();
    const later = await src2.list(app2, { offset: 20, limit: 100, cursor: page.next! }, {});
    assert.ok(later.items.length > 0);
    const reread = (await src2.list(app2, FIRST, {})).items.find((x) => x.id === faulted.id)!;
    assert.ok(!reread.description?.startsWith('operation unavailable'), `read again after the fault: ${reread.description}`);
  });

  it('a 403 on an account\'s apps and a fault on sessions are errors of that list only', async () => {
    const { src } = source();
    const data = state().data;
    const forbidden = data.accounts[0];
    state().forbiddenAccounts.add(forbidden.id);
    const acc = await accountEntry(src, forbidden.id);
    const e = await rejection(src.list(acc, FIRST, {}));
    assert.strictEqual(e.status, 403);
    const other = data.apps.find((p) => p.accountId !== forbidden.id)!;
    const otherAcc = await accountEntry(src, other.accountId);
    const apps = await src.list(otherAcc, FIRST, {});
    assert.ok(apps.items.some((p) => p.id === String(other.id)));
    sb.faults.set('aptible', { pathRegex: '/ephemeral_sessions$', mode: 'server-error' });
    const app = apps.items.find((p) => p.id === String(other.id))!;
    const err = await rejection(src.list(app, FIRST, {}));
    assert.strictEqual(err.status, 500);
  });

  it('cancels an operation (PATCH cancelled: true); the next listing shows the new state without Cancel', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const page = await src.list(app, FIRST, {});
    const running = page.items.find((e) => e.flags.canCancelOperation)!;
    assert.ok(running, 'a running session on the first page');
    const opId = await src.cancelOperation(running);
    assert.strictEqual(state().data.operations.get(Number(opId))!.cancelled, true);
    const after = (await src.list(app, FIRST, {})).items.find((e) => e.id === running.id)!;
    assert.ok(after.description?.startsWith('running (cancel requested)'), after.description);
    assert.strictEqual(after.flags.canCancelOperation, false);
    state().forbiddenOperations.add(Number(opId));
    const refused = await rejection(src.cancelOperation(after));
    assert.strictEqual(refused.status, 403);
  });
  it('finds a session by id, and an operation\'s sessions by operation id, with the account and app above them', async () => {
    const { src } = source();
    const data = state().data;
    const s = data.sessions[data.sessions.length - 1];
    const app = data.apps.find((p) => p.id === s.appId)!;
    const found = await src.find(String(s.id));
    assert.ok(found, 'found by session id');
    assert.strictEqual(found.entry.id, String(s.id));
    assert.deepStrictEqual(found.path.map((e) => [e.type, e.id]), [
      [APTIBLE_ENTRY_TYPES.account, String(app.accountId)],
      [APTIBLE_ENTRY_TYPES.app, String(app.id)],
    ]);
    assert.strictEqual(found.entry.label, `${data.operations.get(s.operationId)!.userName} — ${data.operations.get(s.operationId)!.command}`);
    // The keys are the ones the tree uses, so the view can reveal it (the newest session is on its app's first page).
    const listed = (await src.list(found.path[1], FIRST, {})).items.map((e) => e.key);
    assert.ok(listed.includes(found.entry.key), `${found.entry.key} among ${listed.join(', ')}`);
    assert.strictEqual(await src.find('999999999'), undefined, 'unknown id');
    assert.strictEqual(await src.find('abc'), undefined, 'not an Aptible id');

    const byOp = await src.findOperation(String(s.operationId));
    assert.deepStrictEqual(byOp?.map((f) => f.entry.id), [String(s.id)]);
    assert.deepStrictEqual(byOp?.[0].path.map((e) => e.id), [String(app.accountId), String(app.id)]);
    assert.strictEqual(await src.findOperation('1'), undefined, 'no such operation');
    const deploy = data.apps[0].lastDeployOperationId;
    assert.deepStrictEqual(await src.findOperation(String(deploy)), [], 'an operation that started no session');
  });
  it('reads a session\'s details with its containers; a refused container list is said in their place', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const e = (await src.list(app, FIRST, {})).items[0];
    const d = await src.sessionDetails(e);
    const s = state().data.sessions.find((x) => String(x.id) === e.id)!;
    assert.strictEqual((d.session as { id: number }).id, s.id);
    assert.strictEqual((d.operation as { id: number }).id, s.operationId);
    assert.deepStrictEqual((d.containers as { allocation: string[] }[]).map((c) => c.allocation), [[s.host]]);
    sb.faults.set('aptible', { pathRegex: '/ephemeral_containers$', mode: 'server-error' });
    const refused = await src.sessionDetails(e);
    assert.match(String(refused.containers), /^unavailable: .*500/);
  });
  it('puts "Recent SSH operations" before an app\'s sessions: only its execute operations, newest first, paged by next', async () => {
    const { src } = source();
    const data = state().data;
    const app = await appEntry(src, 0);
    const level = operationsLevel(app);
    assert.strictEqual(level.label, 'Recent SSH operations');
    assert.strictEqual(level.children, 'paged');
    assert.match(level.tooltip.note ?? '', /"execute" operations \(what "aptible ssh" starts\).*left out/);
    assert.strictEqual(entryContextValue(level, { revoking: false, filtered: false }), 'aptibleOperations');
    assert.deepStrictEqual(parseKey(level.key), { accountId: String(data.apps[0].accountId), appId: String(data.apps[0].id), sessionId: undefined, operations: true });
    const everyType = [...data.operations.values()].filter((o) => o.appId === data.apps[0].id);
    assert.ok(everyType.some((o) => o.type !== 'execute'), 'the app has other operations too');
    assert.ok(everyType.length > state().perPage, 'more than one server page');
    const { items, pages } = await allOf(src, level);
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    assert.deepStrictEqual(pages.map((p) => p.total), [...pages.slice(0, -1).map(() => undefined), items.length], 'counted only once the end is read');
    const expected = sshOperations(0);
    assert.deepStrictEqual(items.map((e) => e.id), expected.map((o) => String(o.id)), 'only execute operations, newest first');
    for (const [i, e] of items.entries()) {
      const op = expected[i];
      assert.strictEqual(e.type, APTIBLE_ENTRY_TYPES.operation);
      assert.strictEqual(e.label, `${op.userName} — ${op.command}`);
      assert.ok(e.description?.startsWith(op.cancelled ? `${op.status} (cancelled)` : op.status), e.description);
      assert.match(e.description ?? '', /started \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assert.strictEqual(new Map(e.tooltip.lines).get('Email'), op.userEmail);
      assert.strictEqual(e.flags.canCancelOperation, op.status === 'running' && !op.cancelled, `${e.label}: ${op.status}`);
      assert.strictEqual(e.flags.hasDetails, true);
      assert.strictEqual((e.details as { id: number }).id, op.id);
      assert.ok(!/canRevoke/.test(entryContextValue(e, { revoking: false, filtered: false })));
      assert.strictEqual(operationIdOf(e), String(op.id));
      assert.deepStrictEqual(parseKey(e.key), { accountId: String(op.accountId), appId: String(op.appId), sessionId: undefined, operationId: String(op.id) });
      assert.strictEqual(src.isProductionEntry(e), data.accounts.find((a) => a.id === op.accountId)!.type === 'production');
      assert.strictEqual(src.accountHandleOf(e), data.accounts.find((a) => a.id === op.accountId)!.handle);
    }
    assert.ok(items.some((e) => e.flags.canCancelOperation) && items.some((e) => !e.flags.canCancelOperation));
    // The sessions stay directly under the app, with their own keys.
    const sessions = (await src.list(app, FIRST, {})).items;
    assert.ok(sessions.every((e) => e.type === APTIBLE_ENTRY_TYPES.session && !e.key.includes('/op/')));
  });

  it('skips server pages without an SSH operation (deploys, restarts…) so the list does not end early', async () => {
    const { src } = source();
    const data = state().data;
    const app = data.apps[0];
    // The newest 25 operations (more than a server page) are restarts.
    const newest = Math.max(...[...data.operations.values()].map((o) => o.createdAt));
    for (let i = 1; i <= 25; i++) {
      const id = 8_880_000 + i;
      data.operations.set(id, { ...sshOperations(0)[0], id, type: 'restart', status: 'succeeded', command: null, interactive: null, createdAt: newest + i * 1000, updatedAt: newest + i * 1000 });
    }
    const level = operationsLevel(await appEntry(src, 0));
    sb.faults.set('aptible', { pathRegex: `^/apps/${app.id}/operations$`, latencyMs: 1 });
    const first = await src.list(level, FIRST, {});
    assert.ok(first.items.length > 0, 'the first read went on to the next server page');
    assert.strictEqual(first.items[0].id, String(sshOperations(0)[0].id));
    assert.ok(first.items.every((e) => e.type === APTIBLE_ENTRY_TYPES.operation));
    assert.strictEqual(sb.faults.hits('aptible'), 2, 'two server pages for one read');
    // Bounded: a run of pages without one ends the read (and the list) after OPERATION_PAGES_PER_READ pages.
    sb.faults.clear();
    state().perPage = 1;
    sb.faults.set('aptible', { pathRegex: `^/apps/${app.id}/operations`, latencyMs: 1 });
    const bounded = await src.list(level, FIRST, {});
    assert.deepStrictEqual(bounded.items, []);
    assert.ok(bounded.next, 'the next page is still offered');
    assert.strictEqual(sb.faults.hits('aptible'), OPERATION_PAGES_PER_READ);
  });

  it('opens an operation\'s sessions (GET /operations/{id}/ephemeral_sessions) with the same rows as under the app, keyed under the operation', async () => {
    const { src } = source();
    const data = state().data;
    const app = await appEntry(src, 0);
    const ops = (await src.list(operationsLevel(app), FIRST, {})).items;
    const underApp = (await allSessions(src, app)).items;
    const op = ops[0];
    const { items } = await allOf(src, op);
    const expected = data.sessions.filter((s) => s.operationId === Number(op.id));
    assert.ok(expected.length >= 1);
    assert.deepStrictEqual(items.map((e) => e.id), expected.map((s) => String(s.id)));
    for (const e of items) {
      const twin = underApp.find((x) => x.id === e.id)!;
      assert.ok(twin, `session ${e.id} under the app too`);
      assert.notStrictEqual(e.key, twin.key, 'one key per row of the connection');
      assert.strictEqual(e.key, `${op.key}/session/${e.id}`);
      assert.deepStrictEqual({ ...e, key: twin.key }, twin, 'the same row as under the app');
      assert.deepStrictEqual(parseKey(e.key), { accountId: String(data.apps[0].accountId), appId: String(data.apps[0].id), sessionId: e.id, operationId: op.id });
      assert.strictEqual(operationIdOf(e), op.id);
      assert.strictEqual(src.isProductionEntry(e), src.isProductionEntry(twin));
      assert.strictEqual(src.accountHandleOf(e), src.accountHandleOf(twin));
    }
    // An operation whose sessions are gone: its empty text, not an error.
    data.sessions = data.sessions.filter((s) => s.operationId !== Number(ops[1].id));
    assert.deepStrictEqual((await src.list(ops[1], FIRST, {})).items, []);
    assert.match(ops[1].emptyText ?? '', /No ephemeral sessions/);
  });

  it('keeps the operations it listed in the cache the sessions\' join reads: no operation is read again for them', async () => {
    const { src } = source();
    const app = await appEntry(src, 0);
    const ops = (await src.list(operationsLevel(app), FIRST, {})).items;
    sb.faults.set('aptible', { pathRegex: '^/operations/\\d+$', latencyMs: 1 });
    for (const op of ops.slice(0, 5)) {
      await src.list(op, FIRST, {});
    }
    assert.strictEqual(sb.faults.hits('aptible'), 0, 'an operation row\'s sessions join the operation just listed');
    // Under the app, a fresh listing reads again only the unfinished operations among those listed, and the others
    // of the page that were not listed.
    const page = await src.list(app, FIRST, {});
    const listed = new Map(ops.map((e) => [e.id, e]));
    const expectedReads = page.items.filter((e) => {
      const op = listed.get(operationIdOf(e)!);
      return op === undefined || /^(running|queued)/.test(op.description ?? '');
    }).length;
    assert.ok(expectedReads < page.items.length, 'some were served from the cache');
    assert.strictEqual(sb.faults.hits('aptible'), expectedReads);
  });

  it('cancels an operation from its own row; the next listing of the operations shows the new state without Cancel', async () => {
    const { src } = source();
    const level = operationsLevel(await appEntry(src, 0));
    const running = (await src.list(level, FIRST, {})).items.find((e) => e.flags.canCancelOperation)!;
    assert.ok(running, 'a running operation on the first page');
    assert.strictEqual(await src.cancelOperation(running), running.id);
    assert.strictEqual(state().data.operations.get(Number(running.id))!.cancelled, true);
    const after = (await src.list(level, FIRST, {})).items.find((e) => e.id === running.id)!;
    assert.ok(after.description?.startsWith('running (cancel requested)'), after.description);
    assert.strictEqual(after.flags.canCancelOperation, false);
    const session = (await src.list(after, FIRST, {})).items[0];
    assert.ok(session.description?.startsWith('running (cancel requested)'), session.description);
  });

  it('a 403 or a fault on an app\'s operations is an error of that list only; the app\'s sessions still list', async () => {
    const { src } = source();
    const data = state().data;
    const app = await appEntry(src, 0);
    state().forbiddenAppOperations.add(data.apps[0].id);
    assert.strictEqual((await rejection(src.list(operationsLevel(app), FIRST, {}))).status, 403);
    assert.ok((await src.list(app, FIRST, {})).items.length > 0);
    state().forbiddenAppOperations.clear();
    sb.faults.set('aptible', { pathRegex: '/operations$', mode: 'server-error' });
    assert.strictEqual((await rejection(src.list(operationsLevel(app), FIRST, {}))).status, 500);
    assert.ok((await src.list(app, FIRST, {})).items.length > 0);
  });

  // The session path (person → operation → container on its host → app → environment), as the shared path panel
  // draws it; parts that cannot be read stay in the path, marked not found with the reason; a gone session is `ended`.
  describe('session path', () => {
    const rows = (v: PathView): string[][] => v.hops.map((h) => [h.role, h.name, String(h.known), h.detail ?? '']);

    it('draws person → operation → container on its host → app → environment, with the words of the panel', async () => {
      const data = state().data;
      const s = data.sessions[0];
      const op = data.operations.get(s.operationId)!;
      const app = data.apps.find((p) => p.id === s.appId)!;
      const account = data.accounts.find((a) => a.id === app.accountId)!;
      const view = await source().src.sessionPath(String(s.id));
      assert.strictEqual(view.state, 'path');
      assert.strictEqual(view.canRevoke, false, 'Aptible has no call that ends an ephemeral session');
      assert.deepStrictEqual(
        view.hops.map((h) => [h.role, h.name, h.known]),
        [
          ['person', op.userName, true],
          ['operation', op.command, true],
          ['container', `${s.name}-${view.hops[2].id}`, true],
          ['app', app.handle, true],
          ['account', account.handle, true],
        ],
      );
      assert.strictEqual(view.hops[0].detail, op.userEmail, 'the email beside the name');
      assert.strictEqual(view.hops[1].id, String(op.id));
      assert.strictEqual(view.hops[1].roleLabel, 'execute operation');
      assert.match(view.hops[1].detail ?? '', new RegExp(`^${op.status}`));
      assert.ok(view.hops[2].detail?.includes(`on ${s.host}`) && view.hops[2].detail.includes(s.awsInstanceId), view.hops[2].detail);
      assert.strictEqual(view.hops[4].detail, account.type === 'production' ? 'production' : account.type);
      assert.strictEqual(view.texts?.heading, `Session path: ${op.userName} — ${op.command} (${s.id})`);
      assert.deepStrictEqual(view.texts?.meta.slice(0, 2), [`Ephemeral session ${s.id}`, `operation ${op.id}: ${view.hops[1].detail}`]);
      assert.strictEqual(view.texts?.meta.at(-1), 'on Sandbox Aptible');
      assert.strictEqual(view.texts?.noun, 'session path');
      assert.ok(isHostMessage({ type: 'render', view }), 'the panel accepts it as it is');
    });

    it('keeps the path readable when the operation is forbidden or gone and the containers fail, saying why', async () => {
      const data = state().data;
      const s = data.sessions[1];
      state().forbiddenOperations.add(s.operationId);
      sb.faults.set('aptible', { pathRegex: '/ephemeral_containers$', mode: 'server-error' });
      const view = await source().src.sessionPath(String(s.id));
      assert.strictEqual(view.state, 'path');
      const r = rows(view);
      assert.deepStrictEqual(r[0].slice(0, 3), ['person', 'unknown person', 'false']);
      assert.deepStrictEqual(r[1].slice(0, 3), ['operation', `operation ${s.operationId}`, 'false']);
      assert.match(r[1][3], /operation unavailable \(forbidden\)/);
      assert.deepStrictEqual(r[2].slice(0, 3), ['container', s.host, 'true']);
      assert.match(r[2][3], /containers unavailable \(.*500/);
      assert.strictEqual(r[3][2], 'true', 'the app is still read');
      assert.ok(isHostMessage({ type: 'render', view }));
      sb.faults.clear();
      state().forbiddenOperations.clear();
      data.operations.delete(s.operationId);
      const gone = await source().src.sessionPath(String(s.id));
      assert.match(gone.hops[1].detail ?? '', /operation unavailable \(not found\)/);
    });

    it('says a session Aptible no longer has has ended, and lets other failures through', async () => {
      const view = await source().src.sessionPath('999999999');
      assert.strictEqual(view.state, 'ended');
      assert.deepStrictEqual(view.hops, []);
      assert.match(view.message ?? '', /no ephemeral session 999999999/);
      assert.ok(isHostMessage({ type: 'render', view }));
      assert.strictEqual((await source().src.sessionPath('../apps')).state, 'ended', 'not an Aptible id: nothing is asked');
      sb.faults.set('aptible', { pathRegex: '^/ephemeral_sessions/\\d+$', mode: 'server-error' });
      const e = await rejection(source().src.sessionPath(String(state().data.sessions[0].id)));
      assert.strictEqual(e.status, 500);
    });
  });
});
