/**
 * SipHash-2-4 (Aumasson and Bernstein), the keyed hash BIP152 uses for short
 * transaction ids. @noble/hashes has none, and BigInt arithmetic is ~50× too
 * slow to hash a whole mempool per compact block, so each 64-bit word is kept
 * as two unsigned 32-bit halves. Between rounds the state lives in a typed
 * array, V = [v0h, v0l, v1h, v1l, v2h, v2l, v3h, v3l] (no allocation per
 * call); the rounds run on locals. Top-level `let` bindings of an ES module
 * cost V8 a context load and a hole check on every access, which made each
 * short id ~8× slower.
 */

const V = new Uint32Array(8);

function rounds(n: number): void {
  let v0h = V[0]!, v0l = V[1]!, v1h = V[2]!, v1l = V[3]!, v2h = V[4]!, v2l = V[5]!, v3h = V[6]!, v3l = V[7]!;
  let lo: number, hi: number;
  for (let r = 0; r < n; r++) {
    // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    lo = (v0l + v1l) >>> 0;
    v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    hi = ((v1h << 13) | (v1l >>> 19)) >>> 0;
    lo = ((v1l << 13) | (v1h >>> 19)) >>> 0;
    v1h = (hi ^ v0h) >>> 0;
    v1l = (lo ^ v0l) >>> 0;
    hi = v0h;
    v0h = v0l;
    v0l = hi;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    lo = (v2l + v3l) >>> 0;
    v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    hi = ((v3h << 16) | (v3l >>> 16)) >>> 0;
    lo = ((v3l << 16) | (v3h >>> 16)) >>> 0;
    v3h = (hi ^ v2h) >>> 0;
    v3l = (lo ^ v2l) >>> 0;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    lo = (v0l + v3l) >>> 0;
    v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    hi = ((v3h << 21) | (v3l >>> 11)) >>> 0;
    lo = ((v3l << 21) | (v3h >>> 11)) >>> 0;
    v3h = (hi ^ v0h) >>> 0;
    v3l = (lo ^ v0l) >>> 0;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    lo = (v2l + v1l) >>> 0;
    v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    hi = ((v1h << 17) | (v1l >>> 15)) >>> 0;
    lo = ((v1l << 17) | (v1h >>> 15)) >>> 0;
    v1h = (hi ^ v2h) >>> 0;
    v1l = (lo ^ v2l) >>> 0;
    hi = v2h;
    v2h = v2l;
    v2l = hi;
  }
  V[0] = v0h;
  V[1] = v0l;
  V[2] = v1h;
  V[3] = v1l;
  V[4] = v2h;
  V[5] = v2l;
  V[6] = v3h;
  V[7] = v3l;
}

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function compress(mh: number, ml: number): void {
  V[6] = V[6]! ^ mh;
  V[7] = V[7]! ^ ml;
  rounds(2);
  V[0] = V[0]! ^ mh;
  V[1] = V[1]! ^ ml;
}

/** A 128-bit SipHash key as its two little-endian 64-bit halves, each split in 32-bit words. */
export interface SipKey {
  k0h: number;
  k0l: number;
  k1h: number;
  k1l: number;
}

export function sipKey(key: Uint8Array): SipKey {
  if (key.length !== 16) throw new RangeError('SipHash key must be 16 bytes');
  return { k0l: le32(key, 0), k0h: le32(key, 4), k1l: le32(key, 8), k1h: le32(key, 12) };
}

/** SipHash-2-4 of `msg`; the 64-bit result as [high, low] 32-bit words. */
export function siphash24(key: SipKey, msg: Uint8Array): [number, number] {
  V[0] = key.k0h ^ 0x736f6d65;
  V[1] = key.k0l ^ 0x70736575;
  V[2] = key.k1h ^ 0x646f7261;
  V[3] = key.k1l ^ 0x6e646f6d;
  V[4] = key.k0h ^ 0x6c796765;
  V[5] = key.k0l ^ 0x6e657261;
  V[6] = key.k1h ^ 0x74656462;
  V[7] = key.k1l ^ 0x79746573;
  const len = msg.length;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) compress(le32(msg, i + 4), le32(msg, i));
  // The last word: remaining bytes little-endian, the length (mod 256) in the top byte.
  const tail = new Uint8Array(8);
  tail.set(msg.subarray(full));
  tail[7] = len & 0xff;
  compress(le32(tail, 4), le32(tail, 0));
  V[5] = V[5]! ^ 0xff;
  rounds(4);
  return [(V[0]! ^ V[2]! ^ V[4]! ^ V[6]!) >>> 0, (V[1]! ^ V[3]! ^ V[5]! ^ V[7]!) >>> 0];
}
