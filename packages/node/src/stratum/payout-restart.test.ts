import { afterEach, describe, expect, it } from 'vitest';
import { RuleError, addressFromPublicKey, formatAddress, publicKeyFromPrivate, signTransfer, txId, type TransferTx, type UnsignedTransfer } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { Prefix, key } from '../store/keys.js';
import type { Database, KeyedOp } from '../store/db.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { FINAL_DEPTH, PoolPayouts, type PayoutMempool } from './payouts.js';
import type { FoundBlock } from './server.js';

const addressOf = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, 2000 + i);
  return formatAddress(addressFromPublicKey(publicKeyFromPrivate(k)));
};
const bytesOf = (a: string) => Uint8Array.from(Buffer.from(a.slice(2), 'hex'));
const pool = W.minerA;
const SHARE = 1_000_000n;

/** Payouts from minerA's key on the fixture's (current) chain, counting what they sign; SHARE is over the threshold unless told. */
function payoutsOn(fx: ChainFixture, source: TypedEmitter<{ block: [FoundBlock] }>, o: { confirmations?: number; mempool?: PayoutMempool; log?: Logger; threshold?: bigint } = {}) {
  const signed: TransferTx[] = [];
  const sign = (tx: UnsignedTransfer, key: Uint8Array) => {
    const s = signTransfer(tx, key);
    signed.push(s);
    return s;
  };
  const payouts = new PoolPayouts(
    {
      chain: fx.chain,
      mempool: o.mempool ?? fx.mempool,
      params: fx.params,
      log: o.log ?? fx.log,
      key: pool.privateKey,
      address: formatAddress(pool.address),
      confirmations: o.confirmations ?? 1,
      threshold: o.threshold ?? 1_000n,
      minFeeRate: 1n,
      db: fx.db,
      sign,
    },
    source,
  );
  return { payouts, signed };
}

function foundAtTip(fx: ChainFixture, miner: string, share = SHARE): FoundBlock {
  const tip = fx.chain.tip;
  return { height: tip.height, hash: tip.id, reward: share, worker: 'w', time: 0, split: new Map([[miner, share]]) };
}

/** The fixture's quiet logger, keeping what is logged as an error. */
function errorsTo(fx: ChainFixture, errors: string[]): Logger {
  return { info: () => undefined, warn: () => undefined, debug: () => undefined, error: (m) => errors.push(m), child: () => fx.log };
}

/** SIGKILL as `db` is about to write a batch `at` picks: that batch never lands, and the pass writing it never goes on. */
function killAt(db: Database, at: (ops: readonly KeyedOp[]) => boolean): void {
  const target = db as unknown as { batch: (...args: unknown[]) => unknown };
  const real = target.batch.bind(db);
  target.batch = (...args: unknown[]) => (Array.isArray(args[0]) && at(args[0] as KeyedOp[]) ? new Promise(() => undefined) : real(...args));
}
const writes = (ops: readonly KeyedOp[], type: KeyedOp['type'], prefix: number) => ops.some((op) => op.type === type && op.key[0] === prefix);

const poolTxids = (fx: ChainFixture) => fx.mempool.pendingFor(pool.address).map((e) => [e.tx.nonce, e.id] as const);

/**
 * The two payouts pending at consecutive nonces, the first one's nonce signed once only: mined, then
 * each miner holds exactly its payout.
 */
async function expectEachPaidOnce(fx: ChainFixture, run: ReturnType<typeof payoutsOn>, first: string, second: string): Promise<void> {
  const { payouts, signed } = run;
  const [tx, next] = signed;
  expect(poolTxids(fx)).toEqual([
    [tx!.nonce, txId(tx!)],
    [tx!.nonce + 1n, txId(next!)],
  ]);
  await fx.mine(1, { miner: W.minerB });
  await payouts.stop();
  expect(signed.map((t) => [t.nonce, formatAddress(t.to)])).toEqual([
    [tx!.nonce, first],
    [tx!.nonce + 1n, second],
  ]);
  expect(await fx.balance(bytesOf(first))).toBe(tx!.amount);
  expect(await fx.balance(bytesOf(second))).toBe(next!.amount);
}

describe('pool payouts across a restart', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it('offers a payout the mempool dropped before a restart again after it, the same transaction, and pays its miner once', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const miner = addressOf(1);
    // Two confirmations: the pass at the next block pays it.
    let { payouts, signed } = payoutsOn(fx, source, { confirmations: 2 });
    source.emit('block', foundAtTip(fx, miner));
    await payouts.settled();
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    expect(signed.length).toBe(1);
    const [tx] = signed;
    const nonce = tx!.nonce;
    const [admitted] = fx.mempool.pendingFor(pool.address);
    expect(admitted!.id).toBe(txId(tx!));
    expect(await fx.mempool.evictFailed(admitted!.tx, 'test: dropped')).toBe(1);
    expect(poolTxids(fx)).toEqual([]);

    await fx.reopen();
    expect(poolTxids(fx)).toEqual([]);
    ({ payouts, signed } = payoutsOn(fx, source, { confirmations: 2 }));
    await payouts.load();
    expect(signed).toEqual([]);
    expect(poolTxids(fx)).toEqual([[nonce, admitted!.id]]);

    // A later found block's payout takes the next nonce, not the dropped one's.
    const second = addressOf(2);
    source.emit('block', foundAtTip(fx, second));
    await fx.mine(1, { miner: W.minerB });
    await payouts.settled();
    expect(signed.map((t) => t.nonce)).toEqual([nonce + 1n]);
    const amount = BigInt(payouts.payouts.find((p) => p.address === second)!.amount);
    expect(await fx.balance(bytesOf(miner))).toBe(amount);
    // Mined, and deep enough to pay a block (two), but not final: kept until FINAL_DEPTH, then gone from the database.
    await fx.mine(2, { miner: W.minerB });
    await payouts.settled();
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(2);
    // The first is FINAL_DEPTH deep and gone, the second one block short of it and kept.
    await fx.mine(FINAL_DEPTH - 3, { miner: W.minerB });
    await payouts.settled();
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(1);
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    expect(await fx.dump(Prefix.poolPayout)).toEqual([]);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
    expect(await fx.balance(bytesOf(miner))).toBe(amount);
    expect(await fx.balance(bytesOf(second))).toBe(amount);
    expect((await fx.account(pool)).nonce).toBe(nonce + 2n);
    expect(signed.length).toBe(1);
  });

  // SIGKILL at each point after signing: the pass is frozen there (its promise never settles) and the database closed under it.
  it.each([
    ['after the journal write, before the mempool admits it', 'before-admission'],
    ['after the mempool admitted and saved it, before anything else', 'after-admission'],
  ] as const)('a payout killed %s is sent once, the same transaction, and its miner paid once', async (_, when) => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const miner = addressOf(3);
    const real = fx.mempool;
    const frozen: PayoutMempool = {
      accountView: (a) => real.accountView(a),
      minFeeRate: () => real.minFeeRate(),
      add: async (tx) => {
        if (when === 'after-admission') await real.add(tx);
        return new Promise(() => undefined);
      },
    };
    const crashed = payoutsOn(fx, source, { mempool: frozen });
    source.emit('block', foundAtTip(fx, miner));
    await fx.settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(crashed.signed.length).toBe(1);
    const [tx] = crashed.signed;
    expect(poolTxids(fx).length).toBe(when === 'after-admission' ? 1 : 0);

    await fx.reopen();
    // The balance left in the batch that journalled its payout.
    expect(await fx.dump(Prefix.poolBalance)).toEqual([]);
    const { payouts, signed } = payoutsOn(fx, source);
    await payouts.load();
    // Nothing signed again: the one transaction the killed pass signed is the one pending.
    expect(signed).toEqual([]);
    expect(poolTxids(fx)).toEqual([[tx!.nonce, txId(tx!)]]);
    await fx.mine(FINAL_DEPTH, { miner: W.minerB });
    await payouts.stop();
    expect(signed).toEqual([]);
    expect(await fx.balance(bytesOf(miner))).toBe(tx!.amount);
    expect((await fx.account(pool)).nonce).toBe(tx!.nonce + 1n);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
    expect(await fx.dump(Prefix.poolPayout)).toEqual([]);
  });

  it.each([
    ['as it credits the found block', (ops: readonly KeyedOp[]) => writes(ops, 'del', Prefix.poolPending), 0],
    ['after the credit, as it journals the payout', (ops: readonly KeyedOp[]) => writes(ops, 'put', Prefix.poolPayout), 1],
  ] as const)('a pass killed %s loses no credit: after the restart the miner is paid once', async (_, at, signedBeforeKill) => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const miner = addressOf(5);
    const nonce = (await fx.account(pool)).nonce;
    killAt(fx.db, at);
    const crashed = payoutsOn(fx, source);
    source.emit('block', foundAtTip(fx, miner));
    await fx.settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(crashed.signed.length).toBe(signedBeforeKill);

    await fx.reopen();
    expect(await fx.dump(Prefix.poolPayout)).toEqual([]);
    // Owed either as the found block or as the balance its credit left, never as both.
    const owed = [(await fx.dump(Prefix.poolPending)).length, (await fx.dump(Prefix.poolBalance)).length];
    expect(owed).toEqual(signedBeforeKill === 0 ? [1, 0] : [0, 1]);
    const { payouts, signed } = payoutsOn(fx, source);
    await payouts.load();
    expect(signed.map((t) => [t.nonce, formatAddress(t.to)])).toEqual([[nonce, miner]]);
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    expect(await fx.balance(bytesOf(miner))).toBe(signed[0]!.amount);
    expect(signed[0]!.amount + signed[0]!.fee).toBe(SHARE);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
    expect(await fx.dump(Prefix.poolBalance)).toEqual([]);
  });

  it('keeps balances below the threshold across restarts, and pays the sum once, once credits reach it', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const miner = addressOf(6);
    const threshold = (5n * SHARE) / 2n;
    const signedAll: TransferTx[] = [];
    // Each round: a found block credits SHARE, then the node restarts.
    for (let round = 1n; round <= 3n; round++) {
      const { payouts, signed } = payoutsOn(fx, source, { threshold });
      await payouts.load();
      expect(await payouts.balances.of(miner)).toBe((round - 1n) * SHARE);
      await fx.mine(1, { miner: pool });
      source.emit('block', foundAtTip(fx, miner));
      await payouts.stop();
      signedAll.push(...signed);
      expect(payouts.balances.summary().addresses).toBe(round < 3n ? 1 : 0);
      await fx.reopen();
    }
    expect(signedAll.map((t) => [formatAddress(t.to), t.amount + t.fee])).toEqual([[miner, 3n * SHARE]]);
    const { payouts, signed } = payoutsOn(fx, source, { threshold });
    await payouts.load();
    await fx.mine(1, { miner: W.minerB });
    await payouts.stop();
    expect(signed).toEqual([]);
    expect(await fx.balance(bytesOf(miner))).toBe(signedAll[0]!.amount);
    expect(await fx.dump(Prefix.poolBalance)).toEqual([]);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
  });

  it('records a payout as failed, loudly, when another transaction signed with the pool key took its nonce, and forgets it', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const miner = addressOf(4);
    const { payouts, signed } = payoutsOn(fx, source);
    source.emit('block', foundAtTip(fx, miner));
    await payouts.settled();
    const [ours] = signed;
    const [admitted] = fx.mempool.pendingFor(pool.address);
    expect(await fx.mempool.evictFailed(admitted!.tx, 'test: dropped')).toBe(1);
    // The pool key's owner spends the same nonce elsewhere, and a block mines that instead.
    const other = fx.tx(pool, W.carol, 5n, { nonce: ours!.nonce });
    const block = (await fx.branch()).next({ miner: W.minerB, txs: [other] });
    expect((await fx.chain.processBlock(block)).status).toBe('connected');
    await fx.settle();
    await payouts.stop();
    expect(payouts.payouts.map((p) => [p.txid, p.status, p.error])).toEqual([
      [txId(ours!), 'sent', undefined],
      [txId(ours!), 'failed', 'nonce-used-by-another-transaction'],
    ]);
    expect(await fx.dump(Prefix.poolPayout)).toEqual([]);
    expect(await fx.balance(bytesOf(miner))).toBe(0n);
    expect(signed.length).toBe(1);
  });
});

describe('a payout once sent keeps its nonce until the chain passes it', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  // Refusals of the same signed payout sent again: it was relayed before, so a peer may still hold or mine it.
  it.each([
    ['bad-txns-insufficient-funds', 'a reorg took a pool coinbase and the balance is briefly low'],
    ['bad-txns-nonce-gap', 'an earlier nonce is missing here for now'],
    ['txn-already-known', 'the mempool holds it already'],
  ] as const)('a dropped payout refused on resend (%s: %s) stays journalled, nothing is signed for its nonce, and both miners are paid', async (code, _why) => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const real = fx.mempool;
    let refuse = false;
    const mempool: PayoutMempool = {
      accountView: (a) => real.accountView(a),
      minFeeRate: () => real.minFeeRate(),
      add: async (tx) => {
        if (refuse) throw new RuleError(code, 'test: refused on resend', 0);
        return real.add(tx);
      },
    };
    const errors: string[] = [];
    const { payouts, signed } = payoutsOn(fx, source, { mempool, log: errorsTo(fx, errors) });
    const first = addressOf(10);
    const second = addressOf(11);
    source.emit('block', foundAtTip(fx, first));
    await payouts.settled();
    expect(signed.length).toBe(1);
    const [tx] = signed;
    // Dropped here after it was relayed (a flood's trim), then refused when offered again.
    expect(await real.evictFailed(real.pendingFor(pool.address)[0]!.tx, 'test: dropped')).toBe(1);
    refuse = true;
    await fx.mine(1, { miner: W.minerB });
    source.emit('block', foundAtTip(fx, second));
    await payouts.settled();
    // The refused payout holds its nonce: the later block's share is credited, and waits unsigned.
    expect(signed).toEqual([tx]);
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(1);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
    expect(await payouts.balances.of(second)).toBe(SHARE);
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual([[first, 'sent']]);
    // Never silent: the log names the payout that holds the pool back, and why.
    if (code !== 'txn-already-known') {
      expect(errors.length).toBe(2);
      expect(errors.every((m) => m.includes(txId(tx!)) && m.includes(code))).toBe(true);
      expect(errors[1]).toContain('1 balance(s) due wait for it');
    }

    refuse = false;
    await fx.mine(1, { miner: W.minerB });
    await payouts.settled();
    await expectEachPaidOnce(fx, { payouts, signed }, first, second);
    expect(payouts.payouts.map((p) => [p.address, p.status])).toEqual([
      [first, 'sent'],
      [second, 'sent'],
    ]);
  });

  it('a payout un-mined by a 1-block reorg with confirmations=1 and then dropped is offered again, the same txid, and its nonce is never signed again', async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    await fx.mine(3, { miner: pool });
    const source = new TypedEmitter<{ block: [FoundBlock] }>();
    const { payouts, signed } = payoutsOn(fx, source, { confirmations: 1 });
    const first = addressOf(20);
    const second = addressOf(21);
    source.emit('block', foundAtTip(fx, first));
    await payouts.settled();
    const [tx] = signed;
    const fork = await fx.branch();
    await fx.mine(1, { miner: W.minerB });
    await payouts.settled();
    // Mined one block deep, as deep as this pool pays blocks: still journalled.
    expect((await fx.account(pool)).nonce).toBe(tx!.nonce + 1n);
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(1);

    // A 1-block reorg to a branch without it; the mempool takes it back, then drops it (as a flood's trim would).
    for (const b of [fork.next({ miner: W.minerB }), fork.next({ miner: W.minerB })]) await fx.chain.processBlock(b);
    await fx.settle();
    expect((await fx.account(pool)).nonce).toBe(tx!.nonce);
    expect(poolTxids(fx)).toEqual([[tx!.nonce, txId(tx!)]]);
    expect(await fx.mempool.evictFailed(tx!, 'test: dropped')).toBe(1);
    // What a template dropped is refused until the tip moves (a trim's drop is not): a block passes first.
    await fx.mine(1, { miner: W.minerB });

    source.emit('block', foundAtTip(fx, second));
    await payouts.settled();
    await expectEachPaidOnce(fx, { payouts, signed }, first, second);
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(2);
  });

  it("logs the saved payouts of another pool address, which it neither sends nor settles", async () => {
    fx = await ChainFixture.create({ maxTxs: 10_000 });
    const other = new Uint8Array(20).fill(0xab);
    for (const n of [7n, 8n]) {
      const nonce = new Uint8Array(8);
      new DataView(nonce.buffer).setBigUint64(0, n);
      await fx.db.put(key(Prefix.poolPayout, other, nonce), new TextEncoder().encode('{}'));
    }
    const errors: string[] = [];
    const { payouts, signed } = payoutsOn(fx, new TypedEmitter<{ block: [FoundBlock] }>(), { log: errorsTo(fx, errors) });
    await payouts.load();
    await payouts.stop();
    expect(errors).toEqual([expect.stringContaining(`2 saved payout(s) from 0x${'ab'.repeat(20)}`)]);
    expect(signed).toEqual([]);
    expect(poolTxids(fx)).toEqual([]);
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(2);
  });
});
