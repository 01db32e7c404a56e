import { afterEach, expect, it } from 'vitest';
import { COIN, blockHash, hashToHex } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

it('keeps a sender\'s later nonces when a block connects while the mempool reads the accounts a block before it touched', async () => {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.fundWallets();
  const sent = Array.from({ length: 5 }, (_, i) => fx.tx(W.alice, W.bob, COIN / 10n, { nonce: BigInt(i) }));
  for (const tx of sent) await fx.mempool.add(tx);
  const branch = await fx.branch();
  const b1 = branch.next({ txs: [sent[0]!] });
  const b2 = branch.next({ txs: [sent[1]!] });
  // B2 arrives (sync, gossip) while the mempool awaits the account read B1 started.
  const chain = fx.chain as unknown as { getAccounts: (keys: readonly string[]) => Promise<Map<string, unknown>> };
  const read = chain.getAccounts.bind(fx.chain);
  let second: Promise<unknown> | undefined;
  chain.getAccounts = async (keys) => {
    const accounts = await read(keys);
    if (!second) await (second = fx.chain.processBlock(b2));
    return accounts;
  };
  expect((await fx.chain.processBlock(b1)).status).toBe('connected');
  await fx.settle();
  await second;
  await fx.settle();
  expect((await fx.account(W.alice)).nonce).toBe(2n);
  // Nonces 2–4 are what the next block can take; trimmed against nonce 1 they all looked like a gap.
  expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.tx.nonce)).toEqual([2n, 3n, 4n]);
});

it('keeps a sender\'s nonces when a reorg replaces the block whose accounts the mempool is reading', async () => {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.fundWallets();
  const sent = Array.from({ length: 5 }, (_, i) => fx.tx(W.alice, W.bob, COIN / 10n, { nonce: BigInt(i) }));
  for (const tx of sent) await fx.mempool.add(tx);
  const mine = await fx.branch();
  const other = await fx.branch();
  const b1 = mine.next({ txs: [sent[0]!] });
  const [c1, c2] = [other.next(), other.next()];
  // A heavier branch without alice's first nonce replaces B1 during the read B1 started.
  const chain = fx.chain as unknown as { getAccounts: (keys: readonly string[]) => Promise<Map<string, unknown>> };
  const read = chain.getAccounts.bind(fx.chain);
  let reorg: Promise<unknown> | undefined;
  chain.getAccounts = async (keys) => {
    const accounts = await read(keys);
    if (!reorg) await (reorg = fx.chain.processBlock(c1).then(() => fx.chain.processBlock(c2)));
    return accounts;
  };
  expect((await fx.chain.processBlock(b1)).status).toBe('connected');
  await fx.settle();
  await reorg;
  await fx.settle();
  expect(fx.chain.tip.id).toBe(hashToHex(blockHash(c2)));
  expect((await fx.account(W.alice)).nonce).toBe(0n);
  // Nonce 0 comes back from the disconnected block; 1–4 were never to leave.
  expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.tx.nonce)).toEqual([0n, 1n, 2n, 3n, 4n]);
});
