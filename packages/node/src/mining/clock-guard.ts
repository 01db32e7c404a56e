/**
 * How far ahead of the clock a template may stamp itself before work on it waits. Blocks found
 * faster than one a second (regtest, a young chain) must each be later than the median of the
 * last eleven, so their timestamps run ahead of the clock; past the 2-hour future rule they would
 * be refused everywhere, so miners and the pool hold back long before that.
 */
export const MAX_AHEAD_SECONDS = 60;

/** How often held-back work looks at the clock again. */
export const HOLD_RETRY_MS = 1000;

export function tooFarAhead(templateTime: number, nowSeconds: number): boolean {
  return templateTime - nowSeconds > MAX_AHEAD_SECONDS;
}

/**
 * Whether work on a template waits for the clock: too far ahead, unless its time is the BIP94
 * floor of a retarget window's first block (its parent's time less maxTimewarp), the earliest any
 * valid block may carry. Holding then would stop every miner here until our clock caught up with
 * a parent stamped ahead of it, for up to two hours; the parent passed the 2-hour rule, so a block
 * 10 minutes before it does too.
 */
export function holdsBack(t: { header: { time: number }; timewarpFloor?: number }, nowSeconds: number): boolean {
  if (t.timewarpFloor !== undefined && t.header.time <= t.timewarpFloor) return false;
  return tooFarAhead(t.header.time, nowSeconds);
}
