import { afterEach, describe, expect, it, vi } from 'vitest';
import { COIN } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { SortedMempool } from './mempool-view.js';

describe('SortedMempool', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it('sorts the pool once per change: repeated reads share one sorted copy, an added or removed entry makes a new one', async () => {
    fx = await ChainFixture.create();
    await fx.mine(2);
    const sorts = vi.spyOn(fx.mempool, 'entries');
    const view = new SortedMempool(fx.mempool);
    await fx.mempool.add(fx.tx(W.minerA, W.alice, COIN, { fee: 1_000n }));
    await fx.mempool.add(fx.tx(W.minerA, W.bob, COIN, { nonce: 1n, fee: 50_000n }));

    const first = view.entries();
    expect(first.map((e) => e.tx.to)).toEqual([W.bob.address, W.alice.address]);
    for (let i = 0; i < 10; i++) expect(view.entries()).toBe(first);
    expect(sorts).toHaveBeenCalledTimes(1);

    await fx.mempool.add(fx.tx(W.minerA, W.carol, COIN, { nonce: 2n, fee: 20_000n }));
    expect(view.entries().map((e) => e.tx.to)).toEqual([W.bob.address, W.carol.address, W.alice.address]);
    expect(view.entries()).toBe(view.entries());
    expect(sorts).toHaveBeenCalledTimes(2);

    await fx.mine(1);
    expect(view.entries()).toEqual([]);
    expect(sorts).toHaveBeenCalledTimes(3);

    view.close();
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN / 2n));
    // Detached: the view no longer follows the pool.
    expect(view.entries()).toEqual([]);
  });
});
