import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkHeaderContext } from './block-rules.js';
import { decodeCompact } from './compact.js';
import { medianTimePast, nextWorkRequired } from './difficulty.js';
import { RuleError } from './errors.js';
import { NETWORKS } from './params.js';
import type { BlockHeader } from '../primitives/header.js';

/**
 * The time-warp attack on main, at the level of headers: an attacker mining
 * 120 blocks in private, all within seconds of its own clock, picks every
 * timestamp so that each block passes every header rule (median time past,
 * 2 hours in the future, time-timewarp-attack) and tries to lower the
 * difficulty. Under Bitcoin's non-overlapping windows the classic strategy
 * (every block at median-time-past + 1, the last block of each window 2 hours
 * ahead) made the target 4,194,304× (4^11) easier in 120 blocks.
 */
const main = NETWORKS.main;
const START_BITS = 0x1b00ffff;
const BLOCKS = 120;
const HONEST = 30;
/** The attacker's clock: its blocks come out within seconds, so `now` barely moves. */
const NOW = 1_800_000_000;

/** Timestamp choice for the block at `height`, given the rule bounds. */
type Strategy = (height: number, bounds: { min: number; max: number; prev: number }) => number;

interface Outcome {
  /** Highest ratio target(h) / target(start) reached at any height. */
  maxEasing: number;
  /** Ratio at the last block mined. */
  finalEasing: number;
  /** Blocks mined before no timestamp was left within the rules. */
  mined: number;
}

function simulate(strategy: Strategy): Outcome {
  const times: number[] = [];
  const bits: number[] = [];
  // An honest prefix on schedule, ending at the attacker's clock.
  for (let h = 0; h < HONEST; h++) {
    times.push(NOW - (HONEST - 1 - h) * main.targetSpacing);
    bits.push(START_BITS);
  }
  const start = decodeCompact(START_BITS).target;
  let maxEasing = 1;
  let easing = 1;
  let mined = 0;
  for (let h = HONEST; h < HONEST + BLOCKS; h++) {
    const prevBits = bits[h - 1]!;
    const expectedBits = nextWorkRequired({ height: h, prevBits, timeAt: (i) => times[i]! }, main);
    const mtp = medianTimePast(times.slice(-main.medianTimeSpan));
    const prev = times[h - 1]!;
    const windowStart = h % main.retargetInterval === 0;
    const min = Math.max(mtp + 1, windowStart ? prev - main.maxTimewarp : -Infinity);
    const max = NOW + main.maxFutureBlockTime;
    // Every allowed timestamp is used up: the attacker must wait for its clock, which is the point.
    if (min > max) break;
    const time = Math.min(max, Math.max(min, strategy(h, { min, max, prev })));
    const header: BlockHeader = { version: main.blockVersion, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time, bits: expectedBits, nonce: 0 };
    checkHeaderContext(header, { expectedBits, medianTimePast: mtp, now: NOW, height: h, prevTime: prev }, main);
    times.push(time);
    bits.push(expectedBits);
    mined++;
    easing = Number((decodeCompact(expectedBits).target * 1_000_000n) / start) / 1_000_000;
    maxEasing = Math.max(maxEasing, easing);
  }
  return { maxEasing, finalEasing: easing, mined };
}

const last = (h: number) => h % main.retargetInterval === main.retargetInterval - 1;

/**
 * 2 hours ahead of the clock buy at most three windows clamped at 4× (7,200 s
 * at 2,400 s each), and the window reference block, set up to 10 minutes
 * behind the clock, at most one more: 4^4.
 */
const BOUND = 256;

describe('time-warp attack on main (overlapping windows + time-timewarp-attack)', () => {
  it('classic: every block at median-time-past + 1, the last block of each window 2 hours ahead', () => {
    const r = simulate((h, b) => (last(h) ? b.max : b.min));
    expect(r.mined).toBe(BLOCKS);
    expect(r.maxEasing).toBeLessThanOrEqual(BOUND);
    expect(r.finalEasing).toBeLessThanOrEqual(1);
  });

  it('staircase: window ends stepping up 2,400 s at a time, everything else as low as allowed', () => {
    let step = NOW;
    const r = simulate((h, b) => {
      if (!last(h)) return b.min;
      step += 2_400;
      return step;
    });
    expect(r.maxEasing).toBeLessThanOrEqual(BOUND);
    expect(r.maxEasing).toBeGreaterThanOrEqual(64);
  });

  it('every block as far ahead as allowed', () => {
    const r = simulate((_h, b) => b.max);
    expect(r.maxEasing).toBeLessThanOrEqual(BOUND);
  });

  it('a window may not open more than 10 minutes before the last block of the previous one', () => {
    const times = Array.from({ length: 20 }, (_, i) => NOW + i * 60);
    const header: BlockHeader = { version: 1, prevHash: new Uint8Array(32), merkleRoot: new Uint8Array(32), time: times[19]! - 601, bits: START_BITS, nonce: 0 };
    const ctx = { expectedBits: START_BITS, medianTimePast: NOW, now: NOW, height: 20, prevTime: times[19]! };
    const err = (() => {
      try {
        checkHeaderContext(header, ctx, main);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RuleError);
    expect((err as RuleError).code).toBe('time-timewarp-attack');
  });

  it('no timestamp strategy within the rules eases the target beyond the bound', () => {
    const choice = fc.oneof(
      fc.constant<'min' | 'max'>('min'),
      fc.constant<'min' | 'max'>('max'),
      fc.integer({ min: -3_600, max: 7_200 }),
    );
    fc.assert(
      fc.property(fc.array(choice, { minLength: BLOCKS, maxLength: BLOCKS }), (plan) => {
        const r = simulate((h, b) => {
          const c = plan[h - HONEST]!;
          return c === 'min' ? b.min : c === 'max' ? b.max : b.prev + c;
        });
        return r.maxEasing <= BOUND;
      }),
      { numRuns: 300 },
    );
  });
});
