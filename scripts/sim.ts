/**
 * The simulation tier: real node processes, each on its own loopback IP
 * (127.0.1.2, 127.0.1.3, …; Linux routes all of 127/8 to lo, so per-IP
 * limits and netgroups act as on a real network), hostile peers on their own
 * IPs, a scripted miner and a transaction load. Prints, per block, whether
 * every honest node converged and how fast, propagation per node, and RSS.
 *
 *   npm run sim -- --nodes 50 --hostile 5 [--blocks 20] [--txs 5] [--interval 500]
 */
import { fileURLToPath } from 'node:url';
import { NETWORKS, decodeCompact, decodeHeader, encodeHeader, genesisBlock, hashMeetsTarget, headerHash, type BlockHeader } from '@hackcoin/core';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { createHost, type Host } from '../packages/node/src/p2p/libp2p.js';
import { decodeHeaders, decodeStatus, decodeSyncRequest, encodeHeaders, encodePeers, encodeRawList, encodeStatus, encodeSyncRequest } from '../packages/node/src/p2p/messages.js';
import { LIMITS, protocolIds } from '../packages/node/src/p2p/protocol.js';
import { removeDir, startNode, waitFor, type TestNode } from '../packages/node/test/helpers/node-process.js';
import { newWallet, transferHex } from '../packages/node/test/helpers/p2p.js';
import { watchBlocks } from '../bench/p2p/cluster.js';
import { loadAverage, percentile, rssBytes, sleep } from '../bench/p2p/proc.js';

const params = NETWORKS.regtest;
const ids = protocolIds('regtest');
const genesis = genesisBlock(params);
const HUGE_WORK = 1n << 200n;

export interface SimOptions {
  nodes: number;
  hostile: number;
  blocks: number;
  txsPerBlock: number;
  intervalMs: number;
  /** Nodes started at once (each costs seconds of CPU through tsx). */
  batch: number;
  print: (line: string) => void;
}

export interface SimResult {
  nodes: number;
  hostile: number;
  blocks: number;
  /** Blocks every honest node connected within 10 s. */
  convergedBlocks: number;
  sameTipAtEnd: boolean;
  convergeMedianMs: number;
  convergeP99Ms: number;
  convergeMaxMs: number;
  propagationMedianMs: number;
  propagationP99Ms: number;
  rssMedianMb: number;
  rssMaxMb: number;
  txsSent: number;
  txsConfirmed: number;
  hostileBanned: number;
  startupMs: number;
  loadAverage: string;
}

type Behaviour = 'liar' | 'replayer' | 'flooder' | 'staller';
const BEHAVIOURS: Behaviour[] = ['liar', 'replayer', 'flooder', 'staller'];

const ipOf = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`;
const hostileIp = (k: number) => `127.0.100.${2 + k}`;

function status(best: Uint8Array, height: number, work: bigint): Uint8Array {
  return encodeStatus({ network: 'regtest', chainId: params.chainId, genesis: headerHash(genesis.header), bestHash: best, height, chainWork: work, agent: 'hostile/1.0', listenAddrs: [] });
}

/** Valid headers of a fork from genesis at the minimum difficulty: cheap, and less work than any real tip past it. */
function lowWorkFork(n: number): BlockHeader[] {
  const out: BlockHeader[] = [];
  let prev = genesis.header;
  const target = decodeCompact(params.powLimitBits).target;
  for (let i = 0; i < n; i++) {
    const h: BlockHeader = { version: params.blockVersion, prevHash: headerHash(prev), merkleRoot: new Uint8Array(32).fill(i & 0xff), time: prev.time + 1, bits: params.powLimitBits, nonce: 0 };
    while (!hashMeetsTarget(headerHash(h), target)) h.nonce++;
    out.push(h);
    prev = h;
  }
  return out;
}

async function junkPeers(n: number, ip: string): Promise<Uint8Array> {
  const recs = await Promise.all(Array.from({ length: n }, async (_, i) => ({ peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString(), addrs: [`/ip4/${ip}/tcp/${30_000 + i}`] })));
  return encodePeers(recs);
}

/**
 * A hostile peer on its own IP, speaking the protocol: a liar (low-work fork
 * behind a huge work claim), a replayer (our own headers, again and again), a
 * flooder (junk peer-exchange addresses) or a staller (claims work, never
 * answers sync).
 */
async function hostilePeer(k: number, behaviour: Behaviour, targets: TestNode[]): Promise<Host> {
  const ip = hostileIp(k);
  const host = await createHost({ listen: [`/ip4/${ip}/tcp/0`], localAddress: ip, maxConnections: 16, maxGossipBytes: params.maxBlockSize, isBanned: () => false, agent: 'hostile/1.0' });
  // One header from genesis: less work than any tip past height 1, whatever the status claims.
  const fork = behaviour === 'liar' ? lowWorkFork(1) : [];
  let known: BlockHeader[] = [];
  const px = behaviour === 'flooder' ? await junkPeers(32, ip) : encodePeers([]);
  const best = () => (behaviour === 'liar' ? headerHash(fork[fork.length - 1]!) : known.length > 0 ? headerHash(known[known.length - 1]!) : headerHash(genesis.header));
  const claim = behaviour === 'flooder' ? 1n : HUGE_WORK;
  await host.handle(ids.status, async (ex) => {
    await ex.read(LIMITS.statusBytes, 5_000).catch(() => undefined);
    await ex.write(status(best(), 1_000_000, claim)).catch(() => undefined);
    await ex.close();
  });
  await host.handle(ids.px, async (ex) => {
    await ex.read(LIMITS.requestBytes, 5_000).catch(() => undefined);
    await ex.write(px).catch(() => undefined);
    await ex.close();
  });
  await host.handle(ids.sync, async (ex) => {
    try {
      const req = decodeSyncRequest(await ex.read(LIMITS.requestBytes, 5_000));
      if (behaviour === 'staller') return await sleep(30_000);
      if (req.type === 'headers') await ex.write(encodeHeaders((behaviour === 'liar' ? fork : known).map(encodeHeader)));
      else await ex.write(encodeRawList([]));
    } catch {
      // a hostile peer does not care how its streams end
    } finally {
      await ex.close();
    }
  });
  for (const t of targets) {
    try {
      const info = await t.api('/api/node/info');
      await host.dial(info.p2p.addrs[0], 5_000);
      const ex = await host.open(info.p2p.peerId, ids.status, 5_000);
      await ex.write(status(best(), 1_000_000, claim));
      decodeStatus(await ex.read(LIMITS.statusBytes, 5_000));
      await ex.close();
      if (behaviour === 'replayer' && known.length === 0) {
        const hx = await host.open(info.p2p.peerId, ids.sync, 5_000);
        await hx.write(encodeSyncRequest({ type: 'headers', locator: [headerHash(genesis.header)], max: LIMITS.maxHeaders }));
        known = decodeHeaders(await hx.read(1 << 20, 5_000)).map(decodeHeader);
        await hx.close();
      }
    } catch {
      // refused (per-IP limit, ban): that is the defence working
    }
  }
  return host;
}

async function startHonest(o: SimOptions, nodes: TestNode[]): Promise<void> {
  while (nodes.length < o.nodes) {
    const n = Math.min(o.batch, o.nodes - nodes.length);
    const base = nodes.length;
    const seeds = [...nodes].sort(() => Math.random() - 0.5).slice(0, 3).map((x) => x.url);
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, j) => startNode({ env: { HOST: ipOf(base + j), MAX_OUTBOUND: '4', BOOTSTRAP_NODES: seeds.join(',') }, startTimeoutMs: 120_000 })),
    );
    for (const r of results) if (r.status === 'fulfilled') nodes.push(r.value);
    // A start can time out on a loaded machine: each address gets one more try.
    for (const [j, r] of results.entries()) {
      if (r.status === 'rejected') nodes.push(await startNode({ env: { HOST: ipOf(base + j), MAX_OUTBOUND: '4', BOOTSTRAP_NODES: seeds.join(',') }, startTimeoutMs: 120_000 }));
    }
    o.print(`started ${nodes.length}/${o.nodes} nodes`);
  }
}

export async function runSim(opts: Partial<SimOptions> = {}): Promise<SimResult> {
  const o: SimOptions = { nodes: 8, hostile: 1, blocks: 10, txsPerBlock: 3, intervalMs: 500, batch: 2, print: () => undefined, ...opts };
  const t0 = Date.now();
  const nodes: TestNode[] = [];
  const hosts: Host[] = [];
  try {
    await startHonest(o, nodes);
    await waitFor(async () => (await Promise.all(nodes.map(async (n) => (await n.api('/api/network/status')).peers.total as number))).every((c) => c >= Math.min(2, o.nodes - 1)), 120_000, 'connectivity');
    const wallet = newWallet();
    const sink = newWallet();
    await nodes[0]!.api('/api/mining/generate', { body: { count: 2, address: wallet.addr } });
    await waitFor(async () => (await Promise.all(nodes.map(async (n) => (await n.api('/api/node/info')).height as number))).every((h) => h >= 2), 60_000, 'funding converged');
    for (let k = 0; k < o.hostile; k++) {
      const targets = [...nodes].sort(() => Math.random() - 0.5).slice(0, Math.min(4, nodes.length));
      hosts.push(await hostilePeer(k, BEHAVIOURS[k % BEHAVIOURS.length]!, targets));
    }
    const startupMs = Date.now() - t0;
    o.print(`network up in ${startupMs} ms: ${o.nodes} honest nodes, ${o.hostile} hostile peers`);

    const seen = new Map<string, Map<number, number>>();
    const stop = watchBlocks(nodes, (i, _h, id) => {
      let m = seen.get(id);
      if (!m) seen.set(id, (m = new Map()));
      if (!m.has(i)) m.set(i, performance.now());
    });
    const converge: number[] = [];
    const perNode: number[] = [];
    const txIds: string[] = [];
    let converged = 0;
    for (let b = 0; b < o.blocks; b++) {
      // One entry node keeps the wallet's nonces in order; relay spreads the transactions.
      const entry = nodes[0]!;
      for (let t = 0; t < o.txsPerBlock; t++) {
        const r = await entry.request('/api/transactions', { body: transferHex(wallet, sink, 1_000n) });
        if (r.status < 300) txIds.push(r.body.id);
      }
      await sleep(o.intervalMs);
      const mi = Math.floor(Math.random() * nodes.length);
      const { blocks } = await nodes[mi]!.api('/api/mining/generate', { body: { count: 1, address: sink.addr } });
      const id = blocks[0] as string;
      const end = Date.now() + 10_000;
      while ((seen.get(id)?.size ?? 0) < nodes.length && Date.now() < end) await sleep(5);
      const m = seen.get(id) ?? new Map<number, number>();
      const created = m.get(mi);
      if (created === undefined) continue;
      const delays = [...m.entries()].filter(([i]) => i !== mi).map(([, t]) => t - created);
      perNode.push(...delays);
      if (m.size === nodes.length) {
        converged++;
        converge.push(Math.max(0, ...delays));
      }
      o.print(`block ${b + 1}/${o.blocks}: ${m.size}/${nodes.length} nodes, slowest ${Math.round(Math.max(0, ...delays))} ms`);
    }
    stop();
    const tips = await Promise.all(nodes.map(async (n) => (await n.api('/api/node/info')).bestHash as string));
    const statuses = await Promise.all(txIds.map(async (id) => (await nodes[0]!.request(`/api/tx/${id}`)).body?.status));
    const confirmed = statuses.filter((s) => s === 'confirmed').length;
    const bans = await Promise.all(nodes.map(async (n) => (await n.api('/api/network/bans')).bans as { peerId: string }[]));
    const hostileIds = new Set(hosts.map((h) => h.peerId));
    const banned = new Set(bans.flat().filter((b) => hostileIds.has(b.peerId)).map((b) => b.peerId));
    const rss = nodes.map((n) => rssBytes(n.proc.pid!) / 2 ** 20).sort((a, b) => a - b);
    converge.sort((a, b) => a - b);
    perNode.sort((a, b) => a - b);
    const r = (x: number) => Math.round(x);
    return {
      nodes: o.nodes,
      hostile: o.hostile,
      blocks: o.blocks,
      convergedBlocks: converged,
      sameTipAtEnd: tips.every((t) => t === tips[0]),
      convergeMedianMs: r(percentile(converge, 0.5) ?? NaN),
      convergeP99Ms: r(percentile(converge, 0.99) ?? NaN),
      convergeMaxMs: r(converge[converge.length - 1] ?? NaN),
      propagationMedianMs: r(percentile(perNode, 0.5) ?? NaN),
      propagationP99Ms: r(percentile(perNode, 0.99) ?? NaN),
      rssMedianMb: r(percentile(rss, 0.5)),
      rssMaxMb: r(rss[rss.length - 1]!),
      txsSent: txIds.length,
      txsConfirmed: confirmed,
      hostileBanned: banned.size,
      startupMs,
      loadAverage: loadAverage(),
    };
  } finally {
    await Promise.all(hosts.map((h) => h.stop().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  }
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const print = (s: string) => process.stdout.write(`${s}\n`);
  runSim({ nodes: arg('nodes', 50), hostile: arg('hostile', 5), blocks: arg('blocks', 20), txsPerBlock: arg('txs', 5), intervalMs: arg('interval', 500), batch: arg('batch', 2), print }).then(
    (res) => {
      print(JSON.stringify(res, null, 2));
      print('(other helpers may have been loading this 2-core machine; see the load average)');
    },
    (e: Error) => {
      process.stderr.write(`simulation failed: ${e.stack}\n`);
      process.exitCode = 1;
    },
  );
}
