import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ZERO_ADDRESS, bytesToHex, encodeTx, signTransfer, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../../test-support/chain-fixture.js';
import { prepareContract } from '../../contracts/instrument.js';
import type { ApiContext } from '../context.js';
import { deployAdmission } from '../deploy-admission.js';
import { EngineBudget } from '../engine-budget.js';
import { SortedMempool } from '../mempool-view.js';
import { installErrorHandler } from '../request-guards.js';
import { transactionRoutes } from './transactions.js';

const GAS_LIMIT = 1_000_000;

describe('POST /api/transactions with a deploy', () => {
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
    // Each preparation takes 400 ms on the budget's clock, whatever it takes on this machine's.
    let clock = 0;
    const budget = new EngineBudget(() => false, { msPerWindow: 2_000, windowMs: 60_000, clientShare: 1 }, () => clock);
    const prepared: string[] = [];
    const sorted = new SortedMempool(fx.mempool);
    transactionRoutes(app, ctx, sorted, deployAdmission(ctx, budget, (source) => {
      prepared.push(source);
      clock += 400;
      return prepareContract(source);
    }));
    const send = (tx: TransferTx) => app!.inject({ method: 'POST', url: '/api/transactions', payload: { raw: bytesToHex(encodeTx(tx)) }, remoteAddress: '203.0.113.1' });
    return { budget, prepared, send, fx };
  };

  const deployTx = (fx: ChainFixture, from: Wallet, code: string, nonce: bigint): TransferTx => {
    const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code, init: [], gasLimit: GAS_LIMIT, gasPrice: '1' }));
    return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(GAS_LIMIT), to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
  };

  it("prepares the source on the sender's engine time, as the deploy route does, until that time is spent", async () => {
    const { budget, prepared, send, fx } = await setUp();
    // A forged deploy costs no preparation.
    const forged = { ...deployTx(fx, W.alice, 'export function init() {}', 0n), signature: new Uint8Array(64).fill(0x22) };
    expect((await send(forged)).json()).toMatchObject({ error: 'bad-txns-sig' });
    expect(prepared).toEqual([]);
    // A source that can only revert is still admitted on this route, to revert when mined.
    const reverting = await send(deployTx(fx, W.alice, 'export const x = 1;', 0n));
    expect(reverting.json()).toMatchObject({ accepted: true });
    expect(budget.remainingMs).toBe(2_000 - 400);
    const statuses: number[] = [];
    for (let n = 1n; n <= 5n; n++) statuses.push((await send(deployTx(fx, W.alice, `export function init() { return ${n}; }`, n))).statusCode);
    // Four more fit in the 2 s; the fifth is refused before its source is prepared.
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(prepared).toHaveLength(5);
    expect(fx.mempool.entries().map((e) => e.tx.nonce).sort()).toEqual([0n, 1n, 2n, 3n, 4n]);
  });
});
