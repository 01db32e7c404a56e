import type { Mempool } from '../mempool/mempool.js';
import type { MempoolEntry } from '../mempool/entry.js';

/**
 * The mempool's entries by fee rate, sorted once per change of the pool. Copying and sorting
 * 50,000 entries took 16-36 ms, and the mempool and fee routes did it on every request.
 */
export class SortedMempool {
  private sorted: readonly MempoolEntry[] | null = null;
  private readonly invalidate = (): void => {
    this.sorted = null;
  };

  constructor(private readonly mempool: Pick<Mempool, 'entries' | 'on' | 'off'>) {
    mempool.on('tx:added', this.invalidate);
    mempool.on('tx:removed', this.invalidate);
  }

  /** Highest fee rate first; the same array until the pool changes, so callers must not modify it. */
  entries(): readonly MempoolEntry[] {
    this.sorted ??= this.mempool.entries();
    return this.sorted;
  }

  close(): void {
    this.mempool.off('tx:added', this.invalidate);
    this.mempool.off('tx:removed', this.invalidate);
  }
}

/**
 * JSON of one /api/mempool page's transactions. Bounded by count alone, 100 transactions carrying
 * 64 KB of data each made a 12.9 MB answer at the read class. The first row always goes out.
 */
export const MEMPOOL_PAGE_MAX_BYTES = 256 * 1024;

/**
 * Most a transaction's JSON holds beside its hex fields: id, addresses, decimal amounts, fee rate,
 * time and the keys (a plain transfer's is ~360 bytes).
 */
const TX_JSON_FIXED_BYTES = 448;

/** At least the bytes of an entry's JSON on the mempool page, known without rendering it. */
export function entryJsonBound(e: MempoolEntry): number {
  return 2 * (e.tx.data.length + e.tx.publicKey.length + e.tx.signature.length) + TX_JSON_FIXED_BYTES;
}

/**
 * The leading `entries` whose JSON stays within `maxBytes` by entryJsonBound, and those bytes: the
 * page is sized, charged and booked before any of it is rendered.
 */
export function entriesWithin(entries: readonly MempoolEntry[], maxBytes: number): { rows: readonly MempoolEntry[]; bytes: number } {
  let bytes = 0;
  let n = 0;
  for (const e of entries) {
    const size = entryJsonBound(e) + 1;
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return { rows: entries.slice(0, n), bytes };
}
