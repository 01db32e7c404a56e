import { workFromBits } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';

/**
 * The network's hash rate implied by the chain: the work of the last
 * `window` blocks over the time they took. Rough over short windows, like
 * Bitcoin Core's getnetworkhashps.
 */
export function estimateNetworkHashrate(chain: Chain, window = 120): number {
  const tip = chain.tip;
  const first = chain.getEntryByHeight(Math.max(0, tip.height - window));
  if (!first || first === tip) return 0;
  let work = 0n;
  for (let h = first.height + 1; h <= tip.height; h++) work += workFromBits(chain.getEntryByHeight(h)!.header.bits);
  const seconds = Math.max(1, tip.header.time - first.header.time);
  return Number(work) / seconds;
}
