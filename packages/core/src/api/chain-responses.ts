import { z } from './zod.js';
import { addressJson, amountJson, count, hashJson, height, hexJson, pageInfo, unixSeconds, workJson } from './fields.js';

/** GET /api/node/info */
export const nodeInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  network: z.enum(['main', 'test', 'regtest']),
  chainId: z.number().int().nonnegative(),
  genesis: hashJson,
  height,
  bestHash: hashJson,
  chainWork: workJson,
  difficulty: z.number().nonnegative(),
  mempool: z.object({ size: count, bytes: count }),
  mining: z.boolean(),
  /** Whether this node serves a Stratum pool (GET /api/pool/stats answers). */
  pool: z.boolean(),
  /** Null when the node runs without peer-to-peer networking (the /api/network routes then answer 503). */
  p2p: z.object({ peerId: z.string(), addrs: z.array(z.string()) }).nullable(),
});

/** A block header as the explorer shows it. */
export const headerSchema = z.object({
  hash: hashJson,
  height,
  version: z.number().int(),
  previousHash: hashJson,
  merkleRoot: hashJson,
  time: unixSeconds.int(),
  /** Compact target, `0x` and 8 hex digits. */
  bits: z.string().regex(/^0x[0-9a-f]{8}$/),
  nonce: z.number().int().nonnegative(),
  difficulty: z.number().nonnegative(),
  chainWork: workJson,
  stateRoot: hexJson,
  /** Null for a block off the main chain. */
  confirmations: z.number().int().nullable(),
  rawHeader: hexJson,
});

/** A transaction. Coinbases carry height, stateRoot and extra; transfers the sender's fields. */
export const txSchema = z.object({
  id: hashJson,
  type: z.enum(['coinbase', 'transfer']),
  size: count,
  chainId: z.number().int().nonnegative(),
  to: addressJson,
  amount: amountJson,
  from: addressJson.optional(),
  nonce: amountJson.optional(),
  fee: amountJson.optional(),
  data: hexJson.optional(),
  publicKey: hexJson.optional(),
  signature: hexJson.optional(),
  height: height.optional(),
  stateRoot: hexJson.optional(),
  extra: hexJson.optional(),
});

export const blockSummarySchema = headerSchema.extend({ txCount: count });

/** GET /api/blocks */
export const blocksPageSchema = z.object({ ...pageInfo, total: count, blocks: z.array(blockSummarySchema) });

/** Fee rates, base units per byte, of a block's plain transfers (contract calls pay per gas). */
const feeRateSpread = z.object({ min: z.number().nonnegative(), median: z.number().nonnegative(), max: z.number().nonnegative() });

/** What a block weighed and paid, as mempool.space and Etherscan head a block with. */
export const blockStatsSchema = z.object({
  /** Bytes of the block as peers exchange it, header included. */
  size: count,
  /** The coinbase's recipient. */
  miner: addressJson,
  /** What the coinbase claims: at most subsidy plus fees (a miner may claim less). */
  reward: amountJson,
  subsidy: amountJson,
  /**
   * What the block's transactions paid: transfers their fee, contract transactions gas used × gas
   * price from their receipts. Null for a block off the main chain with contract transactions
   * (receipts are kept for main-chain blocks only).
   */
  fees: amountJson.nullable(),
  /** Gas the block's contract transactions were charged; null when `fees` is. */
  gasUsed: count.nullable(),
  /** Null when the block has no plain transfer. */
  feeRate: feeRateSpread.nullable(),
});

/** GET /api/blocks/:id */
export const blockDetailSchema = blockSummarySchema.extend({ nextHash: hashJson.nullable(), stats: blockStatsSchema, transactions: z.array(txSchema) });

/** GET /api/blockchain/full: the newest blocks within a count and a byte budget. */
export const fullChainSchema = z.object({
  length: count,
  truncated: z.boolean(),
  from: height,
  maxBlocks: count,
  maxBytes: count,
  chain: z.array(blockDetailSchema),
});

/** Coins a contract paid out (Etherscan's internal transactions). */
export const internalTransferSchema = z.object({ from: addressJson, to: addressJson, amount: amountJson });

export const contractStatusSchema = z.enum(['success', 'reverted', 'out-of-gas']);

/** The receipt of a mined contract transaction. */
export const receiptSchema = z.object({
  status: contractStatusSchema,
  /** Total gas charged (intrinsic included); fee = gasUsed × gasPrice. */
  gasUsed: count,
  gasPrice: amountJson,
  fee: amountJson,
  contractAddress: addressJson,
  returnValue: z.unknown().optional(),
  revertReason: z.string().optional(),
  events: z.array(z.object({ name: z.string(), data: z.unknown() })),
  transfers: z.array(internalTransferSchema).optional(),
});

/** GET /api/tx/:id */
export const txDetailSchema = txSchema.extend({
  status: z.enum(['pending', 'confirmed']),
  confirmations: count,
  blockHash: hashJson.nullable(),
  blockHeight: height.nullable(),
  index: count.optional(),
  receipt: receiptSchema.optional(),
});

/** GET /api/mempool */
export const mempoolSchema = z.object({
  size: count,
  bytes: count,
  /** Units per byte a new transaction must pay now: the node's minimum, or more while the pool has lately been full. */
  minFeeRate: z.number().nonnegative(),
  ...pageInfo,
  /** The page was cut short by its byte bound (256 KiB): ask for a smaller `limit` to see the rows past it. */
  truncated: z.boolean().optional(),
  transactions: z.array(txSchema.extend({ feeRate: z.number().nonnegative(), time: z.number().nonnegative() })),
});

export const addressTxSchema = txSchema.extend({
  direction: z.enum(['in', 'out', 'self']),
  confirmations: count,
  /** Contract payouts in this transaction, and the part of them this address received. */
  internal: z.array(internalTransferSchema).optional(),
  internalReceived: amountJson.optional(),
  blockHeight: height.optional(),
  blockHash: hashJson.optional(),
});

/**
 * The `before` cursor of the next older page of confirmed history, null when there is none (or, on
 * /history, while pending entries continue past this page: page on by number until one appears).
 * Absent from nodes older than the cursor, so clients fall back to page numbers.
 */
const historyNext = z.string().regex(/^\d{1,10}:\d{1,10}$/, 'must be a history cursor').nullable().optional();

/** GET /api/address/:address */
export const addressInfoSchema = z.object({
  address: addressJson,
  balance: amountJson,
  pendingBalance: z.string().regex(/^-?\d{1,21}$/),
  nonce: amountJson,
  nextNonce: amountJson,
  /** The tip height `balance` and `nonce` were read at, in the same step (absent from older nodes). */
  height: height.optional(),
  /**
   * The address's own pending sends, all of them (they show why `nextNonce` is past `nonce`), and the
   * newest pending payments to it, up to `limit` entries and a byte budget in all. Newest first.
   */
  pending: z.array(addressTxSchema),
  /** Pending transactions sent by or paying the address, listed or not (absent from older nodes). */
  pendingCount: count.optional(),
  /** What all pending payments to the address add, listed or not (absent from older nodes). */
  pendingIncoming: amountJson.optional(),
  ...pageInfo,
  history: z.array(addressTxSchema),
  /**
   * The byte budget cut `history` short of `limit`: continue with `before=<next>` (a page number
   * would skip the rows left out). Absent from older nodes.
   */
  truncated: z.boolean().optional(),
  next: historyNext,
});

/** GET /api/address/:address/history: the wallet's view, pending first. */
export const historyEntrySchema = z.object({
  id: hashJson,
  status: z.enum(['pending', 'confirmed']),
  type: z.enum(['coinbase', 'transfer', 'contract']),
  direction: z.enum(['in', 'out', 'self']),
  counterparty: addressJson.nullable(),
  nonce: amountJson.nullable(),
  fee: amountJson,
  amount: amountJson,
  internal: z.array(internalTransferSchema).optional(),
  internalReceived: amountJson.optional(),
  blockHeight: height.nullable(),
  blockHash: hashJson.nullable(),
  confirmations: count,
  time: unixSeconds,
});
export const historySchema = z.object({
  address: addressJson,
  ...pageInfo,
  pendingCount: count,
  hasMore: z.boolean(),
  entries: z.array(historyEntrySchema),
  next: historyNext,
});

/** GET /api/search/:id: always 200, so a search box never provokes a 404. */
export const searchSchema = z.object({ id: hashJson, type: z.enum(['block', 'tx']).nullable() });

/** POST /api/transactions */
export const submittedSchema = z.object({ id: hashJson, accepted: z.literal(true) });

/** GET /api/fees/estimate: per-byte rates for transfers, gas prices for contract transactions. */
const presets = { slow: amountJson, normal: amountJson, fast: amountJson };
export const feeEstimateSchema = z.object({
  unit: z.string(),
  ...presets,
  minFeeRate: amountJson,
  gasPrice: z.object(presets),
  basis: z.object({ blocks: count, samples: count, contractSamples: count, mempoolTxs: count, mempoolBytes: count }),
});

/** GET /api/health (503 with the same body while not synced). */
export const healthSchema = z.object({
  status: z.enum(['ok', 'syncing', 'stalled', 'halted']),
  synced: z.boolean(),
  reason: z.string().nullable(),
  height,
  bestKnownHeight: height,
  tipAgeSeconds: count,
  peers: count.nullable(),
});

/** An account as committed in the state tree. */
const committedAccountSchema = z.object({ balance: amountJson, nonce: amountJson, codeHash: hexJson, storageRoot: hexJson });

/** GET /api/proof/account/:address */
export const accountProofSchema = z.object({
  block: hashJson,
  height,
  address: addressJson,
  account: committedAccountSchema,
  size: count,
  proof: hexJson,
});

/** GET /api/proof/storage/:contract/:key */
export const storageProofSchema = z.object({
  block: hashJson,
  height,
  contract: addressJson,
  key: z.string(),
  value: z.string().nullable(),
  account: committedAccountSchema,
  size: count,
  proof: hexJson,
});

/** GET /api/headers (format=hex; format=binary answers raw 80-byte headers instead). */
export const headersSchema = z.object({
  from: height,
  count,
  tipHeight: height,
  tipHash: hashJson,
  chainWork: workJson,
  headers: z.array(z.string().regex(/^[0-9a-f]{160}$/)),
});
