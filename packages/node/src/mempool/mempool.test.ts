import { afterEach, describe, expect, it } from 'vitest';
import { COIN, RuleError, addressKey, encodeTx, hashToHex, txHash, type RejectCode, type TransferTx } from '@hackcoin/core';
import { Prefix, key } from '../store/keys.js';
import { ChainFixture, W, type FixtureOptions } from '../test-support/chain-fixture.js';
import { ENTRY_OVERHEAD, type RemovalReason } from './mempool.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

const FUND = 20n * COIN;

/** A regtest chain where alice, bob, carol and dave each hold 20 HCK (nonce 0). */
async function funded(opts: FixtureOptions = {}): Promise<ChainFixture> {
  const fx = await ChainFixture.create(opts);
  fixtures.push(fx);
  await fx.mine(2);
  const recipients = [W.alice, W.bob, W.carol, W.dave];
  const fundingBlock = (await fx.branch()).next({
    miner: W.minerA,
    txs: recipients.map((w, i) => fx.tx(W.minerA, w, FUND, { nonce: BigInt(i) })),
  });
  expect((await fx.chain.processBlock(fundingBlock)).status).toBe('connected');
  await fx.settle();
  for (const w of recipients) expect(await fx.account(w)).toEqual({ balance: FUND, nonce: 0n });
  return fx;
}

const id = (tx: TransferTx): string => hashToHex(txHash(tx));
const ids = (txs: readonly TransferTx[]): string[] => txs.map(id);
const poolIds = (fx: ChainFixture): Set<string> => new Set(fx.mempool.entries().map((e) => e.id));

async function rejected(fx: ChainFixture, tx: TransferTx, code: RejectCode): Promise<void> {
  const size = fx.mempool.size;
  const err = await fx.mempool.add(tx).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuleError);
  expect((err as RuleError).code).toBe(code);
  expect(fx.mempool.size).toBe(size);
  expect(fx.mempool.get(id(tx))).toBeUndefined();
}

/** Transaction ids persisted under the mempool prefix. */
async function storedIds(fx: ChainFixture): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [k] of await fx.dump(Prefix.mempool)) out.add(hashToHex(Uint8Array.from(Buffer.from(k.slice(2), 'hex'))));
  return out;
}

function removals(fx: ChainFixture): [string, RemovalReason][] {
  const out: [string, RemovalReason][] = [];
  fx.mempool.on('tx:removed', (e, reason) => out.push([e.id, reason]));
  return out;
}

describe('Mempool admission', () => {
  it("enforces the minimum fee rate per byte ('min-fee-not-met')", async () => {
    const fx = await funded({ minFeeRate: 3n });
    const size = encodeTx(fx.tx(W.alice, W.bob, COIN)).length;
    expect(size).toBe(147);
    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { fee: 3n * 147n - 1n }), 'min-fee-not-met');
    const ok = fx.tx(W.alice, W.bob, COIN, { fee: 3n * 147n });
    const entry = await fx.mempool.add(ok);
    expect(entry.feeRate).toBe(3);
    expect(entry.size).toBe(147);
    expect(poolIds(fx)).toEqual(new Set([id(ok)]));
    const again = await fx.mempool.add(ok).catch((e: unknown) => e);
    expect((again as RuleError).code).toBe('txn-already-known');
    expect(fx.mempool.size).toBe(1);
  });

  it('accepts a nonce sequence per sender and rejects gaps and stale nonces', async () => {
    const fx = await funded();
    const a = [0n, 1n, 2n].map((n) => fx.tx(W.alice, W.bob, COIN, { nonce: n }));
    for (const tx of a) await fx.mempool.add(tx);
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(3n);
    expect(fx.mempool.nextNonce(W.bob.address, 0n)).toBe(0n);
    expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.tx.nonce)).toEqual([0n, 1n, 2n]);

    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { nonce: 4n }), 'bad-txns-nonce-gap');
    await rejected(fx, fx.tx(W.bob, W.alice, COIN, { nonce: 1n }), 'bad-txns-nonce-gap');
    const a3 = fx.tx(W.alice, W.bob, COIN, { nonce: 3n });
    await fx.mempool.add(a3);
    expect(fx.mempool.size).toBe(4);

    // once mined, the old nonces are stale: a new tx is too low, the mined one is in the chain
    await fx.mine(1);
    expect(fx.mempool.size).toBe(0);
    expect(await fx.account(W.alice)).toEqual({ balance: FUND - 4n * COIN - 4_000n, nonce: 4n });
    await rejected(fx, fx.tx(W.alice, W.carol, 2n * COIN, { nonce: 1n }), 'bad-txns-nonce-too-low');
    await rejected(fx, a[1]!, 'txn-in-chain');
    await fx.mempool.add(fx.tx(W.alice, W.carol, 2n * COIN, { nonce: 4n }));
  });

  it('limits pending transactions per sender', async () => {
    const fx = await funded({ maxPendingPerSender: 2 });
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { nonce: 0n }));
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { nonce: 1n }));
    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { nonce: 2n }), 'too-many-pending');
    await fx.mempool.add(fx.tx(W.bob, W.alice, COIN, { nonce: 0n }));
  });

  it('counts pending spends against the balance', async () => {
    const fx = await funded();
    await fx.mempool.add(fx.tx(W.alice, W.bob, 12n * COIN, { nonce: 0n, fee: 1_000n }));
    // 12 + 8 HCK plus two fees is 2,000 units more than alice has
    await rejected(fx, fx.tx(W.alice, W.bob, 8n * COIN, { nonce: 1n, fee: 1_000n }), 'bad-txns-insufficient-funds');
    // exactly the rest of her balance is fine
    const rest = fx.tx(W.alice, W.bob, 8n * COIN - 2_000n, { nonce: 1n, fee: 1_000n });
    await fx.mempool.add(rest);
    await rejected(fx, fx.tx(W.alice, W.bob, 0n, { nonce: 2n, fee: 147n }), 'bad-txns-insufficient-funds');
    // pending incoming funds do not count
    await rejected(fx, fx.tx(W.bob, W.carol, FUND, { nonce: 0n }), 'bad-txns-insufficient-funds');

    await fx.mine(1);
    expect(await fx.account(W.alice)).toEqual({ balance: 0n, nonce: 2n });
    expect(await fx.balance(W.bob)).toBe(FUND + 20n * COIN - 2_000n);
  });

  it('replaces a pending transaction only for a sufficiently higher fee', async () => {
    const fx = await funded();
    const removed = removals(fx);
    const t0 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n, fee: 1_000n });
    const t1 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 1n, fee: 1_000n });
    await fx.mempool.add(t0);
    await fx.mempool.add(t1);
    // the bump is max(fee / 10, min fee) = max(100, 147)
    await rejected(fx, fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 0n, fee: 1_146n }), 'txn-replace-fee-too-low');
    const r0 = fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 0n, fee: 1_147n });
    await fx.mempool.add(r0);
    expect(poolIds(fx)).toEqual(new Set([id(r0), id(t1)]));
    expect(removed).toEqual([[id(t0), 'replaced']]);
    expect(await storedIds(fx)).toEqual(new Set([id(r0), id(t1)]));

    // with a large fee the 10 % rule dominates
    const big = fx.tx(W.bob, W.carol, 1n * COIN, { nonce: 0n, fee: 10_000n });
    await fx.mempool.add(big);
    await rejected(fx, fx.tx(W.bob, W.dave, 1n * COIN, { nonce: 0n, fee: 10_999n }), 'txn-replace-fee-too-low');
    const bigger = fx.tx(W.bob, W.dave, 1n * COIN, { nonce: 0n, fee: 11_000n });
    await fx.mempool.add(bigger);
    expect(fx.mempool.get(id(big))).toBeUndefined();

    // a richer replacement that leaves the later nonce unaffordable drops it
    const rich = fx.tx(W.alice, W.carol, 19n * COIN, { nonce: 0n, fee: 5_000n });
    await fx.mempool.add(rich);
    expect(fx.mempool.pendingFor(W.alice.address).map((e) => e.id)).toEqual([id(rich)]);
    expect(removed.slice(-2)).toEqual([
      [id(r0), 'replaced'],
      [id(t1), 'invalid'],
    ]);
    expect(await storedIds(fx)).toEqual(new Set([id(rich), id(bigger)]));

    await fx.mine(1);
    expect(await fx.balance(W.carol)).toBe(FUND + 19n * COIN);
    expect(await fx.balance(W.dave)).toBe(FUND + 1n * COIN);
  });
});

describe('Mempool writes', () => {
  it('writes a burst of admissions as a few batches, each admission answering only once its transaction is on disk', async () => {
    const fx = await funded();
    const batch = fx.db.batch.bind(fx.db);
    let writes = 0;
    (fx.db as { batch: unknown }).batch = (...args: Parameters<typeof batch>) => {
      writes++;
      return batch(...args);
    };
    const txs = Array.from({ length: 20 }, (_, i) => fx.tx(W.alice, W.bob, COIN / 100n, { nonce: BigInt(i) }));
    const onDisk = await Promise.all(txs.map((tx) => fx.mempool.add(tx).then(() => fx.db.getSync(key(Prefix.mempool, txHash(tx))) !== undefined)));
    expect(onDisk).toEqual(txs.map(() => true));
    expect(writes).toBeLessThanOrEqual(3);
    expect(await storedIds(fx)).toEqual(new Set(ids(txs)));
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(20n);
  });
});

describe('Mempool limits and selection', () => {
  it("evicts the lowest fee rate when full, or refuses the newcomer with 'mempool-full'", async () => {
    const fx = await funded({ maxTxs: 3 });
    const removed = removals(fx);
    const b0 = fx.tx(W.bob, W.alice, COIN, { fee: 1_000n });
    const c0 = fx.tx(W.carol, W.alice, COIN, { fee: 2_000n });
    const d0 = fx.tx(W.dave, W.alice, COIN, { fee: 3_000n });
    for (const tx of [b0, c0, d0]) await fx.mempool.add(tx);
    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { fee: 500n }), 'mempool-full');
    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { fee: 1_000n }), 'mempool-full'); // equal rate is not enough
    const a0 = fx.tx(W.alice, W.bob, COIN, { fee: 1_500n });
    await fx.mempool.add(a0);
    expect(poolIds(fx)).toEqual(new Set([id(a0), id(c0), id(d0)]));
    expect(removed).toEqual([[id(b0), 'evicted']]);
    expect(await storedIds(fx)).toEqual(new Set([id(a0), id(c0), id(d0)]));

    // a newcomer never evicts its own sender's earlier nonce (that would leave a gap)
    const a1 = fx.tx(W.alice, W.bob, COIN, { nonce: 1n, fee: 10_000n });
    await fx.mempool.add(a1);
    expect(poolIds(fx)).toEqual(new Set([id(a0), id(a1), id(d0)]));
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(2n);
    const [block] = await fx.mine(1);
    expect(new Set(ids(block!.txs.slice(1) as TransferTx[]))).toEqual(new Set([id(a0), id(a1), id(d0)]));
    expect(fx.mempool.size).toBe(0);
  });

  it("after an eviction asks more than the evicted rate of every newcomer ('mempool-min-fee-not-met'), until blocks and time let it decay", async () => {
    const fx = await funded({ maxTxs: 3 });
    for (const [w, fee] of [[W.bob, 1_000n], [W.carol, 2_000n], [W.dave, 3_000n]] as const) await fx.mempool.add(fx.tx(w, W.alice, COIN, { fee }));
    expect(fx.mempool.minFeeRate()).toBe(1);
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { fee: 1_500n })); // evicts bob's 1,000 / 147 bytes
    const floor = 1_000 / 147 + 1;
    expect(fx.mempool.minFeeRate()).toBeCloseTo(floor, 9);
    // Room again after a block, but not at the old price: one unit more than the evicted no longer buys a place.
    await fx.mine(1);
    expect(fx.mempool.size).toBe(0);
    await rejected(fx, fx.tx(W.bob, W.alice, COIN, { fee: 1_001n }), 'mempool-min-fee-not-met');
    await rejected(fx, fx.tx(W.carol, W.alice, COIN, { nonce: 1n, fee: 1_100n }), 'mempool-min-fee-not-met');
    // Under a quarter full, the floor halves every 3 hours once a block has come since the raise.
    fx.clock.now += 3 * 3600;
    expect(fx.mempool.minFeeRate()).toBeCloseTo(floor / 2, 9);
    await fx.mempool.add(fx.tx(W.carol, W.alice, COIN, { nonce: 1n, fee: 600n }));
    // A third full: every 6 hours.
    fx.clock.now += 6 * 3600;
    expect(fx.mempool.minFeeRate()).toBeCloseTo(floor / 4, 9);
    await fx.mempool.add(fx.tx(W.bob, W.alice, COIN, { fee: 300n }));
    // Below half the increment it is gone, and the configured minimum is all that is asked.
    fx.clock.now += 30 * 3600;
    expect(fx.mempool.minFeeRate()).toBe(1);
    await fx.mempool.add(fx.tx(W.dave, W.alice, COIN, { nonce: 1n, fee: 147n }));
    expect(fx.mempool.size).toBe(3);
  });

  it("keeps the pool under its byte bound, counting each entry's memory beside its encoding, by evicting the lowest fee rate", async () => {
    const fx = await funded({ maxBytes: 3 * (147 + ENTRY_OVERHEAD) });
    const b0 = fx.tx(W.bob, W.alice, COIN, { fee: 1_000n });
    const c0 = fx.tx(W.carol, W.alice, COIN, { fee: 2_000n });
    const d0 = fx.tx(W.dave, W.alice, COIN, { fee: 3_000n });
    for (const tx of [b0, c0, d0]) await fx.mempool.add(tx);
    expect(fx.mempool.bytes).toBe(3 * 147);
    await rejected(fx, fx.tx(W.alice, W.bob, COIN, { fee: 900n }), 'mempool-full');
    const a0 = fx.tx(W.alice, W.bob, COIN, { fee: 4_000n });
    await fx.mempool.add(a0);
    expect(poolIds(fx)).toEqual(new Set([id(a0), id(c0), id(d0)]));
    expect(fx.mempool.bytes).toBeLessThanOrEqual(3 * 147);
    // Three entries' encodings alone would leave room for a fourth: their memory does not.
    expect(3 * 147 + 147).toBeLessThan(3 * (147 + ENTRY_OVERHEAD));
  });

  it("evicts a sender's last nonce, not an earlier one", async () => {
    const fx = await funded({ maxTxs: 3 });
    const a0 = fx.tx(W.alice, W.bob, COIN, { nonce: 0n, fee: 5_000n });
    const a1 = fx.tx(W.alice, W.bob, COIN, { nonce: 1n, fee: 1_000n });
    const b0 = fx.tx(W.bob, W.alice, COIN, { fee: 2_000n });
    for (const tx of [a0, a1, b0]) await fx.mempool.add(tx);
    const c0 = fx.tx(W.carol, W.alice, COIN, { fee: 3_000n });
    await fx.mempool.add(c0);
    expect(poolIds(fx)).toEqual(new Set([id(a0), id(b0), id(c0)]));
  });

  it("select() takes each sender's next nonces as a package, richest per byte first, in nonce order", async () => {
    const fx = await funded();
    const a0 = fx.tx(W.alice, W.dave, COIN, { nonce: 0n, fee: 200n });
    const a1 = fx.tx(W.alice, W.dave, COIN, { nonce: 1n, fee: 5_000n });
    const b0 = fx.tx(W.bob, W.dave, COIN, { nonce: 0n, fee: 1_000n });
    const c0 = fx.tx(W.carol, W.dave, COIN, { nonce: 0n, fee: 3_000n });
    const c1 = fx.tx(W.carol, W.dave, COIN, { nonce: 1n, fee: 2_500n });
    for (const tx of [a0, a1, b0, c0, c1]) await fx.mempool.add(tx);
    // Alice's 5,000 pulls her 200 in as a package paying 17.7 per byte, ahead of carol's second (17.0).
    const order = ids([c0, a0, a1, c1, b0]);
    expect(ids(fx.mempool.select(100, 1_000_000))).toEqual(order);
    // Two transactions: alice's pair does not fit after c0, her head alone pays least.
    expect(ids(fx.mempool.select(2, 1_000_000))).toEqual(ids([c0, c1]));
    expect(ids(fx.mempool.select(100, 3 * 147))).toEqual(order.slice(0, 3));
    // entries() is by fee rate alone
    expect(fx.mempool.entries().map((e) => e.id)).toEqual(ids([a1, c0, c1, b0, a0]));

    const [block] = await fx.mine(1, { miner: W.minerB });
    expect(ids(block!.txs.slice(1) as TransferTx[])).toEqual(order);
    expect(await fx.balance(W.minerB)).toBe(50n * COIN + 11_700n);
    expect(await fx.balance(W.dave)).toBe(FUND + 5n * COIN);
  });
});

describe('Mempool and the chain', () => {
  it('drops a pending transaction at a nonce the block used as the block connects, not after the admissions queued', async () => {
    const fx = await funded();
    const removed = removals(fx);
    const pending = fx.tx(W.alice, W.dave, 1n * COIN, { nonce: 0n });
    await fx.mempool.add(pending);
    const dave = addressKey(W.dave.address);
    expect(fx.mempool.addresses.summary(dave)).toEqual({ sent: 0, others: 1, incoming: 1n * COIN });
    const conflict = fx.tx(W.alice, W.carol, 2n * COIN, { nonce: 0n });
    const block = (await fx.branch()).next({ txs: [conflict] });
    let atConnect: unknown;
    const look = () => (atConnect ??= { held: fx.mempool.get(id(pending)) !== undefined, dave: fx.mempool.addresses.summary(dave) });
    fx.chain.on('block:connected', look);
    expect((await fx.chain.processBlock(block)).status).toBe('connected');
    fx.chain.off('block:connected', look);
    expect(atConnect).toEqual({ held: false, dave: { sent: 0, others: 0, incoming: 0n } });
    expect(new Map(removed)).toEqual(new Map<string, RemovalReason>([[id(pending), 'invalid']]));
    await fx.settle();
    expect(await storedIds(fx)).toEqual(new Set());
  });

  it('drops included transactions and those a block made invalid', async () => {
    const fx = await funded();
    const removed = removals(fx);
    const t1 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n });
    const t2 = fx.tx(W.alice, W.bob, 15n * COIN, { nonce: 1n });
    const t3 = fx.tx(W.bob, W.carol, 2n * COIN, { nonce: 0n });
    const t4 = fx.tx(W.carol, W.dave, 3n * COIN, { nonce: 0n });
    const t5 = fx.tx(W.carol, W.dave, 3n * COIN, { nonce: 1n });
    for (const tx of [t1, t2, t3, t4, t5]) await fx.mempool.add(tx);
    // a block from elsewhere: t3 and t4, plus a conflicting alice nonce 0 spending 10 HCK
    const conflict = fx.tx(W.alice, W.dave, 10n * COIN, { nonce: 0n });
    const block = (await fx.branch()).next({ txs: [t3, conflict, t4] });
    expect((await fx.chain.processBlock(block)).status).toBe('connected');
    await fx.settle();
    // t1 reuses a confirmed nonce; t2 (nonce 1) now costs more than alice's ~10 HCK
    expect(poolIds(fx)).toEqual(new Set([id(t5)]));
    expect(new Map(removed)).toEqual(
      new Map<string, RemovalReason>([
        [id(t3), 'block'],
        [id(t4), 'block'],
        [id(t1), 'invalid'],
        [id(t2), 'invalid'],
      ]),
    );
    expect(await storedIds(fx)).toEqual(new Set([id(t5)]));
    const [next] = await fx.mine(1);
    expect(ids(next!.txs.slice(1) as TransferTx[])).toEqual([id(t5)]);
    expect(fx.mempool.size).toBe(0);
    expect(await storedIds(fx)).toEqual(new Set());
  });

  it('drops pending spends that a reorg made unaffordable, even when no transfer was disconnected', async () => {
    const fx = await funded();
    const side = await fx.branch();
    await fx.mine(1); // +50 HCK to minerA, coinbase only
    const before = await fx.balance(W.minerA);
    const spend = fx.tx(W.minerA, W.alice, before - 1_000n, { nonce: 4n, fee: 1_000n });
    await fx.mempool.add(spend);
    const keep = fx.tx(W.alice, W.bob, COIN, { nonce: 0n });
    await fx.mempool.add(keep);
    // a heavier branch without that block: minerA is 50 HCK poorer
    await fx.chain.processBlock(side.next());
    await fx.chain.processBlock(side.next());
    expect(await fx.balance(W.minerA)).toBe(before - 50n * COIN);
    await fx.settle();
    expect(poolIds(fx)).toEqual(new Set([id(keep)]));
    expect(await storedIds(fx)).toEqual(new Set([id(keep)]));
  });

  it("holds at most its bound of a reorg's disconnected transfers, keeping those of the deepest blocks, whose nonces come first", async () => {
    // Signed deterministically: every fixture makes the same three transactions.
    const spends = (fx: ChainFixture) => [0n, 1n, 2n].map((nonce) => fx.tx(W.alice, W.bob, COIN, { nonce }));
    const afterReorg = async (maxReturnedBytes?: number) => {
      const fx = await funded({ maxReturnedBytes });
      const side = await fx.branch();
      // One block each, so the reorg takes them off tip first: nonce 2, then 1, then 0.
      for (const tx of spends(fx)) {
        await fx.mempool.add(tx);
        await fx.mine(1);
      }
      for (let i = 0; i < 4; i++) await fx.chain.processBlock(side.next());
      await fx.settle();
      return { pool: poolIds(fx), txs: spends(fx) };
    };
    const unbounded = await afterReorg();
    expect(unbounded.pool).toEqual(new Set(unbounded.txs.map(id)));
    // Room for one: the nonce-0 spend of the deepest block, which the other two would need.
    const bounded = await afterReorg(encodeTx(unbounded.txs[0]!).length);
    expect(bounded.pool).toEqual(new Set([id(bounded.txs[0]!)]));
  });

  it('takes back a disconnected transaction that pays less than the rolling floor, which still holds for new ones', async () => {
    const fx = await funded({ maxTxs: 3 });
    for (const [w, fee] of [[W.bob, 1_000n], [W.carol, 2_000n], [W.dave, 3_000n]] as const) await fx.mempool.add(fx.tx(w, W.alice, COIN, { fee }));
    await fx.mempool.add(fx.tx(W.alice, W.bob, COIN, { fee: 1_500n })); // evicts bob's: the floor is 1,000 / 147 + 1
    await fx.mine(1);
    const side = await fx.branch();
    const cheap = fx.tx(W.bob, W.alice, COIN, { fee: 500n });
    expect((await fx.chain.processBlock((await fx.branch()).next({ txs: [cheap] }))).status).toBe('connected');
    await fx.chain.processBlock(side.next());
    await fx.chain.processBlock(side.next());
    await fx.settle();
    expect(fx.mempool.minFeeRate()).toBeGreaterThan(500 / 147);
    expect(poolIds(fx)).toEqual(new Set([id(cheap)]));
    await rejected(fx, fx.tx(W.carol, W.alice, COIN, { nonce: 1n, fee: 500n }), 'mempool-min-fee-not-met');
  });

  it('survives a restart: persisted transactions are reloaded and revalidated', async () => {
    const fx = await funded();
    const a0 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n });
    const a1 = fx.tx(W.alice, W.bob, 2n * COIN, { nonce: 1n, fee: 3_000n });
    const b0 = fx.tx(W.bob, W.carol, 3n * COIN, { nonce: 0n, fee: 1_500n });
    const c0 = fx.tx(W.carol, W.dave, 4n * COIN, { nonce: 0n, fee: 2_000n });
    for (const tx of [a0, a1, b0, c0]) await fx.mempool.add(tx);
    const c0r = fx.tx(W.carol, W.dave, 4n * COIN, { nonce: 0n, fee: 5_000n });
    await fx.mempool.add(c0r); // replaces c0
    const expected = new Set(ids([a0, a1, b0, c0r]));
    expect(await storedIds(fx)).toEqual(expected);

    await fx.reopen();
    expect(poolIds(fx)).toEqual(expected);
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(2n);
    expect(fx.mempool.bytes).toBe(4 * 147);
    // Alice's 3,000 pulls her first nonce in as a package paying more per byte than bob's 1,500.
    expect(ids(fx.mempool.select(10, 1_000_000))).toEqual(ids([c0r, a0, a1, b0]));

    // restart again, but let a block confirm a conflicting bob nonce 0 before the mempool loads
    await fx.reopen({ loadMempool: false });
    expect(fx.mempool.size).toBe(0);
    const conflict = fx.tx(W.bob, W.dave, 5n * COIN, { nonce: 0n });
    expect((await fx.chain.processBlock((await fx.branch()).next({ txs: [conflict] }))).status).toBe('connected');
    await fx.mempool.load();
    expect(poolIds(fx)).toEqual(new Set(ids([a0, a1, c0r])));
    expect(await storedIds(fx)).toEqual(new Set(ids([a0, a1, c0r])));

    const [block] = await fx.mine(1);
    expect(block!.txs).toHaveLength(4);
    expect(fx.mempool.size).toBe(0);
    expect(await fx.account(W.alice)).toEqual({ balance: FUND - 3n * COIN - 4_000n, nonce: 2n });
  });
});
