import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressKey, hashToHex, txHash, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { MempoolEntry } from './entry.js';
import { selectPackages } from './package-select.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** Encoded size of a plain transfer, so a fee of n × SIZE pays n units per byte. */
const SIZE = 147n;
const id = (tx: TransferTx): string => hashToHex(txHash(tx));

async function funded(): Promise<ChainFixture> {
  const fx = await ChainFixture.create({});
  fixtures.push(fx);
  await fx.fundWallets();
  return fx;
}

describe('block template selection by package', () => {
  it('a tail paying well pulls in the cheaper nonce under it ahead of a sender paying more per transaction (child pays for parent)', async () => {
    const fx = await funded();
    const a0 = fx.tx(W.alice, W.dave, 1n, { nonce: 0n, fee: 1n * SIZE });
    const a1 = fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 55n * SIZE });
    const b0 = fx.tx(W.bob, W.dave, 1n, { nonce: 0n, fee: 10n * SIZE });
    const b1 = fx.tx(W.bob, W.dave, 1n, { nonce: 1n, fee: 10n * SIZE });
    for (const tx of [a0, a1, b0, b1]) await fx.mempool.add(tx);
    // Alice's pair pays 28 per byte together; by single transactions her head (1) came last.
    expect(fx.mempool.select(2, 1_000_000).map(id)).toEqual([id(a0), id(a1)]);
    expect(fx.mempool.select(4, 1_000_000).map(id)).toEqual([id(a0), id(a1), id(b0), id(b1)]);
  });

  it('a package that does not fit is tried as its first transaction, and one that does not fit holds back its sender', async () => {
    const fx = await funded();
    const a0 = fx.tx(W.alice, W.dave, 1n, { nonce: 0n, fee: 2n * SIZE });
    const a1 = fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 40n * SIZE });
    const b0 = fx.tx(W.bob, W.dave, 1n, { nonce: 0n, fee: 5n * SIZE });
    for (const tx of [a0, a1, b0]) await fx.mempool.add(tx);
    const one = Number(SIZE);
    // Room for one transaction: alice's pair (21 per byte) does not fit, alone her head pays 2, bob's 5.
    expect(fx.mempool.select(1, 10 * one).map(id)).toEqual([id(b0)]);
    expect(fx.mempool.select(10, one).map(id)).toEqual([id(b0)]);
    expect(fx.mempool.select(10, 2 * one).map(id)).toEqual([id(a0), id(a1)]);
  });

  it('a transaction assembly left out is passed over, and its sender goes on after it', async () => {
    const fx = await funded();
    const a0 = fx.tx(W.alice, W.dave, 1n, { nonce: 0n, fee: 1n * SIZE });
    const a1 = fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 30n * SIZE });
    await fx.mempool.add(a0);
    await fx.mempool.add(a1);
    expect(fx.mempool.select(10, 1_000_000, new Set([id(a0)])).map(id)).toEqual([id(a1)]);
  });

  it('within its budget, takes every sender in nonce order, each package at least as rich as any left out (property)', () => {
    // Synthetic entries: selection looks only at sizes, fees, gas and ids.
    const entry = (sender: number, nonce: number, fee: number, size: number): MempoolEntry =>
      ({ tx: { nonce: BigInt(nonce), sender } as unknown as TransferTx, id: `${sender}:${nonce}`, senderKey: String(sender), fee: BigInt(fee), size, vsize: size, feeRate: fee / size, gasLimit: 0 }) as unknown as MempoolEntry;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ fee: fc.integer({ min: 0, max: 10_000 }), size: fc.integer({ min: 100, max: 400 }) }), { minLength: 1, maxLength: 8 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 4_000 }),
        (senders, maxTxs, maxBytes) => {
          const runs = senders.map((run, s) => run.map((t, n) => entry(s, n, t.fee, t.size)));
          const out = selectPackages(runs, { maxTxs, maxBytes, maxGas: 1, skip: new Set() });
          const picked = out.map((tx) => tx as unknown as { sender: number; nonce: bigint });
          expect(picked.length).toBeLessThanOrEqual(maxTxs);
          const bytes = picked.reduce((sum, t) => sum + senders[t.sender]![Number(t.nonce)]!.size, 0);
          expect(bytes).toBeLessThanOrEqual(maxBytes);
          // Each sender's picks are its first nonces, in order: no gap a block could not apply.
          for (let s = 0; s < senders.length; s++) {
            const nonces = picked.filter((t) => t.sender === s).map((t) => Number(t.nonce));
            expect(nonces).toEqual(nonces.map((_, i) => i));
          }
        },
      ),
    );
  });
});

describe('selection and eviction agree on packages', () => {
  it('what eviction keeps for its package is what selection mines first', async () => {
    const fx = await funded();
    const txs = [
      fx.tx(W.alice, W.dave, 1n, { nonce: 0n, fee: 1n * SIZE }),
      fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 99n * SIZE }),
      fx.tx(W.carol, W.dave, 1n, { nonce: 0n, fee: 20n * SIZE }),
    ];
    for (const tx of txs) await fx.mempool.add(tx);
    const first = fx.mempool.select(2, 1_000_000);
    expect(first.map((tx) => addressKey(fx.mempool.get(id(tx))!.sender))).toEqual([addressKey(W.alice.address), addressKey(W.alice.address)]);
  });
});
