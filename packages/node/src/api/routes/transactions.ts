import type { FastifyInstance, FastifyRequest } from 'fastify';
import { pagingQuery, signedTx, txId, type ApiResponse } from '@hackcoin/core';
import { deploySource, type AdmitDeploy } from '../deploy-admission.js';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { toTransfer } from '../signed-tx.js';
import { txJson } from '../serialize.js';
import { MEMPOOL_PAGE_MAX_BYTES, entriesWithin, type SortedMempool } from '../mempool-view.js';
import { chargeAnswer, type ChargeRate } from '../rate-limit.js';
import { HeavyGate, clientGone } from '../heavy-gate.js';

/** The answer's fields beside its transactions. */
const MEMPOOL_HEAD_BYTES = 256;

/** `charge` counts a large mempool page by its size against the client's heavy budget; pages render at the node-wide `gate`. */
export function transactionRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  sorted: SortedMempool,
  admitDeploy: AdmitDeploy,
  charge: ChargeRate = async () => undefined,
  gate = new HeavyGate(),
): void {
  const submit = async (body: unknown, req: FastifyRequest) => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    // A deploy takes this route too: its source is prepared on the sender's engine time, as on /api/contracts/deploy
    // (but one that can only revert is admitted, to revert when mined, as this route always has).
    const source = deploySource(tx, ctx.params);
    if (source !== undefined) await admitDeploy(tx, txId(tx), source, req, false);
    const entry = await ctx.mempool.add(tx);
    return { id: entry.id, accepted: true } satisfies ApiResponse<'POST /api/transactions'>;
  };
  app.post('/api/transactions', async (req) => submit(req.body, req));
  // The seed's route name.
  app.post('/api/transaction', async (req) => submit(req.body, req));

  // Within a byte budget as well as `limit`; `truncated` says the budget cut the page short (ask for
  // smaller pages to see the rest of it, as page numbers count `limit` rows each).
  app.get('/api/mempool', async (req, reply) => {
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    const entries = sorted.entries();
    const asked = entries.slice((page - 1) * limit, page * limit);
    const { rows, bytes } = entriesWithin(asked, MEMPOOL_PAGE_MAX_BYTES);
    await chargeAnswer(charge, req, reply, bytes + MEMPOOL_HEAD_BYTES, 0);
    gate.reserve(req, reply, bytes + MEMPOOL_HEAD_BYTES);
    const pieces = await gate.run(
      () => rows.map((e) =>
        JSON.stringify({ ...txJson(e.tx, ctx.backend), feeRate: e.feeRate, time: e.time } satisfies ApiResponse<'GET /api/mempool'>['transactions'][number]),
      ),
      clientGone(reply),
    );
    const head = {
      size: entries.length,
      bytes: ctx.mempool.bytes,
      minFeeRate: ctx.mempool.minFeeRate(),
      page,
      limit,
      truncated: rows.length < asked.length,
    } satisfies Omit<ApiResponse<'GET /api/mempool'>, 'transactions'> & { truncated: boolean };
    return reply.type('application/json').send(`${JSON.stringify(head).slice(0, -1)},"transactions":[${pieces.join(',')}]}`);
  });
}
