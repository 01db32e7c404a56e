import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { formatAddress, signTransfer, txId, utf8ToBytes, type TransferTx } from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../../test-support/chain-fixture.js';
import type { ApiContext } from '../context.js';
import { installErrorHandler } from '../request-guards.js';
import { ADDRESS_MAX_BYTES } from '../address-view.js';
import { chainRoutes } from './chain.js';

/** A call to an address without a contract carrying 64,000 characters of arguments: what anyone can send anyone. */
function bulkyPayment(fx: ChainFixture, from: Wallet, to: Wallet, nonce: bigint, amount = 1_000n): TransferTx {
  const args = JSON.stringify(['x'.repeat(64_000)]);
  const gasLimit = fx.params.contractTxBaseGas + 16 * (args.length + 100);
  const data = utf8ToBytes(`{"type":"call","fn":"f","args":${args},"gasLimit":${gasLimit},"gasPrice":"1"}`);
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce, fee: BigInt(gasLimit), to: to.address, amount, data }, from.privateKey);
}

interface AddressTxJson {
  id: string;
  from?: string;
  nonce?: string;
}
interface AddressAnswer {
  nonce: string;
  nextNonce: string;
  balance: string;
  pendingBalance: string;
  pendingCount: number;
  pendingIncoming: string;
  pending: AddressTxJson[];
  history: AddressTxJson[];
  truncated: boolean;
  next: string | null;
}

/** The head of an answer (balances, counts, cursor) beside its transactions. */
const HEAD_BYTES = 1_024;

describe('GET /api/address/:address with transactions carrying 64 KiB of data', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  const setUp = async (): Promise<{ fx: ChainFixture; get: (url: string) => Promise<{ status: number; bytes: number; body: AddressAnswer }> }> => {
    const f = await ChainFixture.create();
    fx = f;
    await f.fundWallets();
    const a = Fastify();
    app = a;
    installErrorHandler(a, f.log);
    chainRoutes(a, { chain: f.chain, mempool: f.mempool, backend: f.backend } as ApiContext, async () => undefined);
    const get = async (url: string) => {
      const res = await a.inject({ method: 'GET', url });
      return { status: res.statusCode, bytes: res.body.length, body: res.json() as AddressAnswer };
    };
    return { fx: f, get };
  };

  /** Pays carol `count` bulky transactions from alice and bob in turn, one a second; ids in the order sent. */
  const spam = async (f: ChainFixture, count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      f.clock.now++;
      const tx = bulkyPayment(f, i % 2 ? W.bob : W.alice, W.carol, BigInt(i >> 1));
      await f.mempool.add(tx);
      ids.push(txId(tx));
    }
    return ids;
  };

  it("bounds the pending payments in carol's answer by limit and bytes, and still counts and sums all 64", async () => {
    const { fx: f, get } = await setUp();
    const ids = await spam(f, 64);
    const carol = formatAddress(W.carol.address);

    const one = await get(`/api/address/${carol}?limit=1`);
    expect(one.status).toBe(200);
    // The audit's request answered 10.9 MB.
    expect(one.bytes).toBeLessThan(ADDRESS_MAX_BYTES / 2);
    expect(one.body.pending.map((t) => t.id)).toEqual([ids[63]]);
    expect(one.body).toMatchObject({ pendingCount: 64, pendingIncoming: String(64 * 1_000), nextNonce: '0' });
    expect(BigInt(one.body.pendingBalance) - BigInt(one.body.balance)).toBe(64_000n);

    const wide = await get(`/api/address/${carol}?limit=100`);
    expect(wide.status).toBe(200);
    expect(wide.bytes).toBeLessThanOrEqual(ADDRESS_MAX_BYTES + HEAD_BYTES);
    // Newest first, as many as the pending share of the budget holds (130 KB of JSON each).
    expect(wide.body.pending.length).toBeGreaterThanOrEqual(1);
    expect(wide.body.pending.length).toBeLessThan(4);
    expect(wide.body.pending.map((t) => t.id)).toEqual(ids.slice(-wide.body.pending.length).reverse());
    expect(wide.body.pendingCount).toBe(64);
    // The confirmed history is not crowded out: carol's funding payment is still there.
    expect(wide.body.history).toHaveLength(1);
  });

  it('lists every pending send of the address itself whatever the limit, so a wallet can check its nextNonce', async () => {
    const { fx: f, get } = await setUp();
    await spam(f, 64);
    const carol = formatAddress(W.carol.address);
    const own: string[] = [];
    for (let n = 0n; n < 3n; n++) {
      f.clock.now++;
      const tx = bulkyPayment(f, W.carol, W.dave, n);
      await f.mempool.add(tx);
      own.push(txId(tx));
    }

    const r = await get(`/api/address/${carol}?limit=1`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ nonce: '0', nextNonce: '3', pendingCount: 67, pendingIncoming: String(64 * 1_000) });
    // Each nonce from `nonce` up to `nextNonce` has its transaction signed by carol (the CLI refuses to sign otherwise).
    expect(r.body.pending.filter((t) => t.from === carol).map((t) => t.nonce)).toEqual(['2', '1', '0']);
    expect(r.body.pending.map((t) => t.id)).toEqual([...own].reverse());
    expect(r.bytes).toBeLessThan(3 * 140_000);
  });

  it('cuts a page of large confirmed transactions at the byte budget, and its cursors reach every row once', async () => {
    const { fx: f, get } = await setUp();
    const sent: string[] = [];
    for (let n = 0n; n < 12n; n++) {
      const tx = bulkyPayment(f, W.dave, W.minerB, n);
      await f.mempool.add(tx);
      sent.push(txId(tx));
    }
    while (f.mempool.size > 0) await f.mine(1);
    const minerB = formatAddress(W.minerB.address);

    const pages: string[][] = [];
    let query = 'limit=100';
    for (;;) {
      const p = await get(`/api/address/${minerB}?${query}`);
      expect(p.status).toBe(200);
      expect(p.bytes).toBeLessThanOrEqual(ADDRESS_MAX_BYTES + HEAD_BYTES);
      pages.push(p.body.history.map((t) => t.id));
      expect(p.body.truncated).toBe(p.body.next !== null);
      if (p.body.next === null) break;
      query = `limit=100&before=${p.body.next}`;
      expect(pages.length).toBeLessThan(12);
    }
    // 12 rows of 130 KB: several pages, each of at least one row, together every row once, newest first.
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.every((p) => p.length > 0)).toBe(true);
    expect(pages.flat()).toEqual([...sent].reverse());
    const firstPage = await get(`/api/address/${minerB}?limit=100`);
    expect(firstPage.body.history.map((t) => t.id)).toEqual(pages[0]);
  });
});
