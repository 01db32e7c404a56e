import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_PAGE_OFFSET, equalBytes, formatAddress, txId } from '@hackcoin/core';
import { ChainFixture, W } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import { installErrorHandler } from '../request-guards.js';
import { RATE_LIMITS, installRateLimits } from '../rate-limit.js';
import { DEEP_PAGE_ROWS } from '../address-txs.js';
import { chainRoutes } from './chain.js';
import { walletRoutes } from './wallet.js';

/** carol's confirmed rows: 1 from the funding block, 3 in one block (same height, rising index), 246 coinbases. */
const ROWS = 250;
const LIMIT = 20;

describe('address history paging: page numbers, the `before` cursor and their bounds', () => {
  let fx: ChainFixture;
  let app: FastifyInstance;
  /** carol's confirmed transaction ids, newest first, read from the blocks themselves. */
  let expected: string[];
  /** Index rows the address routes have stepped over (the LevelDB iterator's next() calls). */
  let steps = 0;
  const carol = formatAddress(W.carol.address);

  beforeAll(async () => {
    fx = await ChainFixture.create();
    await fx.fundWallets();
    const block = (await fx.branch()).next({ miner: W.minerA, txs: [W.alice, W.bob, W.dave].map((w) => fx.tx(w, W.carol, 1_000n)) });
    expect((await fx.chain.processBlock(block)).status).toBe('connected');
    await fx.mine(ROWS - 4, { miner: W.carol });
    expected = [];
    for (let h = fx.chain.height; h > 0; h--) {
      const b = (await fx.chain.getBlock(fx.chain.getEntryByHeight(h)!))!;
      expected.push(...b.txs.filter((t) => equalBytes(t.to, W.carol.address)).map(txId).reverse());
    }
    expect(expected).toHaveLength(ROWS);

    const iterator = fx.db.iterator.bind(fx.db);
    fx.db.iterator = ((options: Parameters<typeof iterator>[0]) => {
      const it = iterator(options);
      const next = it.next.bind(it);
      it.next = (async () => {
        const item = await next();
        if (item !== undefined) steps++;
        return item;
      }) as typeof it.next;
      return it;
    }) as typeof fx.db.iterator;

    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, backend: fx.backend } as ApiContext;
    chainRoutes(app, ctx, async () => undefined);
    walletRoutes(app, ctx, async () => undefined);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await fx?.close();
  });

  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };
  type Page = { ids: string[]; next: string | null };
  const addressPage = async (q: string): Promise<Page> => {
    const { status, body } = await get(`/api/address/${carol}?limit=${LIMIT}&${q}`);
    expect(status).toBe(200);
    // The balance's own height, read with it, so a wallet compares it with a proof of the same block.
    expect(body.height).toBe(fx.chain.height);
    return { ids: (body.history as { id: string }[]).map((t) => t.id), next: body.next as string | null };
  };
  const historyPage = async (q: string): Promise<Page & { hasMore: boolean }> => {
    const { status, body } = await get(`/api/address/${carol}/history?limit=${LIMIT}&${q}`);
    expect(status).toBe(200);
    return { ids: (body.entries as { id: string }[]).map((t) => t.id), next: body.next as string | null, hasMore: body.hasMore as boolean };
  };
  const walk = async (read: (q: string) => Promise<Page>, by: 'page' | 'cursor'): Promise<string[][]> => {
    const pages: string[][] = [];
    let q = 'page=1';
    for (;;) {
      const p = await read(q);
      pages.push(p.ids);
      if (p.next === null) return pages;
      q = by === 'page' ? `page=${pages.length + 1}` : `before=${p.next}`;
    }
  };

  it('pages the same 250 rows, newest first and none twice, by page number and by cursor on both routes', async () => {
    for (const read of [addressPage, historyPage]) {
      const byPage = await walk(read, 'page');
      const byCursor = await walk(read, 'cursor');
      expect(byCursor).toEqual(byPage);
      expect(byPage.map((p) => p.length)).toEqual([...Array<number>(12).fill(LIMIT), ROWS - 12 * LIMIT]);
      expect(byPage.flat()).toEqual(expected);
    }
    // The block with three payments to carol: their rows share a height and come newest (highest index) first.
    const first = await addressPage('page=1');
    expect(first.next).toBe(`${fx.chain.height - LIMIT + 1}:0`);
  });

  it('reads no more index rows for a cursor at the bottom of the history than for the first page', async () => {
    const deepest = await addressPage(`page=${Math.floor((ROWS - 1) / LIMIT)}`);
    steps = 0;
    await addressPage('page=1');
    const firstPage = steps;
    steps = 0;
    const bottom = await addressPage(`before=${deepest.next!}`);
    const byCursor = steps;
    steps = 0;
    await addressPage(`page=${Math.floor((ROWS - 1) / LIMIT) + 1}`);
    const byOffset = steps;
    expect(bottom.ids).toEqual(expected.slice(-(ROWS % LIMIT)));
    expect(firstPage).toBe(LIMIT + 1);
    expect(byCursor).toBeLessThanOrEqual(firstPage);
    // The seam sees what a page number costs: every skipped row.
    expect(byOffset).toBe(ROWS);
  });

  it('answers every malformed cursor with 400 bad-cursor', async () => {
    const bad = ['', 'abc', '1', '1:', ':1', '01:2', '1:02', '-1:0', '1.5:0', '1:2:3', ' 1:2', '1:2 ', '0x1:0', '1e3:0', '4294967296:0', '1:4294967296', '99999999999:0', '１:2', '1:2'.padEnd(5000, '0')];
    for (const c of bad) {
      for (const route of [`/api/address/${carol}`, `/api/address/${carol}/history`]) {
        const { status, body } = await get(`${route}?before=${encodeURIComponent(c)}`);
        expect([c, status, body.error]).toEqual([c, 400, 'bad-cursor']);
        expect(body.message).toMatch(/^invalid before: must be a cursor <height>:<index>/);
      }
    }
    const twice = await get(`/api/address/${carol}?before=5:0&before=4:0`);
    expect([twice.status, twice.body.error]).toEqual([400, 'bad-cursor']);
    const withPage = await get(`/api/address/${carol}/history?before=5:0&page=2`);
    expect([withPage.status, withPage.body.error]).toEqual([400, 'bad-cursor']);
    expect(withPage.body.message).toMatch(/^invalid page: is not used with `before`/);
    // The largest cursor is well formed: every row is older than it.
    expect((await addressPage('before=4294967295:4294967295')).ids).toEqual(expected.slice(0, LIMIT));
  });

  it(`refuses a page starting past row ${MAX_PAGE_OFFSET} with 400 page-too-deep naming the cursor`, async () => {
    expect(MAX_PAGE_OFFSET).toBe(10_000);
    for (const route of [`/api/address/${carol}`, `/api/address/${carol}/history`]) {
      const deep = await get(`${route}?page=${MAX_PAGE_OFFSET / 100 + 2}&limit=100`);
      expect([deep.status, deep.body.error]).toEqual([400, 'page-too-deep']);
      expect(deep.body.message).toMatch(/^invalid page: must start within the first 10000 rows; page deeper with before=/);
      expect((await get(`${route}?page=${MAX_PAGE_OFFSET / 100 + 1}&limit=100`)).status).toBe(200);
    }
    const blocks = await get('/api/blocks?page=10002&limit=1');
    expect([blocks.status, blocks.body.error]).toEqual([400, 'page-too-deep']);
  });

  it(`charges a page numbered past row ${DEEP_PAGE_ROWS} to the heavy budget, and never a cursor page`, async () => {
    const limited = Fastify();
    try {
      installErrorHandler(limited, fx.log);
      const charge = await installRateLimits(limited, 'all');
      const ctx = { chain: fx.chain, mempool: fx.mempool, backend: fx.backend } as ApiContext;
      chainRoutes(limited, ctx, charge);
      walletRoutes(limited, ctx, charge);
      const status = async (url: string) => (await limited.inject({ method: 'GET', url, remoteAddress: '203.0.113.9' })).statusCode;
      const deep = `page=${DEEP_PAGE_ROWS / LIMIT + 2}&limit=${LIMIT}`;
      const statuses: number[] = [];
      for (let i = 0; i < RATE_LIMITS.heavy; i++) statuses.push(await status(`/api/address/${carol}${i % 2 ? '/history' : ''}?${deep}`));
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(await status(`/api/address/${carol}/history?${deep}`)).toBe(429);
      expect(await status(`/api/address/${carol}?${deep}`)).toBe(429);
      expect(await status(`/api/address/${carol}?page=${DEEP_PAGE_ROWS / LIMIT + 1}&limit=${LIMIT}`)).toBe(200);
      expect(await status(`/api/address/${carol}/history?limit=${LIMIT}&before=10:0`)).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('keeps pending entries on the first /history page and continues with confirmed rows by cursor', async () => {
    const pending = fx.tx(W.alice, W.carol, 7n, { nonce: 1n });
    await fx.mempool.add(pending);
    const one = await get(`/api/address/${carol}/history?limit=1`);
    expect(one.body).toMatchObject({ pendingCount: 1, hasMore: true, next: `${fx.chain.height + 1}:0` });
    expect((one.body.entries as { id: string; status: string }[]).map((e) => [e.id, e.status])).toEqual([[txId(pending), 'pending']]);
    const first = await historyPage('page=1');
    expect(first.ids).toEqual([txId(pending), ...expected.slice(0, LIMIT - 1)]);
    const rest = await walk((q) => historyPage(q === 'page=1' ? `before=${first.next!}` : q), 'cursor');
    expect(rest.flat()).toEqual(expected.slice(LIMIT - 1));
  });
});
