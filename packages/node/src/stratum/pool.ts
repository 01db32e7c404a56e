import type { ConsensusParams } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import type { Database } from '../store/db.js';
import { loadOrCreatePoolKey } from './pool-key.js';
import { DEFAULT_PAYOUT_THRESHOLD, PoolPayouts, type Payout } from './payouts.js';
import { StratumServer, type FoundBlock } from './server.js';
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
  /** Base units a miner's balance must reach to be paid (default DEFAULT_PAYOUT_THRESHOLD). */
  payoutThreshold?: bigint;
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
      { chain: o.chain, mempool: o.mempool, params: o.params, log: o.log, key, address, confirmations: o.payoutConfirmations, threshold: o.payoutThreshold ?? DEFAULT_PAYOUT_THRESHOLD, minFeeRate: o.minFeeRate, db: o.db },
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

  /**
   * The unauthenticated summary: the newest found blocks and payouts, and how many of each are kept
   * for blockPage and payoutPage. With every payout record kept it was 4 MB an answer.
   */
  stats(): Record<string, unknown> {
    const blocks = this.server.blocks;
    const payouts = this.payouts.payouts;
    return {
      port: this.port,
      ...this.server.stats(),
      blocksFound: blocks.slice(-STATS_RECENT).map(blockJson),
      blocksFoundCount: blocks.length,
      payoutCount: payouts.length,
      payouts: payouts.slice(-STATS_RECENT),
      balances: this.payouts.balances.summary(),
    };
  }

  /** Found blocks kept (the newest 1,000 since start), newest first. */
  blockPage(page: number, limit: number): { total: number; blocks: ReturnType<typeof blockJson>[] } {
    return { total: this.server.blocks.length, blocks: newestFirst(this.server.blocks, page, limit).map(blockJson) };
  }

  /** Payout records kept (the newest 10,000 since start), newest first. */
  payoutPage(page: number, limit: number): { total: number; payouts: Payout[] } {
    return { total: this.payouts.payouts.length, payouts: newestFirst(this.payouts.payouts, page, limit) };
  }

  /** What the pool owes `address` now, paid once it reaches the threshold. */
  async balanceOf(address: string): Promise<{ balance: string; threshold: string }> {
    const { balances } = this.payouts;
    return { balance: (await balances.of(address)).toString(), threshold: balances.threshold.toString() };
  }
}

/** Found blocks and payouts in the stats summary: as many as the web app's pool page shows. */
export const STATS_RECENT = 50;

function newestFirst<T>(list: readonly T[], page: number, limit: number): T[] {
  const end = Math.max(0, list.length - (page - 1) * limit);
  return list.slice(Math.max(0, end - limit), end).reverse();
}

function blockJson(b: FoundBlock & { payees: number }) {
  return {
    height: b.height,
    hash: b.hash,
    reward: b.reward.toString(),
    worker: b.worker,
    time: new Date(b.time).toISOString(),
    split: Object.fromEntries([...b.split].map(([a, v]) => [a, v.toString()])),
    payees: b.payees,
  };
}
