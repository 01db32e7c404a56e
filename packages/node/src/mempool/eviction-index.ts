import { MaxHeap } from '../util/heap.js';
import type { MempoolEntry } from './entry.js';

/** Entries the heap may hold beyond one per sender before it is rebuilt from the live tails. */
const SLACK = 1024;

/**
 * The cheapest evictable transaction: each sender's last nonce (evicting an earlier one would
 * leave a gap), found in logarithmic time. Scanning every sender on each eviction let a full
 * pool's newcomers cost a pass over up to 50,000 runs each. A min-heap by fee rate where a
 * sender's tail is pushed whenever its run changes; entries that are no longer a tail are
 * dropped as they surface, and the heap is rebuilt when such leftovers outnumber the senders.
 */
export class EvictionIndex {
  private heap = newHeap();

  constructor(
    /** Whether `e` is still pending and its sender's last nonce. */
    private readonly isTail: (e: MempoolEntry) => boolean,
    /** Every sender's last nonce now. */
    private readonly tails: () => Iterable<MempoolEntry>,
    private readonly senders: () => number,
  ) {}

  /** `tail` has just become (or stays) its sender's last nonce. */
  touch(tail: MempoolEntry): void {
    this.heap.push(tail);
    if (this.heap.size > 2 * this.senders() + SLACK) this.rebuild();
  }

  /** The lowest fee-rate tail of any sender but `exclude`, left in place. */
  lowest(exclude: string): MempoolEntry | undefined {
    const skipped: MempoolEntry[] = [];
    let found: MempoolEntry | undefined;
    for (let e = this.heap.pop(); e; e = this.heap.pop()) {
      if (!this.isTail(e)) continue;
      if (e.senderKey === exclude) {
        skipped.push(e);
        continue;
      }
      found = e;
      break;
    }
    for (const e of skipped) this.heap.push(e);
    if (found) this.heap.push(found);
    return found;
  }

  private rebuild(): void {
    this.heap = newHeap();
    for (const e of this.tails()) this.heap.push(e);
  }
}

function newHeap(): MaxHeap<MempoolEntry> {
  return new MaxHeap<MempoolEntry>((a, b) => a.feeRate < b.feeRate);
}
