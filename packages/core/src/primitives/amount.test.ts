import { describe, it, expect } from 'vitest';
import { formatHck, parseHck } from './amount.js';

describe('formatHck', () => {
  it('formats exactly with trailing zeros trimmed', () => {
    expect(formatHck(0n)).toBe('0');
    expect(formatHck(1n)).toBe('0.00000001');
    expect(formatHck(10n)).toBe('0.0000001');
    expect(formatHck(150_000_000n)).toBe('1.5');
    expect(formatHck(100_000_000n)).toBe('1');
    expect(formatHck(2_100_000_000_000_000n)).toBe('21000000');
    expect(formatHck(2_099_999_997_690_000n)).toBe('20999999.9769');
    expect(formatHck(-150_000_000n)).toBe('-1.5');
    expect(formatHck(-1n)).toBe('-0.00000001');
  });

  it('is exact beyond float precision', () => {
    expect(formatHck((1n << 64n) - 1n)).toBe('184467440737.09551615');
  });
});

describe('parseHck', () => {
  it('parses exactly', () => {
    expect(parseHck('0.00000001')).toBe(1n);
    expect(parseHck('21000000')).toBe(2_100_000_000_000_000n);
    expect(parseHck('1.5')).toBe(150_000_000n);
    expect(parseHck('0')).toBe(0n);
    expect(parseHck('0.1')).toBe(10_000_000n);
    expect(parseHck('184467440737.09551615')).toBe((1n << 64n) - 1n);
    expect(parseHck('20999999.97690000')).toBe(2_099_999_997_690_000n);
  });

  it('rejects more than 8 decimals, signs, exponents, empty and junk', () => {
    for (const bad of ['1.123456789', '-1', '+1', '1e5', '', '.5', '1.', '1,5', 'abc', '0x10', 'Infinity', 'NaN', '1 000']) {
      expect(() => parseHck(bad), JSON.stringify(bad)).toThrow(/invalid HCK amount/);
    }
  });

  it('round-trips with formatHck', () => {
    for (const units of [0n, 1n, 99n, 123_456_789n, 100_000_000n, 2_100_000_000_000_000n, 987_654_321_012_345_678n]) {
      expect(parseHck(formatHck(units))).toBe(units);
    }
  });
});
