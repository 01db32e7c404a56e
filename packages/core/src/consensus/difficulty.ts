import { decodeCompact, encodeCompact } from './compact.js';
import type { ConsensusParams } from './params.js';

/** What the retarget rule needs to know about the chain behind the new block. */
export interface RetargetContext {
  /** Height of the block whose bits are being computed. */
  height: number;
  /** bits of its parent. */
  prevBits: number;
  /** Timestamp of the ancestor at a given height (must be ≤ height - 1). */
  timeAt(height: number): number;
}

export function powLimit(params: ConsensusParams): bigint {
  return decodeCompact(params.powLimitBits).target;
}

/**
 * Required bits for the block at ctx.height. Every retargetInterval blocks the
 * target is scaled by actual/expected time, clamped to a factor of
 * maxRetargetFactor either way like Bitcoin. Unlike Bitcoin, consecutive
 * windows overlap: each is measured from the last block of the previous
 * window (the first window from genesis), so every gap between blocks is
 * counted exactly once and the timestamps of successive windows telescope.
 * Bitcoin skips the gap between windows, which is what lets a time-warp
 * attacker lower the difficulty at will; here the total easing is bounded by
 * how far the chain's timestamps really advance (see also the
 * time-timewarp-attack rule in checkHeaderContext).
 */
export function nextWorkRequired(ctx: RetargetContext, params: ConsensusParams): number {
  if (params.noRetargeting) return ctx.prevBits;
  const interval = params.retargetInterval;
  if (ctx.height === 0 || ctx.height % interval !== 0) return ctx.prevBits;

  const last = ctx.height - 1;
  const first = Math.max(0, ctx.height - interval - 1);
  const gaps = last - first;
  const expected = gaps * params.targetSpacing;
  let actual = ctx.timeAt(last) - ctx.timeAt(first);
  const factor = params.maxRetargetFactor;
  if (actual < expected / factor) actual = Math.ceil(expected / factor);
  if (actual > expected * factor) actual = expected * factor;

  const limit = powLimit(params);
  let target = (decodeCompact(ctx.prevBits).target * BigInt(actual)) / BigInt(expected);
  if (target > limit) target = limit;
  if (target === 0n) target = 1n;
  return encodeCompact(target);
}

/** Median of the last medianTimeSpan timestamps: a new block's time must exceed it. */
export function medianTimePast(times: readonly number[]): number {
  if (times.length === 0) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
