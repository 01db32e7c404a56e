import { afterEach, describe, expect, it } from 'vitest';
import { COIN, RuleError, ZERO_ADDRESS, decodeTx, encodeTx, signTransfer, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { OpenFixtures, W, type ChainFixture, type Wallet } from '../test-support/chain-fixture.js';
import { CountingExecutor } from '../test-support/counting-executor.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { prepareContract } from '../contracts/instrument.js';

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

/**
 * The audit's shape in small: 15 nested arrows pass the source's nesting limit and break the
 * instrumented code's, so the verdict comes only after the source is instrumented and parsed again.
 */
const TOO_DEEP = `export function init() { const z = ${'(()=>'.repeat(15)}1${')'.repeat(15)}; }`;

function deploy(fx: ChainFixture, from: Wallet, nonce: bigint, code: string): TransferTx {
  const gasLimit = 2_000_000;
  const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code, init: [], gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit), to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
}

async function refusalOf(p: Promise<unknown>): Promise<RuleError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof RuleError)) throw new Error(`expected a RuleError, got ${String(err)}`);
  return err;
}

describe('deploys refused for their source', () => {
  it('a refused deploy sent again is refused under the same rule without its source being prepared again', async () => {
    const prepared: string[] = [];
    const executor = new CountingExecutor(
      new QuickJsExecutor(await loadContractEngine(), (source) => {
        prepared.push(source);
        return prepareContract(source);
      }),
    );
    const fx = await fixtures.create({ executor });
    await fx.fundWallets();
    expect(() => prepareContract(TOO_DEEP)).toThrowError(/^bad-txns-contract-too-deep: instrumented code/);

    const tx = deploy(fx, W.alice, 0n, TOO_DEEP);
    const first = await refusalOf(fx.mempool.add(tx));
    expect(first.code).toBe('bad-txns-contract-too-deep');
    expect([executor.checks, prepared.length]).toEqual([1, 1]);

    // The same raw transaction again, decoded afresh as the API or a peer hands it over: found by id, the VM is not asked.
    const again = await refusalOf(fx.mempool.add(decodeTx(encodeTx(tx)) as TransferTx));
    expect([again.code, again.message, again.score]).toEqual([first.code, first.message, first.score]);
    expect([executor.checks, prepared.length]).toEqual([1, 1]);
    // The deploy route asks precheck before it prepares a source itself: refused there too.
    expect(() => fx.mempool.precheck(tx)).toThrowError(first.message);

    // The same source in another transaction: the VM remembers it by hash.
    expect(await fx.refusal(deploy(fx, W.bob, 0n, TOO_DEEP))).toBe('bad-txns-contract-too-deep');
    expect([executor.checks, prepared.length]).toEqual([2, 1]);

    // Nothing was pooled, mined or charged.
    expect(fx.mempool.size).toBe(0);
    await fx.mine(1);
    expect(await fx.account(W.alice)).toEqual({ balance: 20n * COIN, nonce: 0n });
    expect(await fx.account(W.bob)).toEqual({ balance: 20n * COIN, nonce: 0n });

    // A source one character away is a different source: prepared, and judged on its own.
    const shallower = TOO_DEEP.replace('(()=>', '');
    expect(await fx.refusal(deploy(fx, W.alice, 0n, shallower))).toBeNull();
    expect(prepared).toEqual([TOO_DEEP, shallower]);
  });
});
