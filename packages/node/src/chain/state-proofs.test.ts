import { afterEach, describe, expect, it } from 'vitest';
import { COIN, TreeWriter, accountPath, decodeStateAccount, encodeStateProof, blockCoinbase, coinbaseMerkleBranch, txHash, verifyStateProof } from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import type { ChainEntry } from './entry.js';

let fx: ChainFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** What a light client would conclude about `w` at `entry`, from a proof built out of the node's stored tree. */
async function proven(f: ChainFixture, entry: ChainEntry, w: Wallet): Promise<{ balance: bigint; nonce: bigint }> {
  const block = (await f.chain.getBlock(entry))!;
  const nodes = new TreeWriter(f.chain.stateNodes);
  const proof = encodeStateProof({
    header: block.header,
    coinbase: blockCoinbase(block)!,
    branch: coinbaseMerkleBranch(block.txs.map(txHash)),
    account: nodes.prove(entry.stateRoot, accountPath(w.address)),
    storage: null,
  });
  const v = verifyStateProof(proof, { blockHash: entry.hash, height: entry.height, address: w.address });
  return { balance: v.account.balance, nonce: v.account.nonce };
}

describe('state tree across reorgs and restarts', () => {
  it('proves the tip after a reorg, keeps the abandoned branch provable, and agrees with the account table', async () => {
    fx = await ChainFixture.create();
    await fx.mine(3);
    const side = await fx.branch();
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 20n * COIN, { nonce: 0n }));
    await fx.mine(1);
    const oldTip = fx.chain.tip;
    expect(await proven(fx, oldTip, W.alice)).toEqual({ balance: 20n * COIN, nonce: 0n });

    // A heavier branch from height 3 where alice is never paid and bob is.
    const b0 = fx.tx(W.minerA, W.bob, 5n * COIN, { nonce: 0n });
    for (const block of [side.next({ txs: [b0] }), side.next()]) await fx.chain.processBlock(block);
    expect(fx.chain.tip.height).toBe(5);
    expect(fx.chain.isMain(oldTip)).toBe(false);
    expect(await proven(fx, fx.chain.tip, W.alice)).toEqual({ balance: 0n, nonce: 0n });
    expect(await proven(fx, fx.chain.tip, W.bob)).toEqual({ balance: 5n * COIN, nonce: 0n });
    // The abandoned block's state is still there to prove.
    expect(await proven(fx, oldTip, W.alice)).toEqual({ balance: 20n * COIN, nonce: 0n });

    // Every wallet: the committed tree says what the account table says, also after a restart.
    await fx.reopen();
    const nodes = new TreeWriter(fx.chain.stateNodes);
    for (const w of Object.values(W)) {
      const raw = nodes.get(fx.chain.tip.stateRoot, accountPath(w.address));
      const table = await fx.account(w);
      expect(raw ? { balance: decodeStateAccount(raw).balance, nonce: decodeStateAccount(raw).nonce } : { balance: 0n, nonce: 0n }).toEqual(table);
    }
    // Mining continues on the tree after the restart.
    await fx.mine(1);
    expect(fx.chain.tip.height).toBe(6);
  });
});
