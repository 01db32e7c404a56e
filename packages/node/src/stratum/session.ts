import type { Socket } from 'node:net';
import { parseAddress, formatAddress } from '@hackcoin/core';
import { TokenBucket } from '../util/token-bucket.js';
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
/**
 * Requests other than submits a connection may make in a burst, and per second after it. A
 * miner sends a handful when it connects (subscribe, configure, suggest_difficulty, one
 * authorize per rig: a proxy may authorize 64) and almost none after; each is parsed and
 * answered on the node's one event loop, and 8 connections sending nothing else held it for
 * up to a second at a time. Past the budget the connection is closed.
 */
export const CONTROL_BURST = 100;
export const CONTROL_PER_SECOND = 1;
/**
 * Submits refused for the budget a connection may draw, in a burst and per second, before it is
 * closed: a miner far too fast for its difficulty stays (vardiff catches up), a flood of submits,
 * each answered, does not.
 */
export const REFUSED_SUBMIT_BURST = 5_000;
export const REFUSED_SUBMITS_PER_SECOND = 2_500;
/**
 * Job ids a connection remembers, oldest forgotten first: as many pool jobs as the pool keeps, and
 * 16 re-sends of work under the connection's own alias ids (one per difficulty change), which live
 * in this session alone, never in the pool-wide job list.
 */
const MAX_SENT_IDS = 64 + 16;

/** Why the pool closed a connection (or `peer-closed` when the miner did). */
export type CloseReason = 'peer-closed' | 'pool-stopping' | 'idle' | 'not-authorised' | 'line-too-long' | 'garbage' | 'not-reading' | 'rejected-shares' | 'request-flood' | 'evicted';

/** A job id as this connection was sent it: the pool job it names and the share difficulty it is judged at. */
export interface SentJob {
  jobId: string;
  difficulty: number;
}

/** A job id sent, with the header space it names and (once other work replaced it at another difficulty) when it stops counting. */
interface Sent extends SentJob {
  work: string;
  until: number;
}

/**
 * How long an id stays good after the same work was sent again at another difficulty: shares
 * already in flight on it still count, at the lowest difficulty among the ids of that work.
 */
export const SUPERSEDED_GRACE_MS = 5_000;

export interface SubmitOutcome {
  accepted: boolean;
  error?: StratumErrorTuple;
  /**
   * Refused without judging the work: for a limit of the pool's own, or for a job that is gone
   * (a new block, a restart). It cost no header hash and is no sign of a broken miner (every
   * share in flight when a block is found comes back stale), so it does not count toward the
   * reject run; the submit budget bounds how many a connection can send.
   */
  excused?: true;
}

/** What a session needs from its server. */
export interface SessionHost {
  currentJob(): StratumJob | null;
  /** Difficulty of the block the job builds: no share target may be harder. */
  blockDifficulty(job: StratumJob): number;
  submit(session: StratumSession, worker: string, params: unknown[]): Promise<SubmitOutcome>;
  /** Whether this connection's address may have one more refusal excused (see SubmitOutcome.excused). */
  excuse(session: StratumSession): boolean;
  onClose(session: StratumSession, reason: CloseReason): void;
  debug(msg: string, ...args: unknown[]): void;
}

/** One miner connection: subscribe → authorize → notify/submit, newline-delimited JSON-RPC. */
export class StratumSession {
  readonly extranonce1: Uint8Array;
  readonly workers = new Map<string, string>();
  readonly vardiff: VarDiff;
  subscribed = false;
  /**
   * Pool-clock time of the last accepted share (or of connecting, before any). Our own notifies keep
   * the socket busy and a rejected share costs nothing, so only accepted work tells a working
   * connection from one that just holds a slot.
   */
  lastWork: number;
  /** Whether any share of this connection was accepted: one that never worked is the first to make room. */
  worked = false;
  /** The network group of the remote address (Core's netgroup), set by the server. */
  group = '';
  /**
   * Each id sent (a pool job's, or an alias of one re-sent at a new difficulty) with its pool job and
   * the difficulty in force: a share is judged, and credited, at its id's difficulty.
   */
  private readonly sent = new Map<string, Sent>();
  private aliasCounter = 0;
  /** The pool job this connection was last sent: what a difficulty change re-sends. */
  private lastJob: StratumJob | null = null;
  private sentDifficulty = 0;
  private buffer = '';
  private closed = false;
  private readonly authTimer: NodeJS.Timeout;
  /** Submits are judged one at a time, in order: a flood is cut off at the reject limit, not after a whole read. */
  private submits: Promise<void> = Promise.resolve();
  private rejectRun = 0;
  private readonly submitBudget: TokenBucket;
  private readonly controlBudget: TokenBucket;
  private readonly refusalBudget: TokenBucket;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly host: SessionHost,
    vardiff: VarDiff,
    /** A connection that has not authorised a worker by then holds a slot for nothing: it is closed. */
    authTimeoutMs: number,
    /** The pool clock at connection: the idle review counts from it until the first submit. */
    connectedAt: number,
    /** The pool's clock (ms): the submit budget refills by it, so a test can hold it still. */
    private readonly clock: () => number = Date.now,
  ) {
    this.lastWork = connectedAt;
    this.submitBudget = new TokenBucket(SUBMIT_BURST, SUBMITS_PER_SECOND, clock);
    this.controlBudget = new TokenBucket(CONTROL_BURST, CONTROL_PER_SECOND, clock);
    this.refusalBudget = new TokenBucket(REFUSED_SUBMIT_BURST, REFUSED_SUBMITS_PER_SECOND, clock);
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

  /** The job id `id` as sent to this connection, or undefined when it was not (or is long forgotten). */
  sentJob(id: string): SentJob | undefined {
    const now = this.clock();
    const sent = this.sent.get(id);
    if (!sent || sent.until <= now) return undefined;
    // The same hashes named under several ids at several difficulties: crediting each at the id it
    // names paid luck, as a miner sent each hash under the hardest id whose target it met (2.5×
    // its work, measured over three vardiff steps). Each counts at the easiest live one.
    let difficulty = sent.difficulty;
    for (const other of this.live(sent.work, now)) difficulty = Math.min(difficulty, other.difficulty);
    return { jobId: sent.jobId, difficulty };
  }

  /**
   * A share naming `id` was accepted: if `id` is the newest for its work, the miner has moved to it,
   * and the ids it replaced stop counting now rather than after their grace (shares on them were
   * counted at the easiest, and a miner at the new difficulty was paid at the old one meanwhile).
   */
  workedOn(id: string): void {
    const sent = this.sent.get(id);
    if (!sent || sent.until !== Infinity) return;
    const now = this.clock();
    // Those at the same difficulty (refreshes of the work) were never superseded and stay.
    for (const s of this.live(sent.work, now)) if (s.until !== Infinity) s.until = now;
  }

  private *live(work: string, now: number): Iterable<Sent> {
    for (const s of this.sent.values()) if (s.work === work && s.until > now) yield s;
  }

  private remember(id: string, sent: Sent): void {
    this.sent.delete(id);
    this.sent.set(id, sent);
    if (this.sent.size > MAX_SENT_IDS) this.sent.delete(this.sent.keys().next().value as string);
  }

  /** `work` was just sent at `difficulty`: its ids at other difficulties count for a grace period more. */
  private supersede(work: string, difficulty: number): void {
    const now = this.clock();
    for (const s of this.live(work, now)) if (s.difficulty !== difficulty) s.until = Math.min(s.until, now + SUPERSEDED_GRACE_MS);
  }

  /**
   * A new share difficulty, followed by the current work again under an id
   * of this connection's own. Miners differ in when they apply a difficulty
   * (cgminer at once, cpuminer at the next notify); with the notify right
   * behind it both move to the new difficulty together with the new id, and
   * every share is judged and credited at the difficulty of the id it names.
   * The alias lives in this session only: other miners' jobs in the
   * pool-wide list are never pushed out by one connection's changes.
   */
  retarget(difficulty: number): void {
    if (!this.subscribed || this.workers.size === 0 || difficulty === this.sentDifficulty) return;
    this.sentDifficulty = difficulty;
    this.send({ id: null, method: 'mining.set_difficulty', params: [difficulty] });
    const job = this.lastJob;
    // Work held back or replaced since is not worth re-sending: the next notify carries the new difficulty.
    if (!job || job !== this.host.currentJob()) return;
    const alias = `${job.id}.${(++this.aliasCounter).toString(16)}`;
    this.supersede(job.work, difficulty);
    this.remember(alias, { jobId: job.id, difficulty, work: job.work, until: Infinity });
    // Clean: work still in flight at the old difficulty is worth less (or nothing) than the same hashes on the alias.
    this.send({ id: null, method: 'mining.notify', params: job.notifyParams(true, alias) });
  }

  /** Sends a job; a changed share difficulty goes first, since miners apply it at the next notify. */
  notify(job: StratumJob, clean: boolean): void {
    if (!this.subscribed || this.workers.size === 0) return;
    const d = this.vardiff.clamp(this.host.blockDifficulty(job));
    if (d !== this.sentDifficulty) {
      this.sentDifficulty = d;
      this.send({ id: null, method: 'mining.set_difficulty', params: [d] });
    }
    this.supersede(job.work, d);
    this.remember(job.id, { jobId: job.id, difficulty: d, work: job.work, until: Infinity });
    this.lastJob = job;
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
    if (req.method !== 'mining.submit' && !this.controlBudget.take()) return this.close('request-flood');
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
      case 'mining.configure': {
        // BIP310: ASIC firmware (bmminer, cgminer forks) asks for version rolling first; an answer naming each
        // extension it asked for, each false, tells it to mine without, where an error left it guessing.
        const [names] = req.params;
        const asked = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string').slice(0, 8) : [];
        return reply(Object.fromEntries(asked.map((n) => [n.slice(0, 64), false])));
      }
      case 'mining.extranonce.subscribe':
        return reply(false, stratumError(StratumError.other, 'extranonce changes not supported'));
      case 'mining.submit': {
        if (!this.submitBudget.take()) {
          if (!this.refusalBudget.take()) return this.close('request-flood');
          return reply(false, stratumError(StratumError.other, 'too many submits; slow down'));
        }
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
    let excused = false;
    try {
      const outcome = await this.host.submit(this, typeof params[0] === 'string' ? params[0] : '', params);
      accepted = outcome.accepted;
      excused = outcome.excused === true;
      reply(outcome.accepted, outcome.error ?? null);
    } catch (e) {
      this.host.debug('session %d: submit failed: %s', this.id, (e as Error).message);
      reply(false, stratumError(StratumError.other, 'internal error'));
    }
    // An honest miner whose shares went stale, or that the pool turned away when full, must not be dropped as a junk sender.
    // Excused only within its address's budget: a stale or made-up job id is free to send, and excused
    // without bound, 128 connections had 30,000 answered a second (HTTP p50 4 ms → 1.1 s).
    if (accepted) this.rejectRun = 0;
    else if (!(excused && this.host.excuse(this)) && ++this.rejectRun >= MAX_REJECT_RUN) this.close('rejected-shares');
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
