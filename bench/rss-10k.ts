import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BlockFactory, keyPair, openBenchChain } from './fixture.js';

const BLOCKS = 10_000;

/**
 * RSS of a process that connected 10,000 blocks, measured in a child process
 * so the benchmark runner's own memory does not count.
 */
export async function runRssBench(): Promise<Record<string, number | string>> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const m = /RSS_MB=(\d+(?:\.\d+)?) SECONDS=(\d+(?:\.\d+)?)/.exec(child.stdout);
  if (!m) throw new Error(`rss child failed: ${child.stderr}`);
  return { 'RSS after connecting 10,000 blocks, MB': Number(m[1]), 'goal': '< 250 MB', 'time to connect them, s': Number(m[2]) };
}

async function child(): Promise<void> {
  const bench = await openBenchChain();
  const miner = keyPair(7).address;
  const factory = new BlockFactory(bench.chain.tip);
  const t0 = Date.now();
  for (let i = 0; i < BLOCKS; i++) await bench.chain.processBlock(factory.next([], miner));
  global.gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  process.stdout.write(`RSS_MB=${rss.toFixed(1)} SECONDS=${((Date.now() - t0) / 1000).toFixed(1)}\n`);
  await bench.close();
}

if (process.argv.includes('--child')) await child();
