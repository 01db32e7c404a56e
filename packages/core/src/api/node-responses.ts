import { z } from './zod.js';
import { addressJson, amountJson, count, hashJson, height, isoTime, pageInfo } from './fields.js';
import { contractStatusSchema, submittedSchema } from './chain-responses.js';

/** POST /api/contracts/deploy and /execute: the contract the transaction creates or calls. */
export const contractSubmittedSchema = submittedSchema.extend({ contractAddress: addressJson });

/** POST /api/contracts/call: a read-only run against the tip. */
export const contractCallSchema = z.object({
  status: contractStatusSchema,
  gasUsed: count,
  height,
  returnValue: z.unknown().optional(),
  revertReason: z.string().optional(),
});

/** POST /api/contracts/estimate-gas */
export const gasEstimateSchema = z.object({
  status: contractStatusSchema,
  gasUsed: count,
  intrinsicGas: count,
  executionGas: count,
  suggestedGasLimit: count,
  fee: amountJson,
  contractAddress: addressJson,
  balance: amountJson,
  revertReason: z.string().optional(),
});

export const contractSummarySchema = z.object({
  address: addressJson,
  deployer: addressJson,
  height,
  txId: hashJson,
  balance: amountJson,
  /** Counted up to STORAGE_LIST_CAP: that number means at least as many. */
  storageEntries: count,
});

/** GET /api/contracts */
export const contractListSchema = z.object({ ...pageInfo, total: count, contracts: z.array(contractSummarySchema) });

/** GET /api/contracts/:address */
export const contractDetailSchema = z.object({
  address: addressJson,
  deployer: addressJson,
  height,
  txId: hashJson,
  balance: amountJson,
  /** The deployed (instrumented) code. */
  code: z.string(),
  /** Counted up to STORAGE_LIST_CAP: that number means at least as many. */
  storageCount: count,
  /** Key → JSON value: a page of entries in key byte order, after `storageAfter` when given. */
  storage: z.record(z.string(), z.unknown()),
  /**
   * The key to pass as `storageAfter` for the next page, null once the listing ends (it covers the
   * first STORAGE_LIST_CAP slots). Absent from older nodes, which listed the first `storage` slots only.
   */
  storageNext: z.string().nullable().optional(),
  events: z.array(z.object({ name: z.string(), data: z.unknown(), txId: hashJson, height })),
});

/** Miner intensity: a preset or a duty-cycle percentage per thread. */
export const intensitySchema = z.union([z.enum(['low', 'medium', 'high']), z.number()]);

/** GET /api/mining/status, and the answer of POST /api/mining/start and /stop. */
export const minerStatusSchema = z.object({
  running: z.boolean(),
  address: addressJson.nullable(),
  /** Hashing backend of the mining threads (native-shani, native-portable or js). */
  backend: z.string(),
  threads: count,
  intensity: intensitySchema,
  hashrate: z.number().nonnegative(),
  threadHashrates: z.array(z.number().nonnegative()),
  blocksFound: count,
  height,
  difficulty: z.number().nonnegative(),
  target: z.string(),
  templateAgeMs: z.number().nullable(),
  templateTxs: count,
  /** Seconds to find a block at the current rate, on average; null while idle. */
  expectedSecondsPerBlock: z.number().nullable(),
  networkHashrate: z.number().nonnegative(),
  /** Set when mining for a remote Stratum pool instead of solo. */
  pool: z.object({ url: z.string(), worker: z.string(), accepted: count, rejected: count }).nullable(),
});

/** POST /api/mining/generate (regtest): the hashes of the blocks mined. */
export const generatedSchema = z.object({ blocks: z.array(hashJson), height });

/** How the pool answered shares: accepted, or rejected as stale (21), duplicate (22), low difficulty (23) or invalid. */
export const shareCountsSchema = z.object({ accepted: count, stale: count, duplicate: count, lowDifficulty: count, invalid: count });

/**
 * A payout record: a balance sent (`blockHeight`/`blockHash` name the found block whose share the
 * balance last took), the pool's own share of a block, or a found block orphaned (`address` empty).
 */
export const poolPayoutSchema = z.object({
  blockHeight: height,
  blockHash: hashJson,
  address: z.union([addressJson, z.literal('')]),
  amount: amountJson,
  fee: amountJson,
  txid: hashJson.nullable(),
  status: z.enum(['sent', 'failed', 'orphaned']),
  error: z.string().optional(),
});

/** A block the pool found: `split` lists the 16 largest shares of its reward, `payees` counts them all. */
export const poolBlockSchema = z.object({
  height,
  hash: hashJson,
  reward: amountJson,
  worker: z.string(),
  time: isoTime,
  split: z.record(z.string(), amountJson),
  payees: count,
});

/** GET /api/pool/stats (404 when the node serves no pool). */
export const poolStatsSchema = z.object({
  port: z.number().int(),
  connections: count,
  poolAddress: addressJson,
  hashrate: z.number().nonnegative(),
  /** Difficulty of the block the pool's current job would find; null before the first job. */
  blockDifficulty: z.number().nonnegative().nullable(),
  sharesAccepted: count,
  sharesRejected: count,
  shares: shareCountsSchema,
  /** Shares in the PPLNS window the next block's reward is split over. */
  pplnsShares: count,
  /** Connections the pool closed, by reason. */
  disconnects: z.object({
    'peer-closed': count,
    'pool-stopping': count,
    idle: count,
    'not-authorised': count,
    'line-too-long': count,
    garbage: count,
    'not-reading': count,
    'rejected-shares': count,
    /** More requests other than submits than a miner makes (see docs/operations.md). */
    'request-flood': count,
    /** Closed to make room for a newcomer in a full pool: the connection longest without an accepted share. */
    evicted: count,
  }),
  /** Connections refused at the pool-wide or per-address limit. */
  refusedConnections: count,
  /** Workers with a stats row; `workers` lists only the ones with the most accepted work. */
  workerCount: count,
  workers: z.array(
    shareCountsSchema.extend({
      worker: z.string(),
      address: addressJson,
      rejected: count,
      difficulty: z.number().nonnegative(),
      hashrate: z.number().nonnegative(),
      lastShare: isoTime.nullable(),
    }),
  ),
  /** Found blocks kept, the newest 1,000 since start, that GET /api/pool/blocks pages. */
  blocksFoundCount: count,
  /** The newest 50 of them, oldest first. */
  blocksFound: z.array(poolBlockSchema),
  /** Payout records kept, the newest 10,000 since start, that GET /api/pool/payouts pages. */
  payoutCount: count,
  /** The newest 50 of them, oldest first. */
  payouts: z.array(poolPayoutSchema),
  /** What the pool owes miners: `addresses` with a balance, `owed` in all, `due` of them at or above `threshold`, paid largest first. */
  balances: z.object({ addresses: count, owed: amountJson, due: count, threshold: amountJson }),
});

/** GET /api/pool/blocks: found blocks, newest first. */
export const poolBlocksSchema = z.object({ ...pageInfo, total: count, blocks: z.array(poolBlockSchema) });

/** GET /api/pool/payouts: payout records, newest first. */
export const poolPayoutsSchema = z.object({ ...pageInfo, total: count, payouts: z.array(poolPayoutSchema) });

/** GET /api/pool/balances/:address: what the pool owes the address now; it is paid once `balance` reaches `threshold`. */
export const poolBalanceSchema = z.object({ address: addressJson, balance: amountJson, threshold: amountJson });

export const syncStateSchema = z.object({
  state: z.enum(['synced', 'syncing', 'stalled']),
  height,
  targetHeight: height,
  /** 0..1 of the way from where this sync started to the target. */
  progress: z.number().min(0).max(1),
  peer: z.string().nullable(),
});

/** GET /api/network/status */
export const networkStatusSchema = z.object({
  peerId: z.string(),
  addrs: z.array(z.string()),
  peers: z.object({ inbound: count, outbound: count, total: count }),
  sync: syncStateSchema,
  bestKnownHeight: height,
  addressBook: count,
  bans: count,
  /** How compact blocks crossed: rebuilt from the mempool, transactions requested, full-block fallbacks. */
  compact: z.object({
    received: count,
    fromPoolOnly: count,
    roundTrips: count,
    txsFromPool: count,
    txsRequested: count,
    fullFallbacks: count,
    forwardedEarly: count,
  }),
  /** Bytes in and out per protocol and gossip topic since start. */
  traffic: z.array(z.object({ protocol: z.string(), bytesIn: count, bytesOut: count })),
  height,
  bestHash: hashJson,
  /** Null until the chain has enough blocks to estimate from. */
  hashRate: z.number().nonnegative().nullable(),
  difficulty: z.number().nonnegative(),
  lastBlockAgeSeconds: count,
});

/** One row of GET /api/network/peers */
export const peerSummarySchema = z.object({
  id: z.string(),
  address: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  latencyMs: z.number().nullable(),
  bestHeight: height.nullable(),
  bestHash: hashJson.nullable(),
  agent: z.string().nullable(),
  connectedSince: isoTime,
  bytesIn: count,
  bytesOut: count,
  banScore: z.number(),
  /** Gossipsub's score for the peer (negative: gossip from or to it is cut back). */
  gossipScore: z.number().optional(),
  /** Whether the peer is in our gossipsub mesh for the blocks topic. */
  inBlockMesh: z.boolean().optional(),
});
export const peersSchema = z.object({ count, peers: z.array(peerSummarySchema) });

export const banEntrySchema = z.object({
  peerId: z.string(),
  address: z.string().optional(),
  reason: z.string(),
  since: isoTime,
  until: isoTime,
  /** An operator's ban refuses the address outright; a misbehaviour ban only discourages it. */
  hard: z.boolean().optional(),
});
/** GET /api/network/bans */
export const bansSchema = z.object({ count, bans: z.array(banEntrySchema) });

/** POST /api/network/connect: answers after the handshake, so the caller sees the peer's chain. */
export const connectedSchema = z.object({ connected: z.boolean(), peer: z.union([peerSummarySchema, z.object({ id: z.string() })]) });
export const disconnectedSchema = z.object({ disconnected: z.boolean(), banned: z.boolean() });
export const unbannedSchema = z.object({ unbanned: z.boolean() });

const tipRef = z.object({ height, hash: hashJson });
/** POST /api/blockchain/sync */
export const syncedSchema = z.object({
  peersAsked: count,
  bestPeer: z.object({ id: z.string(), height, chainWork: z.string() }).nullable(),
  before: tipRef,
  after: tipRef,
  blocksAdded: count,
  reorganized: z.boolean(),
  timedOut: z.boolean(),
  sync: syncStateSchema,
});
