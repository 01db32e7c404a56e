import { afterEach, describe, expect, it } from 'vitest';
import { computeMerkleRoot, type Block } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { mutation, mutationDetail, repeatedTx } from './mutated-block.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A valid block on a funded chain with `transfers` transfers after its coinbase. */
async function blockOf(transfers: number): Promise<Block> {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.mine(2);
  const txs = Array.from({ length: transfers }, (_, i) => fx.tx(W.minerA, W.bob, 10n, { nonce: BigInt(i) }));
  return (await fx.branch()).next({ txs });
}

describe('mutation (CVE-2012-2459)', () => {
  it('names a copy that repeats its tail under the honest root, at one level or two', async () => {
    // 3 leaves: the last pairs with itself, so [cb,t0,t1,t1] keeps the root.
    const three = await blockOf(2);
    const short = { header: three.header, txs: [...three.txs, three.txs[2]!] };
    expect(computeMerkleRoot(short.txs)).toEqual(three.header.merkleRoot);
    expect(mutation(short)).toBe("transaction 3 repeats an earlier one under the header's merkle root");
    expect(mutationDetail(short, mutation(short)!)).toMatch(/^bad-txns-duplicate: block [0-9a-f]{16}: transaction 3 repeats/);
    // 6 leaves: the third pair pairs with itself one level up, so its two leaves repeat.
    const six = await blockOf(5);
    const long = { header: six.header, txs: [...six.txs, six.txs[4]!, six.txs[5]!] };
    expect(computeMerkleRoot(long.txs)).toEqual(six.header.merkleRoot);
    expect(mutation(long)).toBe("transaction 6 repeats an earlier one under the header's merkle root");
  });

  it('leaves the honest block alone, and a repeat under another root to the chain’s own rules', async () => {
    const block = await blockOf(2);
    expect(mutation(block)).toBeUndefined();
    const other = { header: block.header, txs: [...block.txs, block.txs[1]!] };
    expect(computeMerkleRoot(other.txs)).not.toEqual(block.header.merkleRoot);
    expect(repeatedTx(other.txs)).toBe(3);
    expect(mutation(other)).toBeUndefined();
  });

  it('repeatedTx finds the first repeat anywhere, not only at the tail', async () => {
    const { txs } = await blockOf(3);
    const [cb, a, b, c] = txs as [Block['txs'][number], Block['txs'][number], Block['txs'][number], Block['txs'][number]];
    expect(repeatedTx([cb, a, b, c])).toBeUndefined();
    expect(repeatedTx([cb, a, a, b])).toBe(2);
    expect(repeatedTx([cb, a, b, c, a])).toBe(4);
    expect(repeatedTx([])).toBeUndefined();
  });
});
