import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, computeMerkleRoot, decodeCompact, hashMeetsTarget, headerHash, targetFromBits, type Block } from '@hackcoin/core';
import { ChainFixture, REGTEST, W } from '../../test-support/chain-fixture.js';
import { FakePeers, testLog } from '../test-peers.js';
import type { Validation } from '../libp2p.js';
import { CompactRelay } from './compact-relay.js';
import { encodeCompactBlock } from './messages.js';
import { toCompact } from './reconstruct.js';
import { RecentBlocks } from './recent-blocks.js';

const POW_LIMIT = decodeCompact(REGTEST.powLimitBits).target;
const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

function grind(b: Block): Block {
  const header = { ...b.header };
  const target = targetFromBits(header.bits, POW_LIMIT)!;
  do header.nonce++;
  while (!hashMeetsTarget(headerHash(header), target));
  return { header, txs: b.txs };
}

function relayOn(fx: ChainFixture, fullBlock: () => Promise<Block | undefined>, orphans: string[]): CompactRelay {
  const peers = new FakePeers();
  peers.add('X', { chainWork: 0n });
  return new CompactRelay({
    chain: fx.chain,
    pool: () => [],
    peers,
    requester: {
      request: async () => {
        throw new Error('no answer');
      },
    },
    protocol: '/t',
    fullBlock,
    recent: new RecentBlocks(fx.chain),
    params: REGTEST,
    now: () => fx.clock.now,
    log: testLog,
    onOrphan: (id) => orphans.push(id),
    onUnobtained: () => undefined,
  });
}

describe('compact blocks arriving in a burst', () => {
  it('judges each against the one before it while none is indexed yet, so the third of three is not lost to header sync', async () => {
    const a = await ChainFixture.create();
    const b = await ChainFixture.create();
    fixtures.push(a, b);
    for (const blk of await a.mine(2)) await b.chain.processBlock(blk);
    const burst = await a.mine(4);
    const orphans: string[] = [];
    const relay = relayOn(b, async () => undefined, orphans);
    // The chain's queue is busy: nothing handed over is indexed yet.
    const handed: string[] = [];
    const accept = async (blk: Block): Promise<Validation> => {
      handed.push(headerHash(blk.header).join());
      return 'accept';
    };
    for (const blk of burst) await relay.receive('X', encodeCompactBlock(toCompact(blk, new Uint8Array(8))), accept);
    expect(handed).toEqual(burst.map((blk) => headerHash(blk.header).join()));
    expect(orphans).toEqual([]);
  });

  it('does not stand a rebuilt block without a coinbase in for a parent: its child is ignored, nothing thrown', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(2);
    const br = await fx.branch();
    const good = br.clone().next();
    // A header extending our tip whose body, served whole on fallback, has no coinbase.
    const txs = [fx.tx(W.minerA, W.bob, 10n, { nonce: 0n })];
    const parent = grind({ header: { ...good.header, merkleRoot: computeMerkleRoot(txs) }, txs });
    const next = (await fx.branch()).next();
    const child = grind({ header: { ...next.header, prevHash: blockHash(parent), time: parent.header.time + 1 }, txs: next.txs });
    const orphans: string[] = [];
    const relay = relayOn(fx, async () => parent, orphans);
    const accept = async (): Promise<Validation> => 'ignore';
    await relay.receive('X', encodeCompactBlock({ ...toCompact(good, new Uint8Array(8)), header: parent.header, shortIds: [1] }), accept);
    await expect(relay.receive('X', encodeCompactBlock(toCompact(child, new Uint8Array(8))), accept)).resolves.toBe('ignore');
    expect(orphans).toEqual(['X']);
  });
});
