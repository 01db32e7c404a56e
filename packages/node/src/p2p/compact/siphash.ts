/**
 * SipHash-2-4 (Aumasson and Bernstein), the keyed hash BIP152 uses for short
 * transaction ids. @noble/hashes has none, and BigInt arithmetic is ~50× too
 * slow to hash a whole mempool per compact block, so each 64-bit word is kept
 * as two unsigned 32-bit halves in module state (no allocation per call).
 */

let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0;

function round(): void {
  let lo: number, hi: number;
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

function le32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function compress(mh: number, ml: number): void {
  v3h = (v3h ^ mh) >>> 0;
  v3l = (v3l ^ ml) >>> 0;
  round();
  round();
  v0h = (v0h ^ mh) >>> 0;
  v0l = (v0l ^ ml) >>> 0;
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
  v0h = (key.k0h ^ 0x736f6d65) >>> 0;
  v0l = (key.k0l ^ 0x70736575) >>> 0;
  v1h = (key.k1h ^ 0x646f7261) >>> 0;
  v1l = (key.k1l ^ 0x6e646f6d) >>> 0;
  v2h = (key.k0h ^ 0x6c796765) >>> 0;
  v2l = (key.k0l ^ 0x6e657261) >>> 0;
  v3h = (key.k1h ^ 0x74656462) >>> 0;
  v3l = (key.k1l ^ 0x79746573) >>> 0;
  const len = msg.length;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) compress(le32(msg, i + 4), le32(msg, i));
  // The last word: remaining bytes little-endian, the length (mod 256) in the top byte.
  const tail = new Uint8Array(8);
  tail.set(msg.subarray(full));
  tail[7] = len & 0xff;
  compress(le32(tail, 4), le32(tail, 0));
  v2l = (v2l ^ 0xff) >>> 0;
  round();
  round();
  round();
  round();
  return [(v0h ^ v1h ^ v2h ^ v3h) >>> 0, (v0l ^ v1l ^ v2l ^ v3l) >>> 0];
}
