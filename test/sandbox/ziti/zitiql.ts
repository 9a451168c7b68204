// ZitiQL: the OpenZiti filter language (`filter=` query parameter), as documented in "Shared API Capabilities" and
// the vendor CLI's filter examples (shared/reference/api-contracts.md §1.2, vendor-tools.md §1.5). Pure: no I/O.
//
//   query      := [expr] [sort by field [asc|desc] {, field [asc|desc]}] [skip N] [limit N|none]   (skip/limit in any order)
//   expr       := and {or and}
//   and        := unary {and unary}
//   unary      := not unary | ( expr ) | true | false | comparison
//   comparison := field (= | != | < | > | <= | >=) value
//               | field [not] (contains | icontains) value
//               | field [not] in [ value {, value} ]
//               | field [not] between value and value
//               | field is [not] null
//   value      := "string" | number | true | false | null | datetime(RFC3339)
//   field      := identifier {. identifier}      (e.g. service.name, apiSession.identity.name)
// Keywords are case-insensitive.

export class ZitiQlError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ZitiQlError';
  }
}

export type Literal = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'null' } | { kind: 'datetime'; value: number; text: string };

export type Expr =
  | { type: 'const'; value: boolean }
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'cmp'; field: string; op: '=' | '!=' | '<' | '>' | '<=' | '>='; value: Literal }
  | { type: 'contains'; field: string; value: Literal; caseInsensitive: boolean; negate: boolean }
  | { type: 'in'; field: string; values: Literal[]; negate: boolean }
  | { type: 'between'; field: string; low: Literal; high: Literal; negate: boolean }
  | { type: 'isNull'; field: string; negate: boolean };

export interface SortSpec {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ZitiQuery {
  where: Expr | undefined;
  sort: SortSpec[];
  skip: number | undefined;
  /** undefined = not given; null = `limit none`. */
  limit: number | null | undefined;
}

type Tok =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'datetime'; v: number; text: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punct'; v: string; pos: number }
  | { t: 'eof'; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) {
          throw new ZitiQlError(`unterminated string starting at ${pos}`, pos);
        }
        const ch = src[i];
        if (ch === '\\' && i + 1 < src.length) {
          const n = src[i + 1];
          v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          i += 2;
          continue;
        }
        if (ch === '"') {
          i++;
          break;
        }
        v += ch;
        i++;
      }
      out.push({ t: 'string', v, pos });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ t: 'number', v: Number(m[0]), pos });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      if (word.toLowerCase() === 'datetime' && src[i] === '(') {
        const close = src.indexOf(')', i);
        if (close < 0) {
          throw new ZitiQlError(`unterminated datetime( at ${pos}`, pos);
        }
        const text = src.slice(i + 1, close).trim();
        if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
          throw new ZitiQlError(`invalid datetime '${text}' at ${pos}: expected RFC 3339, e.g. datetime(2024-01-02T03:04:05Z)`, pos);
        }
        out.push({ t: 'datetime', v: Date.parse(text), text, pos });
        i = close + 1;
        continue;
      }
      out.push({ t: 'ident', v: word, pos });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      out.push({ t: 'op', v: two, pos });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      out.push({ t: 'op', v: c, pos });
      i++;
      continue;
    }
    if ('()[],'.includes(c)) {
      out.push({ t: 'punct', v: c, pos });
      i++;
      continue;
    }
    throw new ZitiQlError(`unexpected character '${c}' at ${pos}`, pos);
  }
  out.push({ t: 'eof', pos: src.length });
  return out;
}

const RESERVED = new Set(['and', 'or', 'not', 'contains', 'icontains', 'in', 'between', 'is', 'null', 'true', 'false', 'sort', 'by', 'asc', 'desc', 'skip', 'limit', 'none']);

/** Parses a ZitiQL filter. Throws ZitiQlError with a message and position on invalid input. */
export function parseZitiQl(src: string): ZitiQuery {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok => toks[p];
  const isKw = (tok: Tok, kw: string): boolean => tok.t === 'ident' && tok.v.toLowerCase() === kw;
  const describe = (tok: Tok): string => (tok.t === 'eof' ? 'end of filter' : `'${'v' in tok ? (tok.t === 'datetime' ? tok.text : String(tok.v)) : ''}' at ${tok.pos}`);
  const fail = (expected: string): never => {
    throw new ZitiQlError(`expected ${expected} but found ${describe(peek())}`, peek().pos);
  };
  const expectKw = (kw: string): void => {
    if (!isKw(peek(), kw)) {
      fail(`'${kw}'`);
    }
    p++;
  };
  const expectPunct = (v: string): void => {
    const tok = peek();
    if (tok.t !== 'punct' || tok.v !== v) {
      fail(`'${v}'`);
    }
    p++;
  };
  const field = (): string => {
    const tok = peek();
    if (tok.t !== 'ident' || RESERVED.has(tok.v.toLowerCase())) {
      fail('a field name');
    }
    p++;
    return (tok as { v: string }).v;
  };
  const literal = (): Literal => {
    const tok = peek();
    switch (tok.t) {
      case 'string':
        p++;
        return { kind: 'string', value: tok.v };
      case 'number':
        p++;
        return { kind: 'number', value: tok.v };
      case 'datetime':
        p++;
        return { kind: 'datetime', value: tok.v, text: tok.text };
      case 'ident': {
        const w = tok.v.toLowerCase();
        if (w === 'true' || w === 'false') {
          p++;
          return { kind: 'bool', value: w === 'true' };
        }
        if (w === 'null') {
          p++;
          return { kind: 'null' };
        }
        break;
      }
      default:
        break;
    }
    return fail('a value (string, number, true/false, null or datetime(...))');
  };
  const atClauseEnd = (): boolean => {
    const tok = peek();
    return tok.t === 'eof' || isKw(tok, 'sort') || isKw(tok, 'skip') || isKw(tok, 'limit');
  };

  const comparison = (): Expr => {
    const f = field();
    const tok = peek();
    if (tok.t === 'op') {
      p++;
      return { type: 'cmp', field: f, op: tok.v as '=', value: literal() };
    }
    let negate = false;
    if (isKw(tok, 'not')) {
      negate = true;
      p++;
    }
    const kw = peek();
    if (isKw(kw, 'contains') || isKw(kw, 'icontains')) {
      p++;
      return { type: 'contains', field: f, value: literal(), caseInsensitive: isKw(kw, 'icontains'), negate };
    }
    if (isKw(kw, 'in')) {
      p++;
      expectPunct('[');
      const values: Literal[] = [];
      if (!(peek().t === 'punct' && (peek() as { v: string }).v === ']')) {
        values.push(literal());
        while (peek().t === 'punct' && (peek() as { v: string }).v === ',') {
          p++;
          values.push(literal());
        }
      }
      expectPunct(']');
      return { type: 'in', field: f, values, negate };
    }
    if (isKw(kw, 'between')) {
      p++;
      const low = literal();
      expectKw('and');
      const high = literal();
      return { type: 'between', field: f, low, high, negate };
    }
    if (!negate && isKw(kw, 'is')) {
      p++;
      let neg = false;
      if (isKw(peek(), 'not')) {
        neg = true;
        p++;
      }
      expectKw('null');
      return { type: 'isNull', field: f, negate: neg };
    }
    return fail(negate ? "'contains', 'icontains', 'in' or 'between' after 'not'" : "an operator (=, !=, <, >, <=, >=, contains, icontains, in, between, is null)");
  };

  const unary = (): Expr => {
    const tok = peek();
    if (isKw(tok, 'not')) {
      p++;
      return { type: 'not', expr: unary() };
    }
    if (tok.t === 'punct' && tok.v === '(') {
      p++;
      const e = orExpr();
      expectPunct(')');
      return e;
    }
    if (isKw(tok, 'true') || isKw(tok, 'false')) {
      p++;
      return { type: 'const', value: isKw(tok, 'true') };
    }
    return comparison();
  };
  const andExpr = (): Expr => {
    let left = unary();
    while (isKw(peek(), 'and')) {
      p++;
      left = { type: 'and', left, right: unary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (isKw(peek(), 'or')) {
      p++;
      left = { type: 'or', left, right: andExpr() };
    }
    return left;
  };

  const query: ZitiQuery = { where: undefined, sort: [], skip: undefined, limit: undefined };
  if (!atClauseEnd()) {
    query.where = orExpr();
  }
  if (isKw(peek(), 'sort')) {
    p++;
    expectKw('by');
    for (;;) {
      const f = field();
      let direction: 'asc' | 'desc' = 'asc';
      if (isKw(peek(), 'asc') || isKw(peek(), 'desc')) {
        direction = isKw(peek(), 'desc') ? 'desc' : 'asc';
        p++;
      }
      query.sort.push({ field: f, direction });
      if (peek().t === 'punct' && (peek() as { v: string }).v === ',') {
        p++;
        continue;
      }
      break;
    }
  }
  const nonNegInt = (what: string): number => {
    const tok = peek();
    if (tok.t !== 'number' || !Number.isInteger(tok.v) || tok.v < 0) {
      return fail(`a non-negative integer after '${what}'`);
    }
    p++;
    return tok.v;
  };
  for (let k = 0; k < 2; k++) {
    if (isKw(peek(), 'skip') && query.skip === undefined) {
      p++;
      query.skip = nonNegInt('skip');
    } else if (isKw(peek(), 'limit') && query.limit === undefined) {
      p++;
      if (isKw(peek(), 'none')) {
        p++;
        query.limit = null;
      } else {
        query.limit = nonNegInt('limit');
      }
    }
  }
  if (peek().t !== 'eof') {
    fail(query.where ? "'and', 'or', 'sort by', 'skip', 'limit' or end of filter" : 'a condition');
  }
  return query;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation against entities.

export type FieldType = 'string' | 'number' | 'bool' | 'datetime';

export interface FieldDef<T> {
  type: FieldType;
  get(entity: T): string | number | boolean | null | undefined;
}

export type FieldMap<T> = Record<string, FieldDef<T>>;

export interface CompiledQuery<T> {
  predicate: (e: T) => boolean;
  /** undefined when the filter has no sort clause. */
  compare: ((a: T, b: T) => number) | undefined;
  skip: number | undefined;
  limit: number | null | undefined;
}

function literalFor(field: string, def: FieldDef<unknown>, lit: Literal): string | number | boolean | null {
  if (lit.kind === 'null') {
    return null;
  }
  switch (def.type) {
    case 'string':
      if (lit.kind !== 'string') {
        throw new ZitiQlError(`field '${field}' is a string; compare it with a quoted string`, 0);
      }
      return lit.value;
    case 'number':
      if (lit.kind !== 'number') {
        throw new ZitiQlError(`field '${field}' is a number; compare it with a number`, 0);
      }
      return lit.value;
    case 'bool':
      if (lit.kind !== 'bool') {
        throw new ZitiQlError(`field '${field}' is a boolean; compare it with true or false`, 0);
      }
      return lit.value;
    case 'datetime':
      if (lit.kind === 'datetime') {
        return lit.value;
      }
      if (lit.kind === 'string' && !Number.isNaN(Date.parse(lit.value))) {
        return Date.parse(lit.value);
      }
      throw new ZitiQlError(`field '${field}' is a datetime; compare it with datetime(2024-01-02T03:04:05Z)`, 0);
  }
}

function valueOf<T>(def: FieldDef<T>, e: T): string | number | boolean | null {
  const v = def.get(e);
  if (v === undefined || v === null) {
    return null;
  }
  if (def.type === 'datetime' && typeof v === 'string') {
    return Date.parse(v);
  }
  return v;
}

/** Compiles a parsed query against the fields an entity type exposes. Unknown fields and type errors throw ZitiQlError. */
export function compileQuery<T>(q: ZitiQuery, fields: FieldMap<T>): CompiledQuery<T> {
  const def = (name: string): FieldDef<T> => {
    const d = fields[name];
    if (!d) {
      throw new ZitiQlError(`unknown field '${name}'; filterable fields: ${Object.keys(fields).join(', ')}`, 0);
    }
    return d;
  };
  const build = (e: Expr): ((x: T) => boolean) => {
    switch (e.type) {
      case 'const':
        return () => e.value;
      case 'and': {
        const l = build(e.left);
        const r = build(e.right);
        return (x) => l(x) && r(x);
      }
      case 'or': {
        const l = build(e.left);
        const r = build(e.right);
        return (x) => l(x) || r(x);
      }
      case 'not': {
        const inner = build(e.expr);
        return (x) => !inner(x);
      }
      case 'cmp': {
        const d = def(e.field);
        const lit = literalFor(e.field, d as FieldDef<unknown>, e.value);
        if (lit === null && e.op !== '=' && e.op !== '!=') {
          throw new ZitiQlError(`null can only be compared with = or !=`, 0);
        }
        switch (e.op) {
          case '=':
            return (x) => valueOf(d, x) === lit;
          case '!=':
            return (x) => valueOf(d, x) !== lit;
          case '<':
            return (x) => {
              const v = valueOf(d, x);
              return v !== null && v < lit!;
            };
          case '>':
            return (x) => {
              const v = valueOf(d, x);
              return v !== null && v > lit!;
            };
          case '<=':
            return (x) => {
              const v = valueOf(d, x);
              return v !== null && v <= lit!;
            };
          case '>=':
            return (x) => {
              const v = valueOf(d, x);
              return v !== null && v >= lit!;
            };
        }
        break;
      }
      case 'contains': {
        const d = def(e.field);
        if (d.type !== 'string' || e.value.kind !== 'string') {
          throw new ZitiQlError(`'contains' needs a string field and a quoted string (field '${e.field}')`, 0);
        }
        const needle = e.caseInsensitive ? e.value.value.toLowerCase() : e.value.value;
        return (x) => {
          const v = valueOf(d, x);
          const hit = typeof v === 'string' && (e.caseInsensitive ? v.toLowerCase() : v).includes(needle);
          return e.negate ? !hit : hit;
        };
      }
      case 'in': {
        const d = def(e.field);
        const set = new Set(e.values.map((l) => literalFor(e.field, d as FieldDef<unknown>, l)));
        return (x) => set.has(valueOf(d, x)) !== e.negate;
      }
      case 'between': {
        const d = def(e.field);
        const lo = literalFor(e.field, d as FieldDef<unknown>, e.low);
        const hi = literalFor(e.field, d as FieldDef<unknown>, e.high);
        return (x) => {
          const v = valueOf(d, x);
          const hit = v !== null && lo !== null && hi !== null && v >= lo && v < hi;
          return hit !== e.negate;
        };
      }
      case 'isNull': {
        const d = def(e.field);
        return (x) => (valueOf(d, x) === null) !== e.negate;
      }
    }
    throw new ZitiQlError('unsupported expression', 0);
  };
  const predicate = q.where ? build(q.where) : () => true;
  let compare: ((a: T, b: T) => number) | undefined;
  if (q.sort.length > 0) {
    const keys = q.sort.map((s) => ({ d: def(s.field), dir: s.direction === 'desc' ? -1 : 1 }));
    compare = (a, b) => {
      for (const k of keys) {
        const va = valueOf(k.d, a);
        const vb = valueOf(k.d, b);
        if (va === vb) {
          continue;
        }
        if (va === null) {
          return -k.dir;
        }
        if (vb === null) {
          return k.dir;
        }
        return (va < vb ? -1 : 1) * k.dir;
      }
      return 0;
    };
  }
  return { predicate, compare, skip: q.skip, limit: q.limit };
}
