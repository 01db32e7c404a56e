/**
 * Proof-of-work hashing benchmark: per-thread rate of each backend, the
 * ceiling implied by OpenSSL's SHA-256 speed on one core, and the total rate
 * with 1 and 2 worker threads for the best backend.
 * Run: npx tsx packages/node/src/mining/hasher/bench-hasher.ts
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadHasher, loadNativeAddon, nativeAddonPath } from './index.js';
import { createJsHasher } from './js-hasher.js';
import type { ScanResult } from './types.js';

type Scan = (header: Uint8Array, target: Uint8Array, start: number, count: number) => ScanResult;

/** The worker file, for callers that want to run scans off the main thread the same way. */
export const scanWorkerPath = fileURLToPath(new URL('./scan-worker.mjs', import.meta.url));

// A zero target is never met, so every scan runs its whole range.
const ZERO_TARGET = new Uint8Array(32);

function rate(scan: Scan, seconds: number, chunk: number): number {
  const header = randomBytes(80);
  let start = 0;
  // Warm-up: the unrolled JS kernel takes about a second to reach its top JIT tier.
  for (const w0 = performance.now(); performance.now() - w0 < Math.min(1000, seconds * 500);) {
    scan(header, ZERO_TARGET, start, chunk);
    start += chunk;
  }
  let hashes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    hashes += scan(header, ZERO_TARGET, start, chunk).hashes;
    start = (start + chunk) % 0xf000_0000;
  }
  return Math.round(hashes / ((performance.now() - t0) / 1000));
}

/**
 * Hashes per CPU-second of this (single-threaded) loop: on a machine shared with other work,
 * wall-clock rates fall with the load while this one barely moves.
 */
function cpuRate(scan: Scan, cpuSeconds: number, chunk: number): number {
  const header = randomBytes(80);
  let start = 0;
  const spent = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1e6;
  };
  const w0 = process.cpuUsage();
  while (spent(w0) < Math.min(1, cpuSeconds / 2)) start += scan(header, ZERO_TARGET, start, chunk).hashes;
  const t0 = process.cpuUsage();
  let hashes = 0;
  while (spent(t0) < cpuSeconds) {
    hashes += scan(header, ZERO_TARGET, start, chunk).hashes;
    start = (start + chunk) % 0xf000_0000;
  }
  return Math.round(hashes / spent(t0));
}

/** OpenSSL's one-core SHA-256 throughput as header double-hashes/s (64-byte blocks, two per header). */
export function opensslHeaderRate(): number | string {
  const r = spawnSync('openssl', ['speed', '-evp', 'sha256', '-bytes', '16384', '-seconds', '3'], {
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) return `skipped: ${r.error?.message ?? `openssl exited ${r.status}`}`;
  // Last table line, e.g. "sha256   1729675.26k" (thousands of bytes per second).
  const m = /^sha256\s+([\d.]+)k\s*$/m.exec(r.stdout);
  if (!m) return 'skipped: unrecognised openssl output';
  return Math.round((Number(m[1]) * 1000) / 64 / 2);
}

interface WorkerSpec {
  data: Record<string, unknown>;
}

async function threadedRate(spec: WorkerSpec, threads: number, perThread: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(scanWorkerPath, { workerData: spec.data }));
  const next = (w: Worker): Promise<{ hashes: number }> =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next)); // ready
    const header = randomBytes(80);
    const run = async (count: number): Promise<number> => {
      const t0 = performance.now();
      const done = workers.map(next);
      workers.forEach((w, i) => w.postMessage({ header, target: ZERO_TARGET, start: i * count, count }));
      const results = await Promise.all(done);
      const hashes = results.reduce((s, r) => s + r.hashes, 0);
      return hashes / ((performance.now() - t0) / 1000);
    };
    await run(Math.max(1, Math.floor(perThread / 10))); // warm-up
    return Math.round(await run(perThread));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function runHasherBench(seconds = 2): Promise<Record<string, number | string>> {
  // Figures from a busy machine mislead: record how busy it was.
  const out: Record<string, number | string> = { cpus: availableParallelism(), loadavg_1min: loadavg()[0] ?? 0 };
  const best = loadHasher();
  out['backend'] = best.backend;
  if (best.fallbackReason) out['fallback_reason'] = best.fallbackReason;

  const { addon, error } = loadNativeAddon();
  if (addon) {
    if (addon.scanShani) out['native_shani_hashes_per_s'] = rate(addon.scanShani, seconds, 1 << 22);
    else out['native_shani_hashes_per_s'] = 'skipped: CPU has no SHA-NI or non-x86 build';
    out['native_portable_hashes_per_s'] = rate(addon.scanPortable, seconds, 1 << 19);
  } else {
    out['native_shani_hashes_per_s'] = `skipped: ${error ?? 'addon not built'}`;
    out['native_portable_hashes_per_s'] = out['native_shani_hashes_per_s'];
  }
  const js = createJsHasher();
  out[`js_${js.kernel}_hashes_per_s`] = rate(js.scan, seconds, 1 << 19);
  if (js.kernel === 'wasm-simd') out['js_unrolled_hashes_per_s'] = rate(createJsHasher({ noWasm: true }).scan, seconds / 2, 1 << 18);
  out['js_loop_hashes_per_s'] = rate(createJsHasher({ loopKernel: true }).scan, seconds / 2, 1 << 17);
  out[`js_${js.kernel}_hashes_per_cpu_s`] = cpuRate(js.scan, seconds, 1 << 18);
  if (js.kernel === 'wasm-simd') out['js_unrolled_hashes_per_cpu_s'] = cpuRate(createJsHasher({ noWasm: true }).scan, seconds, 1 << 18);
  out['js_fallback_goal'] = '≥ 3,000,000 per thread';
  out['openssl_sha256_1core_header_hashes_per_s'] = opensslHeaderRate();

  const spec: WorkerSpec = addon
    ? { data: { addonPath: nativeAddonPath, portable: best.backend === 'native-portable' } }
    : { data: { jsModuleUrl: new URL('./js-hasher.ts', import.meta.url).href } };
  const single = best.backend === 'js'
    ? Number(out[`js_${js.kernel}_hashes_per_s`])
    : Number(out[best.backend === 'native-shani' ? 'native_shani_hashes_per_s' : 'native_portable_hashes_per_s']);
  const perThread = Math.max(1 << 16, Math.floor(single * seconds));
  out['threads_backend'] = best.backend;
  out['threads_1_total_hashes_per_s'] = await threadedRate(spec, 1, perThread);
  out['threads_2_total_hashes_per_s'] = await threadedRate(spec, 2, perThread);
  if (best.backend !== 'js') {
    // The fallback's scaling too, on the path the miner uses when the addon is missing.
    const jsSpec: WorkerSpec = { data: { jsModuleUrl: new URL('./js-hasher.ts', import.meta.url).href } };
    const jsPerThread = Math.floor(Number(out[`js_${js.kernel}_hashes_per_s`]) * seconds);
    out[`threads_2_js_${js.kernel}_total_hashes_per_s`] = await threadedRate(jsSpec, 2, jsPerThread);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 2);
  runHasherBench(seconds).then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
