import { decodeCompact, workFromTarget } from '@hackcoin/core';

/** Average seconds to a block: the expected hashes for the compact target `bits` ("0x1d00ffff") over the rate. */
export function expectedSeconds(bits: string, hashrate: number): number | null {
  const n = Number.parseInt(bits, 16);
  if (!Number.isFinite(n) || hashrate <= 0) return null;
  const { target } = decodeCompact(n);
  return target > 0n ? Number(workFromTarget(target)) / hashrate : null;
}
