/** JSON shapes of the node API (docs/api.md). Amounts are decimal strings of base units. */
import type { Intensity, MinerStatus, PeerSummary } from '@hackcoin/core';

export type { Intensity, PeerSummary };
export type MiningStatus = MinerStatus;

export interface NodeInfo {
  name: string;
  version: string;
  network: 'main' | 'test' | 'regtest';
  chainId: number;
  genesis: string;
  height: number;
  bestHash: string;
  chainWork: string;
  difficulty: number;
  mempool: { size: number; bytes: number };
  mining: boolean;
  /** Whether this node serves a Stratum pool (GET /api/pool/stats answers). */
  pool?: boolean;
  /** Null when the node runs without peer-to-peer networking (the /api/network routes then answer 503). */
  p2p?: { peerId: string; addrs: string[] } | null;
}

export interface BlockHeader {
  hash: string;
  height: number;
  version: number;
  previousHash: string;
  merkleRoot: string;
  time: number;
  bits: string;
  nonce: number;
  difficulty: number;
  chainWork: string;
  stateRoot: string;
  confirmations: number | null;
  rawHeader: string;
  txCount: number;
}

export interface TxJson {
  id: string;
  type: 'coinbase' | 'transfer';
  size: number;
  chainId: number;
  to: string;
  amount: string;
  from?: string;
  nonce?: string;
  fee?: string;
  data?: string;
  publicKey?: string;
  signature?: string;
  height?: number;
  stateRoot?: string;
  extra?: string;
}

export interface BlockDetail extends BlockHeader {
  nextHash: string | null;
  transactions: TxJson[];
}

export interface BlocksPage {
  page: number;
  limit: number;
  total: number;
  blocks: BlockHeader[];
}

export interface ContractReceipt {
  status: 'success' | 'reverted' | 'out-of-gas';
  /** Total gas charged (intrinsic included); fee = gasUsed × gasPrice. */
  gasUsed: number;
  gasPrice?: string;
  fee?: string;
  contractAddress?: string;
  returnValue?: unknown;
  revertReason?: string;
  events?: { name: string; data: unknown }[];
  /** Coins the contract paid out in this transaction (Etherscan's internal transactions). */
  transfers?: InternalTransfer[];
}

export interface InternalTransfer {
  from: string;
  to: string;
  /** Base units. */
  amount: string;
}

export interface TxDetail extends TxJson {
  status: 'pending' | 'confirmed';
  confirmations: number;
  blockHash: string | null;
  blockHeight: number | null;
  index?: number;
  receipt?: ContractReceipt;
}

export interface MempoolTx extends TxJson {
  feeRate: number;
  time: number;
}

export interface MempoolInfo {
  size: number;
  bytes: number;
  transactions: MempoolTx[];
}

export interface AddressTx extends TxJson {
  direction: 'in' | 'out';
  confirmations: number;
  /** Contract payouts in this transaction, and the part of them this address received (base units). */
  internal?: InternalTransfer[];
  internalReceived?: string;
  blockHeight?: number;
  blockHash?: string;
}

export interface AddressInfoJson {
  address: string;
  balance: string;
  pendingBalance: string;
  nonce: string;
  nextNonce: string;
  pending: AddressTx[];
  page: number;
  limit: number;
  history: AddressTx[];
}


/** GET /api/pool/stats (404 when the node serves no pool). */
/** How the pool answered shares: accepted, or rejected as stale (21), duplicate (22), low difficulty (23) or invalid. */
export interface ShareCounts {
  accepted: number;
  stale: number;
  duplicate: number;
  lowDifficulty: number;
  invalid: number;
}

export interface PoolStats {
  port: number;
  connections: number;
  poolAddress: string;
  hashrate: number;
  sharesAccepted: number;
  sharesRejected: number;
  /** Pool-wide share outcomes. */
  shares: ShareCounts;
  workers: (ShareCounts & { worker: string; address: string; rejected: number; difficulty: number; hashrate: number; lastShare: string | null })[];
  blocksFound: { height: number; hash: string; reward: string; worker: string; time: string; split: Record<string, string> }[];
  payouts: { blockHeight: number; blockHash: string; address: string; amount: string; fee: string; txid: string | null; status: 'sent' | 'failed' | 'orphaned' }[];
}

/** Issue 3's shapes (GET /api/network/*). */
export interface SyncState {
  state: 'synced' | 'syncing' | 'stalled';
  height: number;
  targetHeight: number;
  progress: number;
  peer: string | null;
}

export interface NetworkStatus {
  peerId: string;
  addrs: string[];
  peers: { inbound: number; outbound: number; total: number };
  sync: SyncState;
  height: number;
  bestHash: string;
  bestKnownHeight: number;
  hashRate: number;
  difficulty: number;
  lastBlockAgeSeconds: number;
  addressBook?: number;
  bans?: number;
}

export interface BanEntry {
  peerId: string;
  address?: string;
  reason: string;
  since: string;
  until: string;
}
