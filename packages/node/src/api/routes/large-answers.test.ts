import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChainFixture, W } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import { installErrorHandler } from '../request-guards.js';
import { RATE_LIMITS, answerUnits, installRateLimits } from '../rate-limit.js';
import { RESPONSE_LIMITS, installResponseBudget } from '../response-budget.js';
import { HEAVY_LIMITS, HeavyGate } from '../heavy-gate.js';
import { MEMPOOL_PAGE_MAX_BYTES, SortedMempool } from '../mempool-view.js';
import { chainRoutes } from './chain.js';
import { transactionRoutes } from './transactions.js';

/** Transactions carrying 64 KB of data each: ~130 KB of JSON apiece. */
const BIG_DATA = 'x'.repeat(64_000);
const SENDERS = [W.alice, W.bob, W.carol, W.dave];

describe('large answers of the block and mempool routes', () => {
  let fx: ChainFixture;
  /** The block of big transactions, and how many it holds. */
  let big: { id: string; txs: number };
  const apps: FastifyInstance[] = [];
  const nonces = new Map(SENDERS.map((w) => [w.name, 0n]));

  const addBig = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const w = SENDERS[i % SENDERS.length]!;
      const nonce = nonces.get(w.name)!;
      expect(await fx.refusal(fx.callToNoContract(w, nonce, 3_000_000, 1n, [BIG_DATA]))).toBeNull();
      nonces.set(w.name, nonce + 1n);
    }
  };

  beforeAll(async () => {
    fx = await ChainFixture.create({ maxTxs: 5_000, maxBytes: 64 * 1024 * 1024 });
    await fx.fundWallets();
    await addBig(10);
    await fx.mine(1);
    big = { id: fx.chain.tip.id, txs: (await fx.chain.getBlock(fx.chain.tip))!.txs.length };
    expect(big.txs).toBe(11);
    await addBig(20);
  }, 60_000);
  afterAll(async () => {
    for (const a of apps) await a.close();
    await fx.close();
  });

  const ctx = (): ApiContext => ({ chain: fx.chain, mempool: fx.mempool, backend: fx.backend }) as ApiContext;
  const newApp = (): FastifyInstance => {
    const a = Fastify();
    apps.push(a);
    installErrorHandler(a, fx.log);
    return a;
  };

  it('serves a rendered block from the UTF-8 kept since its render, and charges a large one by its size', async () => {
    const app = newApp();
    const payloads: string[] = [];
    app.addHook('onSend', async (_req, _reply, payload) => {
      payloads.push(Buffer.isBuffer(payload) ? 'buffer' : typeof payload);
      return payload;
    });
    chainRoutes(app, ctx(), await installRateLimits(app, 'all'));
    const get = (remoteAddress = '203.0.113.20') => app.inject({ method: 'GET', url: `/api/blocks/${big.id}`, remoteAddress });

    const first = await get();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ hash: big.id, txCount: big.txs });
    expect(first.json().transactions).toHaveLength(big.txs);
    const units = answerUnits(first.rawPayload.length);
    expect(units).toBeGreaterThan(1);
    // Its render paid the first unit; every later read pays all of them.
    const served = [first];
    for (let i = 0; i < RATE_LIMITS.heavy; i++) {
      const r = await get();
      if (r.statusCode !== 200) {
        expect(r.statusCode).toBe(429);
        break;
      }
      served.push(r);
    }
    // Before: cached blocks were reads, 1,200 a minute of 1.3 MB each.
    expect(served).toHaveLength(Math.floor(RATE_LIMITS.heavy / units));
    expect(new Set(served.map((r) => r.body)).size).toBe(1);
    // Before: a new string per answer, measured and encoded again.
    expect(new Set(payloads.slice(0, served.length))).toEqual(new Set(['buffer']));
    expect((await get('203.0.113.21')).statusCode).toBe(200);
  });

  it('refuses /api/blockchain/full for want of response budget before rendering a single block', async () => {
    const app = newApp();
    const reserve = installResponseBudget(app, { ...RESPONSE_LIMITS, clientBytes: 1024 * 1024 }, (req) => req.ip === '127.0.0.1');
    const loads: string[] = [];
    const chain = Object.create(fx.chain) as typeof fx.chain;
    chain.getBlock = async (e) => {
      loads.push(e.id);
      return fx.chain.getBlock(e);
    };
    chainRoutes(app, { ...ctx(), chain }, async () => undefined, new HeavyGate(HEAVY_LIMITS, reserve));

    const refused = await app.inject({ method: 'GET', url: '/api/blockchain/full', remoteAddress: '203.0.113.30' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'busy' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Before: every block rendered (and the answer made), then refused for its size.
    expect(loads).toEqual([]);

    // A client the budget does not hold back gets the whole answer, as before.
    const full = await app.inject({ method: 'GET', url: '/api/blockchain/full', remoteAddress: '127.0.0.1' });
    expect(full.statusCode).toBe(200);
    const body = full.json();
    expect(body).toMatchObject({ length: fx.chain.height + 1, truncated: false, from: 0 });
    expect(body.chain.map((b: { height: number }) => b.height)).toEqual(Array.from({ length: fx.chain.height + 1 }, (_, h) => h));
    expect(body.chain.find((b: { hash: string }) => b.hash === big.id).transactions).toHaveLength(big.txs);
  });

  it('bounds a mempool page by bytes, says when that cut it short, and charges a large page before rendering it', async () => {
    const app = newApp();
    const sorted = new SortedMempool(fx.mempool);
    transactionRoutes(app, ctx(), sorted, async () => undefined, await installRateLimits(app, 'all'));
    const get = (url: string, remoteAddress = '203.0.113.40') => app.inject({ method: 'GET', url, remoteAddress });

    const page = await get('/api/mempool?limit=20');
    expect(page.statusCode).toBe(200);
    // Before: all 20, 2.6 MB.
    expect(page.rawPayload.length).toBeLessThanOrEqual(MEMPOOL_PAGE_MAX_BYTES + 256);
    const body = page.json();
    expect(body).toMatchObject({ size: 20, page: 1, limit: 20, truncated: true });
    expect(body.transactions.length).toBeGreaterThan(0);
    expect(body.transactions.length).toBeLessThan(20);
    expect(body.transactions.map((t: { id: string }) => t.id)).toEqual(sorted.entries().slice(0, body.transactions.length).map((e) => e.id));
    expect(body.transactions[0]).toMatchObject({ data: expect.any(String), feeRate: expect.any(Number), time: expect.any(Number) });
    const one = (await get('/api/mempool?limit=1')).json();
    expect([one.truncated, one.transactions.length]).toEqual([false, 1]);

    // A large page costs a heavy unit: the client that spent its heavy budget is refused.
    const statuses = new Set<number>();
    for (let i = 2; i < RATE_LIMITS.heavy; i++) statuses.add((await get('/api/mempool?limit=20')).statusCode);
    expect(statuses).toEqual(new Set([200]));
    expect((await get('/api/mempool?limit=20')).statusCode).toBe(429);
    expect((await get('/api/mempool?limit=20', '203.0.113.41')).statusCode).toBe(200);
    sorted.close();
  });
});
