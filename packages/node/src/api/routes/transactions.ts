import type { FastifyInstance } from 'fastify';
import { pagingQuery, signedTx, type ApiResponse } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { toTransfer } from '../signed-tx.js';
import { txJson } from '../serialize.js';
import type { SortedMempool } from '../mempool-view.js';

export function transactionRoutes(app: FastifyInstance, ctx: ApiContext, sorted: SortedMempool): void {
  const submit = async (body: unknown) => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    const entry = await ctx.mempool.add(tx);
    return { id: entry.id, accepted: true } satisfies ApiResponse<'POST /api/transactions'>;
  };
  app.post('/api/transactions', async (req) => submit(req.body));
  // The seed's route name.
  app.post('/api/transaction', async (req) => submit(req.body));

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
