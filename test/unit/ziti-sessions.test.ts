import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { IdentityCache, mapBounded, MAX_IDENTITY_NAMES, zitiString, type ZitiApi } from '../../src/backends/ziti/api';
import { filterToZitiQl, groupSessions, isRawZitiQl, ownershipOf, ownSessionWarning, parseGroupBy, zitiOrderClause } from '../../src/backends/ziti/sessions/pure';
import { ZitiSessionSource } from '../../src/backends/ziti/sessions/source';
import { entryNoun, productionLabels, summarizeOutcomes as summarizeRevokes } from '../../src/backends/sessionSource';
import { entryContextValue } from '../../src/tree/contextValue';
import { clampPageSize, countText, relativeAge } from '../../src/util/format';
import { AutoRefreshSchedule, type Timer } from '../../src/util/schedule';
import { type ZitiSession } from '../../src/backends/ziti/api';
import { compileQuery, parseZitiQl } from '../sandbox/ziti/zitiql';
import { escapeMarkdown } from '../../src/util/markdown';

function session(id: string, service: string, identityId: string, type: 'Dial' | 'Bind' = 'Dial'): ZitiSession {
  return { id, type, apiSessionId: 'a1', identityId, serviceId: `svc-${service}`, service: { id: `svc-${service}`, name: service } };
}

describe('ziti sessions: filter translation', () => {
  it('turns free text into a contains on service and identity names', () => {
    assert.strictEqual(filterToZitiQl('web'), 'service.name contains "web" or identity.name contains "web"');
  });

  it('escapes quotes and backslashes in free text, so it cannot break out of the string', () => {
    const q = filterToZitiQl('a"b\\c');
    assert.strictEqual(q, 'service.name contains "a\\"b\\\\c" or identity.name contains "a\\"b\\\\c"');
    // The sandbox's ZitiQL parser (held to the vendor grammar) reads it back as the same literal.
    const ast = parseZitiQl(q as string);
    const compiled = compileQuery(ast, { 'service.name': { type: 'string', get: (x: { s: string }) => x.s }, 'identity.name': { type: 'string', get: () => '' } });
    assert.ok(compiled.predicate({ s: 'xa"b\\cx' }));
    assert.ok(!compiled.predicate({ s: 'ab' }));
  });

  it('passes raw ZitiQL through unchanged', () => {
    for (const raw of ['type = "Dial"', 'service.name contains "web" and type = "Bind"', '(type = "Dial")', 'identity.name icontains "AL"', 'createdAt > datetime(2025-01-01T00:00:00Z)', 'id in ["a","b"]', 'true sort by createdAt desc', 'not type = "Bind"']) {
      assert.ok(isRawZitiQl(raw), raw);
      assert.strictEqual(filterToZitiQl(raw), raw);
    }
  });

  // The whole ZitiQL operator set (the sandbox grammar in test/sandbox/ziti/zitiql.ts, after the vendor's ZitiQl.g4, and
  // the set functions of the vendor CLI's filter examples: shared/reference/vendor-tools.md §1.5), each in the forms a
  // person types: spaced, unspaced where the grammar allows it, upper case.
  const COMPARISONS = ['=', '!=', '<', '>', '<=', '>='];
  const WORD_OPS = ['contains "x"', 'icontains "x"', 'not contains "x"', 'not icontains "x"', 'in ["a", "b"]', 'not in ["a"]', 'between 1 and 5', 'not between 1 and 5', 'is null', 'is not null'];
  const RAW = [
    ...COMPARISONS.flatMap((op) => [`type ${op} "Dial"`, `createdAt${op}datetime(2025-01-01T00:00:00Z)`, `service.name ${op} "web"`]),
    ...WORD_OPS.flatMap((op) => [`name ${op}`, `identity.name ${op.toUpperCase().replace(/"X"|"A"|"B"/g, (m) => m.toLowerCase())}`]),
    'not type = "Bind"',
    'not (type = "Bind")',
    'not(type = "Bind")',
    '(type = "Dial") or (type = "Bind")',
    'true',
    'false',
    'TRUE sort by createdAt desc',
    'sort by createdAt desc',
    'skip 10 limit 10',
    'limit none',
    'limit 5',
    'tags.env = "prod"',
    'anyOf(roleAttributes) = "web"',
    'allOf(roleAttributes) in ["a", "b"]',
    'count(roleAttributes) > 1',
    'isEmpty(roleAttributes)',
    'not isEmpty(roleAttributes)',
    // Clauses and operators typed with more than one space between their words.
    'sort  by createdAt desc',
    'skip  10 limit  10',
    'limit  none',
    'name not  contains "x"',
    'name is  null',
    'name is not  null',
  ];

  it('passes the whole ZitiQL operator set through as raw ZitiQL', () => {
    assert.deepStrictEqual(RAW.filter((raw) => !isRawZitiQl(raw)), [], 'taken for free text');
    for (const raw of RAW) {
      assert.strictEqual(filterToZitiQl(raw), raw);
      assert.strictEqual(filterToZitiQl(`  ${raw}  `), raw, 'only trimmed');
    }
  });

  it('every raw query in that list is valid ZitiQL (the sandbox grammar parses the ones without set functions)', () => {
    for (const raw of RAW.filter((q) => !/(anyOf|allOf|count|isEmpty)\(/.test(q))) {
      assert.doesNotThrow(() => parseZitiQl(raw), raw);
    }
  });

  it('treats plain words (even "and"/"or") as free text, and blank as no filter', () => {
    for (const text of ['web', 'alice laptop', 'sales and ops', 'in', 'contains', 'not', 'web-prod', 'db.internal', 'count', 'isEmpty', 'laptop (alice)', 'truex', 'limitless', 'sort', 'null', 'between', 'alice is nice', 'skipper']) {
      assert.ok(!isRawZitiQl(text), text);
    }
    assert.strictEqual(filterToZitiQl('   '), undefined);
  });

  it('takes only a leading field name (one word, not starting with a digit) and a set function name as ZitiQL', () => {
    // Each of these searches the names: a word glued to "(", words that merely start like a keyword or a set function,
    // an operator after two words, after a word with a dash, or after a word starting with a digit.
    for (const text of ['laptop(alice)', 'nothing', 'notebook', 'falsehood', 'sort bytes', 'countdown(3)', 'alice laptop = old', 'web-prod=1', '2fa = on']) {
      assert.ok(!isRawZitiQl(text), text);
      assert.strictEqual(filterToZitiQl(text), `service.name contains ${zitiString(text)} or identity.name contains ${zitiString(text)}`);
    }
  });

  it('quotes ZitiQL strings', () => {
    assert.strictEqual(zitiString('x'), '"x"');
    assert.strictEqual(zitiString('"'), '"\\""');
  });
});

describe('ziti sessions: grouping, ages, counts', () => {
  const names = new Map([['i1', 'alice'], ['i2', 'bob']]);
  const list = [session('s1', 'web', 'i2'), session('s2', 'db', 'i1', 'Bind'), session('s3', 'web', 'i1'), session('s4', 'api', 'i9')];

  it('groups by service, sorted by label, keeping order inside a group', () => {
    const g = groupSessions(list, 'service', (id) => names.get(id));
    assert.deepStrictEqual(g.map((x) => [x.label, x.sessions.map((s) => s.id)]), [['api', ['s4']], ['db', ['s2']], ['web', ['s1', 's3']]]);
  });

  it('groups by identity name, falling back to the id', () => {
    const g = groupSessions(list, 'identity', (id) => names.get(id));
    assert.deepStrictEqual(g.map((x) => x.label), ['alice', 'bob', 'i9']);
    assert.deepStrictEqual(g[0].sessions.map((s) => s.id), ['s2', 's3']);
  });

  it('groups by type', () => {
    assert.deepStrictEqual(groupSessions(list, 'type', () => undefined).map((x) => `${x.label}:${x.sessions.length}`), ['Bind:1', 'Dial:3']);
  });

  it('keeps two services of the same name apart (keyed by id), ordered by id', () => {
    const twins: ZitiSession[] = [
      { id: 's1', type: 'Dial', apiSessionId: 'a1', identityId: 'i1', serviceId: 'svc-b', service: { id: 'svc-b', name: 'web' } },
      { id: 's2', type: 'Dial', apiSessionId: 'a1', identityId: 'i1', serviceId: 'svc-a', service: { id: 'svc-a', name: 'web' } },
      { id: 's3', type: 'Bind', apiSessionId: 'a1', identityId: 'i1', serviceId: 'svc-b', service: { id: 'svc-b', name: 'web' } },
    ];
    assert.deepStrictEqual(
      groupSessions(twins, 'service', () => undefined).map((g) => [g.key, g.label, g.sessions.map((s) => s.id)]),
      [
        ['svc-a', 'web', ['s2']],
        ['svc-b', 'web', ['s1', 's3']],
      ],
    );
  });

  it('puts sessions the controller sent without service, identity or type into groups that say so', () => {
    const bare = { id: 's9', apiSessionId: 'a1' } as unknown as ZitiSession;
    const noName = { id: 's8', apiSessionId: 'a1', serviceId: 'svc-x', identityId: 'i7', type: 'Dial' } as ZitiSession;
    assert.deepStrictEqual(groupSessions([bare], 'service', () => undefined).map((g) => [g.key, g.label]), [['(unknown service)', '(unknown service)']]);
    assert.deepStrictEqual(groupSessions([bare], 'identity', () => undefined).map((g) => [g.key, g.label]), [['?', '(unknown identity)']]);
    assert.deepStrictEqual(groupSessions([bare], 'type', () => undefined).map((g) => [g.key, g.label]), [['Invalid', 'Invalid']]);
    assert.deepStrictEqual(groupSessions([noName], 'service', () => undefined).map((g) => [g.key, g.label]), [['svc-x', 'svc-x']], 'the service id when it has no name');
    assert.deepStrictEqual(groupSessions([noName], 'identity', () => undefined).map((g) => [g.key, g.label]), [['i7', 'i7']]);
    // An empty identity id or an identity named '' is never an empty group label.
    const noIdentity = { ...noName, identityId: '' } as ZitiSession;
    assert.deepStrictEqual(groupSessions([noIdentity], 'identity', () => undefined).map((g) => [g.key, g.label]), [['?', '(unknown identity)']]);
    assert.deepStrictEqual(groupSessions([noName], 'identity', () => '').map((g) => [g.key, g.label]), [['i7', 'i7']]);
  });

  it('parses the group-by setting defensively', () => {
    assert.strictEqual(parseGroupBy('service'), 'service');
    assert.strictEqual(parseGroupBy('bogus'), 'none');
    assert.strictEqual(parseGroupBy(undefined), 'none');
  });

  it('writes relative ages', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    assert.strictEqual(relativeAge('2025-06-01T11:59:55Z', now), 'just now');
    assert.strictEqual(relativeAge('2025-06-01T11:59:15Z', now), '45 s ago');
    assert.strictEqual(relativeAge('2025-06-01T11:57:00Z', now), '3 min ago');
    assert.strictEqual(relativeAge('2025-06-01T09:00:00Z', now), '3 h ago');
    assert.strictEqual(relativeAge('2025-05-30T12:00:00Z', now), '2 d ago');
    assert.strictEqual(relativeAge('2025-06-01T12:05:00Z', now), 'in 5 min');
    assert.strictEqual(relativeAge('not a date', now), '');
    assert.strictEqual(relativeAge(undefined, now), '');
  });

  it('writes counts as "50 of 12,408"', () => {
    assert.strictEqual(countText(50, 12408), '50 of 12,408');
    assert.strictEqual(countText(7, 7), '7');
  });

  it('clamps the page size to 1..500', () => {
    assert.strictEqual(clampPageSize(1000), 500);
    assert.strictEqual(clampPageSize(0), 1);
    assert.strictEqual(clampPageSize('x'), 100);
    assert.strictEqual(clampPageSize(25), 25);
  });

  it('summarises a bulk revoke, counting already-ended sessions as revoked', () => {
    assert.strictEqual(
      summarizeRevokes([
        { outcome: 'revoked' },
        { outcome: 'already-ended' },
        { outcome: 'failed', error: 'x' },
      ]),
      'Revoked 2 sessions (1 already ended); 1 failed.',
    );
    assert.strictEqual(summarizeRevokes([{ outcome: 'revoked' }]), 'Revoked 1 session.');
  });
});

describe('ziti sessions: auto-refresh schedule', () => {
  class FakeTimer implements Timer {
    next = 1;
    readonly live = new Map<number, { fn: () => void; ms: number }>();
    setInterval(fn: () => void, ms: number): unknown {
      const h = this.next++;
      this.live.set(h, { fn, ms });
      return h;
    }
    clearInterval(handle: unknown): void {
      this.live.delete(handle as number);
    }
    tick(): void {
      for (const t of [...this.live.values()]) {
        t.fn();
      }
    }
  }

  it('runs only while the view is visible and the interval is positive', () => {
    const timer = new FakeTimer();
    let refreshes = 0;
    const s = new AutoRefreshSchedule(() => refreshes++, timer);
    s.setSeconds(60);
    assert.strictEqual(timer.live.size, 0, 'hidden: no timer');
    s.setVisible(true);
    assert.strictEqual(timer.live.size, 1);
    assert.strictEqual([...timer.live.values()][0].ms, 60_000);
    timer.tick();
    timer.tick();
    assert.strictEqual(refreshes, 2);
    s.setVisible(false);
    assert.strictEqual(timer.live.size, 0, 'hidden again: stopped');
    timer.tick();
    assert.strictEqual(refreshes, 2);
  });

  it('0 seconds turns it off; a new interval replaces the timer; repeated visibility does not stack timers', () => {
    const timer = new FakeTimer();
    const s = new AutoRefreshSchedule(() => undefined, timer);
    s.setVisible(true);
    s.setSeconds(0);
    assert.strictEqual(timer.live.size, 0);
    s.setSeconds(5);
    s.setVisible(true);
    s.setVisible(true);
    assert.strictEqual(timer.live.size, 1);
    s.setSeconds(10);
    assert.strictEqual(timer.live.size, 1);
    assert.strictEqual([...timer.live.values()][0].ms, 10_000);
    s.dispose();
    assert.strictEqual(timer.live.size, 0);
    assert.strictEqual(s.active, false);
  });
});

describe('ziti sessions: identity cache and bounded concurrency', () => {
  function fakeClient(): { client: ZitiApi; filters: string[] } {
    const filters: string[] = [];
    const client: ZitiApi = {
      api: async <T>(req: { params?: Record<string, unknown> }): Promise<T> => {
        const filter = String(req.params?.filter ?? '');
        filters.push(filter);
        const ids = [...filter.matchAll(/"([^"]+)"/g)].map((m) => m[1]).filter((id) => id !== 'missing');
        return { data: ids.map((id) => ({ id, name: `name-${id}` })), meta: { pagination: { limit: 500, offset: 0, totalCount: ids.length } } } as T;
      },
    };
    return { client, filters };
  }

  it('resolves names in batches with one "id in [...]" filter each, and caches them', async () => {
    const { client, filters } = fakeClient();
    const cache = new IdentityCache(2);
    const names = await cache.resolve(client, ['a', 'b', 'c', 'a', 'missing']);
    assert.strictEqual(names.get('a'), 'name-a');
    assert.strictEqual(names.get('c'), 'name-c');
    assert.ok(!names.has('missing'));
    assert.strictEqual(filters.length, 2, 'two batches for four distinct ids');
    assert.strictEqual(filters[0], 'id in ["a", "b"]');
    await cache.resolve(client, ['a', 'b', 'c']);
    assert.strictEqual(filters.length, 2, 'cached: no new request');
  });

  it('holds at most MAX_IDENTITY_NAMES names per controller (the least recently used go first)', async () => {
    const { client } = fakeClient();
    const cache = new IdentityCache(100);
    const ids = Array.from({ length: MAX_IDENTITY_NAMES + 250 }, (_, i) => `id${i}`);
    for (let i = 0; i < ids.length; i += 500) {
      await cache.resolve(client, ids.slice(i, i + 500));
    }
    assert.strictEqual(cache.size, MAX_IDENTITY_NAMES);
    assert.strictEqual(cache.get('id0'), undefined, 'the oldest name was dropped');
    assert.strictEqual(cache.get(ids[ids.length - 1]), `name-${ids[ids.length - 1]}`);
  });

  it('shares an in-flight lookup between concurrent callers', async () => {
    const { client, filters } = fakeClient();
    const cache = new IdentityCache();
    const [x, y] = await Promise.all([cache.resolve(client, ['a', 'b']), cache.resolve(client, ['b', 'a'])]);
    assert.strictEqual(filters.length, 1);
    assert.strictEqual(x.get('b'), 'name-b');
    assert.strictEqual(y.get('a'), 'name-a');
  });

  it('mapBounded keeps at most N tasks in flight and captures failures in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n === 4) {
        throw new Error('four');
      }
      return n * 10;
    });
    assert.strictEqual(peak, 3);
    assert.deepStrictEqual(out.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), [10, 20, 30, 'four', 50, 60, 70]);
  });
});

describe('ziti sessions: ending API sessions fails closed', () => {
  it('knows its own API session only when the controller says which it is', () => {
    assert.strictEqual(ownershipOf('a1', 'a1'), 'own');
    assert.strictEqual(ownershipOf('a1', 'a2'), 'other');
    for (const unknown of [undefined, null, '', 42, {}]) {
      assert.strictEqual(ownershipOf(unknown, 'a1'), 'unknown');
    }
  });

  it('warns of the sign-out when one is ours, and also when it could not tell', () => {
    assert.match(ownSessionWarning(['other', 'own']), /you will be signed out of that controller/);
    assert.strictEqual(ownSessionWarning(['other', 'other']), '');
    assert.strictEqual(
      ownSessionWarning(['unknown'], 'read the API session failed: 500'),
      'Session Manager could not check whether this is the API session it uses itself (read the API session failed: 500): if it is, you will be signed out of that controller.',
    );
    assert.strictEqual(
      ownSessionWarning(['other', 'unknown']),
      'Session Manager could not check whether one of these is the API session it uses itself: if it is, you will be signed out of that controller.',
      'no reason: no parentheses',
    );
  });

  it('names each production controller involved, once', () => {
    assert.deepStrictEqual(
      productionLabels([
        { label: 'Prod', production: true },
        { label: 'Lab' },
        { label: 'Prod', production: true },
        { label: 'Prod EU', production: true },
      ]),
      ['Prod', 'Prod EU'],
    );
  });
});

describe('Markdown tooltips: API text stays text', () => {
  const HOSTILE = ['<img src=x onerror=alert(1)>', '<svg onload=alert(2)>', '[x](command:workbench.action.quit)', '![i](https://evil.example/p.png)', '`code` *b* _i_ # h', 'a\n\n# heading\n    code', 'https://evil.example', 'mail@evil.example', '&lt;img src=x onerror=alert(3)&gt;', '$(alert)'];

  it('leaves no markup at all in the Markdown source: VS Code also parses that source as HTML', () => {
    for (const h of HOSTILE) {
      const md = escapeMarkdown(h);
      assert.ok(!/[<>]/.test(md), `${h} → ${md}`);
      assert.ok(!/[\r\n]/.test(md), 'one line');
      assert.ok(!/(^|[^\\])[[\]()`*_#!:@]/.test(md), `every Markdown character is escaped: ${md}`);
    }
  });

  it('shows exactly the original characters (entities and escapes undone)', () => {
    const unescape = (md: string): string => md.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    for (const h of HOSTILE) {
      assert.strictEqual(unescape(escapeMarkdown(h)), h.replace(/\n+/g, ' '));
    }
    assert.strictEqual(escapeMarkdown(undefined), '');
    assert.strictEqual(escapeMarkdown(42), '42');
  });
});

describe('Markdown tooltips: no HTML rendering anywhere', () => {
  it('no source file turns on supportHtml or builds a MarkdownString without the one escaping helper nearby', () => {
    const root = path.resolve(__dirname, '../../../src');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(p);
        } else if (p.endsWith('.ts')) {
          files.push(p);
        }
      }
    };
    walk(root);
    assert.ok(files.length > 20, `found the sources in ${root}`);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(!/supportHtml\s*[:=]\s*true|new\s+vscode\.MarkdownString\([^)]*,\s*[^,)]*,\s*true/.test(text), `${path.relative(root, f)} enables HTML in Markdown`);
      if (/new vscode\.MarkdownString\(/.test(text)) {
        assert.ok(/escapeMd|escapeMarkdown/.test(text), `${path.relative(root, f)} builds Markdown without escapeMarkdown`);
      }
    }
  });
});

/** The contextValue of the row the one Sessions view draws for an OpenZiti session of this type. */
function sessionContextValue(s: { type: ZitiSession['type'] }, revoking: boolean): string {
  const source = new ZitiSessionSource({
    record: { id: 'c', label: 'Lab', backend: 'ziti', endpoints: { url: 'https://ziti.example' }, auth: { method: 'password', username: 'admin' }, source: 'user' },
    client: () => Promise.reject(new Error('no network in this test')),
    log: () => undefined,
    now: () => 0,
  });
  const entry = source.sessionEntry({ id: 's1', type: s.type, identityId: 'i1', serviceId: 'svc', apiSessionId: 'a1' });
  return entryContextValue(entry, { revoking, filtered: false });
}

describe('ziti sessions: the filter carries the chosen order', () => {
  it('appends sort by createdAt (newest first unless oldest), and leaves a filter that sorts, skips or limits alone', () => {
    assert.strictEqual(zitiOrderClause(undefined, undefined), 'sort by createdAt desc');
    assert.strictEqual(zitiOrderClause('type = "Dial"', 'newest'), 'type = "Dial" sort by createdAt desc');
    assert.strictEqual(zitiOrderClause('type = "Dial"', 'oldest'), 'type = "Dial" sort by createdAt asc');
    assert.strictEqual(zitiOrderClause('type = "Dial" sort by updatedAt', 'oldest'), 'type = "Dial" sort by updatedAt');
    assert.strictEqual(zitiOrderClause('true limit 5', undefined), 'true limit 5');
    assert.strictEqual(zitiOrderClause('true skip 10', undefined), 'true skip 10');
    assert.strictEqual(zitiOrderClause('  ', undefined), 'sort by createdAt desc');
    // However many spaces the person put between the words of a clause.
    assert.strictEqual(zitiOrderClause('true sort  by updatedAt', undefined), 'true sort  by updatedAt');
    assert.strictEqual(zitiOrderClause('true skip  10', 'oldest'), 'true skip  10');
    assert.strictEqual(zitiOrderClause('true limit  none', undefined), 'true limit  none');
    // What the sandbox's ZitiQL parser (the vendor grammar) accepts.
    for (const q of ['sort by createdAt desc', 'type = "Dial" sort by createdAt asc']) {
      assert.doesNotThrow(() => parseZitiQl(q), q);
    }
  });
});

describe('ziti sessions: Show Route Path only on Dial sessions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  /** The menu entries of package.json that offer Show Route Path on a session row, as regexes over contextValue. */
  const routeMenus = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[])
    .filter((m) => m.command === 'sessionManager.showRoutePath')
    .map((m) => new RegExp(/viewItem =~ \/(.+?)\/(?=\s|$)/.exec(m.when)![1]));

  it('a Dial session row carries hasRoute and every Show Route Path menu matches it', () => {
    assert.ok(routeMenus.length >= 2, 'the inline button and the context menu');
    for (const revoking of [false, true]) {
      const v = sessionContextValue({ type: 'Dial' }, revoking);
      assert.ok(v.split(';').includes('hasRoute'), v);
      for (const re of routeMenus) {
        assert.ok(re.test(v), `${re} does not match ${v}`);
      }
    }
  });

  it('a Bind (or typeless) session row has no hasRoute and no Show Route Path menu matches it', () => {
    for (const type of ['Bind', undefined] as const) {
      const v = sessionContextValue({ type: type as ZitiSession['type'] }, false);
      assert.ok(!v.split(';').includes('hasRoute'), v);
      assert.deepStrictEqual(routeMenus.filter((re) => re.test(v)), [], v);
    }
  });

  it('a row being revoked cannot be revoked again; otherwise it can', () => {
    assert.strictEqual(sessionContextValue({ type: 'Bind' }, false), 'zitiSession;canRevoke;hasDetails');
    assert.strictEqual(sessionContextValue({ type: 'Bind' }, true), 'zitiSession;hasDetails');
    assert.strictEqual(sessionContextValue({ type: 'Dial' }, true), 'zitiSession;hasDetails;hasRoute');
  });
});

describe('session entries: what a row is called in words (details titles)', () => {
  it('uses the noun an entry names, else its type without the backend prefix, in lower case', () => {
    assert.strictEqual(entryNoun({ type: 'zitiApiSession', noun: 'API session' }), 'API session');
    assert.strictEqual(entryNoun({ type: 'zitiApiSession' }), 'api session');
    assert.strictEqual(entryNoun({ type: 'aptibleSession' }), 'session');
    assert.strictEqual(entryNoun({ type: 'pingoneUser' }), 'user');
    assert.strictEqual(entryNoun({ type: 'cohesityPrincipal' }), 'principal');
    assert.strictEqual(entryNoun({ type: 'sessionGroup' }), 'session group', 'no backend prefix: kept whole');
  });
});
