import { describe, expect, it } from 'vitest';
import { formatTokenUnits } from './token-balances';

describe('token amounts', () => {
  it("shows token base units with the token's decimals", () => {
    expect(formatTokenUnits(123_456n, 2)).toBe('1,234.56');
    expect(formatTokenUnits(250n, 2)).toBe('2.5');
    expect(formatTokenUnits(1_000_000n, 0)).toBe('1,000,000');
    expect(formatTokenUnits(5n, 18)).toBe('0.000000000000000005');
  });
});
