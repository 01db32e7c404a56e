import { MaxHeap } from '../util/heap.js';
import type { MempoolEntry } from './entry.js';

/** Entries the heap may hold beyond one per sender before it is rebuilt from the live ones. */
const SLACK = 1024;

/**
 * What evicting from one sender removes: a run of its last nonces (an earlier nonce cannot go
 * alone, it would leave the later ones behind a gap), judged as one package.
 */
export interface EvictableSuffix {
  senderKey: string;
  /** First nonce evicted; every later pending nonce of the sender goes with it, up to `to`. */
  from: bigint;
  to: bigint;
  /** Total sure fee over total virtual size: Core's descendant score. */
  feeRate: number;
  count: number;
}

/**
 * Each sender's worst-scoring suffix (lowest aggregate fee rate, the shortest among equals), and
 * the lowest of them in logarithmic time. Judging a sender by its last nonce alone let a high-fee
 * tail pin a run of minimum-fee nonces under it: a newcomer paying 50× was refused while 126
 * transactions at 1× stayed. A suffix is recomputed only when the index is asked and only for
 * senders whose run changed since (a block emptying a long run costs one pass, not one per
 * nonce), so an admission costs the changed runs' lengths, bounded by the per-sender limit, plus
 * a heap step. Outdated heap items are dropped as they surface, and the heap is rebuilt when
 * they outnumber the senders.
 */
export class EvictionIndex {
  private heap = newHeap();
  private readonly current = new Map<string, EvictableSuffix>();
  private readonly dirty = new Set<string>();

  /** `runOf`: a sender's pending nonces as the pool holds them now (undefined once it has none). */
  constructor(private readonly runOf: (senderKey: string) => ReadonlyMap<bigint, MempoolEntry> | undefined) {}

  /** The sender's run has changed (added, replaced, removed nonces). */
  touch(senderKey: string): void {
    // A sender gone from the pool is forgotten now: a pool that never fills never asks, and its
    // dirty set would otherwise keep every sender a block ever emptied.
    if (this.runOf(senderKey)) {
      this.dirty.add(senderKey);
    } else {
      this.dirty.delete(senderKey);
      this.current.delete(senderKey);
    }
  }

  /** The lowest-scoring suffix of any sender but `exclude`, left in place. */
  lowest(exclude: string): EvictableSuffix | undefined {
    this.refresh();
    let skipped: EvictableSuffix | undefined;
    let found: EvictableSuffix | undefined;
    for (let s = this.heap.pop(); s; s = this.heap.pop()) {
      if (this.current.get(s.senderKey) !== s) continue;
      // Live items are one per sender, so at most one is passed over.
      if (s.senderKey === exclude) {
        skipped = s;
        continue;
      }
      found = s;
      break;
    }
    if (skipped) this.heap.push(skipped);
    if (found) this.heap.push(found);
    return found;
  }

  private refresh(): void {
    for (const k of this.dirty) {
      const run = this.runOf(k);
      const s = run ? worstSuffix(k, run) : undefined;
      if (s) {
        this.current.set(k, s);
        this.heap.push(s);
      } else {
        this.current.delete(k);
      }
    }
    this.dirty.clear();
    if (this.heap.size > 2 * this.current.size + SLACK) {
      this.heap = newHeap();
      for (const s of this.current.values()) this.heap.push(s);
    }
  }
}

/**
 * The suffix of a gap-free run with the lowest total fee over total virtual size, the shortest on
 * a tie (a run paying one rate throughout loses only its last nonce). Once the
 * worst suffix goes, no suffix of what remains scores lower: joined to the evicted one it would
 * have scored lower still, so evictions from a sender never get cheaper.
 */
export function worstSuffix(senderKey: string, run: ReadonlyMap<bigint, MempoolEntry>): EvictableSuffix | undefined {
  let to: bigint | undefined;
  for (const n of run.keys()) if (to === undefined || n > to) to = n;
  if (to === undefined) return undefined;
  // Numbers, not bigints: a run's fees stay far below 2^53 units (the whole supply does), and a
  // flood recomputes a run of up to the per-sender bound on every admission.
  let fee = 0;
  let vsize = 0;
  let count = 0;
  let best = { from: to, feeRate: Infinity, count: 0 };
  for (let n = to, e = run.get(n); e !== undefined; n--, e = run.get(n)) {
    fee += Number(e.fee);
    vsize += e.vsize;
    count++;
    if (fee / vsize < best.feeRate) best = { from: n, feeRate: fee / vsize, count };
  }
  return { senderKey, to, ...best };
}

function newHeap(): MaxHeap<EvictableSuffix> {
  return new MaxHeap<EvictableSuffix>((a, b) => a.feeRate < b.feeRate);
}
