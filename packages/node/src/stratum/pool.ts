import type { ConsensusParams } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import type { Database } from '../store/db.js';
import { loadOrCreatePoolKey } from './pool-key.js';
import { PoolPayouts } from './payouts.js';
import { StratumServer } from './server.js';
import { PplnsStore } from './pplns-store.js';

export interface PoolOptions {
  chain: Chain;
  mempool: Mempool;
  params: ConsensusParams;
  log: Logger;
  dataDir: string;
  host: string;
  port: number;
  difficulty: number;
  /** Seconds between one miner's shares that vardiff aims at. */
  shareIntervalSeconds?: number;
  maxConnectionsPerIp?: number;
  maxConnections?: number;
  payoutConfirmations: number;
  minFeeRate: bigint;
  db: Database;
}

/** The Stratum pool with its accounting and payouts, as one service for the composition root. */
export class Pool {
  readonly server: StratumServer;
  readonly payouts: PoolPayouts;
  port = 0;

  constructor(o: PoolOptions) {
    const { key, address } = loadOrCreatePoolKey(o.dataDir);
    this.server = new StratumServer({
      chain: o.chain,
      mempool: o.mempool,
      params: o.params,
      log: o.log,
      host: o.host,
      port: o.port,
      poolAddress: address,
      initialDifficulty: o.difficulty,
      shareIntervalSeconds: o.shareIntervalSeconds,
      maxConnectionsPerIp: o.maxConnectionsPerIp,
      maxConnections: o.maxConnections,
      windowStore: new PplnsStore(o.db),
    });
    this.payouts = new PoolPayouts(
      { chain: o.chain, mempool: o.mempool, params: o.params, log: o.log, key, address, confirmations: o.payoutConfirmations, minFeeRate: o.minFeeRate, db: o.db },
      this.server,
    );
  }

  async start(): Promise<void> {
    await this.payouts.load();
    this.port = await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.payouts.stop();
  }

  stats(): Record<string, unknown> {
    return { port: this.port, ...this.server.stats(), payouts: this.payouts.payouts };
  }
}
