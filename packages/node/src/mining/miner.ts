import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  RuleError,
  bigIntToBytesLE,
  difficultyFromBits,
  encodeHeader,
  equalBytes,
  formatAddress,
  hashMeetsTarget,
  headerHash,
  workFromTarget,
  type Block,
  type MinerStatus,
} from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import { createTemplate, retimeTemplate, stillCurrent, type BlockTemplate } from './template.js';
import { scanWorkerFile, scanWorkerSpec } from './hasher/worker-spec.js';
import { dutyCycle, restAfter, type Intensity } from './intensity.js';
import { RateMeter } from './rate.js';
import { HOLD_RETRY_MS, holdsBack } from './clock-guard.js';
import { estimateHashRate } from '../chain/hashrate.js';
import { PoolClient, type PoolWork } from './pool-client.js';

export interface MinerSettings {
  threads: number;
  intensity: Intensity;
}

const TEMPLATE_REFRESH_MS = 10_000;
/** Chunks are sized to about this long, so new work reaches every thread well within 100 ms. */
const CHUNK_TARGET_MS = 40;
/**
 * Longest a chunk is aimed at. While a template is assembled (synchronously, seconds with heavy
 * contract calls) the main thread hands out no work, so chunks are aimed at the last build's
 * length, capped here: threads stay on the current work meanwhile instead of idling. A chunk is
 * not cut short, so a new tip reaches the threads up to this late even when its own build is
 * fast: at 1 s that was ~1-2 % of the work stale per block at 30-60 s blocks.
 */
const MAX_CHUNK_TARGET_MS = 200;
const NONCE_SPACE = 0x1_0000_0000;

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface ScanResult {
  nonce: number;
  hashes: number;
  ms: number;
}

/**
 * What a mining thread needs of its worker (scan-worker.mjs on a worker_threads Worker in the
 * node): it announces itself with one message once loaded, then answers each job with a ScanResult.
 */
export interface ScanWorker {
  postMessage(job: { header: Uint8Array; target: Uint8Array; start: number; count: number }): void;
  once(event: 'message', listener: (m: ScanResult) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  terminate(): Promise<number>;
}

/** One mining thread: scans chunks of the current job's nonce space. */
class MiningThread {
  readonly meter = new RateMeter();
  chunk = 1 << 16;
  private busy = false;
  private resting: NodeJS.Timeout | null = null;

  constructor(
    readonly worker: ScanWorker,
    private readonly onResult: (t: MiningThread, jobId: number, r: ScanResult) => void,
    private readonly targetMs: () => number,
  ) {}

  run(jobId: number, header: Uint8Array, target: Uint8Array, start: number, count: number): void {
    this.busy = true;
    this.worker.once('message', (r: ScanResult) => {
      this.busy = false;
      this.meter.add(r.hashes, r.ms);
      // Aim each chunk at a set time (CHUNK_TARGET_MS when templates build fast) so job switches stay fast whatever the hash rate.
      if (r.ms > 0 && r.nonce < 0) this.chunk = Math.max(1 << 12, Math.min(1 << 28, Math.round((this.chunk * this.targetMs()) / r.ms)));
      this.onResult(this, jobId, r);
    });
    this.worker.postMessage({ header, target, start, count });
  }

  get idle(): boolean {
    return !this.busy && this.resting === null;
  }

  rest(ms: number, then: () => void): void {
    this.resting = setTimeout(() => {
      this.resting = null;
      then();
    }, ms);
  }

  async stop(): Promise<void> {
    if (this.resting) clearTimeout(this.resting);
    this.resting = null;
    await this.worker.terminate();
  }
}

/**
 * Multi-threaded CPU miner. Worker threads scan disjoint chunks of the nonce
 * space with the fastest SHA-256 available (native SHA-NI midstate loop, or
 * its fallbacks); the main thread builds templates and hands out chunks, so
 * the HTTP server is never blocked. New work goes out on every tip change and
 * periodically for new transactions; a result for an old job is dropped, so
 * stale work is never submitted.
 */
export class Miner {
  private threads: MiningThread[] = [];
  /** Workers still loading their hashing backend. */
  private pending: ScanWorker[] = [];
  private settings: MinerSettings;
  private template: BlockTemplate | null = null;
  /**
   * Parent of the block we found and are still connecting: no new work may
   * build on it, or our own next find would be a competing sibling.
   */
  private foundOn: ChainEntry | null = null;
  private header: Uint8Array | null = null;
  private target: Uint8Array | null = null;
  private address: Uint8Array | null = null;
  private jobId = 0;
  private nextNonce = 0;
  private blocksFound = 0;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Found blocks on their way into the chain. */
  private readonly submitting = new Set<Promise<void>>();
  private refreshing = false;
  private refreshAgain = false;
  private extraNonce = 0;
  private readonly tag = randomBytes(4);
  private readonly spec = scanWorkerSpec();
  private pool: { client: PoolClient; url: string; worker: string } | null = null;
  private poolWork: PoolWork | null = null;
  private chunkTargetMs = CHUNK_TARGET_MS;

  constructor(
    private readonly chain: Chain,
    private readonly mempool: Mempool,
    private readonly log: Logger,
    settings: Partial<MinerSettings> = {},
    /** Starts one mining thread's worker; tests pass workers whose answers they control. */
    private readonly spawnWorker: () => ScanWorker = () => new Worker(scanWorkerFile, { workerData: scanWorkerSpec().workerData }),
    /** Milliseconds, to time template builds; injectable so tests control what a build took. */
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.settings = { threads: settings.threads ?? defaultThreads(), intensity: settings.intensity ?? 'high' };
    dutyCycle(this.settings.intensity);
    chain.on('tip', () => {
      if (this.running) void this.refresh();
    });
  }

  get running(): boolean {
    return this.threads.length > 0 || this.pending.length > 0;
  }

  /**
   * Mines shares for a remote Stratum pool: the pool decides the block
   * template and the payout address comes from the worker name.
   */
  startPool(url: string, worker: string, settings: Partial<MinerSettings> = {}): void {
    if (this.refreshTimer) throw new Error('solo mining is running; stop it first');
    const client = new PoolClient(url, worker, this.log);
    this.pool = { client, url, worker };
    this.configure(settings);
    client.on('work', (w) => this.setPoolWork(w));
    client.start();
    this.resize();
    this.log.info(`mining for pool ${url} as ${worker}: ${this.settings.threads} thread(s), ${this.spec.backend} hashing`);
  }

  private setPoolWork(w: PoolWork): void {
    this.poolWork = w;
    this.header = w.header;
    this.target = w.target;
    this.nextNonce = 0;
    this.jobId++;
    for (const th of this.threads) if (th.idle) this.dispatch(th);
  }

  get backend(): string {
    return this.spec.backend;
  }

  /** Starts, or retunes a running miner, without losing its place. */
  start(address: Uint8Array, settings: Partial<MinerSettings> = {}): void {
    this.address = address;
    this.configure(settings);
    if (!this.refreshTimer) {
      this.refreshTimer = setInterval(() => void this.refresh(), TEMPLATE_REFRESH_MS);
      const reason = this.spec.fallbackReason ? ` (${this.spec.fallbackReason})` : '';
      this.log.info(`mining to ${formatAddress(address)}: ${this.settings.threads} thread(s), intensity ${this.settings.intensity}, ${this.spec.backend} hashing${reason}`);
      this.resize();
    }
    void this.refresh();
  }

  configure(settings: Partial<MinerSettings>): void {
    if (settings.intensity !== undefined) {
      dutyCycle(settings.intensity);
      this.settings.intensity = settings.intensity;
    }
    if (settings.threads !== undefined) {
      if (!Number.isInteger(settings.threads) || settings.threads < 1 || settings.threads > 256) throw new RangeError('threads must be 1–256');
      this.settings.threads = settings.threads;
    }
    if (this.refreshTimer || this.pool || this.threads.length > 0) this.resize();
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.pool?.client.stop();
    this.pool = null;
    this.poolWork = null;
    const threads = this.threads;
    const pending = this.pending;
    this.threads = [];
    this.pending = [];
    this.template = null;
    this.jobId++;
    // A pool's work, or the next start's first template, owes nothing to the last solo build.
    this.chunkTargetMs = CHUNK_TARGET_MS;
    await Promise.all([...threads.map((t) => t.stop()), ...pending.map((w) => w.terminate())]);
    // A block found before the stop is connected (or refused) before it returns: nothing of ours lands after.
    await Promise.allSettled(this.submitting);
    if (threads.length > 0) this.log.info('mining stopped');
  }

  status(): MinerStatus {
    const tip = this.chain.tip;
    const bits = this.chain.nextBits(tip);
    const rates = this.threads.map((t) => Math.round(t.meter.value()));
    const total = rates.reduce((a, b) => a + b, 0);
    const target = this.template?.target;
    return {
      running: this.running,
      address: this.address ? formatAddress(this.address) : null,
      backend: this.spec.backend,
      threads: this.settings.threads,
      intensity: this.settings.intensity,
      hashrate: total,
      threadHashrates: rates,
      blocksFound: this.blocksFound,
      height: tip.height,
      difficulty: difficultyFromBits(bits),
      target: `0x${bits.toString(16).padStart(8, '0')}`,
      templateAgeMs: this.template ? Date.now() - this.template.createdAt : null,
      templateTxs: this.template ? this.template.txs.length - 1 : 0,
      expectedSecondsPerBlock: total > 0 && target !== undefined ? Number(workFromTarget(target)) / total : null,
      networkHashrate: estimateHashRate(this.chain) ?? 0,
      pool: this.pool ? { url: this.pool.url, worker: this.pool.worker, accepted: this.pool.client.accepted, rejected: this.pool.client.rejected } : null,
    };
  }

  /**
   * Mines `count` blocks on the calling thread (like bitcoind's
   * generatetoaddress). Meant for regtest, whose target needs a couple of hashes.
   */
  async generate(count: number, address: Uint8Array): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const t = await createTemplate(this.chain, this.mempool, address, this.nextExtra());
      const header = { ...t.header };
      while (!hashMeetsTarget(headerHash(header), t.target)) {
        header.nonce++;
        if (header.nonce > 0xffffffff) throw new Error('nonce space exhausted');
      }
      const result = await this.chain.processBlock({ header, txs: t.txs });
      if (result.entry) ids.push(result.entry.id);
      this.blocksFound++;
    }
    return ids;
  }

  private resize(): void {
    while (this.threads.length > this.settings.threads) void this.threads.pop()!.stop();
    while (this.threads.length + this.pending.length < this.settings.threads) {
      const worker = this.spawnWorker();
      this.pending.push(worker);
      worker.on('error', (e) => this.log.error(`mining thread failed: ${e.message}`));
      // scan-worker.mjs announces itself once it has loaded its hashing backend.
      worker.once('message', () => {
        const i = this.pending.indexOf(worker);
        if (i < 0) return;
        this.pending.splice(i, 1);
        const t = new MiningThread(
          worker,
          (th, jobId, r) => this.onResult(th, jobId, r),
          () => this.chunkTargetMs,
        );
        this.threads.push(t);
        this.dispatch(t);
      });
    }
  }

  private nextExtra(): Uint8Array {
    this.extraNonce = (this.extraNonce + 1) >>> 0;
    const extra = new Uint8Array(8);
    extra.set(this.tag, 0);
    new DataView(extra.buffer).setUint32(4, this.extraNonce, true);
    return extra;
  }

  private async refresh(): Promise<void> {
    if (!this.refreshTimer || !this.address) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      const t = this.reusable() ? retimeTemplate(this.template!, this.chain, this.nextExtra()) : await this.build(this.address);
      if (holdsBack(t, Math.floor(Date.now() / 1000))) {
        this.template = null;
        this.jobId++;
        setTimeout(() => void this.refresh(), HOLD_RETRY_MS);
        return;
      }
      // The tip moved while the template was built, or our own block on this parent is
      // still connecting: the tip's own refresh follows.
      if (!this.refreshTimer || t.parent !== this.chain.tip || t.parent === this.foundOn) return;
      this.template = t;
      this.header = encodeHeader(t.header);
      this.target = bigIntToBytesLE(t.target, 32);
      this.nextNonce = 0;
      this.jobId++;
      if (this.threads.length + this.pending.length === 0) this.resize();
      for (const th of this.threads) if (th.idle) this.dispatch(th);
    } catch (e) {
      this.log.error(`could not build a block template: ${(e as Error).message}`);
    } finally {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    }
  }

  private async build(address: Uint8Array): Promise<BlockTemplate> {
    const started = this.clock();
    const t = await createTemplate(this.chain, this.mempool, address, this.nextExtra());
    this.chunkTargetMs = Math.min(MAX_CHUNK_TARGET_MS, Math.max(CHUNK_TARGET_MS, this.clock() - started));
    return t;
  }

  /**
   * Whether the current template may be kept with a new time: same tip, same mempool. Building
   * one executes every contract call it holds again (seconds for calls that burn their gas),
   * and the periodic refresh did so every 10 s with nothing changed.
   */
  private reusable(): boolean {
    const t = this.template;
    return t !== null && stillCurrent(t, this.chain, this.mempool) && this.address !== null && equalBytes(t.coinbase.to, this.address);
  }

  private dispatch(t: MiningThread): void {
    if (!this.threads.includes(t) || !t.idle) return;
    if (this.pool) {
      if (!this.poolWork) return;
      if (this.nextNonce >= NONCE_SPACE) {
        const w = this.pool.client.nextWork();
        if (!w) return;
        this.setPoolWork(w);
        return;
      }
    } else if (!this.template) return;
    if (!this.header || !this.target) return;
    if (this.nextNonce >= NONCE_SPACE) {
      // Nonce space exhausted: a fresh template rolls the coinbase extranonce.
      void this.refresh();
      return;
    }
    const start = this.nextNonce;
    const count = Math.min(t.chunk, NONCE_SPACE - start);
    this.nextNonce += count;
    t.run(this.jobId, this.header, this.target, start, count);
  }

  private onResult(t: MiningThread, jobId: number, r: ScanResult): void {
    if (this.pool && jobId === this.jobId && r.nonce >= 0 && this.poolWork && this.pool.client.isCurrent(this.poolWork)) {
      this.pool.client.submit(this.poolWork, r.nonce);
    } else if (!this.pool && jobId === this.jobId && r.nonce >= 0 && this.template && this.template.parent === this.chain.tip && this.foundOn === null) {
      const block: Block = { header: { ...this.template.header, nonce: r.nonce }, txs: this.template.txs };
      // First find wins: the job is retired at once, so every other thread's result for it is dropped
      // and no thread gets work again until a template on the new tip exists.
      this.foundOn = this.template.parent;
      this.template = null;
      this.jobId++;
      const submitting = this.submit(block).finally(() => this.submitting.delete(submitting));
      this.submitting.add(submitting);
    }
    const rest = restAfter(r.ms, dutyCycle(this.settings.intensity));
    if (rest > 0) t.rest(rest, () => this.dispatch(t));
    else this.dispatch(t);
  }

  private async submit(block: Block): Promise<void> {
    try {
      const r = await this.chain.processBlock(block);
      if (r.status === 'connected') this.blocksFound++;
    } catch (e) {
      // Nobody awaits this (onResult only tracks it for stop()): rethrown, a local failure was an
      // unhandled rejection, which ends the process.
      if (e instanceof RuleError) this.log.warn(`mined block rejected: ${e.message}`);
      else this.log.error(`mined block could not be processed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.foundOn = null;
    }
    await this.refresh();
  }
}
