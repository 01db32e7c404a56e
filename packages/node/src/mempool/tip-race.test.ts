import { afterEach, expect, it } from 'vitest';
import { COIN, blockHash, hashToHex, type Block, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A chain whose mempool holds alice's nonces 0–4. */
async function alicePending(): Promise<{ fx: ChainFixture; sent: TransferTx[] }> {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.fundWallets();
  const sent = Array.from({ length: 5 }, (_, i) => fx.tx(W.alice, W.bob, COIN / 10n, { nonce: BigInt(i) }));
  for (const tx of sent) await fx.mempool.add(tx);
  return { fx, sent };
}

/** Connects `first`; `during` (more blocks arriving by sync or gossip) runs inside the account read it starts in the mempool. */
async function connectWithBlocksDuringRead(fx: ChainFixture, first: Block, during: Block[]): Promise<void> {
  const chain = fx.chain as unknown as { getAccounts: (keys: readonly string[]) => Promise<Map<string, unknown>> };
  const read = chain.getAccounts.bind(fx.chain);
  let arriving: Promise<unknown> | undefined;
  chain.getAccounts = async (keys) => {
    const accounts = await read(keys);
    arriving ??= (async () => {
      for (const b of during) await fx.chain.processBlock(b);
    })();
    await arriving;
    return accounts;
  };
  expect((await fx.chain.processBlock(first)).status).toBe('connected');
  await fx.settle();
  await arriving;
  await fx.settle();
}

it('keeps a sender\'s later nonces when a block connects while the mempool reads the accounts a block before it touched', async () => {
  const { fx, sent } = await alicePending();
  const branch = await fx.branch();
  const b1 = branch.next({ txs: [sent[0]!] });
  await connectWithBlocksDuringRead(fx, b1, [branch.next({ txs: [sent[1]!] })]);
  expect((await fx.account(W.alice)).nonce).toBe(2n);
  // Nonces 2–4 are what the next block can take; trimmed against nonce 1 they all looked like a gap.
  expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.tx.nonce)).toEqual([2n, 3n, 4n]);
});

it('keeps a sender\'s nonces when a reorg replaces the block whose accounts the mempool is reading', async () => {
  const { fx, sent } = await alicePending();
  const mine = await fx.branch();
  const other = await fx.branch();
  const b1 = mine.next({ txs: [sent[0]!] });
  // A heavier branch without alice's first nonce replaces B1.
  const heavier = [other.next(), other.next()];
  await connectWithBlocksDuringRead(fx, b1, heavier);
  expect(fx.chain.tip.id).toBe(hashToHex(blockHash(heavier[1]!)));
  expect((await fx.account(W.alice)).nonce).toBe(0n);
  // Nonce 0 comes back from the disconnected block; 1–4 were never to leave.
  expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.tx.nonce)).toEqual([0n, 1n, 2n, 3n, 4n]);
});
