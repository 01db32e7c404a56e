/**
 * JSON shapes the node's API serves and the web app reads, defined once.
 * Type-only: nothing here runs.
 */

/** Miner intensity: a preset or a duty-cycle percentage per thread. */
export type Intensity = 'low' | 'medium' | 'high' | number;

/** GET /api/mining/status */
export interface MinerStatus {
  running: boolean;
  address: string | null;
  /** Hashing backend of the mining threads (native-shani, native-portable or js). */
  backend: string;
  threads: number;
  intensity: Intensity;
  hashrate: number;
  threadHashrates: number[];
  blocksFound: number;
  height: number;
  difficulty: number;
  target: string;
  templateAgeMs: number | null;
  templateTxs: number;
  /** Seconds to find a block at the current rate, on average; null while idle. */
  expectedSecondsPerBlock: number | null;
  networkHashrate: number;
  /** Set when mining for a remote Stratum pool instead of solo. */
  pool: { url: string; worker: string; accepted: number; rejected: number } | null;
}

/** One row of GET /api/network/peers */
export interface PeerSummary {
  id: string;
  address: string;
  direction: 'inbound' | 'outbound';
  latencyMs: number | null;
  bestHeight: number | null;
  bestHash: string | null;
  agent: string | null;
  connectedSince: string;
  bytesIn: number;
  bytesOut: number;
  banScore: number;
  /** Gossipsub's score for the peer (negative: gossip from or to it is cut back). */
  gossipScore?: number;
  /** Whether the peer is in our gossipsub mesh for the blocks topic. */
  inBlockMesh?: boolean;
}
