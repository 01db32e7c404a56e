import { afterEach, describe, expect, it } from 'vitest';
import {
  COIN,
  buildSignedContractTransfer,
  encodeTx,
  hashToHex,
  intrinsicGas,
  minContractGasPrice,
  minRelayFee,
  RuleError,
  txHash,
  type ContractAction,
  type TransferTx,
} from '@hackcoin/core';
import { OpenFixtures, W, type ChainFixture, type FixtureOptions } from '../test-support/chain-fixture.js';

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

/** A regtest chain where alice, bob, carol and dave each hold 20 HCK (nonce 0). */
async function funded(opts: FixtureOptions = {}): Promise<ChainFixture> {
  const fx = await fixtures.create(opts);
  await fx.fundWallets();
  return fx;
}

/** A call (to bob, where no contract lives: it fails at once and pays its intrinsic gas). */
const id = (tx: TransferTx): string => hashToHex(txHash(tx));


describe('the relay minimum is over the vsize: declared gas counts as the block space it holds', () => {
  /** What callToNoContract sends, as a wallet describes it. */
  const bare: ContractAction = { type: 'call', contract: W.bob.address, fn: 'f', args: [] };

  it('refuses a 50M-gas call at gas price 1, saying why, and takes it at the price core gives wallets, not one unit lower', async () => {
    const fx = await funded();
    const err = await fx.mempool.add(fx.callToNoContract(W.alice, 0n, 50_000_000, 1n)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuleError);
    expect((err as RuleError).code).toBe('min-fee-not-met');
    // 50M gas stands for 500,000 of a block's 2M bytes; the sure fee is ~21,600 units.
    expect((err as RuleError).detail).toMatch(/below 0\.005 HCK \(1 base units\/byte over 500000 bytes: its declared gas limit of 50000000 counts as the block space it holds.*a gas price of about 24 meets it at this gas limit, or declare less gas$/);
    const price = minContractGasPrice({ params: fx.params, action: bare, gasLimit: 50_000_000 }, 1n);
    expect(price).toBe(24n);
    const built = (gasPrice: bigint, nonce: bigint) => buildSignedContractTransfer({ params: fx.params, action: bare, gasLimit: 50_000_000, gasPrice, nonce }, W.alice.privateKey);
    // The wallet's builder writes exactly what the fixture signs.
    expect(encodeTx(built(price, 0n))).toEqual(encodeTx(fx.callToNoContract(W.alice, 0n, 50_000_000, price)));
    expect(await fx.refusal(built(price - 1n, 0n))).toBe('min-fee-not-met');
    expect(await fx.refusal(built(price, 0n))).toBeNull();
  });

  it('still takes an honest call whose gas limit is tight at gas price 1', async () => {
    const fx = await funded();
    const tx = fx.callToNoContract(W.alice, 0n, 30_000, 1n);
    expect(minRelayFee(1n, encodeTx(tx).length, 30_000, fx.params)).toBe(300n);
    expect(await fx.refusal(tx)).toBeNull();
  });

  it("a replacement's bump is at least its own minimum over its vsize, not over its size", async () => {
    const fx = await funded();
    await fx.mempool.add(fx.tx(W.carol, W.dave, 1n, { fee: 100_000n }));
    const call = (gasPrice: bigint) => fx.callToNoContract(W.carol, 0n, 50_000_000, gasPrice);
    const intrinsic = BigInt(intrinsicGas(call(1n), fx.params, { type: 'call' }));
    // Meets its own minimum (500,000) and the old bump over its size (100,000 + 10,000), not 100,000 + 500,000.
    expect(intrinsic * 24n).toBeGreaterThan(500_000n);
    expect(intrinsic * 24n).toBeLessThan(600_000n);
    expect(await fx.refusal(call(24n))).toBe('txn-replace-fee-too-low');
    expect(await fx.refusal(call((600_000n + intrinsic - 1n) / intrinsic))).toBeNull();
  });
});

describe('contract transactions are ranked by the fee they are sure to pay', () => {
  it('entry fee is intrinsic gas × gas price, and a call declaring 50M gas ranks below a transfer paying more per byte', async () => {
    const fx = await funded();
    // Gas price 24: about the least a 50M-gas call may pay (see the relay floor test below).
    const big = fx.callToNoContract(W.alice, 0n, 50_000_000, 24n);
    const transfer = fx.tx(W.carol, W.dave, 1n, { fee: 100_000n });
    const e = await fx.mempool.add(big);
    await fx.mempool.add(transfer);
    expect(e.fee).toBe(BigInt(intrinsicGas(big, fx.params, { type: 'call' })) * 24n);
    expect(e.gasLimit).toBe(50_000_000);
    expect(fx.mempool.select(10, 1_000_000).map(id)).toEqual([id(transfer), id(big)]);
  });

  it('select counts declared gas against the block limit: a call past it takes no budget and holds back its sender', async () => {
    // No relay floor: two 50M-gas calls paying it would cost a sender more than its 20 HCK.
    const fx = await funded({ minFeeRate: 0n });
    const fits = [fx.callToNoContract(W.alice, 0n, 50_000_000, 3n), fx.callToNoContract(W.alice, 1n, 50_000_000, 3n), fx.callToNoContract(W.carol, 0n, 50_000_000, 3n), fx.callToNoContract(W.carol, 1n, 50_000_000, 3n)];
    const over = fx.callToNoContract(W.bob, 0n, 50_000_000, 2n);
    // Paying little, so bob's package (the call with it) still ranks below the calls that fit.
    const behind = fx.tx(W.bob, W.alice, 1n, { nonce: 1n, fee: 300n });
    const transfer = fx.tx(W.dave, W.alice, 1n);
    for (const tx of [...fits, over, behind, transfer]) await fx.mempool.add(tx);
    expect(new Set(fx.mempool.select(100, 1_000_000).map(id))).toEqual(new Set([...fits, transfer].map(id)));
  });

  it('eviction and the rolling floor use the sure rate: a transfer paying more per byte evicts a call declaring far more', async () => {
    const fx = await funded({ maxTxs: 1 });
    const big = fx.callToNoContract(W.alice, 0n, 50_000_000, 24n);
    const entry = await fx.mempool.add(big);
    const transfer = fx.tx(W.carol, W.dave, 1n, { fee: 100_000n });
    expect(await fx.refusal(transfer)).toBeNull();
    expect(fx.mempool.get(id(big))).toBeUndefined();
    expect(fx.mempool.minFeeRate()).toBeCloseTo(entry.feeRate + 1, 6);
    // Below the floor the eviction raised: refused before any room is made.
    // Its rate counts the block bytes 50M gas stands for, so the floor sits just above the relay minimum.
    const size = encodeTx(fx.tx(W.dave, W.carol, 1n, { fee: 1n })).length;
    const low = fx.tx(W.dave, W.carol, 1n, { fee: BigInt(Math.floor(fx.mempool.minFeeRate() * size)) - 1n });
    expect(await fx.refusal(low)).toBe('mempool-min-fee-not-met');
  });

  it('the minimum fee and replacement are judged on the sure fee, not the declared maximum', async () => {
    const fx = await funded({ minFeeRate: 200n });
    // Declares 50M units, is sure to pay its intrinsic gas at 1 unit: under 200 units per byte.
    expect(await fx.refusal(fx.callToNoContract(W.alice, 0n, 50_000_000, 1n))).toBe('min-fee-not-met');
    const first = fx.callToNoContract(W.carol, 0n, 100_000, 300n);
    await fx.mempool.add(first);
    // Twice the gas limit at the same price pays no more for sure.
    expect(await fx.refusal(fx.callToNoContract(W.carol, 0n, 200_000, 300n))).toBe('txn-replace-fee-too-low');
    expect(await fx.refusal(fx.callToNoContract(W.carol, 0n, 100_000, 400n))).toBeNull();
    expect(fx.mempool.get(id(first))).toBeUndefined();
  });

  it('a contract transaction is replaced only by one offering its maximum fee plus a tenth (a call rotated out for a cheap transfer ran in every template for ~23,000 units)', async () => {
    const fx = await funded();
    const call = fx.callToNoContract(W.alice, 0n, 50_000_000, 24n);
    const entry = await fx.mempool.add(call);
    // Far above the call's sure fee, below its maximum of 1.2G units.
    expect(await fx.refusal(fx.tx(W.alice, W.bob, 1n, { nonce: 0n, fee: 10n * entry.fee }))).toBe('txn-replace-fee-too-low');
    expect(fx.mempool.get(id(call))).toBeDefined();
    const cancel = fx.tx(W.alice, W.bob, 1n, { nonce: 0n, fee: 1_320_000_000n });
    expect(await fx.refusal(cancel)).toBeNull();
    expect(fx.mempool.get(id(call))).toBeUndefined();
    // A fee bump at the same gas limit: 10% more per gas.
    const second = fx.callToNoContract(W.carol, 0n, 100_000, 300n);
    await fx.mempool.add(second);
    expect(await fx.refusal(fx.callToNoContract(W.carol, 0n, 100_000, 330n))).toBeNull();
  });

  it('a contract transaction a replacement leaves unaffordable is paid as if replaced directly (rotating it out through an earlier nonce cost 0.06% of its maximum)', async () => {
    const fx = await funded();
    await fx.mempool.add(fx.tx(W.alice, W.bob, 1n, { nonce: 0n, fee: 1_000n }));
    const call = fx.callToNoContract(W.alice, 1n, 50_000_000, 24n);
    await fx.mempool.add(call);
    // Spends nearly all of alice's 20 HCK, so the call at nonce 1 can no longer be paid for.
    const drain = (fee: bigint) => fx.tx(W.alice, W.bob, 20n * COIN - fee - 1_000_000n, { nonce: 0n, fee });
    expect(await fx.refusal(drain(30_753n))).toBe('txn-replace-fee-too-low');
    expect(fx.mempool.get(id(call))).toBeDefined();
    // The replaced fee, the call's maximum plus a tenth (1.32G units), and a bump.
    expect(await fx.refusal(drain(1_320_000_000n))).toBe('txn-replace-fee-too-low');
    expect(await fx.refusal(drain(1_330_000_000n))).toBeNull();
    expect(fx.mempool.get(id(call))).toBeUndefined();
  });
});
