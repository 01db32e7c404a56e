import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chain } from '../packages/node/src/chain/chain.js';
import { openDatabase } from '../packages/node/src/store/db.js';
import { NODE_RUNTIME_FLAGS } from '../packages/node/src/config/runtime-flags.js';
import { createLogger } from '../packages/node/src/util/logger.js';
import { BlockFactory, keyPair, params, signer } from './fixture.js';
import { cpuSeconds, loadAverage, percentile, rssBytes, sleep } from './p2p/proc.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const DIST_MAIN = join(ROOT, 'packages/node/dist/main.js');
const SRC_MAIN = join(ROOT, 'packages/node/src/main.ts');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const CHAIN_BLOCKS = 10_000;
/**
 * RSS is read this long after start and again at twice that. V8 shrinks the heap that start-up's
 * allocation burst grew (its memory reducer) about 9 s after start: read at 10 s, the same node
 * gave 87–112 MB across runs depending on which side of it the reading fell; the second reading
 * is the idle figure.
 */
const IDLE_SECONDS = Number(process.env.BENCH_STARTUP_IDLE_S ?? 10);

interface Started {
  readyMs: number;
  /** CPU the process used until then (user + system): what the machine's load does not inflate. */
  cpuMs: number;
  pid: number;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Spawns a node and times process start → first successful API answer. */
async function startNode(args: string[], dataDir: string): Promise<Started> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...args], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', P2P_PORT: '0', DATA_DIR: dataDir, NETWORK: 'regtest' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  for (;;) {
    const m = /HTTP API listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) {
      const res = await fetch(`http://127.0.0.1:${m[1]}/api/node/info`).catch(() => undefined);
      if (res) {
        await res.arrayBuffer();
        break;
      }
    }
    if (proc.exitCode !== null) throw new Error(`node exited:\n${out}`);
    if (performance.now() - t0 > 60_000) throw new Error(`node did not start:\n${out}`);
    await sleep(5);
  }
  const readyMs = performance.now() - t0;
  return {
    readyMs,
    cpuMs: cpuSeconds(proc.pid!) * 1000,
    pid: proc.pid!,
    async kill(signal) {
      if (proc.exitCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/** Median wall time to API ready, and median CPU time used by then, as "wall ms (CPU ms)". */
async function medianStart(args: string[], dataDir: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const n = await startNode(args, dataDir);
    wall.push(n.readyMs);
    cpu.push(n.cpuMs);
    await n.kill(signal);
  }
  const median = (xs: number[]) => Math.round(percentile(xs.sort((a, b) => a - b), 0.5));
  return `${median(wall)} (CPU ${median(cpu)})`;
}

/** Cold import time of the heavy dependencies, each in a fresh process: where start-up goes. */
function importCosts(): string {
  const mods = ['libp2p', '@chainsafe/libp2p-noise', '@libp2p/gossipsub', 'fastify', '@fastify/static', 'classic-level', 'quickjs-emscripten', 'secp256k1/bindings.js'];
  return mods
    .map((m) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now();await import('${m}');process.stdout.write(String(Math.round(performance.now()-t)))`], {
        cwd: join(ROOT, 'packages/node'),
        encoding: 'utf8',
      });
      return `${m} ${r.stdout || '?'}`;
    })
    .join(', ');
}

async function buildChain(dataDir: string): Promise<void> {
  const db = await openDatabase(join(dataDir, 'chain'));
  const chain = await Chain.open({ db, params, backend: signer.backend, log: createLogger('hackcoin:bench', true) });
  const factory = new BlockFactory(chain.tip);
  const miner = keyPair(7).address;
  for (let i = 0; i < CHAIN_BLOCKS; i++) await chain.processBlock(factory.next([], miner));
  await chain.close();
  await db.close();
}

/**
 * Start-up: time from spawning a node process to its first API answer (median of
 * BENCH_STARTUP_RUNS), compiled (dist) and through tsx (src), on an empty regtest chain
 * and on a 10,000-block chain; restart after SIGKILL; idle RSS after BENCH_STARTUP_IDLE_S.
 */
export async function runStartupBench(): Promise<Record<string, number | string>> {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale', 'node'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  const dist = [DIST_MAIN];
  const src = ['--import', 'tsx', SRC_MAIN];
  const empty = mkdtempSync(join(tmpdir(), 'hackcoin-startup-'));
  const big = mkdtempSync(join(tmpdir(), 'hackcoin-startup-10k-'));
  const loadStart = loadAverage();
  try {
    const first = await startNode(dist, empty);
    await first.kill('SIGTERM');
    const emptyDist = await medianStart(dist, empty);
    const emptySrc = await medianStart(src, empty);
    const afterKill = await medianStart(dist, empty, 'SIGKILL');
    const idle = await startNode(dist, empty);
    await sleep(IDLE_SECONDS * 1000);
    const rssEarly = rssBytes(idle.pid) / 1024 / 1024;
    await sleep(IDLE_SECONDS * 1000);
    const rss = rssBytes(idle.pid) / 1024 / 1024;
    await idle.kill('SIGTERM');
    await buildChain(big);
    const bigDist = await medianStart(dist, big);
    const bigNode = await startNode(dist, big);
    await sleep(IDLE_SECONDS * 1000);
    const rssBig = rssBytes(bigNode.pid) / 1024 / 1024;
    await bigNode.kill('SIGTERM');
    return {
      'signature backend': signer.name,
      'sha256 backend': signer.sha256,
      'first start (new data dir), compiled, ms': `${Math.round(first.readyMs)} (CPU ${Math.round(first.cpuMs)})`,
      'API ready, empty chain, compiled, ms (median)': `${emptyDist}, goal < 1000`,
      'API ready, empty chain, tsx from source, ms (median)': emptySrc,
      'API ready after SIGKILL, compiled, ms (median)': afterKill,
      [`API ready, ${CHAIN_BLOCKS.toLocaleString('en')}-block chain, compiled, ms (median)`]: `${bigDist}, goal < 3000`,
      [`idle RSS after ${2 * IDLE_SECONDS} s (at ${IDLE_SECONDS} s), empty chain, MB`]: `${rss.toFixed(1)} (${rssEarly.toFixed(1)}) (goal < 100)`,
      [`idle RSS after ${IDLE_SECONDS} s, ${CHAIN_BLOCKS.toLocaleString('en')}-block chain, MB`]: rssBig.toFixed(1),
      'cold import, ms': importCosts(),
      'load average at start / end': `${loadStart} → ${loadAverage()} (machine shared with other work)`,
    };
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(big, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runStartupBench().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
