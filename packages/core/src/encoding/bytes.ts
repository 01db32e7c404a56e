import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { concatBytes, utf8ToBytes };

/** Each byte's two lowercase hex digits' char codes, laid out in memory high digit first on either byte order. */
const HEX_PAIR = new Uint16Array(256);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
for (let i = 0; i < 256; i++) {
  const digit = (d: number) => (d < 10 ? 0x30 + d : 0x57 + d);
  const [hi, lo] = [digit(i >> 4), digit(i & 15)];
  HEX_PAIR[i] = LITTLE_ENDIAN ? hi | (lo << 8) : (hi << 8) | lo;
}
// Every platform core runs on has it; core's ES2022 lib does not declare it (as in consensus/contracts.ts).
declare const TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string };
const latin1 = new TextDecoder('latin1');
const scratch = new Uint16Array(64);

/**
 * Lowercase hex. Account and transaction ids are map keys everywhere, thousands per block:
 * one native decode of the digits' char codes gives a flat string, where concatenating
 * pairs (as @noble/hashes does) builds a rope the map must flatten before hashing it;
 * about half the time per key and insertion.
 */
export function bytesToHex(bytes: Uint8Array): string {
  return hexOf(bytes, false);
}

function hexOf(bytes: Uint8Array, reversed: boolean): string {
  const n = bytes.length;
  const out = n <= scratch.length ? scratch : new Uint16Array(n);
  if (reversed) for (let i = 0; i < n; i++) out[i] = HEX_PAIR[bytes[n - 1 - i]!]!;
  else for (let i = 0; i < n; i++) out[i] = HEX_PAIR[bytes[i]!]!;
  return latin1.decode(new Uint8Array(out.buffer, 0, 2 * n));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Value of each hex digit's char code, -1 for any other character (code 0–127). */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_DIGIT[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_DIGIT[0x41 + i] = 10 + i;
  HEX_DIGIT[0x61 + i] = 10 + i;
}

/**
 * Strict hex decoding: rejects odd length and non-hex characters with a clear message.
 * A table walk instead of a regex test plus a second pass: the node decodes every
 * account key of every block it connects.
 */
export function hexToBytes(hex: string): Uint8Array {
  const start = hex.length >= 2 && hex.charCodeAt(0) === 0x30 && (hex.charCodeAt(1) | 0x20) === 0x78 ? 2 : 0;
  const n = hex.length - start;
  if (n % 2 !== 0) throw new Error('invalid hex string');
  const out = new Uint8Array(n / 2);
  for (let i = 0, j = start; i < out.length; i++, j += 2) {
    const c1 = hex.charCodeAt(j);
    const c2 = hex.charCodeAt(j + 1);
    const hi = c1 < 128 ? HEX_DIGIT[c1]! : -1;
    const lo = c2 < 128 ? HEX_DIGIT[c2]! : -1;
    if (hi < 0 || lo < 0) throw new Error('invalid hex string');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function reverseBytes(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[b.length - 1 - i]!;
  return out;
}

/** Bitcoin displays hashes byte-reversed (as a big-endian number). */
export function hashToHex(hash: Uint8Array): string {
  return hexOf(hash, true);
}

export function hexToHash(hex: string): Uint8Array {
  const b = hexToBytes(hex);
  if (b.length !== 32) throw new Error('hash must be 32 bytes');
  return reverseBytes(b);
}

/** Interprets bytes as an unsigned little-endian integer. */
export function bytesToBigIntLE(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

export function bigIntToBytesLE(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new Error('integer does not fit');
  return out;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
