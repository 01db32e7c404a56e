import type { FastifyInstance } from 'fastify';
import { hexToHash, txIdParam, type ApiResponse } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';

/**
 * GET /api/search/:id — what a 64-hex-digit id names on this node: a block,
 * a transaction (confirmed or pending) or nothing. Always 200, so an
 * explorer's search box learns the answer without provoking a 404.
 */
export function searchRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/search/:id', async (req) => {
    const id = parse(txIdParam, req.params, 'id').id.toLowerCase();
    if (ctx.chain.getEntry(id)) return { id, type: 'block' } satisfies ApiResponse<'GET /api/search/:id'>;
    if (ctx.mempool.get(id) || (await ctx.chain.getTxLocation(hexToHash(id)))) return { id, type: 'tx' } satisfies ApiResponse<'GET /api/search/:id'>;
    return { id, type: null } satisfies ApiResponse<'GET /api/search/:id'>;
  });
}
