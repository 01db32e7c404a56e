import { describe, it, expect } from 'vitest';
import { decodeCompact, encodeCompact } from './compact.js';

// Vectors from Bitcoin Core src/test/arith_uint256_tests.cpp (bignum_SetCompact).
// [bits, target, GetCompact(negative) result, negative, overflow]
const VECTORS: Array<[number, bigint, number, boolean, boolean]> = [
  [0x00000000, 0n, 0, false, false],
  [0x00123456, 0n, 0, false, false],
  [0x01003456, 0n, 0, false, false],
  [0x02000056, 0n, 0, false, false],
  [0x03000000, 0n, 0, false, false],
  [0x04000000, 0n, 0, false, false],
  [0x00923456, 0n, 0, false, false],
  [0x01803456, 0n, 0, false, false],
  [0x02800056, 0n, 0, false, false],
  [0x03800000, 0n, 0, false, false],
  [0x04800000, 0n, 0, false, false],
  [0x01123456, 0x12n, 0x01120000, false, false],
  [0x01fedcba, 0x7en, 0x01fe0000, true, false],
  [0x02123456, 0x1234n, 0x02123400, false, false],
  [0x03123456, 0x123456n, 0x03123456, false, false],
  [0x04123456, 0x12345600n, 0x04123456, false, false],
  [0x04923456, 0x12345600n, 0x04923456, true, false],
  [0x05009234, 0x92340000n, 0x05009234, false, false],
  [0x20123456, 0x1234560000000000000000000000000000000000000000000000000000000000n, 0x20123456, false, false],
];

describe('decodeCompact / encodeCompact (Bitcoin SetCompact/GetCompact vectors)', () => {
  for (const [bits, target, compact, negative, overflow] of VECTORS) {
    it(`0x${bits.toString(16).padStart(8, '0')}`, () => {
      const d = decodeCompact(bits);
      expect(d.target).toBe(target);
      expect(d.negative).toBe(negative);
      expect(d.overflow).toBe(overflow);
      expect(encodeCompact(d.target, d.negative)).toBe(compact);
    });
  }

  it('0xff123456 overflows and is not negative', () => {
    const d = decodeCompact(0xff123456);
    expect(d.overflow).toBe(true);
    expect(d.negative).toBe(false);
  });

  it('overflow boundaries: 0x22 size with 1-byte mantissa is ok, 0x23 is not', () => {
    expect(decodeCompact(0x220000ff).overflow).toBe(false); // 0xff << 248 fits in 256 bits
    expect(decodeCompact(0x23000001).overflow).toBe(true);
    expect(decodeCompact(0x2100ffff).overflow).toBe(false);
    expect(decodeCompact(0x22000100).overflow).toBe(true);
    expect(decodeCompact(0x20ffffff & 0xff7fffff).overflow).toBe(false);
    expect(decodeCompact(0x21010000).overflow).toBe(true);
  });

  it('never generates a compact with the sign bit set: 0x80 → 0x02008000', () => {
    expect(encodeCompact(0x80n)).toBe(0x02008000);
    expect(decodeCompact(0x02008000).target).toBe(0x80n);
    expect(encodeCompact(0x800000n)).toBe(0x04008000);
  });

  it("Bitcoin's difficulty-1 target 0x1d00ffff", () => {
    const d = decodeCompact(0x1d00ffff);
    expect(d.target).toBe(0xffffn << 208n);
    expect(d.target.toString(16).padStart(64, '0')).toBe(
      '00000000ffff0000000000000000000000000000000000000000000000000000',
    );
    expect(encodeCompact(d.target)).toBe(0x1d00ffff);
  });

  it('regtest limit 0x207fffff round-trips', () => {
    const d = decodeCompact(0x207fffff);
    expect(d.target).toBe(0x7fffffn << 232n);
    expect(encodeCompact(d.target)).toBe(0x207fffff);
  });

  it('encoding truncates to 3 significant bytes (rounds down)', () => {
    const t = (0x123456n << 80n) + 0xffffn;
    const bits = encodeCompact(t);
    expect(bits).toBe(0x0d123456);
    expect(decodeCompact(bits).target).toBe(0x123456n << 80n);
    expect(encodeCompact((1n << 256n) - 1n)).toBe(0x2100ffff);
  });

  it('rejects negative targets and ignores the sign for zero', () => {
    expect(() => encodeCompact(-1n)).toThrow(RangeError);
    expect(encodeCompact(0n, true)).toBe(0);
  });
});
