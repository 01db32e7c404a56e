import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { formatAddress, txId, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type FixtureOptions } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import type { MempoolEntry } from '../../mempool/entry.js';
import type { Mempool } from '../../mempool/mempool.js';
import { installErrorHandler } from '../request-guards.js';
import { chainRoutes } from './chain.js';
import { walletRoutes } from './wallet.js';

interface Answer {
  balance: string;
  pendingBalance: string;
  pendingCount: number;
  pendingIncoming: string;
  pending?: { id: string }[];
  entries?: { id: string; status: string }[];
}

const carol = formatAddress(W.carol.address);

describe("an address's pending transactions in GET /api/address/:address and /history", () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
    app = fx = undefined;
  });

  const setUp = async (opts: FixtureOptions = {}) => {
    const f = await ChainFixture.create(opts);
    fx = f;
    await f.fundWallets();
    const a = Fastify();
    app = a;
    installErrorHandler(a, f.log);
    const ctx = { chain: f.chain, mempool: f.mempool, backend: f.backend } as ApiContext;
    chainRoutes(a, ctx, async () => undefined);
    walletRoutes(a, ctx, async () => undefined);
    const get = async (url: string): Promise<Answer> => {
      const res = await a.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      return res.json() as Answer;
    };
    /** Admitted one second apart, so "newest" is the order sent. */
    const send = async (tx: TransferTx): Promise<string> => {
      f.clock.now++;
      await f.mempool.add(tx);
      return txId(tx);
    };
    return { f, get, send };
  };

  it('counts, sums and lists newest first after adds, a block, and the reorg that returns its transactions', async () => {
    const { f, get, send } = await setUp();
    const [a0, a1, a2] = [0n, 1n, 2n].map((n) => f.tx(W.alice, W.carol, 10n * (n + 1n), { nonce: n }));
    const [b0, b1] = [0n, 1n].map((n) => f.tx(W.bob, W.carol, 100n * (n + 1n), { nonce: n }));
    const ids: string[] = [];
    for (const tx of [a0!, a1!, a2!, b0!, b1!]) ids.push(await send(tx));
    const c0 = await send(f.tx(W.carol, W.dave, 5n, { nonce: 0n }));
    const c1 = await send(f.tx(W.carol, W.carol, 7n, { nonce: 1n }));
    const [ia0, ia1, ia2, ib0, ib1] = ids;

    let r = await get(`/api/address/${carol}?limit=3`);
    expect(r).toMatchObject({ pendingCount: 7, pendingIncoming: '360' });
    // Incoming 360; carol pays dave 5 and two fees of 1,000; her payment to herself moves nothing.
    expect(BigInt(r.pendingBalance) - BigInt(r.balance)).toBe(360n - 5n - 2_000n);
    expect(r.pending!.map((t) => t.id)).toEqual([c1, c0, ib1]);
    const page = async (n: number) => (await get(`/api/address/${carol}/history?limit=3&page=${n}`)).entries!.filter((e) => e.status === 'pending').map((e) => e.id);
    expect(await page(1)).toEqual([c1, c0, ib1]);
    expect(await page(2)).toEqual([ib0, ia2, ia1]);
    expect(await page(3)).toEqual([ia0]);

    const fork = await f.branch();
    expect((await f.chain.processBlock((await f.branch()).next({ txs: [a0!, b0!] }))).status).toBe('connected');
    await f.settle();
    r = await get(`/api/address/${carol}?limit=100`);
    expect(r).toMatchObject({ pendingCount: 5, pendingIncoming: String(20 + 30 + 200) });
    expect(r.pending!.map((t) => t.id)).toEqual([c1, c0, ib1, ia2, ia1]);

    // A heavier branch from before that block: a0 and b0 come back, admitted again, so newest.
    expect((await f.chain.processBlock(fork.next())).status).toBe('side');
    expect((await f.chain.processBlock(fork.next())).status).toBe('connected');
    await f.settle();
    r = await get(`/api/address/${carol}?limit=100`);
    expect(r).toMatchObject({ pendingCount: 7, pendingIncoming: '360' });
    expect(new Set(r.pending!.slice(0, 2).map((t) => t.id))).toEqual(new Set([ia0, ib0]));
    expect(r.pending!.slice(2).map((t) => t.id)).toEqual([c1, c0, ib1, ia2, ia1]);
    expect((await get(`/api/address/${carol}/history?limit=100`)).pendingCount).toBe(7);
  });

  it('drops what a full pool evicts from the count, the sum and the list', async () => {
    const { f, get, send } = await setUp({ maxTxs: 4 });
    const cheap = [0n, 1n].map((n) => f.tx(W.alice, W.carol, 10n, { nonce: n }));
    for (const tx of cheap) await send(tx);
    const rich = [0n, 1n].map((n) => f.tx(W.bob, W.carol, 20n, { nonce: n, fee: 5_000n }));
    for (const tx of rich) await send(tx);
    const last = await send(f.tx(W.dave, W.carol, 40n, { fee: 50_000n }));
    const r = await get(`/api/address/${carol}?limit=100`);
    // Alice's last nonce, the cheapest package, made room.
    expect(r).toMatchObject({ pendingCount: 4, pendingIncoming: String(10 + 20 + 20 + 40) });
    expect(r.pending!.map((t) => t.id)).toEqual([last, ...rich.map(txId).reverse(), txId(cheap[0]!)]);
  });

  /** Marks each pool entry read from now on (any field a route could use), so a request's reads can be counted. */
  const watchReads = (pool: Mempool, read: Set<MempoolEntry>): void => {
    for (const e of pool.values()) {
      for (const k of ['tx', 'time', 'senderKey', 'recipientKey', 'sender', 'id'] as const) {
        const v = e[k];
        Object.defineProperty(e, k, { get: () => (read.add(e), v), configurable: true });
      }
    }
  };

  it('reads only the entries it shows, however many payments to the address are pending', async () => {
    const { f, get, send } = await setUp({ maxPendingPerSender: 1_000, maxTxs: 2_000 });
    const read = new Set<MempoolEntry>();
    const readsPerRequest = async (): Promise<number[]> => {
      const counts: number[] = [];
      for (const url of [`/api/address/${carol}?limit=5`, `/api/address/${carol}/history?limit=5&page=2`]) {
        read.clear();
        await get(url);
        counts.push(read.size);
      }
      return counts;
    };
    let nonce = 0n;
    const pay = async (count: number) => {
      for (let i = 0; i < count; i++) await send(f.tx(W.alice, W.carol, 1n, { nonce: nonce++ }));
      watchReads(f.mempool, read);
    };

    await pay(20);
    const few = await readsPerRequest();
    await pay(380);
    const many = await readsPerRequest();
    expect((await get(`/api/address/${carol}?limit=5`)).pendingCount).toBe(400);
    // The page of 5, and the 10 up to page 2's end: not the 20, then 400, pending (as a scan and sort read).
    expect(few).toEqual([5, 10]);
    expect(many).toEqual(few);
  });
});
