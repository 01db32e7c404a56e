import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Miner } from '../mining/miner.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { closeVerifyPools, readyPool, transfer, verifiedMempool, withReplayedChain } from '../test-support/verify-fixtures.js';
import { SignatureCache } from '../verify/signature-cache.js';
import { SignatureVerifier } from '../verify/signature-verifier.js';
import { pack, questionsOf, verdictAt } from '../verify/questions.js';
import { VerifyPool } from '../verify/verify-pool.js';
import { wireMetrics } from './wire.js';

afterAll(closeVerifyPools);

const PROMTOOL = '/usr/bin/promtool';

/** One sample's value from the text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('signature cache and verify pool metrics', () => {
  it('count a block admitted through the mempool as cache hits, a fresh one as misses checked on the pool, and room made as evictions', async () => {
    const fx = await ChainFixture.create();
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 1 });
    try {
      const history = await fx.mine(2, { miner: W.alice });
      const branch = await fx.branch();
      const admitted = Array.from({ length: 12 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(i) }));
      const fresh = Array.from({ length: 12 }, (_, i) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(12 + i) }));
      const first = branch.next({ txs: admitted });
      const second = branch.next({ txs: fresh });

      const pool = await readyPool(2);
      const verifier = new SignatureVerifier(fx.backend, pool, new SignatureCache(16));
      const mempool = verifiedMempool(fx, verifier);
      // One at a time, as relayed: one pool job each.
      for (const tx of admitted) await mempool.add(tx);

      await withReplayedChain(fx, history, verifier, async (chain) => {
        const { metrics, unwire } = wireMetrics({ chain, mempool, miner, wsClients: () => 0, verifier, verifyPool: pool });
        try {
          const scrape = () => metrics.render();
          let text = await scrape();
          expect(sample(text, 'hackcoin_signature_cache_entries')).toBe(12);
          expect(sample(text, 'hackcoin_signature_cache_max_entries')).toBe(16);
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="hit"}')).toBe(0);
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="miss"}')).toBe(0);
          expect(sample(text, 'hackcoin_verify_pool_jobs_total{thread="workers"}')).toBe(12);
          expect(sample(text, 'hackcoin_verify_pool_jobs_total{thread="main"}')).toBe(0);
          // The mempool's jobs are not helped: the workers checked them all.
          expect(sample(text, 'hackcoin_verify_pool_signatures_total{thread="workers"}')).toBe(12);
          expect(sample(text, 'hackcoin_verify_pool_signatures_total{thread="main"}')).toBe(0);
          // One signature a job fits one chunk: each went to one worker, not to both.
          expect(sample(text, 'hackcoin_verify_pool_posts_total')).toBe(12);

          expect((await chain.processBlock(first)).status).toBe('connected');
          text = await scrape();
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="hit"}')).toBe(12);
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="miss"}')).toBe(0);
          // The block spent its entries: that is no eviction, and it asked the pool nothing.
          expect(sample(text, 'hackcoin_signature_cache_entries')).toBe(0);
          expect(sample(text, 'hackcoin_signature_cache_evictions_total')).toBe(0);
          expect(sample(text, 'hackcoin_verify_pool_jobs_total{thread="workers"}')).toBe(12);

          expect((await chain.processBlock(second)).status).toBe('connected');
          text = await scrape();
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="hit"}')).toBe(12);
          expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="miss"}')).toBe(12);
          expect(sample(text, 'hackcoin_verify_pool_jobs_total{thread="workers"}')).toBe(13);
          expect(sample(text, 'hackcoin_verify_pool_posts_total')).toBe(13);
          // The main thread helps with a block's job: who checked what varies, the sum does not.
          const onWorkers = sample(text, 'hackcoin_verify_pool_signatures_total{thread="workers"}')!;
          const onMain = sample(text, 'hackcoin_verify_pool_signatures_total{thread="main"}')!;
          expect(onWorkers + onMain).toBe(24);
          expect(onWorkers).toBeGreaterThanOrEqual(12);
          expect(chain.height).toBe(4);

          // 20 admitted into 16 places: the 4 oldest make room.
          for (let i = 0; i < 20; i++) {
            const tx = transfer(i);
            (await verifier.prepare([tx])).cacheFor(tx);
          }
          text = await scrape();
          expect(sample(text, 'hackcoin_signature_cache_entries')).toBe(16);
          expect(sample(text, 'hackcoin_signature_cache_evictions_total')).toBe(4);
          if (existsSync(PROMTOOL)) {
            const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
            expect(check.stderr + check.stdout).toBe('');
          }
        } finally {
          unwire();
        }
      });
    } finally {
      await miner.stop();
      await fx.close();
    }
  });

  it('read zero on a node without a verifier or a pool', async () => {
    const fx = await ChainFixture.create();
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 1 });
    try {
      const { metrics, unwire } = wireMetrics({ chain: fx.chain, mempool: fx.mempool, miner, wsClients: () => 0 });
      const text = await metrics.render();
      unwire();
      for (const series of [
        'hackcoin_signature_cache_entries',
        'hackcoin_signature_cache_max_entries',
        'hackcoin_signature_cache_lookups_total{result="hit"}',
        'hackcoin_signature_cache_evictions_total',
        'hackcoin_verify_pool_jobs_total{thread="workers"}',
        'hackcoin_verify_pool_signatures_total{thread="main"}',
        'hackcoin_verify_pool_posts_total',
      ]) {
        expect([series, sample(text, series)]).toEqual([series, 0]);
      }
    } finally {
      await miner.stop();
      await fx.close();
    }
  });

  it('count a job the pool runs before any worker is ready as checked on the main thread', async () => {
    const pool = new VerifyPool(1);
    try {
      const questions = questionsOf(Array.from({ length: 5 }, (_, i) => transfer(i)), undefined);
      const results = await pool.check(pack(questions)).results;
      expect(questions.map((_, i) => verdictAt(results, i))).toEqual(new Array(5).fill(true));
      expect(pool.stats()).toEqual({ jobs: { workers: 0, main: 1 }, signatures: { workers: 0, main: 5 }, posts: 0 });
    } finally {
      await pool.close();
    }
  });
});
