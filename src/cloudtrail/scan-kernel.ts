import { FunctionBody, moduleWithOneFunction } from './wasm-encoder.js';

/**
 * The structural pass over a compact CloudTrail log, in WebAssembly SIMD.
 *
 * Why not JavaScript: the report must cost at most half again what gunzip costs, and
 * gunzip runs at ~1.2 GB/s per core. A byte loop in JavaScript runs at ~1.4 GB/s and
 * `JSON.parse` at ~0.5 GB/s; this kernel classifies 64 bytes at a time (simdjson's
 * approach: bit masks of quotes, backslashes and structure, a prefix-xor for "inside a
 * string") at ~3.5 GB/s while validating the whole text as JSON.
 *
 * What it does, for text that must be exactly one compact JSON value:
 * - validates it: strings (escapes, no raw control characters, terminated), brackets
 *   (balanced and matching, nothing after the root's closer), and the grammar between
 *   tokens (a colon after each key and only there, commas between values,
 *   `true`/`false`/`null`/numbers spelled right);
 * - lists every object at depth 3 (the records of `{"Records":[...]}`) as start/end
 *   byte offsets;
 * - lists "hits": every `iot` in any letter case and every backslash followed by `u`.
 *   A record whose decoded text, at any level of JSON-inside-a-string, contains `iot`
 *   has one of those in its raw bytes (only `\uXXXX` escapes can produce letters).
 *
 * Whitespace outside strings (pretty-printed JSON) is not handled: the kernel refuses
 * the text and the caller parses the file the plain way.
 *
 * On speed (measured with bench/scan-kernel.mjs; V8 decides what the machine code looks
 * like, so each of these was kept because it measured faster, not on principle):
 * - Byte constants are loaded into vector locals once; V8 would rebuild each splat at
 *   every use.
 * - Backslashes, control characters and `iot` are rare in CloudTrail text, so one test
 *   covers them all, and the work they need (their masks, escapes, `iot` hits) runs in a
 *   handler and a second copy of the block's code: the copy for the other blocks (~97%)
 *   has none of it (~8% faster than one copy that re-ran the block after the handler).
 * - The grammar is one error mask from masks shifted by one position: "after a value end"
 *   (closing quote, closer, literal) and "after a colon" tell each token what it may
 *   follow, and "in an array" (set per bracket, about one per block, rather than a
 *   prefix-xor over every block) tells keys from values. A key's colon is found by the
 *   same add that carries its first bit over its run of bits to the closing quote: one
 *   bit further. This replaced a table lookup and checks per bracket, toggles and a
 *   prefix-xor for "in an array", and two more shifted masks: ~11% faster. The scalar
 *   part is most of the time, and each 64-bit operation per block costs ~0.5%.
 * - Closers alone still look at the byte before them in a table: they are rare, and a
 *   space before `}` must fail while a space before `,` passes here (the literal check
 *   says DOUBT then), which the masks don't tell apart.
 * - Tried and slower: checking the byte before each token in the vector domain (the byte
 *   before is the unaligned load at -1) and taking one "misplaced" mask: 22% slower, about
 *   25 vector operations per 16 bytes cost more than the scalar ones they replaced. A
 *   branchless bracket loop (15% slower: the branches predict well), vector constants
 *   loaded from memory at each use (25% slower), and a first pass writing each block's
 *   masks to memory before the scalar pass (no faster: spills are not what costs).
 */

export const SCAN_OK = 0;
/**
 * Not valid compact JSON. Whitespace between tokens can also end here, so this is no
 * verdict on the file: on any status but OK the caller parses the plain way.
 */
export const SCAN_INVALID = -1;
/** A layout not handled here (whitespace after a literal, deep nesting). */
export const SCAN_DOUBT = -2;
/** More records or hits than the output space allows. */
export const SCAN_OVERFLOW = -3;

/** Nesting deeper than this is left to the plain parser (the type stack is one i64). */
const MAX_DEPTH = 62;

/**
 * Vector constants the hot loop compares with, 16 bytes each in memory from CONSTANTS
 * (written when the memory is made) and loaded into locals before the loop: bytes
 * repeated, and `ot` as repeated 16-bit lanes.
 */
const CONSTANTS = {
  quote: [0x22], colon: [0x3a], comma: [0x2c], backslash: [0x5c], space: [0x20], bracketMask: [0xd9], bracketBits: [0x59],
  ot: [0x6f, 0x74],
} as const;
type Constant = keyof typeof CONSTANTS;
const CONSTANT_NAMES = Object.keys(CONSTANTS) as Constant[];

/**
 * The bytes that may stand before `}` or `]`, 1 in a 256-byte table at BEFORE_CLOSER:
 * `{` `[` `"` `}` `]`, a digit, `e`, `l` (the ends of literals). Brackets are rare (about
 * one per block), so a lookup per closer costs less than a mask for them all.
 */
function beforeCloserTable(): Uint8Array {
  const table = new Uint8Array(256);
  for (const ch of '{["}]0123456789el') table[ch.charCodeAt(0)] = 1;
  return table;
}

function buildKernel(): Uint8Array {
  const f = new FunctionBody();
  let count = 0;
  const names = <T extends string>(list: readonly T[]) => Object.fromEntries(list.map((n) => [n, count++])) as Record<T, number>;
  // Parameters: where the input is, how long, and where results go.
  const p = names(['input', 'length', 'records', 'recordCap', 'hits', 'hitCap'] as const);
  const i32Names = ['addr', 'end', 'base', 'depth', 'recordStart', 'recordCount', 'hitCount', 'bit', 'c', 'ctx', 'at', 'pos'] as const;
  const n = names(i32Names);
  const i64Names = [
    'quote', 'backslash', 'ctrl', 'tri', 'brackets', 'colon', 'comma', 'escaped', 'inString', 'stringCarry', 'escapeCarry',
    'stack', 'work', 'one', 'openers', 'closers', 'inArray', 'opening', 'closing', 'other', 'keyPlaces', 'run',
    'keyCarry', 'sum', 'sum2', 'valid', 'outside', 'literalStarts', 'valueEnds', 'afterValue', 'starts',
    'pColon', 'pValueEnds', 'pOther',
  ] as const;
  const w = names(i64Names);
  const vec = count;
  count += 4;
  const constantLocal = names(CONSTANT_NAMES);
  const constant = (name: Constant) => f.get(constantLocal[name]);

  type I64 = (typeof i64Names)[number];
  type I32 = (typeof i32Names)[number];
  const g = (...list: I64[]) => {
    for (const name of list) f.get(w[name]);
    return f;
  };
  const s = (name: I64) => f.set(w[name]);
  const gi = (...list: I32[]) => {
    for (const name of list) f.get(n[name]);
    return f;
  };
  const si = (name: I32) => f.set(n[name]);
  const fail = (status: number) => f.op('if').i32(status).op('return').op('end');
  const notI64 = () => f.i64(-1).op('i64.xor');
  const nonZero = () => f.op('i64.eqz').op('i32.eqz');
  /** The mask shifted to "the previous position": bit 0 takes bit 63 of the previous block. */
  const prev = (mask: I64, previous: I64) => {
    g(mask).i64(1).op('i64.shl');
    g(previous).i64(63).op('i64.shr_u').op('i64.or');
  };
  const cIs = (...codes: number[]) => codes.forEach((code, k) => {
    gi('c').i32(code).op('i32.eq');
    if (k > 0) f.op('i32.or');
  });
  const forEachBit = (mask: I64, emitBody: () => void) => {
    f.op('block').op('loop');
    g(mask).op('i64.eqz').brIf(1);
    g(mask).op('i64.ctz').op('i32.wrap_i64');
    si('bit');
    g(mask, mask).i64(1).op('i64.sub').op('i64.and');
    s(mask);
    emitBody();
    f.br(0);
    f.op('end').op('end');
  };
  /** `at` = the input address of the current bit, `c` = the byte there. */
  const loadByteAtBit = () => {
    gi('addr');
    gi('bit').op('i32.add');
    si('at');
    gi('at').load8();
    si('c');
  };
  const pushHit = (emitPosition: () => void) => {
    gi('hitCount').get(p.hitCap).op('i32.ge_u');
    fail(SCAN_OVERFLOW);
    f.get(p.hits);
    gi('hitCount').i32(2).op('i32.shl').op('i32.add');
    emitPosition();
    f.store32();
    gi('hitCount').i32(1).op('i32.add');
    si('hitCount');
  };
  const isHexAt = (offset: number) => {
    gi('at').load8(offset).i32(0x30).op('i32.sub').i32(10).op('i32.lt_u');
    gi('at').load8(offset).i32(0x20).op('i32.or').i32(0x61).op('i32.sub').i32(6).op('i32.lt_u');
    f.op('i32.or');
  };
  /** Checks the escape whose escaped character is at address `at` (offset `pos`). */
  const checkEscape = () => {
    gi('at').load8();
    si('c');
    cIs(0x75); // \uXXXX
    f.op('if');
    isHexAt(1);
    isHexAt(2);
    f.op('i32.and');
    isHexAt(3);
    f.op('i32.and');
    isHexAt(4);
    f.op('i32.and');
    f.op('i32.eqz');
    fail(SCAN_INVALID);
    pushHit(() => gi('pos'));
    f.op('else');
    cIs(0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74); // " \ / b f n r t
    f.op('i32.eqz');
    fail(SCAN_INVALID);
    // `\\u` is a `\u` once a string inside this string is decoded again.
    cIs(0x5c);
    gi('at').load8(1).i32(0x75).op('i32.eq').op('i32.and');
    f.op('if');
    pushHit(() => gi('pos').i32(1).op('i32.add'));
    f.op('end');
    f.op('end');
  };
  const digitAt = () => gi('at').load8().i32(0x30).op('i32.sub').i32(10).op('i32.lt_u');
  const advance = () => {
    gi('at').i32(1).op('i32.add');
    si('at');
  };
  const skipDigits = () => {
    f.op('block').op('loop');
    digitAt();
    f.op('i32.eqz').brIf(1);
    gi('at').i32(1).op('i32.add');
    si('at');
    f.br(0);
    f.op('end').op('end');
  };
  const expectWord = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      gi('at').load8(k).i32(word.charCodeAt(k)).op('i32.ne');
      fail(SCAN_INVALID);
    }
    gi('at').i32(word.length).op('i32.add');
    si('at');
  };
  const isJsonSpace = () => cIs(0x20, 0x09, 0x0a, 0x0d);

  // ---- setup
  CONSTANT_NAMES.forEach((name, j) => f.i32(CONSTANTS_AT + 16 * j).load128().set(constantLocal[name]));
  f.get(p.input);
  si('addr');
  f.get(p.input).get(p.length).op('i32.add');
  si('end');
  // The text is one container: it starts with { or [ (or is empty). The root stands where
  // a value may, as if after a colon before the text.
  f.get(p.length).op('i32.eqz').op('i32.eqz');
  f.get(p.input).load8().i32(0xdf).op('i32.and').i32(0x5b).op('i32.ne').op('i32.and');
  fail(SCAN_INVALID);
  f.i64(-(2n ** 63n));
  s('pColon');
  // ---- helpers to classify 64 bytes: one 16-bit mask per vector, assembled into i64 masks
  const assemble = (mask: I64, emitVector: (j: number) => void) => {
    for (let j = 0; j < 4; j++) {
      emitVector(j);
      f.op('i8x16.bitmask').op('i64.extend_i32_u');
      if (j > 0) f.i64(16 * j).op('i64.shl').op('i64.or');
    }
    s(mask);
  };
  /** 16 bytes from `addr + delta` (a negative delta reaches into the previous block). */
  const loadAt = (delta: number) => (delta >= 0 ? gi('addr').load128(delta) : gi('addr').i32(delta).op('i32.add').load128());
  const equals = (name: Constant) => (j: number) => {
    f.get(vec + j);
    constant(name).op('i8x16.eq');
  };
  /** The vector on the stack in lower case (for letters). */
  const lowerCase = () => constant('space').op('v128.or');
  const emitHandler = () => {
    // ---- the handler, for a block with rare bytes: their masks (the vector locals hold
    // the block), and its escapes
    const control = (j: number) => {
      f.get(vec + j);
      constant('space').op('i8x16.lt_u');
    };
    // `iot` in any case, marked at its last letter; the unaligned loads reach into the previous block
    const iot = (j: number) => {
      loadAt(16 * j - 2);
      lowerCase().splat(0x69).op('i8x16.eq');
      loadAt(16 * j - 1);
      lowerCase().splat(0x6f).op('i8x16.eq');
      f.op('v128.and');
      f.get(vec + j);
      lowerCase().splat(0x74).op('i8x16.eq');
      f.op('v128.and');
    };
    assemble('backslash', equals('backslash'));
    assemble('ctrl', control);
    assemble('tri', iot);

    // ---- escapes: which characters follow an odd run of backslashes
    g('escapeCarry');
    s('escaped');
    g('backslash');
    s('work');
    g('escapeCarry');
    nonZero();
    f.op('if');
    g('work').i64(-2).op('i64.and');
    s('work');
    gi('addr');
    si('at');
    gi('base');
    si('pos');
    checkEscape();
    f.op('end');
    f.i64(0);
    s('escapeCarry');
    f.op('block').op('loop');
    g('work').op('i64.eqz').brIf(1);
    g('work').op('i64.ctz').op('i32.wrap_i64');
    si('bit');
    gi('bit').i32(63).op('i32.eq');
    f.op('if');
    f.i64(1);
    s('escapeCarry');
    f.br(2);
    f.op('end');
    g('escaped').i64(2);
    gi('bit').op('i64.extend_i32_u').op('i64.shl').op('i64.or');
    s('escaped');
    gi('addr');
    gi('bit').op('i32.add').i32(1).op('i32.add');
    si('at');
    gi('base');
    gi('bit').op('i32.add').i32(1).op('i32.add');
    si('pos');
    checkEscape();
    // this backslash and the character it escapes are done
    g('work').i64(3);
    gi('bit').op('i64.extend_i32_u').op('i64.shl');
    notI64();
    f.op('i64.and');
    s('work');
    f.br(0);
    f.op('end').op('end');

  };

  /** The rest of a block's work, for blocks with rare bytes (after the handler) or without. */
  const emitBody = (rare: boolean) => {
    // ---- strings: a prefix-xor of unescaped quotes marks "inside a string" (opening quote
    // included); `escaped`, `backslash` and `ctrl` come from the handler (rare blocks). (Past
    // the end of the input the padding is spaces: no quotes, brackets, colons or commas.)
    if (rare) {
      g('quote');
      g('escaped');
      notI64();
      f.op('i64.and');
      s('quote');
    }
    g('quote');
    s('inString');
    for (const shift of [1, 2, 4, 8, 16, 32]) {
      g('inString', 'inString').i64(shift).op('i64.shl').op('i64.xor');
      s('inString');
    }
    g('inString', 'stringCarry').op('i64.xor');
    s('inString');
    g('inString').i64(63).op('i64.shr_s');
    s('stringCarry');
    g('inString');
    notI64();
    g('valid');
    f.op('i64.and');
    s('outside');
    // raw control characters inside strings, backslashes outside them
    if (rare) {
      g('ctrl', 'inString').op('i64.and');
      g('valid').op('i64.and');
      g('backslash', 'outside').op('i64.and').op('i64.or');
      nonZero();
      fail(SCAN_INVALID);
    }
    g('quote', 'inString').op('i64.and');
    s('opening');
    g('quote', 'outside').op('i64.and');
    s('closing');
    g('brackets', 'outside').op('i64.and');
    s('brackets');
    g('colon', 'outside').op('i64.and');
    s('colon');
    g('comma', 'outside').op('i64.and');
    s('comma');
    // literals, and whatever else stands outside strings
    g('outside');
    g('closing', 'brackets').op('i64.or');
    g('colon').op('i64.or');
    g('comma').op('i64.or');
    f.op('i64.xor');
    s('other');

    // ---- brackets, one at a time: depth, a bit stack of container types (ctx: the innermost
    // one's, 1 for an array), records, and inArray, the container type at each position
    f.i64(0);
    s('openers');
    f.i64(0);
    s('closers');
    f.i64(0);
    gi('ctx').op('i64.extend_i32_u').op('i64.sub');
    s('inArray');
    forEachBit('brackets', () => {
      loadByteAtBit();
      f.i64(1);
      gi('bit').op('i64.extend_i32_u').op('i64.shl');
      s('one');
      gi('c').i32(0xdf).op('i32.and').i32(0x5b).op('i32.eq');
      f.op('if');
      {
        // { or [ (where a value may stand: the grammar below sees to that)
        gi('depth').i32(1).op('i32.add').tee(n.depth).i32(MAX_DEPTH).op('i32.ge_u');
        fail(SCAN_DOUBT);
        gi('c').i32(0x5b).op('i32.eq');
        si('ctx');
        g('stack').i64(1).op('i64.shl');
        gi('ctx').op('i64.extend_i32_u').op('i64.or');
        s('stack');
        g('openers', 'one').op('i64.or');
        s('openers');
        gi('depth').i32(3).op('i32.eq');
        f.op('if');
        gi('base');
        gi('bit').op('i32.add');
        si('recordStart');
        f.op('end');
      }
      f.op('else');
      {
        // } or ] (not Y y _ DEL), inside a container of its type, after an opener (its own:
        // the type check sees to that), a closing quote, } ] or the end of a literal
        gi('c').i32(0xdf).op('i32.and').i32(0x5d).op('i32.ne');
        gi('depth').op('i32.eqz').op('i32.or');
        gi('ctx');
        gi('c').i32(0x5d).op('i32.eq').op('i32.ne').op('i32.or');
        gi('at').i32(1).op('i32.sub').load8().load8(BEFORE_CLOSER).op('i32.eqz').op('i32.or');
        fail(SCAN_INVALID);
        g('stack').i64(1).op('i64.shr_u');
        s('stack');
        g('stack').op('i32.wrap_i64').i32(1).op('i32.and');
        si('ctx');
        g('closers', 'one').op('i64.or');
        s('closers');
        gi('depth').i32(1).op('i32.sub').tee(n.depth).i32(2).op('i32.eq');
        f.op('if');
        gi('recordCount').get(p.recordCap).op('i32.ge_u');
        fail(SCAN_OVERFLOW);
        f.get(p.records);
        gi('recordCount').i32(3).op('i32.shl').op('i32.add');
        gi('recordStart');
        f.store32(0);
        f.get(p.records);
        gi('recordCount').i32(3).op('i32.shl').op('i32.add');
        gi('base');
        gi('bit').op('i32.add');
        f.store32(4);
        gi('recordCount').i32(1).op('i32.add');
        si('recordCount');
        f.op('else');
        // the root closes at the last byte: nothing may follow it (a comma would pass the
        // grammar, which knows no depth)
        gi('depth').op('i32.eqz');
        f.op('if');
        gi('base');
        gi('bit').op('i32.add').i32(1).op('i32.add');
        f.get(p.length).op('i32.ne');
        fail(SCAN_INVALID);
        f.op('end');
        f.op('end');
      }
      f.op('end');
      // the container type is ctx's from the next position on (-2 << bit: the positions
      // after this one; none for bit 63, where the next block starts from ctx)
      g('inArray');
      f.i64(0);
      gi('ctx').op('i64.extend_i32_u').op('i64.sub');
      g('inArray').op('i64.xor');
      f.i64(-2);
      gi('bit').op('i64.extend_i32_u').op('i64.shl').op('i64.and').op('i64.xor');
      s('inArray');
    });

    // ---- the grammar between tokens, as one error mask. The byte before a token outside a
    // string is outside too (or the closing quote of one), an opener, a closer, a closing
    // quote, a colon, a comma or `other` (literals), so "after a value end", "after a
    // colon" and "in an array" tell all a token needs to know of the one before it:
    //   after {          a key (or }, checked above)
    //   after [ : ,      a value, but a key after , in an object (and ] after [, above)
    //   after a value    , } ] and : after a key (a literal's own check: , } ] only)
    // value ends: closing quotes, } ] and literals
    g('closing', 'closers').op('i64.or');
    g('other').op('i64.or');
    s('valueEnds');
    prev('valueEnds', 'pValueEnds');
    s('afterValue');
    // key places: in an object, not after a colon (so after { or ,). The root is a value,
    // as if after a colon before the text (pColon starts so).
    g('inArray');
    prev('colon', 'pColon');
    f.op('i64.or');
    notI64();
    s('keyPlaces');
    // keys: strings opened in key places. Adding a key's first bit to the run of its bits
    // (inString, then the closing quote) carries to the position after it, where its colon
    // must stand, and from bit 63 on to the next block. (Two strings in a row make one run,
    // but a string right after a value is an error anyway.)
    g('inString', 'closing').op('i64.or');
    s('run');
    g('run', 'opening', 'keyPlaces').op('i64.and').op('i64.add');
    s('sum');
    g('sum', 'keyCarry').op('i64.add');
    s('sum2');
    g('sum', 'run').op('i64.lt_u');
    g('sum2', 'sum').op('i64.lt_u');
    f.op('i32.or').op('i64.extend_i32_u');
    s('keyCarry');
    prev('other', 'pOther');
    notI64();
    g('other').op('i64.and');
    s('literalStarts');
    // values other than strings: literals, { and [
    g('literalStarts', 'openers').op('i64.or');
    s('starts');
    // in a key place only a key
    g('starts', 'keyPlaces').op('i64.and');
    // no value right after a value, and a comma only there
    g('starts', 'opening').op('i64.or');
    g('comma').op('i64.or');
    g('afterValue', 'comma').op('i64.xor');
    f.op('i64.and').op('i64.or');
    // every colon follows a key, every key is followed by a colon
    g('colon', 'sum2', 'run');
    notI64();
    f.op('i64.and').op('i64.xor').op('i64.or');
    nonZero();
    fail(SCAN_INVALID);

    // ---- literal tokens, one at a time (a few per record)
    forEachBit('literalStarts', () => {
      loadByteAtBit();
      cIs(0x74);
      f.op('if');
      expectWord('true');
      f.op('else');
      cIs(0x66);
      f.op('if');
      expectWord('false');
      f.op('else');
      cIs(0x6e);
      f.op('if');
      expectWord('null');
      f.op('else');
      cIs(0x2d);
      gi('c').i32(0x30).op('i32.sub').i32(10).op('i32.lt_u').op('i32.or');
      f.op('if');
      {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        cIs(0x2d);
        f.op('if');
        advance();
        f.op('end');
        gi('at').load8().i32(0x30).op('i32.eq');
        f.op('if');
        advance();
        f.op('else');
        digitAt();
        f.op('i32.eqz');
        fail(SCAN_INVALID);
        skipDigits();
        f.op('end');
        gi('at').load8().i32(0x2e).op('i32.eq');
        f.op('if');
        advance();
        digitAt();
        f.op('i32.eqz');
        fail(SCAN_INVALID);
        skipDigits();
        f.op('end');
        gi('at').load8().i32(0x20).op('i32.or').i32(0x65).op('i32.eq');
        f.op('if');
        advance();
        gi('at').load8();
        si('c');
        cIs(0x2b, 0x2d);
        f.op('if');
        advance();
        f.op('end');
        digitAt();
        f.op('i32.eqz');
        fail(SCAN_INVALID);
        skipDigits();
        f.op('end');
      }
      f.op('else');
      isJsonSpace();
      fail(SCAN_DOUBT);
      f.i32(SCAN_INVALID).op('return');
      f.op('end').op('end').op('end').op('end');
      // after a literal: , } or ]
      gi('at').load8();
      si('c');
      cIs(0x2c, 0x7d, 0x5d);
      f.op('i32.eqz');
      f.op('if');
      isJsonSpace();
      fail(SCAN_DOUBT);
      f.i32(SCAN_INVALID).op('return');
      f.op('end');
    });

    // ---- hits
    if (rare) {
      forEachBit('tri', () =>
        pushHit(() => {
          gi('base');
          gi('bit').op('i32.add');
        }),
      );
    }
  };

  // The loop over the blocks.
  f.op('block'); // to the end of the input
  f.op('loop'); // the blocks
  gi('addr');
  gi('end').op('i32.ge_u').brIf(1);
  gi('addr').get(p.input).op('i32.sub');
  si('base');
  // Bits past the end of the input (last block only) are ignored.
  f.i64(-1);
  s('valid');
  gi('end');
  gi('addr').op('i32.sub').i32(64).op('i32.lt_u');
  f.op('if');
  f.i64(1);
  gi('end');
  gi('addr').op('i32.sub').op('i64.extend_i32_u').op('i64.shl').i64(1).op('i64.sub');
  s('valid');
  f.op('end');

  // ---- classify 64 bytes
  for (let j = 0; j < 4; j++) gi('addr').load128(16 * j).set(vec + j);
  assemble('quote', equals('quote'));
  // { } [ ] and also Y y _ DEL, which are rejected below when outside strings
  assemble('brackets', (j) => {
    f.get(vec + j);
    constant('bracketMask').op('v128.and');
    constant('bracketBits').op('i8x16.eq');
  });
  assemble('colon', equals('colon'));
  assemble('comma', equals('comma'));

  // ---- rare bytes: backslashes, control characters (0x20 - byte, saturated, is nonzero
  // below 0x20) and `ot` in any case (a superset of `iot`: the `ot` pairs at even
  // offsets, then at odd ones), tested together. A block with any, or one that starts
  // escaped, goes to the handler, which builds their masks and checks the escapes, then
  // to a copy of the rest that takes them into account; the other blocks' copy has none
  // of that work.
  for (let j = 0; j < 4; j++) {
    equals('backslash')(j);
    constant('space').get(vec + j).op('i8x16.sub_sat_u').op('v128.or');
    f.get(vec + j);
    lowerCase();
    constant('ot').op('i16x8.eq').op('v128.or');
    loadAt(16 * j - 1);
    lowerCase();
    constant('ot').op('i16x8.eq').op('v128.or');
    if (j > 0) f.op('v128.or');
  }
  f.op('v128.any_true');
  g('escapeCarry');
  nonZero();
  f.op('i32.or');
  f.op('if');
  emitHandler();
  emitBody(true);
  f.op('else');
  emitBody(false);
  f.op('end');

  for (const [current, previous] of [
    ['colon', 'pColon'], ['valueEnds', 'pValueEnds'], ['other', 'pOther'],
  ] as const) {
    g(current);
    s(previous);
  }
  gi('addr').i32(64).op('i32.add');
  si('addr');
  f.br(0);
  f.op('end'); // the blocks
  f.op('end'); // to the end of the input

  // ---- end of input: no open string, no open container
  g('stringCarry');
  nonZero();
  fail(SCAN_INVALID);
  gi('depth');
  fail(SCAN_INVALID);
  f.i32(0);
  gi('recordCount');
  f.store32(0);
  f.i32(0);
  gi('hitCount');
  f.store32(4);
  f.i32(SCAN_OK);

  return moduleWithOneFunction({
    name: 'scan',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    results: ['i32'],
    locals: [
      [i32Names.length, 'i32'],
      [i64Names.length, 'i64'],
      [4 + CONSTANT_NAMES.length, 'v128'],
    ],
    body: f,
  });
}

/** Where things sit in the kernel's memory. */
const COUNTS = 0; // recordCount, hitCount
const CONSTANTS_AT = 64; // CONSTANTS, 16 bytes each
const BEFORE_CLOSER = 256; // beforeCloserTable()
const INPUT = 576; // the 64 bytes before it stay zero: "previous bytes" of the first block
const TAIL_PAD = 128; // spaces after the input: reads past the end see a non-token
/** A memory that grew past this for one big file is dropped after it. */
const KEEP_MEMORY_BYTES = 64 * 1024 * 1024;

type ScanFunction = (input: number, length: number, records: number, recordCap: number, hits: number, hitCap: number) => number;

/** The part of the WebAssembly JS API used here (Node's types leave it out without the DOM lib). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
let instance: { memory: WasmMemory; scan: ScanFunction } | null = null;

function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(buildKernel());
    } catch {
      // No WebAssembly SIMD here: every file takes the plain path.
      compiled = null;
    }
  }
  return compiled;
}

function kernelInstance(bytesNeeded: number): { memory: WasmMemory; scan: ScanFunction } | null {
  const module = kernelModule();
  if (module === null) return null;
  if (instance === null) {
    const memory = new wasm.Memory({ initial: 1, maximum: 65536 });
    const exports = new wasm.Instance(module, { env: { memory } }).exports as { scan: ScanFunction };
    const bytes = new Uint8Array(memory.buffer);
    CONSTANT_NAMES.forEach((name, j) => {
      for (let at = 0; at < 16; at++) bytes[CONSTANTS_AT + 16 * j + at] = CONSTANTS[name][at % CONSTANTS[name].length];
    });
    bytes.set(beforeCloserTable(), BEFORE_CLOSER);
    instance = { memory, scan: exports.scan };
  }
  const have = instance.memory.buffer.byteLength;
  if (have < bytesNeeded) instance.memory.grow(Math.ceil((bytesNeeded - have) / 65536));
  return instance;
}

export interface KernelOutput {
  status: number;
  /** Start and end (inclusive) byte offsets of each depth-3 object, flattened. */
  records: Int32Array;
  /** Byte offsets of `iot` (its `t`) and of `u` after a backslash, in no particular order. */
  hits: Int32Array;
}

/**
 * Runs the kernel over `bytes` (any layout; the caller checks the wrapper).
 * Null when WebAssembly SIMD is not available.
 *
 * `records` and `hits` are views of the kernel's memory, valid until the next call on
 * this thread (which overwrites them): read them now, copy what must be kept. Copying
 * them out on every call (two small ArrayBuffers per file) cost each worker ~30 ms per
 * 7,000 files, more than the copy of the text into the kernel's memory.
 */
export function runWasmKernel(bytes: Uint8Array): KernelOutput | null {
  const length = bytes.length;
  // Room for records of >= 32 bytes and a hit every 16 bytes on average: more means a
  // file unlike CloudTrail's, which the plain parser reads instead.
  const recordCap = (length >>> 5) + 64;
  const hitCap = (length >>> 4) + 64;
  const recordsAt = INPUT + ((length + TAIL_PAD + 63) & ~63);
  const hitsAt = recordsAt + recordCap * 8;
  const needed = hitsAt + hitCap * 4;
  if (needed > 0x7fff0000) return { status: SCAN_DOUBT, records: new Int32Array(0), hits: new Int32Array(0) };
  const kernel = kernelInstance(needed);
  if (kernel === null) return null;
  try {
    const memory = new Uint8Array(kernel.memory.buffer);
    memory.fill(0, INPUT - 64, INPUT);
    memory.set(bytes, INPUT);
    memory.fill(0x20, INPUT + length, INPUT + length + TAIL_PAD);
    const status = kernel.scan(INPUT, length, recordsAt, recordCap, hitsAt, hitCap);
    if (status !== SCAN_OK) return { status, records: new Int32Array(0), hits: new Int32Array(0) };
    const counts = new Int32Array(kernel.memory.buffer, COUNTS, 2);
    return {
      status,
      records: new Int32Array(kernel.memory.buffer, recordsAt, counts[0] * 2),
      hits: new Int32Array(kernel.memory.buffer, hitsAt, counts[1]),
    };
  } finally {
    if (kernel.memory.buffer.byteLength > KEEP_MEMORY_BYTES) instance = null;
  }
}
