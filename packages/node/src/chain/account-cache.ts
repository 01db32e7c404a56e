import type { Account } from '@hackcoin/core';

/**
 * The latest accounts the chain wrote, bounded by count: the senders and
 * recipients of one block are mostly those of the next, and LevelDB answers a
 * batch of 2,000 reads in 10–20 ms of another thread's time. Write-through,
 * never ahead of what was submitted, so it only spares reads (the idea of
 * Bitcoin Core's coins cache without its deferred flush). Oldest written
 * leaves first; a block's accounts are all written, so that is least recently
 * used. Entries are copies: no caller shares one.
 */
export class AccountCache {
  private readonly map = new Map<string, Account>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(k: string): Account | undefined {
    const a = this.map.get(k);
    return a && { balance: a.balance, nonce: a.nonce };
  }

  set(k: string, a: Account): void {
    this.map.delete(k);
    this.map.set(k, { balance: a.balance, nonce: a.nonce });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  delete(k: string): void {
    this.map.delete(k);
  }

  clear(): void {
    this.map.clear();
  }
}
