import { afterEach, describe, expect, it } from 'vitest';
import { computeMerkleRoot, decodeCompact, hashMeetsTarget, hashToHex, headerHash, targetFromBits, type Block, type CoinbaseTx } from '@hackcoin/core';
import { REGTEST, W, type ChainFixture } from '../../test-support/chain-fixture.js';
import { encodeCompactBlock } from './messages.js';
import { toCompact } from './reconstruct.js';
import { deliver, network, offences } from './test-network.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A's block with a second coinbase at index 2, its merkle root recomputed and its proof of work ground anew. */
function secondCoinbase(block: Block): Block {
  const cb = block.txs[0] as CoinbaseTx;
  return reground(block, [cb, block.txs[1]!, { ...cb, extra: new Uint8Array([0xee]) }, ...block.txs.slice(2)]);
}

function reground(block: Block, txs: Block['txs']): Block {
  const header = { ...block.header, merkleRoot: computeMerkleRoot(txs) };
  const target = targetFromBits(header.bits, decodeCompact(REGTEST.powLimitBits).target)!;
  while (!hashMeetsTarget(headerHash(header), target)) header.nonce++;
  return { header, txs };
}

describe('a compact block whose block breaks a context-free rule', () => {
  it('fetched whole: its sender is blamed, and it is neither forwarded nor cached, so the next hop never bans an honest relayer for a coinbase in a getblocktxn answer', async () => {
    const { net, block, H, N, A } = await network(fixtures, 3);
    const evil = secondCoinbase(block);
    A.serve = async () => evil;
    const id = hashToHex(headerHash(evil.header));
    const bytes = encodeCompactBlock(toCompact(evil, new Uint8Array(8).fill(3)));
    // H lacks the transactions, gets an empty getblocktxn answer (A's cache lacks the block), then the block whole.
    expect(await deliver(net, 'H', 'A', bytes)).toBe('reject');
    expect(offences(H.peers)).toEqual(['A invalidBlock compact block ' + id.slice(0, 16) + ' fetched whole']);
    expect(H.recent.peek(id)).toBeUndefined();
    expect(H.relay.stats().forwardedEarly).toBe(0);
    expect(H.fx.chain.getEntry(id)).toBeUndefined();
    // Had H forwarded it, N would have asked H for the second coinbase and banned H for the answer.
    expect(await deliver(net, 'N', 'H', bytes)).not.toBe('accept');
    expect(offences(N.peers).filter((o) => o.startsWith('H '))).toEqual([]);
  });

  it('rebuilt from a getblocktxn answer: not forwarded or cached, and nobody is blamed, since honest relayers may forward before checking', async () => {
    const { net, block, H, A } = await network(fixtures, 3);
    // A transfer whose data is no contract payload: no mempool holds it, so H must ask A for it.
    const junk = A.fx.tx(W.minerA, W.bob, 1n, { nonce: 3n, data: new TextEncoder().encode('not json') });
    const evil = reground(block, [...block.txs, junk]);
    const id = hashToHex(headerHash(evil.header));
    A.recent.add(id, evil);
    expect(await deliver(net, 'H', 'A', encodeCompactBlock(toCompact(evil, new Uint8Array(8).fill(5))))).toBe('ignore');
    expect(H.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 0, forwardedEarly: 0 });
    expect(offences(H.peers)).toEqual([]);
    expect(H.recent.peek(id)).toBeUndefined();
    expect(H.fx.chain.getEntry(id)).toBeUndefined();
  });
});
