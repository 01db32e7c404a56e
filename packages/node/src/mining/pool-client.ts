import { createConnection, type Socket } from 'node:net';
import { concatBytes, hexToBytes, rootFromBranch, sha256d, bigIntToBytesLE, encodeHeader } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import { targetForDifficulty } from '../stratum/protocol.js';
import { TypedEmitter } from '../util/typed-emitter.js';

/** A unit of pool work as the miner threads need it. */
export interface PoolWork {
  jobId: string;
  extranonce2: string;
  ntime: string;
  header: Uint8Array;
  /** Share target, 32 bytes little-endian. */
  target: Uint8Array;
}

export interface PoolClientEvents extends Record<string, unknown[]> {
  work: [work: PoolWork];
  accepted: [];
  rejected: [reason: string];
}

interface Job {
  id: string;
  prevhash: string;
  coinb1: string;
  coinb2: string;
  branch: string[];
  version: string;
  nbits: string;
  ntime: string;
}

const RECONNECT_MS = 5_000;

/**
 * Stratum v1 client, so the node's own miner can mine for a remote pool
 * (`--pool stratum+tcp://host:3333 --worker 0xADDR.rig1`). It turns each
 * mining.notify into a header the threads scan for the share target, and
 * rolls extranonce2 to get fresh work when a range is exhausted.
 */
export class PoolClient extends TypedEmitter<PoolClientEvents> {
  private socket: Socket | null = null;
  private buf = '';
  private nextId = 1;
  private extranonce1 = '';
  private extranonce2Size = 4;
  private difficulty = 1;
  private job: Job | null = null;
  private en2 = 0;
  private stopped = false;
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly url: string,
    private readonly worker: string,
    private readonly log: Logger,
  ) {
    super();
  }

  start(): void {
    this.stopped = false;
    const m = /^stratum\+tcp:\/\/([^:/]+):(\d+)\/?$/.exec(this.url);
    if (!m) throw new Error(`pool URL must look like stratum+tcp://host:port, got ${this.url}`);
    const socket = createConnection({ host: m[1]!, port: Number(m[2]) });
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      this.send('mining.subscribe', ['hackcoin-node']);
      this.send('mining.authorize', [this.worker, 'x']);
    });
    socket.on('data', (d: string) => this.onData(d));
    socket.on('error', (e) => this.log.warn(`pool connection error: ${e.message}`));
    socket.on('close', () => {
      this.socket = null;
      if (!this.stopped) setTimeout(() => this.start(), RECONNECT_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    this.socket?.destroy();
  }

  /** Fresh work for the current job with the next extranonce2. */
  nextWork(): PoolWork | null {
    const job = this.job;
    if (!job || !this.extranonce1) return null;
    const en2 = (this.en2++ >>> 0).toString(16).padStart(this.extranonce2Size * 2, '0').slice(-this.extranonce2Size * 2);
    const coinbase = hexToBytes(job.coinb1 + this.extranonce1 + en2 + job.coinb2);
    const root = rootFromBranch(sha256d(coinbase), job.branch.map((b) => hexToBytes(b)));
    const prev = hexToBytes(job.prevhash);
    for (let w = 0; w < 8; w++) prev.subarray(w * 4, w * 4 + 4).reverse();
    const header = encodeHeader({
      version: parseInt(job.version, 16),
      prevHash: prev,
      merkleRoot: root,
      time: parseInt(job.ntime, 16),
      bits: parseInt(job.nbits, 16),
      nonce: 0,
    });
    const target = targetForDifficulty(this.difficulty);
    return { jobId: job.id, extranonce2: en2, ntime: job.ntime, header: concatBytes(header), target: bigIntToBytesLE(target > (1n << 256n) - 1n ? (1n << 256n) - 1n : target, 32) };
  }

  isCurrent(work: PoolWork): boolean {
    return this.job?.id === work.jobId;
  }

  submit(work: PoolWork, nonce: number): void {
    this.send('mining.submit', [this.worker, work.jobId, work.extranonce2, work.ntime, (nonce >>> 0).toString(16).padStart(8, '0')]);
  }

  private send(method: string, params: unknown[]): void {
    this.socket?.write(`${JSON.stringify({ id: this.nextId++, method, params })}\n`);
  }

  private onData(d: string): void {
    this.buf += d;
    if (this.buf.length > 1 << 20) {
      this.log.warn('pool sent an oversized line; reconnecting');
      this.socket?.destroy();
      return;
    }
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      try {
        this.onMessage(JSON.parse(line));
      } catch {
        this.log.warn('pool sent malformed JSON; ignoring the line');
      }
    }
  }

  private onMessage(msg: { id?: number | null; method?: string; params?: unknown[]; result?: unknown; error?: unknown }): void {
    if (msg.method === 'mining.set_difficulty' && typeof msg.params?.[0] === 'number') {
      this.difficulty = msg.params[0];
      return;
    }
    if (msg.method === 'mining.notify' && Array.isArray(msg.params)) {
      const [id, prevhash, coinb1, coinb2, branch, version, nbits, ntime] = msg.params as [string, string, string, string, string[], string, string, string];
      this.job = { id, prevhash, coinb1, coinb2, branch, version, nbits, ntime };
      const work = this.nextWork();
      if (work) this.emit('work', work);
      return;
    }
    if (msg.id === 1 && Array.isArray(msg.result)) {
      this.extranonce1 = String(msg.result[1]);
      this.extranonce2Size = Number(msg.result[2]);
      return;
    }
    if (msg.id !== undefined && msg.id !== null && msg.id > 2) {
      if (msg.result === true) {
        this.accepted++;
        this.emit('accepted');
      } else {
        this.rejected++;
        const reason = Array.isArray(msg.error) ? String(msg.error[1]) : 'rejected';
        this.emit('rejected', reason);
        this.log.debug('share rejected: %s', reason);
      }
    }
  }
}
