import { afterEach, describe, expect, it } from 'vitest';
import { poolBlocksSchema, poolPayoutsSchema, poolStatsSchema } from '@hackcoin/core';
import { ChainFixture } from '../test-support/chain-fixture.js';
import { Pool, STATS_RECENT } from './pool.js';
import type { WorkerBook } from './worker-stats.js';

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
const address = (n: number) => `0x${hex(n, 40)}`;

/** A pool on the fixture's chain, not listening, with every list at its bound. */
function fullPool(fx: ChainFixture): Pool {
  const pool = new Pool({ chain: fx.chain, mempool: fx.mempool, params: fx.params, log: fx.log, dataDir: fx.dir, host: '127.0.0.1', port: 0, difficulty: 1, payoutConfirmations: 1, minFeeRate: 1n, db: fx.db });
  const now = Date.now();
  // The server keeps 1,000 found blocks with their 16 largest shares, and 10,000 workers.
  for (let i = 0; i < 1_000; i++) {
    const split = new Map(Array.from({ length: 16 }, (_, j) => [address(i * 16 + j), 123_456_789n] as [string, bigint]));
    pool.server.blocks.push({ height: i, hash: hex(i, 64), reward: 5_000_000_000n, worker: `${address(i)}.rig`, time: now, split, payees: 10_000 });
  }
  const workers = (pool.server as unknown as { workers: WorkerBook }).workers;
  for (let i = 0; i < 10_000; i++) workers.count(`${address(i)}.rig${i}`, address(i), 'accepted', 1, now);
  // The payouts keep 10,000 records.
  for (let i = 0; i < 10_000; i++) {
    pool.payouts.payouts.push({ blockHeight: i, blockHash: hex(i, 64), address: address(i), amount: '4999876543', fee: '150', txid: hex(i + 1, 64), status: 'sent' });
  }
  return pool;
}

describe('pool stats and pages', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it('answers the unauthenticated summary in under 256 KB with every list full, listing the newest found blocks and payouts with their counts', async () => {
    fx = await ChainFixture.create();
    const pool = fullPool(fx);
    const json = JSON.stringify(pool.stats());
    expect(json.length).toBeLessThan(256 * 1024);
    const stats = JSON.parse(json) as unknown;
    // The schema describes the answer exactly (it strips what it does not name).
    expect(poolStatsSchema.parse(stats)).toEqual(stats);
    const s = poolStatsSchema.parse(stats);
    expect([s.blocksFoundCount, s.payoutCount]).toEqual([1_000, 10_000]);
    const newest = Array.from({ length: STATS_RECENT }, (_, i) => 10_000 - STATS_RECENT + i);
    expect(s.payouts.map((p) => p.blockHeight)).toEqual(newest);
    expect(s.blocksFound.map((b) => b.height)).toEqual(newest.map((h) => h - 9_000));
    expect(s.blocksFound.at(-1)).toMatchObject({ payees: 10_000, worker: `${address(999)}.rig` });
    expect(s.balances).toEqual({ addresses: 0, owed: '0', due: 0, threshold: '100000000' });
  });

  it('pages found blocks and payouts newest first, to the oldest kept', async () => {
    fx = await ChainFixture.create();
    const pool = fullPool(fx);
    const payouts = (page: number, limit: number) => poolPayoutsSchema.parse({ page, limit, ...pool.payoutPage(page, limit) });
    const first = payouts(1, 100);
    expect(first.total).toBe(10_000);
    expect(first.payouts.map((p) => p.blockHeight)).toEqual(Array.from({ length: 100 }, (_, i) => 9_999 - i));
    expect(first.payouts[0]).toEqual(pool.payouts.payouts.at(-1));
    expect(payouts(100, 100).payouts.map((p) => p.blockHeight)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
    expect(payouts(101, 100).payouts).toEqual([]);
    expect(payouts(3, 7).payouts.map((p) => p.blockHeight)).toEqual([9_985, 9_984, 9_983, 9_982, 9_981, 9_980, 9_979]);

    const blocks = poolBlocksSchema.parse({ page: 2, limit: 20, ...pool.blockPage(2, 20) });
    expect(blocks.total).toBe(1_000);
    expect(blocks.blocks.map((b) => b.height)).toEqual(Array.from({ length: 20 }, (_, i) => 979 - i));
    expect(Object.keys(blocks.blocks[0]!.split).length).toBe(16);
    expect(pool.blockPage(50, 20).blocks.map((b) => b.height)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
  });
});
