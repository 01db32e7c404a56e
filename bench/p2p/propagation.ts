import { fileURLToPath } from 'node:url';
import { formatAddress, generatePrivateKey, publicKeyFromPrivate, addressFromPublicKey } from '@hackcoin/core';
import { startCluster, stopCluster, watchBlocks } from './cluster.js';
import { loadAverage, percentile } from './proc.js';

/**
 * Block propagation on loopback: NODES real node processes in a random graph
 * (about eight peers each), one miner. For each block, the time from the
 * miner connecting it to the last node connecting it, taken from each node's
 * log line as it arrives on the pipe.
 */
export async function runPropagationBench(opts: { nodes?: number; blocks?: number } = {}): Promise<Record<string, number | string>> {
  const count = opts.nodes ?? Number(process.env.BENCH_NODES ?? 20);
  const blocks = opts.blocks ?? Number(process.env.BENCH_BLOCKS ?? 20);
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
    const to = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
    const worst: number[] = [];
    const perNode: number[] = [];
    let missing = 0;
    for (let b = 0; b < blocks; b++) {
      const { blocks: ids } = await miner.api('/api/mining/generate', { body: { count: 1, address: to } });
      const id = ids[0] as string;
      const end = Date.now() + 5_000;
      while ((seen.get(id)?.size ?? 0) < count && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      const m = seen.get(id)!;
      const created = m.get(0)!;
      if (m.size < count) missing += count - m.size;
      const delays = [...m.entries()].filter(([i]) => i !== 0).map(([, t]) => t - created);
      perNode.push(...delays);
      worst.push(Math.max(...delays));
      await new Promise((r) => setTimeout(r, 250));
    }
    stop();
    worst.sort((a, b) => a - b);
    perNode.sort((a, b) => a - b);
    return {
      nodes: count,
      blocks,
      avgPeers: Math.round((peerCounts.reduce((s, x) => s + x, 0) / count) * 10) / 10,
      medianBlockToAllMs: Math.round(percentile(worst, 0.5)),
      worstBlockToAllMs: Math.round(worst[worst.length - 1]!),
      medianPerNodeMs: Math.round(percentile(perNode, 0.5)),
      p95PerNodeMs: Math.round(percentile(perNode, 0.95)),
      missedDeliveries: missing,
      clusterStartupMs: startupMs,
      'load average at start / end': `${loadStart} → ${loadAverage()}`,
    };
  } finally {
    await stopCluster(nodes);
  }
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
