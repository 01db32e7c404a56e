import { describe, it, expect } from 'vitest';
import { blockSubsidy } from './subsidy.js';
import { COIN, NETWORKS } from './params.js';

describe('blockSubsidy', () => {
  const main = NETWORKS.main;
  it('halves every halvingInterval blocks', () => {
    expect(blockSubsidy(0, main)).toBe(50n * COIN);
    expect(blockSubsidy(209_999, main)).toBe(5_000_000_000n);
    expect(blockSubsidy(210_000, main)).toBe(2_500_000_000n);
    expect(blockSubsidy(420_000, main)).toBe(1_250_000_000n);
    expect(blockSubsidy(210_000 * 33, main)).toBe(0n); // 5e9 >> 33 = 0
    expect(blockSubsidy(210_000 * 64, main)).toBe(0n);
    expect(blockSubsidy(210_000 * 100, main)).toBe(0n);
  });

  it('regtest halves every 150 blocks', () => {
    expect(blockSubsidy(149, NETWORKS.regtest)).toBe(50n * COIN);
    expect(blockSubsidy(150, NETWORKS.regtest)).toBe(25n * COIN);
  });

  it('total issuance stays below 21 million HCK', () => {
    let total = 0n;
    for (let era = 0; era < 64; era++) total += blockSubsidy(era * 210_000, main) * 210_000n;
    expect(total).toBe(2_099_999_997_690_000n);
  });
});
