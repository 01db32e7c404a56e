import { WalletError } from './errors.js';

/**
 * Hands out nonces for one sending address so several transfers can be
 * pending at once. Accounts require consecutive nonces, so it starts at the
 * node's confirmed nonce plus the sender's transactions already in the
 * mempool and counts up locally from there.
 */
export class NonceTracker {
  private nextNonce: bigint;

  constructor(confirmedNonce: bigint, pendingCount: number | bigint = 0) {
    this.nextNonce = NonceTracker.start(confirmedNonce, pendingCount);
  }

  private static start(confirmedNonce: bigint, pendingCount: number | bigint): bigint {
    const pending = BigInt(pendingCount);
    if (confirmedNonce < 0n || pending < 0n) throw new WalletError('nonce and pending count must be non-negative');
    return confirmedNonce + pending;
  }

  /** The nonce the next transfer will carry, without reserving it. */
  peek(): bigint {
    return this.nextNonce;
  }

  /** Reserves the next nonce. */
  take(): bigint {
    return this.nextNonce++;
  }

  /**
   * Returns a reserved nonce whose transfer was never broadcast. Only the
   * newest one can go back: releasing an older one would leave a gap that
   * blocks every later transfer.
   */
  release(nonce: bigint): void {
    if (nonce !== this.nextNonce - 1n) throw new WalletError('only the most recently taken nonce can be released');
    this.nextNonce = nonce;
  }

  /**
   * Catches up with the node (e.g. transfers sent from another device). It
   * never moves backwards, because the node may not have seen a transfer
   * broadcast a moment ago; use reset() after transfers were dropped.
   */
  sync(confirmedNonce: bigint, pendingCount: number | bigint = 0): void {
    const node = NonceTracker.start(confirmedNonce, pendingCount);
    if (node > this.nextNonce) this.nextNonce = node;
  }

  /** Adopts the node's view exactly, e.g. after pending transfers were evicted from the mempool. */
  reset(confirmedNonce: bigint, pendingCount: number | bigint = 0): void {
    this.nextNonce = NonceTracker.start(confirmedNonce, pendingCount);
  }
}
