/**
 * JSON shapes of the node API, inferred from core's zod schemas (packages/core/src/api), the same
 * ones the node is tested against and `api()` checks every answer with. Amounts are decimal strings
 * of base units.
 */
export type {
  AddressInfoJson,
  AddressTx,
  BanEntry,
  BansJson,
  BlockDetail,
  BlocksPage,
  BlockSummary as BlockHeader,
  Connected,
  ContractCallResult,
  ContractDetail,
  ContractList,
  ContractSubmitted,
  ContractSummary,
  GasEstimate,
  Generated,
  ContractReceipt,
  Intensity,
  InternalTransfer,
  MempoolInfo,
  MempoolTx,
  MinerStatus as MiningStatus,
  NetworkStatus,
  NodeInfo,
  PeerSummary,
  PeersJson,
  PoolStats,
  SearchResult,
  ShareCounts,
  Submitted,
  SyncState,
  TxDetail,
  TxJson,
} from '@hackcoin/core';
