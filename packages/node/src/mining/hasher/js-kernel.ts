/**
 * Hot loop of the JS scanner: for nonces start .. start+count-1 returns the
 * offset of the first nonce whose digest word H7 passes the target's top limb
 * (a candidate the caller confirms), or -1.
 *
 * The fast kernel is generated source, fully unrolled with the schedule and
 * round state in locals: measured here, that is about twice as fast as the
 * same arithmetic in loops over typed arrays, and writing 120 rounds out by
 * hand would be unreviewable. Where code generation is disallowed
 * (--disallow-code-generation-from-strings) the loop kernel is used instead.
 *
 * Tricks shared by both kernels:
 * - rounds 0..2 of block 2 and schedule words 16, 17 read only nonce-free
 *   header words, so they come precomputed in the parameters;
 * - the second hash stops after round 60: e at that point becomes h after
 *   round 63, i.e. digest word H7, the most significant limb of the
 *   little-endian hash and the one that rejects almost every nonce.
 */
import { IV, K, bswap32, expand } from './sha256-js.js';

export type Kernel = (p: Int32Array, start: number, count: number) => number;

/** Layout of the per-template parameter array p. */
export const P_TAIL = 0; // 3 words: header bytes 64..75
export const P_MID = 3; // 8 words: midstate of header bytes 0..63
export const P_PRE = 11; // 8 words: state after rounds 0..2 of block 2
export const P_W16 = 19; // schedule words 16 and 17 of block 2
export const P_T7 = 21; // target limb 7
export const P_SIZE = 22;

const rotr = (x: string, n: number): string => `((${x}>>>${n})|(${x}<<${32 - n}))`;
const bswapSrc = (x: string): string => `((${x}<<24)|((${x}&0xff00)<<8)|((${x}>>>8)&0xff00)|(${x}>>>24))`;

function scheduleSrc(w: string, t: number): string {
  const y = `${w}${t - 2}`;
  const x = `${w}${t - 15}`;
  return `${w}${t}=((${rotr(y, 17)}^${rotr(y, 19)}^(${y}>>>10))+${w}${t - 7}+(${rotr(x, 7)}^${rotr(x, 18)}^(${x}>>>3))+${w}${t - 16})|0;\n`;
}

/** Rounds [from, to) with rotating variable roles; returns the source and the final variable of each role. */
function roundsSrc(w: string, from: number, to: number): { src: string; role: (i: number) => string } {
  const v = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const role = (i: number, r: number): string => v[(((i - r) % 8) + 8) % 8]!;
  let src = '';
  for (let t = from; t < to; t++) {
    const r = t - from;
    const [a, b, c, d, e, f, g, h] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => role(i, r)) as [
      string, string, string, string, string, string, string, string,
    ];
    src += `t1=(${h}+(${rotr(e, 6)}^${rotr(e, 11)}^${rotr(e, 25)})+(${g}^(${e}&(${f}^${g})))+${K[t]!}+${w}${t})|0;`;
    src += `${d}=(${d}+t1)|0;${h}=(t1+(${rotr(a, 2)}^${rotr(a, 13)}^${rotr(a, 22)})+((${a}&${b})|(${c}&(${a}|${b}))))|0;\n`;
  }
  return { src, role: (i) => role(i, to - from) };
}

function generatedSource(): string {
  const list = (f: (i: number) => string, from: number, to: number): string =>
    Array.from({ length: to - from }, (_, k) => f(from + k)).join(',');
  let s = 'let a,b,c,d,e,f,g,h,t1;\n';
  s += `const x0=p[${P_TAIL}],x1=p[${P_TAIL + 1}],x2=p[${P_TAIL + 2}],x4=${0x80000000 | 0},x15=640;\n`;
  s += `const ${list((i) => `x${i}=0`, 5, 15)};\n`;
  s += `const x16=p[${P_W16}],x17=p[${P_W16 + 1}],T7=p[${P_T7}]>>>0;\n`;
  s += `const ${list((i) => `M${i}=p[${P_MID + i}]`, 0, 8)};\n`;
  s += `const ${list((i) => `S${i}=p[${P_PRE + i}]`, 0, 8)};\n`;
  s += `const y8=${0x80000000 | 0},y15=256,${list((i) => `y${i}=0`, 9, 15)};\n`;
  s += `let x3,${list((i) => `x${i}`, 18, 64)},${list((i) => `y${i}`, 0, 8)},${list((i) => `y${i}`, 16, 61)};\n`;
  s += 'for(let i=0;i<count;i++){\nconst nonce=(start+i)>>>0;\n';
  s += `x3=${bswapSrc('nonce')};\n`;
  for (let t = 18; t < 64; t++) s += scheduleSrc('x', t);
  s += ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((v, i) => `${v}=S${i};`).join('') + '\n';
  const first = roundsSrc('x', 3, 64);
  s += first.src;
  s += list((i) => `y${i}=(M${i}+${first.role(i)})|0`, 0, 8) + ';\n';
  for (let t = 16; t < 61; t++) s += scheduleSrc('y', t);
  s += ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((v, i) => `${v}=${IV[i]!};`).join('') + '\n';
  const second = roundsSrc('y', 0, 61);
  s += second.src;
  s += `const h7=(${IV[7]!}+${second.role(4)})|0;\n`;
  s += `if((${bswapSrc('h7')}>>>0)<=T7)return i;\n}\nreturn -1;\n`;
  return s;
}

/** Same contract as the generated kernel, in loops; each call of the factory owns its buffers. */
export function createLoopKernel(): Kernel {
  const w1 = new Int32Array(64);
  const w2 = new Int32Array(64);
  return (p, start, count) => {
    w1.fill(0);
    w1[0] = p[P_TAIL]!; w1[1] = p[P_TAIL + 1]!; w1[2] = p[P_TAIL + 2]!;
    w1[4] = 0x80000000 | 0; w1[15] = 640;
    w1[16] = p[P_W16]!; w1[17] = p[P_W16 + 1]!;
    w2.fill(0);
    w2[8] = 0x80000000 | 0; w2[15] = 256;
    const t7 = p[P_T7]! >>> 0;
    const s0 = p[P_PRE]!, s1 = p[P_PRE + 1]!, s2 = p[P_PRE + 2]!, s3 = p[P_PRE + 3]!;
    const s4 = p[P_PRE + 4]!, s5 = p[P_PRE + 5]!, s6 = p[P_PRE + 6]!, s7 = p[P_PRE + 7]!;
    const m0 = p[P_MID]!, m1 = p[P_MID + 1]!, m2 = p[P_MID + 2]!, m3 = p[P_MID + 3]!;
    const m4 = p[P_MID + 4]!, m5 = p[P_MID + 5]!, m6 = p[P_MID + 6]!, m7 = p[P_MID + 7]!;
    for (let i = 0; i < count; i++) {
      w1[3] = bswap32((start + i) >>> 0);
      expand(w1, 18, 64);
      let a = s0, b = s1, c = s2, d = s3, e = s4, f = s5, g = s6, h = s7;
      for (let t = 3; t < 64; t++) {
        const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
          + (g ^ (e & (f ^ g))) + K[t]! + w1[t]!) | 0;
        const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))
          + ((a & b) | (c & (a | b)))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      w2[0] = (m0 + a) | 0; w2[1] = (m1 + b) | 0; w2[2] = (m2 + c) | 0; w2[3] = (m3 + d) | 0;
      w2[4] = (m4 + e) | 0; w2[5] = (m5 + f) | 0; w2[6] = (m6 + g) | 0; w2[7] = (m7 + h) | 0;
      expand(w2, 16, 61);
      a = IV[0]!; b = IV[1]!; c = IV[2]!; d = IV[3]!;
      e = IV[4]!; f = IV[5]!; g = IV[6]!; h = IV[7]!;
      for (let t = 0; t < 61; t++) {
        const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))
          + (g ^ (e & (f ^ g))) + K[t]! + w2[t]!) | 0;
        const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))
          + ((a & b) | (c & (a | b)))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0;
        d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      if (bswap32((IV[7]! + e) | 0) >>> 0 <= t7) return i;
    }
    return -1;
  };
}

/** The unrolled kernel, or null where the runtime refuses to compile generated code. */
export function createUnrolledKernel(): Kernel | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the file comment
    return new Function('p', 'start', 'count', generatedSource()) as Kernel;
  } catch {
    return null;
  }
}
