import { afterEach, describe, expect, it } from 'vitest';
import { COIN, RuleError, encodeTx, hashToHex, txHash, type RejectCode, type TransferTx } from '@hackcoin/core';
import { OpenFixtures, W, type ChainFixture } from '../test-support/chain-fixture.js';
import type { RemovalReason } from './mempool.js';

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

const FUND = 20n * COIN;
const id = (tx: TransferTx): string => hashToHex(txHash(tx));
const poolIds = (fx: ChainFixture): Set<string> => new Set(fx.mempool.entries().map((e) => e.id));

async function refusal(fx: ChainFixture, tx: TransferTx): Promise<RejectCode | null> {
  const err = await fx.mempool.add(tx).then(() => null, (e: unknown) => e);
  if (err === null) return null;
  if (!(err instanceof RuleError)) throw err;
  return err.code;
}

function removals(fx: ChainFixture): [string, RemovalReason][] {
  const out: [string, RemovalReason][] = [];
  fx.mempool.on('tx:removed', (e, reason) => out.push([e.id, reason]));
  return out;
}

describe('a replacement pays for the later nonces it drops', () => {
  it("the audit's churn: cancelling the first of 64 nonces (the last paying 1 HCK) costs all their fees plus a bump", async () => {
    const fx = await fixtures.create({ maxTxs: 200 });
    await fx.fundWallets();
    const removed = removals(fx);
    // At 1 unit a byte the minimum fee of a plain transfer is its size, which is also the bump here (a tenth of 147 is less).
    const min = BigInt(encodeTx(fx.tx(W.alice, W.bob, 1n)).length);
    const run = Array.from({ length: 64 }, (_, n) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n), fee: n === 63 ? COIN : min }));
    for (const tx of run) await fx.mempool.add(tx);
    // Spending all but its fee leaves none of the 63 later nonces affordable.
    const cancel = (fee: bigint): TransferTx => fx.tx(W.alice, W.carol, FUND - fee, { nonce: 0n, fee });
    expect(BigInt(encodeTx(cancel(COIN)).length)).toBe(min);
    const needed = min + (62n * min + COIN) + min;

    // What the old rule asked (one bump over nonce 0), and one unit short of the new one.
    expect(await refusal(fx, cancel(2n * min))).toBe('txn-replace-fee-too-low');
    expect(await refusal(fx, cancel(needed - 1n))).toBe('txn-replace-fee-too-low');
    expect(() => fx.mempool.precheck(cancel(needed - 1n))).toThrowError(/^txn-replace-fee-too-low: .* 63 later nonce/);
    // Unaffordable as well: still refused for the funds, as before.
    expect(await refusal(fx, fx.tx(W.alice, W.carol, FUND, { nonce: 0n, fee: needed }))).toBe('bad-txns-insufficient-funds');
    expect(poolIds(fx)).toEqual(new Set(run.map(id)));
    expect(removed).toEqual([]);

    const paid = cancel(needed);
    expect(await refusal(fx, paid)).toBeNull();
    expect(poolIds(fx)).toEqual(new Set([id(paid)]));
    expect(removed).toEqual([[id(run[0]!), 'replaced'], ...run.slice(1).map((tx): [string, RemovalReason] => [id(tx), 'invalid'])]);

    await fx.mine(1);
    expect(await fx.account(W.alice)).toEqual({ balance: 0n, nonce: 1n });
    expect(await fx.balance(W.carol)).toBe(FUND + FUND - needed);
    expect(await fx.balance(W.bob)).toBe(FUND);
  });

  it('only the nonces it leaves unaffordable are paid for; those still covered stay', async () => {
    const fx = await fixtures.create();
    await fx.fundWallets();
    const t0 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n, fee: 1_000n });
    const t1 = fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 1n, fee: 1_000n });
    const t2 = fx.tx(W.alice, W.bob, 10n * COIN, { nonce: 2n, fee: 5_000n });
    for (const tx of [t0, t1, t2]) await fx.mempool.add(tx);
    // 9 HCK at nonce 0 leaves ~10 HCK: nonce 1 (1 HCK) is still covered, nonce 2 (10 HCK and its fee) is not.
    const min = BigInt(encodeTx(t0).length);
    const needed = 1_000n + 5_000n + min;
    expect(await refusal(fx, fx.tx(W.alice, W.carol, 9n * COIN, { nonce: 0n, fee: needed - 1n }))).toBe('txn-replace-fee-too-low');
    // A replacement that leaves every later nonce covered needs only the bump.
    const same = fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 0n, fee: 1_000n + min });
    expect(await refusal(fx, same)).toBeNull();
    expect(poolIds(fx)).toEqual(new Set([id(same), id(t1), id(t2)]));

    const r0 = fx.tx(W.alice, W.carol, 9n * COIN, { nonce: 0n, fee: 1_000n + min + 5_000n + min });
    expect(await refusal(fx, r0)).toBeNull();
    expect(poolIds(fx)).toEqual(new Set([id(r0), id(t1)]));
    await fx.mine(1);
    expect(await fx.account(W.alice)).toEqual({ balance: FUND - 10n * COIN - r0.fee - t1.fee, nonce: 2n });
    expect(await fx.balance(W.carol)).toBe(FUND + 9n * COIN);
  });
});
