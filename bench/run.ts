import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runConnectBlockBench } from './connect-block.js';
import { signer } from './fixture.js';
import { loadAverage } from './p2p/proc.js';
import { runRssBench } from './rss-10k.js';
import { runStratumBench } from './stratum.js';

type Bench = () => Promise<Record<string, number | string>>;

const root = dirname(fileURLToPath(import.meta.url));

/** Benchmarks owned by other subsystems, loaded when present. */
const optional: [string, string, string][] = [
  ['mining hash rate', join(root, '../packages/node/src/mining/hasher/bench-hasher.ts'), 'runHasherBench'],
  ['contracts', join(root, '../packages/node/src/contracts/bench-contracts.ts'), 'runContractBench'],
  ['block propagation', join(root, 'p2p/propagation.ts'), 'runPropagationBench'],
  ['initial sync', join(root, 'p2p/initial-sync.ts'), 'runInitialSyncBench'],
  ['idle memory', join(root, 'p2p/idle-memory.ts'), 'runIdleMemoryBench'],
  ['explorer', join(root, 'explorer.ts'), 'runExplorerBench'],
  ['start-up', join(root, 'startup.ts'), 'runStartupBench'],
  ['verify threads', join(root, 'verify-threads.ts'), 'runVerifyThreadsBench'],
  ['contract worst block', join(root, 'contract-worst-block.ts'), 'runContractWorstBlockBench'],
  ['contract storage memory', join(root, 'contract-storage-rss.ts'), 'runContractStorageRssBench'],
  ['state-tree', join(root, 'state-tree.ts'), 'runStateTreeBench'],
  ['light client', join(root, 'light-client.ts'), 'runLightClientBench'],
  ['cache eviction', join(root, 'cache-eviction.ts'), 'runCacheEvictionBench'],
];

const only = process.argv.slice(2);

async function main(): Promise<void> {
  const benches: [string, Bench][] = [
    ['connect-block', runConnectBlockBench],
    ['memory', runRssBench],
    ['stratum', runStratumBench],
  ];
  for (const [name, file, fn] of optional) {
    if (!existsSync(file)) continue;
    const mod = (await import(file)) as Record<string, Bench>;
    if (typeof mod[fn] === 'function') benches.push([name, mod[fn]]);
  }
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stdout.write(`\n== ${name} ==\n`);
    const loadStart = loadAverage();
    try {
      const figures = withContext(await run(), loadStart);
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(48)} ${v}\n`);
    } catch (e) {
      // A benchmark prints figures; it never fails the build.
      process.stdout.write(`  failed: ${(e as Error).message}\n`);
    }
  }
}

/**
 * Every bench's figures say what the machine was doing and which backends produced them
 * (#15): a bench that does not say it itself gets the runner's load average, and the
 * backends this process loaded, which its in-process chains use (benches that start node
 * processes report what those nodes said they loaded).
 */
function withContext(figures: Record<string, number | string>, loadStart: string): Record<string, number | string> {
  const keys = Object.keys(figures).map((k) => k.toLowerCase());
  const out = { ...figures };
  if (!keys.some((k) => k.includes('backend'))) out['backends (this process)'] = `signatures ${signer.name}, sha256 ${signer.sha256}`;
  if (!keys.some((k) => k.includes('load average'))) out['load average at start / end (1/5/15 min)'] = `${loadStart} → ${loadAverage()}`;
  return out;
}

await main();
