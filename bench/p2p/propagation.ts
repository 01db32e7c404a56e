import { fileURLToPath } from 'node:url';
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
import type { CompactStats as Compact } from '../../packages/node/src/p2p/compact/compact-relay.js';
import type { TestNode } from '../../packages/node/test/helpers/node-process.js';
import { startCluster, stopCluster, watchBlocks } from './cluster.js';
import { reportedBackends } from '../backends.js';
import { cpuSeconds, loadAverage, percentile, statCpuSeconds } from './proc.js';

/** Pending transactions one sender may have in a mempool (the mempool's per-sender limit is 64). */
const PER_SENDER = 50;

interface Sender {
  key: Uint8Array;
  address: Uint8Array;
  addr: string;
  nonce: bigint;
}


function newSender(): Sender {
  const key = generatePrivateKey();
  const address = addressFromPublicKey(publicKeyFromPrivate(key));
  return { key, address, addr: formatAddress(address), nonce: 0n };
}

const CPU_LABEL = (series: string) => `${series}: median CPU ms per node per block, whole process / main thread`;

/** CPU seconds of a node process so far, in all its threads and in its main thread alone. */
function cpuTimes(n: TestNode): { all: number; main: number } {
  const pid = n.proc.pid!;
  return { all: cpuSeconds(pid), main: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`) };
}

function median(xs: number[]): number {
  return Math.round(percentile([...xs].sort((a, b) => a - b), 0.5));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Block propagation on loopback: NODES real node processes in a random graph
 * (about eight peers each), one miner. For each block, the time from the
 * miner connecting it to the last node connecting it, taken from each node's
 * log line as it arrives on the pipe. Two series: empty blocks, then blocks of
 * BENCH_BLOCK_TXS transfers that every node already holds (relayed first, from
 * senders, submitted to the miner and relayed), which compact relay should carry in about
 * one round trip of small messages.
 */
export async function runPropagationBench(opts: { nodes?: number; blocks?: number; txBlocks?: number; blockTxs?: number } = {}): Promise<Record<string, number | string>> {
  const count = opts.nodes ?? Number(process.env.BENCH_NODES ?? 20);
  const blocks = opts.blocks ?? Number(process.env.BENCH_BLOCKS ?? 20);
  const txBlocks = opts.txBlocks ?? Number(process.env.BENCH_TX_BLOCKS ?? 10);
  const blockTxs = opts.blockTxs ?? Number(process.env.BENCH_BLOCK_TXS ?? 1_000);
  const t0 = Date.now();
  const nodes = await startCluster(count);
  const startupMs = Date.now() - t0;
  const loadStart = loadAverage();
  try {
    const peerCounts = await Promise.all(nodes.map(async (n) => (await n.api('/api/network/status')).peers.total as number));
    const seen = new Map<string, Map<number, number>>();
    const stop = watchBlocks(nodes, (i, _h, id) => {
      let m = seen.get(id);
      if (!m) seen.set(id, (m = new Map()));
      if (!m.has(i)) m.set(i, performance.now());
    });
    const miner = nodes[0]!;
    const sink = newSender();

    /** Mines one block on node 0 and waits (≤ waitMs) until every node logged it. */
    const mineOne = async (address: string, waitMs = 5_000): Promise<{ worst: number; perNode: number[]; missing: number }> => {
      const { blocks: ids } = await miner.api('/api/mining/generate', { body: { count: 1, address } });
      const id = ids[0] as string;
      const end = Date.now() + waitMs;
      while ((seen.get(id)?.size ?? 0) < count && Date.now() < end) await sleep(5);
      const m = seen.get(id)!;
      const created = m.get(0)!;
      const perNode = [...m.entries()].filter(([i]) => i !== 0).map(([, t]) => t - created);
      return { worst: m.size === count ? Math.max(...perNode) : Infinity, perNode, missing: count - m.size };
    };

    const series = async (n: number, prepare: () => Promise<void>, waitMs?: number) => {
      const worst: number[] = [];
      const perNode: number[] = [];
      let missing = 0;
      const cpu: number[] = [];
      const mainCpu: number[] = [];
      for (let b = 0; b < n; b++) {
        await prepare();
        const before = nodes.map(cpuTimes);
        const r = await mineOne(sink.addr, waitMs);
        worst.push(r.worst);
        perNode.push(...r.perNode);
        missing += r.missing;
        await sleep(250);
        // Over the block and the pause after it, in 10 ms ticks: relay, checks, connect, and the
        // engine's own threads (compiler, collector) and LevelDB's beside the main thread.
        const used = nodes.map((x, i) => {
          const t = cpuTimes(x);
          mainCpu.push((t.main - before[i]!.main) * 1000);
          return (t.all - before[i]!.all) * 1000;
        });
        cpu.push(...used);
        if (process.env.BENCH_TRACE) process.stderr.write(`block ${b}: to all ${Math.round(r.worst)} ms, CPU ms per node ${used.map(Math.round).join(' ')}\n`);
      }
      // V8 compiles the functions a block runs once each only after several blocks; until then a
      // node spends about twice the CPU on one (docs/protocol.md, benchmarks). Halves show both regimes.
      const half = Math.ceil(n / 2);
      const halves = `${median(worst.slice(0, half))} / ${median(worst.slice(half))}`;
      cpu.sort((a, b) => a - b);
      mainCpu.sort((a, b) => a - b);
      worst.sort((a, b) => a - b);
      perNode.sort((a, b) => a - b);
      return {
        halves,
        halvesLabel: `blocks 1–${half} / ${half + 1}–${n}`,
        medianBlockToAllMs: Math.round(percentile(worst, 0.5)),
        worstBlockToAllMs: Math.round(worst[worst.length - 1]!),
        medianPerNodeMs: Math.round(percentile(perNode, 0.5)),
        p95PerNodeMs: Math.round(percentile(perNode, 0.95)),
        missedDeliveries: missing,
        cpuPerNode: `${Math.round(percentile(cpu, 0.5))} / ${Math.round(percentile(mainCpu, 0.5))}`,
      };
    };

    const empty = await series(blocks, async () => undefined);
    const emptyFigures = {
      nodes: count,
      avgPeers: Math.round((peerCounts.reduce((s, x) => s + x, 0) / count) * 10) / 10,
      'empty blocks': blocks,
      'empty: median block-to-all ms (goal < 150)': empty.medianBlockToAllMs,
      'empty: worst block-to-all ms': empty.worstBlockToAllMs,
      'empty: median / p95 per node ms': `${empty.medianPerNodeMs} / ${empty.p95PerNodeMs}`,
      'empty: missed deliveries': empty.missedDeliveries,
      [CPU_LABEL('empty')]: empty.cpuPerNode,
    };
    const context = {
      backends: reportedBackends(nodes.map((n) => n.output())),
      clusterStartupMs: startupMs,
      'load average at start / end': `${loadStart} → ${loadAverage()}`,
      note: 'the load average includes the nodes themselves (all on this machine) and anything else running',
    };
    if (txBlocks === 0) return { ...emptyFigures, ...context };

    const txSeries = async (): Promise<Record<string, number | string>> => {
      // Fund the senders (one block each, which also warms the meshes), then fill every mempool before each block.
      const senders = Array.from({ length: Math.ceil(blockTxs / PER_SENDER) }, newSender);
      for (const s of senders) await mineOne(s.addr);
      const compactBefore = await compactTotals(nodes);
      let fillMs = 0;
      let fewestPending = Infinity;
      let refused = 0;
      const full = await series(txBlocks, async () => {
        const f0 = Date.now();
        refused += await submitAll(miner, senders, sink.address, blockTxs);
        fewestPending = Math.min(fewestPending, await waitForMempools(nodes, blockTxs));
        fillMs += Date.now() - f0;
      }, 20_000);
      const compactAfter = await compactTotals(nodes);
      const delta = (k: keyof Compact) => compactAfter[k] - compactBefore[k];
      return {
        [`${blockTxs}-tx blocks`]: txBlocks,
        [`${blockTxs}-tx: median block-to-all ms (goal < 300)`]: full.medianBlockToAllMs,
        [`${blockTxs}-tx: median block-to-all ms, ${full.halvesLabel}`]: full.halves,
        [`${blockTxs}-tx: worst block-to-all ms`]: full.worstBlockToAllMs,
        [`${blockTxs}-tx: median / p95 per node ms`]: `${full.medianPerNodeMs} / ${full.p95PerNodeMs}`,
        [`${blockTxs}-tx: missed deliveries`]: full.missedDeliveries,
        [CPU_LABEL(`${blockTxs}-tx`)]: full.cpuPerNode,
        [`${blockTxs}-tx: compact received / from mempool alone / round trips / full fallbacks / relayed before validation`]: `${delta('received')} / ${delta('fromPoolOnly')} / ${delta('roundTrips')} / ${delta('fullFallbacks')} / ${delta('forwardedEarly')}`,
        [`${blockTxs}-tx: txs from mempools / requested`]: `${delta('txsFromPool')} / ${delta('txsRequested')}`,
        [`${blockTxs}-tx: mempool fill per block ms (not timed)`]: Math.round(fillMs / Math.max(1, txBlocks)),
        [`${blockTxs}-tx: fewest transactions a node held before a block`]: fewestPending,
        [`${blockTxs}-tx: submissions refused`]: refused,
      };
    };
    let txFigures: Record<string, number | string>;
    try {
      txFigures = await txSeries();
    } catch (e) {
      txFigures = { [`${blockTxs}-tx series failed`]: (e as Error).message };
    }
    stop();
    return { ...emptyFigures, ...txFigures, ...context, 'load average at start / end': `${loadStart} → ${loadAverage()}` };
  } finally {
    await stopCluster(nodes);
  }
}

async function compactTotals(nodes: TestNode[]): Promise<Compact> {
  const all = await Promise.all(nodes.map(async (n) => (await n.api('/api/network/status')).compact as Compact));
  const out: Compact = { received: 0, fromPoolOnly: 0, roundTrips: 0, txsFromPool: 0, txsRequested: 0, fullFallbacks: 0, forwardedEarly: 0 };
  for (const c of all) for (const k of Object.keys(out) as (keyof Compact)[]) out[k] += c?.[k] ?? 0;
  return out;
}

/**
 * `total` transfers, PER_SENDER per sender in nonce order, submitted to the miner (so every one is in the
 * next block, and no node keeps leftovers that would push a sender past its pending limit) and relayed from
 * there. Returns how many were refused.
 */
async function submitAll(miner: TestNode, senders: Sender[], to: Uint8Array, total: number): Promise<number> {
  let left = total;
  let refused = 0;
  await Promise.all(
    senders.map(async (s) => {
      const n = Math.min(PER_SENDER, left);
      left -= n;
      for (let k = 0; k < n; k++) {
        const tx = signTransfer({ kind: 'transfer', chainId: NETWORKS.regtest.chainId, nonce: s.nonce, fee: 2_000n, to, amount: 1n, data: new Uint8Array() }, s.key);
        const r = await submitOnce(miner, bytesToHex(encodeTx(tx)));
        if (r.status < 300) s.nonce++;
        else refused++;
      }
    }),
  );
  return refused;
}

/**
 * Submits a transaction, sending it again if the kept-alive socket was reset under it: a node whose
 * event loop runs late closes an idle socket just as undici reuses it (Node's keep-alive race, seen
 * at load average 14), and a POST is not retried by undici. A copy that did arrive the first time is
 * `txn-already-known`, which counts as submitted.
 */
async function submitOnce(miner: TestNode, raw: string): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await miner.request('/api/transactions', { body: { raw } });
      const known = r.status >= 300 && attempt > 1 && JSON.stringify(r.body).includes('txn-already-known');
      return known ? { status: 200, body: r.body } : r;
    } catch (e) {
      // undici names the same race either way: a reset, or the other side closing as the request went out.
      const code = (e as { cause?: { code?: string } }).cause?.code;
      const reset = code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
      if (!reset || attempt >= 3) throw e;
    }
  }
}

/** Waits (≤ 60 s) until every mempool holds `size` transactions; the smallest mempool size seen last. */
async function waitForMempools(nodes: TestNode[], size: number): Promise<number> {
  const end = Date.now() + 60_000;
  let fewest = 0;
  while (Date.now() < end) {
    const sizes = await Promise.all(nodes.map(async (n) => (await n.api('/api/node/info')).mempool.size as number));
    fewest = Math.min(...sizes);
    if (fewest >= size) break;
    await sleep(200);
  }
  return fewest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runPropagationBench().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
