/**
 * Just enough of the WebAssembly binary format to write one function by hand: the
 * scan kernel (`scan-kernel.ts`) is built from readable instruction calls at load
 * time, so the repository holds source, not an opaque binary.
 *
 * Reference: the WebAssembly core specification, binary format (section 5), and
 * the fixed-width SIMD proposal's opcode table.
 */

const OPCODES = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  return: [0x0f],
  select: [0x1b],
  'i32.eqz': [0x45],
  'i32.eq': [0x46],
  'i32.ne': [0x47],
  'i32.lt_u': [0x49],
  'i32.gt_u': [0x4b],
  'i32.ge_s': [0x4e],
  'i32.ge_u': [0x4f],
  'i64.eqz': [0x50],
  'i64.lt_u': [0x54],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.and': [0x71],
  'i32.or': [0x72],
  'i32.xor': [0x73],
  'i32.shl': [0x74],
  'i32.shr_u': [0x76],
  'i64.ctz': [0x7a],
  'i64.add': [0x7c],
  'i64.sub': [0x7d],
  'i64.and': [0x83],
  'i64.or': [0x84],
  'i64.xor': [0x85],
  'i64.shl': [0x86],
  'i64.shr_s': [0x87],
  'i64.shr_u': [0x88],
  'i32.wrap_i64': [0xa7],
  'i64.extend_i32_u': [0xad],
  'i8x16.splat': [0xfd, 0x0f],
  'i8x16.eq': [0xfd, 0x23],
  'i8x16.lt_u': [0xfd, 0x26],
  'v128.and': [0xfd, 0x4e],
  'v128.or': [0xfd, 0x50],
  'v128.any_true': [0xfd, 0x53],
  'i8x16.bitmask': [0xfd, 0x64],
  'i8x16.sub_sat_u': [0xfd, 0x73],
  'i16x8.eq': [0xfd, 0x2d],
} as const;

export type Opcode = keyof typeof OPCODES;
export type ValueType = 'i32' | 'i64' | 'v128';

const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e, v128: 0x7b };

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let n = value >>> 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function signedLeb(value: bigint): number[] {
  const out: number[] = [];
  let n = value;
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A function body under construction; every method appends and returns `this`. */
export class FunctionBody {
  readonly code: number[] = [];

  op(name: Opcode): this {
    this.code.push(...OPCODES[name]);
    return this;
  }
  get(local: number): this {
    this.code.push(0x20, ...unsignedLeb(local));
    return this;
  }
  set(local: number): this {
    this.code.push(0x21, ...unsignedLeb(local));
    return this;
  }
  tee(local: number): this {
    this.code.push(0x22, ...unsignedLeb(local));
    return this;
  }
  i32(value: number): this {
    this.code.push(0x41, ...signedLeb(BigInt(value)));
    return this;
  }
  i64(value: number | bigint): this {
    this.code.push(0x42, ...signedLeb(BigInt(value)));
    return this;
  }
  br(depth: number): this {
    this.code.push(0x0c, ...unsignedLeb(depth));
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d, ...unsignedLeb(depth));
    return this;
  }
  /** i32.load8_u with a constant offset. */
  load8(offset = 0): this {
    this.code.push(0x2d, 0, ...unsignedLeb(offset));
    return this;
  }
  /** i32.store (4-byte aligned hint) with a constant offset. */
  store32(offset = 0): this {
    this.code.push(0x36, 2, ...unsignedLeb(offset));
    return this;
  }
  /** v128.load (unaligned) with a constant offset. */
  load128(offset = 0): this {
    this.code.push(0xfd, 0x00, 0, ...unsignedLeb(offset));
    return this;
  }
  /** A vector of sixteen copies of `byte`. */
  splat(byte: number): this {
    return this.i32(byte).op('i8x16.splat');
  }
}

export interface FunctionSpec {
  name: string;
  params: ValueType[];
  results: ValueType[];
  /** Extra locals after the parameters, in groups. */
  locals: [count: number, type: ValueType][];
  body: FunctionBody;
}

/**
 * A module with one exported function that uses memory imported as `env.memory`
 * (the caller owns the memory, so it can copy input in and read results out).
 */
export function moduleWithOneFunction(fn: FunctionSpec): Uint8Array {
  const bytesOf = (text: string) => [...Buffer.from(text, 'utf8')];
  const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
  const name = (text: string) => vector(bytesOf(text).map((b) => [b]));
  const section = (id: number, content: number[]) => [id, ...unsignedLeb(content.length), ...content];

  const type = section(1, vector([[0x60, ...vector(fn.params.map((t) => [VALUE_TYPE[t]])), ...vector(fn.results.map((t) => [VALUE_TYPE[t]]))]]));
  const imports = section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb(1)]]));
  const functions = section(3, vector([[0]]));
  const exports = section(7, vector([[...name(fn.name), 0x00, 0]]));
  const body = [...vector(fn.locals.map(([count, t]) => [...unsignedLeb(count), VALUE_TYPE[t]])), ...fn.body.code, 0x0b];
  const code = section(10, vector([[...unsignedLeb(body.length), ...body]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...functions, ...exports, ...code]);
}
