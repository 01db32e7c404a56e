import type { ConsensusParams, SignatureBackend } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Miner } from '../mining/miner.js';
import type { Logger } from '../util/logger.js';
import type { NetworkControl } from '../p2p/index.js';
import type { Pool } from '../stratum/pool.js';
import type { RealtimeHub } from './realtime.js';

/** What the HTTP routes may use; the composition root builds it. */
export interface ApiContext {
  chain: Chain;
  mempool: Mempool;
  miner: Miner;
  params: ConsensusParams;
  backend: SignatureBackend;
  log: Logger;
  hub: RealtimeHub;
  token: string;
  version: string;
  defaultMiningAddress?: Uint8Array;
  /** Mempool relay floor in base units per byte; fee estimates never go below it. */
  minFeeRate: bigint;
  /** Absent when P2P is disabled; network routes then answer 503. */
  network?: NetworkControl;
  /** Present when the node serves a Stratum pool. */
  pool?: Pool;
}
