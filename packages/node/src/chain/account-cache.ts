import type { Account } from '@hackcoin/core';
import { OldestFirst } from '../util/oldest-first.js';

/**
 * The latest accounts the chain wrote, bounded by count: the senders and
 * recipients of one block are mostly those of the next, and LevelDB answers a
 * batch of 2,000 reads in 10–20 ms of another thread's time. Write-through,
 * never ahead of what was submitted, so it only spares reads (the idea of
 * Bitcoin Core's coins cache without its deferred flush). The first written
 * leaves first, and a rewrite updates in place: a busy account is read again
 * once per that many new accounts, and a block's writes cost no reordering.
 * Entries are copies: no caller shares one.
 */
export class AccountCache {
  private readonly map = new Map<string, Account>();
  private readonly oldest = new OldestFirst(this.map);

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(k: string): Account | undefined {
    const a = this.map.get(k);
    return a && { balance: a.balance, nonce: a.nonce };
  }

  set(k: string, a: Account): void {
    const held = this.map.get(k);
    if (held) {
      held.balance = a.balance;
      held.nonce = a.nonce;
      return;
    }
    this.map.set(k, { balance: a.balance, nonce: a.nonce });
    if (this.map.size > this.max) this.oldest.evict();
  }

  delete(k: string): void {
    this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
