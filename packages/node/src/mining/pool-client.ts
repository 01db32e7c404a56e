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

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const HASH_HEX = /^[0-9a-fA-F]{64}$/;
const U32_HEX = /^[0-9a-fA-F]{8}$/;
/** Stratum allows up to 100 extranonce2 bytes; the counter rolled in it is 32 bits, so more only pads. */
const MAX_EXTRANONCE2_BYTES = 100;
const MAX_EXTRANONCE1_HEX = 64;
const MAX_JOB_ID = 64;
/** Far below any share a pool would ask for (regtest's is ~5e-10), and above where the target's arithmetic leaves doubles. */
const MIN_DIFFICULTY = 2 ** -64;
/** A merkle branch has one hash per level: 32 levels are over four billion transactions. */
const MAX_BRANCH = 32;

function isHex(v: unknown, maxLength = Infinity): v is string {
  return typeof v === 'string' && v.length <= maxLength && HEX.test(v);
}

/**
 * A mining.notify's fields, or null when any is not what the protocol says: the pool is a
 * stranger too, and a malformed job taken up would throw later, when the threads ask for
 * fresh work outside any handler.
 */
function parseNotify(params: unknown[]): Job | null {
  const [id, prevhash, coinb1, coinb2, branch, version, nbits, ntime] = params;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_JOB_ID) return null;
  if (typeof prevhash !== 'string' || !HASH_HEX.test(prevhash) || !isHex(coinb1) || !isHex(coinb2)) return null;
  if (!Array.isArray(branch) || branch.length > MAX_BRANCH || !branch.every((b) => typeof b === 'string' && HASH_HEX.test(b))) return null;
  if (![version, nbits, ntime].every((v) => typeof v === 'string' && U32_HEX.test(v))) return null;
  return { id, prevhash, coinb1, coinb2, branch: branch as string[], version: version as string, nbits: nbits as string, ntime: ntime as string };
}

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
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        this.log.warn('pool sent malformed JSON; ignoring the line');
        continue;
      }
      if (typeof msg === 'object' && msg !== null) this.onMessage(msg);
    }
  }

  private onMessage(msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown }): void {
    if (msg.method === 'mining.set_difficulty') {
      const d = Array.isArray(msg.params) ? msg.params[0] : undefined;
      // JSON reads 1e999 as Infinity; zero or less has no target, and 5e-324's overflows.
      if (typeof d === 'number' && d >= MIN_DIFFICULTY && Number.isFinite(d)) this.difficulty = d;
      else this.log.warn('pool sent an invalid difficulty; keeping the last one');
      return;
    }
    if (msg.method === 'mining.notify') {
      const job = Array.isArray(msg.params) ? parseNotify(msg.params) : null;
      if (!job) {
        this.log.warn('pool sent a malformed job; ignoring it');
        return;
      }
      this.job = job;
      const work = this.nextWork();
      if (work) this.emit('work', work);
      return;
    }
    if (msg.id === 1 && Array.isArray(msg.result)) {
      const [, extranonce1, size] = msg.result as unknown[];
      if (isHex(extranonce1, MAX_EXTRANONCE1_HEX) && Number.isInteger(size) && (size as number) >= 1 && (size as number) <= MAX_EXTRANONCE2_BYTES) {
        this.extranonce1 = extranonce1;
        this.extranonce2Size = size as number;
      } else {
        this.log.warn('pool answered subscribe with an invalid extranonce; reconnecting');
        this.socket?.destroy();
      }
      return;
    }
    if (typeof msg.id === 'number' && msg.id > 2) {
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
