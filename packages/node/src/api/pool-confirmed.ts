import type { Mempool, RemovalReason } from '../mempool/mempool.js';
import type { MempoolEntry } from '../mempool/entry.js';
import { RecentSet } from '../util/recent-set.js';

/** 48 bits of a transaction hash: enough to tell a window's transactions apart, at a number's cost instead of a string's. */
function shortKey(hash: Uint8Array): number {
  return hash[0]! * 2 ** 40 + hash[1]! * 2 ** 32 + (((hash[2]! << 24) | (hash[3]! << 16) | (hash[4]! << 8) | hash[5]!) >>> 0);
}

/**
 * Transactions confirmed after this node held them in its mempool, as Bitcoin
 * Core's fee estimator counts only those: a miner can fill its own blocks with
 * transactions paying itself any fee (the coins come back to it), but one it
 * relays first may be mined, and its fee taken, by anyone. Bounded: the most
 * recent `capacity` confirmations, oldest first out. Not kept across restarts
 * (a restarted node quotes from its mempool and the floors until blocks come).
 */
export class PoolConfirmed {
  private readonly keys: RecentSet<number>;

  constructor(mempool: Pick<Mempool, 'on'>, capacity: number) {
    this.keys = new RecentSet(capacity);
    mempool.on('tx:removed', (e: MempoolEntry, reason: RemovalReason) => {
      if (reason === 'block') this.keys.add(shortKey(e.hash));
    });
  }

  has(hash: Uint8Array): boolean {
    return this.keys.has(shortKey(hash));
  }
}
