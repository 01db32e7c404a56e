import { describe, expect, it } from 'vitest';
import { feeHistogram } from './fee-histogram';

describe('feeHistogram', () => {
  it('sums bytes of transfers per fee-rate bucket and counts contract transactions apart', () => {
    const h = feeHistogram([
      { feeRate: 1, size: 147, contract: false },
      { feeRate: 1.9, size: 147, contract: false },
      { feeRate: 12, size: 150, contract: false },
      { feeRate: 1109, size: 300, contract: true },
    ]);
    expect(h.from).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 12]);
    expect(h.to.slice(-2)).toEqual([12, 15]);
    expect(h.bytes[0]).toBe(294);
    expect(h.count[0]).toBe(2);
    expect(h.bytes[8]).toBe(150);
    expect(h).toMatchObject({ contractTxs: 1, contractBytes: 300 });
  });

  it('puts rates above the top bound in the top bucket and keeps one bucket when empty', () => {
    const top = feeHistogram([{ feeRate: 5000, size: 10, contract: false }]);
    expect(top.bytes.at(-1)).toBe(10);
    expect(top.to.at(-1)).toBeNull();
    expect(feeHistogram([]).from).toEqual([1]);
  });
});
