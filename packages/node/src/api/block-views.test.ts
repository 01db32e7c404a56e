import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { COIN, encodedTxCount, type Block } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { ChainEntry } from '../chain/entry.js';
import { BlockViews, type StatsOf } from './block-views.js';
import { blockStats } from './block-stats.js';
import { headerJson, txJson } from './serialize.js';

describe('BlockViews', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  const statsOf = (f: ChainFixture): StatsOf => (e, block, onMainChain) =>
    blockStats(block, e.height, f.params, onMainChain ? (id) => f.chain.contracts.receipt(id) : undefined);

  /** A chain whose tip block holds a coinbase and one transfer. */
  const withOneTransfer = async (): Promise<ChainFixture> => {
    const f = await ChainFixture.create();
    await f.mine(2);
    await f.mempool.add(f.tx(W.minerA, W.alice, 5n * COIN));
    await f.mine(1);
    return f;
  };

  it('renders a block as before, splicing confirmations and next hash per request, and decodes it once while cached', async () => {
    fx = await withOneTransfer();
    const chain = fx.chain;
    const backend = fx.backend;
    const loads: string[] = [];
    const load = async (e: ChainEntry): Promise<Block> => {
      loads.push(e.id);
      return (await chain.getBlock(e))!;
    };
    const entries = [1, 2, 3].map((h) => chain.getEntryByHeight(h)!);
    const stats = statsOf(fx);
    const sizes = await Promise.all(
      entries.map(async (e) => {
        const block = (await chain.getBlock(e))!;
        return JSON.stringify(block.txs.map((tx) => txJson(tx, backend))).length + JSON.stringify(await stats(e, block, true)).length;
      }),
    );
    // Room for the two newest blocks' transactions and stats (the larger ones), not all three.
    const budget = sizes[1]! + sizes[2]!;
    const views = new BlockViews(load, backend, stats, budget);
    const expected = async (e: ChainEntry, confirmations: number | null, next: string | null) => {
      const block = (await chain.getBlock(e))!;
      return JSON.stringify({
        ...headerJson(e, confirmations),
        nextHash: next,
        txCount: block.txs.length,
        stats: await stats(e, block, true),
        transactions: block.txs.map((tx) => txJson(tx, backend)),
      });
    };
    const [e1, e2, e3] = entries as [ChainEntry, ChainEntry, ChainEntry];

    expect((await views.detail(e1, 3, e2.id)).toString()).toBe(await expected(e1, 3, e2.id));
    expect((await views.detail(e1, 7, null)).toString()).toBe(await expected(e1, 7, null));
    expect((await views.detail(e2, 2, e3.id)).toString()).toBe(await expected(e2, 2, e3.id));
    expect(await views.txCount(e1)).toBe(1);
    expect(await views.txCount(e2)).toBe(1);
    expect(loads).toEqual([e1.id, e2.id]);

    // A third block pushes out the least recently used (block 1), and the budget holds.
    await views.detail(e3, 1, null);
    expect(views.cachedBytes).toBe(budget);
    await views.detail(e2, 2, e3.id);
    expect(loads).toEqual([e1.id, e2.id, e3.id]);
    await views.detail(e1, 3, e2.id);
    expect(loads).toEqual([e1.id, e2.id, e3.id, e1.id]);
    // Counts stay known without a decode once a block was seen.
    expect(await views.txCount(e3)).toBe(2);
    expect(loads).toHaveLength(4);
  });

  it('renders a block once for requests that arrive together, and refuses a refused request alone', async () => {
    fx = await withOneTransfer();
    const chain = fx.chain;
    const tip = chain.tip;
    let loads = 0;
    const views = new BlockViews(
      async (e) => {
        loads++;
        return (await chain.getBlock(e))!;
      },
      fx.backend,
      statsOf(fx),
    );
    let charged = 0;
    const charge = async () => {
      charged++;
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => views.detail(tip, 1, null, charge)));
    expect(new Set(answers.map(String)).size).toBe(1);
    expect(JSON.parse(answers[0]!.toString()).transactions).toHaveLength(2);
    // Each request that found the block neither rendered nor being rendered was charged, as before.
    expect({ loads, charged }).toEqual({ loads: 1, charged: 20 });
    // Once rendered, it is served without a charge.
    await views.detail(tip, 1, null, charge);
    expect({ loads, charged }).toEqual({ loads: 1, charged: 20 });
    // A refused request refuses only itself: the next one renders.
    const refuse = async () => {
      throw new Error('rate limited');
    };
    const other = chain.getEntryByHeight(0)!;
    await expect(views.detail(other, 2, tip.id, refuse)).rejects.toThrow('rate limited');
    expect(JSON.parse((await views.detail(other, 2, tip.id, charge)).toString()).hash).toBe(other.id);
    expect({ loads, charged }).toEqual({ loads: 2, charged: 21 });
  });

  it('counts a page\'s transactions from the stored bytes, once per block for requests that arrive together, without decoding a block', async () => {
    fx = await withOneTransfer();
    const chain = fx.chain;
    let decoded = 0;
    let read = 0;
    const views = new BlockViews(
      async (e) => {
        decoded++;
        return (await chain.getBlock(e))!;
      },
      fx.backend,
      statsOf(fx),
      undefined,
      async (e) => {
        read++;
        return encodedTxCount((await chain.getRawBlock(e))!);
      },
    );
    const page = [0, 1, 2, 3].map((h) => chain.getEntryByHeight(h)!);
    const answers = await Promise.all(Array.from({ length: 50 }, () => Promise.all(page.map((e) => views.txCount(e)))));
    expect(answers[0]).toEqual(await Promise.all(page.map(async (e) => (await chain.getBlock(e))!.txs.length)));
    expect(answers[0]).toEqual([1, 1, 1, 2]);
    expect(new Set(answers.map((a) => a.join()))).toEqual(new Set([answers[0]!.join()]));
    expect({ read, decoded }).toEqual({ read: 4, decoded: 0 });
  });
  it("leaves no listener on a client's signal once the renders and counts it joined are done", async () => {
    fx = await withOneTransfer();
    const chain = fx.chain;
    const views = new BlockViews(async (e) => (await chain.getBlock(e))!, fx.backend, statsOf(fx), 0);
    const client = new AbortController();
    const entries = [1, 2, 3].map((h) => chain.getEntryByHeight(h)!);
    // As one request of /api/blockchain/full does: every block rendered and counted under its one signal
    // (a cache of 0 bytes keeps nothing, so each call renders).
    for (let round = 0; round < 5; round++) {
      await Promise.all(entries.map((e) => views.detail(e, 1, null, undefined, client.signal)));
      await Promise.all(entries.map((e) => views.txCount(e, client.signal)));
    }
    expect(getEventListeners(client.signal, 'abort')).toHaveLength(0);
  });
});
