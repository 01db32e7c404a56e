import { describe, expect, it } from 'vitest';
import { ROLLING_FEE_HALFLIFE, RollingMinFee } from './rolling-min-fee.js';

describe('RollingMinFee', () => {
  it('decays from the first block after a raise however rarely it is asked, while blocks keep coming', () => {
    const day = 24 * 3600;
    const rarely = new RollingMinFee(1);
    const often = new RollingMinFee(1);
    for (const f of [rarely, often]) f.evicted(999);
    for (let t = 0; t <= day; t += 60) {
      rarely.blockConnected(t);
      often.blockConnected(t);
      if (t % 3600 === 0) often.current(t, 0.1);
    }
    // Under a quarter full: a halving every 3 hours, 8 in a day, asked once or every hour alike.
    expect(rarely.current(day, 0.1)).toBeCloseTo(1000 / 2 ** 8, 6);
    expect(often.current(day, 0.1)).toBeCloseTo(1000 / 2 ** 8, 6);
  });

  it('holds without a block since the raise, and a new raise waits for the next block', () => {
    const f = new RollingMinFee(1);
    f.evicted(99);
    expect(f.current(10 * ROLLING_FEE_HALFLIFE, 0.9)).toBe(100);
    f.blockConnected(0);
    expect(f.current(ROLLING_FEE_HALFLIFE, 0.9)).toBeCloseTo(50, 9);
    f.evicted(199);
    expect(f.current(3 * ROLLING_FEE_HALFLIFE, 0.9)).toBe(200);
    f.blockConnected(3 * ROLLING_FEE_HALFLIFE);
    expect(f.current(4 * ROLLING_FEE_HALFLIFE, 0.9)).toBeCloseTo(100, 9);
  });
});
