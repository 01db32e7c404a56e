import { formatAddress, generatePrivateKey, publicKeyFromPrivate, addressFromPublicKey } from '@hackcoin/core';
import { fileURLToPath } from 'node:url';
import { startCluster, stopCluster } from './cluster.js';
import { cpuSeconds, loadAverage } from './proc.js';
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

/** One node's view of one block, in ms since the epoch (from the debug lines' ISO stamps). */
interface Hop {
  received?: number;
  from?: string;
  rebuilt?: number;
  forwarded?: number;
  announced?: number;
  connected?: number;
  validateMs?: number;
  published?: number;
}

const LINE = /^(\S+Z) hackcoin:p2p (.*)$/;
const EVENTS: [RegExp, (h: Hop, m: RegExpExecArray, t: number) => void][] = [
  [/^cmpct (\w+) received from (\w+)/, (h, m, t) => { h.received ??= t; h.from ??= m[2]; }],
  [/^cmpct (\w+) rebuilt/, (h, _m, t) => { h.rebuilt ??= t; }],
  [/^cmpct (\w+) forwarded/, (h, _m, t) => { h.forwarded ??= t; }],
  [/^block (\w+) announced by (\w+)/, (h, _m, t) => { h.announced ??= t; }],
  [/^block (\w{16})\w* from \w+ connected in (\d+) ms/, (h, m, t) => { h.connected ??= t; h.validateMs = Number(m[2]); }],
  [/^publishing block (\w+)/, (h, _m, t) => { h.published ??= t; }],
];

/** Per block, per node: what happened when, parsed from DEBUG=hackcoin:p2p output. */
function timelines(nodes: TestNode[]): Map<string, Map<number, Hop>> {
  const out = new Map<string, Map<number, Hop>>();
  nodes.forEach((n, i) => {
    for (const line of n.output().split('\n')) {
      const l = LINE.exec(line);
      if (!l) continue;
      const t = Date.parse(l[1]!);
      for (const [re, apply] of EVENTS) {
        const m = re.exec(l[2]!);
        if (!m) continue;
        const id = m[1]!.slice(0, 16);
        let b = out.get(id);
        if (!b) out.set(id, (b = new Map()));
        let h = b.get(i);
        if (!h) b.set(i, (h = {}));
        apply(h, m, t);
      }
    }
  });
  return out;
}

const med = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[s.length >> 1]!;
};

/** Prints, per block, the hop depth of each node and where the time went (receive → rebuild → forward → connect). */
function report(nodes: TestNode[], ids: string[], shortIds: Map<string, number>): void {
  const lines = timelines(nodes);
  const hopLatency: number[] = [];
  const rebuild: number[] = [];
  const validate: number[] = [];
  const queue: number[] = [];
  const toAll: number[] = [];
  const paths = { gossip: 0, announcement: 0, other: 0 };
  for (const id of ids) {
    const b = lines.get(id.slice(0, 16));
    const t0 = b?.get(0)?.published;
    if (!b || t0 === undefined) continue;
    const depth = new Map<number, number>([[0, 0]]);
    const depthOf = (i: number, seen = new Set<number>()): number => {
      if (depth.has(i)) return depth.get(i)!;
      const from = shortIds.get(b.get(i)?.from ?? '');
      if (from === undefined || seen.has(i)) return NaN;
      seen.add(i);
      const d = depthOf(from, seen) + 1;
      depth.set(i, d);
      return d;
    };
    const cells: string[] = [];
    let last = 0;
    for (let i = 1; i < nodes.length; i++) {
      const h = b.get(i) ?? {};
      const sender = shortIds.get(h.from ?? '');
      const sent = sender === undefined ? undefined : (sender === 0 ? t0 : b.get(sender)?.forwarded);
      if (h.received !== undefined && sent !== undefined) hopLatency.push(h.received - sent);
      if (h.received !== undefined && h.rebuilt !== undefined) rebuild.push(h.rebuilt - h.received);
      if (h.validateMs !== undefined) validate.push(h.validateMs);
      if (h.connected !== undefined && h.validateMs !== undefined && h.forwarded !== undefined) queue.push(h.connected - h.validateMs - h.forwarded);
      if (h.received !== undefined && (h.announced === undefined || h.received <= h.announced)) paths.gossip++;
      else if (h.announced !== undefined) paths.announcement++;
      else paths.other++;
      last = Math.max(last, (h.connected ?? Infinity) - t0);
      cells.push(`${i}:d${depthOf(i)} r${(h.received ?? NaN) - t0} c${(h.connected ?? NaN) - t0}`);
    }
    toAll.push(last);
    process.stdout.write(`block ${id.slice(0, 12)} to all ${last} ms | ${cells.join(' ')}\n`);
  }
  process.stdout.write(
    `medians: block-to-all ${med(toAll)} ms, hop (sender forwarded → receiver got it) ${med(hopLatency)} ms, rebuild ${med(rebuild)} ms, ` +
      `validate ${med(validate)} ms, forwarded → validation start ${med(queue)} ms; first delivery: ${JSON.stringify(paths)}\n`,
  );
}

/**
 * Diagnostic run, not part of `npm run bench`: a cluster's idle CPU per node,
 * each node's gossipsub mesh and peer scores, CPU per block, and a per-block
 * timeline from every node's p2p debug lines (when each node received the
 * compact block and from whom, rebuilt it, forwarded it, connected it).
 * BENCH_NODES (20), BENCH_BLOCKS (10), BENCH_IDLE_MS (20000; 0 skips).
 */
async function main(): Promise<void> {
  const count = Number(process.env.BENCH_NODES ?? 20);
  const nodes = await startCluster(count, 4, 2, { DEBUG: 'hackcoin:p2p' });
  try {
    await new Promise((r) => setTimeout(r, 5_000));
    const idleMs = Number(process.env.BENCH_IDLE_MS ?? 20_000);
    const cpu = idleMs > 0 ? await idleCpu(nodes, idleMs) : nodes.map(() => 0);
    process.stdout.write(`load average ${loadAverage()}; idle CPU % per node: ${cpu.join(' ')}\n`);
    for (const r of await meshReport(nodes)) process.stdout.write(`${JSON.stringify(r)}\n`);
    const shortIds = new Map<string, number>();
    await Promise.all(nodes.map(async (n, i) => shortIds.set(((await n.api('/api/network/status')).peerId as string).slice(-8), i)));
    const blocks = Number(process.env.BENCH_BLOCKS ?? 10);
    const to = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
    const cpu0 = nodes.map((n) => cpuSeconds(n.proc.pid!));
    const w0 = Date.now();
    const ids: string[] = [];
    for (let b = 0; b < blocks; b++) {
      ids.push(...((await nodes[0]!.api('/api/mining/generate', { body: { count: 1, address: to } })).blocks as string[]));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const used = nodes.map((n, i) => cpuSeconds(n.proc.pid!) - cpu0[i]!);
    const idleShare = cpu.map((c) => (c / 100) * ((Date.now() - w0) / 1000));
    const perBlock = used.map((u, i) => Math.round(((u - idleShare[i]!) / blocks) * 1000));
    process.stdout.write(`CPU ms per block per node (above idle): ${perBlock.join(' ')}\n`);
    report(nodes, ids, shortIds);
    process.stdout.write(`load average ${loadAverage()} (the nodes themselves and anything else running on this machine)\n`);
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
