import { afterEach, describe, expect, it } from 'vitest';
import { COIN, addressFromPublicKey, formatAddress, publicKeyFromPrivate, signTransfer, txSize, type TransferTx, type UnsignedTransfer } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { Prefix } from '../store/keys.js';
import { DEFAULT_PAYOUT_THRESHOLD, PAYOUT_BATCH, PoolPayouts, feeFor } from './payouts.js';
import type { FoundBlock } from './server.js';

const addressOf = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, 1000 + i);
  return formatAddress(addressFromPublicKey(publicKeyFromPrivate(k)));
};

const bytesOf = (a: string) => Uint8Array.from(Buffer.from(a.slice(2), 'hex'));

/**
 * Payouts from minerA's key on the fixture's chain, for the blocks `source` reports; the threshold
 * (1,000 units unless given) is below every share these tests pay.
 */
function payoutsOn(
  fx: ChainFixture,
  source: TypedEmitter<{ block: [FoundBlock] }>,
  o: { sign?: (tx: UnsignedTransfer, key: Uint8Array) => TransferTx; threshold?: bigint } = {},
): PoolPayouts {
  const pool = W.minerA;
  return new PoolPayouts(
    {
      chain: fx.chain,
      mempool: fx.mempool,
      params: fx.params,
      log: fx.log,
      key: pool.privateKey,
      address: formatAddress(pool.address),
      confirmations: 1,
      threshold: o.threshold ?? 1_000n,
      minFeeRate: 1n,
      db: fx.db,
      ...(o.sign ? { sign: o.sign } : {}),
    },
    source,
  );
}

describe('pool payouts to many workers', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it('pays 150 workers in batches across blocks under the 64-per-sender mempool limit, and after a restart', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const found = fx.chain.tip;
    const workers = Array.from({ length: 150 }, (_, i) => addressOf(i));
    const each = 1_000_000n;
    const block: FoundBlock = { height: found.height, hash: found.id, reward: each * 150n, worker: 'w', time: 0, split: new Map(workers.map((a) => [a, each])) };
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const make = () => payoutsOn(fx!, source);
    let payouts = make();
    const sent = new Set<string>();
    const collect = () => payouts.payouts.filter((p) => p.status === 'sent').forEach((p) => sent.add(p.address));
    source.emit('block', block);
    await payouts.stop();
    expect(fx.mempool.pendingFor(pool.address).length).toBe(PAYOUT_BATCH);
    collect();
    expect(sent.size).toBe(PAYOUT_BATCH);

    // A restart in the middle: what is still owed comes back from the database.
    await fx.reopen();
    payouts = make();
    await payouts.load();
    for (let i = 0; i < 6 && sent.size < workers.length; i++) {
      await fx.mine(1, { miner: W.minerB });
      await payouts.stop();
      collect();
      payouts = make();
      await payouts.load();
    }
    await fx.mine(1, { miner: W.minerB });
    expect(sent.size).toBe(workers.length);
    expect(fx.mempool.pendingFor(pool.address).length).toBe(0);
    for (const a of workers) {
      const balance = await fx.balance(bytesOf(a));
      expect(balance).toBeGreaterThan(each - 1_000n);
      expect(balance).toBeLessThan(each);
    }
  });

  it('pays workers while strangers have a batch of payments to the pool address pending: only its own sends count', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const found = fx.chain.tip;
    await fx.fundWallets();
    for (let n = 0n; n < BigInt(PAYOUT_BATCH); n++) await fx.mempool.add(fx.tx(W.alice, pool, 1n, { nonce: n }));
    const workers = [addressOf(1), addressOf(2), addressOf(3)];
    const block: FoundBlock = { height: found.height, hash: found.id, reward: 3_000_000n, worker: 'w', time: 0, split: new Map(workers.map((a) => [a, 1_000_000n])) };
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const payouts = payoutsOn(fx, source);
    source.emit('block', block);
    await payouts.stop();
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual(workers.map((a) => [a, 'sent']));
    const view = fx.mempool.accountView(pool.address);
    expect(view.sends.map((e) => e.tx.nonce)).toEqual([0n, 1n, 2n].map((n) => view.account.nonce + n));
  });

  it('keeps shares below the threshold as balances without signing anything, and prices the fee on the exact size of the payout sent', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const found = fx.chain.tip;
    const dust = Array.from({ length: 2_000 }, (_, i) => addressOf(i));
    const real = addressOf(5_000);
    const split = new Map<string, bigint>([...dust.map((a) => [a, 10n] as const), [real, 1_000_000n]]);
    const block: FoundBlock = { height: found.height, hash: found.id, reward: 1_020_000n, worker: 'w', time: 0, split };
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    let signatures = 0;
    const sign = (tx: UnsignedTransfer, key: Uint8Array) => (signatures++, signTransfer(tx, key));
    const payouts = payoutsOn(fx, source, { sign });
    source.emit('block', block);
    await payouts.stop();
    expect(signatures).toBe(1);
    const sent = payouts.payouts.filter((p) => p.status === 'sent');
    expect(sent.map((p) => p.address)).toEqual([real]);
    // Nothing is given up: each dust share is owed, on disk.
    expect(payouts.payouts.length).toBe(1);
    expect(payouts.balances.summary()).toEqual({ addresses: dust.length, owed: (10n * BigInt(dust.length)).toString(), due: 0, threshold: '1000' });
    expect((await fx.dump(Prefix.poolBalance)).length).toBe(dust.length);
    expect(await payouts.balances.of(dust[0]!)).toBe(10n);
    expect(await payouts.balances.of(real)).toBe(0n);
    const [tx] = fx.mempool.pendingFor(pool.address);
    expect(BigInt(sent[0]!.fee)).toBe(BigInt(txSize(tx!.tx)));
    expect(BigInt(sent[0]!.amount) + BigInt(sent[0]!.fee)).toBe(1_000_000n);
  });

  it('prices payouts at the mempool floor a flood has raised above the configured fee rate', async () => {
    fx = await ChainFixture.create({ maxTxs: 2 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const found = fx.chain.tip;
    await fx.fundWallets();
    // A full mempool, then a better-paying newcomer: the cheapest tail is evicted and the floor rises above it.
    await fx.mempool.add(fx.tx(W.alice, W.carol, 1n, { nonce: 0n }));
    await fx.mempool.add(fx.tx(W.alice, W.carol, 1n, { nonce: 1n }));
    await fx.mempool.add(fx.tx(W.bob, W.carol, 1n, { fee: 5_000n }));
    const floor = fx.mempool.minFeeRate();
    expect(floor).toBeGreaterThan(1);
    const worker = addressOf(1);
    const block: FoundBlock = { height: found.height, hash: found.id, reward: 1_000_000n, worker: 'w', time: 0, split: new Map([[worker, 1_000_000n]]) };
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const payouts = payoutsOn(fx, source);
    source.emit('block', block);
    await payouts.stop();
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual([[worker, 'sent']]);
    const [tx] = fx.mempool.pendingFor(pool.address);
    const size = txSize(tx!.tx);
    expect(BigInt(payouts.payouts[0]!.fee)).toBe(feeFor(size, 1n, floor));
    expect(Number(payouts.payouts[0]!.fee) / size).toBeGreaterThanOrEqual(floor);
  });

  it('keeps a payout refused for its fee owed through any number of blocks, and pays it once the flood is mined', async () => {
    fx = await ChainFixture.create({ maxTxs: 2 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const found = fx.chain.tip;
    await fx.fundWallets();
    // Two transactions paying far more than the payout will: the full mempool refuses it (mempool-full).
    await fx.mempool.add(fx.tx(W.alice, W.carol, 1n, { nonce: 0n, fee: 50_000n }));
    await fx.mempool.add(fx.tx(W.alice, W.carol, 1n, { nonce: 1n, fee: 50_000n }));
    const worker = addressOf(2);
    const block: FoundBlock = { height: found.height, hash: found.id, reward: 1_000_000n, worker: 'w', time: 0, split: new Map([[worker, 1_000_000n]]) };
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const payouts = payoutsOn(fx, source);
    source.emit('block', block);
    await payouts.settled();
    expect(await payouts.balances.of(worker)).toBe(1_000_000n);
    // Empty blocks: a payout pass each, with the flood still in the mempool.
    for (let i = 0; i < 8; i++) {
      const empty = (await fx.branch()).next({ miner: W.minerB, txs: [] });
      expect((await fx.chain.processBlock(empty)).status).toBe('connected');
      await fx.settle();
      await payouts.settled();
    }
    expect(fx.mempool.pendingFor(W.alice.address).length).toBe(2);
    expect(payouts.payouts).toEqual([]);
    expect(await payouts.balances.of(worker)).toBe(1_000_000n);
    // A block that mines the flood empties the mempool: the next pass pays.
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual([[worker, 'sent']]);
    expect(fx.mempool.pendingFor(pool.address).length).toBe(1);
  });

  it("offers a payout the mempool dropped again, the same transaction, before a later block's payout is signed, and both are paid", async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const pool = W.minerA;
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const payouts = payoutsOn(fx, source);
    const first = addressOf(10);
    const second = addressOf(11);
    const found = fx.chain.tip;
    source.emit('block', { height: found.height, hash: found.id, reward: 1_000_000n, worker: 'w', time: 0, split: new Map([[first, 1_000_000n]]) });
    await payouts.settled();
    const [dropped] = fx.mempool.pendingFor(pool.address);
    expect(dropped).toBeDefined();
    // The mempool lets it go (as a flood's trim would take the cheapest first).
    expect(await fx.mempool.evictFailed(dropped!.tx, 'test: dropped')).toBe(1);
    expect(fx.mempool.pendingFor(pool.address)).toEqual([]);
    // Another found block owes someone else: its payout must not take the dropped one's nonce.
    await fx.mine(1, { miner: pool });
    const later = fx.chain.tip;
    source.emit('block', { height: later.height, hash: later.id, reward: 1_000_000n, worker: 'w', time: 0, split: new Map([[second, 1_000_000n]]) });
    await payouts.settled();
    const pending = fx.mempool.pendingFor(pool.address).map((e) => e.tx.nonce).sort((a, b) => (a < b ? -1 : 1));
    expect(pending).toEqual([dropped!.tx.nonce, dropped!.tx.nonce + 1n]);
    expect(fx.mempool.get(dropped!.id)).toBeDefined();
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    for (const a of [first, second]) {
      const balance = await fx.balance(bytesOf(a));
      expect(balance).toBeGreaterThan(1_000_000n - 1_000n);
    }
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual([[first, 'sent'], [second, 'sent']]);
  });

  it("pays an honest miner for two blocks within two chain blocks while 300 sybil addresses' dust waits as balances", async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const pool = W.minerA;
    await fx.mine(4, { miner: pool });
    const honest = addressOf(9_999);
    const sybils = Array.from({ length: 300 }, (_, i) => addressOf(i));
    // The reviewer's two pool blocks: the honest miner's share first (its shares are oldest), then 150 fresh sybil addresses.
    const blocks = [fx.chain.tip.parent!, fx.chain.tip].map(
      (e, i): FoundBlock => ({
        height: e.height,
        hash: e.id,
        reward: 0n,
        worker: 'w',
        time: 0,
        split: new Map([[honest, COIN], ...sybils.slice(i * 150, i * 150 + 150).map((a) => [a, COIN / 100n] as [string, bigint])]),
      }),
    );
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const signed: TransferTx[] = [];
    const sign = (tx: UnsignedTransfer, key: Uint8Array) => {
      const s = signTransfer(tx, key);
      signed.push(s);
      return s;
    };
    // At the default threshold (1 HCK): the honest share of each block reaches it, a sybil's does not.
    const payouts = payoutsOn(fx, source, { sign, threshold: DEFAULT_PAYOUT_THRESHOLD });
    for (const b of blocks) source.emit('block', b);
    await payouts.settled();
    const paidToHonest = () => payouts.payouts.filter((p) => p.address === honest && p.status === 'sent').reduce((sum, p) => sum + BigInt(p.amount) + BigInt(p.fee), 0n);
    for (let mined = 0; mined < 2 && paidToHonest() < 2n * COIN; mined++) {
      await fx.mine(1, { miner: W.minerB });
      await payouts.settled();
    }
    expect(paidToHonest()).toBe(2n * COIN);
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    const received = payouts.payouts.filter((p) => p.address === honest).reduce((sum, p) => sum + BigInt(p.amount), 0n);
    expect(await fx.balance(bytesOf(honest))).toBe(received);
    expect(signed.every((tx) => formatAddress(tx.to) === honest)).toBe(true);
    for (const a of sybils) expect(await payouts.balances.of(a)).toBe(COIN / 100n);
    expect(payouts.balances.summary()).toMatchObject({ addresses: 300, owed: (300n * (COIN / 100n)).toString(), due: 0 });
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
  });
});
