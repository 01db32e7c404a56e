import { performance } from 'node:perf_hooks';
import {
  NETWORKS,
  addressFromPublicKey,
  bytesToHex,
  encodeTx,
  formatAddress,
  generatePrivateKey,
  publicKeyFromPrivate,
  signTransfer,
} from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from '../packages/node/test/helpers/node-process.js';
import { reportedBackends } from './backends.js';

/**
 * Explorer routes on a 10,000-block chain, against a real regtest node over
 * HTTP: the requests the explorer pages make, timed one after another
 * (median and p95 of 50 each). Goal: < 100 ms each.
 */
const BLOCKS = 10_000;
const PER_GENERATE = 1000;
const TRANSFERS_PER_BATCH = 25;
/** The mempool view lists at most 1,000 transactions: fill it. */
const PENDING_AT_END = 1000;
const SAMPLES = 50;
const LIMIT = 20;
const GOAL_MS = 100;

const params = NETWORKS.regtest;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeRoute(node: TestNode, paths: (i: number) => string): Promise<{ median: number; p95: number; bytes: number }> {
  // One warm-up request, then SAMPLES timed ones (the body read included).
  await node.api(paths(0), { token: null });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const path = paths(i);
    const t0 = performance.now();
    const res = await fetch(node.url + path);
    const text = await res.text();
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${path} → ${res.status} ${text.slice(0, 200)}`);
    bytes = Math.max(bytes, text.length);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95), bytes };
}

export async function runExplorerBench(): Promise<Record<string, number | string>> {
  const node = await startNode({ env: { P2P: 'false' } });
  try {
    const key = generatePrivateKey();
    const miner = formatAddress(addressFromPublicKey(publicKeyFromPrivate(key)));
    const recipientKeys = Array.from({ length: 16 }, () => generatePrivateKey());
    const recipients = recipientKeys.map((k) => addressFromPublicKey(publicKeyFromPrivate(k)));
    let nonce = 0n;
    const txIds: string[] = [];
    const send = async (): Promise<string> => {
      const to = recipients[Number(nonce) % recipients.length]!;
      const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce, fee: 10_000n, to, amount: 1_000_000n + nonce, data: new Uint8Array() }, key);
      const { id } = await node.api<{ id: string }>('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
      nonce++;
      return id;
    };

    // Build the chain: 1,000 blocks per call, with transfers from the miner mined in between.
    const t0 = performance.now();
    await node.api('/api/mining/generate', { body: { count: PER_GENERATE, address: miner } });
    for (let built = PER_GENERATE; built < BLOCKS; built += PER_GENERATE) {
      for (let i = 0; i < TRANSFERS_PER_BATCH; i++) txIds.push(await send());
      await node.api('/api/mining/generate', { body: { count: Math.min(PER_GENERATE, BLOCKS - built), address: miner } });
    }
    const buildSeconds = (performance.now() - t0) / 1000;
    // The mempool view: pending transfers from 17 senders (a node keeps at most 64 per sender).
    for (let i = 0; i < 60; i++) await send();
    const senders = recipientKeys.length;
    for (let i = 0; i < PENDING_AT_END - 60; i++) {
      const from = recipientKeys[i % senders]!;
      const to = recipients[(i + 1) % senders]!;
      const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: BigInt(Math.floor(i / senders)), fee: 10_000n + BigInt(i % 97) * 100n, to, amount: 1000n, data: new Uint8Array() }, from);
      await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
    }
    const info = await node.api<{ height: number }>('/api/node/info');
    const pages = Math.ceil((info.height + 1) / LIMIT);
    const hashes: string[] = [];
    for (let p = 1; hashes.length < SAMPLES; p += Math.floor(pages / SAMPLES)) {
      const page = await node.api<{ blocks: { hash: string }[] }>(`/api/blocks?page=${p}&limit=${LIMIT}`);
      hashes.push(page.blocks[0]!.hash);
    }
    const minerTxs = info.height + 1 + txIds.length;
    const minerDeepPage = Math.max(1, Math.floor(minerTxs / LIMIT) - 1);
    // Address history past row 10,000 is read by cursor, as the explorer's "older" link does
    // (docs/api.md, Paging): walk there once, then time the page the cursor opens.
    let deepCursor = '';
    for (let p = 1; p < minerDeepPage; p++) {
      const body = await node.api<{ next: string | null }>(`/api/address/${miner}?limit=${LIMIT}${deepCursor ? `&before=${deepCursor}` : ''}`);
      if (body.next === null) break;
      deepCursor = body.next;
    }
    const rcpt = formatAddress(recipients[0]!);
    const pick = <T>(xs: T[], i: number): T => xs[(i * 7919) % xs.length]!;

    const routes: [string, (i: number) => string][] = [
      [`/api/blocks?page=1&limit=${LIMIT}`, () => `/api/blocks?page=1&limit=${LIMIT}`],
      [`/api/blocks?page=${pages - 1}&limit=${LIMIT} (deep)`, () => `/api/blocks?page=${pages - 1}&limit=${LIMIT}`],
      ['/api/blocks/:height', (i) => `/api/blocks/${(i * 197) % (info.height + 1)}`],
      ['/api/blocks/:hash', (i) => `/api/blocks/${pick(hashes, i)}`],
      ['/api/tx/:id (confirmed transfer)', (i) => `/api/tx/${pick(txIds, i)}`],
      [`/api/address/:miner page 1 (${minerTxs} txs)`, () => `/api/address/${miner}?page=1&limit=${LIMIT}`],
      [`/api/address/:miner page ${minerDeepPage} (deep, by cursor)`, () => `/api/address/${miner}?before=${deepCursor}&limit=${LIMIT}`],
      ['/api/address/:recipient', () => `/api/address/${rcpt}?page=1&limit=${LIMIT}`],
      [`/api/mempool (${PENDING_AT_END} pending)`, () => '/api/mempool'],
    ];

    const out: Record<string, number | string> = {
      backends: reportedBackends([node.output()]),
      'chain height': info.height,
      'confirmed transfers': txIds.length,
      'time to build the chain, s': Number(buildSeconds.toFixed(1)),
      goal: `< ${GOAL_MS} ms per request (median and p95 of ${SAMPLES})`,
    };
    const slow: string[] = [];
    for (const [name, path] of routes) {
      const r = await timeRoute(node, path);
      out[`${name} median / p95, ms`] = `${r.median.toFixed(1)} / ${r.p95.toFixed(1)}  (${(r.bytes / 1024).toFixed(0)} KB)`;
      if (r.p95 >= GOAL_MS) slow.push(name);
    }
    out['routes over the goal'] = slow.length ? slow.join(', ') : 'none';
    return out;
  } finally {
    await node.stop();
    removeDir(node.dataDir);
  }
}

