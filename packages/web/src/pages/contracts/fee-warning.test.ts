import { describe, expect, it } from 'vitest';
import { checkFee, checkSendFee, SEND_FEE_CAP } from './fee-warning';

const HCK = 100_000_000n;

describe('checkFee', () => {
  it('says nothing about a maximum fee within the cap and 10 % of the balance at a price within 10× the floor', () => {
    expect(checkFee({ maxFee: SEND_FEE_CAP, value: 0n, gasPrice: 10n, minGasPrice: 1n, available: 100n * HCK })).toEqual({ warnings: [], overBalance: false });
  });

  it('names a maximum fee above the cap whatever the balance and floor the node gave (1,000 HCK passed unnamed)', () => {
    const cap = 'The maximum fee of 1,000 HCK is above 0.1 HCK, the most a transaction pays without asking.';
    expect(checkFee({ maxFee: 1_000n * HCK, value: 0n, gasPrice: 10_000n, minGasPrice: 5_000n, available: 20_000n * HCK }).warnings).toEqual([cap]);
    expect(checkFee({ maxFee: 1_000n * HCK, value: 0n, gasPrice: 1n, available: null }).warnings).toEqual([cap]);
  });

  it('names the share of the balance a larger maximum fee takes, rounded up', () => {
    const v = checkFee({ maxFee: 76n * HCK, value: 0n, gasPrice: 3n, minGasPrice: 1n, available: 100n * HCK });
    expect(v.warnings).toEqual(['The maximum fee of 76 HCK is above 0.1 HCK, the most a transaction pays without asking.', 'The maximum fee is 76.0 % of your spendable balance (more than 10 %).']);
    expect(checkFee({ maxFee: 10_001n, value: 0n, gasPrice: 1n, available: 100_000n }).warnings).toEqual(['The maximum fee is 10.1 % of your spendable balance (more than 10 %).']);
  });

  it('names a gas price above 10× the node minimum, and only when the minimum is known', () => {
    expect(checkFee({ maxFee: 1n, value: 0n, gasPrice: 11n, minGasPrice: 1n, available: 100n * HCK }).warnings).toEqual(["The gas price 11 is 11× the node's minimum of 1 (more than 10×)."]);
    expect(checkFee({ maxFee: 1n, value: 0n, gasPrice: 1_000n, available: 100n * HCK }).warnings).toEqual([]);
  });

  it('marks value plus maximum fee above the balance, and judges nothing against an unknown balance', () => {
    expect(checkFee({ maxFee: HCK, value: 99n * HCK + 1n, gasPrice: 1n, available: 100n * HCK }).overBalance).toBe(true);
    expect(checkFee({ maxFee: HCK, value: 99n * HCK, gasPrice: 1n, available: 100n * HCK }).overBalance).toBe(false);
    expect(checkFee({ maxFee: HCK / 10n, value: 0n, gasPrice: 1n, available: null })).toEqual({ warnings: [], overBalance: false });
    expect(checkFee({ maxFee: 1n, value: 0n, gasPrice: 1n, available: 0n })).toEqual({ warnings: ['The maximum fee is more than your spendable balance of 0.'], overBalance: true });
  });
});

describe('checkSendFee', () => {
  it('says nothing about a fee within the cap and 10 % of the balance', () => {
    expect(checkSendFee(300n, 100n * HCK)).toEqual([]);
    expect(checkSendFee(SEND_FEE_CAP, 100n * HCK)).toEqual([]);
    expect(checkSendFee(SEND_FEE_CAP, null)).toEqual([]);
  });

  it('names a fee above the cap, known balance or not, and a fee above 10 % of the balance', () => {
    expect(checkSendFee(SEND_FEE_CAP + 1n, null)).toEqual(['The fee of 0.10000001 HCK is above 0.1 HCK, the most a send pays without asking.']);
    expect(checkSendFee(98n * HCK, 100n * HCK)).toEqual(['The fee of 98 HCK is above 0.1 HCK, the most a send pays without asking.', 'The fee is 98.0 % of your spendable balance (more than 10 %).']);
    expect(checkSendFee(1_001n, 10_000n)).toEqual(['The fee is 10.1 % of your spendable balance (more than 10 %).']);
    expect(checkSendFee(1n, 0n)).toEqual(['The fee is more than your spendable balance of 0.']);
  });
});
