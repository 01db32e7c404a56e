import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read at scrape time; each subsystem's own public getters, wired by the composition root. */
export interface MetricReaders {
  chain(): { height: number; tipTime: number; sideBlocks: number; difficulty: number; networkHashrate: number; unflushedStateBytes: number };
  mempool(): { size: number; bytes: number };
  /** Null when P2P is off. */
  network(): {
    inbound: number;
    outbound: number;
    bans: number;
    syncState: string;
    bestKnownHeight: number;
    traffic: { protocol: string; bytesIn: number; bytesOut: number }[];
  } | null;
  miner(): { running: boolean; hashrate: number; blocksFound: number };
  /** Null when the node serves no pool. */
  pool(): { connections: number; hashrate: number; shares: Readonly<Record<string, number>> } | null;
  wsClients(): number;
  /** Null when the node keeps no signature cache. */
  signatureCache(): { entries: number; maxEntries: number; evictions: number; blockHits: number; blockMisses: number } | null;
  /** Null without a verify pool (VERIFY_THREADS=0). */
  verifyPool(): { jobs: ThreadCounts; signatures: ThreadCounts; posts: number } | null;
}

/** Work done on the verify workers and on the main thread. */
export interface ThreadCounts {
  workers: number;
  main: number;
}

export const SYNC_STATES = ['synced', 'syncing', 'stalled', 'offline'] as const;

/**
 * The node's Prometheus metrics. Counters and histograms are fed by events;
 * gauges are read from the subsystems when Prometheus scrapes, so nothing
 * here holds state a stranger can grow (every label set is fixed or a route
 * pattern, never a raw URL or peer id).
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly blocksConnected: Counter;
  readonly blocksDisconnected: Counter;
  readonly reorgs: Counter;
  readonly reorgDepth: Histogram;
  readonly blockProcessSeconds: Histogram;
  readonly blockPhaseSeconds: Histogram<'phase'>;
  readonly stateFlushes: Counter;
  readonly stateNodesWritten: Counter;
  readonly apiSeconds: Histogram<'method' | 'route' | 'status'>;

  constructor(readers: MetricReaders, prefix = 'hackcoin_') {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix });
    // prom-client's gauges named *_total break the exposition conventions promtool checks;
    // their per-type siblings (nodejs_active_handles etc.) carry the same counts.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`${prefix}${name}`);
    }
    this.blocksConnected = new Counter({ name: `${prefix}blocks_connected_total`, help: 'Blocks connected to the main chain', registers });
    this.blocksDisconnected = new Counter({ name: `${prefix}blocks_disconnected_total`, help: 'Blocks disconnected by reorganisations', registers });
    this.reorgs = new Counter({ name: `${prefix}chain_reorgs_total`, help: 'Chain reorganisations', registers });
    this.reorgDepth = new Histogram({ name: `${prefix}chain_reorg_depth_blocks`, help: 'Blocks disconnected per reorganisation', buckets: [1, 2, 3, 6, 12, 100], registers });
    this.blockProcessSeconds = new Histogram({
      name: `${prefix}block_connect_seconds`,
      help: 'Time to validate and connect a block (including any reorganisation it causes)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.stateFlushes = new Counter({ name: `${prefix}state_tree_flushes_total`, help: 'Writes of the state tree to LevelDB', registers });
    this.stateNodesWritten = new Counter({ name: `${prefix}state_tree_nodes_written_total`, help: 'State-tree nodes written to LevelDB by flushes', registers });
    this.blockPhaseSeconds = new Histogram({
      name: `${prefix}block_connect_phase_seconds`,
      help: 'Time a main-chain block connect spent per phase: signatures, read, transition, state_root, assemble, write',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.apiSeconds = new Histogram({
      name: `${prefix}api_request_duration_seconds`,
      help: 'HTTP API request latency by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });

    const gauge = (name: string, help: string, read: (g: Gauge) => void, labelNames: string[] = []) =>
      new Gauge({ name: `${prefix}${name}`, help, labelNames, registers, collect() { read(this); } });

    gauge('chain_height', 'Height of the best chain', (g) => g.set(readers.chain().height));
    gauge('chain_tip_age_seconds', 'Seconds since the timestamp of the best block', (g) => g.set(Math.max(0, Date.now() / 1000 - readers.chain().tipTime)));
    gauge('state_tree_unflushed_bytes', 'Bytes of state-tree nodes created since the tree was last written, held in memory', (g) => g.set(readers.chain().unflushedStateBytes));
    gauge('chain_side_blocks', 'Stored valid blocks off the best chain with no more work than its tip', (g) => g.set(readers.chain().sideBlocks));
    gauge('chain_difficulty', 'Difficulty of the best block', (g) => g.set(readers.chain().difficulty));
    gauge('network_hashrate', 'Network hash rate estimated from chain work (hashes per second)', (g) => g.set(readers.chain().networkHashrate));
    gauge('mempool_transactions', 'Transactions in the mempool', (g) => g.set(readers.mempool().size));
    gauge('mempool_bytes', 'Encoded bytes of the mempool transactions', (g) => g.set(readers.mempool().bytes));
    gauge('peers', 'Connected peers by direction', (g) => {
      const n = readers.network();
      g.set({ direction: 'inbound' }, n?.inbound ?? 0);
      g.set({ direction: 'outbound' }, n?.outbound ?? 0);
    }, ['direction']);
    gauge('peer_bans', 'Peers currently banned', (g) => g.set(readers.network()?.bans ?? 0));
    gauge('p2p_bytes', 'Peer-to-peer bytes since start, by protocol or gossip topic and direction', (g) => {
      for (const t of readers.network()?.traffic ?? []) {
        g.set({ protocol: t.protocol, direction: 'in' }, t.bytesIn);
        g.set({ protocol: t.protocol, direction: 'out' }, t.bytesOut);
      }
    }, ['protocol', 'direction']);
    gauge('sync_state', 'Block sync state (1 for the current state)', (g) => {
      const state = readers.network()?.syncState ?? 'offline';
      for (const s of SYNC_STATES) g.set({ state: s }, s === state ? 1 : 0);
    }, ['state']);
    gauge('best_known_height', 'Highest chain height announced by a peer (or ours)', (g) => g.set(readers.network()?.bestKnownHeight ?? readers.chain().height));
    gauge('miner_running', '1 while the built-in miner runs', (g) => g.set(readers.miner().running ? 1 : 0));
    gauge('miner_hashrate', 'Built-in miner hash rate (hashes per second)', (g) => g.set(readers.miner().hashrate));
    gauge('miner_blocks_found', 'Blocks found by the built-in miner since start', (g) => g.set(readers.miner().blocksFound));
    gauge('pool_connections', 'Stratum connections', (g) => g.set(readers.pool()?.connections ?? 0));
    gauge('pool_hashrate', 'Pool hash rate from accepted shares (hashes per second)', (g) => g.set(readers.pool()?.hashrate ?? 0));
    new Counter({
      name: `${prefix}pool_shares_total`,
      help: 'Stratum shares by outcome',
      labelNames: ['outcome'],
      registers,
      collect() {
        const shares = readers.pool()?.shares ?? {};
        this.reset();
        for (const [outcome, n] of Object.entries(shares)) this.inc({ outcome }, n);
      },
    });
    gauge('websocket_clients', 'Connected WebSocket clients', (g) => g.set(readers.wsClients()));

    // Totals the subsystems keep as plain numbers, read at scrape time: nothing is counted per signature.
    const counter = (name: string, help: string, read: (c: Counter) => void, labelNames: string[] = []) =>
      new Counter({ name: `${prefix}${name}`, help, labelNames, registers, collect() { this.reset(); read(this); } });
    const byThread = (c: Counter, n: ThreadCounts | undefined) => {
      c.inc({ thread: 'workers' }, n?.workers ?? 0);
      c.inc({ thread: 'main' }, n?.main ?? 0);
    };
    gauge('signature_cache_entries', 'Valid signatures held in the signature cache', (g) => g.set(readers.signatureCache()?.entries ?? 0));
    gauge('signature_cache_max_entries', 'Entries the signature cache holds at most (the oldest goes first)', (g) => g.set(readers.signatureCache()?.maxEntries ?? 0));
    counter('signature_cache_lookups_total', "Blocks' transfers whose signature the cache answered (hit) or that were checked (miss)", (c) => {
      const s = readers.signatureCache();
      c.inc({ result: 'hit' }, s?.blockHits ?? 0);
      c.inc({ result: 'miss' }, s?.blockMisses ?? 0);
    }, ['result']);
    counter('signature_cache_evictions_total', 'Signature cache entries dropped to make room (not those a block spent)', (c) => c.inc(readers.signatureCache()?.evictions ?? 0));
    counter('verify_pool_jobs_total', 'Signature check jobs sent to the verify workers, or checked wholly on the main thread (no worker ready)', (c) => byThread(c, readers.verifyPool()?.jobs), ['thread']);
    counter('verify_pool_signatures_total', "Signatures of the verify pool's jobs by the thread that checked them (main: no worker ready, or helping)", (c) => byThread(c, readers.verifyPool()?.signatures), ['thread']);
    counter('verify_pool_posts_total', 'Messages posted to the verify workers (a job goes to as many as it has chunks)', (c) => c.inc(readers.verifyPool()?.posts ?? 0));
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
