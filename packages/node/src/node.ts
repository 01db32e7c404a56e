import { getParams, parseAddress, difficultyFromBits } from '@hackcoin/core';
import type { NodeConfig } from './config/config.js';
import { Chain, STATE_FLUSH } from './chain/chain.js';
import { Mempool } from './mempool/mempool.js';
import { Miner } from './mining/miner.js';
import { openDatabase, type Database } from './store/db.js';
import { loadSignatureBackend } from './crypto/native-backend.js';
import { checkHostStack } from './contracts/host-stack.js';
import { VerifyPool } from './verify/verify-pool.js';
import { SignatureVerifier, verifyThreads } from './verify/signature-verifier.js';
import { createApiServer } from './api/server.js';
import { loadOrCreateToken, writeCookiePort } from './api/auth.js';
import { Network, publishNetworkEvents } from './p2p/index.js';
import { Pool } from './stratum/pool.js';
import { RealtimeHub } from './api/realtime.js';
import { wireRealtime } from './api/events.js';
import type { Logger } from './util/logger.js';
import { wireMetrics } from './metrics/wire.js';
import { observeApi } from './metrics/api-hook.js';
import { MetricsServer } from './metrics/server.js';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { boundNote, urlHost } from './util/url-host.js';

export const VERSION = '0.1.0';

/** The composition root: builds every subsystem and hands each what it needs. */
export class FullNode {
  private constructor(
    readonly config: NodeConfig,
    readonly chain: Chain,
    readonly mempool: Mempool,
    readonly miner: Miner,
    readonly api: FastifyInstance,
    readonly token: string,
    readonly hub: RealtimeHub,
    readonly network: Network | undefined,
    readonly pool: Pool | undefined,
    private readonly db: Database,
    private readonly log: Logger,
    private readonly unwire: () => void,
    private readonly verifyPool: VerifyPool | undefined,
    private readonly metricsServer: MetricsServer | undefined,
  ) {}

  static async create(config: NodeConfig, log: Logger): Promise<FullNode> {
    const params = getParams(config.network);
    // At start, not at the first contract block: a node short of stack would defer every such block.
    checkHostStack();
    const { name, backend, sha256 } = loadSignatureBackend();
    log.info(`HackCoin ${VERSION} on ${params.network}, data in ${config.dataDir}, signatures: ${name}, sha256: ${sha256}`);
    const threads = verifyThreads(process.env);
    const verifyPool = threads > 0 ? new VerifyPool(threads, log.child('verify')) : undefined;
    const verifier = new SignatureVerifier(backend, verifyPool);
    log.info(`signature checks: ${threads > 0 ? `${threads} worker thread(s)` : 'main thread'} (VERIFY_THREADS)`);
    // A fixed key makes the contract engine's string hash predictable, which brings back the collision attack.
    if (process.env.HACKCOIN_QUICKJS_HASH_KEY) log.warn('HACKCOIN_QUICKJS_HASH_KEY fixes the contract engine\'s hash key: for benchmarks only, never on a node others can reach');
    const db = await openDatabase(join(config.dataDir, 'chain'));
    let network: Network | undefined;
    let pool: Pool | undefined;
    try {
      const chain = await Chain.open({
        db,
        params,
        backend,
        verifier,
        log: log.child('chain'),
        reindex: config.reindex,
        trieCacheBytes: config.stateCacheBytes,
        stateFlush: { ...STATE_FLUSH, blocks: config.stateFlushBlocks },
      });
      chain.on('block:connected', (e, block) => {
        log.info(`block ${e.height} ${e.id} txs=${block.txs.length} diff=${difficultyFromBits(e.header.bits)}`);
      });
      const mempool = new Mempool({
        chain,
        db,
        params,
        backend,
        verifier,
        log: log.child('mempool'),
        maxTxs: config.mempoolMaxTxs,
        minFeeRate: config.minFeeRate,
      });
      await mempool.load();
      const miner = new Miner(chain, mempool, log.child('miner'), { threads: config.threads, intensity: config.intensity });
      if (config.stratumPort !== undefined) {
        pool = new Pool({
          chain,
          mempool,
          params,
          log: log.child('stratum'),
          dataDir: config.dataDir,
          host: config.host,
          port: config.stratumPort,
          difficulty: config.stratumDifficulty,
          shareIntervalSeconds: config.stratumShareInterval,
          maxConnectionsPerIp: config.stratumMaxPerIp,
          maxConnections: config.stratumMaxConnections,
          payoutConfirmations: config.poolPayoutConfirmations,
          payoutThreshold: config.poolPayoutThreshold,
          minFeeRate: config.minFeeRate,
          db,
        });
        await pool.start();
      }
      const token = loadOrCreateToken(config.dataDir, config.apiToken);
      const miningAddress = config.miningAddress ? parseAddress(config.miningAddress) : undefined;
      if (config.p2p) {
        network = new Network({
          chain,
          mempool,
          params,
          log: log.child('p2p'),
          dataDir: config.dataDir,
          host: config.host,
          port: config.p2pPort,
          bootstrap: config.bootstrap,
          maxOutbound: config.maxOutbound,
          maxInbound: config.maxInbound,
          banTimeMs: config.banTime * 1000,
          agent: `hackcoin/${VERSION}`,
        });
        await network.start();
      }
      const hub = new RealtimeHub(log.child('ws'));
      const unwireCore = wireRealtime(hub, chain, mempool, miner, backend);
      const unwireNet = network ? publishNetworkEvents(network, (m) => hub.publish('network', m)) : () => undefined;
      const unwire = () => {
        unwireCore();
        unwireNet();
      };
      const api = await createApiServer({
        hub,
        chain,
        mempool,
        miner,
        params,
        backend,
        log: log.child('api'),
        token,
        version: VERSION,
        defaultMiningAddress: miningAddress,
        minFeeRate: config.minFeeRate,
        network,
        pool,
      }, {
        rateLimit: config.rateLimit,
        trustProxy: config.trustProxy,
        hosts: { bindHost: config.host, vhosts: config.apiVhosts, wsOrigins: config.wsOrigins },
      });
      let metricsServer: MetricsServer | undefined;
      let unwireMetrics = (): void => undefined;
      if (config.metricsPort !== undefined) {
        const wired = wireMetrics({ chain, mempool, miner, network, pool, wsClients: () => hub.clientCount, verifier, verifyPool });
        unwireMetrics = wired.unwire;
        observeApi(api, wired.metrics);
        metricsServer = new MetricsServer(wired.metrics, log.child('metrics'), { bindHost: config.host, vhosts: config.apiVhosts, wsOrigins: [] });
        await metricsServer.listen(config.host, config.metricsPort);
      }
      const unwireAll = () => {
        unwire();
        unwireMetrics();
      };
      const node = new FullNode(config, chain, mempool, miner, api, token, hub, network, pool, db, log, unwireAll, verifyPool, metricsServer);
      if (config.poolUrl && config.poolWorker) miner.startPool(config.poolUrl, config.poolWorker);
      else if (miningAddress) miner.start(miningAddress);
      return node;
    } catch (e) {
      await network?.stop().catch(() => undefined);
      await pool?.stop().catch(() => undefined);
      await db.close();
      await verifyPool?.close();
      throw e;
    }
  }

  async listen(): Promise<string> {
    const url = await this.api.listen({ host: this.config.host, port: this.config.port });
    const port = (this.api.server.address() as { port: number }).port;
    if (!this.config.apiToken) writeCookiePort(this.config.dataDir, port);
    this.log.info(`HTTP API listening on http://${urlHost(this.config.host)}:${port}${boundNote(this.config.host)}`);
    return url;
  }

  /**
   * Graceful shutdown: stop taking work (miner, pool, API, peers), let the
   * block being connected finish, then close the database.
   */
  async stop(): Promise<void> {
    await this.miner.stop();
    await this.pool?.stop();
    await Promise.all([this.network?.stop(), this.api.close()]);
    await this.chain.close();
    this.unwire();
    await this.metricsServer?.close();
    await this.db.close();
    await this.verifyPool?.close();
  }
}
