import { afterEach, describe, expect, it } from 'vitest';
import { bytesToHex, encodeTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

describe('one transaction of a stored block', () => {
  it('is read without the block, the same as the block gives it, and is null past the last', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.fundWallets();
    const entry = fx.chain.tip;
    // Read from the store (nothing decoded cached yet), then from the decoded block.
    const single = await Promise.all([0, 1, 2, 3, 4].map((i) => fx.chain.getTx(entry, i)));
    const block = (await fx.chain.getBlock(entry))!;
    expect(block.txs).toHaveLength(5);
    expect(single.map((tx) => bytesToHex(encodeTx(tx!)))).toEqual(block.txs.map((tx) => bytesToHex(encodeTx(tx))));
    expect(single[1]!.kind === 'transfer' && bytesToHex(single[1]!.to)).toBe(bytesToHex(W.alice.address));
    expect([await fx.chain.getTx(entry, 5), await fx.chain.getTx(entry, -1)]).toEqual([null, null]);
  });
});
