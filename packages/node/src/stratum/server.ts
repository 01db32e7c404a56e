import { createServer, type Server, type Socket } from 'node:net';
import {
  RuleError,
  bytesToBigIntLE,
  headerHash,
  hexToBytes,
  parseAddress,
  type BlockHeader,
  type ConsensusParams,
} from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';
import type { Mempool } from '../mempool/mempool.js';
import { createTemplate, earliestTime, retimeTemplate, stillCurrent } from '../mining/template.js';
import { HOLD_RETRY_MS, MAX_AHEAD_SECONDS, holdsBack } from '../mining/clock-guard.js';
import type { Logger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { Fifo } from '../util/fifo.js';
import { EXTRANONCE1_SIZE, EXTRANONCE2_SIZE, StratumJob } from './job.js';
import { JobBook, MAX_SHARES_PER_TIP, REFRESH_GRACE_MS } from './job-book.js';
import { MAX_WINDOW_SHARES, PplnsWindow } from './pplns.js';
import type { PplnsStore } from './pplns-store.js';
import { DIFF1_TARGET, StratumError, parseU32Hex, stratumError, targetForDifficulty } from './protocol.js';
import { StratumSession, type CloseReason, type SessionHost, type SubmitOutcome } from './session.js';
import { VarDiff } from './vardiff.js';
import { parseVersionBits, rollVersion } from './version-rolling.js';
import { clientKey } from '../util/client-key.js';
import { TokenBucket } from '../util/token-bucket.js';
import { OldestFirst } from '../util/oldest-first.js';
import { MaxHeap } from '../util/heap.js';
import { netgroup } from '../p2p/netgroup.js';
import { SHARE_OUTCOMES, WorkerBook, type ShareOutcome } from './worker-stats.js';

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
  /** Seconds between one connection's shares that vardiff aims at. */
  shareIntervalSeconds?: number;
  /** Connections per IPv4 address or IPv6 /64. */
  maxConnectionsPerIp?: number;
  /** Connections in all: each holds a file descriptor and buffers, and descriptors run out. */
  maxConnections?: number;
  /** Bytes of replies all connections together may leave unread (MAX_POOL_UNREAD_BYTES). */
  maxUnreadBytes?: number;
  /** A connection that has not authorised a worker within this time is closed. */
  authTimeoutMs?: number;
  /** A connection that has submitted nothing for this long (pool clock) is closed as idle. */
  idleTimeoutMs?: number;
  /** Least PPLNS window, in units of share difficulty; it is at least PPLNS_WINDOW_BLOCKS times the block difficulty. */
  windowDifficulty?: number;
  /** Persists the PPLNS window; without it the window lives in memory only. */
  windowStore?: PplnsStore;
  /** Notify is re-sent at least this often so miners never sit idle or reconnect. */
  notifyIntervalMs?: number;
  /** Shares remembered for duplicate checks on one tip, beyond which shares are refused until the next block. */
  maxSharesPerTip?: number;
  /** How long a job replaced by a template refresh on the same tip still earns shares. */
  refreshGraceMs?: number;
  /** Per-connection variable difficulty (default on); benchmarks pin the difficulty. A miner past its submit budget is raised all the same. */
  varDiff?: boolean;
  /** The pool's clock in milliseconds; injectable so tests can move it. */
  now?: () => number;
}

export interface FoundBlock {
  height: number;
  hash: string;
  reward: bigint;
  worker: string;
  time: number;
  split: Map<string, bigint>;
}

export interface StratumEvents extends Record<string, unknown[]> {
  block: [found: FoundBlock];
  share: [worker: string, difficulty: number, outcome: ShareOutcome];
}

const HASHRATE_WINDOW_MS = 10 * 60 * 1000;
/**
 * Found blocks the stats list, and the addresses each lists (the largest shares; `payees` counts
 * them all). A window can split a reward over ~10,000 addresses: kept whole for 1,000 blocks, the
 * list grew to hundreds of MB, and the unauthenticated stats answer serialised every entry.
 */
const STATS_BLOCKS = 1_000;
const STATS_SPLIT = 16;

/** The `n` largest entries of a split, largest first. */
function largestShares(split: ReadonlyMap<string, bigint>, n: number): Map<string, bigint> {
  return new Map([...split].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : 0)).slice(0, n));
}
/** Workers listed in stats (those with the most accepted work): the unauthenticated answer stays small. */
export const STATS_WORKERS = 100;
/**
 * The PPLNS window spans at least this many blocks' worth of difficulty, as PPLNS pools size N
 * from the network's difficulty: vardiff may raise a share's difficulty up to the block's, and a
 * window fixed at 1,000 × the starting difficulty (10 on mainnet) then held a single share, so
 * whoever found the block took all of its reward.
 */
export const PPLNS_WINDOW_BLOCKS = 2;
/**
 * The window must take at least this many shares at the lowest share difficulty to fill, a tenth
 * of its record bound: floor-difficulty shares (initial / 1,024) filled all 100,000 records with
 * a tenth of the window's work, and every honest share left it (the honest miner's part of the
 * next reward went from 100 % to 0).
 */
export const WINDOW_FILL_SHARES = MAX_WINDOW_SHARES / 10;

/** Below a typical 1,024-descriptor soft limit's worth of sockets plus the node's own files and peers. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
/** How long a connection must have gone without an accepted share before a full pool closes it for a newcomer. */
export const EVICT_QUIET_MS = 60_000;
/**
 * Stale or unknown-job refusals all connections from one address may have excused, in a burst and
 * per second after it: when a block retires a job, a farm of 64 rigs behind one NAT has a share or
 * two each in flight.
 */
export const EXCUSED_PER_IP_BURST = 1_000;
export const EXCUSED_PER_IP_PER_SECOND = 100;
/**
 * Shares hashed and found wanting (low difficulty, duplicates) all connections from one address may
 * send, in a burst and per second after it, before the one that goes past is closed and the address
 * turned away for REJECT_COOL_OFF_MS. The reject run is per connection: one address that reconnected
 * after each run of 100 had 200,000 shares hashed in 12 s. A farm of 64 rigs behind one NAT sends
 * about 13 shares a second in all, nearly all of them good.
 */
export const REJECTED_PER_IP_BURST = 1_000;
export const REJECTED_PER_IP_PER_SECOND = 10;
export const REJECT_COOL_OFF_MS = 30_000;
/**
 * Headers hashed for shares on retired job ids (to find a block among them) all connections from one
 * address may have, in a burst and per second after it. A budget of its own: such shares are stale,
 * excused and free to send, so drawn from the budget for shares found wanting they let one rig spend
 * it and have its neighbours' first bad share turn their address away.
 */
export const RETIRED_HASHED_PER_IP_BURST = 100;
export const RETIRED_HASHED_PER_IP_PER_SECOND = 10;
/** Addresses whose budgets (and cool-offs) are kept, each kind apart (a few hundred bytes each). */
const MAX_ADDRESS_BUCKETS = 4_096;
/**
 * Replies all connections together may leave unread, past which the connection with the most is
 * closed: within its own bound (MAX_UNREAD_BYTES) each could hold 64 KiB, 64 MiB over 1,024
 * connections. A new block's notify to every one of those is 1.3 MB, read or not.
 */
export const MAX_POOL_UNREAD_BYTES = 16 * 1024 * 1024;
/**
 * Lines all connections together have handled in one turn of the event loop, past which the rest
 * wait for the next: the chain, the peers and the API share that loop. Every buffered line of a
 * read was handled at once, and libuv reads up to 2 MiB a socket a turn: 400 connections sending
 * 650 KB of cheap requests each held the loop for 0.1 to 1.6 s of CPU at a time on 2 cores (blank
 * lines, which no budget counted then, for as long as they came). A turn of the costliest lines, 8 KiB
 * requests, took about 10 ms there.
 */
export const LINES_PER_TURN = 128;
/**
 * Lines a connection has handled in a turn; the rest wait for another. Connections waiting are
 * served by fair queuing in lines handled, soonest-ending slice first: one that has just sent a
 * line or two goes before those with a backlog, so a miner's answer waits for a slice or so of a
 * flood, not for a round of every flooding connection (seconds, with 400 of them on a loaded
 * machine). A miner's burst of 500 shares is answered over 32 turns, about as fast as when it was
 * handled in one.
 */
export const LINES_PER_SLICE = 16;
/** A miner subscribes and authorises in its first round trips; 30 s covers a slow link many times over. */
export const DEFAULT_AUTH_TIMEOUT_MS = 30_000;
export const DEFAULT_SHARE_INTERVAL_SECONDS = 5;
/**
 * An authorised connection with no submit for this long is closed: vardiff
 * eases a quiet miner to the minimum difficulty within minutes, so a working
 * one submits long before, and idle ones would otherwise hold the per-address
 * and pool-wide slots for good.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
const REVIEW_SECONDS = 15;

/** A connection waiting for its turn to have its lines handled (see LINES_PER_SLICE). */
interface Queued {
  session: StratumSession;
  /** Lines handled by all connections, in the scheduler's virtual time, when its slice starts and ends. */
  start: number;
  finish: number;
  seq: number;
}

/** What a share names beyond its job: BIP310's version bits as sent, applied within the connection's mask. */
interface ShareWork {
  en2: Uint8Array;
  ntime: number;
  nonce: number;
  versionBits: number;
}

/** A share past the connection's submit budget, refused (see SubmitOutcome.throttled). */
const THROTTLED: SubmitOutcome = { accepted: false, error: stratumError(StratumError.other, 'too many submits; slow down'), throttled: true };

/** Token buckets by client address, shared by its connections and kept across reconnects; the oldest forgotten past MAX_ADDRESS_BUCKETS. */
class AddressBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly oldest = new OldestFirst(this.buckets);

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly clock: () => number,
  ) {}

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, (bucket = new TokenBucket(this.burst, this.perSecond, this.clock)));
      if (this.buckets.size > MAX_ADDRESS_BUCKETS) this.oldest.evict();
    }
    return bucket.take();
  }
}

/** Difficulty of a block target, on the share-difficulty scale miners see. */
export function difficultyOfTarget(target: bigint): number {
  return Number(DIFF1_TARGET) / Number(target);
}

/**
 * A Stratum v1 pool server in front of the node: jobs from the node's own
 * templates, share checks exactly as the protocol defines the miner's work,
 * PPLNS accounting, and full blocks submitted to the chain.
 */
export class StratumServer extends TypedEmitter<StratumEvents> implements SessionHost {
  private readonly server: Server;
  private readonly sessions = new Set<StratumSession>();
  private readonly perIp = new Map<string, number>();
  private readonly excuses = new AddressBuckets(EXCUSED_PER_IP_BURST, EXCUSED_PER_IP_PER_SECOND, () => this.now());
  private readonly rejects = new AddressBuckets(REJECTED_PER_IP_BURST, REJECTED_PER_IP_PER_SECOND, () => this.now());
  private readonly retiredHashes = new AddressBuckets(RETIRED_HASHED_PER_IP_BURST, RETIRED_HASHED_PER_IP_PER_SECOND, () => this.now());
  /** Addresses turned away until the time given, for shares found wanting (see hashedReject). */
  private readonly coolingOff = new Map<string, number>();
  private readonly oldestCoolingOff = new OldestFirst(this.coolingOff);
  /** Bytes of replies all connections have left unread. */
  private unreadTotal = 0;
  /** Connections with lines waiting for their turn, held from reading meanwhile. */
  private readonly waiting = new Set<StratumSession>();
  /** The waiting connections, lowest finish tag first (ties in the order they came); entries of closed ones are skipped. */
  private readonly queue = new MaxHeap<Queued>((a, b) => a.finish < b.finish || (a.finish === b.finish && a.seq < b.seq));
  private queuedCount = 0;
  /** Each connection's finish tag: the start tag of its last slice plus the lines it handled then. */
  private readonly finishTags = new WeakMap<StratumSession, number>();
  /** The latest start tag served: a connection that comes back from a lull starts there, not with credit for it. */
  private virtualTime = 0;
  /** Lines handled since the last turn began (see LINES_PER_TURN). */
  private turnLines = 0;
  private turnQueued = false;
  private readonly jobs: JobBook;
  private readonly window: PplnsWindow;
  private readonly windowFloor: number;
  private refusalLoggedAt = -Infinity;
  private readonly workers = new WorkerBook();
  private readonly recentShares = new Fifo<{ t: number; d: number }>();
  /** Connections closed, by reason: what hostile or broken miners cost shows here. */
  private readonly closes: Record<CloseReason, number> = { 'peer-closed': 0, 'pool-stopping': 0, idle: 0, 'not-authorised': 0, 'line-too-long': 0, garbage: 0, 'not-reading': 0, 'rejected-shares': 0, 'request-flood': 0, evicted: 0 };
  /** Connections turned away at the pool-wide or per-address limit. */
  private refused = 0;
  /** Blocks found, newest last, each with its largest shares of the reward (the payouts keep the whole split). */
  readonly blocks: (FoundBlock & { payees: number })[] = [];
  private job: StratumJob | null = null;
  private nextSessionId = 1;
  /** extranonce1 values (ids' low 32 bits) of the sessions in `sessions`. */
  private readonly liveExtranonces = new Set<number>();
  private jobCounter = 0;
  private timers: NodeJS.Timeout[] = [];
  /** Set while templates run too far ahead of the clock: the next look at it. */
  private holdTimer: NodeJS.Timeout | null = null;
  private building: Promise<void> | null = null;
  private accepting = true;
  /** Parent of the block a share just solved, while the chain connects it: work on that parent is already stale. */
  private solvedParent: ChainEntry | null = null;
  private readonly poolAddressBytes: Uint8Array;
  private readonly onTip = () => void this.refreshJob(true);

  constructor(private readonly o: StratumOptions) {
    super();
    this.poolAddressBytes = parseAddress(o.poolAddress);
    this.jobs = new JobBook(o.refreshGraceMs ?? REFRESH_GRACE_MS, o.maxSharesPerTip ?? MAX_SHARES_PER_TIP);
    this.windowFloor = o.windowDifficulty ?? 1_000 * o.initialDifficulty;
    this.window = new PplnsWindow(this.windowFloor);
    this.server = createServer((socket) => this.onConnection(socket));
    o.chain.on('tip', this.onTip);
  }

  async start(): Promise<number> {
    if (this.o.windowStore) {
      const restored = await this.o.windowStore.load();
      await this.o.windowStore.forget(this.window.restore(restored));
      if (restored.length > 0) this.o.log.info(`pool: PPLNS window restored (${this.window.size} share(s))`);
    }
    await this.refreshJob(true);
    await new Promise<void>((res, rej) => {
      this.server.once('error', rej);
      this.server.listen(this.o.port, this.o.host, () => res());
    });
    // accept() fails when descriptors run out (EMFILE): the pool keeps serving who it has, the node keeps running.
    this.server.on('error', (e) => this.o.log.warn(`stratum: ${e.message}`));
    this.timers = [
      setInterval(() => void this.refreshJob(false), this.o.notifyIntervalMs ?? 30_000),
      setInterval(() => this.review(), (REVIEW_SECONDS * 1000) / 3),
    ];
    const port = (this.server.address() as { port: number }).port;
    this.o.log.info(`stratum pool listening on stratum+tcp://${this.o.host}:${port}`);
    return port;
  }

  /** Stops taking shares and connections; the PPLNS window is on disk when this resolves. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.o.chain.off('tip', this.onTip);
    for (const t of this.timers) clearInterval(t);
    if (this.holdTimer) clearTimeout(this.holdTimer);
    for (const s of this.sessions) s.close('pool-stopping');
    await new Promise<void>((res) => this.server.close(() => res()));
    await this.building;
    await this.o.windowStore?.flush();
  }

  currentJob(): StratumJob | null {
    return this.job;
  }

  blockDifficulty(job: StratumJob): number {
    return difficultyOfTarget(job.template.target);
  }

  debug(msg: string, ...args: unknown[]): void {
    this.o.log.debug(msg, ...args);
  }

  /**
   * A session's extranonce1 is its id's low 32 bits, which repeat after 2^32 connections: two live
   * miners with one extranonce1 would search the same space, each share of one a duplicate of the
   * other's. Ids whose extranonce1 a live session holds are skipped (at most maxConnections of them).
   */
  private freeSessionId(): number {
    let id = this.nextSessionId++;
    while (this.liveExtranonces.has(id >>> 0)) id = this.nextSessionId++;
    this.liveExtranonces.add(id >>> 0);
    return id;
  }

  /**
   * One excused refusal from the budget of the address it comes from (EXCUSED_PER_IP_*), shared by
   * its connections and kept across reconnects: past it, stale and unknown job ids count toward the
   * reject run like any rejected share. Accepted shares never draw on it, so a flooding connection
   * cannot starve the rigs beside it behind one NAT.
   */
  excuse(session: StratumSession): boolean {
    return this.excuses.take(clientKey(session.remote));
  }

  /** Past MAX_POOL_UNREAD_BYTES, the connections with the most unread are closed until the pool is back under it. */
  unread(delta: number): void {
    this.unreadTotal += delta;
    if (delta <= 0) return;
    while (this.unreadTotal > (this.o.maxUnreadBytes ?? MAX_POOL_UNREAD_BYTES)) {
      let most: StratumSession | undefined;
      for (const s of this.sessions) if (!most || s.unread > most.unread) most = s;
      if (!most) return;
      most.close('not-reading');
    }
  }

  /**
   * With nobody waiting and room in this turn, a connection's lines are handled at once (a slice of
   * them); otherwise, or for those past the slice, it waits its turn, held from reading.
   */
  readable(session: StratumSession): void {
    if (this.waiting.size === 0 && this.turnLines < LINES_PER_TURN) this.slice(session, this.startTag(session));
    this.enqueue(session);
    this.queueTurn();
  }

  private startTag(session: StratumSession): number {
    return Math.max(this.virtualTime, this.finishTags.get(session) ?? 0);
  }

  private slice(session: StratumSession, start: number): void {
    this.virtualTime = Math.max(this.virtualTime, start);
    const lines = session.readLines(Math.min(LINES_PER_SLICE, LINES_PER_TURN - this.turnLines));
    this.turnLines += lines;
    this.finishTags.set(session, start + lines);
  }

  /**
   * Queued by when its next slice would end, the lines it has counted: a miner's request or two goes
   * before the backlogs of connections that came at the same time.
   */
  private enqueue(session: StratumSession): void {
    const lines = session.bufferedLines(LINES_PER_SLICE);
    if (lines === 0) return session.release();
    session.hold();
    this.waiting.add(session);
    const start = this.startTag(session);
    this.queue.push({ session, start, finish: start + lines, seq: this.queuedCount++ });
  }

  /** A turn begins in the loop's check phase, after the timers and the reads of the one before. */
  private queueTurn(): void {
    if (this.turnQueued) return;
    this.turnQueued = true;
    setImmediate(this.turn);
  }

  /** Serves the connections waiting, a slice each, until the turn's lines are used. */
  private readonly turn = (): void => {
    this.turnQueued = false;
    this.turnLines = 0;
    const served: StratumSession[] = [];
    while (this.turnLines < LINES_PER_TURN) {
      const next = this.queue.pop();
      if (!next) break;
      if (!this.waiting.delete(next.session)) continue;
      this.slice(next.session, next.start);
      served.push(next.session);
    }
    // One slice a turn: the submits it queued are judged, and a run of rejects closes the connection,
    // before it has more lines read.
    for (const s of served) this.enqueue(s);
    if (this.waiting.size > 0) this.queueTurn();
  };

  onClose(session: StratumSession, reason: CloseReason): void {
    this.waiting.delete(session);
    if (!this.sessions.delete(session)) return;
    this.liveExtranonces.delete(session.id >>> 0);
    this.closes[reason]++;
    if (reason !== 'peer-closed' && reason !== 'pool-stopping') this.o.log.debug('stratum: closed session %d from %s: %s', session.id, session.remote, reason);
    const key = clientKey(session.remote);
    const n = (this.perIp.get(key) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(key);
    else this.perIp.set(key, n);
  }

  get connections(): number {
    return this.sessions.size;
  }

  shareTotals(): Readonly<Record<ShareOutcome, number>> {
    return this.workers.totals;
  }

  /** Pool hash rate from accepted share difficulty over the last ten minutes. */
  hashrate(now = Date.now()): number {
    while (this.recentShares.length > 0 && now - this.recentShares.first()!.t > HASHRATE_WINDOW_MS) this.recentShares.shift();
    const oldest = this.recentShares.first();
    const span = oldest ? Math.max(1, (now - oldest.t) / 1000) : 1;
    let sum = 0;
    for (const s of this.recentShares) sum += s.d;
    return (sum * 2 ** 32) / span;
  }

  /** The pool's counters and its busiest workers; the found blocks are in `blocks`, which Pool lists and pages. */
  stats(): Record<string, unknown> {
    const now = Date.now();
    const t = this.workers.totals;
    return {
      connections: this.sessions.size,
      poolAddress: this.o.poolAddress,
      hashrate: Math.round(this.hashrate(now)),
      blockDifficulty: this.job ? this.blockDifficulty(this.job) : null,
      sharesAccepted: t.accepted,
      sharesRejected: SHARE_OUTCOMES.reduce((a, k) => a + (k === 'accepted' ? 0 : t[k]), 0),
      shares: { ...t },
      pplnsShares: this.window.size,
      disconnects: { ...this.closes },
      refusedConnections: this.refused,
      workerCount: this.workers.size,
      workers: this.workers.top(STATS_WORKERS).map((w) => ({
        worker: w.worker,
        address: w.address,
        accepted: w.accepted,
        rejected: w.stale + w.duplicate + w.lowDifficulty + w.invalid,
        stale: w.stale,
        duplicate: w.duplicate,
        lowDifficulty: w.lowDifficulty,
        invalid: w.invalid,
        difficulty: w.difficulty,
        hashrate: Math.round((w.difficultySum * 2 ** 32) / Math.max(1, (w.lastShare - w.firstShare) / 1000)),
        lastShare: w.lastShare ? new Date(w.lastShare).toISOString() : null,
      })),
    };
  }

  private onConnection(socket: Socket): void {
    const key = clientKey(socket.remoteAddress ?? 'unknown');
    const count = this.perIp.get(key) ?? 0;
    if (!this.accepting) return void socket.destroy();
    const group = netgroup(socket.remoteAddress ?? 'unknown');
    const full = (): boolean => this.sessions.size >= (this.o.maxConnections ?? DEFAULT_MAX_CONNECTIONS) && !this.makeRoom(group);
    const perIpLimit = this.o.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP;
    const cooling = this.coolsOff(key);
    if (count >= perIpLimit || cooling || full()) {
      this.refused++;
      // Once a minute at most: a farm behind one NAT past the per-address limit otherwise only reconnects, unseen.
      const now = this.now();
      if (now - this.refusalLoggedAt >= 60_000) {
        this.refusalLoggedAt = now;
        const why = count >= perIpLimit ? `${key} already has ${perIpLimit} connections` : cooling ? `${key} sent too many bad shares` : `the pool is full`;
        this.o.log.warn(`stratum: turning a connection away (${why}); ${this.refused} turned away so far`);
      }
      socket.destroy();
      return;
    }
    this.perIp.set(key, count + 1);
    const vardiff = new VarDiff(this.o.initialDifficulty, {
      min: this.o.minDifficulty ?? this.o.initialDifficulty / 1024,
      floorFor: (blockDifficulty) => this.windowFor(blockDifficulty) / WINDOW_FILL_SHARES,
      targetSeconds: this.o.shareIntervalSeconds ?? DEFAULT_SHARE_INTERVAL_SECONDS,
      reviewSeconds: REVIEW_SECONDS,
    }, this.now());
    const s = new StratumSession(this.freeSessionId(), socket, this, vardiff, this.o.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS, this.now(), () => this.now());
    s.group = group;
    this.sessions.add(s);
  }

  private coolsOff(key: string): boolean {
    const until = this.coolingOff.get(key);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.coolingOff.delete(key);
    return false;
  }

  /**
   * A share hashed and found wanting draws on its address's budget (REJECTED_PER_IP_*); past it the
   * connection is closed and the address turned away for REJECT_COOL_OFF_MS. Its other connections
   * stay while their shares are good: the rigs beside a broken one behind a NAT keep mining.
   */
  private hashedReject(session: StratumSession, outcome: SubmitOutcome): SubmitOutcome {
    const key = clientKey(session.remote);
    if (!this.rejects.take(key)) {
      this.coolingOff.set(key, this.now() + REJECT_COOL_OFF_MS);
      if (this.coolingOff.size > MAX_ADDRESS_BUCKETS) this.oldestCoolingOff.evict();
      session.close('rejected-shares');
    }
    return outcome;
  }

  /**
   * A full pool closes the connection whose last accepted share (or connection, if none) is oldest,
   * when that is over a minute old, to take a newcomer: a miner at work shares every few seconds
   * (vardiff's aim), so only connections that hold a slot without work make way, and holding all of
   * them costs a share per connection per minute instead of nothing.
   */
  private makeRoom(newcomerGroup: string): boolean {
    let quietest: StratumSession | undefined;
    for (const s of this.sessions) if (!quietest || s.lastWork < quietest.lastWork) quietest = s;
    if (quietest && this.now() - quietest.lastWork >= EVICT_QUIET_MS) {
      quietest.close('evicted');
      return true;
    }
    const victim = this.crowdedIdler(newcomerGroup);
    if (!victim) return false;
    victim.close('evicted');
    return true;
  }

  /**
   * The youngest connection that has had no share accepted, from the network group with the most
   * such connections, when that group has more of them than the newcomer's would have with it
   * (Core evicts inbound peers from the most crowded netgroup). Connections younger than a minute
   * were immune: 1,024 from 16 addresses, each closing and reconnecting before its minute was up,
   * held every slot without hashing, and an honest miner got in on 5 tries of 89.
   */
  private crowdedIdler(newcomerGroup: string): StratumSession | undefined {
    const idle = new Map<string, StratumSession[]>();
    let newcomers = 1;
    for (const s of this.sessions) {
      if (s.group === newcomerGroup) newcomers++;
      if (s.worked) continue;
      const list = idle.get(s.group);
      if (list) list.push(s);
      else idle.set(s.group, [s]);
    }
    let crowded: StratumSession[] | undefined;
    for (const list of idle.values()) if (!crowded || list.length > crowded.length) crowded = list;
    if (!crowded || crowded.length <= newcomers) return undefined;
    // Ids grow with each connection: the later of two in the same millisecond is the younger.
    return crowded.reduce((a, b) => (b.lastWork > a.lastWork || (b.lastWork === a.lastWork && b.id > a.id) ? b : a));
  }

  private refreshJob(clean: boolean): Promise<void> {
    if (this.building) return this.building.then(() => this.refreshJob(clean));
    const build = async (): Promise<void> => {
      try {
        const nowSeconds = Math.floor(this.now() / 1000);
        const extra = new Uint8Array(EXTRANONCE1_SIZE + EXTRANONCE2_SIZE);
        // Tip and mempool unchanged since the current job's template: the same block with a new time, as
        // the solo miner does. Assembling again re-ran every contract call it holds, every 30 s.
        const current = this.job?.template;
        const t =
          current && stillCurrent(current, this.o.chain, this.o.mempool)
            ? retimeTemplate(current, this.o.chain, extra, nowSeconds)
            : await createTemplate(this.o.chain, this.o.mempool, this.poolAddressBytes, extra, nowSeconds);
        if (!this.accepting) return;
        // The tip moved while this was built: the refresh that move queued builds on the new one, and
        // work on the old parent would only be a useless notify in front of it.
        if (t.parent !== this.o.chain.tip) return;
        if (holdsBack(t, nowSeconds)) {
          // Miners answered stale for a while lose less than blocks the 2-hour rule would refuse.
          if (this.job && this.job.template.parent !== t.parent) this.job = null;
          this.holdBack(t.header.time - nowSeconds);
          return;
        }
        // A timer refresh that lands on a new tip retires the old jobs like the tip event would.
        const retire = clean || this.job === null || this.job.template.parent !== t.parent;
        const job = new StratumJob((++this.jobCounter).toString(16), t);
        this.jobs.add(job, retire, this.now());
        this.job = job;
        for (const s of this.sessions) s.notify(job, retire);
      } catch (e) {
        this.o.log.error(`stratum: could not build a job: ${(e as Error).message}`);
      }
    };
    // Cleared once settled, after the assignment: a retimed job is built without awaiting anything,
    // and a `finally` inside would run before `building` was set, leaving it set for good.
    const building = build().finally(() => {
      if (this.building === building) this.building = null;
    });
    this.building = building;
    return building;
  }

  private holdBack(aheadSeconds: number): void {
    if (this.holdTimer) return;
    this.o.log.debug('stratum: templates are %d s ahead of the clock; holding work back', aheadSeconds);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = null;
      void this.refreshJob(true);
    }, HOLD_RETRY_MS);
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  private reject(worker: string | null, address: string | null, outcome: ShareOutcome, difficulty: number, code: number, message: string): SubmitOutcome {
    this.workers.count(worker, address, outcome, difficulty);
    this.emit('share', worker ?? '', difficulty, outcome);
    return { accepted: false, error: stratumError(code, message) };
  }

  /** A share for work that is gone or that the pool has no room for, refused before any hashing (see SubmitOutcome.excused). */
  private stale(worker: string, address: string, difficulty: number, message: string): SubmitOutcome {
    return { ...this.reject(worker, address, 'stale', difficulty, StratumError.jobNotFound, message), excused: true };
  }

  /** Whether a share names live work sent to this connection, for an authorised worker: whether it can be a block. */
  private onLiveWork(session: StratumSession, worker: string, jobId: unknown): boolean {
    if (!this.accepting || !session.workers.has(worker) || typeof jobId !== 'string') return false;
    const sent = session.sentJob(jobId);
    if (sent === undefined || sent.retired) return false;
    const found = this.jobs.lookup(sent.jobId, this.o.chain.tip, this.now());
    return 'job' in found && found.job.template.parent !== this.solvedParent;
  }

  async submit(session: StratumSession, worker: string, params: unknown[], overBudget: boolean): Promise<SubmitOutcome> {
    // Past the submit budget a share is judged only so that no block is lost; one that cannot be a block
    // (for work that is gone, say, as every share in flight is when a block is found) is refused unjudged
    // and counted nowhere: the refusal budget bounds those.
    if (overBudget && !this.onLiveWork(session, worker, params[1])) return THROTTLED;
    const d = session.vardiff.difficulty;
    if (!session.subscribed) return this.reject(null, null, 'invalid', d, StratumError.notSubscribed, 'not subscribed');
    const address = session.workers.get(worker);
    // Only authorised workers get counts, so junk worker names cost nothing.
    if (!address) return this.reject(null, null, 'invalid', d, StratumError.unauthorized, 'unauthorized worker');
    if (!this.accepting) return this.stale(worker, address, d, 'pool shutting down');
    const [, jobId, en2Hex, ntimeHex, nonceHex, versionHex] = params;
    const ntime = parseU32Hex(ntimeHex);
    const nonce = parseU32Hex(nonceHex);
    // BIP310's sixth parameter; miners that never negotiated version rolling send none, null or zero.
    const versionBits = versionHex === undefined || versionHex === null ? 0 : parseVersionBits(versionHex);
    if (typeof jobId !== 'string' || typeof en2Hex !== 'string' || !/^[0-9a-fA-F]+$/.test(en2Hex) || en2Hex.length !== EXTRANONCE2_SIZE * 2 || ntime === null || nonce === null || versionBits === null) {
      return this.reject(worker, address, 'invalid', d, StratumError.other, 'malformed params');
    }
    // Refused before any hashing: hashed with the job's version, such shares were all found wanting, and
    // a rig that rolls without agreeing to had its address's budget of hashed rejects spent for its neighbours.
    if (versionBits !== 0 && session.versionMask === null) return this.reject(worker, address, 'invalid', d, StratumError.other, 'version rolling not negotiated');
    if ((versionBits & ~(session.versionMask ?? 0)) !== 0) return this.reject(worker, address, 'invalid', d, StratumError.other, 'version bits outside the negotiated mask');
    const sent = session.sentJob(jobId);
    // Only work sent to this connection counts: its extranonce1 is what makes the work its own.
    if (sent === undefined) return this.stale(worker, address, d, 'job not found (stale)');
    const found = this.jobs.lookup(sent.jobId, this.o.chain.tip, this.now());
    const en2 = hexToBytes(en2Hex);
    const share: ShareWork = { en2, ntime, nonce, versionBits };
    if ('stale' in found) return found.retired ? this.retiredShare(session, worker, address, found.retired, share, found.stale) : this.stale(worker, address, d, found.stale);
    const { job } = found;
    if (sent.retired) return this.retiredShare(session, worker, address, job, share, 'stale job (sent again at another difficulty)');
    if (job.template.parent === this.solvedParent) return this.stale(worker, address, d, 'stale job (a block on this parent was just found)');
    // Judged and credited at the difficulty of the job id the share names, never at a harder one it happens to
    // meet: that would pay luck, and a miner could send its lucky shares only.
    const difficulty = sent.difficulty;
    if (!this.ntimeFits(job, ntime)) return this.reject(worker, address, 'invalid', difficulty, StratumError.other, 'ntime out of range');
    const header = this.headerOf(session, job, share);
    const hash = headerHash(header);
    const value = bytesToBigIntLE(hash);
    // A hash that meets the block target is always a good share, whatever rounding did to the share target.
    const shareTarget = targetForDifficulty(difficulty);
    if (value > shareTarget && value > job.template.target) {
      return this.hashedReject(session, this.reject(worker, address, 'lowDifficulty', difficulty, StratumError.lowDifficulty, 'low difficulty share'));
    }

    const isBlock = value <= job.template.target;
    // Judged by the header, not the job id: the same work under any job id of this tip is one share.
    const seen = this.jobs.markSeen(hash);
    if (seen === 'duplicate') return this.hashedReject(session, this.reject(worker, address, 'duplicate', difficulty, StratumError.duplicate, 'duplicate share'));
    // A block is still worth its reward once the record is full, and it moves the tip, which empties the record.
    // Only work keeps a slot: a rejected share costs its sender nothing, and one every few minutes
    // held a connection (of 64 per IP, 1,024 in all) for good.
    session.lastWork = this.now();
    session.worked = true;
    session.workedOn(jobId);
    if (seen === 'full' && !isBlock) return this.stale(worker, address, difficulty, 'share limit for this block reached; wait for the next block');
    // Credited, shares past the budget would let a miner's count run as far past its difficulty as it
    // liked. Marked seen all the same, so one sent again is a duplicate, found wanting.
    if (overBudget && !isBlock) return THROTTLED;
    const now = Date.now();
    this.workers.count(worker, address, 'accepted', difficulty, now);
    this.recentShares.push({ t: now, d: difficulty });
    if (this.recentShares.length > 100_000) this.recentShares.shift();
    const change = this.window.add({ address, worker, difficulty, time: now }, this.windowFor(this.blockDifficulty(job)));
    void this.o.windowStore?.record(change).catch((e: Error) => this.o.log.error(`pool: could not persist a share: ${e.message}`));
    this.emit('share', worker, difficulty, 'accepted');

    if (isBlock) await this.solve(job, session, en2, header, worker);
    else if (this.o.varDiff !== false) this.retune(session, session.vardiff.onShare(difficulty, this.blockDifficulty(job), this.now()));
    return { accepted: true };
  }

  /**
   * Before the earliest time the template allows (after the median time past, and at a retarget window's
   * first block no more than BIP94's maxTimewarp before the parent) the block would be refused, so the
   * share is no work on it. Miners roll ntime forward from the job's by the seconds they have worked on
   * it, which is about the clock's own advance: past that bound a share is not honest rolling
   * (consensus would take up to 2 h).
   */
  private ntimeFits(job: StratumJob, ntime: number): boolean {
    return ntime >= earliestTime(this.o.chain, job.template.parent) && ntime <= Math.max(job.template.header.time, Math.floor(this.now() / 1000)) + MAX_AHEAD_SECONDS;
  }

  /** The header a share names, its version rolled within the connection's mask (BIP310). */
  private headerOf(session: StratumSession, job: StratumJob, share: ShareWork): BlockHeader {
    const version = rollVersion(job.template.header.version, share.versionBits, session.versionMask ?? 0);
    return job.header(session.extranonce1, share.en2, share.ntime, share.nonce, version);
  }

  /**
   * A share on a job id that takes shares no longer (replaced past its grace, or sent again at another
   * difficulty) for work whose parent is still the tip. It is stale, but a block among such shares is the
   * very block the current job would make: answered stale unhashed, it was lost. So it is hashed, and a
   * block submitted; the share is credited nothing, as no stale share is (the finder is paid, like
   * everyone, for its shares in the window). The hash draws on the address's budget of such hashes
   * (RETIRED_HASHED_PER_IP_*), and once that is spent the share is answered stale unhashed as before:
   * stale ids cost nothing to send, and would otherwise buy header hashes without bound.
   */
  private async retiredShare(session: StratumSession, worker: string, address: string, job: StratumJob, share: ShareWork, reason: string): Promise<SubmitOutcome> {
    const d = session.vardiff.difficulty;
    if (job.template.parent === this.solvedParent || !this.ntimeFits(job, share.ntime) || !this.retiredHashes.take(clientKey(session.remote))) return this.stale(worker, address, d, reason);
    const header = this.headerOf(session, job, share);
    const hash = headerHash(header);
    if (bytesToBigIntLE(hash) > job.template.target) return this.stale(worker, address, d, reason);
    // Marked like any share, so that no header is taken twice under whichever ids.
    if (this.jobs.markSeen(hash) === 'duplicate') return this.reject(worker, address, 'duplicate', d, StratumError.duplicate, 'duplicate share');
    if (!(await this.solve(job, session, share.en2, header, worker))) return this.stale(worker, address, d, reason);
    session.lastWork = this.now();
    session.worked = true;
    this.workers.count(worker, address, 'stale', d);
    this.emit('share', worker, d, 'stale');
    return { accepted: true };
  }

  /** Submits a block a share found; until the chain has it, shares on its parent are stale. Whether it connected. */
  private async solve(job: StratumJob, session: StratumSession, en2: Uint8Array, header: BlockHeader, worker: string): Promise<boolean> {
    this.solvedParent = job.template.parent;
    try {
      return await this.submitBlock(job, session, en2, header, worker);
    } finally {
      this.solvedParent = null;
    }
  }

  /** The PPLNS window, in units of share difficulty, while blocks are at `blockDifficulty`. */
  private windowFor(blockDifficulty: number): number {
    return Math.max(this.windowFloor, PPLNS_WINDOW_BLOCKS * blockDifficulty);
  }

  /** A vardiff change goes to that connection alone (see StratumSession.retarget). */
  private retune(session: StratumSession, next: number | null): void {
    if (next !== null) session.retarget(next);
  }

  /**
   * Closes connections that have stopped submitting, and eases down those
   * that have gone quiet: vardiff otherwise reviews only when a share arrives.
   */
  private review(): void {
    const now = this.now();
    const idleMs = this.o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    for (const s of [...this.sessions]) if (now - s.lastWork > idleMs) s.close('idle');
    if (this.o.varDiff === false || !this.job) return;
    const ceiling = this.blockDifficulty(this.job);
    for (const s of this.sessions) if (s.workers.size > 0) this.retune(s, s.vardiff.review(ceiling, now));
  }

  private async submitBlock(job: StratumJob, session: StratumSession, en2: Uint8Array, header: BlockHeader, worker: string): Promise<boolean> {
    const block = job.block(header, session.extranonce1, en2);
    try {
      const r = await this.o.chain.processBlock(block);
      if (!r.entry || r.status !== 'connected') return false;
      const found: FoundBlock = {
        height: r.entry.height,
        hash: r.entry.id,
        reward: job.template.coinbase.amount,
        worker,
        time: Date.now(),
        split: this.window.split(job.template.coinbase.amount),
      };
      this.blocks.push({ ...found, split: largestShares(found.split, STATS_SPLIT), payees: found.split.size });
      if (this.blocks.length > STATS_BLOCKS) this.blocks.shift();
      this.o.log.info(`pool found block ${found.height} ${found.hash} (worker ${worker})`);
      this.emit('block', found);
      return true;
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      this.o.log.warn(`pool block rejected: ${e.message}`);
      return false;
    }
  }
}
