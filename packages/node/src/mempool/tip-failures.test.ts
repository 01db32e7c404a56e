import { afterEach, describe, expect, it, vi } from 'vitest';
import { COIN, hashToHex, txHash, type TransferTx } from '@hackcoin/core';
import { OpenFixtures, W } from '../test-support/chain-fixture.js';

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

const id = (tx: TransferTx): string => hashToHex(txHash(tx));

describe('the pass after a new tip survives local failures', () => {
  it('a returned transaction that fails otherwise than by rule is logged and skipped: the reorg\'s other transactions still come back', async () => {
    const fx = await fixtures.create();
    await fx.fundWallets();
    await fx.mempool.add(fx.tx(W.alice, W.carol, COIN, { nonce: 0n }));
    await fx.mine(1);
    const fork = await fx.branch();
    // One block with bob's call (nonce 0) and alice's transfer (nonce 1): returned by a reorg, the call is re-added first.
    const callTx = fx.callToNoContract(W.bob, 0n, 100_000, 1n);
    const transfer = fx.tx(W.alice, W.carol, COIN, { nonce: 1n });
    await fx.mempool.add(callTx);
    await fx.mempool.add(transfer);
    await fx.mine(1);
    expect(fx.mempool.size).toBe(0);

    // The VM can no longer be loaded (a local failure, not a verdict on the call).
    const chain = fx.chain as unknown as { executor: () => Promise<unknown> };
    chain.executor = () => Promise.reject(new Error('simulated VM load failure'));
    const errors = vi.spyOn(fx.log, 'error');
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const heavier = [fork.next(), fork.next()];
      for (const b of heavier) await fx.chain.processBlock(b);
      await fx.settle();
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(fx.mempool.get(id(transfer))).toBeDefined();
    expect(fx.mempool.get(id(callTx))).toBeUndefined();
    expect(errors.mock.calls.some(([m]) => String(m).includes(id(callTx)) && String(m).includes('simulated VM load failure'))).toBe(true);
    expect(unhandled).toEqual([]);
  });
});
