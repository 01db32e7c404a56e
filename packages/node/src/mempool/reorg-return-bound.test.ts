import { afterEach, expect, it } from 'vitest';
import { COIN } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

it('a reorg returns a sender’s mined transaction to the mempool when her pending run is at the per-sender bound: it displaces her last nonce instead of being refused and dropping the whole run for the gap', async () => {
  const fx = await ChainFixture.create({ maxPendingPerSender: 10 });
  fixtures.push(fx);
  await fx.fundWallets();
  const fork = await fx.branch();
  const first = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n });
  await fx.mempool.add(first);
  await fx.mine(1);
  expect((await fx.account(W.alice)).nonce).toBe(1n);
  const later = Array.from({ length: 10 }, (_, i) => fx.tx(W.alice, W.carol, COIN / 10n, { nonce: BigInt(i + 1) }));
  for (const tx of later) await fx.mempool.add(tx);
  expect(fx.mempool.size).toBe(10);

  // A rival branch of two empty blocks replaces the block that mined alice's nonce 0.
  expect((await fx.chain.processBlock(fork.next())).status).toBe('side');
  expect((await fx.chain.processBlock(fork.next())).status).toBe('connected');
  await fx.settle();
  expect(fx.chain.tip.height).toBe(fork.height);
  expect((await fx.account(W.alice)).nonce).toBe(0n);

  // Nonce 0 is back and 1..9 still follow it; the bound of 10 holds, so her last nonce made room (it was all 11 lost).
  const own = fx.mempool.pendingFor(W.alice.address).filter((e) => e.sender.every((b, i) => b === W.alice.address[i]));
  expect(own.map((e) => e.tx.nonce)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
  expect(fx.mempool.size).toBe(10);

  // The branch mines them in order; nonce 10 can be sent again afterwards.
  await fx.mine(1);
  expect((await fx.account(W.alice)).nonce).toBe(10n);
  await fx.mempool.add(later[9]!);
  await fx.mine(1);
  expect((await fx.account(W.alice)).nonce).toBe(11n);
  expect(await fx.balance(W.bob)).toBe(21n * COIN);
  expect(await fx.balance(W.carol)).toBe(21n * COIN);
});
