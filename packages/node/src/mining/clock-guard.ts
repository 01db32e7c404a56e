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
