import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, computeMerkleRoot, type Block } from '@hackcoin/core';
import { REGTEST, type ChainFixture } from '../../test-support/chain-fixture.js';
import { decodeBlockTxn, encodeBlockTxnRequest, encodeCompactBlock, type CompactBlock } from './messages.js';
import { mismatch, toCompact } from './reconstruct.js';
import { deliver, network as makeNetwork, offences, requester } from './test-network.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

const network = () => makeNetwork(fixtures);

const nonce = new Uint8Array(8).fill(7);

/** A's lie: the real header and coinbase, short ids of no transaction, `extra` more of them than the block has transactions. */
function lie(block: Block, extra = 0): Uint8Array {
  const cb = toCompact(block, nonce);
  cb.shortIds = Array.from({ length: cb.shortIds.length + extra }, (_, i) => 0x111111 + i * 7919);
  return encodeCompactBlock(cb);
}

describe('a compact block that does not describe its block', () => {
  it('is not forwarded, only the peer that sent it and its block is penalised, and the block still crosses when announced truly', async () => {
    const { net, block, id, H, N } = await network();
    const bytes = lie(block);
    expect(await deliver(net, 'H', 'A', bytes)).toBe('reject');
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    expect(H.fx.chain.height).toBe(2);
    // Were the bytes passed on anyway (by a node that forwards before checking), H is asked, has nothing to serve for them, and nobody is banned.
    expect(await deliver(net, 'N', 'H', bytes)).toBe('ignore');
    expect(offences(N.peers)).toEqual([]);
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    // A true announcement of the same block, by an honest peer, is rebuilt and relayed across both.
    const truth = encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9)));
    expect(await deliver(net, 'H', 'P', truth)).toBe('accept');
    expect(await deliver(net, 'N', 'H', truth)).toBe('accept');
    expect([H.fx.chain.tip.id, N.fx.chain.tip.id]).toEqual([id, id]);
    expect(offences(N.peers)).toEqual([]);
    expect(H.peers.banned.has('N') || N.peers.banned.has('H')).toBe(false);
  });

  it('claiming more transactions than its block has: not forwarded, and a getblocktxn past the block’s end gets "not found", no penalty', async () => {
    const { net, block, id, H } = await network();
    expect(await deliver(net, 'H', 'A', lie(block, 5))).toBe('reject');
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    expect(H.fx.chain.height).toBe(2);
    expect(await deliver(net, 'H', 'P', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9))))).toBe('accept');
    expect(H.fx.chain.tip.id).toBe(id);
    // N, fooled by the lie from elsewhere, asks H for the indexes it names.
    const raw = await requester(net, 'N').request('H', '/test/cmpct', encodeBlockTxnRequest({ blockHash: blockHash(block), indexes: [1, 2, 3, 4, 5, 6, 7, 8] }), 1e6, 1_000);
    const answer = decodeBlockTxn(raw, REGTEST.maxBlockTxs);
    expect(answer.ok && answer.value.txs).toEqual([]);
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
  });

  it('a blocktxn that does not rebuild it is no offence: the whole block is fetched, and only a peer that sent both halves of the mismatch is penalised', async () => {
    const { net, block, H, N } = await network();
    // H holds the block (from a true announcement) when the lie reaches N from H, as from a node that forwards before checking.
    expect(await deliver(net, 'H', 'P', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9))))).toBe('accept');
    expect(await deliver(net, 'N', 'H', lie(block))).toBe('reject');
    expect(N.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1 });
    expect(offences(N.peers)).toEqual(['H malformed cmpct-block-mismatch']);
    expect(N.fx.chain.height).toBe(2);
    expect(H.fx.chain.height).toBe(3);
  });
});

describe('mismatch', () => {
  it('accepts the block an announcement was made from, and names every way another block differs', async () => {
    const { block } = await network();
    const cb = toCompact(block, nonce);
    expect(mismatch(cb, block)).toBeUndefined();
    const other = (patch: Partial<CompactBlock>) => mismatch({ ...cb, ...patch }, block);
    expect(other({ header: { ...cb.header, nonce: cb.header.nonce + 1 } })).toBe('another header');
    expect(other({ shortIds: [...cb.shortIds, 1] })).toBe('5 transactions announced, 4 in the block');
    expect(other({ shortIds: cb.shortIds.map((s, i) => (i === 1 ? s + 1 : s)) })).toBe('transaction 2 does not hash to its short id');
    expect(other({ prefilled: [cb.prefilled[0]!, { index: 1, tx: block.txs[2]! }], shortIds: cb.shortIds.slice(1) })).toBe('prefilled transaction 1 differs');
    const body = [...block.txs.slice(0, -1), block.txs[1]!];
    expect(mismatch(toCompact({ header: block.header, txs: body }, nonce), { header: block.header, txs: body })).toBe('a body its header does not commit to');
    expect(computeMerkleRoot(body)).not.toEqual(block.header.merkleRoot);
  });
});
