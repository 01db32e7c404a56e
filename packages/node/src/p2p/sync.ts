import { hashToHex, headerHash, type BlockHeader } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BlockIntake } from './block-intake.js';
import { BlockDownload, DOWNLOAD } from './block-download.js';
import { DownloadMemory, mayHave } from './download-sources.js';
import { DownloadTurns, type TurnRequest } from './download-turns.js';
import { matchesCommitment, type HeaderTrail } from './header-trail.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import { outboundFirst, type PeerState } from './peer-state.js';
import { Presync, type PresyncChain } from './presync.js';
import { RequestPacer } from './request-pacer.js';
import { RecentSet } from '../util/recent-set.js';
import type { SyncClient } from './sync-client.js';

export interface SyncProgress {
  state: 'synced' | 'syncing' | 'stalled';
  height: number;
  targetHeight: number;
  /** 0..1 of the way from where this sync started to the target. */
  progress: number;
  peer: string | null;
}

export interface SyncResult {
  peer: string | null;
  startHeight: number;
  endHeight: number;
  blocks: number;
  error?: string;
}

/** What sync reads of the chain. */
export interface SyncChain extends PresyncChain {
  readonly height: number;
}

/** Announcers asked at once for the same block (Core asks up to three peers for one compact block). */
const PARALLEL_ANNOUNCED_FETCHES = 3;

export interface SyncDeps {
  chain: SyncChain;
  peers: PeerSet;
  client: SyncClient;
  intake: BlockIntake;
  log: Logger;
  /** Work a header chain must exceed, besides the tip's, before any of its bodies is fetched. */
  minChainWork: bigint;
  /** Asks a peer for its status again (its best chain changed under us). */
  refreshStatus: (peerId: string) => void;
  onProgress: (p: SyncProgress) => void;
  onDone: (r: SyncResult) => void;
  now?: () => number;
  /** Smaller figures let unit tests reach the PRESYNC/REDOWNLOAD and staller paths with short chains. */
  tuning?: { hold?: number; commitEvery?: number; stallMs?: number; maxHeaders?: number; presyncBaseMs?: number; presyncWaitMs?: number };
}

const STALL_MS = 15_000;
const REFRESH_GAP_MS = 200;
/** Header sessions run side by side, one per peer, so one slow or lying peer cannot hold up the others. */
const MAX_SESSIONS = 4;
const MAX_BACKOFF_MS = 5 * 60_000;
/** 'retry': another source's block failed this round's download; the peer's own chain is to be read again. */
type Outcome = 'done' | 'behind' | 'retry' | 'failed';

/** Rounds in a row a session retries after other sources failed its download, before it fails too. */
const MAX_RETRIES = 3;

/** Blocks a download connected, and whether it gave way to a heavier chain before the end, or failed. */
interface Fetched {
  got: number;
  preempted: boolean;
  /** Not every block came: a peer did not serve them, or its block was refused (`by`, when another peer's). */
  failed?: { by: string | undefined };
}

/** Tips of held trails whose download failed, remembered so their headers stop no download again. */
const UNDELIVERED_TRAILS = 1_024;

/**
 * Headers-first sync, as Bitcoin Core does it. For each peer claiming more
 * work than our tip, a session downloads its headers and checks them in
 * context as they arrive (HeaderTrail), summing their work; the peer's
 * claimed work is only a reason to ask. Bodies are fetched only for a header
 * chain whose own work beats the tip and the network's minimum: if it fitted
 * in memory, at once; otherwise its headers are downloaded again and must
 * match the commitments made the first time. Every round must extend what we
 * know; a peer whose chain ends short of its claim, or that replays what we
 * have, is penalised and dropped from sync. Bodies come through one
 * BlockDownload at a time, spread over every peer that can serve them.
 */
export class Syncer {
  private readonly sessions = new Map<string, Promise<void>>();
  /** The one download slot, heaviest trail first. */
  private readonly turns: DownloadTurns;
  private readonly undelivered = new RecentSet<string>(UNDELIVERED_TRAILS);
  /** Work of the chain the download under way is connecting blocks of (see downloadWork). */
  private receiving = 0n;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private startHeight = 0;
  private blocks = 0;
  private lastPeer: string | null = null;
  private lastProgressAt = Date.now();
  /** Some peer offered more work than our tip and we have not caught up with a peer since. */
  private behind = false;
  private targetHeight = 0;
  /**
   * Announced block ids being fetched directly, with the peers asked. A few announcers are asked
   * at once, as Core asks up to three peers for one compact block: with one, a peer that
   * announced the next block first (it only has to copy the real block's hash) and then sat on
   * the request held every honest announcement of it off for the request's whole timeout.
   */
  private readonly fetching = new Map<string, Set<string>>();
  /**
   * Peers with an announced block being fetched from them: one at a time each, as Core has one
   * unrequested announcement in flight per peer. A status claiming a next block is free to send,
   * and 16 of them from one peer, each naming another block, had 16 answers of ~10 MB buffering.
   */
  private readonly announcing = new Set<string>();
  /** Peers with a trailing status ask scheduled; each entry lives at most REFRESH_GAP_MS. */
  private readonly refreshDue = new Set<string>();
  private readonly pacer = new RequestPacer();
  private readonly headers: Presync;

  constructor(private readonly d: SyncDeps) {
    this.turns = new DownloadTurns(d.tuning?.presyncWaitMs);
    this.headers = new Presync({
      chain: d.chain,
      peers: d.peers,
      client: d.client,
      log: d.log,
      minChainWork: d.minChainWork,
      othersWaiting: () => this.othersWaiting(),
      onProgress: () => this.noteProgress(),
      now: d.now,
      tuning: d.tuning,
    });
  }

  stop(): void {
    this.stopped = true;
    this.turns.stop();
    this.wakeIdle();
  }

  /**
   * Work of the heaviest header chain whose bodies are arriving, or are about to: a trail waiting its
   * turn (at most PRESYNC_WAIT_MS), or downloading that has connected a chunk or is within its first
   * stall time. 0n when none. A trail whose bodies are withheld so holds gossip back for seconds,
   * not for its whole download.
   */
  downloadWork(): bigint {
    const waiting = this.turns.waitingWork();
    return waiting > this.receiving ? waiting : this.receiving;
  }

  get active(): boolean {
    return this.sessions.size > 0;
  }

  /** Starts sessions with peers offering more work than our tip, up to the limit. */
  trigger(): void {
    if (this.stopped) return;
    const work = this.d.chain.tip.chainWork;
    const candidates = this.d.peers
      .ready()
      .filter((p) => !this.sessions.has(p.peerId) && p.offersMoreThan(work))
      // Peers we chose to dial first, as Core picks its headers-sync peer among outbound ones: a claim of
      // work is free to make, and inbound strangers making the biggest ones would always be asked first.
      // Not by claimed work: that is free too, and the biggest liars would be asked first whenever they
      // outnumber the outbound peers. Among equals, the order peers arrived in.
      .sort((a, b) => outboundFirst(a, b) || a.syncFailures - b.syncFailures);
    for (const p of candidates) {
      if (this.sessions.size >= MAX_SESSIONS) break;
      this.startSession(p);
    }
  }

  /** Resolves when no session is running. */
  whenIdle(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of w) fn();
  }

  /**
   * A gossiped block whose parent we lack: the sender has a chain we have not seen, so ask for its status.
   * While we are behind a fast chain every gossiped block is an orphan: at most one ask per peer per
   * REFRESH_GAP_MS, the ones in between folded into one trailing ask, so we never flood the peer we sync from.
   */
  onOrphan(peerId: string): void {
    const p = this.d.peers.get(peerId);
    if (!p) return;
    p.exhaustedAt = undefined;
    if (this.refreshDue.has(peerId)) return;
    const wait = p.statusAskedAt + REFRESH_GAP_MS - Date.now();
    if (wait <= 0) return this.askStatus(p);
    this.refreshDue.add(peerId);
    setTimeout(() => {
      this.refreshDue.delete(peerId);
      if (!this.stopped && this.d.peers.get(peerId) === p) this.askStatus(p);
    }, wait);
  }

  private askStatus(p: PeerState): void {
    p.statusAskedAt = Date.now();
    this.d.refreshStatus(p.peerId);
  }

  /**
   * A peer announced a tip one block above ours: ask it for that block alone
   * (one round trip instead of headers, then bodies). It goes through the
   * intake as unsolicited, so it is stored only if it has at least the tip's
   * work; anything unexpected falls back to headers-first sync.
   */
  fetchAnnounced(peer: PeerState, hash: Uint8Array): void {
    const id = hashToHex(hash);
    if (this.d.chain.getEntry(id)) return;
    // A further announcement meanwhile is dropped: the fetch's end looks at the peer's claim again (below).
    if (this.announcing.has(peer.peerId)) return;
    let askers = this.fetching.get(id);
    if (askers && (askers.size >= PARALLEL_ANNOUNCED_FETCHES || askers.has(peer.peerId))) return;
    if (!askers) this.fetching.set(id, (askers = new Set()));
    const asked = askers;
    asked.add(peer.peerId);
    this.announcing.add(peer.peerId);
    void this.fetchOne(peer, hash)
      .then(
        (ok) => {
          if (ok) peer.syncFailures = 0;
        },
        (e: Error) => {
          this.d.log.debug('announced block %s from %s failed: %s', id.slice(0, 16), short(peer.peerId), e.message);
          // Timed out, or cut off: a peer that announces blocks and sits on the requests (trickling a frame
          // it never finishes holds our buffer for the whole timeout) is rested, longer each time in a row,
          // and its statuses start nothing meanwhile. Not scored: slow is not dishonest.
          this.rest(peer);
        },
      )
      .finally(() => {
        asked.delete(peer.peerId);
        if (asked.size === 0 && this.fetching.get(id) === asked) this.fetching.delete(id);
        this.announcing.delete(peer.peerId);
        // Whatever it came to: a peer whose block was not taken, or that announced the one after it
        // meanwhile (dropped above), still claims more than our tip, and headers-first sync catches up.
        this.trigger();
      });
  }

  /** Slow is not dishonest: a rest that doubles with each failure in a row, so a peer that keeps failing yields to the others. */
  private rest(p: PeerState): void {
    p.syncFailures++;
    p.syncBackoffUntil = Date.now() + Math.min(MAX_BACKOFF_MS, DOWNLOAD.backoffMs * 2 ** (p.syncFailures - 1));
  }

  private async fetchOne(peer: PeerState, hash: Uint8Array): Promise<boolean> {
    const blocks = await this.d.client.blocks(peer.peerId, [hash]);
    if (blocks.length !== 1) return false;
    const r = await this.d.intake.accept(peer.peerId, blocks[0]!, { unsolicited: true, served: true });
    return r.status === 'connected' || r.status === 'side' || r.status === 'duplicate';
  }

  progress(): SyncProgress {
    const height = this.d.chain.height;
    const work = this.d.chain.tip.chainWork;
    const ready = this.d.peers.ready();
    const better = ready.filter((p) => p.status && p.status.chainWork > work);
    const targetHeight = better.reduce((m, p) => Math.max(m, p.status!.height), height);
    // Losing every peer while behind is not catching up: stay stalled until a peer confirms our tip.
    if (ready.length === 0 && this.behind) {
      return { state: 'stalled', height, targetHeight: Math.max(this.targetHeight, height), progress: 0, peer: this.lastPeer };
    }
    if (this.sessions.size === 0 && better.every((p) => !p.offersMoreThan(work))) {
      if (ready.length > 0) {
        this.behind = false;
        this.targetHeight = 0;
      }
      return { state: 'synced', height, targetHeight: Math.max(targetHeight, height), progress: 1, peer: null };
    }
    this.behind = true;
    this.targetHeight = Math.max(this.targetHeight, targetHeight);
    const span = Math.max(1, targetHeight - this.startHeight);
    return {
      state: Date.now() - this.lastProgressAt > STALL_MS ? 'stalled' : 'syncing',
      height,
      targetHeight,
      progress: Math.min(1, Math.max(0, (height - this.startHeight) / span)),
      peer: this.lastPeer,
    };
  }

  private noteProgress(): void {
    this.lastProgressAt = Date.now();
    this.d.onProgress(this.progress());
  }

  private startSession(p: PeerState): void {
    this.behind = true;
    this.targetHeight = Math.max(this.targetHeight, p.status?.height ?? 0);
    if (this.sessions.size === 0) {
      this.startHeight = this.d.chain.height;
      this.blocks = 0;
      this.lastProgressAt = Date.now();
    }
    this.lastPeer = p.peerId;
    const run = this.session(p)
      .catch((e: Error) => {
        this.d.log.debug('sync from %s failed: %s', short(p.peerId), e.message);
        return 'failed' as Outcome;
      })
      .then((outcome) => {
        if (outcome === 'failed') {
          // Tried again after the rest; meanwhile its session slot goes to the others.
          this.rest(p);
          return;
        }
        p.syncFailures = 0;
        // This claim has been tried; a new status re-arms the peer.
        if (p.offersMoreThan(this.d.chain.tip.chainWork)) p.exhaustedAt = p.bestId;
      })
      .finally(() => {
        this.turns.doneReading(p.peerId);
        this.sessions.delete(p.peerId);
        this.trigger();
        if (this.sessions.size === 0) this.finished();
      });
    this.sessions.set(p.peerId, run);
  }

  private finished(): void {
    const result: SyncResult = { peer: this.lastPeer, startHeight: this.startHeight, endHeight: this.d.chain.height, blocks: this.blocks };
    if (this.blocks > 0) this.d.log.info(`sync: ${this.blocks} block(s), height ${this.startHeight} → ${result.endHeight}`);
    this.d.onDone(result);
    this.d.onProgress(this.progress());
    this.wakeIdle();
  }

  /** Rounds with one peer until it has nothing more to give us. 'behind' means go again: the peer still has more. */
  private async session(peer: PeerState): Promise<Outcome> {
    let retries = 0;
    const round: { connected: number } = { connected: 0 };
    const memory = new DownloadMemory(this.d.tuning?.stallMs ?? DOWNLOAD.stallMs);
    for (;;) {
      if (this.stopped || this.d.peers.get(peer.peerId) !== peer) return 'failed';
      const outcome = await this.round(peer, round, memory);
      if (outcome === 'retry') {
        // A round that connected blocks made progress, which bounds the retries: the peer's own answers
        // come first. Rounds that connected nothing count, so strangers burning identities on bad copies
        // while the peer serves nothing cannot keep its session (and its claim) going for ever.
        retries = round.connected > 0 ? 0 : retries + 1;
        if (retries > MAX_RETRIES) return 'failed';
        continue;
      }
      retries = 0;
      if (outcome !== 'behind') return outcome;
    }
  }

  /**
   * PRESYNC the peer's chain from where it forks off ours, then fetch bodies if it beats the tip.
   * `round.connected` is set to the blocks the round connected.
   */
  private async round(peer: PeerState, round: { connected: number }, memory: DownloadMemory): Promise<Outcome> {
    round.connected = 0;
    // Until its trail asks for a turn (download), a lighter trail ready meanwhile waits for it.
    this.turns.reading(peer.peerId, peer.status?.chainWork ?? 0n);
    const trail = await this.headers.run(peer);
    if (!trail) return 'done';
    const before = this.d.chain.tip;
    const got = await this.fetchBodies(peer, trail, memory);
    round.connected = got.got;
    if (got.failed) {
      // Another source's bad copy is held against that source (the intake penalised it); the session
      // whose headers were right goes on. Else a stranger serving one mutated block rested the honest
      // peer, doubling each time, and a lighter fork waiting for the slot was downloaded meanwhile.
      const other = got.failed.by !== undefined && got.failed.by !== peer.peerId;
      return other && peer.offersMoreThan(this.d.chain.tip.chainWork) ? 'retry' : 'failed';
    }
    this.noteProgress();
    // Another round if this one moved our tip, or gave way to a heavier chain (which may yet fail),
    // and the peer still claims more.
    return (this.d.chain.tip !== before || got.preempted) && peer.offersMoreThan(this.d.chain.tip.chainWork) ? 'behind' : 'done';
  }

  /** Whether a peer offering more work than our tip waits for a session slot. */
  private othersWaiting(): boolean {
    const work = this.d.chain.tip.chainWork;
    return this.sessions.size >= MAX_SESSIONS && this.d.peers.ready().some((p) => !this.sessions.has(p.peerId) && p.offersMoreThan(work));
  }

  /** Fetches the bodies of a trail that beat the tip: the blocks connected, and whether the download gave way or failed. */
  private async fetchBodies(peer: PeerState, trail: HeaderTrail, memory: DownloadMemory): Promise<Fetched> {
    const held = trail.headers;
    if (!held) return this.redownload(peer, trail, memory);
    // A chain whose download its own peer failed (no bodies, a stall after a chunk of real blocks, a bad
    // copy of its own) stops no other download again: resending its headers costs a liar nothing.
    const hashes = held.map(headerHash);
    const ids = this.undelivered.has(trail.tip.id) ? undefined : new Set(hashes.map(hashToHex));
    const got = await this.download(peer, hashes, { work: trail.work, lastId: trail.tip.id, ids, waits: true }, { trail, memory });
    // Not for a stranger's bad copy, which its ban answers: the honest trail must still stop a lighter download.
    if (got.failed && (got.failed.by === undefined || got.failed.by === peer.peerId)) this.undelivered.add(trail.tip.id);
    return got;
  }

  /** REDOWNLOAD: the headers again from the fork, each matching the commitments, bodies fetched up to each match. */
  private async redownload(peer: PeerState, trail: HeaderTrail, memory: DownloadMemory): Promise<Fetched> {
    let lastHash = trail.fork.hash;
    let height = trail.fork.height;
    let buffer: BlockHeader[] = [];
    let total = 0;
    let first = true;
    const fail = (by?: string): Fetched => ({ got: total, preempted: false, failed: { by } });
    while (height < trail.height) {
      if (this.stopped) return fail();
      // Overtaken by another peer's heavier chain meanwhile: the rest would only be a side chain kept on disk.
      if (trail.work <= this.d.chain.tip.chainWork) return { got: total, preempted: false };
      // Its next chunk's turn is coming: a lighter trail ready meanwhile waits for it.
      this.turns.reading(peer.peerId, trail.work);
      const headers = await this.d.client.headers(peer.peerId, [lastHash]);
      if (headers.length === 0) return fail();
      for (const h of headers) {
        if (hashToHex(h.prevHash) !== hashToHex(lastHash) || !matchesCommitment(trail, height + 1, h)) {
          this.d.log.info(`peer ${short(peer.peerId)} sent other headers than it first did; sync from it abandoned`);
          return fail();
        }
        height++;
        lastHash = headerHash(h);
        buffer.push(h);
        const end = height === trail.height;
        if (end && hashToHex(lastHash) !== trail.tip.id) return fail();
        if (end || trail.commitmentAt(height) !== undefined) {
          const got = await this.download(peer, buffer.map(headerHash), { work: trail.work, lastId: hashToHex(lastHash), waits: first }, { trail, memory });
          first = false;
          total += got.got;
          if (got.failed) return fail(got.failed.by);
          // The next chunk would start above blocks not fetched: the session reads this chain again in its next round.
          if (got.preempted) return { got: total, preempted: true };
          buffer = [];
        }
        if (end) break;
      }
      this.noteProgress();
    }
    return { got: total, preempted: false };
  }

  /**
   * The bodies of `blocks` (hashes) of `trail`, one BlockDownload at a time (DownloadTurns: heaviest trail first), over the peer that
   * sent the headers and every other peer shown to have the blocks (mayHave), with what the session's
   * earlier downloads learnt of them (`memory`). Nothing is fetched for a trail another
   * download overtook while it waited (Core downloads only toward chains with more work than the
   * tip); a download stopped for a heavier chain is not a failure.
   */
  private async download(peer: PeerState, blocks: readonly Uint8Array[], turn: TurnRequest, via: { trail: HeaderTrail; memory: DownloadMemory }): Promise<Fetched> {
    const slot = await this.turns.take(turn, peer.peerId);
    let lapse: ReturnType<typeof setTimeout> | undefined;
    try {
      if (this.stopped || slot.preempted) return { got: 0, preempted: true };
      if (turn.work <= this.d.chain.tip.chainWork) return { got: 0, preempted: false };
      const hashes = blocks.filter((h) => !this.d.chain.getEntry(hashToHex(h)));
      if (hashes.length === 0) return { got: 0, preempted: false };
      const wanted = { ids: new Set([...hashes.map(hashToHex), via.trail.tip.id]), work: via.trail.work };
      const sources = () => [peer, ...this.d.peers.ready().filter((p) => p !== peer && p.syncBackoffUntil <= Date.now() && mayHave(p, wanted))];
      // Gossip of a chain lighter than this one is not stored meanwhile (BlockIntake), while bodies come:
      // a trail whose bodies are withheld would otherwise make us ignore honest blocks at the tip.
      // The floor lasts one stall time past the grant and past each chunk connected: a sole source
      // answering a block per request just inside the timeout would otherwise hold it for the whole download.
      const stallMs = this.d.tuning?.stallMs ?? DOWNLOAD.stallMs;
      const rearm = () => {
        clearTimeout(lapse);
        lapse = setTimeout(() => (this.receiving = 0n), stallMs);
      };
      this.receiving = this.undelivered.has(turn.lastId) ? 0n : turn.work;
      rearm();
      const onConnected = () => {
        this.receiving = turn.work;
        rearm();
        this.noteProgress();
      };
      const deps = { peers: this.d.peers, client: this.d.client, intake: this.d.intake, log: this.d.log, pacer: this.pacer, onConnected };
      const dl = new BlockDownload(deps, hashes, sources, { memory: via.memory });
      slot.onPreempt = () => dl.stop();
      const got = await dl.run();
      this.blocks += got;
      if (slot.preempted) return { got, preempted: true };
      return got < hashes.length ? { got, preempted: false, failed: { by: dl.failedBy } } : { got, preempted: false };
    } finally {
      clearTimeout(lapse);
      this.receiving = 0n;
      // A session going on to another round reads headers again at once: a lighter trail waiting for
      // the slot would otherwise take it in between.
      if (!this.stopped && peer.offersMoreThan(this.d.chain.tip.chainWork)) this.turns.reading(peer.peerId, peer.status?.chainWork ?? 0n);
      slot.release();
    }
  }
}
