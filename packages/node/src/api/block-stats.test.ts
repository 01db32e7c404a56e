import { afterEach, describe, expect, it } from 'vitest';
import { COIN, blockSubsidy, encodeTx, formatAddress, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { blockStats } from './block-stats.js';

describe('blockStats', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it("sums what a block's transfers and contract calls paid, which a template's coinbase claims in full", async () => {
    fx = await ChainFixture.create();
    await fx.mine(2);
    const cheap = fx.tx(W.minerA, W.alice, 5n * COIN, { nonce: 0n, fee: 1_000n });
    const dear = fx.tx(W.minerA, W.bob, 1n * COIN, { nonce: 1n, fee: 9_000n });
    const call = fx.callToNoContract(W.minerA, 2n, 100_000, 3n);
    for (const tx of [cheap, dear, call]) await fx.mempool.add(tx);
    const [block] = await fx.mine(1, { miner: W.carol });
    expect(block!.txs).toHaveLength(4);
    const e = fx.chain.tip;
    const stats = await blockStats(block!, e.height, fx.params, (id) => fx!.chain.contracts.receipt(id));

    const subsidy = blockSubsidy(e.height, fx.params);
    expect(stats.subsidy).toBe(subsidy.toString());
    // The template claimed subsidy plus every fee, as the chain computed them: the stats agree.
    expect(BigInt(stats.reward)).toBe(subsidy + BigInt(stats.fees!));
    // The call paid its intrinsic gas, far below the 100,000 it declared.
    expect(stats.gasUsed).toBeGreaterThan(0);
    expect(stats.gasUsed).toBeLessThan(100_000);
    expect(BigInt(stats.fees!)).toBe(10_000n + BigInt(stats.gasUsed!) * 3n);
    expect(stats.miner).toBe(formatAddress(W.carol.address));
    expect(stats.size).toBe(80 + 1 + block!.txs.reduce((n, tx) => n + encodeTx(tx).length, 0));
    const rate = (tx: TransferTx) => Math.round((Number(tx.fee) / encodeTx(tx).length) * 100) / 100;
    // Plain transfers only: the call pays per gas.
    expect(stats.feeRate).toEqual({ min: rate(cheap), median: rate(dear), max: rate(dear) });
  });

  it('leaves fees and gas unknown without receipts (a block off the main chain), and knows them for plain transfers alone', async () => {
    fx = await ChainFixture.create();
    await fx.mine(2);
    await fx.mempool.add(fx.callToNoContract(W.minerA, 0n, 100_000, 3n));
    const [withCall] = await fx.mine(1);
    const off = await blockStats(withCall!, fx.chain.height, fx.params, undefined);
    expect({ fees: off.fees, gasUsed: off.gasUsed, feeRate: off.feeRate }).toEqual({ fees: null, gasUsed: null, feeRate: null });

    await fx.mempool.add(fx.tx(W.minerA, W.alice, COIN, { nonce: 1n, fee: 2_000n }));
    const [plain] = await fx.mine(1);
    const side = await blockStats(plain!, fx.chain.height, fx.params, undefined);
    expect({ fees: side.fees, gasUsed: side.gasUsed }).toEqual({ fees: '2000', gasUsed: 0 });
    const empty = await blockStats((await fx.mine(1))[0]!, fx.chain.height, fx.params, undefined);
    expect({ fees: empty.fees, feeRate: empty.feeRate, reward: empty.reward }).toEqual({ fees: '0', feeRate: null, reward: blockSubsidy(fx.chain.height, fx.params).toString() });
  });
});
