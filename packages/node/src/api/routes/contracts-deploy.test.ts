import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ZERO_ADDRESS, bytesToHex, encodeTx, minContractGasPrice, signTransfer, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../../test-support/chain-fixture.js';
import { prepareContract } from '../../contracts/instrument.js';
import type { ApiContext } from '../context.js';
import { EngineBudget } from '../engine-budget.js';
import { installErrorHandler } from '../request-guards.js';
import { deployAdmission } from '../deploy-admission.js';
import { SortedMempool } from '../mempool-view.js';
import { contractRoutes } from './contracts.js';
import { transactionRoutes } from './transactions.js';

/** The audit's source: 49 KB of arrow functions, a quarter of a second to prepare. */
const HEAVY = `export function init() { const f = [${'x=>x,'.repeat(9_800)}]; }`;
/** Room for HEAVY's ~30M intrinsic gas (600 a source character). */
const GAS_LIMIT = 50_000_000;
/** Ample for a few-line source: its declared gas counts as block space, so 50M would cost it ~16 per gas. */
const SMALL_GAS_LIMIT = 1_000_000;

describe('POST /api/contracts/deploy', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  const setUp = async () => {
    fx = await ChainFixture.create();
    await fx.fundWallets();
    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend } as ApiContext;
    // Each preparation takes 100 ms on the budget's clock, whatever it takes on this machine's.
    let clock = 0;
    const budget = new EngineBudget(() => false, undefined, () => clock);
    const prepared: string[] = [];
    const prepare = (source: string) => {
      prepared.push(source);
      clock += 100;
      return prepareContract(source);
    };
    contractRoutes(app, ctx, async () => undefined, budget, prepare);
    transactionRoutes(app, ctx, new SortedMempool(fx.mempool), deployAdmission(ctx, budget, prepare));
    const post = (url: string) => (tx: TransferTx) => app!.inject({ method: 'POST', url, payload: { raw: bytesToHex(encodeTx(tx)) }, remoteAddress: '203.0.113.1' });
    return { budget, prepared, deploy: post('/api/contracts/deploy'), send: post('/api/transactions'), fx };
  };

  /** A deploy at the least gas price the fixture's relay minimum (1 unit a byte) takes at its gas limit, unless given one. */
  const deployTx = (fx: ChainFixture, from: Wallet, code: string, nonce = 0n, gas: { gasLimit?: number; gasPrice?: bigint } = {}): TransferTx => {
    const gasLimit = gas.gasLimit ?? GAS_LIMIT;
    const gasPrice = gas.gasPrice ?? minContractGasPrice({ params: fx.params, action: { type: 'deploy', code, init: [] }, gasLimit }, 1n);
    const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code, init: [], gasLimit, gasPrice: gasPrice.toString() }));
    return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit) * gasPrice, to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
  };
  const small = { gasLimit: SMALL_GAS_LIMIT };

  it('refuses a deploy its sender could not pay for by the signature, fee, nonce or funds rule, before preparing its source', async () => {
    const { budget, prepared, deploy, fx } = await setUp();
    const full = budget.remainingMs;
    // The audit's request: any key, a signature that does not verify.
    const forged = { ...deployTx(fx, W.alice, HEAVY), signature: new Uint8Array(64).fill(0x22) };
    const unsigned = await deploy(forged);
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json().error).toBe('bad-txns-sig');
    // A source that could only revert is not even looked at: the signature is what refuses it.
    const forgedBad = { ...deployTx(fx, W.alice, 'export const x = 1;', 0n, small), signature: new Uint8Array(64).fill(0x22) };
    expect((await deploy(forgedBad)).json().error).toBe('bad-txns-sig');
    // Signed by a key with no coins.
    const pauper = { ...W.alice, privateKey: new Uint8Array(32).fill(0x55) };
    const unfunded = await deploy(deployTx(fx, pauper, HEAVY));
    expect(unfunded.json()).toMatchObject({ error: 'bad-txns-insufficient-funds' });
    // A key with no coins paying nothing: balance 0 covers fee 0, the fee rules refuse it (review of e560776).
    const free = await deploy(deployTx(fx, pauper, HEAVY, 0n, { gasPrice: 0n }));
    expect(free.json()).toMatchObject({ error: 'min-fee-not-met' });
    // Funded, but with a nonce that could not be mined next.
    const gap = await deploy(deployTx(fx, W.alice, HEAVY, 5n));
    expect(gap.json()).toMatchObject({ error: 'bad-txns-nonce-gap', message: 'next nonce is 0' });
    expect(prepared).toEqual([]);
    expect(budget.remainingMs).toBe(full);
    expect(fx.mempool.entries()).toEqual([]);
  });

  it('prepares the source of a deploy its sender can pay for on the engine budget, and refuses one that could only revert', async () => {
    const { budget, prepared, deploy, fx } = await setUp();
    const full = budget.remainingMs;
    const bad = await deploy(deployTx(fx, W.alice, 'export const x = 1;', 0n, small));
    expect(bad.json()).toMatchObject({ error: 'bad-contract-source' });
    expect(prepared).toEqual(['export const x = 1;']);
    const good = await deploy(deployTx(fx, W.alice, HEAVY));
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ accepted: true });
    expect(prepared).toHaveLength(2);
    expect(fx.mempool.entries().map((e) => e.tx.nonce)).toEqual([0n]);
    // Both preparations were charged what they took, the rest of their reservations given back.
    expect(budget.remainingMs).toBe(full - 200);
    // The same deploy again is refused as known without preparing it a third time.
    const again = await deploy(deployTx(fx, W.alice, HEAVY));
    expect(again.json()).toMatchObject({ error: 'txn-already-known' });
    expect(prepared).toHaveLength(2);
  });

  it("prepares a deploy sent to POST /api/transactions on the same engine time, until the sender's share is spent, yet admits one that can only revert", async () => {
    const { budget, prepared, send, fx } = await setUp();
    const full = budget.remainingMs;
    const forged = { ...deployTx(fx, W.alice, 'export function init() {}', 0n, small), signature: new Uint8Array(64).fill(0x22) };
    expect((await send(forged)).json()).toMatchObject({ error: 'bad-txns-sig' });
    expect(prepared).toEqual([]);
    // A source that can only revert is still admitted on this route, to revert when mined.
    expect((await send(deployTx(fx, W.alice, 'export const x = 1;', 0n, small))).json()).toMatchObject({ accepted: true });
    expect(budget.remainingMs).toBe(full - 100);
    const statuses: number[] = [];
    for (let n = 1n; statuses.at(-1) !== 429 && n < 100n; n++) statuses.push((await send(deployTx(fx, W.alice, `export function init() { return ${n}; }`, n, small))).statusCode);
    // Refused for engine time, before its source is prepared: every admitted deploy was prepared once.
    expect(statuses.at(-1)).toBe(429);
    expect(prepared).toHaveLength(statuses.length);
    expect(fx.mempool.entries()).toHaveLength(statuses.length);
  });
});
