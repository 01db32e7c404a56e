import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, hashToHex, type Block } from '@hackcoin/core';
import type { ChainFixture } from '../../test-support/chain-fixture.js';
import { encodeCompactBlock } from './messages.js';
import { toCompact } from './reconstruct.js';
import { deliver, network, type Node } from './test-network.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A whole-block answer held until the test lets it go (with nothing: the peer had no block to give). */
function withheld() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { serve: async (): Promise<Block | undefined> => (await gate, undefined), release };
}

/** The node answers getblocktxn with nothing (as for a block it does not have) and sits on the whole block. */
function withholds(node: Node) {
  const stall = withheld();
  node.recent.get = async () => undefined;
  node.serve = stall.serve;
  return stall;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('a compact block whose sender withholds its block', () => {
  it('has the others asked as soon as the getblocktxn fails, not after the whole-block fetch from the sender times out', async () => {
    const { net, block, A, H } = await network(fixtures, 3);
    const stall = withholds(A);
    const verdict = deliver(net, 'H', 'A', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(1))));
    await tick();
    // The empty getblocktxn answer sent H to the whole block, still on its way: the others are asked already.
    expect(H.unobtained).toEqual(['A']);
    stall.release();
    expect(await verdict).toBe('ignore');
    expect(H.unobtained).toEqual(['A', 'A']);
  });

  it('rebuilds at most three copies of one header at once, from any peers; a fourth is ignored and the others are asked', async () => {
    const { net, block, A, H, N } = await network(fixtures, 3);
    const P = net.get('P')!;
    const stalls = [A, P, N].map(withholds);
    const copy = (n: number) => encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(n)));
    // A's second copy waits in A's lane; P's runs beside them: three in all.
    const running = [deliver(net, 'H', 'A', copy(1)), deliver(net, 'H', 'A', copy(2)), deliver(net, 'H', 'P', copy(3))];
    await tick();
    expect(await deliver(net, 'H', 'N', copy(4))).toBe('ignore');
    expect(H.unobtained).toContain('N');
    for (const s of stalls) s.release();
    expect(await Promise.all(running)).toEqual(['ignore', 'ignore', 'ignore']);
    // Once they are done a copy is rebuilt again, this one fetched whole from a peer that serves it.
    P.serve = undefined;
    expect(await deliver(net, 'H', 'P', copy(5))).toBe('accept');
    expect(H.fx.chain.tip.id).toBe(hashToHex(blockHash(block)));
  });

  it('past the three-copy bound still takes a copy the mempool completes, so bogus copies with withheld round trips turn nobody away', async () => {
    const { net, block, A, H } = await network(fixtures, 0);
    const P = net.get('P')!;
    const stalls = [A, P].map(withholds);
    // Made-up short ids: each bogus copy needs a getblocktxn its withholding sender leaves unanswered.
    const bogus = (n: number) => {
      const c = toCompact(block, new Uint8Array(8).fill(n));
      c.shortIds = [123_456 + n];
      return encodeCompactBlock(c);
    };
    const held = [deliver(net, 'H', 'A', bogus(1)), deliver(net, 'H', 'A', bogus(2)), deliver(net, 'H', 'P', bogus(3))];
    await tick();
    // The honest copy (a coinbase-only block: the pool completes it) comes from N while three copies are held.
    expect(await deliver(net, 'H', 'N', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9))))).toBe('accept');
    expect(H.fx.chain.tip.id).toBe(hashToHex(blockHash(block)));
    for (const s of stalls) s.release();
    expect(await Promise.all(held)).toEqual(['ignore', 'ignore', 'ignore']);
  });

  it('tries the mempool past the bounds once per sender and header: a sender repeating made-up copies does not buy a pool scan each', async () => {
    const { net, block, A, H } = await network(fixtures, 0);
    const stall = withholds(A);
    const bogus = (n: number) => {
      const c = toCompact(block, new Uint8Array(8).fill(n));
      c.shortIds = [123_456 + n];
      return encodeCompactBlock(c);
    };
    const held = [deliver(net, 'H', 'A', bogus(1)), deliver(net, 'H', 'A', bogus(2))];
    await tick();
    for (let n = 3; n < 10; n++) expect(await deliver(net, 'H', 'A', bogus(n))).toBe('ignore');
    // The rebuild running in A's lane (the second copy waits behind it), and one mempool try past its bound.
    expect(H.relay.stats().received).toBe(2);
    stall.release();
    await Promise.all(held);
  });
});
