/**
 * A local HackCoin network on loopback for demos and manual testing:
 *   npm run devnet -- --nodes 5 [--miners 2] [--base-port 3001]
 * Node i gets HTTP port base+i, P2P port base+3000+i and data dir
 * data/devnet/node-i; nodes 2..n bootstrap from node 1. Ctrl-C stops all.
 *
 * Each mining node mines to a key saved as data/devnet/node-i/mining-key.txt
 * (mode 0600, reused on the next run), printed with its address at start, so
 * the coins can be spent: import the key into the web wallet ("Import a
 * wallet", private key) or `hackcoin wallet import --secret-file <that file>`.
 * Devnet only: these keys are test keys in clear text.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bytesToHex, generatePrivateKey, hexToBytes, isValidPrivateKey, keyInfoFromPrivateKey } from '@hackcoin/core';
import { createLogger } from '../packages/node/src/util/logger.js';
import { NODE_RUNTIME_FLAGS } from '../packages/node/src/config/runtime-flags.js';

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

/** The node's mining key: the saved one if any, else a new one saved 0600. */
function miningKey(dataDir: string): { file: string; hex: string; address: string } {
  const file = join(dataDir, 'mining-key.txt');
  let hex = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^[0-9a-f]{64}$/.test(hex) || !isValidPrivateKey(hexToBytes(hex))) {
    hex = bytesToHex(generatePrivateKey());
    writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return { file, hex, address: keyInfoFromPrivateKey(hexToBytes(hex)).addressText };
}

const procs: ChildProcess[] = [];
const keys: string[] = [];
for (let i = 0; i < count; i++) {
  const port = base + i;
  const dataDir = join(root, 'data', 'devnet', `node-${i + 1}`);
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NETWORK: values.network };
  if (i > 0) env.BOOTSTRAP_NODES = `http://127.0.0.1:${base}`;
  if (i < miners) {
    const key = miningKey(dataDir);
    env.MINING_ADDRESS = key.address;
    keys.push(`node-${i + 1} mines to ${key.address}\n    private key ${key.hex}\n    saved in ${key.file}`);
  }
  const p = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, join(root, 'packages/node/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  p.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line.trim()) process.stderr.write(`[node-${i + 1}] ${line}\n`);
  });
  procs.push(p);
  log.info(`node-${i + 1}: http://127.0.0.1:${port}  p2p ${port + 3000}${i < miners ? `  mining to ${env.MINING_ADDRESS}` : ''}`);
  // Let node 1 listen before the others ask it for its addresses.
  if (i === 0) await new Promise((r) => setTimeout(r, 2_500));
}

if (keys.length > 0) {
  log.info(
    `mining keys (test keys, devnet only): spend the coins by importing one into the web wallet (Wallet → Import a wallet → the private key) ` +
      `or with: hackcoin wallet import --secret-file <file> --node http://127.0.0.1:${base}\n  ${keys.join('\n  ')}`,
  );
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
