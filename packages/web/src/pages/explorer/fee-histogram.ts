/** Fee-rate buckets (base units per byte), like mempool.space's: fine at the bottom, coarse at the top. */
export const BUCKETS = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 125, 150, 175, 200, 250, 300, 350, 400, 500, 600, 700, 800, 900, 1000];

export interface Waiting {
  feeRate: number;
  size: number;
  /** Contract transactions are priced per gas: their per-byte rate is only a maximum, so they are counted apart. */
  contract: boolean;
}

export interface Histogram {
  /** Lower bound of each bucket. */
  from: number[];
  /** Upper bound (exclusive) of each bucket; null for the open top bucket. */
  to: (number | null)[];
  /** Bytes of plain transfers waiting in each bucket. */
  bytes: number[];
  count: number[];
  contractTxs: number;
  contractBytes: number;
}

/** Bytes waiting per fee-rate bucket; a rate falls in the highest bucket whose bound it reaches. */
export function feeHistogram(txs: Waiting[]): Histogram {
  const bytes = BUCKETS.map(() => 0);
  const count = BUCKETS.map(() => 0);
  let contractTxs = 0;
  let contractBytes = 0;
  for (const t of txs) {
    if (t.contract) {
      contractTxs++;
      contractBytes += t.size;
      continue;
    }
    let i = 0;
    while (i + 1 < BUCKETS.length && t.feeRate >= BUCKETS[i + 1]!) i++;
    bytes[i]! += t.size;
    count[i]! += 1;
  }
  // Trailing empty buckets would only stretch the chart.
  let last = bytes.length;
  while (last > 1 && bytes[last - 1] === 0) last--;
  return { from: BUCKETS.slice(0, last), to: BUCKETS.slice(0, last).map((_, i) => BUCKETS[i + 1] ?? null), bytes: bytes.slice(0, last), count: count.slice(0, last), contractTxs, contractBytes };
}
