import { afterEach, describe, expect, it } from 'vitest';
import { computeMerkleRoot, headerHash, type Block } from '@hackcoin/core';
import type { ChainFixture } from '../../test-support/chain-fixture.js';
import { encodeCompactBlock } from './messages.js';
import { toCompact } from './reconstruct.js';
import { deliver, network, offences } from './test-network.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/**
 * A's block of two transfers, [cb, t1, t2], and its CVE-2012-2459 copy
 * [cb, t1, t2, t2]: the same header, proof of work and merkle root.
 */
async function mutatedNetwork() {
  const net = await network(fixtures, 2);
  const mutated: Block = { header: net.block.header, txs: [...net.block.txs, net.block.txs[2]!] };
  expect(computeMerkleRoot(mutated.txs)).toEqual(net.block.header.merkleRoot);
  expect(headerHash(mutated.header)).toEqual(headerHash(net.block.header));
  return { ...net, mutated };
}

const truth = (block: Block) => encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9)));

describe('a compact block whose block repeats its tail (CVE-2012-2459)', () => {
  it('fetched whole after its repeated short ids: the sender is penalised (mutatedBlock), nothing is forwarded, cached or marked, and the honest block is taken after', async () => {
    const { net, id, block, mutated, A, H, N } = await mutatedNetwork();
    A.serve = async () => mutated;
    // Its short ids repeat (t2 twice), so H cannot rebuild it and fetches it whole from A.
    const bytes = encodeCompactBlock(toCompact(mutated, new Uint8Array(8).fill(7)));
    expect(await deliver(net, 'H', 'A', bytes)).toBe('reject');
    expect(offences(H.peers)).toEqual(['A mutatedBlock bad-txns-duplicate']);
    expect(H.relay.stats()).toMatchObject({ fullFallbacks: 1, forwardedEarly: 0 });
    // Not kept to answer getblocktxn or to stand as a parent, not marked seen, not held invalid by the chain.
    expect(H.recent.peek(id)).toBeUndefined();
    expect(H.intake.seen.has(id)).toBe(false);
    expect(H.fx.chain.getEntry(id)).toBeUndefined();
    expect(H.fx.chain.height).toBe(2);
    // The honest block with the same header crosses from an honest peer, and on from H.
    expect(await deliver(net, 'H', 'P', truth(block))).toBe('accept');
    expect(await deliver(net, 'N', 'H', truth(block))).toBe('accept');
    expect([H.fx.chain.tip.id, N.fx.chain.tip.id]).toEqual([id, id]);
    expect(offences(N.peers)).toEqual([]);
    expect(offences(H.peers)).toEqual(['A mutatedBlock bad-txns-duplicate']);
  });

  it('rebuilt from a prefilled transaction its short ids repeat: never forwarded on its rebuild, the whole block decides who is at fault', async () => {
    const { net, id, block, mutated, A, H, N } = await mutatedNetwork();
    // [cb, t1, t2] announced as [cb, #t1, #t2, t2]: distinct short ids, rebuilt (t1, t2 by getblocktxn) into the mutated list.
    const cb = toCompact(block, new Uint8Array(8).fill(7));
    cb.prefilled = [cb.prefilled[0]!, { index: 3, tx: block.txs[2]! }];
    const bytes = encodeCompactBlock(cb);
    // A serves the block it holds, which is not the one it announced.
    expect(await deliver(net, 'H', 'A', bytes)).toBe('reject');
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    expect(H.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1, forwardedEarly: 0 });
    expect(H.recent.peek(id)).toBeUndefined();
    // A serves the mutation it announced: penalised for the block itself.
    A.serve = async () => mutated;
    expect(await deliver(net, 'N', 'A', bytes)).toBe('reject');
    expect(offences(N.peers)).toEqual(['A mutatedBlock bad-txns-duplicate']);
    expect(N.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1, forwardedEarly: 0 });
    expect([H.fx.chain.getEntry(id), N.fx.chain.getEntry(id)]).toEqual([undefined, undefined]);
    // The honest announcement still crosses both.
    expect(await deliver(net, 'H', 'P', truth(block))).toBe('accept');
    expect(await deliver(net, 'N', 'H', truth(block))).toBe('accept');
    expect([H.fx.chain.tip.id, N.fx.chain.tip.id]).toEqual([id, id]);
  });
});
