import type { BlockSummary, NodeInfo, TxJson } from '@hackcoin/core';

/** A complete GET /api/node/info answer (api() checks answers against core's schema), with overrides. */
export function nodeInfo(overrides: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name: 'hackcoin',
    version: '0.1.0',
    network: 'regtest',
    chainId: 3,
    genesis: '00'.repeat(32),
    height: 1,
    bestHash: '11'.repeat(32),
    chainWork: '2',
    difficulty: 1,
    mempool: { size: 0, bytes: 0 },
    mining: false,
    pool: false,
    p2p: null,
    ...overrides,
  };
}

/** A block summary as the node pushes it on the `blocks` topic (checked against core's /ws schema). */
export function blockSummary(height: number): BlockSummary {
  return {
    hash: height.toString(16).padStart(64, '0'),
    height,
    version: 1,
    previousHash: '00'.repeat(32),
    merkleRoot: '22'.repeat(32),
    time: 1_700_000_000 + height,
    bits: '0x207fffff',
    nonce: 0,
    difficulty: 1,
    chainWork: '2',
    stateRoot: '33'.repeat(32),
    confirmations: 1,
    rawHeader: '44'.repeat(8),
    txCount: 1,
  };
}

/** A coinbase transaction as pushed on an address topic. */
export function coinbaseTx(to: string): TxJson {
  return { id: '55'.repeat(32), type: 'coinbase', size: 100, chainId: 3, to, amount: '5000000000', height: 1, stateRoot: '33'.repeat(32), extra: '' };
}
