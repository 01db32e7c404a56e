import { describe, expect, it } from 'vitest';
import { formatAmountIn, formatHckAmount, formatUnits, parseAmountInput } from './amount';

describe('amount formatting', () => {
  it('formats base units exactly, trimming zeros and grouping thousands', () => {
    expect(formatUnits('0')).toBe('0');
    expect(formatUnits('1')).toBe('0.00000001');
    expect(formatUnits(150_000_000n)).toBe('1.5');
    expect(formatUnits('123456789000000', { group: true })).toBe('1,234,567.89');
    expect(formatUnits('18446744073709551615')).toBe('184467440737.09551615');
    expect(formatUnits(100_000_000n, { minDecimals: 2 })).toBe('1.00');
    expect(formatHckAmount('5000000000')).toBe('50 HCK');
  });

  it('parses what users type in amount fields', () => {
    expect(parseAmountInput('1.5')).toEqual({ ok: true, units: 150_000_000n });
    expect(parseAmountInput(' .25 ')).toEqual({ ok: true, units: 25_000_000n });
    expect(parseAmountInput('1,000.00000001')).toEqual({ ok: true, units: 100_000_000_001n });
    expect(parseAmountInput('3.')).toEqual({ ok: true, units: 300_000_000n });
    expect(parseAmountInput('0', { allowZero: true })).toEqual({ ok: true, units: 0n });
  });

  it('rejects bad amounts with a message for the field', () => {
    expect(parseAmountInput('')).toMatchObject({ ok: false, error: 'Enter an amount' });
    expect(parseAmountInput('0')).toMatchObject({ ok: false, error: expect.stringMatching(/greater than zero/) });
    expect(parseAmountInput('1.123456789')).toMatchObject({ ok: false, error: expect.stringMatching(/8 decimal/) });
    expect(parseAmountInput('1e5')).toMatchObject({ ok: false });
    expect(parseAmountInput('-1')).toMatchObject({ ok: false });
    expect(parseAmountInput('.')).toMatchObject({ ok: false });
    expect(parseAmountInput('999999999999')).toMatchObject({ ok: false, error: 'Amount is too large' });
  });

  it('round-trips every formatted amount', () => {
    for (const units of [1n, 99n, 100_000_000n, 123_456_789_012n]) {
      const r = parseAmountInput(formatUnits(units, { group: true }));
      expect(r).toEqual({ ok: true, units });
    }
  });
});

describe('amounts in a chosen unit', () => {
  it('shows the same base units as HCK or as base units', () => {
    expect(formatAmountIn(250_000_000n, 'HCK')).toBe('2.5 HCK');
    expect(formatAmountIn('250000000', 'base')).toBe('250,000,000 base units');
    expect(formatAmountIn(5, 'base')).toBe('5 base units');
  });
});
