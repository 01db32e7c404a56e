import type { ConsensusParams } from './params.js';

/** Block reward before fees: halves every halvingInterval blocks, zero after 64 halvings. */
export function blockSubsidy(height: number, params: ConsensusParams): bigint {
  const halvings = Math.floor(height / params.halvingInterval);
  if (halvings >= 64) return 0n;
  return params.initialSubsidy >> BigInt(halvings);
}
