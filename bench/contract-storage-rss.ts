import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { NETWORKS, bytesToHex } from '@hackcoin/core';
import { Chain } from '../packages/node/src/chain/chain.js';
import { ClassicLevel } from 'classic-level';
import { MAX_OPEN_FILES, openDatabase, type BatchOp } from '../packages/node/src/store/db.js';
import { Prefix, key } from '../packages/node/src/store/keys.js';
import { loadSignatureBackend } from '../packages/node/src/crypto/native-backend.js';
import { createLogger } from '../packages/node/src/util/logger.js';

const CONTRACTS = 16;
const VALUE_CHARS = 1_000;
const STEPS_MB = process.env.HC_BENCH_STORAGE_MB ? process.env.HC_BENCH_STORAGE_MB.split(',').map(Number) : [0, 128, 256, 512, 1_024];
const READS = 200_000;
const enc = new TextEncoder();

const contractOf = (i: number): Uint8Array => {
  const a = new Uint8Array(20);
  a[0] = 0xc0;
  a[19] = i;
  return a;
};

/** A line of /proc/self/status in bytes: RssAnon is the process's own memory; RssFile is mapped files (LevelDB's table files). */
function rssPart(name: string): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line ? Number(line.split(/\s+/)[1]) * 1024 : 0;
}

/** Size of the database directory; LevelDB compaction may delete a file while it is being summed. */
function diskMb(dir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    try {
      bytes += statSync(join(dir, name)).size;
    } catch {
      // removed by compaction in the meantime
    }
  }
  return Math.round(bytes / 1048576);
}

/** In a fresh process: open the chain over `dir`, then read random slots through the node's contract state. */
async function child(dir: string, slots: number, maxOpenFiles: number | undefined): Promise<void> {
  const db = maxOpenFiles === undefined ? await openDatabase(dir) : new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view', maxOpenFiles });
  await db.open();
  const chain = await Chain.open({ db, params: NETWORKS.regtest, backend: loadSignatureBackend().backend, log: createLogger('bench', true) });
  const atStart = process.memoryUsage().rss;
  let found = 0;
  for (let i = 0; i < READS && slots > 0; i++) {
    const n = Math.floor(Math.random() * slots);
    if (chain.contracts.storageGet(bytesToHex(contractOf(n % CONTRACTS)), `k${n}`) !== undefined) found++;
  }
  if (slots > 0 && found !== READS) throw new Error(`only ${found} of ${READS} slots found`);
  global.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ atStart, rss: m.rss, anon: rssPart('RssAnon'), heap: m.heapTotal, cache: chain.contracts.cacheBytes() }));
  await db.close();
}

/**
 * Memory against contract state size: contract storage is written straight
 * into LevelDB (random, incompressible 1 KB values; filling it through blocks
 * at 625 gas per byte would take thousands of full blocks), and at each size a
 * fresh node process opens the chain and reads random slots through the
 * node's contract state. RSS should stay flat while the disk grows.
 */
export async function runContractStorageRssBench(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-bench-storage-'));
  const out: Record<string, number | string> = {};
  const self = fileURLToPath(import.meta.url);
  let slots = 0;
  try {
    for (const targetMb of STEPS_MB) {
      const db = await openDatabase(dir);
      while (diskMb(dir) < targetMb) {
        for (let b = 0; b < 32; b++) {
          const ops: BatchOp[] = [];
          for (let i = 0; i < 1_000; i++, slots++) {
            const value = `"${randomBytes(VALUE_CHARS * 0.75).toString('base64')}"`;
            ops.push({ type: 'put', key: key(Prefix.contractStorage, contractOf(slots % CONTRACTS), enc.encode(`k${slots}`)), value: enc.encode(value) });
          }
          await db.batch(ops);
        }
      }
      await db.close();
      const mb = (n: number): string => (n / 1048576).toFixed(0);
      // The node's settings, then LevelDB's default of 1,000 open table files (each open table is
      // memory-mapped, and the pages reads touch count as file-backed RSS).
      for (const maxOpen of [undefined, 1_000]) {
        const r = JSON.parse(
          execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, 'child', dir, String(slots), ...(maxOpen ? [String(maxOpen)] : [])], { encoding: 'utf8', maxBuffer: 1 << 20 }),
        ) as { atStart: number; rss: number; anon: number; heap: number; cache: number };
        const setting = `, maxOpenFiles ${maxOpen ?? MAX_OPEN_FILES}`;
        out[`${diskMb(dir)} MB on disk (${slots.toLocaleString()} slots${setting}): RSS start / after ${READS / 1000}k reads (anon), V8 heap, LRU (MB)`] =
          `${mb(r.atStart)} / ${mb(r.rss)} (${mb(r.anon)}), ${mb(r.heap)}, ${mb(r.cache)}`;
      }
    }
    out.goal = 'RSS < 250 MB with 1 GB of contract storage on disk, flat as it grows';
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]!, Number(process.argv[4]), process.argv[5] === undefined ? undefined : Number(process.argv[5]));
