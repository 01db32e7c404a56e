import { describe, it, expect } from 'vitest';
import { medianTimePast, nextWorkRequired, powLimit, type RetargetContext } from './difficulty.js';
import { decodeCompact } from './compact.js';
import { NETWORKS } from './params.js';

const main = NETWORKS.main;
const test = NETWORKS.test;
const regtest = NETWORKS.regtest;

/** A context whose block at height h has time base + h * spacing * stretch; records which heights were read. */
function ctx(height: number, prevBits: number, spacing: number, stretch: number) {
  const read: number[] = [];
  const c: RetargetContext = {
    height,
    prevBits,
    timeAt(h) {
      if (h >= height) throw new Error(`read future height ${h}`);
      read.push(h);
      return 1_800_000_000 + Math.round(h * spacing * stretch);
    },
  };
  return { c, read };
}

const D1 = 0x1d00ffff;
const T1 = 0xffffn << 208n;

describe('nextWorkRequired', () => {
  it('params sanity: retarget every 10 blocks, factor 4', () => {
    expect(main.retargetInterval).toBe(10);
    expect(main.maxRetargetFactor).toBe(4);
    expect(main.targetSpacing).toBe(60);
  });

  it('returns prevBits off the retarget boundary without reading timestamps', () => {
    for (const h of [1, 5, 9, 11, 19, 21]) {
      const { c, read } = ctx(h, D1, 60, 100);
      expect(nextWorkRequired(c, main)).toBe(D1);
      expect(read).toEqual([]);
    }
  });

  it('returns prevBits at height 0', () => {
    expect(nextWorkRequired(ctx(0, 0x1f00ffff, 60, 1).c, main)).toBe(0x1f00ffff);
  });

  it('regtest never retargets, even at a boundary with absurd timestamps', () => {
    expect(nextWorkRequired(ctx(10, 0x207fffff, 1, 1000).c, regtest)).toBe(0x207fffff);
    expect(nextWorkRequired(ctx(150, 0x1e00ffff, 1, 0.001).c, regtest)).toBe(0x1e00ffff);
  });

  it('measures each window from the last block of the previous one (the first window from genesis)', () => {
    const second = ctx(20, D1, 60, 1);
    nextWorkRequired(second.c, main);
    expect(new Set(second.read)).toEqual(new Set([9, 19]));
    const first = ctx(10, D1, 60, 1);
    nextWorkRequired(first.c, main);
    expect(new Set(first.read)).toEqual(new Set([0, 9]));
  });

  it('counts the gap between windows: a slow last gap eases the next window', () => {
    // Blocks 10..19 on schedule, block 9 → 10 took 600 s more than it should: 1,200 s over 10 gaps of 60 s.
    const c: RetargetContext = { height: 20, prevBits: D1, timeAt: (h) => 1_800_000_000 + h * 60 + (h >= 10 ? 600 : 0) };
    expect(decodeCompact(nextWorkRequired(c, main)).target).toBe(T1 * 2n);
  });

  it('exactly on schedule keeps the target', () => {
    expect(nextWorkRequired(ctx(10, D1, 60, 1).c, main)).toBe(D1);
    expect(nextWorkRequired(ctx(30, D1, 30, 1).c, test)).toBe(D1);
    expect(nextWorkRequired(ctx(20, 0x1e123456, 60, 1).c, main)).toBe(0x1e123456);
  });

  it('2x slower doubles the target', () => {
    const bits = nextWorkRequired(ctx(10, D1, 60, 2).c, main);
    expect(bits).toBe(0x1d01fffe);
    expect(decodeCompact(bits).target).toBe(T1 * 2n);
  });

  it('2x faster halves the target', () => {
    const bits = nextWorkRequired(ctx(10, D1, 60, 0.5).c, main);
    expect(decodeCompact(bits).target).toBe(T1 / 2n);
  });

  it('clamps at 4x easier however slow the window was', () => {
    const four = nextWorkRequired(ctx(10, D1, 60, 4).c, main);
    expect(four).toBe(0x1d03fffc);
    expect(nextWorkRequired(ctx(10, D1, 60, 50).c, main)).toBe(four);
  });

  it('clamps at 4x harder however fast the window was (incl. non-increasing timestamps)', () => {
    const quarter = nextWorkRequired(ctx(10, D1, 60, 0.25).c, main);
    expect(decodeCompact(quarter).target).toBe(T1 / 4n);
    expect(quarter).toBe(0x1c3fffc0);
    expect(nextWorkRequired(ctx(10, D1, 60, 0.01).c, main)).toBe(quarter);
    expect(nextWorkRequired(ctx(10, D1, 60, 0).c, main)).toBe(quarter);
    expect(nextWorkRequired(ctx(10, D1, 60, -3).c, main)).toBe(quarter);
  });

  it('never makes the target more than 4x harder when expected/4 is fractional (testnet)', () => {
    // test: expected = 9 * 30 = 270 s, 270 / 4 = 67.5.
    const bits = nextWorkRequired(ctx(10, D1, 30, 0).c, test);
    const t = decodeCompact(bits).target;
    expect(t >= T1 / 4n).toBe(true);
    expect(t <= (T1 / 4n) * 101n / 100n).toBe(true);
  });

  it('never exceeds powLimit', () => {
    const limitBits = main.powLimitBits;
    expect(nextWorkRequired(ctx(10, limitBits, 60, 4).c, main)).toBe(limitBits);
    // Doubling 0x1e7fffff would be above the limit: clamp to it exactly.
    const bits = nextWorkRequired(ctx(10, 0x1e7fffff, 60, 2).c, main);
    expect(bits).toBe(0x1f00ffff);
    expect(decodeCompact(bits).target).toBe(powLimit(main));
  });

  it('never returns a zero target', () => {
    const bits = nextWorkRequired(ctx(10, 0x01010000, 60, 0).c, main);
    expect(decodeCompact(bits).target).toBe(1n);
  });
});

describe('medianTimePast', () => {
  it('is the median of 11 timestamps regardless of order', () => {
    expect(medianTimePast([5, 1, 11, 3, 9, 7, 2, 10, 4, 8, 6])).toBe(6);
  });

  it('picks the upper median for even counts, like Bitcoin', () => {
    expect(medianTimePast([4, 1, 3, 2])).toBe(3);
    expect(medianTimePast([100])).toBe(100);
    expect(medianTimePast([])).toBe(0);
  });

  it('sorts numerically, not lexicographically, and does not mutate its input', () => {
    const times = [1_000_000_000, 200, 30];
    expect(medianTimePast(times)).toBe(200);
    expect(times).toEqual([1_000_000_000, 200, 30]);
    expect(medianTimePast([9, 10, 100])).toBe(10);
  });
});
