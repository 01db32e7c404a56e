/**
 * WebAssembly SIMD version of the JS kernel (js-kernel.ts): the same arithmetic
 * and shortcuts (precomputed first rounds of block 2, the second hash stopped
 * after round 60 at digest word H7), on four nonces at once in i32x4 lanes.
 *
 * The module is assembled here, from this file, into wasm bytes at load time:
 * no toolchain is needed to build it and nothing binary is checked in. The
 * generator unrolls all rounds with the state and schedule in v128 locals,
 * folds known-zero and constant schedule words, and uses v128.bitselect for
 * SHA-256's Ch and Maj. Returns null where the runtime lacks WebAssembly SIMD
 * (the caller then keeps the plain JS kernel).
 */
import { IV, K } from './sha256-js.js';
import { P_MID, P_PRE, P_T7, P_TAIL, P_W16, type Kernel } from './js-kernel.js';
import { uleb128 } from '../../util/leb128.js';

// Instruction bytes (WebAssembly core + SIMD proposal).
const OP = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, i32Load: 0x28, i32Const: 0x41,
  i32GeU: 0x4f, i32LtU: 0x49, i32Add: 0x6a, i32And: 0x71, void: 0x40, i32: 0x7f, v128: 0x7b,
} as const;
const SIMD = {
  const: 0x0c, shuffle: 0x0d, splat: 0x11, extractLane: 0x1b, leU: 0x3e,
  and: 0x4e, or: 0x50, xor: 0x51, bitselect: 0x52, anyTrue: 0x53,
  shl: 0xab, shrU: 0xad, add: 0xae,
} as const;

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A schedule word: a v128 local, or a value known when generating (the same in all lanes). */
type Word = { local: number } | { value: number };

class Body {
  readonly code: number[] = [];
  private nextLocal = 3; // 0 start, 1 count (params), 2 i (i32)

  v128Local(): number {
    return this.nextLocal++;
  }

  get v128Count(): number {
    return this.nextLocal - 3;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(op: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb128(op), ...imm);
  }

  get(l: number): this {
    return this.op(OP.localGet, ...uleb128(l));
  }

  set(l: number): this {
    return this.op(OP.localSet, ...uleb128(l));
  }

  tee(l: number): this {
    return this.op(OP.localTee, ...uleb128(l));
  }

  i32(n: number): this {
    return this.op(OP.i32Const, ...sleb(n | 0));
  }

  splatConst(n: number): this {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    for (let i = 0; i < 4; i++) v.setInt32(4 * i, n, true);
    return this.simd(SIMD.const, ...b);
  }

  word(w: Word): this {
    return 'local' in w ? this.get(w.local) : this.splatConst(w.value);
  }

  rotr(l: number, n: number): this {
    return this.get(l).i32(n).simd(SIMD.shrU).get(l).i32(32 - n).simd(SIMD.shl).simd(SIMD.or);
  }

  /** rotr(x,a) ^ rotr(x,b) ^ (rotr or shr)(x,c). */
  sigma(l: number, a: number, b: number, c: number, lastIsShift: boolean): this {
    this.rotr(l, a).rotr(l, b).simd(SIMD.xor);
    if (lastIsShift) this.get(l).i32(c).simd(SIMD.shrU);
    else this.rotr(l, c);
    return this.simd(SIMD.xor);
  }
}

const rotr32 = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
const sigma0 = (x: number): number => rotr32(x, 7) ^ rotr32(x, 18) ^ (x >>> 3);
const sigma1 = (x: number): number => rotr32(x, 17) ^ rotr32(x, 19) ^ (x >>> 10);

/** w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16]; terms known when generating are folded into one constant. */
function schedule(body: Body, w: Word[], t: number): void {
  let constant = 0;
  let terms = 0;
  const add = () => {
    if (++terms > 1) body.simd(SIMD.add);
  };
  const term = (x: Word, sigma: ((v: number) => number) | undefined, rot: [number, number, number] | undefined) => {
    if ('value' in x) {
      constant = (constant + (sigma ? sigma(x.value) : x.value)) | 0;
      return;
    }
    if (rot) body.sigma(x.local, rot[0], rot[1], rot[2], true);
    else body.get(x.local);
    add();
  };
  term(w[t - 2]!, sigma1, [17, 19, 10]);
  term(w[t - 7]!, undefined, undefined);
  term(w[t - 15]!, sigma0, [7, 18, 3]);
  term(w[t - 16]!, undefined, undefined);
  if (terms === 0) {
    w[t] = { value: constant };
    return;
  }
  if (constant !== 0) body.splatConst(constant).simd(SIMD.add);
  const l = body.v128Local();
  body.set(l);
  w[t] = { local: l };
}

/** Rounds [from, to) on state locals s (rotating roles, as the JS generator does); returns the final roles. */
function rounds(body: Body, s: number[], w: Word[], from: number, to: number, t1: number): number[] {
  const role = (i: number, r: number): number => s[(((i - r) % 8) + 8) % 8]!;
  for (let t = from; t < to; t++) {
    const r = t - from;
    const [a, b, c, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => role(i, r)) as [
      number, number, number, number, number, number, number, number,
    ];
    const wt = w[t]!;
    body.get(h).sigma(e, 6, 11, 25, false).simd(SIMD.add);
    body.get(f).get(g).get(e).simd(SIMD.bitselect).simd(SIMD.add);
    if ('value' in wt) body.splatConst((K[t]! + wt.value) | 0).simd(SIMD.add);
    else body.splatConst(K[t]!).simd(SIMD.add).get(wt.local).simd(SIMD.add);
    body.tee(t1).get(d).simd(SIMD.add).set(d);
    body.get(t1).sigma(a, 2, 13, 22, false).simd(SIMD.add);
    // Maj(a, b, c): where a and b differ, c decides.
    body.get(c).get(a).get(a).get(b).simd(SIMD.xor).simd(SIMD.bitselect).simd(SIMD.add).set(h);
  }
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => role(i, to - from));
}

function loadSplat(body: Body, word: number): number {
  const l = body.v128Local();
  body.i32(0).op(OP.i32Load, 2, ...uleb128(word * 4)).simd(SIMD.splat).set(l);
  return l;
}

const BSWAP_LANES = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];

/** The function body of scan(start, count) -> first candidate offset or -1, with p in memory at 0. */
function kernelBody(): { code: number[]; v128Locals: number } {
  const body = new Body();
  const START = 0;
  const COUNT = 1;
  const I = 2;
  const tail = [0, 1, 2].map((k) => loadSplat(body, P_TAIL + k));
  const w16 = [0, 1].map((k) => loadSplat(body, P_W16 + k));
  const mid = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => loadSplat(body, P_MID + k));
  const pre = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => loadSplat(body, P_PRE + k));
  const t7 = loadSplat(body, P_T7);
  const state = [0, 1, 2, 3, 4, 5, 6, 7].map(() => body.v128Local());
  const t1 = body.v128Local();
  const x3 = body.v128Local();
  const h7 = body.v128Local();
  const laneOffsets = new Uint8Array(16);
  for (let i = 0; i < 4; i++) new DataView(laneOffsets.buffer).setInt32(4 * i, i, true);

  body.op(OP.block, OP.void, OP.loop, OP.void);
  body.get(I).get(COUNT).op(OP.i32GeU, OP.brIf, 1);
  // Lane k hashes nonce start+i+k; the header holds it little-endian, the schedule reads big-endian words.
  body.get(START).get(I).op(OP.i32Add).simd(SIMD.splat).simd(SIMD.const, ...laneOffsets).simd(SIMD.add);
  body.tee(x3).get(x3).simd(SIMD.shuffle, ...BSWAP_LANES).set(x3);

  // Block 2 of the first hash: tail words, nonce, padding, length 640 bits.
  const x: Word[] = [];
  x[0] = { local: tail[0]! };
  x[1] = { local: tail[1]! };
  x[2] = { local: tail[2]! };
  x[3] = { local: x3 };
  x[4] = { value: 0x80000000 | 0 };
  for (let t = 5; t < 15; t++) x[t] = { value: 0 };
  x[15] = { value: 640 };
  x[16] = { local: w16[0]! };
  x[17] = { local: w16[1]! };
  for (let t = 18; t < 64; t++) schedule(body, x, t);
  state.forEach((l, k) => body.get(pre[k]!).set(l));
  const first = rounds(body, state, x, 3, 64, t1);

  // Second hash: the 32-byte digest, padding, length 256 bits.
  const y: Word[] = [];
  for (let k = 0; k < 8; k++) {
    const l = body.v128Local();
    body.get(mid[k]!).get(first[k]!).simd(SIMD.add).set(l);
    y[k] = { local: l };
  }
  y[8] = { value: 0x80000000 | 0 };
  for (let t = 9; t < 15; t++) y[t] = { value: 0 };
  y[15] = { value: 256 };
  for (let t = 16; t < 61; t++) schedule(body, y, t);
  state.forEach((l, k) => body.splatConst(IV[k]!).set(l));
  const second = rounds(body, state, y, 0, 61, t1);
  body.get(second[4]!).splatConst(IV[7]!).simd(SIMD.add).tee(h7).get(h7).simd(SIMD.shuffle, ...BSWAP_LANES);
  body.get(t7).simd(SIMD.leU).tee(h7).simd(SIMD.anyTrue);
  body.op(OP.if, OP.void);
  for (let k = 0; k < 4; k++) {
    // The first lane that passes and lies inside the range.
    body.get(h7).simd(SIMD.extractLane, k);
    body.get(I).i32(k).op(OP.i32Add).get(COUNT).op(OP.i32LtU, OP.i32And);
    body.op(OP.if, OP.void).get(I).i32(k).op(OP.i32Add, OP.return, OP.end);
  }
  body.op(OP.end);
  body.get(I).i32(4).op(OP.i32Add).set(I);
  body.op(OP.br, 0, OP.end, OP.end);
  body.i32(-1);
  body.op(OP.end);
  return { code: body.code, v128Locals: body.v128Count };
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb128(content.length), ...content];
}

const name = (s: string): number[] => [...uleb128(s.length), ...new TextEncoder().encode(s)];

/** The module: one memory page (exported as "mem", p at offset 0) and scan(start, count). */
export function wasmKernelBytes(): Uint8Array<ArrayBuffer> {
  const { code, v128Locals } = kernelBody();
  const locals = [2, ...uleb128(1), OP.i32, ...uleb128(v128Locals), OP.v128];
  const fn = [...locals, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, OP.i32, OP.i32, 1, OP.i32]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('scan'), 0, 0, ...name('mem'), 2, 0]),
    ...section(10, [1, ...uleb128(fn.length), ...fn]),
  ]);
}

/** The SIMD kernel, or null where WebAssembly SIMD is unavailable. Each call owns its module instance. */
export function createWasmSimdKernel(): Kernel | null {
  try {
    const bytes = wasmKernelBytes();
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const scan = instance.exports['scan'] as (start: number, count: number) => number;
    const mem = new Int32Array((instance.exports['mem'] as WebAssembly.Memory).buffer, 0, 32);
    return (p, start, count) => {
      mem.set(p);
      return scan(start | 0, count | 0);
    };
  } catch {
    return null;
  }
}
