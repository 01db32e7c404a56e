import type { Socket } from 'node:net';
import { parseAddress, formatAddress } from '@hackcoin/core';
import { TokenBucket } from '../util/token-bucket.js';
import { VarDiff } from './vardiff.js';
import { StratumError, stratumError, u32Hex, type StratumErrorTuple, type StratumRequest } from './protocol.js';
import { EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, extranonce1For, type StratumJob } from './job.js';
import { negotiateVersionRolling } from './version-rolling.js';

/** Longest line a miner may send; anything longer closes that connection only. */
export const MAX_LINE_BYTES = 8 * 1024;
const MAX_WORKERS_PER_SESSION = 64;
const NEWLINE = 0x0a;
const NOTHING = Buffer.alloc(0);
/**
 * Longest string a request's `id` may be. The id is echoed in the reply, so a longer one, or one that
 * is neither a number, a string nor null, closes the connection as garbage. Miners number their
 * requests (cgminer, bfgminer, cpuminer) or name them with a short string (a method name, a UUID's
 * 36 characters); ids of up to 8 KB had each reply as long, and one nested 4,000 deep came within
 * 90 levels of JSON.stringify's stack limit.
 */
export const MAX_ID_CHARS = 64;
/**
 * Replies a miner has left unread beyond what the kernel holds for it, past which it is dropped: a
 * client that sends requests and never reads would otherwise have us buffer replies without end
 * (1 MiB each, 1,024 connections and 8 KB ids held 1 GiB). A miner reads what it is sent within a
 * round trip, and the most the pool sends unasked at once is a new block's set_difficulty and clean
 * notify, 1.3 KB with the 14-deep branch of a 10,000-transaction block: 64 KiB is some 50 of those,
 * and the kernel's buffers take the first of them. The pool-wide bound is StratumServer's.
 */
export const MAX_UNREAD_BYTES = 64 * 1024;

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
 * fast for its difficulty or on a flood. Past it the difficulty goes up a
 * vardiff step at once (see outran), and shares on live work are still judged,
 * so that no block is lost, but only a block among them is credited; the
 * refusal budget below bounds how many come.
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
 * Submits past the budget a connection may make, in a burst and per second, before it is closed: a
 * miner far too fast for its difficulty stays (each raise cuts its rate by 4, and none closes it
 * while the shares it found before a raise reached it still come), a flood of submits, each
 * answered, does not.
 */
export const REFUSED_SUBMIT_BURST = 5_000;
export const REFUSED_SUBMITS_PER_SECOND = 2_500;
/**
 * Blank lines ("\n", "\r\n", whitespace only) a connection may send beyond one after each request
 * (that one is not saved up: requests refill the allowance to this at most). Each is read and takes
 * its turn like any line; counted by no budget, a client had the pool loop over megabytes of newlines
 * for as long as it sent them. A client that ends each request with an empty line ("\n\n",
 * "\r\n\r\n") stays within it; past it the connection is closed as a request flood.
 */
export const BLANK_LINE_ALLOWANCE = 100;
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
  /**
   * The same work was sent again at another difficulty and this id's grace is over: it takes shares
   * no longer, but a block on it is the same block as on the id that replaced it.
   */
  retired: boolean;
}

/** A job id sent, with the header space it names and (once other work replaced it at another difficulty) when it stops counting. */
interface Sent extends Omit<SentJob, 'retired'> {
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
   * Refused for the connection's submit budget: good work not credited, or, unjudged, work that
   * could not be a block. No sign of a broken miner, so it counts toward no limit but the
   * refusal budget.
   */
  throttled?: true;
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
  /** `overBudget`: past the connection's submit budget, where only a block is credited. */
  submit(session: StratumSession, worker: string, params: unknown[], overBudget: boolean): Promise<SubmitOutcome>;
  /** The bytes of replies a connection has left unread changed by `delta`. */
  unread(delta: number): void;
  /** The connection has whole lines buffered: the host has them handled (readLines) when it is their turn. */
  readable(session: StratumSession): void;
  /** Whether this connection's address may have one more refusal excused (see SubmitOutcome.excused). */
  excuse(session: StratumSession): boolean;
  onClose(session: StratumSession, reason: CloseReason): void;
  debug(msg: string, ...args: unknown[]): void;
}

/** One miner connection: subscribe and authorize (in either order) → notify/submit, newline-delimited JSON-RPC. */
export class StratumSession {
  readonly extranonce1: Uint8Array;
  readonly workers = new Map<string, string>();
  readonly vardiff: VarDiff;
  subscribed = false;
  /** The header version bits the miner may roll (BIP310), or null when it never agreed on any. */
  versionMask: number | null = null;
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
  /** The highest share difficulty this connection was sent (see retarget). */
  private peakDifficulty = 0;
  /** When the difficulty was last raised (see retarget): the budget's next raise waits for the miner to apply it. */
  private raisedAt = -Infinity;
  /** Until then, running out of the refusal budget closes nothing (see retarget). */
  private graceUntil = -Infinity;
  /** Replies not yet taken by the kernel, in bytes, as last told to the host. */
  private unreadBytes = 0;
  /**
   * What the miner sent that is not yet handled: whole lines from `read` on, and the start of the
   * next. Kept as bytes, each line decoded as it is handled: decoded as it was read, 400 flooding
   * connections had 50 MB of text made in one turn, most of it never handled.
   */
  private buffer: Buffer = NOTHING;
  private read = 0;
  private closed = false;
  private readonly authTimer: NodeJS.Timeout;
  /** Submits are judged one at a time, in order: a flood is cut off at the reject limit, not after a whole read. */
  private submits: Promise<void> = Promise.resolve();
  private rejectRun = 0;
  /** Blank lines this connection may still send (see BLANK_LINE_ALLOWANCE). */
  private blankLines = BLANK_LINE_ALLOWANCE;
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
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close('peer-closed'));
    socket.on('close', () => this.close('peer-closed'));
  }

  get remote(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /** Replies not yet taken by the kernel, in bytes. */
  get unread(): number {
    return this.unreadBytes;
  }

  send(obj: unknown): void {
    if (this.closed) return;
    this.socket.write(`${JSON.stringify(obj)}\n`, this.flushed);
    this.countUnread();
    if (this.unreadBytes > MAX_UNREAD_BYTES) this.close('not-reading');
  }

  /** Each write's callback: the kernel took it (or the socket is gone). */
  private readonly flushed = (): void => this.countUnread();

  private countUnread(): void {
    if (this.closed) return;
    const delta = this.socket.writableLength - this.unreadBytes;
    this.unreadBytes += delta;
    if (delta !== 0) this.host.unread(delta);
  }

  /** The job id `id` as sent to this connection, or undefined when it was not (or is long forgotten). */
  sentJob(id: string): SentJob | undefined {
    const now = this.clock();
    const sent = this.sent.get(id);
    if (!sent) return undefined;
    if (sent.until <= now) return { jobId: sent.jobId, difficulty: sent.difficulty, retired: true };
    // The same hashes named under several ids at several difficulties: crediting each at the id it
    // names paid luck, as a miner sent each hash under the hardest id whose target it met (2.5×
    // its work, measured over three vardiff steps). Each counts at the easiest live one.
    let difficulty = sent.difficulty;
    for (const other of this.live(sent.work, now)) difficulty = Math.min(difficulty, other.difficulty);
    return { jobId: sent.jobId, difficulty, retired: false };
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
    if (difficulty > this.sentDifficulty) {
      const now = this.clock();
      this.raisedAt = now;
      // Shares found before the raise reached the miner still come at the old rate. Only a difficulty never
      // sent before buys the grace: lowered again (an idle spell) and raised, a flood would have one without
      // end, while new ones run out at the block's difficulty, each step up to 4x.
      if (difficulty > this.peakDifficulty) this.graceUntil = now + SUPERSEDED_GRACE_MS;
    }
    this.resend(difficulty);
  }

  /** See retarget; a difficulty the miner asked for buys no grace. */
  private resend(difficulty: number): void {
    if (!this.subscribed || this.workers.size === 0 || difficulty === this.sentDifficulty) return;
    this.setDifficulty(difficulty);
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
    if (d !== this.sentDifficulty) this.setDifficulty(d);
    this.supersede(job.work, d);
    this.remember(job.id, { jobId: job.id, difficulty: d, work: job.work, until: Infinity });
    this.lastJob = job;
    this.send({ id: null, method: 'mining.notify', params: job.notifyParams(clean) });
  }

  private setDifficulty(difficulty: number): void {
    this.sentDifficulty = difficulty;
    this.peakDifficulty = Math.max(this.peakDifficulty, difficulty);
    this.send({ id: null, method: 'mining.set_difficulty', params: [difficulty] });
  }

  /**
   * The miner ran past its submit budget: it finds shares far faster than its difficulty aims at,
   * so the difficulty goes up a vardiff step now rather than at a review, which would wait for
   * shares the budget refuses (an ASIC at the starting difficulty sent thousands in a round trip,
   * and a block among those refused unjudged was lost). Not within a grace period of the last
   * raise: shares found before it reached the miner are still coming, and show nothing about the
   * new difficulty.
   */
  private outran(): void {
    const job = this.host.currentJob();
    const now = this.clock();
    if (!job || this.sentDifficulty === 0 || now - this.raisedAt < SUPERSEDED_GRACE_MS) return;
    const next = this.vardiff.raise(this.host.blockDifficulty(job), now);
    if (next !== null) this.retarget(next);
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    // Lines still waiting for their turn are dropped unread.
    this.buffer = NOTHING;
    this.read = 0;
    clearTimeout(this.authTimer);
    this.socket.destroy();
    if (this.unreadBytes !== 0) this.host.unread(-this.unreadBytes);
    this.unreadBytes = 0;
    this.host.onClose(this, reason);
  }

  /** Whole lines buffered, waiting for their turn, counted up to `max`. */
  bufferedLines(max: number): number {
    if (this.closed) return 0;
    let n = 0;
    let at = this.read;
    while (n < max && (at = this.buffer.indexOf(NEWLINE, at) + 1) > 0) n++;
    return n;
  }

  /**
   * Stops reading from the socket while lines wait for their turn: the kernel's buffer fills and TCP
   * holds the sender back, so what the pool holds for a connection is the line being read and what
   * the socket took before it stopped (a chunk or two of 64 KiB).
   */
  hold(): void {
    this.socket.pause();
  }

  /** Reads on once the lines held are handled. */
  release(): void {
    if (!this.closed) this.socket.resume();
  }

  /**
   * Handles up to `max` of the buffered lines, blank ones included, and returns how many it took.
   * Each line is checked against the connection's budgets as it is handled (a blank one against
   * BLANK_LINE_ALLOWANCE): one past them closes the connection, and the lines behind it are dropped unread.
   */
  readLines(max: number): number {
    let n = 0;
    let nl: number;
    // The answers given here go out in one write: one each cost a system call, most of a cheap request's cost.
    this.socket.cork();
    while (n < max && !this.closed && (nl = this.buffer.indexOf(NEWLINE, this.read)) >= 0) {
      const start = this.read;
      this.read = nl + 1;
      n++;
      if (nl - start > MAX_LINE_BYTES) this.close('line-too-long');
      else {
        // A newline byte is never part of a longer UTF-8 character: each line decodes on its own.
        const line = this.buffer.toString('utf8', start, nl).trim();
        if (line) {
          this.blankLines = Math.min(BLANK_LINE_ALLOWANCE, this.blankLines) + 1;
          void this.onLine(line);
        } else if (--this.blankLines < 0) this.close('request-flood');
      }
    }
    this.socket.uncork();
    if (this.buffer.length - this.read > MAX_LINE_BYTES && this.bufferedLines(1) === 0) this.close('line-too-long');
    return n;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.read < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.read), chunk]) : chunk;
    this.read = 0;
    if (this.buffer.includes(NEWLINE)) this.host.readable(this);
    else if (this.buffer.length > MAX_LINE_BYTES) this.close('line-too-long');
  }

  private async onLine(line: string): Promise<void> {
    let req: StratumRequest;
    try {
      const parsed = JSON.parse(line) as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.method !== 'string') throw new Error('not a request');
      const id = parsed.id ?? null;
      if (!(id === null || typeof id === 'number' || (typeof id === 'string' && id.length <= MAX_ID_CHARS))) throw new Error('bad id');
      req = { id, method: parsed.method, params: Array.isArray(parsed.params) ? parsed.params : [] };
    } catch {
      // Garbage means a broken or hostile client: drop it, keep everyone else.
      this.close('garbage');
      return;
    }
    const reply = (result: unknown, error: StratumErrorTuple | null = null) => this.send({ id: req.id, result, error });
    if (req.method !== 'mining.submit' && !this.controlBudget.take()) return this.close('request-flood');
    switch (req.method) {
      case 'mining.subscribe': {
        const first = !this.subscribed;
        this.subscribed = true;
        const sid = this.id.toString(16);
        reply([[['mining.set_difficulty', sid], ['mining.notify', sid]], Buffer.from(this.extranonce1).toString('hex'), EXTRANONCE2_SIZE]);
        if (this.workers.size > 0) clearTimeout(this.authTimer);
        // Authorised first (cgminer's family may be): the work comes once the miner has its extranonce1.
        const job = this.host.currentJob();
        if (job && first && this.workers.size > 0) this.notify(job, true);
        return;
      }
      case 'mining.authorize': {
        const [user] = req.params;
        const address = typeof user === 'string' ? parseWorkerAddress(user) : null;
        if (!address) return reply(false, stratumError(StratumError.unauthorized, 'worker name must be <0x address>[.rig], rig up to 64 of A-Z a-z 0-9 _ . -'));
        if (this.workers.size >= MAX_WORKERS_PER_SESSION && !this.workers.has(user as string)) {
          return reply(false, stratumError(StratumError.unauthorized, `at most ${MAX_WORKERS_PER_SESSION} workers per connection`));
        }
        const first = this.workers.size === 0;
        this.workers.set(user as string, address);
        // Only a connection that can be sent work is through its handshake: authorised alone, it gets nothing.
        if (this.subscribed) clearTimeout(this.authTimer);
        reply(true);
        const job = this.host.currentJob();
        if (job && first) this.notify(job, true);
        return;
      }
      case 'mining.configure': {
        // BIP310: ASIC firmware (bmminer, cgminer forks) asks for its extensions first; an answer naming each
        // it asked for, false for those the pool lacks, tells it to mine without them, where an error left it guessing.
        const [names, options] = req.params;
        const asked = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string').slice(0, 8) : [];
        const result: Record<string, unknown> = Object.fromEntries(asked.map((n) => [n.slice(0, 64), false]));
        if (asked.includes('version-rolling')) {
          // Agreed once, for the connection's life: submits wait their turn behind control requests, so a
          // mask changed later would judge shares already sent under the one they were rolled in.
          this.versionMask ??= negotiateVersionRolling(typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {});
          if (this.versionMask !== null) Object.assign(result, { 'version-rolling': true, 'version-rolling.mask': u32Hex(this.versionMask) });
        }
        return reply(result);
      }
      case 'mining.extranonce.subscribe':
        return reply(false, stratumError(StratumError.other, 'extranonce changes not supported'));
      case 'mining.suggest_difficulty': {
        const [d] = req.params;
        if (typeof d !== 'number' || !(d > 0) || !Number.isFinite(d)) return reply(false, stratumError(StratumError.other, 'difficulty must be a positive number'));
        this.vardiff.suggest(d, this.clock());
        reply(true);
        // Within the pool's floor and the block's difficulty, sent at once with the work again (see
        // retarget); before the miner has work, its first notify brings it.
        const job = this.host.currentJob();
        if (job) this.resend(this.vardiff.clamp(this.host.blockDifficulty(job)));
        return;
      }
      case 'mining.submit': {
        const overBudget = !this.submitBudget.take();
        if (overBudget) {
          this.outran();
          if (!this.refusalBudget.take() && this.clock() >= this.graceUntil) return this.close('request-flood');
        }
        this.submits = this.submits.then(() => this.submit(req.params, reply, overBudget));
        return;
      }
      default:
        // Echoed no longer than an id may be.
        reply(null, stratumError(StratumError.other, `unknown method ${req.method.slice(0, MAX_ID_CHARS)}`));
    }
  }

  private async submit(params: unknown[], reply: (result: unknown, error: StratumErrorTuple | null) => void, overBudget: boolean): Promise<void> {
    if (this.closed) return;
    let accepted = false;
    let excused = false;
    let throttled = false;
    try {
      const outcome = await this.host.submit(this, typeof params[0] === 'string' ? params[0] : '', params, overBudget);
      accepted = outcome.accepted;
      excused = outcome.excused === true;
      throttled = outcome.throttled === true;
      reply(outcome.accepted, outcome.error ?? null);
    } catch (e) {
      this.host.debug('session %d: submit failed: %s', this.id, (e as Error).message);
      reply(false, stratumError(StratumError.other, 'internal error'));
    }
    // An honest miner whose shares went stale, or that the pool turned away when full, must not be dropped as a junk sender.
    // Excused only within its address's budget: a stale or made-up job id is free to send, and excused
    // without bound, 128 connections had 30,000 answered a second (HTTP p50 4 ms → 1.1 s).
    if (accepted) this.rejectRun = 0;
    else if (!throttled && !(excused && this.host.excuse(this)) && ++this.rejectRun >= MAX_REJECT_RUN) this.close('rejected-shares');
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
