import { afterEach, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, publicKeyFromPrivate, signTransfer, txId, type TransferTx, type UnsignedTransfer } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { Prefix } from '../store/keys.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { PoolPayouts, type PayoutMempool } from './payouts.js';
import type { FoundBlock } from './server.js';

const addressOf = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(28, 2000 + i);
  return formatAddress(addressFromPublicKey(publicKeyFromPrivate(k)));
};
const bytesOf = (a: string) => Uint8Array.from(Buffer.from(a.slice(2), 'hex'));
const pool = W.minerA;
const SHARE = 1_000_000n;

/** Payouts from minerA's key on the fixture's (current) chain, counting what they sign. */
function payoutsOn(fx: ChainFixture, source: TypedEmitter<{ block: [FoundBlock] }>, o: { confirmations?: number; mempool?: PayoutMempool } = {}) {
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
      log: fx.log,
      key: pool.privateKey,
      address: formatAddress(pool.address),
      confirmations: o.confirmations ?? 1,
      minFeeRate: 1n,
      db: fx.db,
      sign,
    },
    source,
  );
  return { payouts, signed };
}

function foundAtTip(fx: ChainFixture, miner: string): FoundBlock {
  const tip = fx.chain.tip;
  return { height: tip.height, hash: tip.id, reward: SHARE, worker: 'w', time: 0, split: new Map([[miner, SHARE]]) };
}

const poolTxids = (fx: ChainFixture) => fx.mempool.pendingFor(pool.address).map((e) => [e.tx.nonce, e.id] as const);

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
    // Mined one block deep: kept; two deep (final for this pool): gone from the database.
    expect((await fx.dump(Prefix.poolPayout)).length).toBe(2);
    await fx.mine(2, { miner: W.minerB });
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
      pendingFor: (a) => real.pendingFor(a),
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
    const { payouts, signed } = payoutsOn(fx, source);
    await payouts.load();
    // Nothing signed again: the one transaction the killed pass signed is the one pending.
    expect(signed).toEqual([]);
    expect(poolTxids(fx)).toEqual([[tx!.nonce, txId(tx!)]]);
    await fx.mine(2, { miner: W.minerB });
    await payouts.stop();
    expect(signed).toEqual([]);
    expect(await fx.balance(bytesOf(miner))).toBe(tx!.amount);
    expect((await fx.account(pool)).nonce).toBe(tx!.nonce + 1n);
    expect(await fx.dump(Prefix.poolPending)).toEqual([]);
    expect(await fx.dump(Prefix.poolPayout)).toEqual([]);
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
