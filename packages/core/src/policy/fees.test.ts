import { describe, expect, it } from 'vitest';
import { estimateFees, feeEstimateJson, paidRate, parseFeeEstimate, type PendingRate } from './fees.js';
import { signTransfer, txSize } from '../primitives/transaction.js';
import { generatePrivateKey } from '../crypto/keys.js';
import { utf8ToBytes } from '../encoding/bytes.js';

const base = { byteRates: [], gasPrices: [], mempool: [], blockBytes: 1000, blockTxs: 100, minFeeRate: 1n, minGasPrice: 1n };
const transfer = (rate: number, size = 150): PendingRate => ({ feeRate: rate, size, contract: false });
const call = (rate: number, size = 300): PendingRate => ({ feeRate: rate, size, contract: true });

function tx(fee: bigint, data: Uint8Array) {
  return signTransfer({ kind: 'transfer', chainId: 1, nonce: 0n, fee, to: new Uint8Array(20).fill(7), amount: 1n, data }, generatePrivateKey());
}

describe('fee policy', () => {
  it('measures a transfer per byte and a contract transaction per gas it used, not per maximum fee', () => {
    const plain = tx(300n, new Uint8Array(0));
    expect(paidRate(plain)).toEqual({ unit: 'byte', rate: 300 / txSize(plain) });
    const contract = tx(2_000_000n, utf8ToBytes('{"type":"call"}'));
    expect(paidRate(contract, { gasUsed: 21_000, gasPrice: 3n })).toEqual({ unit: 'gas', rate: 3 });
    expect(paidRate(contract)).toBeNull();
  });

  it('quotes the floor on an empty chain and mempool', () => {
    expect(estimateFees(base).perByte).toEqual({ slow: 1n, normal: 1n, fast: 1n });
    expect(estimateFees({ ...base, minFeeRate: 7n }).perByte).toEqual({ slow: 7n, normal: 7n, fast: 7n });
  });

  it('a burst of contract calls, confirmed or pending, does not move the transfer estimate', () => {
    const before = estimateFees({ ...base, byteRates: [2, 2, 3] });
    // Five token calls paying gas price 5 whose maximum fee per byte is over a thousand.
    const after = estimateFees({ ...base, byteRates: [2, 2, 3], gasPrices: [5, 5, 5, 5, 5], mempool: [call(1109), call(1109), call(1109), call(1109), call(1109)] });
    expect(after.perByte).toEqual(before.perByte);
    expect(after.gasPrice).toEqual({ slow: 5n, normal: 5n, fast: 5n });
  });

  it('contract transactions still take block space: a transfer behind them must outbid the next waiting transfer', () => {
    const mempool = [call(1000, 900), transfer(9, 200), transfer(4, 200)];
    const est = estimateFees({ ...base, byteRates: [2], mempool });
    expect(est.perByte.fast).toBe(10n);
    expect(est.perByte.slow).toBe(2n);
  });

  it('takes percentiles of recent transfer rates, rounded up, never below the floor', () => {
    const rates = Array.from({ length: 100 }, (_, i) => i + 0.5); // 0.5 … 99.5
    expect(estimateFees({ ...base, byteRates: rates, minFeeRate: 30n }).perByte).toEqual({ slow: 30n, normal: 50n, fast: 90n });
  });

  it('raises the rates when the mempool holds more than a block, most for fast', () => {
    // 10 blocks' worth of 100-byte transfers at rates 200, 199, …
    const mempool = Array.from({ length: 100 }, (_, i) => transfer(200 - i, 100));
    expect(estimateFees({ ...base, byteRates: [2, 2, 2], mempool }).perByte).toEqual({ slow: 161n, normal: 181n, fast: 191n });
    // Less than a block of mempool leaves the history-based values alone.
    expect(estimateFees({ ...base, byteRates: [2], mempool: mempool.slice(0, 5) }).perByte.fast).toBe(2n);
  });

  it('uses percentiles of confirmed transfer rates, never cheaper for more urgency', () => {
    const est = estimateFees({ ...base, byteRates: [5, 5, 5, 5, 1000] });
    expect(est.perByte).toEqual({ slow: 5n, normal: 5n, fast: 1000n });
  });

  it('round-trips through the JSON the node serves, and refuses a malformed answer', () => {
    const est = estimateFees({ ...base, byteRates: [3], gasPrices: [4] });
    const json = feeEstimateJson(est, 7n, { blocks: 1, samples: 1, contractSamples: 1, mempoolTxs: 0, mempoolBytes: 0 });
    expect(parseFeeEstimate(JSON.parse(JSON.stringify(json)))).toEqual({ ...est, minFeeRate: 7n });
    expect(() => parseFeeEstimate({ ...json, normal: '-1' })).toThrow(/normal/);
    // Wallets price contract transactions up to the relay floor: an answer without it prices nothing.
    expect(() => parseFeeEstimate({ ...json, minFeeRate: undefined })).toThrow(/minFeeRate/);
  });
});
