/**
 * Bitcoin's compact "nBits" target encoding: a base-256 floating point number,
 * 1 byte exponent and a 3-byte mantissa whose top bit is a sign bit.
 * Mirrors arith_uint256::SetCompact/GetCompact including the negative and
 * overflow flags, so targets agree bit-for-bit with Bitcoin.
 */
export interface DecodedCompact {
  target: bigint;
  negative: boolean;
  overflow: boolean;
}

export function decodeCompact(bits: number): DecodedCompact {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = BigInt(word) << BigInt(8 * (size - 3));
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow =
    word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

function byteLength(n: bigint): number {
  let len = 0;
  while (n > 0n) {
    n >>= 8n;
    len++;
  }
  return len;
}

export function encodeCompact(target: bigint, negative = false): number {
  if (target < 0n) throw new RangeError('target must be non-negative');
  let size = byteLength(target);
  let compact: number;
  if (size <= 3) {
    compact = Number(target) << (8 * (3 - size));
  } else {
    compact = Number(target >> BigInt(8 * (size - 3)));
  }
  // The mantissa's top bit is the sign bit: shift it out and grow the exponent.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  compact |= size << 24;
  if (negative && (compact & 0x007fffff) !== 0) compact |= 0x00800000;
  return compact >>> 0;
}
