import { bytesToBigIntLE } from '../encoding/bytes.js';
import { decodeCompact } from './compact.js';

const TWO_256 = 1n << 256n;

/** Target from bits, or null when the encoding is negative, zero, overflowing or above the limit. */
export function targetFromBits(bits: number, powLimit: bigint): bigint | null {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n || target > powLimit) return null;
  return target;
}

/** The block hash, read as a little-endian 256-bit integer, must not exceed the target. */
export function hashMeetsTarget(hash: Uint8Array, target: bigint): boolean {
  return bytesToBigIntLE(hash) <= target;
}

/** Expected number of hashes to find a block at this target: 2^256 / (target + 1). */
export function workFromTarget(target: bigint): bigint {
  return TWO_256 / (target + 1n);
}

export function workFromBits(bits: number): bigint {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n) return 0n;
  return workFromTarget(target);
}

/** Difficulty relative to Bitcoin's difficulty-1 target, as miners and explorers show it. */
export function difficultyFromBits(bits: number): number {
  const { target } = decodeCompact(bits);
  if (target === 0n) return 0;
  // Both fit a double's exponent range; the ratio only needs display precision.
  return Number(0xffffn << 208n) / Number(target);
}
