import type { Chain } from '../chain/chain.js';

/**
 * Hashes per second implied by the last `window` main-chain blocks: their
 * expected work divided by the time they took. Null until two blocks with
 * distinct timestamps exist.
 */
export function estimateHashRate(chain: Chain, window = 120): number | null {
  const tip = chain.tip;
  const startHeight = Math.max(0, tip.height - window);
  const start = chain.getEntryByHeight(startHeight);
  if (!start || start === tip) return null;
  const seconds = tip.header.time - start.header.time;
  if (seconds <= 0) return null;
  const work = tip.chainWork - start.chainWork;
  return Number(work) / seconds;
}
