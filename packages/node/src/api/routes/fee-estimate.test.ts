import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { COIN, signedTransferSize } from '@hackcoin/core';
import { ChainFixture, W } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import { SortedMempool } from '../mempool-view.js';
import { FEE_WINDOW_BLOCKS, feeEstimateRoutes } from './fee-estimate.js';

describe('GET /api/fees/estimate', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  it('reads the window of blocks once per tip, however many requests arrive together', async () => {
    fx = await ChainFixture.create();
    await fx.mine(FEE_WINDOW_BLOCKS + 2);
    const chain = fx.chain;
    const reads: string[] = [];
    const getBlock = chain.getBlock.bind(chain);
    chain.getBlock = (e) => {
      reads.push(e.id);
      return getBlock(e);
    };
    app = Fastify();
    feeEstimateRoutes(app, { chain, mempool: fx.mempool, params: fx.params, minFeeRate: 1n } as unknown as ApiContext, new SortedMempool(fx.mempool));
    const answers = await Promise.all(Array.from({ length: 20 }, () => app!.inject({ method: 'GET', url: '/api/fees/estimate' })));
    expect(new Set(answers.map((r) => r.statusCode))).toEqual(new Set([200]));
    expect(answers[0]!.json().basis.blocks).toBe(FEE_WINDOW_BLOCKS);
    expect(reads).toHaveLength(FEE_WINDOW_BLOCKS);
    expect(new Set(reads).size).toBe(FEE_WINDOW_BLOCKS);

    await fx.mine(1);
    await app.inject({ method: 'GET', url: '/api/fees/estimate' });
    expect(reads).toHaveLength(2 * FEE_WINDOW_BLOCKS);
    expect(reads.at(-FEE_WINDOW_BLOCKS)).toBe(chain.tip.id);
  });

  it('counts only transactions this node held before their block: a miner filling its own blocks with fees paid to itself moves nothing', async () => {
    fx = await ChainFixture.create();
    await fx.fundWallets();
    app = Fastify();
    feeEstimateRoutes(app, { chain: fx.chain, mempool: fx.mempool, params: fx.params, minFeeRate: 1n } as unknown as ApiContext, new SortedMempool(fx.mempool));
    const estimate = async () => (await app!.inject({ method: 'GET', url: '/api/fees/estimate' })).json();
    const size = BigInt(signedTransferSize(0));
    // Relayed first, then mined: 3 units a byte.
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { fee: 3n * size, nonce: (await fx.account(W.alice)).nonce }));
    await fx.mine(1);
    // Never relayed: the miner's own block, paying 50,000 units a byte, twice.
    for (let i = 0; i < 2; i++) {
      const nonce = (await fx.account(W.carol)).nonce;
      const own = (await fx.branch()).next({ txs: [fx.tx(W.carol, W.bob, COIN, { fee: 50_000n * size, nonce })] });
      expect((await fx.chain.processBlock(own)).status).toBe('connected');
    }
    const e = await estimate();
    expect(e.basis.samples).toBe(1);
    expect([e.slow, e.normal, e.fast]).toEqual(['3', '3', '3']);
  });

  it('answers from the last estimate while the pool is unchanged, and anew as soon as a transaction joins it', async () => {
    fx = await ChainFixture.create();
    await fx.fundWallets();
    app = Fastify();
    feeEstimateRoutes(app, { chain: fx.chain, mempool: fx.mempool, params: fx.params, minFeeRate: 1n } as unknown as ApiContext, new SortedMempool(fx.mempool));
    const estimate = async () => (await app!.inject({ method: 'GET', url: '/api/fees/estimate' })).json();
    const first = await estimate();
    expect(await estimate()).toEqual(first);
    expect(first.basis.mempoolTxs).toBe(0);
    const size = BigInt(signedTransferSize(0));
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { fee: 7n * size, nonce: (await fx.account(W.alice)).nonce }));
    const second = await estimate();
    expect(second.basis.mempoolTxs).toBe(1);
    expect(await estimate()).toEqual(second);
  });
});
