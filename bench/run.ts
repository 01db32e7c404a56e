import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { runConnectBlockBench } from './connect-block.js';
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
    try {
      const figures = await run();
      for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(48)} ${v}\n`);
    } catch (e) {
      // A benchmark prints figures; it never fails the build.
      process.stdout.write(`  failed: ${(e as Error).message}\n`);
    }
  }
}

await main();
