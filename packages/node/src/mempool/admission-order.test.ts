import { afterEach, describe, expect, it } from 'vitest';
import { ZERO_ADDRESS, signTransfer, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { CountingExecutor } from '../test-support/counting-executor.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});


const SOURCE = `export function init() { let x = 0; ${'x = x + 1; '.repeat(2_000)} }`;

function deploy(fx: ChainFixture, from: Wallet, nonce: bigint): TransferTx {
  const gasLimit = 16_000_000;
  const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code: SOURCE, init: [], gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit), to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
}


describe('admission order', () => {
  it("a deploy's source is prepared only after the nonce and balance checks pass", async () => {
    const executor = new CountingExecutor(new QuickJsExecutor(await loadContractEngine()));
    const fx = await ChainFixture.create({ executor });
    fixtures.push(fx);
    await fx.mine(2);
    // Keys with no coins, a nonce past a gap and a nonce already used: all refused without preparing the source.
    for (const w of [W.alice, W.bob, W.carol, W.dave]) expect(await fx.refusal(deploy(fx, w, 0n))).toBe('bad-txns-insufficient-funds');
    expect(await fx.refusal(deploy(fx, W.minerA, 5n))).toBe('bad-txns-nonce-gap');
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 1n));
    await fx.mine(1, { miner: W.minerB });
    await fx.settle();
    expect(await fx.refusal(deploy(fx, W.minerA, 0n))).toBe('bad-txns-nonce-too-low');
    expect(executor.checks).toBe(0);
    expect(await fx.refusal(deploy(fx, W.minerA, 1n))).toBeNull();
    expect(executor.checks).toBe(1);
  });
});
