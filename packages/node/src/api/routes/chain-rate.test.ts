import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChainFixture } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import { installErrorHandler } from '../request-guards.js';
import { RATE_LIMITS, installRateLimits } from '../rate-limit.js';
import { chainRoutes } from './chain.js';

describe('block routes under the heavy rate class', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  const serve = async (): Promise<FastifyInstance> => {
    app = Fastify();
    installErrorHandler(app, fx!.log);
    const charge = await installRateLimits(app, 'all');
    chainRoutes(app, { chain: fx!.chain, mempool: fx!.mempool, backend: fx!.backend } as ApiContext, charge);
    return app;
  };
  const get = (a: FastifyInstance, url: string, remoteAddress = '203.0.113.7') => a.inject({ method: 'GET', url, remoteAddress });

  it('serves a cached block and the block list to one client past the heavy budget, as a dashboard re-reads them on every block', async () => {
    fx = await ChainFixture.create();
    await fx.mine(1);
    const a = await serve();
    const tip = fx.chain.tip.id;
    const statuses = new Set<number>();
    for (let i = 0; i < 2 * RATE_LIMITS.heavy + 10; i++) {
      statuses.add((await get(a, `/api/blocks/${tip}`)).statusCode);
      statuses.add((await get(a, '/api/blocks?limit=60')).statusCode);
    }
    expect(statuses).toEqual(new Set([200]));
  });

  it('still refuses a client its renders of uncached blocks past the heavy budget, and only that client', async () => {
    fx = await ChainFixture.create();
    await fx.mine(RATE_LIMITS.heavy + 1);
    const a = await serve();
    const statuses: number[] = [];
    for (let h = 0; h < RATE_LIMITS.heavy; h++) statuses.push((await get(a, `/api/blocks/${h}`)).statusCode);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const over = await get(a, `/api/blocks/${RATE_LIMITS.heavy}`);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toEqual({ error: 'rate-limited', message: expect.stringMatching(/^rate limit exceeded: at most 60 heavy requests a minute/) });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // What it already had rendered is still served to it; another client renders the refused block.
    expect((await get(a, '/api/blocks/0')).statusCode).toBe(200);
    expect((await get(a, `/api/blocks/${RATE_LIMITS.heavy}`, '203.0.113.8')).statusCode).toBe(200);
    expect((await get(a, '/api/blockchain/full', '203.0.113.7')).statusCode).toBe(429);
  });
});
