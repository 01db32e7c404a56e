import { describe, expect, it } from 'vitest';
import { expectedSeconds } from './expected';

describe('expectedSeconds', () => {
  it('divides the expected hashes of the target by the rate', () => {
    // 0x1d00ffff (difficulty 1) needs 2^32 + 2^... ≈ 4.295e9 hashes on average.
    expect(expectedSeconds('0x1d00ffff', 4_295_032_833)).toBeCloseTo(1, 6);
    // regtest's easiest target: about two hashes, so a 34 kH/s miner finds thousands a second.
    expect(expectedSeconds('0x207fffff', 34_000)!).toBeLessThan(0.001);
  });

  it('gives null without a rate or with a malformed target', () => {
    expect(expectedSeconds('0x207fffff', 0)).toBeNull();
    expect(expectedSeconds('zz', 10)).toBeNull();
  });
});
