import { difficultyFromBits } from '@hackcoin/core';
import type { Chain, ConnectPhases } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import { estimateHashRate } from '../chain/hashrate.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../mining/miner.js';
import type { NetworkOverview } from '../p2p/index.js';
import type { Pool } from '../stratum/pool.js';
import type { SignatureCacheStats } from '../verify/signature-verifier.js';
import type { VerifyPoolStats } from '../verify/verify-pool.js';
import { NodeMetrics } from './metrics.js';

export interface MetricSubsystems {
  chain: Chain;
  mempool: Mempool;
  miner: Miner;
  network?: { overview(): NetworkOverview };
  pool?: Pool;
  wsClients: () => number;
  verifier?: { cacheStats(): SignatureCacheStats | undefined };
  verifyPool?: { stats(): VerifyPoolStats };
}

/** Builds the node's metrics from the subsystems' public getters and events; returns them with an unwire function. */
export function wireMetrics(s: MetricSubsystems): { metrics: NodeMetrics; unwire: () => void } {
  const { chain } = s;
  const metrics = new NodeMetrics({
    chain: () => ({
      height: chain.height,
      tipTime: chain.tip.header.time,
      sideBlocks: chain.sideBlockCount,
      difficulty: difficultyFromBits(chain.tip.header.bits),
      networkHashrate: estimateHashRate(chain) ?? 0,
      unflushedStateBytes: chain.unflushedStateBytes,
    }),
    mempool: () => ({ size: s.mempool.size, bytes: s.mempool.bytes }),
    network: () => {
      if (!s.network) return null;
      const n = s.network.overview();
      return { inbound: n.peers.inbound, outbound: n.peers.outbound, bans: n.bans, syncState: n.sync.state, bestKnownHeight: n.bestKnownHeight, traffic: n.traffic };
    },
    miner: () => {
      const m = s.miner.status();
      return { running: m.running, hashrate: m.hashrate, blocksFound: m.blocksFound };
    },
    pool: () => (s.pool ? { connections: s.pool.server.connections, hashrate: s.pool.server.hashrate(), shares: s.pool.server.shareTotals() } : null),
    wsClients: s.wsClients,
    signatureCache: () => s.verifier?.cacheStats() ?? null,
    verifyPool: () => s.verifyPool?.stats() ?? null,
  });
  const onConnected = () => metrics.blocksConnected.inc();
  const onDisconnected = () => metrics.blocksDisconnected.inc();
  const onReorg = (info: { disconnected: readonly unknown[] }) => {
    metrics.reorgs.inc();
    metrics.reorgDepth.observe(info.disconnected.length);
  };
  const onProcessed = (ms: number) => metrics.blockProcessSeconds.observe(ms / 1000);
  const onFlushed = (_entry: ChainEntry, nodes: number) => {
    metrics.stateFlushes.inc();
    metrics.stateNodesWritten.inc(nodes);
  };
  const onPhases = (_entry: ChainEntry, p: ConnectPhases) => {
    const h = metrics.blockPhaseSeconds;
    h.observe({ phase: 'signatures' }, p.signatures / 1000);
    h.observe({ phase: 'read' }, p.read / 1000);
    h.observe({ phase: 'transition' }, p.transition / 1000);
    h.observe({ phase: 'state_root' }, p.stateRoot / 1000);
    h.observe({ phase: 'assemble' }, p.assemble / 1000);
    h.observe({ phase: 'write' }, p.write / 1000);
  };
  chain.on('block:connected', onConnected);
  chain.on('block:disconnected', onDisconnected);
  chain.on('reorg', onReorg);
  chain.on('block:processed', onProcessed);
  chain.on('block:phases', onPhases);
  chain.on('state:flushed', onFlushed);
  return {
    metrics,
    unwire: () => {
      chain.off('block:connected', onConnected);
      chain.off('block:disconnected', onDisconnected);
      chain.off('reorg', onReorg);
      chain.off('block:processed', onProcessed);
      chain.off('block:phases', onPhases);
      chain.off('state:flushed', onFlushed);
    },
  };
}
