import { describe, expect, it } from 'vitest';
import { NETWORKS } from '../consensus/params.js';
import { minGasPriceForShape, minRelayFee, txVsize } from './relay-fee.js';

const params = NETWORKS.regtest;

describe('the relay minimum over vsize', () => {
  it('weighs declared gas as the block bytes it stands for (2M bytes per 200M gas: 100 gas a byte)', () => {
    expect(txVsize(147, 0, params)).toBe(147);
    expect(txVsize(250, 20_000, params)).toBe(250);
    expect(txVsize(250, 50_000_000, params)).toBe(500_000);
    // A part of a byte counts as a whole one for the fee.
    expect(txVsize(250, 100_050, params)).toBe(1_000.5);
    expect(minRelayFee(3n, 250, 100_050, params)).toBe(3n * 1_001n);
    expect(minRelayFee(1n, 147, 0, params)).toBe(147n);
    expect(minRelayFee(0n, 250, 50_000_000, params)).toBe(0n);
  });

  it('prices a 50M-gas call at about 23 per gas at 1 unit a byte, and a tight one at 1', () => {
    expect(minGasPriceForShape(1n, { size: 250, gasLimit: 50_000_000, intrinsicGas: 21_616 }, params)).toBe(24n);
    expect(minGasPriceForShape(1n, { size: 250, gasLimit: 50_000_000, intrinsicGas: 21_740 }, params)).toBe(23n);
    expect(minGasPriceForShape(1n, { size: 250, gasLimit: 30_000, intrinsicGas: 21_616 }, params)).toBe(1n);
    // Rounded up: intrinsic gas × price never falls short of the fee.
    const shape = { size: 250, gasLimit: 2_500_000, intrinsicGas: 21_616 };
    const price = minGasPriceForShape(7n, shape, params);
    expect(21_616n * price).toBeGreaterThanOrEqual(minRelayFee(7n, 250, 2_500_000, params));
    expect(21_616n * (price - 1n)).toBeLessThan(minRelayFee(7n, 250, 2_500_000, params));
  });
});
