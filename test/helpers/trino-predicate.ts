/**
 * Evaluates one condition of a generated WHERE clause on one row, as Athena (Trino) would: enough of
 * Trino's SQL for the collection query's event-time condition, with SQL's three-valued logic. The
 * fake Athena server ignores the SQL, so this is where what the query returns is checked.
 *
 * `from_iso8601_timestamp` is modelled only where its behaviour is known for certain: CloudTrail's
 * own text (a real instant, or INVALID_FUNCTION_ARGUMENT for an impossible date, as Joda's ISO
 * parser throws), and that text followed by a line terminator (rejected). Any other argument throws
 * `Unmodelled`, which `try` does not catch: Trino's parser accepts much that the model would guess
 * at (`2026-11-05`, `2026-W45`, signed years), and a year too large for a timestamp fails the query.
 */

type Value = string | boolean | { ms: number } | null;

/** An error `try` turns into NULL (Trino: INVALID_FUNCTION_ARGUMENT and the like). */
class InvalidArgument extends Error {}
/** What the model does not know how Trino would do: the test must fail, not guess. */
export class Unmodelled extends Error {}

const CLOUDTRAIL_TEXT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$/;
const LINE_TERMINATOR = /^(?:\r\n|[\n\r\u0085\u2028\u2029])$/;

function fromIso8601Timestamp(text: string): { ms: number } {
  const m = CLOUDTRAIL_TEXT.exec(text);
  if (m === null) {
    if (CLOUDTRAIL_TEXT.test(text.slice(0, 20)) && LINE_TERMINATOR.test(text.slice(20))) throw new InvalidArgument(`trailing text: ${JSON.stringify(text)}`);
    throw new Unmodelled(`from_iso8601_timestamp(${JSON.stringify(text)}) is not modelled`);
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  const valid = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  if (!valid) throw new InvalidArgument(`no such instant: ${text}`);
  return { ms: date.getTime() };
}

/** Java's `$` (Trino's regular expressions): the end, or before a line terminator that ends the text. */
function regexpLike(text: string, pattern: string): boolean {
  const js = pattern.replace(/\$$/, '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?$)');
  if (/[\\(|]/.test(pattern)) throw new Unmodelled(`pattern ${pattern} is not modelled`);
  return new RegExp(js, 'u').test(text);
}

function like(text: string, pattern: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.').replace(/%/g, '.*');
  return new RegExp(`^${re}$`, 's').test(text);
}

type Token = { kind: 'string' | 'ident' | 'word' | 'op'; text: string };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|"([a-z0-9_$]+)"|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|<>|[(),<>=]))/y;
  let at = 0;
  while (at < sql.length) {
    if (/^\s*$/.test(sql.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(sql);
    if (m === null) throw new Error(`cannot read SQL at ${JSON.stringify(sql.slice(at, at + 20))}`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: 'ident', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3].toLowerCase() });
    else tokens.push({ kind: 'op', text: m[4] });
  }
  return tokens;
}

type Node = (row: ReadonlyMap<string, string | null>) => Value;

function truth(v: Value): boolean | null {
  if (v !== null && typeof v !== 'boolean') throw new Error(`not a boolean: ${JSON.stringify(v)}`);
  return v;
}

const atLeast = (c: number | null): boolean | null => (c === null ? null : c >= 0);
const atMost = (c: number | null): boolean | null => (c === null ? null : c <= 0);

function and3(...vs: (boolean | null)[]): boolean | null {
  return vs.includes(false) ? false : vs.includes(null) ? null : true;
}

function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'object' && typeof b === 'object') return a.ms - b.ms;
  throw new Error(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
}

function parse(tokens: Token[]): Node {
  let i = 0;
  const peek = (text: string) => tokens[i]?.text === text && tokens[i].kind !== 'string' && tokens[i].kind !== 'ident';
  const expect = (text: string) => {
    if (!peek(text)) throw new Error(`expected ${text} at token ${i}: ${JSON.stringify(tokens[i])}`);
    i++;
  };

  const or = (): Node => {
    const parts = [and()];
    while (peek('or')) {
      i++;
      parts.push(and());
    }
    if (parts.length === 1) return parts[0];
    return (row) => {
      const vs = parts.map((p) => truth(p(row)));
      return vs.includes(true) ? true : vs.includes(null) ? null : false;
    };
  };
  const and = (): Node => {
    const parts = [not()];
    while (peek('and')) {
      i++;
      parts.push(not());
    }
    if (parts.length === 1) return parts[0];
    return (row) => and3(...parts.map((p) => truth(p(row))));
  };
  const not = (): Node => {
    if (peek('not')) {
      i++;
      const inner = not();
      return (row) => {
        const v = truth(inner(row));
        return v === null ? null : !v;
      };
    }
    return predicate();
  };
  const predicate = (): Node => {
    const left = value();
    const op = tokens[i];
    if (op?.kind === 'op' && ['>=', '<=', '<', '>', '=', '<>'].includes(op.text)) {
      i++;
      const right = value();
      return (row) => {
        const c = compare(left(row), right(row));
        if (c === null) return null;
        return { '>=': c >= 0, '<=': c <= 0, '<': c < 0, '>': c > 0, '=': c === 0, '<>': c !== 0 }[op.text]!;
      };
    }
    if (peek('between')) {
      i++;
      const low = value();
      expect('and');
      const high = value();
      // `v BETWEEN a AND b` is `v >= a AND v <= b`, NULLs and all.
      return (row) => {
        const v = left(row);
        return and3(atLeast(compare(v, low(row))), atMost(compare(v, high(row))));
      };
    }
    const negated = peek('not') && tokens[i + 1]?.text === 'like';
    if (negated || peek('like')) {
      i += negated ? 2 : 1;
      const pattern = value();
      return (row) => {
        const [t, p] = [left(row), pattern(row)];
        if (t === null || p === null) return null;
        if (typeof t !== 'string' || typeof p !== 'string') throw new Error('LIKE on a non-string');
        return like(t, p) !== negated;
      };
    }
    if (peek('is')) {
      i++;
      const isNot = peek('not');
      if (isNot) i++;
      expect('null');
      return (row) => (left(row) === null) !== isNot;
    }
    return left;
  };
  const value = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('unexpected end of SQL');
    if (t.kind === 'string') return () => t.text;
    if (t.kind === 'ident') {
      return (row) => {
        if (!row.has(t.text)) throw new Error(`no column ${t.text} in the row`);
        return row.get(t.text)!;
      };
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.kind === 'word' && (t.text === 'true' || t.text === 'false')) return () => t.text === 'true';
    if (t.kind === 'word' && t.text === 'null') return () => null;
    if (t.kind === 'word' && peek('(')) {
      i++;
      const args: Node[] = [];
      if (!peek(')')) {
        args.push(or());
        while (peek(',')) {
          i++;
          args.push(or());
        }
      }
      expect(')');
      return call(t.text, args);
    }
    throw new Error(`unexpected ${JSON.stringify(t)}`);
  };

  const node = or();
  if (i !== tokens.length) throw new Error(`unread SQL from token ${i}: ${JSON.stringify(tokens[i])}`);
  return node;
}

function call(name: string, args: Node[]): Node {
  const arity = (n: number) => {
    if (args.length !== n) throw new Error(`${name} takes ${n} arguments`);
  };
  switch (name) {
    case 'coalesce':
      return (row) => {
        for (const a of args) {
          const v = a(row);
          if (v !== null) return v;
        }
        return null;
      };
    case 'try':
      arity(1);
      return (row) => {
        try {
          return args[0](row);
        } catch (error) {
          if (error instanceof InvalidArgument) return null;
          throw error;
        }
      };
    case 'if':
      // Trino evaluates the value only when the condition is true.
      if (args.length !== 2 && args.length !== 3) throw new Error('if takes 2 or 3 arguments');
      return (row) => (truth(args[0](row)) === true ? args[1](row) : args.length === 3 ? args[2](row) : null);
    case 'regexp_like':
      arity(2);
      return (row) => {
        const [t, p] = [args[0](row), args[1](row)];
        if (t === null || p === null) return null;
        if (typeof t !== 'string' || typeof p !== 'string') throw new Error('regexp_like on a non-string');
        return regexpLike(t, p);
      };
    case 'from_iso8601_timestamp':
      arity(1);
      return (row) => {
        const t = args[0](row);
        if (t === null) return null;
        if (typeof t !== 'string') throw new Error('from_iso8601_timestamp on a non-string');
        return fromIso8601Timestamp(t);
      };
    default:
      throw new Unmodelled(`function ${name} is not modelled`);
  }
}

/** Whether the condition holds (TRUE) for the row: only then does Athena return it. */
export function trinoKeeps(condition: string, row: ReadonlyMap<string, string | null>): boolean {
  return parse(tokenize(condition))(row) === true;
}
