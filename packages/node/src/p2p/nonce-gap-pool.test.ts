import { describe, expect, it } from 'vitest';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { NonceGapPool } from './nonce-gap-pool.js';

const fx = await ChainFixture.create();
const tx = (nonce: bigint, from = W.alice) => fx.tx(from, W.bob, 1_000n, { nonce });

describe('NonceGapPool', () => {
  it('hands back the transaction that follows an admitted one, once', () => {
    const pool = new NonceGapPool();
    pool.add(tx(3n), 'p', 150);
    pool.add(tx(3n, W.bob), 'q', 150);
    expect(pool.next(tx(1n))).toBeUndefined();
    expect(pool.next(tx(2n))).toEqual({ tx: tx(3n), from: 'p' });
    expect(pool.next(tx(2n))).toBeUndefined();
    expect(pool.size).toBe(1);
  });

  it('keeps at most its count and bytes, dropping the oldest first', () => {
    const pool = new NonceGapPool({ maxTxs: 3, maxBytes: 1_000, ttlMs: 60_000 });
    for (const n of [1n, 2n, 3n, 4n]) pool.add(tx(n), 'p', 100);
    expect(pool.size).toBe(3);
    expect(pool.next(tx(0n))).toBeUndefined();
    pool.add(tx(5n), 'p', 850);
    expect(pool.size).toBe(2);
    expect(pool.next(tx(3n))?.tx.nonce).toBe(4n);
    expect(pool.next(tx(4n))?.tx.nonce).toBe(5n);
    pool.add(tx(9n), 'p', 1_001);
    expect(pool.size).toBe(0);
  });

  it('forgets what it held longer than its time limit', () => {
    let now = 0;
    const pool = new NonceGapPool({ maxTxs: 10, maxBytes: 10_000, ttlMs: 1_000 }, () => now);
    pool.add(tx(1n), 'p', 100);
    pool.add(tx(2n), 'p', 100);
    now = 1_001;
    expect(pool.next(tx(0n))).toBeUndefined();
    pool.add(tx(7n), 'p', 100);
    expect(pool.size).toBe(1);
  });
});
