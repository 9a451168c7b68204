// A small SCIM-style filter parser for the PingOne emulator (test infrastructure only).
//
// Grammar (the subset PingOne documents for users and environments):
//   expr   := term ( 'or' term )*
//   term   := factor ( 'and' factor )*
//   factor := '(' expr ')' | attr op "value"
//   op     := eq | sw | ew | co          (case-insensitive)
// Which attributes accept which operators, and whether `or` and parentheses are allowed, is decided by a
// FilterProfile: environments allow only `sw`/`eq`/`and`; users allow `eq`/`sw`/`ew`/`co`, `and`/`or` and parentheses.

export type FilterOp = 'eq' | 'sw' | 'ew' | 'co';

export type FilterNode =
  | { kind: 'cmp'; attr: string; op: FilterOp; value: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode };

export interface FilterProfile {
  /** attribute (lower-cased) -> allowed operators */
  attributes: Record<string, readonly FilterOp[]>;
  allowOr: boolean;
  allowParens: boolean;
}

export class FilterError extends Error {}

interface Token {
  t: 'word' | 'str' | 'lp' | 'rp';
  v: string;
  pos: number;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(') {
      out.push({ t: 'lp', v: c, pos: i++ });
    } else if (c === ')') {
      out.push({ t: 'rp', v: c, pos: i++ });
    } else if (c === '"') {
      const start = i++;
      let v = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) {
          i++;
        }
        v += src[i++];
      }
      if (i >= src.length) {
        throw new FilterError(`Unterminated string starting at position ${start}`);
      }
      i++;
      out.push({ t: 'str', v, pos: start });
    } else {
      const start = i;
      while (i < src.length && !/[\s()"]/.test(src[i])) {
        i++;
      }
      out.push({ t: 'word', v: src.slice(start, i), pos: start });
    }
  }
  return out;
}

export function parseFilter(src: string, profile: FilterProfile): FilterNode {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Token | undefined => toks[p];
  const isWord = (w: string): boolean => peek()?.t === 'word' && peek()!.v.toLowerCase() === w;

  function expr(): FilterNode {
    let left = term();
    while (isWord('or')) {
      if (!profile.allowOr) {
        throw new FilterError("The operator 'or' is not supported for this resource");
      }
      p++;
      left = { kind: 'or', left, right: term() };
    }
    return left;
  }
  function term(): FilterNode {
    let left = factor();
    while (isWord('and')) {
      p++;
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  }
  function factor(): FilterNode {
    const tok = peek();
    if (!tok) {
      throw new FilterError('Unexpected end of filter expression');
    }
    if (tok.t === 'lp') {
      if (!profile.allowParens) {
        throw new FilterError('Grouping with parentheses is not supported for this resource');
      }
      p++;
      const inner = expr();
      if (peek()?.t !== 'rp') {
        throw new FilterError(`Expected ')' at position ${peek()?.pos ?? src.length}`);
      }
      p++;
      return inner;
    }
    if (tok.t !== 'word') {
      throw new FilterError(`Expected an attribute name at position ${tok.pos}`);
    }
    p++;
    const attr = tok.v;
    const allowed = profile.attributes[attr.toLowerCase()];
    if (!allowed) {
      throw new FilterError(`Filtering on attribute '${attr}' is not supported`);
    }
    const opTok = peek();
    if (!opTok || opTok.t !== 'word') {
      throw new FilterError(`Expected an operator after '${attr}'`);
    }
    p++;
    const op = opTok.v.toLowerCase();
    if (!['eq', 'sw', 'ew', 'co', 'ne', 'gt', 'ge', 'lt', 'le', 'pr'].includes(op)) {
      throw new FilterError(`Unknown operator '${opTok.v}'`);
    }
    if (!(allowed as readonly string[]).includes(op)) {
      throw new FilterError(`The operator '${op}' is not supported for attribute '${attr}'`);
    }
    const valTok = peek();
    if (!valTok || valTok.t !== 'str') {
      throw new FilterError(`Expected a quoted string value after '${attr} ${op}'`);
    }
    p++;
    return { kind: 'cmp', attr: attr.toLowerCase(), op: op as FilterOp, value: valTok.v };
  }

  if (toks.length === 0) {
    throw new FilterError('Empty filter expression');
  }
  const node = expr();
  if (p < toks.length) {
    throw new FilterError(`Unexpected token '${toks[p].v}' at position ${toks[p].pos}`);
  }
  return node;
}

/** Evaluates a parsed filter; `get` returns the attribute value (lower-cased attribute path) of the resource. */
export function matchFilter(node: FilterNode, get: (attr: string) => string | undefined): boolean {
  if (node.kind !== 'cmp') {
    return node.kind === 'and'
      ? matchFilter(node.left, get) && matchFilter(node.right, get)
      : matchFilter(node.left, get) || matchFilter(node.right, get);
  }
  const raw = get(node.attr);
  if (raw === undefined) {
    return false;
  }
  // SCIM string attributes are caseExact=false unless stated otherwise.
  const v = raw.toLowerCase();
  const want = node.value.toLowerCase();
  switch (node.op) {
    case 'eq':
      return v === want;
    case 'sw':
      return v.startsWith(want);
    case 'ew':
      return v.endsWith(want);
    case 'co':
      return v.includes(want);
    default:
      return false;
  }
}
