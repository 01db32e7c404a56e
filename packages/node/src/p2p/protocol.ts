import type { NetworkName } from '@hackcoin/core';

/**
 * Every protocol id and topic carries the network and a version, so a
 * regtest node and a mainnet node cannot even negotiate a stream, and a
 * future wire change can run side by side with the old one.
 */
export interface ProtocolIds {
  status: string;
  sync: string;
  px: string;
  blocks: string;
  txs: string;
  /** Compact block relay (BIP152): getblocktxn requests, and the gossip topic carrying compact blocks. */
  cmpct: string;
  cmpctBlocks: string;
}

export function protocolIds(network: NetworkName): ProtocolIds {
  return {
    status: `/hackcoin/${network}/status/1.0.0`,
    sync: `/hackcoin/${network}/sync/1.0.0`,
    px: `/hackcoin/${network}/px/1.0.0`,
    blocks: `/hackcoin/${network}/blocks/1`,
    txs: `/hackcoin/${network}/txs/2`,
    cmpct: `/hackcoin/${network}/cmpct/1.0.0`,
    cmpctBlocks: `/hackcoin/${network}/cmpctblocks/1`,
  };
}

/** Wire limits and timeouts; every read on every stream is bounded by both. */
export const LIMITS = {
  statusBytes: 8 * 1024,
  requestBytes: 64 * 1024,
  pxBytes: 64 * 1024,
  maxHeaders: 2_000,
  maxLocator: 64,
  maxBlocksPerRequest: 32,
  /** A blocks response stops growing past this; the requester asks again for the rest. */
  blocksResponseSoftBytes: 8 * 1024 * 1024,
  /** Sync answers built and not yet read, all peers together, past which a blocks answer carries one block. */
  sendBudgetBytes: 64 * 1024 * 1024,
  maxPxPeers: 32,
  /** Ids in a mempool answer: the best-paying this many. */
  maxMempoolIds: 5_000,
  maxTxsPerRequest: 256,
  txsResponseBytes: 2 * 1024 * 1024,
  /** Transactions in one gossip message (a batch); the message as a whole is bounded by the gossip size limit. */
  maxTxsPerGossip: 256,
  /** A node's own batch is sent at this size or after txBatchMs, whichever comes first. */
  txBatchBytes: 128 * 1024,
  txBatchMs: 100,
  maxListenAddrs: 8,
  /** Requests served to one peer in 10 s before it counts as flooding. */
  floodRequests: 200,
  handshakeMs: 10_000,
  requestMs: 5_000,
  headersMs: 8_000,
  blocksMs: 20_000,
} as const;

/** Hard cap for a blocks response: the soft cap plus one maximum-size block. */
export function blocksResponseMax(maxBlockSize: number): number {
  return LIMITS.blocksResponseSoftBytes + maxBlockSize + 1024;
}
