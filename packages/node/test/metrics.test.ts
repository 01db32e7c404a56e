import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, transferHex } from './helpers/p2p.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const haveProm = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
const miner = () => formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function metricsPortOf(node: TestNode): number {
  return Number(/metrics listening on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(node.output())![1]);
}

/** One sample's value from the text exposition (first match of the series selector). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and health', () => {
  let node: TestNode;
  let metricsUrl: string;
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false', METRICS_PORT: '0', STRATUM_PORT: '0' } });
    metricsUrl = `http://127.0.0.1:${metricsPortOf(node)}/metrics`;
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('exposes chain, mempool, pool, API and process metrics that move as blocks are mined', async () => {
    await node.api('/api/mining/generate', { body: { count: 3, address: miner() } });
    const text = await (await fetch(metricsUrl)).text();
    expect(sample(text, 'hackcoin_chain_height')).toBe(3);
    expect(sample(text, 'hackcoin_blocks_connected_total')).toBe(3);
    expect(sample(text, 'hackcoin_block_connect_seconds_count')).toBe(3);
    for (const phase of ['signatures', 'read', 'transition', 'state_root', 'assemble', 'write']) {
      expect(sample(text, `hackcoin_block_connect_phase_seconds_count{phase="${phase}"}`)).toBe(3);
    }
    expect(sample(text, 'hackcoin_chain_side_blocks')).toBe(0);
    // Three blocks are fewer than a flush interval: their state-tree nodes are only in memory.
    expect(sample(text, 'hackcoin_state_tree_flushes_total')).toBe(0);
    expect(sample(text, 'hackcoin_state_tree_unflushed_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'hackcoin_mempool_transactions')).toBe(0);
    expect(sample(text, 'hackcoin_sync_state{state="offline"}')).toBe(1);
    expect(sample(text, 'hackcoin_pool_shares_total{outcome="accepted"}')).toBe(0);
    expect(text).toMatch(/^hackcoin_api_request_duration_seconds_count\{method="POST",route="\/api\/mining\/generate",status="200"\} 1$/m);
    expect(sample(text, 'hackcoin_process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it("counts a mined block's transfers the mempool checked first as signature cache hits", async () => {
    const me = newWallet();
    const other = newWallet();
    await node.api('/api/mining/generate', { body: { count: 1, address: me.addr } });
    for (let i = 0; i < 3; i++) await node.api('/api/transactions', { body: transferHex(me, other, 1_000n) });
    await node.api('/api/mining/generate', { body: { count: 1, address: miner() } });
    const text = await (await fetch(metricsUrl)).text();
    expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="hit"}')).toBe(3);
    expect(sample(text, 'hackcoin_signature_cache_lookups_total{result="miss"}')).toBe(0);
    expect(sample(text, 'hackcoin_signature_cache_entries')).toBe(0);
    expect(sample(text, 'hackcoin_signature_cache_max_entries')).toBe(100_000);
    expect(sample(text, 'hackcoin_signature_cache_evictions_total')).toBe(0);
    // The mempool's checks went to the pool (on the main thread until its workers were up).
    const jobs = ['workers', 'main'].map((t) => sample(text, `hackcoin_verify_pool_jobs_total{thread="${t}"}`)!);
    const sigs = ['workers', 'main'].map((t) => sample(text, `hackcoin_verify_pool_signatures_total{thread="${t}"}`)!);
    expect([jobs[0]! + jobs[1]!, sigs[0]! + sigs[1]!]).toEqual([3, 3]);
  });

  it('answers /api/health with 200 and the reason fields when synced', async () => {
    const r = await node.request('/api/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.synced).toBe(true);
    expect(r.body.reason).toBeNull();
  });

  it.skipIf(!haveProm)('passes promtool check metrics, and a real Prometheus scrapes values that change as blocks are mined', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.status).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-prom-'));
    const promPort = await freePort();
    const target = new URL(metricsUrl).host;
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: hackcoin\n    static_configs:\n      - targets: ['${target}']\n`);
    let prom: ChildProcess | undefined;
    try {
      prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
      const query = async (q: string): Promise<number | undefined> => {
        const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { value: [number, string] }[] } };
        const v = r.data.result[0]?.value[1];
        return v === undefined ? undefined : Number(v);
      };
      const before = await waitFor(async () => query('hackcoin_chain_height{job="hackcoin"}'), 30_000, 'first Prometheus scrape');
      expect(await query('up{job="hackcoin"}')).toBe(1);
      await node.api('/api/mining/generate', { body: { count: 5, address: miner() } });
      const after = await waitFor(async () => {
        const h = await query('hackcoin_chain_height{job="hackcoin"}');
        return h !== undefined && h >= before + 5 ? h : undefined;
      }, 20_000, 'a scrape after mining');
      expect(after).toBe(before + 5);
      expect(await query('hackcoin_blocks_connected_total{job="hackcoin"}')).toBe(after);
      // Labelled counters read at scrape time arrive as the node exposes them (no transfers since: they hold still).
      const exposed = await (await fetch(metricsUrl)).text();
      for (const result of ['hit', 'miss']) {
        expect(await query(`hackcoin_signature_cache_lookups_total{job="hackcoin",result="${result}"}`)).toBe(sample(exposed, `hackcoin_signature_cache_lookups_total{result="${result}"}`));
      }
    } finally {
      prom?.kill('SIGTERM');
      await new Promise((r) => (prom && prom.exitCode === null ? prom.once('exit', r) : r(undefined)));
      removeDir(dir);
    }
  });
});
