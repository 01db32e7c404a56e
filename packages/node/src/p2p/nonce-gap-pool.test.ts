import { describe, expect, it } from 'vitest';
import { encodeTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { NonceGapPool } from './nonce-gap-pool.js';

const fx = await ChainFixture.create();
const tx = (nonce: bigint, from = W.alice) => fx.tx(from, W.bob, 1_000n, { nonce });
/** A held transaction whose encoding is padded to `bytes`, as the pool only counts its length. */
const held = (t: ReturnType<typeof tx>, from: string, bytes: number, group = from) => {
  const raw = new Uint8Array(bytes);
  raw.set(encodeTx(t).subarray(0, bytes));
  return { tx: t, from, group, raw };
};

describe('NonceGapPool', () => {
  it('hands back the transaction that follows an admitted one, once', () => {
    const pool = new NonceGapPool();
    pool.add(held(tx(3n), 'p', 150));
    pool.add(held(tx(3n, W.bob), 'q', 150));
    expect(pool.holds(tx(3n), held(tx(3n), 'p', 150).raw)).toBe(true);
    expect(pool.holds(tx(3n), held(tx(3n), 'p', 151).raw)).toBe(false);
    expect(pool.next(tx(1n))).toBeUndefined();
    expect(pool.next(tx(2n))).toMatchObject({ tx: tx(3n), from: 'p' });
    expect(pool.next(tx(2n))).toBeUndefined();
    expect(pool.size).toBe(1);
  });

  it('keeps at most its count and bytes, dropping the oldest first', () => {
    const pool = new NonceGapPool({ maxTxs: 3, maxBytes: 1_000, ttlMs: 60_000 });
    for (const n of [1n, 2n, 3n, 4n]) pool.add(held(tx(n), 'p', 100));
    expect(pool.size).toBe(3);
    expect(pool.next(tx(0n))).toBeUndefined();
    pool.add(held(tx(5n), 'p', 850));
    expect(pool.size).toBe(2);
    expect(pool.next(tx(3n))?.tx.nonce).toBe(4n);
    expect(pool.next(tx(4n))?.tx.nonce).toBe(5n);
    pool.add(held(tx(9n), 'p', 1_001));
    expect(pool.size).toBe(0);
  });

  it("makes room from the peer holding the most, so a flood from one peer pushes out its own and not another's", () => {
    const pool = new NonceGapPool({ maxTxs: 6, maxBytes: 10_000, ttlMs: 60_000 });
    pool.add(held(tx(5n, W.bob), 'honest', 100));
    pool.add(held(tx(7n, W.carol), 'honest', 100));
    for (let n = 1n; n <= 40n; n++) pool.add(held(tx(n), 'flooder', 100));
    expect(pool.size).toBe(6);
    expect(pool.next(tx(4n, W.bob))?.from).toBe('honest');
    expect(pool.next(tx(6n, W.carol))?.from).toBe('honest');
    // The flooder keeps its newest four; by bytes too, a heavy entry of its own goes first.
    expect(pool.next(tx(36n))?.tx.nonce).toBe(37n);
    expect(pool.next(tx(35n))).toBeUndefined();
    pool.add(held(tx(3n, W.bob), 'honest', 100));
    pool.add(held(tx(90n), 'flooder', 9_700));
    expect(pool.holds(tx(3n, W.bob), held(tx(3n, W.bob), 'honest', 100).raw)).toBe(true);
    expect(pool.holds(tx(90n), held(tx(90n), 'flooder', 9_700).raw)).toBe(true);
    expect(pool.next(tx(38n))?.tx.nonce).toBe(39n);
    expect(pool.next(tx(37n))).toBeUndefined();
  });

  it('charges a network group, so many connections from one operator push out their own and not another group’s', () => {
    const pool = new NonceGapPool({ maxTxs: 4, maxBytes: 10_000, ttlMs: 60_000 });
    pool.add(held(tx(5n, W.bob), 'honest', 100, '10.1'));
    // Eight connections from one /16, one transaction each: per peer, the honest one would be as heavy as any.
    for (let n = 1n; n <= 8n; n++) pool.add(held(tx(n), `sybil-${n}`, 100, '10.0'));
    expect(pool.size).toBe(4);
    expect(pool.next(tx(4n, W.bob))).toEqual(expect.objectContaining({ from: 'honest', group: '10.1' }));
    expect(pool.next(tx(6n))?.from).toBe('sybil-7');
    expect(pool.next(tx(4n))).toBeUndefined();
  });

  it('within the heaviest group, makes room from its heaviest peer, so an honest peer sharing a flooder’s /16 goes last', () => {
    const pool = new NonceGapPool({ maxTxs: 4, maxBytes: 10_000, ttlMs: 60_000 });
    pool.add(held(tx(5n, W.bob), 'neighbour', 100, '10.0'));
    for (let n = 1n; n <= 6n; n++) pool.add(held(tx(n), 'flooder', 100, '10.0'));
    expect(pool.size).toBe(4);
    expect(pool.next(tx(4n, W.bob))?.from).toBe('neighbour');
    expect([3n, 4n, 5n].map((n) => pool.next(tx(n))?.from)).toEqual(['flooder', 'flooder', 'flooder']);
  });

  it('at the count bound makes room from the group holding the most transactions: one honest 60 KB deploy outlasts 520 small ones from a flooder in two groups', () => {
    const pool = new NonceGapPool({ maxTxs: 512, maxBytes: 2 * 1024 * 1024, ttlMs: 60_000 });
    const deploy = held(tx(5n, W.bob), 'honest', 60_000, '10.1');
    pool.add(deploy);
    // The pool keys by public key and nonce and checks no signature: one signed transaction renumbered will do.
    const base = tx(0n);
    const flood = (n: bigint) => held({ ...base, nonce: n }, `flooder-${n % 2n}`, 150, n % 2n ? '20.1' : '20.2');
    // 39 KB per group: by bytes the honest group, at 60 KB, would be the heaviest.
    for (let n = 1n; n <= 520n; n++) pool.add(flood(n));
    expect(pool.size).toBe(512);
    expect(pool.holds(deploy.tx, deploy.raw)).toBe(true);
    // The flooder's groups lost their oldest: the first nine are gone, the later ones still held.
    expect([1n, 2n, 9n, 10n, 520n].map((n) => pool.holds(flood(n).tx, flood(n).raw))).toEqual([false, false, false, true, true]);
  });

  it('at the byte bound makes room from the group holding the most bytes, though another holds more transactions', () => {
    const pool = new NonceGapPool({ maxTxs: 100, maxBytes: 10_000, ttlMs: 60_000 });
    for (let n = 1n; n <= 20n; n++) pool.add(held(tx(n, W.bob), 'many', 100, '10.1'));
    pool.add(held(tx(1n), 'heavy', 4_500, '20.1'));
    pool.add(held(tx(2n), 'heavy', 4_500, '20.1'));
    expect(pool.size).toBe(21);
    expect(pool.holds(tx(1n), held(tx(1n), 'heavy', 4_500).raw)).toBe(false);
    expect(pool.holds(tx(2n), held(tx(2n), 'heavy', 4_500).raw)).toBe(true);
    expect([1n, 20n].map((n) => pool.holds(tx(n, W.bob), held(tx(n, W.bob), 'many', 100).raw))).toEqual([true, true]);
  });

  it('forgets what it held longer than its time limit', () => {
    let now = 0;
    const pool = new NonceGapPool({ maxTxs: 10, maxBytes: 10_000, ttlMs: 1_000 }, () => now);
    pool.add(held(tx(1n), 'p', 100));
    pool.add(held(tx(2n), 'p', 100));
    now = 1_001;
    expect(pool.next(tx(0n))).toBeUndefined();
    pool.add(held(tx(7n), 'p', 100));
    expect(pool.size).toBe(1);
  });
});
