import { afterEach, describe, expect, it } from 'vitest';
import { COIN, hashToHex, txHash } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { confirmedAddressTxs } from './address-txs.js';

describe('confirmedAddressTxs', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('reads each block once, ends a page past its byte budget with a cursor, and the pages still cover every row once', async () => {
    fx = await ChainFixture.create();
    await fx.fundWallets();
    const sent: string[] = [];
    for (const group of [[0n, 1n], [2n], [3n]]) {
      for (const nonce of group) {
        const tx = fx.tx(W.alice, W.bob, COIN, { nonce });
        sent.push(hashToHex(txHash(tx)));
        await fx.mempool.add(tx);
      }
      await fx.mine(1);
    }
    // Out of the chain's cache of decoded blocks, so every block is read from the database.
    await fx.reopen();
    const pages: string[][] = [];
    let from: Parameters<typeof confirmedAddressTxs>[2] = 0;
    for (;;) {
      const page = await confirmedAddressTxs(fx.chain, W.alice.address, from, 10, 1);
      pages.push(page.items.map((i) => hashToHex(txHash(i.tx))));
      if (!page.next) break;
      from = page.next;
    }
    // One block per page at a budget of one byte, newest first; the two rows of the first block together.
    expect(pages.slice(0, 3)).toEqual([[sent[3]], [sent[2]], [sent[1], sent[0]]]);
    expect(pages.flat().filter((id) => sent.includes(id)).sort()).toEqual([...sent].sort());
    const whole = await confirmedAddressTxs(fx.chain, W.alice.address, 0, 10);
    expect(whole.items.slice(0, 4).map((i) => hashToHex(txHash(i.tx)))).toEqual([sent[3], sent[2], sent[1], sent[0]]);
  });
});
