import type { FastifyInstance } from 'fastify';
import { pagingQuery, signedTx, txId, type ApiResponse } from '@hackcoin/core';
import { deploySource, type AdmitDeploy } from '../deploy-admission.js';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { toTransfer } from '../signed-tx.js';
import { txJson } from '../serialize.js';
import type { SortedMempool } from '../mempool-view.js';

export function transactionRoutes(app: FastifyInstance, ctx: ApiContext, sorted: SortedMempool, admitDeploy: AdmitDeploy): void {
  const submit = async (body: unknown, ip: string) => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    // A deploy takes this route too: its source is prepared on the sender's engine time, as on /api/contracts/deploy
    // (but one that can only revert is admitted, to revert when mined, as this route always has).
    const source = deploySource(tx, ctx.params);
    if (source !== undefined) await admitDeploy(tx, txId(tx), source, ip, false);
    const entry = await ctx.mempool.add(tx);
    return { id: entry.id, accepted: true } satisfies ApiResponse<'POST /api/transactions'>;
  };
  app.post('/api/transactions', async (req) => submit(req.body, req.ip));
  // The seed's route name.
  app.post('/api/transaction', async (req) => submit(req.body, req.ip));

  app.get('/api/mempool', async (req) => {
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    const entries = sorted.entries();
    return {
      size: entries.length,
      bytes: ctx.mempool.bytes,
      minFeeRate: ctx.mempool.minFeeRate(),
      page,
      limit,
      transactions: entries.slice((page - 1) * limit, page * limit).map((e) => ({ ...txJson(e.tx, ctx.backend), feeRate: e.feeRate, time: e.time })),
    } satisfies ApiResponse<'GET /api/mempool'>;
  });
}
