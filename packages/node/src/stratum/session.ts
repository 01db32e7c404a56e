import type { Socket } from 'node:net';
import { parseAddress, formatAddress } from '@hackcoin/core';
import { VarDiff } from './vardiff.js';
import { StratumError, stratumError, type StratumErrorTuple, type StratumRequest } from './protocol.js';
import { EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, extranonce1For, type StratumJob } from './job.js';

/** Longest line a miner may send; anything longer closes that connection only. */
export const MAX_LINE_BYTES = 8 * 1024;
const MAX_WORKERS_PER_SESSION = 64;
/**
 * Replies a miner has left unread, beyond which it is dropped: a client that
 * sends requests and never reads would otherwise have us buffer replies
 * without end. A miner reads every line it gets, so 1 MiB is only reached by
 * one that stopped.
 */
export const MAX_UNREAD_BYTES = 1024 * 1024;

/**
 * Rejected shares in a row, with no accepted one between, after which the
 * connection is closed (like ckpool's handling of miners that only send
 * rejects): a working miner's shares are accepted far more often than that,
 * and each rejected share cost the pool a header hash.
 */
export const MAX_REJECT_RUN = 100;
/**
 * Submits a connection may make in a burst, and per second after it. Vardiff
 * aims at a share every few seconds; the budget only bites on a miner far too
 * fast for its difficulty (until vardiff catches up) or on a flood. Submits
 * beyond it are refused unchecked.
 */
export const SUBMIT_BURST = 500;
export const SUBMITS_PER_SECOND = 250;

/** Why the pool closed a connection (or `peer-closed` when the miner did). */
export type CloseReason = 'peer-closed' | 'pool-stopping' | 'idle' | 'not-authorised' | 'line-too-long' | 'garbage' | 'not-reading' | 'rejected-shares';

export interface SubmitOutcome {
  accepted: boolean;
  error?: StratumErrorTuple;
}

/** What a session needs from its server. */
export interface SessionHost {
  currentJob(): StratumJob | null;
  /** Difficulty of the block the job builds: no share target may be harder. */
  blockDifficulty(job: StratumJob): number;
  submit(session: StratumSession, worker: string, params: unknown[]): Promise<SubmitOutcome>;
  onClose(session: StratumSession, reason: CloseReason): void;
  debug(msg: string, ...args: unknown[]): void;
}

/** One miner connection: subscribe → authorize → notify/submit, newline-delimited JSON-RPC. */
export class StratumSession {
  readonly extranonce1: Uint8Array;
  readonly workers = new Map<string, string>();
  readonly vardiff: VarDiff;
  /** Difficulty in force when each job was sent: a share is judged by the job's difficulty. */
  readonly jobDifficulty = new Map<string, number>();
  subscribed = false;
  private sentDifficulty = 0;
  private buffer = '';
  private closed = false;
  private readonly authTimer: NodeJS.Timeout;
  /** Submits are judged one at a time, in order: a flood is cut off at the reject limit, not after a whole read. */
  private submits: Promise<void> = Promise.resolve();
  private rejectRun = 0;
  private submitTokens = SUBMIT_BURST;
  private tokensAt = Date.now();

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly host: SessionHost,
    vardiff: VarDiff,
    /** A connection that has not authorised a worker by then holds a slot for nothing: it is closed. */
    authTimeoutMs: number,
  ) {
    this.extranonce1 = extranonce1For(id);
    this.vardiff = vardiff;
    this.authTimer = setTimeout(() => this.close('not-authorised'), authTimeoutMs);
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => this.close('peer-closed'));
    socket.on('close', () => this.close('peer-closed'));
  }

  get remote(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  send(obj: unknown): void {
    if (this.closed) return;
    this.socket.write(`${JSON.stringify(obj)}\n`);
    if (this.socket.writableLength > MAX_UNREAD_BYTES) this.close('not-reading');
  }

  /** The share difficulty last sent to the miner. */
  get toldDifficulty(): number {
    return this.sentDifficulty;
  }

  /**
   * A new share difficulty without new work, as ckpool does: re-sending the
   * job under a new id for it would multiply job ids. Miners differ in when
   * they apply it (cpuminer at the next notify, cgminer at once), so shares on
   * jobs sent earlier are judged at the easier of the two (see the server).
   */
  retarget(difficulty: number): void {
    if (!this.subscribed || this.workers.size === 0 || difficulty === this.sentDifficulty) return;
    this.sentDifficulty = difficulty;
    this.send({ id: null, method: 'mining.set_difficulty', params: [difficulty] });
  }

  /** Sends a job; a changed share difficulty goes first, since miners apply it at the next notify. */
  notify(job: StratumJob, clean: boolean): void {
    if (!this.subscribed || this.workers.size === 0) return;
    const d = this.vardiff.clamp(this.host.blockDifficulty(job));
    if (d !== this.sentDifficulty) {
      this.sentDifficulty = d;
      this.send({ id: null, method: 'mining.set_difficulty', params: [d] });
    }
    this.jobDifficulty.set(job.id, d);
    if (this.jobDifficulty.size > 64) this.jobDifficulty.delete(this.jobDifficulty.keys().next().value as string);
    this.send({ id: null, method: 'mining.notify', params: job.notifyParams(clean) });
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.socket.destroy();
    this.host.onClose(this, reason);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE_BYTES && !this.buffer.includes('\n')) {
      this.close('line-too-long');
      return;
    }
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line.length > MAX_LINE_BYTES) return this.close('line-too-long');
      if (line) void this.onLine(line);
      if (this.closed) return;
    }
  }

  private async onLine(line: string): Promise<void> {
    let req: StratumRequest;
    try {
      const parsed = JSON.parse(line) as Partial<StratumRequest>;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.method !== 'string') throw new Error('not a request');
      req = { id: parsed.id ?? null, method: parsed.method, params: Array.isArray(parsed.params) ? parsed.params : [] };
    } catch {
      // Garbage means a broken or hostile client: drop it, keep everyone else.
      this.close('garbage');
      return;
    }
    const reply = (result: unknown, error: StratumErrorTuple | null = null) => this.send({ id: req.id, result, error });
    switch (req.method) {
      case 'mining.subscribe': {
        this.subscribed = true;
        const sid = this.id.toString(16);
        reply([[['mining.set_difficulty', sid], ['mining.notify', sid]], Buffer.from(this.extranonce1).toString('hex'), EXTRANONCE2_SIZE]);
        return;
      }
      case 'mining.authorize': {
        const [user] = req.params;
        const address = typeof user === 'string' ? parseWorkerAddress(user) : null;
        if (!this.subscribed) return reply(false, stratumError(StratumError.notSubscribed, 'not subscribed'));
        if (!address) return reply(false, stratumError(StratumError.unauthorized, 'worker name must be <0x address>[.rig], rig up to 64 of A-Z a-z 0-9 _ . -'));
        if (this.workers.size >= MAX_WORKERS_PER_SESSION && !this.workers.has(user as string)) {
          return reply(false, stratumError(StratumError.unauthorized, `at most ${MAX_WORKERS_PER_SESSION} workers per connection`));
        }
        const first = this.workers.size === 0;
        this.workers.set(user as string, address);
        clearTimeout(this.authTimer);
        reply(true);
        const job = this.host.currentJob();
        if (job && first) this.notify(job, true);
        return;
      }
      case 'mining.extranonce.subscribe':
        return reply(false, stratumError(StratumError.other, 'extranonce changes not supported'));
      case 'mining.submit': {
        if (!this.takeSubmitToken()) return reply(false, stratumError(StratumError.other, 'too many submits; slow down'));
        this.submits = this.submits.then(() => this.submit(req.params, reply));
        return;
      }
      default:
        reply(null, stratumError(StratumError.other, `unknown method ${req.method}`));
    }
  }

  private async submit(params: unknown[], reply: (result: unknown, error: StratumErrorTuple | null) => void): Promise<void> {
    if (this.closed) return;
    let accepted = false;
    try {
      const outcome = await this.host.submit(this, typeof params[0] === 'string' ? params[0] : '', params);
      accepted = outcome.accepted;
      reply(outcome.accepted, outcome.error ?? null);
    } catch (e) {
      this.host.debug('session %d: submit failed: %s', this.id, (e as Error).message);
      reply(false, stratumError(StratumError.other, 'internal error'));
    }
    if (accepted) this.rejectRun = 0;
    else if (++this.rejectRun >= MAX_REJECT_RUN) this.close('rejected-shares');
  }

  private takeSubmitToken(): boolean {
    const now = Date.now();
    this.submitTokens = Math.min(SUBMIT_BURST, this.submitTokens + ((now - this.tokensAt) / 1000) * SUBMITS_PER_SECOND);
    this.tokensAt = now;
    if (this.submitTokens < 1) return false;
    this.submitTokens--;
    return true;
  }
}

/**
 * What may follow the address: rig names as miners' configs write them, short
 * enough that names cannot be used to fill the pool's memory and stats.
 */
const RIG_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Worker names map to payout addresses: "0xAddress" or "0xAddress.rigname". */
export function parseWorkerAddress(user: string): string | null {
  const dot = user.indexOf('.');
  const addr = dot < 0 ? user : user.slice(0, dot);
  if (dot >= 0 && !RIG_NAME.test(user.slice(dot + 1))) return null;
  try {
    return formatAddress(parseAddress(addr));
  } catch {
    return null;
  }
}

export { EXTRANONCE1_SIZE };
