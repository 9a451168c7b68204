import * as assert from 'assert';
import { compileQuery, FieldMap, parseZitiQl, ZitiQlError } from './ziti/zitiql';

interface Row {
  id: string;
  name: string;
  n: number;
  ok: boolean;
  at: number;
  service: string | null;
}

const rows: Row[] = [
  { id: 'a', name: 'web-svc', n: 3, ok: true, at: Date.parse('2024-01-01T00:00:00Z'), service: 'web' },
  { id: 'b', name: 'postgres-prod', n: 10, ok: false, at: Date.parse('2024-01-05T00:00:00Z'), service: 'DB' },
  { id: 'c', name: 'ssh-bastion', n: 7, ok: true, at: Date.parse('2024-02-01T00:00:00Z'), service: null },
  { id: 'd', name: 'Web-Admin', n: 7, ok: false, at: Date.parse('2024-03-01T00:00:00Z'), service: 'web' },
];

const fields: FieldMap<Row> = {
  id: { type: 'string', get: (r) => r.id },
  name: { type: 'string', get: (r) => r.name },
  n: { type: 'number', get: (r) => r.n },
  ok: { type: 'bool', get: (r) => r.ok },
  createdAt: { type: 'datetime', get: (r) => r.at },
  'service.name': { type: 'string', get: (r) => r.service },
};

function run(filter: string): string[] {
  const q = compileQuery(parseZitiQl(filter), fields);
  let out = rows.filter(q.predicate);
  if (q.compare) {
    out = out.sort(q.compare);
  }
  return out.map((r) => r.id);
}

describe('ZitiQL parser', () => {
  it('compares with = and != on strings', () => {
    assert.deepStrictEqual(run('name = "web-svc"'), ['a']);
    assert.deepStrictEqual(run('name != "web-svc"'), ['b', 'c', 'd']);
  });

  it('compares numbers with < > <= >=', () => {
    assert.deepStrictEqual(run('n < 7'), ['a']);
    assert.deepStrictEqual(run('n > 7'), ['b']);
    assert.deepStrictEqual(run('n <= 7'), ['a', 'c', 'd']);
    assert.deepStrictEqual(run('n >= 7'), ['b', 'c', 'd']);
  });

  it('supports contains, not contains and icontains', () => {
    assert.deepStrictEqual(run('name contains "Web"'), ['d']);
    assert.deepStrictEqual(run('name icontains "web"'), ['a', 'd']);
    assert.deepStrictEqual(run('name not contains "s"'), ['d']);
    assert.deepStrictEqual(run('name not icontains "WEB"'), ['b', 'c']);
  });

  it('supports in [..] and not in', () => {
    assert.deepStrictEqual(run('id in ["a", "c"]'), ['a', 'c']);
    assert.deepStrictEqual(run('id not in ["a", "c"]'), ['b', 'd']);
    assert.deepStrictEqual(run('n in [3, 10]'), ['a', 'b']);
  });

  it('supports booleans, true alone and false alone', () => {
    assert.deepStrictEqual(run('ok = true'), ['a', 'c']);
    assert.deepStrictEqual(run('ok = false'), ['b', 'd']);
    assert.deepStrictEqual(run('true'), ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(run('false'), []);
  });

  it('supports datetime(...) literals and between', () => {
    assert.deepStrictEqual(run('createdAt > datetime(2024-01-05T00:00:00Z)'), ['c', 'd']);
    assert.deepStrictEqual(run('createdAt >= datetime(2024-01-05T00:00:00Z) and createdAt < datetime(2024-03-01T00:00:00.000Z)'), ['b', 'c']);
    assert.deepStrictEqual(run('createdAt between datetime(2024-01-01T00:00:00Z) and datetime(2024-02-01T00:00:00Z)'), ['a', 'b']);
  });

  it('honours precedence (and binds tighter than or) and parentheses', () => {
    assert.deepStrictEqual(run('id = "a" or id = "b" and ok = true'), ['a']);
    assert.deepStrictEqual(run('(id = "a" or id = "b") and ok = false'), ['b']);
    assert.deepStrictEqual(run('not (ok = true)'), ['b', 'd']);
  });

  it('supports dotted fields and null', () => {
    assert.deepStrictEqual(run('service.name = "web"'), ['a', 'd']);
    assert.deepStrictEqual(run('service.name = null'), ['c']);
    assert.deepStrictEqual(run('service.name is not null and n = 7'), ['d']);
  });

  it('sorts by one or more fields, asc and desc', () => {
    assert.deepStrictEqual(run('true sort by n desc'), ['b', 'c', 'd', 'a']);
    assert.deepStrictEqual(run('true sort by n desc, name asc'), ['b', 'd', 'c', 'a']);
    assert.deepStrictEqual(run('true sort by createdAt'), ['a', 'b', 'c', 'd']);
    assert.deepStrictEqual(run('sort by name desc'), ['a', 'c', 'b', 'd']); // binary (code-point) order: 'W' < 'p'
  });

  it('parses skip and limit (in either order) and limit none', () => {
    const q = parseZitiQl('name contains "s" sort by name asc skip 10 limit 5');
    assert.strictEqual(q.skip, 10);
    assert.strictEqual(q.limit, 5);
    assert.deepStrictEqual(q.sort, [{ field: 'name', direction: 'asc' }]);
    const q2 = parseZitiQl('true limit 3 skip 1');
    assert.strictEqual(q2.skip, 1);
    assert.strictEqual(q2.limit, 3);
    assert.strictEqual(parseZitiQl('limit none').limit, null);
  });

  it('is case-insensitive for keywords and handles escaped quotes', () => {
    assert.deepStrictEqual(run('NAME = "web-svc" OR ID = "b"'.replace('NAME', 'name').replace('ID', 'id')), ['a', 'b']);
    assert.deepStrictEqual(run('name = "web-svc" AND n = 3 SORT BY id DESC'), ['a']);
    const q = parseZitiQl('name = "say \\"hi\\""');
    assert.deepStrictEqual(q.where, { type: 'cmp', field: 'name', op: '=', value: { kind: 'string', value: 'say "hi"' } });
  });

  const bad: Array<[string, RegExp]> = [
    ['name =', /expected a value/],
    ['name == "x"', /expected a value/],
    ['name = "unterminated', /unterminated string/],
    ['(name = "x"', /expected '\)'/],
    ['name = "x" and', /expected a field name/],
    ['name ~ "x"', /unexpected character/],
    ['name "x"', /expected an operator/],
    ['createdAt > datetime(yesterday)', /invalid datetime/],
    ['id in ["a" "b"]', /expected '\]'/],
    ['true skip -1', /non-negative integer/],
    ['true sort name', /expected 'by'/],
    ['name = "a" limit 5 garbage', /expected/],
  ];
  for (const [filter, re] of bad) {
    it(`rejects ${JSON.stringify(filter)}`, () => {
      assert.throws(() => parseZitiQl(filter), (e: unknown) => e instanceof ZitiQlError && re.test(e.message));
    });
  }

  it('rejects unknown fields and type mismatches when compiled', () => {
    assert.throws(() => run('colour = "red"'), /unknown field 'colour'/);
    assert.throws(() => run('n = "seven"'), /is a number/);
    assert.throws(() => run('ok = "yes"'), /is a boolean/);
    assert.throws(() => run('name = 3'), /is a string/);
    assert.throws(() => run('createdAt > 5'), /is a datetime/);
    assert.throws(() => run('true sort by colour'), /unknown field/);
  });
});
