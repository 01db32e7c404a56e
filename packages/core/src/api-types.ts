import type { z } from 'zod';
import type * as c from './api/chain-responses.js';
import type * as n from './api/node-responses.js';
import type * as r from './api/realtime-messages.js';

/**
 * Types of the node API's JSON answers, inferred from the zod schemas in api/ that the node is
 * tested against and the web app and CLI check answers with: a change of shape fails both type checks.
 */

export type NodeInfo = z.output<typeof c.nodeInfoSchema>;
export type BlockHeaderJson = z.output<typeof c.headerSchema>;
export type BlockSummary = z.output<typeof c.blockSummarySchema>;
export type BlocksPage = z.output<typeof c.blocksPageSchema>;
export type BlockDetail = z.output<typeof c.blockDetailSchema>;
export type BlockStats = z.output<typeof c.blockStatsSchema>;
export type FullChain = z.output<typeof c.fullChainSchema>;
export type TxJson = z.output<typeof c.txSchema>;
export type InternalTransfer = z.output<typeof c.internalTransferSchema>;
export type ContractReceipt = z.output<typeof c.receiptSchema>;
export type TxDetail = z.output<typeof c.txDetailSchema>;
export type MempoolInfo = z.output<typeof c.mempoolSchema>;
export type MempoolTx = MempoolInfo['transactions'][number];
export type AddressTx = z.output<typeof c.addressTxSchema>;
export type AddressInfoJson = z.output<typeof c.addressInfoSchema>;
export type HistoryEntry = z.output<typeof c.historyEntrySchema>;
export type AddressHistory = z.output<typeof c.historySchema>;
export type SearchResult = z.output<typeof c.searchSchema>;
export type Submitted = z.output<typeof c.submittedSchema>;
export type HealthJson = z.output<typeof c.healthSchema>;
export type AccountProofJson = z.output<typeof c.accountProofSchema>;
export type StorageProofJson = z.output<typeof c.storageProofSchema>;
export type HeadersJson = z.output<typeof c.headersSchema>;

export type ContractSubmitted = z.output<typeof n.contractSubmittedSchema>;
export type ContractCallResult = z.output<typeof n.contractCallSchema>;
export type GasEstimate = z.output<typeof n.gasEstimateSchema>;
export type ContractSummary = z.output<typeof n.contractSummarySchema>;
export type ContractList = z.output<typeof n.contractListSchema>;
export type ContractDetail = z.output<typeof n.contractDetailSchema>;
/** Miner intensity: a preset or a duty-cycle percentage per thread. */
export type Intensity = z.output<typeof n.intensitySchema>;
export type MinerStatus = z.output<typeof n.minerStatusSchema>;
export type Generated = z.output<typeof n.generatedSchema>;
export type ShareCounts = z.output<typeof n.shareCountsSchema>;
export type PoolStats = z.output<typeof n.poolStatsSchema>;
export type SyncState = z.output<typeof n.syncStateSchema>;
export type NetworkStatus = z.output<typeof n.networkStatusSchema>;
export type PeerSummary = z.output<typeof n.peerSummarySchema>;
export type PeersJson = z.output<typeof n.peersSchema>;
export type BanEntry = z.output<typeof n.banEntrySchema>;
export type BansJson = z.output<typeof n.bansSchema>;
export type Connected = z.output<typeof n.connectedSchema>;
export type SyncedJson = z.output<typeof n.syncedSchema>;

/** A push on the /ws WebSocket, with the topic it was published on; `topic` is left to the hub. */
export type RealtimePush = z.output<typeof r.realtimePushSchema>;
export type RealtimeReply = z.output<typeof r.realtimeReplySchema>;
