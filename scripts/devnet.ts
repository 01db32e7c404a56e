/**
 * A local HackCoin network on loopback for demos and manual testing:
 *   npm run devnet -- --nodes 5 [--miners 2] [--base-port 3001]
 * Node i gets HTTP port base+i, P2P port base+3000+i and data dir
 * data/devnet/node-i; nodes 2..n bootstrap from node 1. Ctrl-C stops all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { createLogger } from '../packages/node/src/util/logger.js';

const log = createLogger('hackcoin:devnet');
const root = resolve(fileURLToPath(import.meta.url), '../..');
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5' },
    miners: { type: 'string', default: '1' },
    'base-port': { type: 'string', default: '3001' },
    network: { type: 'string', default: 'regtest' },
  },
});
const count = Number(values.nodes);
const miners = Math.min(count, Number(values.miners));
const base = Number(values['base-port']);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(base)) throw new Error('--nodes and --base-port must be integers');

// The nodes run compiled: built here once, and only if the sources changed since the last build.
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-stale', 'node'], { stdio: 'inherit' });
if (built.status !== 0) throw new Error('build failed');

const procs: ChildProcess[] = [];
for (let i = 0; i < count; i++) {
  const port = base + i;
  const dataDir = join(root, 'data', 'devnet', `node-${i + 1}`);
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NETWORK: values.network };
  if (i > 0) env.BOOTSTRAP_NODES = `http://127.0.0.1:${base}`;
  if (i < miners) env.MINING_ADDRESS = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
  const p = spawn(process.execPath, [join(root, 'packages/node/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  p.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) process.stderr.write(`[node-${i + 1}] ${line}\n`);
  });
  procs.push(p);
  log.info(`node-${i + 1}: http://127.0.0.1:${port}  p2p ${port + 3000}${i < miners ? `  mining to ${env.MINING_ADDRESS}` : ''}`);
  // Let node 1 listen before the others ask it for its addresses.
  if (i === 0) await new Promise((r) => setTimeout(r, 2_500));
}

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  log.info('stopping all nodes');
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
process.exit(0);
