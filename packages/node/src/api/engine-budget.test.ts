import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { formatAddress } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { ApiContext } from './context.js';
import { EngineBudget } from './engine-budget.js';
import { HttpError } from './http-error.js';
import { installErrorHandler } from './request-guards.js';
import { contractRoutes } from './routes/contracts.js';

describe('EngineBudget', () => {
  it('refuses with engine-busy once the window is spent, never the exempt, and starts afresh next window', () => {
    let clock = 0;
    const budget = new EngineBudget((ip) => ip === '127.0.0.1', { msPerWindow: 100, windowMs: 60_000 }, () => clock);
    budget.admit('203.0.113.1');
    expect(budget.measure(() => ((clock += 60), 'first'))).toBe('first');
    budget.admit('203.0.113.1');
    // A call that throws is charged too.
    expect(() => budget.measure(() => ((clock += 45), JSON.parse('{')))).toThrow(SyntaxError);
    expect(budget.remainingMs).toBe(0);
    const refused = (() => {
      try {
        budget.admit('203.0.113.2');
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, code: 'engine-busy', message: expect.stringMatching(/retry in 60 s$/) });
    budget.admit('127.0.0.1');
    clock = 60_000;
    expect(budget.remainingMs).toBe(100);
    budget.admit('203.0.113.2');
  });
});

describe('contract routes under the engine budget', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  it('answers calls and estimates 429 engine-busy when the node-wide time is spent, except to exempt clients', async () => {
    fx = await ChainFixture.create();
    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend } as ApiContext;
    let exempt = false;
    contractRoutes(app, ctx, new EngineBudget(() => exempt, { msPerWindow: 0, windowMs: 60_000 }));
    const from = formatAddress(W.alice.address);
    const estimate = { type: 'deploy', from, contractCode: 'export function init() { return 1; }', initData: [] };
    const call = { contractAddress: formatAddress(W.bob.address), functionName: 'f', parameters: [] };
    for (const [url, payload] of [['/api/contracts/estimate-gas', estimate], ['/api/contracts/call', call]] as const) {
      const r = await app.inject({ method: 'POST', url, payload });
      expect(r.statusCode).toBe(429);
      expect(r.json().error).toBe('engine-busy');
    }
    exempt = true;
    const ran = await app.inject({ method: 'POST', url: '/api/contracts/estimate-gas', payload: estimate });
    expect(ran.statusCode).toBe(200);
    expect(ran.json().status).toBe('success');
    expect((await app.inject({ method: 'POST', url: '/api/contracts/call', payload: call })).json().error).toBe('not-found');
  });
});
