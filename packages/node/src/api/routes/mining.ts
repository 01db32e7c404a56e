import type { FastifyInstance } from 'fastify';
import { addressParam, formatAddress, generateBody, miningStartBody, pagingQuery, parseAddress, type ApiResponse } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { requireToken } from '../auth.js';

export function miningRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireToken(ctx.token);

  app.get('/api/mining/status', async () => ctx.miner.status() satisfies ApiResponse<'GET /api/mining/status'>);

  app.post('/api/mining/start', { preHandler: auth }, async (req) => {
    const { address, threads, intensity } = parse(miningStartBody, req.body, 'body');
    const to = address ?? ctx.miner.status().address ?? ctx.defaultMiningAddress;
    if (!to) throw new HttpError(400, 'invalid address: required (no MINING_ADDRESS configured)', 'bad-request');
    ctx.miner.start(typeof to === 'string' ? parseAddress(to) : to, { threads, intensity });
    return ctx.miner.status();
  });

  const pool = () => {
    if (!ctx.pool) throw new HttpError(404, 'this node does not serve a pool (start it with --stratum PORT)', 'not-found');
    return ctx.pool;
  };

  app.get('/api/pool/stats', async () => pool().stats());

  app.get('/api/pool/blocks', async (req) => {
    const p = pool();
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    return { page, limit, ...p.blockPage(page, limit) } satisfies ApiResponse<'GET /api/pool/blocks'>;
  });

  app.get('/api/pool/payouts', async (req) => {
    const p = pool();
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    return { page, limit, ...p.payoutPage(page, limit) } satisfies ApiResponse<'GET /api/pool/payouts'>;
  });

  app.get('/api/pool/balances/:address', async (req) => {
    const p = pool();
    const address = formatAddress(parse(addressParam, req.params, 'address').address);
    return { address, ...(await p.balanceOf(address)) } satisfies ApiResponse<'GET /api/pool/balances/:address'>;
  });

  app.post('/api/mining/stop', { preHandler: auth }, async () => {
    await ctx.miner.stop();
    return ctx.miner.status();
  });

  app.post('/api/mining/generate', { preHandler: auth }, async (req) => {
    if (ctx.params.network !== 'regtest') throw new HttpError(403, 'generate is only available on regtest', 'forbidden');
    const { count, address } = parse(generateBody, req.body, 'body');
    const blocks = await ctx.miner.generate(count, address);
    // The answer names blocks a client may rely on: they are on disk before it is sent.
    await ctx.chain.settled();
    return { blocks, height: ctx.chain.height } satisfies ApiResponse<'POST /api/mining/generate'>;
  });
}
