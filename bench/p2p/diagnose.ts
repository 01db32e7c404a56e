import { formatAddress, generatePrivateKey, publicKeyFromPrivate, addressFromPublicKey } from '@hackcoin/core';
import { fileURLToPath } from 'node:url';
import { startCluster, stopCluster } from './cluster.js';
import { cpuSeconds } from './proc.js';
import type { TestNode } from '../../packages/node/test/helpers/node-process.js';

/** Per-node idle CPU (% of one core) over `ms`. */
export async function idleCpu(nodes: TestNode[], ms: number): Promise<number[]> {
  const before = nodes.map((n) => cpuSeconds(n.proc.pid!));
  await new Promise((r) => setTimeout(r, ms));
  return nodes.map((n, i) => Math.round(((cpuSeconds(n.proc.pid!) - before[i]!) / (ms / 1000)) * 1000) / 10);
}

/** Peers, gossipsub mesh and scores as each node sees them. */
export async function meshReport(nodes: TestNode[]) {
  return Promise.all(
    nodes.map(async (n, i) => {
      const { peers } = (await n.api('/api/network/peers')) as { peers: { gossipScore?: number; inBlockMesh?: boolean }[] };
      const scores = peers.map((p) => p.gossipScore ?? 0);
      return {
        node: i,
        peers: peers.length,
        mesh: peers.filter((p) => p.inBlockMesh).length,
        minScore: Math.min(...scores),
        negative: scores.filter((s) => s < 0).length,
      };
    }),
  );
}

/**
 * Diagnostic run, not part of `npm run bench`: a cluster's idle CPU per node,
 * each node's gossipsub mesh and peer scores, CPU per block, and which path
 * (gossip, tip announcement, sync) delivered each block. BENCH_NODES (20),
 * BENCH_BLOCKS (10); run with DEBUG=hackcoin:p2p for the delivery paths.
 */
async function main(): Promise<void> {
  const count = Number(process.env.BENCH_NODES ?? 20);
  const nodes = await startCluster(count);
  try {
    await new Promise((r) => setTimeout(r, 5_000));
    const cpu = await idleCpu(nodes, 20_000);
    process.stdout.write(`idle CPU % per node: ${cpu.join(' ')}\n`);
    for (const r of await meshReport(nodes)) process.stdout.write(`${JSON.stringify(r)}\n`);
    const blocks = Number(process.env.BENCH_BLOCKS ?? 10);
    const to = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
    const cpu0 = nodes.map((n) => cpuSeconds(n.proc.pid!));
    const w0 = Date.now();
    for (let b = 0; b < blocks; b++) {
      await nodes[0]!.api('/api/mining/generate', { body: { count: 1, address: to } });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const used = nodes.map((n, i) => cpuSeconds(n.proc.pid!) - cpu0[i]!);
    const idleShare = cpu.map((c) => (c / 100) * ((Date.now() - w0) / 1000));
    const perBlock = used.map((u, i) => Math.round(((u - idleShare[i]!) / blocks) * 1000));
    process.stdout.write(`CPU ms per block per node (above idle): ${perBlock.join(' ')}\n`);
    // Needs DEBUG=hackcoin:p2p in the environment for the per-path lines.
    const paths = { gossip: 0, announcement: 0, sync: 0 };
    const validation: number[] = [];
    for (const n of nodes.slice(1)) {
      const out = n.output();
      for (const m of out.matchAll(/via gossip from \S+, validated in (\d+) ms/g)) {
        paths.gossip++;
        validation.push(Number(m[1]));
      }
      paths.announcement += out.match(/via announcement from/g)?.length ?? 0;
      for (const m of out.matchAll(/sync: (\d+) block\(s\)/g)) paths.sync += Number(m[1]);
    }
    validation.sort((a, b) => a - b);
    process.stdout.write(`delivery paths: ${JSON.stringify(paths)}; gossip validation ms median ${validation[validation.length >> 1]} max ${validation[validation.length - 1]}\n`);
  } finally {
    await stopCluster(nodes);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    process.stderr.write(`${e.stack ?? e.message}\n`);
    process.exit(1);
  });
}
