import { afterAll, describe, expect, it } from 'vitest';
import {
  RuleError,
  bytesToHex,
  transferSigHash,
  type Block,
  type TransferTx,
} from '@hackcoin/core';
import { loadSignatureBackend } from '../crypto/native-backend.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { closeVerifyPools, highS, readyPool, transfer, verifiedMempool, withReplayedChain } from '../test-support/verify-fixtures.js';
import { SignatureCache } from './signature-cache.js';
import { SignatureVerifier } from './signature-verifier.js';
import { ITEM_SIZE } from './shared-job.js';

afterAll(closeVerifyPools);

describe('signature cache', () => {
  it('keys the exact question under a salt of its own: other caches, digests, keys or signatures never match', () => {
    const tx = transfer(1);
    const digest = transferSigHash(tx);
    const a = new SignatureCache();
    const b = new SignatureCache();
    const k = a.key(digest, tx.publicKey, tx.signature);
    expect(a.key(digest.slice(), tx.publicKey.slice(), tx.signature.slice())).toBe(k);
    expect(b.key(digest, tx.publicKey, tx.signature)).not.toBe(k);
    const other = transfer(2);
    expect(a.key(transferSigHash(other), tx.publicKey, tx.signature)).not.toBe(k);
    expect(a.key(digest, other.publicKey, tx.signature)).not.toBe(k);
    expect(a.key(digest, tx.publicKey, highS(tx).signature)).not.toBe(k);
  });

  it('holds at most maxEntries, dropping the oldest first, and hands back the address it was given', () => {
    const cache = new SignatureCache(3);
    const keys = [1, 2, 3, 4].map((i) => {
      const tx = transfer(i);
      const k = cache.key(transferSigHash(tx), tx.publicKey, tx.signature);
      cache.add(k, new Uint8Array(20).fill(i));
      return k;
    });
    expect(cache.size).toBe(3);
    expect(cache.get(keys[0]!)).toBeUndefined();
    expect([...cache.get(keys[3]!)!]).toEqual(new Array(20).fill(4));
    cache.delete(keys[3]!);
    expect(cache.get(keys[3]!)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('finds an admitted transaction by object without a key, only while its entry is here, and a copy by its key', async () => {
    const cache = new SignatureCache(2);
    const verifier = new SignatureVerifier(loadSignatureBackend().backend, undefined, cache);
    const [a, b, c] = [1, 2, 3].map((i) => transfer(i));
    (await verifier.prepare([a!])).cacheFor(a!);
    const hit = cache.forTx(a!);
    expect(hit?.key).toBe(cache.key(transferSigHash(a!), a!.publicKey, a!.signature));
    expect(bytesToHex(hit!.sender)).toBe(bytesToHex(loadSignatureBackend().backend.address!(a!.publicKey)));
    // Another object with the same content has no object entry but the same key.
    expect(cache.forTx({ ...a! })).toBeUndefined();
    expect(cache.get(cache.key(transferSigHash(a!), a!.publicKey, a!.signature))).toBeDefined();
    // Spent by a block, or evicted: the object finds nothing either.
    cache.delete(hit!.key);
    expect(cache.forTx(a!)).toBeUndefined();
    for (const t of [b!, c!, a!]) (await verifier.prepare([t])).cacheFor(t);
    expect(cache.forTx(a!)).toBeDefined();
    expect(cache.forTx(b!)).toBeUndefined();
  });

  it('is filled by mempool checks with valid signatures only, with or without a pool', async () => {
    const base = loadSignatureBackend().backend;
    const valid = Array.from({ length: 10 }, (_, i) => transfer(i));
    const flipped = valid.slice(0, 3).map((tx) => {
      const signature = tx.signature.slice();
      signature[9]! ^= 1;
      return { ...tx, signature };
    });
    const offered = [...valid, ...flipped, ...valid.slice(0, 3).map(highS), { ...valid[4]!, amount: 6n }];
    const pool = await readyPool(2);
    for (const p of [pool, undefined]) {
      const cache = new SignatureCache();
      const verifier = new SignatureVerifier(base, p, cache);
      // As the mempool does once it has admitted each one.
      await Promise.all(offered.map(async (tx) => (await verifier.prepare([tx])).cacheFor(tx)));
      expect(cache.size).toBe(valid.length);
      for (const tx of valid) {
        expect(bytesToHex(cache.get(cache.key(transferSigHash(tx), tx.publicKey, tx.signature))!)).toBe(
          bytesToHex(loadSignatureBackend().backend.address!(tx.publicKey)),
        );
      }
    }
  });
});

describe('a mempool restored at start-up', () => {
  it('checks its saved transactions in one batch and caches their signatures for the block', async () => {
    const fx = await ChainFixture.create();
    try {
      await fx.mine(1, { miner: W.alice });
      const pool = await readyPool(2);
      const open = (cache: SignatureCache) =>
        verifiedMempool(fx, new SignatureVerifier(fx.backend, pool, cache));
      const before = open(new SignatureCache());
      const txs = Array.from({ length: 6 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i) }));
      for (const tx of txs) await before.add(tx);
      const cache = new SignatureCache();
      const after = open(cache);
      await after.load();
      expect(after.entries().map((e) => e.id).sort()).toEqual(before.entries().map((e) => e.id).sort());
      expect(cache.size).toBe(6);
    } finally {
      await fx.close();
    }
  });
});

describe('a mempool refusing a validly signed transaction', () => {
  it('leaves the cache as it was, so refused transactions cannot evict the entries of ones that will be mined', async () => {
    const fx = await ChainFixture.create();
    try {
      await fx.mine(1, { miner: W.alice });
      const pool = await readyPool(2);
      const cache = new SignatureCache();
      const mempool = verifiedMempool(fx, new SignatureVerifier(fx.backend, pool, cache));
      // carol holds nothing: her signature verifies, her transaction cannot pay.
      const refused = await mempool.add(fx.tx(W.carol, W.bob, 1_000n)).then(() => 'admitted', (e: unknown) => (e instanceof RuleError ? e.code : String(e)));
      expect(refused).toBe('bad-txns-insufficient-funds');
      expect(cache.size).toBe(0);
      await mempool.add(fx.tx(W.alice, W.bob, 1_000n));
      expect(cache.size).toBe(1);
    } finally {
      await fx.close();
    }
  });
});

describe('a chain whose transactions were admitted to the mempool first', () => {
  it('connects the block from the cache without the pool, and rejects every mutation of a cached transaction as the serial chain does', async () => {
    const fx = await ChainFixture.create();
    try {
      const history = await fx.mine(2, { miner: W.alice });
      const branch = await fx.branch();
      const txs = Array.from({ length: 12 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i) }));
      const other = transfer(0);
      // Each mutates transactions 3..11 (enough to go to the pool) of the cached set.
      const mutations: [string, (tx: TransferTx) => TransferTx][] = [
        ['high-S of the cached signature', highS],
        ['a bit of the cached signature flipped', (tx) => {
          const signature = tx.signature.slice();
          signature[20]! ^= 1;
          return { ...tx, signature };
        }],
        ['amount changed under the cached signature', (tx) => ({ ...tx, amount: tx.amount + 1n })],
        ['another key under the cached signature', (tx) => ({ ...tx, publicKey: other.publicKey })],
        ['one mutation only, checked inline', (tx) => tx],
      ];
      const blocks: Block[] = mutations.map(([, mutate], m) =>
        branch.clone().next({
          txs: txs.map((tx, i) => (m === mutations.length - 1 ? (i === 7 ? highS(tx) : tx) : i >= 3 ? mutate(tx) : tx)),
        }),
      );
      const good = branch.clone().next({ txs });

      const run = (verifier: SignatureVerifier | undefined) =>
        withReplayedChain(fx, history, verifier, async (chain) => {
          const outcomes: string[] = [];
          for (const b of [...blocks, good]) {
            outcomes.push(await chain.processBlock(b).then((r) => r.status, (e: RuleError) => e.message));
          }
          return { outcomes, tip: chain.tip.id, height: chain.height };
        });

      const pool = await readyPool(2);
      const cache = new SignatureCache();
      const verifier = new SignatureVerifier(fx.backend, pool, cache);
      // Mempool admission, each transaction decoded on its own as it is relayed.
      await Promise.all(txs.map(async (tx) => { const copy = { ...tx }; (await verifier.prepare([copy])).cacheFor(copy); }));
      expect(cache.size).toBe(12);
      const asked: number[] = [];
      const check = pool.check.bind(pool);
      pool.check = (items, addresses) => (asked.push(items.length), check(items, addresses));

      const cached = await run(verifier);
      const serial = await run(undefined);
      expect(cached).toEqual(serial);
      expect(serial.outcomes).toEqual([
        'bad-txns-sig: signature does not verify',
        'bad-txns-sig: signature does not verify',
        'bad-txns-sig: signature does not verify',
        'bad-txns-sig: signature does not verify',
        'bad-txns-sig: signature does not verify',
        'connected',
      ]);
      expect(serial.height).toBe(3);
      // The four pool mutations went to the pool (9 checks each); the good block asked nothing.
      expect(asked).toEqual([9, 9, 9, 9].map((n) => n * ITEM_SIZE));
      // The block spent its entries.
      expect(cache.size).toBe(0);
    } finally {
      await fx.close();
    }
  });
});
