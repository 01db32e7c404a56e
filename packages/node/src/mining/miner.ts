import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import {
  RuleError,
  bigIntToBytesLE,
  difficultyFromBits,
  encodeHeader,
  formatAddress,
  hashMeetsTarget,
  headerHash,
  type Block,
} from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { Mempool } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import { createTemplate, type BlockTemplate } from './template.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface MinerStatus {
  running: boolean;
  address: string | null;
  threads: number;
  hashrate: number;
  blocksFound: number;
  height: number;
  difficulty: number;
  target: string;
  templateAgeMs: number | null;
  templateTxs: number;
}

/** How far ahead of the clock a template may stamp itself before the miner waits. */
const MAX_AHEAD_SECONDS = 60;
const TEMPLATE_REFRESH_MS = 10_000;

/**
 * Single-threaded CPU miner: one worker thread scans nonces while the main
 * thread builds templates, so the HTTP server is never blocked. New work is
 * sent whenever the tip changes, and periodically to pick up new transactions.
 */
export class Miner {
  private worker: Worker | null = null;
  private template: BlockTemplate | null = null;
  private address: Uint8Array | null = null;
  private jobId = 0;
  private blocksFound = 0;
  private hashWindow: { t: number; n: number }[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing = false;
  private refreshAgain = false;
  private extraNonce = 0;
  private readonly tag = randomBytes(4);

  constructor(
    private readonly chain: Chain,
    private readonly mempool: Mempool,
    private readonly log: Logger,
  ) {
    chain.on('tip', () => {
      if (this.worker) void this.refresh();
    });
  }

  get running(): boolean {
    return this.worker !== null;
  }

  start(address: Uint8Array): void {
    this.address = address;
    if (!this.worker) {
      this.worker = new Worker(new URL('./pow-worker.mjs', import.meta.url));
      this.worker.on('message', (m: FromWorker) => this.onWorkerMessage(m));
      this.worker.on('error', (e) => this.log.error(`miner worker failed: ${e.message}`));
      this.refreshTimer = setInterval(() => void this.refresh(), TEMPLATE_REFRESH_MS);
      this.log.info(`mining started to ${formatAddress(address)}`);
    }
    void this.refresh();
  }

  async stop(): Promise<void> {
    if (!this.worker) return;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    const w = this.worker;
    this.worker = null;
    this.template = null;
    this.hashWindow = [];
    await w.terminate();
    this.log.info('mining stopped');
  }

  status(): MinerStatus {
    const tip = this.chain.tip;
    const bits = this.chain.nextBits(tip);
    return {
      running: this.running,
      address: this.address ? formatAddress(this.address) : null,
      threads: this.running ? 1 : 0,
      hashrate: this.hashrate(),
      blocksFound: this.blocksFound,
      height: tip.height,
      difficulty: difficultyFromBits(bits),
      target: `0x${bits.toString(16).padStart(8, '0')}`,
      templateAgeMs: this.template ? Date.now() - this.template.createdAt : null,
      templateTxs: this.template ? this.template.txs.length - 1 : 0,
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
      const block: Block = { header, txs: t.txs };
      const result = await this.chain.processBlock(block);
      if (result.entry) ids.push(result.entry.id);
      this.blocksFound++;
    }
    return ids;
  }

  private nextExtra(): Uint8Array {
    this.extraNonce = (this.extraNonce + 1) >>> 0;
    const extra = new Uint8Array(8);
    extra.set(this.tag, 0);
    new DataView(extra.buffer).setUint32(4, this.extraNonce, true);
    return extra;
  }

  private hashrate(): number {
    const now = Date.now();
    this.hashWindow = this.hashWindow.filter((s) => now - s.t < 10_000);
    if (this.hashWindow.length === 0) return 0;
    const total = this.hashWindow.reduce((a, s) => a + s.n, 0);
    const span = Math.max(1, now - this.hashWindow[0]!.t + 500) / 1000;
    return Math.round(total / span);
  }

  private async refresh(): Promise<void> {
    if (!this.worker || !this.address) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      const t = await createTemplate(this.chain, this.mempool, this.address, this.nextExtra());
      const ahead = t.header.time - Math.floor(Date.now() / 1000);
      if (ahead > MAX_AHEAD_SECONDS) {
        setTimeout(() => void this.refresh(), 1000);
        return;
      }
      if (!this.worker) return;
      this.template = t;
      this.jobId++;
      const msg: ToWorker = { type: 'job', jobId: this.jobId, header: encodeHeader(t.header), target: bigIntToBytesLE(t.target, 32) };
      this.worker.postMessage(msg);
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

  private onWorkerMessage(m: FromWorker): void {
    if (m.type === 'hashes') {
      this.hashWindow.push({ t: Date.now(), n: m.count });
      return;
    }
    if (m.type === 'exhausted') {
      void this.refresh();
      return;
    }
    const t = this.template;
    if (!t || m.jobId !== this.jobId || t.parent !== this.chain.tip) return;
    const block: Block = { header: { ...t.header, nonce: m.nonce }, txs: t.txs };
    void this.submit(block);
  }

  private async submit(block: Block): Promise<void> {
    try {
      await this.chain.processBlock(block);
      this.blocksFound++;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      this.log.warn(`mined block rejected: ${e.message}`);
    }
    await this.refresh();
  }
}

