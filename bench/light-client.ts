import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import {
  EMPTY_ROOT,
  HeaderChain,
  NETWORKS,
  TreeWriter,
  accountPath,
  addressKey,
  bytesToHex,
  checkProofOfWork,
  coinbaseMerkleBranch,
  commitState,
  encodeHeader,
  encodeStateProof,
  genesisBlock,
  headerHash,
  merkleRoot,
  sha256,
  txHash,
  verifyStateProof,
  workFromBits,
  type Account,
  type BlockHeader,
  type CoinbaseTx,
  type ConsensusParams,
} from '@hackcoin/core';
import type { SyncTiming, VerifyTiming } from './light/page.ts';
import { medianMicros } from './light/timing.ts';

const ACCOUNTS = 100_000;
const BATCH = 10_000;
const HEADERS = 10_000;
const PAGE = 2_000;
const CHROMIUM = '/usr/bin/chromium';
const root = dirname(fileURLToPath(import.meta.url));

/**
 * Regtest with its retarget rule switched on (every 10 headers, as on main):
 * headers stay cheap to mine for the bench while the browser runs the same
 * PoW, retarget, median-time-past and link checks a main-network wallet does.
 */
const params: ConsensusParams = { ...NETWORKS.regtest, noRetargeting: false };

/**
 * The light client's figures (issue 14): an account proof in a state of
 * 100,000 accounts (size; verification in Node and in Chromium, both with
 * core's pure-JS sha256 as the wallet ships it), and a browser wallet's header
 * sync of 10,000 headers from /api/headers in 2,000-header pages into
 * IndexedDB, in Chromium.
 */
export async function runLightClientBench(): Promise<Record<string, number | string>> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is absent`);
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  const { proof, expect, buildMs } = largeStateProof();
  const nodeUs = verifyInNode(proof, expect);
  const headers = mineHeaders(HEADERS);
  const tNode = performance.now();
  const chain = HeaderChain.fromGenesis(params);
  for (let i = 0; i < headers.length; i += PAGE) chain.submit(headers.slice(i, i + PAGE), i + 1, Math.floor(Date.now() / 1000));
  const nodeHeadersMs = performance.now() - tNode;

  const server = await serve(headers);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'], headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => 'hackcoinBench' in globalThis);
    const v = await page.evaluate(
      ([p, h, ht, a]) => (globalThis as unknown as { hackcoinBench: { verify: (...x: unknown[]) => VerifyTiming } }).hackcoinBench.verify(p, h, ht, a, 2_000),
      [bytesToHex(proof), bytesToHex(expect.blockHash), expect.height, bytesToHex(expect.address)] as const,
    );
    const s = await page.evaluate(
      (p) => (globalThis as unknown as { hackcoinBench: { sync: (...x: unknown[]) => Promise<SyncTiming> } }).hackcoinBench.sync(p, 'bench'),
      params as unknown as Record<string, unknown>,
    );
    if (s.height !== HEADERS || s.stored !== HEADERS) throw new Error(`browser synced ${s.height} headers and stored ${s.stored}, expected ${HEADERS}`);
    return {
      'load average (1/5/15 min) at start': load,
      'state of 100,000 accounts, built in memory (s)': (buildMs / 1000).toFixed(1),
      'account proof incl. header+coinbase+branch (B)': proof.length,
      'verify account proof in Node, pure-JS sha256 (µs)': nodeUs.toFixed(0),
      'verify account proof in Chromium, pure-JS sha256 (µs)': v.microsPerProof.toFixed(0),
      'Chromium: fetch + verify 10,000 headers, 2,000 a page (ms)': s.fetchAndVerifyMs.toFixed(0),
      'Chromium: store them in IndexedDB (ms)': s.saveMs.toFixed(0),
      'Chromium: header sync total, 10,000 headers (ms)': (s.fetchAndVerifyMs + s.saveMs).toFixed(0),
      'Chromium: reload, read back + re-verify 10,000 (ms)': s.reloadMs.toFixed(0),
      'Node: verify 10,000 headers, no network (ms)': nodeHeadersMs.toFixed(0),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** A proof as the API serves it, for one of 100,000 accounts, from a block of 1,001 transactions. */
function largeStateProof(): { proof: Uint8Array; expect: { blockHash: Uint8Array; height: number; address: Uint8Array }; buildMs: number } {
  const t0 = performance.now();
  // Nodes live in the writer's own `created` set: nothing is stored before.
  const tree = new TreeWriter({ node: () => undefined });
  const addrs: Uint8Array[] = [];
  let stateRoot = EMPTY_ROOT;
  for (let b = 0; b < ACCOUNTS / BATCH; b++) {
    const changes = new Map<string, { account: Account }>();
    for (let i = 0; i < BATCH; i++) {
      const a = new Uint8Array(randomBytes(20));
      addrs.push(a);
      changes.set(addressKey(a), { account: { balance: 1_000_000n + BigInt(i), nonce: BigInt(b) } });
    }
    stateRoot = commitState(tree, stateRoot, changes);
  }
  const buildMs = performance.now() - t0;
  const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: params.chainId, height: 100, to: new Uint8Array(20), amount: 1n, stateRoot, extra: new Uint8Array(4) };
  const leaves = [txHash(coinbase), ...Array.from({ length: 1_000 }, () => sha256(randomBytes(8)))];
  const header: BlockHeader = { version: 1, prevHash: new Uint8Array(32), merkleRoot: merkleRoot(leaves), time: 1, bits: params.powLimitBits, nonce: 0 };
  const who = addrs[12_345]!;
  const proof = encodeStateProof({ header, coinbase, branch: coinbaseMerkleBranch(leaves), account: tree.prove(stateRoot, accountPath(who)), storage: null });
  return { proof, expect: { blockHash: headerHash(header), height: 100, address: who }, buildMs };
}

function verifyInNode(proof: Uint8Array, expect: { blockHash: Uint8Array; height: number; address: Uint8Array }): number {
  return medianMicros(() => verifyStateProof(proof, expect), 2_000);
}

/** A valid header chain from this network's genesis, one header per target spacing (so every retarget keeps the bits). */
function mineHeaders(n: number): Uint8Array[] {
  let prev = genesisBlock(params).header;
  const out: Uint8Array[] = [];
  for (let h = 1; h <= n; h++) {
    const header: BlockHeader = { version: 1, prevHash: headerHash(prev), merkleRoot: sha256(randomBytes(32)), time: prev.time + params.targetSpacing, bits: params.powLimitBits, nonce: 0 };
    for (;;) {
      try {
        checkProofOfWork(header, params);
        break;
      } catch {
        header.nonce++;
      }
    }
    out.push(encodeHeader(header));
    prev = header;
  }
  return out;
}

/** The page, its bundle, and /api/headers answered as the node answers it (hex JSON, at most 2,000 a call). */
async function serve(headers: Uint8Array[]): Promise<{ url: string; close: () => void }> {
  const bundle = await build({ entryPoints: [join(root, 'light/page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const js = bundle.outputFiles[0]!.text;
  let work = workFromBits(genesisBlock(params).header.bits);
  for (const h of headers) work += workFromBits(new DataView(h.buffer, h.byteOffset).getUint32(72, true));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>');
    if (url.pathname === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    if (url.pathname === '/api/headers') {
      const from = Number(url.searchParams.get('from'));
      const count = Math.min(PAGE, Number(url.searchParams.get('count') ?? PAGE));
      if (from > headers.length + 1) return void res.writeHead(404).end();
      const list = headers.slice(from - 1, from - 1 + count).map(bytesToHex);
      const body = { from, count: list.length, tipHeight: headers.length, tipHash: '', chainWork: work.toString(16), headers: list };
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}
