import { createServer, type Server, type Socket } from 'node:net';
import {
  RuleError,
  bytesToBigIntLE,
  headerHash,
  hexToBytes,
  parseAddress,
  type ConsensusParams,
} from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import { createTemplate } from '../mining/template.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, StratumJob } from './job.js';
import { PplnsWindow } from './pplns.js';
import { StratumError, parseU32Hex, stratumError, targetForDifficulty } from './protocol.js';
import { StratumSession, type SessionHost, type SubmitOutcome } from './session.js';

export interface StratumOptions {
  chain: Chain;
  mempool: Mempool;
  params: ConsensusParams;
  log: Logger;
  host: string;
  port: number;
  /** The pool's own address: coinbases pay it, and it pays the miners. */
  poolAddress: string;
  initialDifficulty: number;
  minDifficulty?: number;
  maxConnectionsPerIp?: number;
  /** PPLNS window, in units of share difficulty. */
  windowDifficulty?: number;
  /** Notify is re-sent at least this often so miners never sit idle or reconnect. */
  notifyIntervalMs?: number;
  /** Per-connection variable difficulty (default on); benchmarks pin the difficulty. */
  varDiff?: boolean;
}

export interface FoundBlock {
  height: number;
  hash: string;
  reward: bigint;
  worker: string;
  time: number;
  split: Map<string, bigint>;
}

export interface WorkerStats {
  worker: string;
  address: string;
  accepted: number;
  rejected: number;
  difficultySum: number;
  firstShare: number;
  lastShare: number;
}

export interface StratumEvents extends Record<string, unknown[]> {
  block: [found: FoundBlock];
  share: [worker: string, difficulty: number];
}

const MAX_JOBS = 16;
const HASHRATE_WINDOW_MS = 10 * 60 * 1000;
const MAX_WORKERS = 10_000;

/**
 * A Stratum v1 pool server in front of the node: jobs from the node's own
 * templates, share checks exactly as the protocol defines the miner's work,
 * PPLNS accounting, and full blocks submitted to the chain.
 */
export class StratumServer extends TypedEmitter<StratumEvents> implements SessionHost {
  private readonly server: Server;
  private readonly sessions = new Set<StratumSession>();
  private readonly perIp = new Map<string, number>();
  private readonly jobs = new Map<string, StratumJob>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly window: PplnsWindow;
  private readonly workerStats = new Map<string, WorkerStats>();
  private readonly recentShares: { t: number; d: number }[] = [];
  readonly blocks: FoundBlock[] = [];
  private job: StratumJob | null = null;
  private nextSessionId = 1;
  private jobCounter = 0;
  private timer: NodeJS.Timeout | null = null;
  private building: Promise<void> | null = null;
  private totals = { accepted: 0, rejected: 0 };
  private readonly poolAddressBytes: Uint8Array;

  constructor(private readonly o: StratumOptions) {
    super();
    this.poolAddressBytes = parseAddress(o.poolAddress);
    this.window = new PplnsWindow(o.windowDifficulty ?? 1_000 * o.initialDifficulty);
    this.server = createServer((socket) => this.onConnection(socket));
    o.chain.on('tip', () => void this.refreshJob(true));
  }

  async start(): Promise<number> {
    await this.refreshJob(true);
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej);
      this.server.listen(this.o.port, this.o.host, () => res());
    });
    this.timer = setInterval(() => void this.refreshJob(false), this.o.notifyIntervalMs ?? 30_000);
    const port = (this.server.address() as { port: number }).port;
    this.o.log.info(`stratum pool listening on stratum+tcp://${this.o.host}:${port}`);
    return port;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.sessions) s.close();
    await new Promise<void>((res) => this.server.close(() => res()));
  }

  currentJob(): StratumJob | null {
    return this.job;
  }

  debug(msg: string, ...args: unknown[]): void {
    this.o.log.debug(msg, ...args);
  }

  onClose(session: StratumSession): void {
    if (!this.sessions.delete(session)) return;
    const n = (this.perIp.get(session.remote) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(session.remote);
    else this.perIp.set(session.remote, n);
  }

  stats(): Record<string, unknown> {
    const now = Date.now();
    while (this.recentShares.length > 0 && now - this.recentShares[0]!.t > HASHRATE_WINDOW_MS) this.recentShares.shift();
    const span = this.recentShares.length > 0 ? Math.max(1, (now - this.recentShares[0]!.t) / 1000) : 1;
    const poolRate = (this.recentShares.reduce((a, s) => a + s.d, 0) * 2 ** 32) / span;
    return {
      connections: this.sessions.size,
      poolAddress: this.o.poolAddress,
      hashrate: Math.round(poolRate),
      sharesAccepted: this.totals.accepted,
      sharesRejected: this.totals.rejected,
      workers: [...this.workerStats.values()].map((w) => ({
        worker: w.worker,
        address: w.address,
        accepted: w.accepted,
        rejected: w.rejected,
        hashrate: Math.round((w.difficultySum * 2 ** 32) / Math.max(1, (w.lastShare - w.firstShare) / 1000 || span)),
        lastShare: w.lastShare ? new Date(w.lastShare).toISOString() : null,
      })),
      blocksFound: this.blocks.map((b) => ({
        height: b.height,
        hash: b.hash,
        reward: b.reward.toString(),
        worker: b.worker,
        time: new Date(b.time).toISOString(),
        split: Object.fromEntries([...b.split].map(([a, v]) => [a, v.toString()])),
      })),
    };
  }

  private onConnection(socket: Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const count = this.perIp.get(ip) ?? 0;
    if (count >= (this.o.maxConnectionsPerIp ?? 64)) {
      socket.destroy();
      return;
    }
    this.perIp.set(ip, count + 1);
    const s = new StratumSession(this.nextSessionId++, socket, this, this.o.initialDifficulty, this.o.minDifficulty ?? this.o.initialDifficulty / 1024);
    this.sessions.add(s);
    socket.setTimeout(10 * 60 * 1000, () => s.close());
  }

  private refreshJob(clean: boolean): Promise<void> {
    if (this.building) return this.building.then(() => this.refreshJob(clean));
    this.building = (async () => {
      try {
        const t = await createTemplate(this.o.chain, this.o.mempool, this.poolAddressBytes, new Uint8Array(EXTRANONCE1_SIZE + EXTRANONCE2_SIZE));
        const id = (++this.jobCounter).toString(16);
        const job = new StratumJob(id, t);
        if (clean) {
          this.jobs.clear();
          this.seen.clear();
        }
        this.jobs.set(id, job);
        if (this.jobs.size > MAX_JOBS) {
          const oldest = this.jobs.keys().next().value as string;
          this.jobs.delete(oldest);
          this.seen.delete(oldest);
        }
        this.job = job;
        for (const s of this.sessions) s.notify(job, clean);
      } catch (e) {
        this.o.log.error(`stratum: could not build a job: ${(e as Error).message}`);
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  private reject(stats: WorkerStats | undefined, code: number, message: string): SubmitOutcome {
    this.totals.rejected++;
    if (stats) stats.rejected++;
    return { accepted: false, error: stratumError(code, message) };
  }

  async submit(session: StratumSession, worker: string, params: unknown[]): Promise<SubmitOutcome> {
    if (!session.subscribed) return this.reject(undefined, StratumError.notSubscribed, 'not subscribed');
    const address = session.workers.get(worker);
    if (!address) return this.reject(undefined, StratumError.unauthorized, 'unauthorized worker');
    // Stats exist only for workers with an accepted share, so junk worker names cost nothing.
    const stats = this.workerStats.get(worker);
    const [, jobId, en2Hex, ntimeHex, nonceHex] = params;
    const ntime = parseU32Hex(ntimeHex);
    const nonce = parseU32Hex(nonceHex);
    if (typeof jobId !== 'string' || typeof en2Hex !== 'string' || !/^[0-9a-fA-F]+$/.test(en2Hex) || en2Hex.length !== EXTRANONCE2_SIZE * 2 || ntime === null || nonce === null) {
      return this.reject(stats, StratumError.other, 'malformed params');
    }
    const job = this.jobs.get(jobId);
    if (!job || job.template.parent !== this.o.chain.tip) return this.reject(stats, StratumError.jobNotFound, 'job not found (stale)');
    const mtp = this.o.chain.medianTimePast(job.template.parent);
    if (ntime <= mtp || ntime > Math.floor(Date.now() / 1000) + this.o.params.maxFutureBlockTime) {
      return this.reject(stats, StratumError.other, 'ntime out of range');
    }
    const key = `${Buffer.from(session.extranonce1).toString('hex')}:${en2Hex.toLowerCase()}:${ntime}:${nonce}`;
    let seen = this.seen.get(jobId);
    if (!seen) this.seen.set(jobId, (seen = new Set()));
    if (seen.has(key)) return this.reject(stats, StratumError.duplicate, 'duplicate share');

    const en2 = hexToBytes(en2Hex);
    const header = job.header(session.extranonce1, en2, ntime, nonce);
    const hash = headerHash(header);
    const value = bytesToBigIntLE(hash);
    const difficulty = session.jobDifficulty.get(jobId) ?? session.vardiff.difficulty;
    if (value > targetForDifficulty(difficulty)) return this.reject(stats, StratumError.lowDifficulty, 'low difficulty share');

    seen.add(key);
    this.totals.accepted++;
    const st = stats ?? this.newWorkerStats(worker, address);
    st.accepted++;
    st.difficultySum += difficulty;
    st.lastShare = Date.now();
    if (!st.firstShare) st.firstShare = st.lastShare;
    this.recentShares.push({ t: st.lastShare, d: difficulty });
    while (this.recentShares.length > 0 && st.lastShare - this.recentShares[0]!.t > HASHRATE_WINDOW_MS) this.recentShares.shift();
    this.window.add({ address, worker, difficulty, time: st.lastShare });
    this.emit('share', worker, difficulty);

    if (value <= job.template.target) await this.submitBlock(job, session, en2, header, worker);

    const next = this.o.varDiff === false ? null : session.vardiff.onShare();
    if (next !== null && this.job) {
      // A new job id for the new difficulty: shares already in flight keep their old job's difficulty.
      const clone = new StratumJob((++this.jobCounter).toString(16), this.job.template);
      this.jobs.set(clone.id, clone);
      session.setDifficulty(next);
      session.notify(clone, false);
    }
    return { accepted: true };
  }

  private newWorkerStats(worker: string, address: string): WorkerStats {
    const st: WorkerStats = { worker, address, accepted: 0, rejected: 0, difficultySum: 0, firstShare: 0, lastShare: 0 };
    if (this.workerStats.size >= MAX_WORKERS) this.workerStats.delete(this.workerStats.keys().next().value as string);
    this.workerStats.set(worker, st);
    return st;
  }

  private async submitBlock(job: StratumJob, session: StratumSession, en2: Uint8Array, header: ReturnType<StratumJob['header']>, worker: string): Promise<void> {
    const block = job.block(header, session.extranonce1, en2);
    try {
      const r = await this.o.chain.processBlock(block);
      if (!r.entry || r.status !== 'connected') return;
      const found: FoundBlock = {
        height: r.entry.height,
        hash: r.entry.id,
        reward: job.template.coinbase.amount,
        worker,
        time: Date.now(),
        split: this.window.split(job.template.coinbase.amount),
      };
      this.blocks.push(found);
      this.o.log.info(`pool found block ${found.height} ${found.hash} (worker ${worker})`);
      this.emit('block', found);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      this.o.log.warn(`pool block rejected: ${e.message}`);
    }
  }
}
