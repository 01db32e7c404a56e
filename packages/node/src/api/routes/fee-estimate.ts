/** Fee-rate estimation from recent blocks and the mempool; pure so it can be tested without a chain. */

export interface FeeRates {
  slow: bigint;
  normal: bigint;
  fast: bigint;
}

export interface PendingRate {
  /** Base units per byte. */
  feeRate: number;
  size: number;
}

export interface FeeInput {
  /** Fee rates (base units per byte) of the transfers in the last few main-chain blocks. */
  blockRates: number[];
  /** The mempool, highest fee rate first (Mempool.entries() order). */
  mempool: PendingRate[];
  /** Transfer bytes and count one block can take. */
  blockBytes: number;
  blockTxs: number;
  minFeeRate: bigint;
}

/** Percentiles of recently confirmed rates: what got into blocks lately at each urgency. */
const PERCENTILE = { slow: 0.25, normal: 0.5, fast: 0.9 } as const;
/** Blocks within which each preset aims to confirm when the mempool is congested. */
export const TARGET_BLOCKS = { slow: 4, normal: 2, fast: 1 } as const;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  // Nearest-rank: always an observed rate, never an interpolation between two.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * The rate needed to be among the first `blocks` blocks' worth of the
 * mempool: just above the rate of the first transaction that would not fit.
 * 0 when the whole mempool fits, since then any valid fee confirms in time.
 */
function congestionRate(mempool: PendingRate[], blocks: number, blockBytes: number, blockTxs: number): number {
  const maxBytes = blocks * blockBytes;
  const maxTxs = blocks * blockTxs;
  let bytes = 0;
  for (let i = 0; i < mempool.length; i++) {
    const e = mempool[i]!;
    bytes += e.size;
    if (bytes > maxBytes || i + 1 > maxTxs) return Math.floor(e.feeRate) + 1;
  }
  return 0;
}

const ceil = (rate: number): bigint => BigInt(Math.ceil(rate));

export function estimateFees(input: FeeInput): FeeRates {
  const sorted = [...input.blockRates].filter((r) => Number.isFinite(r) && r >= 0).sort((a, b) => a - b);
  const pick = (preset: keyof FeeRates): bigint => {
    const fromBlocks = ceil(percentile(sorted, PERCENTILE[preset]));
    const fromMempool = ceil(congestionRate(input.mempool, TARGET_BLOCKS[preset], input.blockBytes, input.blockTxs));
    let r = fromBlocks > fromMempool ? fromBlocks : fromMempool;
    if (r < input.minFeeRate) r = input.minFeeRate;
    return r;
  };
  const slow = pick('slow');
  let normal = pick('normal');
  let fast = pick('fast');
  // A more urgent preset must never be cheaper than a less urgent one.
  if (normal < slow) normal = slow;
  if (fast < normal) fast = normal;
  return { slow, normal, fast };
}
