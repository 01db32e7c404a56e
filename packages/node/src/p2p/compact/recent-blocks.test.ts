import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, hashToHex, type Block } from '@hackcoin/core';
import { ChainFixture, W } from '../../test-support/chain-fixture.js';
import { MAX_BLOCKTXN_DEPTH, RecentBlocks } from './recent-blocks.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

const idOf = (b: Block | undefined): string | undefined => (b ? hashToHex(blockHash(b)) : undefined);

describe('blocks a getblocktxn is answered from', () => {
  it('are read from the store only near the tip and only if we could vouch for them', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const mined = await fx.mine(MAX_BLOCKTXN_DEPTH + 2, { miner: W.alice });
    const beside = await fx.branch();
    mined.push(...(await fx.mine(1, { miner: W.alice })));
    const recent = new RecentBlocks(fx.chain);
    const tip = mined[mined.length - 1]!;
    const deepest = mined[mined.length - 1 - MAX_BLOCKTXN_DEPTH]!;
    expect(idOf(await recent.get(blockHash(tip)))).toBe(idOf(tip));
    expect(idOf(await recent.get(blockHash(deepest)))).toBe(idOf(deepest));
    // One deeper: a request of a few bytes would decode a whole stored block.
    expect(await recent.get(blockHash(mined[mined.length - 2 - MAX_BLOCKTXN_DEPTH]!))).toBeUndefined();
    // A side block with the tip's work, stored but never validated.
    const side = beside.next({ miner: W.bob });
    expect((await fx.chain.processBlock(side)).status).toBe('side');
    expect(await recent.get(blockHash(side))).toBeUndefined();
  });

  it('keeps a block it read from the store, so a request for one transaction decodes it once', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const [block] = await fx.mine(1, { miner: W.alice });
    let reads = 0;
    const counting = { ...fx.chain, getEntry: fx.chain.getEntry.bind(fx.chain), canServe: fx.chain.canServe.bind(fx.chain), height: fx.chain.height,
      getRawBlock: async (e: Parameters<typeof fx.chain.getRawBlock>[0]) => { reads++; return fx.chain.getRawBlock(e); } };
    const recent = new RecentBlocks(counting);
    const first = await recent.get(blockHash(block!));
    expect(await recent.get(blockHash(block!))).toBe(first);
    expect([idOf(first), reads]).toEqual([idOf(block), 1]);
    expect(recent.peek(idOf(block)!)).toBe(first);
  });
});
