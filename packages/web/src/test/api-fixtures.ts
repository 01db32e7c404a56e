import type { NodeInfo } from '../lib/types';

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
