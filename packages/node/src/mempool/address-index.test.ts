import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressKey, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, ALL_WALLETS } from '../test-support/chain-fixture.js';
import { AddressIndex } from './address-index.js';
import type { MempoolEntry } from './entry.js';

/** What the index should say of `key`, worked out by a pass over the live entries in admission order. */
function model(admitted: readonly MempoolEntry[], key: string) {
  const mine = admitted.filter((e) => e.senderKey === key || e.recipientKey === key);
  const fromOthers = mine.filter((e) => e.recipientKey === key && e.senderKey !== key);
  return {
    summary: { sent: mine.filter((e) => e.senderKey === key).length, others: fromOthers.length, incoming: fromOthers.reduce((n, e) => n + e.tx.amount, 0n) },
    newest: mine.map((e) => e.id).reverse(),
    sends: mine.filter((e) => e.senderKey === key).map((e) => e.id).reverse(),
  };
}

function expectAgrees(index: AddressIndex, admitted: readonly MempoolEntry[], keys: readonly string[]): void {
  for (const k of keys) {
    const want = model(admitted, k);
    expect(index.summary(k)).toEqual(want.summary);
    expect([...index.newest(k)].map((e) => e.id)).toEqual(want.newest);
    expect(index.sends(k).map((e) => e.id)).toEqual(want.sends);
  }
}

describe('AddressIndex', () => {
  const keys = ['a', 'b', 'c'];
  let made = 0;
  const entry = (from: string, to: string, amount: bigint): MempoolEntry => ({ id: `tx${++made}`, senderKey: from, recipientKey: to, tx: { amount } as TransferTx }) as MempoolEntry;

  it('agrees with a pass over the entries after any run of adds and removals', () => {
    const op = fc.oneof(
      fc.record({ add: fc.constantFrom(...keys), to: fc.constantFrom(...keys), amount: fc.bigInt({ min: 0n, max: 1_000n }) }),
      fc.record({ remove: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new AddressIndex();
        const live: MempoolEntry[] = [];
        for (const o of ops) {
          if ('add' in o) {
            const e = entry(o.add, o.to, o.amount);
            index.add(e);
            live.push(e);
          } else if (live.length > 0) {
            const [e] = live.splice(o.remove % live.length, 1);
            index.remove(e!);
            index.remove(e!);
          }
          expectAgrees(index, live, keys);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads only as far as it is asked: stopping after one entry leaves the rest unread', () => {
    const index = new AddressIndex();
    const read = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const e = entry('b', 'a', 1n);
      const { senderKey } = e;
      Object.defineProperty(e, 'senderKey', { get: () => (read.add(e.id), senderKey) });
      index.add(e);
    }
    read.clear();
    const [first] = index.newest('a');
    expect(first?.id).toBe(`tx${made}`);
    expect(read.size).toBeLessThanOrEqual(2);
    expect(index.summary('a')).toEqual({ sent: 0, others: 1_000, incoming: 1_000n });
  });
});

describe("the mempool's address index as the pool changes", () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  /** The index seen through the pool, against the pool's own entries in the order tx:added announced them. */
  const watch = (f: ChainFixture): (() => void) => {
    const added: MempoolEntry[] = [];
    f.mempool.on('tx:added', (e) => added.push(e));
    const keys = ALL_WALLETS.map((w) => addressKey(w.address));
    return () => {
      const live = added.filter((e) => f.mempool.get(e.id) === e);
      expect(live.length).toBe(f.mempool.size);
      for (const k of keys) {
        const want = model(live, k);
        expect(f.mempool.addresses.summary(k)).toEqual(want.summary);
        expect([...f.mempool.addresses.newest(k)].map((e) => e.id)).toEqual(want.newest);
      }
    };
  };

  it('follows adds, replacements, a block, and the reorg that returns its transactions', async () => {
    fx = await ChainFixture.create();
    const f = fx;
    await f.fundWallets();
    const check = watch(f);
    const sent: TransferTx[] = [];
    const send = async (tx: TransferTx) => {
      f.clock.now++;
      await f.mempool.add(tx);
      sent.push(tx);
      check();
    };
    for (let n = 0n; n < 3n; n++) await send(f.tx(W.alice, W.carol, 10n + n, { nonce: n }));
    for (let n = 0n; n < 2n; n++) await send(f.tx(W.bob, W.carol, 40n + n, { nonce: n }));
    await send(f.tx(W.carol, W.dave, 5n, { nonce: 0n }));
    await send(f.tx(W.carol, W.carol, 7n, { nonce: 1n }));
    // Bob's nonce 0 replaced: the replacement is carol's newest payment.
    await send(f.tx(W.bob, W.carol, 99n, { nonce: 0n, fee: 5_000n }));
    const carol = addressKey(W.carol.address);
    expect([...f.mempool.addresses.newest(carol)][0]!.tx.amount).toBe(99n);
    expect(f.mempool.addresses.summary(carol)).toEqual({ sent: 2, others: 5, incoming: 10n + 11n + 12n + 99n + 41n });

    const fork = await f.branch();
    const [a0, a1] = sent;
    expect((await f.chain.processBlock((await f.branch()).next({ txs: [a0!, a1!] }))).status).toBe('connected');
    await f.settle();
    check();
    expect(f.mempool.addresses.summary(carol)).toEqual({ sent: 2, others: 3, incoming: 12n + 99n + 41n });

    // Two empty blocks from before it take the block back, and its transactions return to the pool.
    expect((await f.chain.processBlock(fork.next())).status).toBe('side');
    expect((await f.chain.processBlock(fork.next())).status).toBe('connected');
    await f.settle();
    check();
    expect(f.mempool.addresses.summary(carol)).toEqual({ sent: 2, others: 5, incoming: 10n + 11n + 12n + 99n + 41n });
  });

  it('follows evictions from a full pool', async () => {
    fx = await ChainFixture.create({ maxTxs: 6 });
    const f = fx;
    await f.fundWallets();
    const check = watch(f);
    for (let n = 0n; n < 3n; n++) await f.mempool.add(f.tx(W.alice, W.carol, 10n, { nonce: n }));
    for (let n = 0n; n < 3n; n++) await f.mempool.add(f.tx(W.bob, W.carol, 20n, { nonce: n, fee: 2_000n }));
    await f.mempool.add(f.tx(W.dave, W.carol, 30n, { fee: 50_000n }));
    check();
    // Alice's last nonce, the cheapest package, made room for dave's payment.
    expect(f.mempool.addresses.summary(addressKey(W.carol.address))).toEqual({ sent: 0, others: 6, incoming: 2n * 10n + 3n * 20n + 30n });
  });
});
