import { afterEach, describe, expect, it } from 'vitest';
import { encodeTx, type TransferTx } from '@hackcoin/core';
import { ChainFixture, REGTEST, W, type FixtureOptions } from '../test-support/chain-fixture.js';
import { TEMPLATE_RESERVED_BYTES, createTemplate } from './template.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** A regtest chain where alice, bob, carol and dave each hold 20 HCK (nonce 0). */
async function funded(opts: FixtureOptions = {}): Promise<ChainFixture> {
  const fx = await ChainFixture.create(opts);
  fixtures.push(fx);
  await fx.fundWallets();
  return fx;
}

async function template(fx: ChainFixture): Promise<TransferTx[]> {
  const t = await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array(1));
  return t.txs.slice(1) as TransferTx[];
}

describe('block templates against calls that declare the block gas limit', () => {
  it('large calls declaring 50M gas each fill no more than the gas limit; the bytes they would have taken go to honest transfers', async () => {
    const fx = await funded({ maxPendingPerSender: 100 });
    const attackers = [W.alice, W.bob, W.carol];
    const calls: TransferTx[] = [];
    const next = (i: number) => ({ from: attackers[i % 3]!, nonce: BigInt(Math.floor(i / 3)) });
    // 30 calls of ~64 KB and one sized to leave less than a transfer of the block's byte budget: together
    // they fill it, though only 4 of them fit its 200M gas.
    for (let i = 0; i < 30; i++) calls.push(fx.callToNoContract(next(i).from, next(i).nonce, 50_000_000, 1n, ['a'.repeat(65_000)]));
    const budget = fx.params.maxBlockSize - TEMPLATE_RESERVED_BYTES;
    const used = calls.reduce((n, tx) => n + encodeTx(tx).length, 0);
    const overhead = encodeTx(fx.callToNoContract(next(30).from, next(30).nonce, 50_000_000, 1n, [''])).length;
    calls.push(fx.callToNoContract(next(30).from, next(30).nonce, 50_000_000, 1n, ['a'.repeat(budget - used - overhead - 50)]));
    const honest = Array.from({ length: 40 }, (_, i) => fx.tx(W.dave, W.carol, 1_000n, { nonce: BigInt(i), fee: 2_000n }));
    for (const tx of [...calls, ...honest]) await fx.mempool.add(tx);
    const included = await template(fx);
    expect(included.filter((tx) => honest.includes(tx))).toHaveLength(40);
    expect(included.filter((tx) => calls.includes(tx))).toHaveLength(4);
  });

  it('an honest call paying a higher gas price is included ahead of squatters declaring 50M gas at a lower one', async () => {
    const fx = await funded();
    const honestCall = fx.callToNoContract(W.alice, 0n, 200_000, 30n);
    // Gas price 24 is about the least a 50M-gas call may pay to be relayed (its sure fee over the 500,000 bytes its gas stands for).
    const squatters = [W.bob, W.carol, W.dave, W.minerA].map((w) => fx.callToNoContract(w, w === W.minerA ? 4n : 0n, 50_000_000, 24n));
    for (const tx of [honestCall, ...squatters]) await fx.mempool.add(tx);
    const included = await template(fx);
    expect(included).toContain(honestCall);
    expect(included.filter((tx) => squatters.includes(tx))).toHaveLength(3);
  });

  it('refills the budget a transaction assembly left out had taken', async () => {
    // Room for two transactions a block.
    const fx = await ChainFixture.create({ params: { ...REGTEST, maxBlockTxs: 3 } });
    fixtures.push(fx);
    for (const miner of [W.alice, W.bob, W.carol]) await fx.mine(1, { miner });
    const first = fx.tx(W.alice, W.dave, 1n, { fee: 1_000n });
    const stale = fx.tx(W.alice, W.dave, 1n, { fee: 9_000n, nonce: 1n });
    const second = fx.tx(W.bob, W.dave, 1n, { fee: 5_000n });
    const third = fx.tx(W.carol, W.dave, 1n, { fee: 3_000n });
    for (const tx of [first, stale, second, third]) await fx.mempool.add(tx);
    // A block confirms another transaction with alice's nonce 0, spending all she has (the pool drops
    // `first`, at that nonce, as the block connects). The miner builds its next template as soon as the
    // tip moves, as this listener does, before the pool has re-checked alice: `stale`, her nonce 1, is
    // still pending and no longer affordable.
    let building: ReturnType<typeof createTemplate> | undefined;
    let pendingThen = false;
    fx.chain.on('tip', () => {
      pendingThen = fx.mempool.entries().some((e) => e.tx === stale);
      building = createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array(1));
    });
    const all = await fx.balance(W.alice);
    const conflict = (await fx.branch()).next({ miner: W.minerA, txs: [fx.tx(W.alice, W.carol, all - 1_000n, { fee: 1_000n })] });
    expect((await fx.chain.processBlock(conflict)).status).toBe('connected');
    expect(pendingThen).toBe(true);
    const included = (await building!).txs.slice(1);
    expect(included).toEqual([second, third]);
  });

  it('an honest call paying 5 per gas for 200k gas goes ahead of squatters paying 30 on 50M gas each (their gas counts as block bytes)', async () => {
    const fx = await funded();
    const honest = fx.callToNoContract(W.alice, 0n, 200_000, 5n);
    const squatters = [W.bob, W.carol, W.dave].map((w) => fx.callToNoContract(w, 0n, 50_000_000, 30n));
    squatters.push(fx.callToNoContract(W.minerA, 4n, 50_000_000, 30n));
    for (const tx of [honest, ...squatters]) await fx.mempool.add(tx);
    const included = await template(fx);
    // Before: the four squatters took the block's 200M gas, paying about their intrinsic gas, and the honest call waited.
    expect(included).toContain(honest);
    expect(included.filter((tx) => squatters.includes(tx))).toHaveLength(3);
  });

  it("a refill round that leaves out a stale nonce still takes the sender's later one it could take before", async () => {
    const fx = await ChainFixture.create({ params: { ...REGTEST } });
    fixtures.push(fx);
    for (const miner of [W.alice, W.bob, W.carol]) await fx.mine(1, { miner });
    const stale = fx.tx(W.alice, W.dave, 1n, { fee: 9_000n });
    const later = fx.tx(W.alice, W.dave, 1n, { nonce: 1n, fee: 9_000n });
    const other = fx.tx(W.bob, W.dave, 1n, { fee: 5_000n });
    for (const tx of [stale, later, other]) await fx.mempool.add(tx);
    let building: Promise<{ txs: unknown[] }> | undefined;
    fx.chain.on('tip', () => {
      building = createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array(1));
    });
    // The pool's queue is busy (admitting a relayed batch, say), so its re-check of alice waits.
    void (fx.mempool as unknown as { queue: { run(f: () => Promise<void>): Promise<void> } }).queue.run(() => new Promise((r) => setTimeout(r, 300)));
    // Another miner confirms a different transaction at alice's nonce 0: `later` is now her next nonce (the
    // pool drops `stale` as the block connects; were it still pending, assembly would leave it out and go on).
    const conflict = (await fx.branch()).next({ miner: W.minerA, txs: [fx.tx(W.alice, W.carol, 2n, { fee: 1_000n })] });
    expect((await fx.chain.processBlock(conflict)).status).toBe('connected');
    const included = (await building!).txs.slice(1);
    expect(included).toEqual([later, other]);
  });
});
