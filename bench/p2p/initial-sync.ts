import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { decodeBlock, encodeBlock, type TransferTx } from '@hackcoin/core';
import { Chain } from '../../packages/node/src/chain/chain.js';
import { openDatabase } from '../../packages/node/src/store/db.js';
import { createLogger } from '../../packages/node/src/util/logger.js';
import { startNode, removeDir, type TestNode } from '../../packages/node/test/helpers/node-process.js';
import { BlockFactory, fastSign, keyPair, params, signer } from '../fixture.js';
import { runConnectBlockBench } from '../connect-block.js';
import { reportedBackends } from '../backends.js';
import { loadAverage, sleep } from './proc.js';

/**
 * Builds the seed's chain in-process, straight into the data dir a node
 * process will then open: BlockFactory blocks of `txsPerBlock` signed
 * transfers, connected through the real Chain (so the seed has state, undo
 * data and indexes as if it had mined them). Returns the in-process connect
 * rate of exactly these blocks, for comparison with the network sync.
 */
export async function buildSeedChain(dataDir: string, blocks: number, txsPerBlock: number): Promise<{ txs: number; connectTxPerSec: number; buildSeconds: number }> {
  const t0 = performance.now();
  mkdirSync(join(dataDir, 'chain'), { recursive: true });
  const db = await openDatabase(join(dataDir, 'chain'));
  try {
    const chain = await Chain.open({ db, params, backend: signer.backend, log: createLogger('hackcoin:bench', true) });
    const faucet = keyPair(2_000_000);
    const senders = Array.from({ length: txsPerBlock }, (_, i) => keyPair(3_000_000 + i));
    const factory = new BlockFactory(chain.tip);
    for (let i = 0; i < 30; i++) await chain.processBlock(factory.next([], faucet.address));
    const fund = senders.map((s, i) =>
      fastSign({ kind: 'transfer', chainId: params.chainId, nonce: BigInt(i), fee: 200n, to: s.address, amount: 100_000_000n, data: new Uint8Array() }, faucet.key, faucet.pub),
    );
    await chain.processBlock(factory.next(fund, faucet.address));
    let connectMs = 0;
    let txs = 0;
    for (let b = 0; b < blocks; b++) {
      const transfers: TransferTx[] = senders.map((s) =>
        fastSign(
          { kind: 'transfer', chainId: params.chainId, nonce: BigInt(b), fee: 200n, to: randomBytes(20), amount: 1000n, data: new Uint8Array() },
          s.key,
          s.pub,
        ),
      );
      // Decoded fresh, as a peer's block arrives: no cached hashes or senders.
      const block = decodeBlock(encodeBlock(factory.next(transfers, faucet.address)));
      const t = performance.now();
      await chain.processBlock(block);
      connectMs += performance.now() - t;
      txs += transfers.length;
    }
    if (chain.height !== blocks + 31) throw new Error(`seed chain stopped at ${chain.height}`);
    // The seed node opens this database next: the last block's batch and the state tree must be in it.
    await chain.close();
    return { txs, connectTxPerSec: txs / (connectMs / 1000), buildSeconds: (performance.now() - t0) / 1000 };
  } finally {
    await db.close();
  }
}

/** The foundation figure, measured now, on the same machine under the same load. */
async function connectBlockRate(): Promise<number> {
  const cb = await runConnectBlockBench();
  const key = Object.keys(cb).find((k) => k.startsWith('connect-block'))!;
  return Number(cb[key]);
}

/**
 * Initial sync: a fresh node downloads and validates a BLOCKS-block chain
 * (default 120) of TXS transfers per block (default 1,000, the connect-block
 * bench's blocks) from one peer, both real node processes on loopback. The
 * clock runs from the connect request to the fresh node reporting the seed's
 * tip. Compared with the connect-block figure (1,000-tx blocks, no network),
 * measured in this same run just before and just after the sync and averaged
 * (other processes' load moves both alike), and with the in-process connect
 * rate of these very blocks.
 */
export async function runInitialSyncBench(
  opts: { blocks?: number; txsPerBlock?: number; compare?: boolean } = {},
): Promise<Record<string, number | string>> {
  const blocks = opts.blocks ?? Number(process.env.BENCH_SYNC_BLOCKS ?? 120);
  const txsPerBlock = opts.txsPerBlock ?? Number(process.env.BENCH_SYNC_TXS ?? 1_000);
  const compare = opts.compare ?? process.env.BENCH_SYNC_COMPARE !== '0';
  const seedDir = mkdtempSync(join(tmpdir(), 'hackcoin-sync-seed-'));
  let seed: TestNode | undefined;
  let fresh: TestNode | undefined;
  let freshDir: string | undefined;
  try {
    const built = await buildSeedChain(seedDir, blocks, txsPerBlock);
    const target = blocks + 31;
    const connectBefore = compare ? await connectBlockRate() : undefined;
    seed = await startNode({ dataDir: seedDir });
    fresh = await startNode({ env: { METRICS_PORT: '0' } });
    freshDir = fresh.dataDir;
    const seedInfo = await seed.api('/api/node/info');
    if (seedInfo.height !== target) throw new Error(`seed reports height ${seedInfo.height}, expected ${target}`);
    const loadBefore = loadAverage();
    const t0 = performance.now();
    await fresh.api('/api/network/connect', { body: { address: seed.url } });
    let height = 0;
    const deadline = Date.now() + 30 * 60_000;
    while (height < target) {
      if (Date.now() > deadline) throw new Error(`sync stuck at height ${height} of ${target}`);
      await sleep(50);
      height = (await fresh.api('/api/node/info')).height as number;
    }
    const seconds = (performance.now() - t0) / 1000;
    const loadAfter = loadAverage();
    const freshTip = (await fresh.api('/api/node/info')).bestHash;
    if (freshTip !== seedInfo.bestHash) throw new Error('fresh node ended on another tip than the seed');
    const syncTxPerSec = built.txs / seconds;
    const phases = await connectPhases(fresh, target);
    const memory = memoryOf(fresh.proc.pid!);
    const out: Record<string, number | string> = {
      backends: reportedBackends([seed.output(), fresh.output()]),
      blocks: target,
      'transfers per block': txsPerBlock,
      'verify threads of the syncing node': process.env.VERIFY_THREADS ?? 'default (one fewer than the cores, at least one)',
      'chain build (in-process), s': Math.round(built.buildSeconds),
      'sync time, s': Math.round(seconds * 10) / 10,
      'sync, blocks/s': Math.round((target / seconds) * 10) / 10,
      'sync, tx/s': Math.round(syncTxPerSec),
      'same blocks connected in-process, tx/s': Math.round(built.connectTxPerSec),
      'sync / in-process connect (same blocks)': `${((syncTxPerSec / built.connectTxPerSec) * 100).toFixed(1)}%`,
      "syncing node's connect phases per block, ms (its metrics)": phases,
      "syncing node's RSS at the end / peak, MB": memory,
      'load average at sync start (1/5/15 min)': loadBefore,
      'load average at sync end (1/5/15 min)': loadAfter,
    };
    await Promise.all([seed.stop(), fresh.stop()]);
    seed = fresh = undefined;
    if (connectBefore !== undefined) {
      const connectAfter = await connectBlockRate();
      const connectBlock = (connectBefore + connectAfter) / 2;
      out['connect-block (1,000-tx blocks) before / after sync, tx/s'] = `${connectBefore} / ${connectAfter}`;
      out['initial sync / connect-block'] = `${((syncTxPerSec / connectBlock) * 100).toFixed(1)}% (goal ≥ 80%)`;
    }
    out['load average at end (1/5/15 min)'] = loadAverage();
    return out;
  } finally {
    await Promise.all([seed?.stop(), fresh?.stop()]);
    if (freshDir) removeDir(freshDir);
    removeDir(seedDir);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runInitialSyncBench().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}

/** VmRSS / VmHWM of a process (Linux). */
function memoryOf(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024);
    return `${mb('VmRSS')} / ${mb('VmHWM')}`;
  } catch {
    return 'not measured (no /proc)';
  }
}

/** The syncing node's own account of where its connects went: hackcoin_block_connect_phase_seconds sums per block. */
async function connectPhases(node: TestNode, blocks: number): Promise<string> {
  const port = /metrics listening on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(node.output())?.[1];
  if (!port) return 'metrics not found';
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const parts: string[] = [];
  for (const m of text.matchAll(/^hackcoin_block_connect_phase_seconds_sum\{phase="(\w+)"\} ([\d.e+-]+)$/gm)) {
    parts.push(`${m[1]} ${((Number(m[2]) * 1000) / blocks).toFixed(1)}`);
  }
  return parts.join(', ');
}
