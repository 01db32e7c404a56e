import type { Block } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BlockIntake, IntakeStatus } from './block-intake.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';
import type { RequestPacer } from './request-pacer.js';
import type { SyncClient } from './sync-client.js';

/** Bitcoin Core's figures: 16 blocks in flight per peer, a 1,024-block window ahead of the connect point. */
export const DOWNLOAD = {
  chunk: 8,
  /** Requests in flight per peer: a chunk each, or consecutive chunks of small blocks (below). */
  chunksPerPeer: 2,
  /**
   * Blocks as small as the ones downloaded so far are asked for several chunks at a time, up to
   * this many bytes and LIMITS.maxBlocksPerRequest blocks: a peer's flood budget counts requests,
   * and a chain of small blocks would otherwise cost one request per 8 blocks.
   */
  requestBytes: 1024 * 1024,
  windowBlocks: 1_024,
  /**
   * Bytes of downloaded blocks held unconnected, past which only the window's front is asked for:
   * 1,024 full blocks would be gigabytes. Seconds of validation at any block size; holding more
   * decoded blocks only made the syncing node's garbage collector work harder (17 % of its main
   * thread with 32 MiB, 13 % with 2 MiB, in the initial-sync bench's blocks).
   */
  windowBytes: 8 * 1024 * 1024,
  /** The peer holding up the window's first chunk this long is rotated out; doubles on each stall. */
  stallMs: 2_000,
  /** Rest for a peer that timed out or stalled before it serves sync again. */
  backoffMs: 5_000,
  /**
   * Blocks handed to the chain ahead of the one connecting: the chain starts their signature
   * checks on the verify pool as they arrive, so the workers check the next blocks while the
   * main thread applies this one.
   */
  aheadBlocks: 4,
} as const;

export interface DownloadDeps {
  peers: PeerSet;
  client: Pick<SyncClient, 'bodies'>;
  intake: Pick<BlockIntake, 'accept'>;
  /** Shared by the downloads of a sync, so their requests together stay within each peer's budget. */
  pacer: Pick<RequestPacer, 'take'>;
  log: Logger;
  onConnected: () => void;
}

interface Chunk {
  index: number;
  hashes: Uint8Array[];
  blocks: Block[];
  /**
   * Who sent each of `blocks`: a short answer is kept and the rest asked of another peer, so one
   * chunk can hold several senders' blocks. Crediting the whole chunk to the peer that finished it
   * had an honest peer banned for a mutated first block a stranger sent before answering nothing.
   */
  senders: string[];
  /** Wire size of `blocks`, counted in the download's buffered bytes until they go to the intake. */
  bytes: number;
  peer?: string;
  since?: number;
}

/** A block handed to the intake and not yet judged; `last` marks its chunk's final block. */
interface Submitted {
  from: string;
  verdict: Promise<IntakeStatus | 'error'>;
  last: boolean;
}

/**
 * Fetches the bodies of headers already shown to beat the tip, from several
 * peers at once within a moving window, and hands them to the block intake
 * in order. A peer that times out or holds up the front of the window is
 * rotated out and its chunks go to others; a peer that lacks the blocks is
 * dropped from this download; bad data is penalised by the client and intake.
 */
export class BlockDownload {
  private readonly chunks: Chunk[] = [];
  private readonly pending: number[] = [];
  private readonly inFlight = new Map<string, number>();
  private readonly dropped = new Set<string>();
  /** Chunks wholly downloaded and not yet handed on. */
  private readonly done = new Set<number>();
  /** The first chunk not wholly connected: the window's front. */
  private next = 0;
  /** Where the next block handed to the intake comes from: a chunk and a place in it. */
  private feedChunk = 0;
  private feedPos = 0;
  /** Bytes of downloaded blocks not yet handed to the intake. */
  private buffered = 0;
  /** Blocks received and their bytes, for the size of the next request. */
  private seenBlocks = 0;
  private seenBytes = 0;
  private readonly windowBytes: number;
  private connected = 0;
  private failed = false;
  /** The peer whose block ended the download (invalid, or not taken), if one did. */
  failedBy: string | undefined;
  /** Peers that sent blocks of this download, and those asked for any: who may take over a stalled chunk (see checkStall). */
  private readonly served = new Set<string>();
  private readonly asked = new Set<string>();
  /** Stopped for another chain: an answer still on its way that fails says nothing this download acts on. */
  private stopped = false;
  private stallMs: number;
  private pumping = false;
  private finish!: (n: number) => void;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: DownloadDeps,
    hashes: readonly Uint8Array[],
    private readonly sources: () => PeerState[],
    tuning: { stallMs?: number; windowBytes?: number } = {},
  ) {
    this.stallMs = tuning.stallMs ?? DOWNLOAD.stallMs;
    this.windowBytes = tuning.windowBytes ?? DOWNLOAD.windowBytes;
    for (let i = 0; i * DOWNLOAD.chunk < hashes.length; i++) {
      this.chunks.push({ index: i, hashes: hashes.slice(i * DOWNLOAD.chunk, (i + 1) * DOWNLOAD.chunk), blocks: [], senders: [], bytes: 0 });
      this.pending.push(i);
    }
  }

  /** Resolves to the number of blocks connected (all of them unless a peer failed us or a block was invalid). */
  run(): Promise<number> {
    if (this.chunks.length === 0) return Promise.resolve(0);
    const result = new Promise<number>((r) => (this.finish = r));
    // The tick also resumes asking peers whose request budget was spent.
    this.stallTimer = setInterval(() => {
      this.checkStall();
      this.schedule();
    }, Math.max(20, this.stallMs / 4));
    this.stallTimer.unref();
    this.schedule();
    return result;
  }

  /**
   * Ends the download as it stands, for a heavier chain to go first: nothing more is handed to the
   * chain (the few already handed, DOWNLOAD.aheadBlocks at most, are still judged), and answers
   * still on their way are dropped without resting their peer.
   */
  stop(): void {
    this.stopped = true;
    this.failed = true;
    this.schedule();
  }

  private get windowEnd(): number {
    return this.next + Math.ceil(DOWNLOAD.windowBlocks / DOWNLOAD.chunk);
  }

  private usable(): PeerState[] {
    return this.sources().filter((p) => !this.dropped.has(p.peerId) && this.deps.peers.get(p.peerId) === p);
  }

  /** Whether the next pending chunk may be asked for: inside the window, and the front or within the byte bound. */
  private mayFetch(): boolean {
    const idx = this.pending[0];
    if (idx === undefined || idx >= this.windowEnd) return false;
    return idx === this.next || this.buffered < this.windowBytes;
  }

  private schedule(): void {
    if (this.failed) return this.end();
    const peers = this.usable();
    for (const p of peers) {
      while ((this.inFlight.get(p.peerId) ?? 0) < DOWNLOAD.chunksPerPeer && this.mayFetch() && this.deps.pacer.take(p)) {
        void this.fetch(p, this.takeBatch());
      }
    }
    if (this.next >= this.chunks.length) return this.end();
    const busy = [...this.inFlight.values()].some((n) => n > 0);
    if (!busy && !this.pumping && (peers.length === 0 || this.pending.length === 0) && !this.done.has(this.next)) this.end();
  }

  /** The next pending chunk, with the consecutive ones that fit one request of blocks as small as those seen. */
  private takeBatch(): Chunk[] {
    const batch = [this.chunks[this.pending.shift()!]!];
    let count = batch[0]!.hashes.length;
    const perBlock = this.seenBlocks > 0 ? this.seenBytes / this.seenBlocks : Infinity;
    while (this.mayFetch() && this.pending[0] === batch[batch.length - 1]!.index + 1) {
      const c = this.chunks[this.pending[0]]!;
      const n = count + c.hashes.length;
      if (n > LIMITS.maxBlocksPerRequest || n * perBlock > DOWNLOAD.requestBytes) break;
      batch.push(c);
      this.pending.shift();
      count = n;
    }
    return batch;
  }

  private end(): void {
    clearInterval(this.stallTimer);
    this.finish?.(this.connected);
  }

  private async fetch(peer: PeerState, batch: Chunk[]): Promise<void> {
    const id = peer.peerId;
    const since = Date.now();
    for (const c of batch) {
      c.peer = id;
      c.since = since;
    }
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    this.asked.add(id);
    // What each chunk asked for now: another peer's answer may shorten a chunk reassigned meanwhile.
    const asked = batch.map((c) => c.hashes.length);
    let blocks: Block[] | undefined;
    let bytes = 0;
    try {
      ({ blocks, bytes } = await this.deps.client.bodies(id, batch.flatMap((c) => c.hashes)));
    } catch (e) {
      this.deps.log.debug('blocks from %s failed: %s', short(id), (e as Error).message);
      if (!this.stopped) this.drop(peer);
    }
    this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
    if (blocks && blocks.length === 0) this.dropped.add(id); // it lacks them: no fault, but no use to this download
    if (blocks && blocks.length > 0) this.served.add(id);
    const perBlock = blocks && blocks.length > 0 ? bytes / blocks.length : 0;
    if (blocks) {
      this.seenBlocks += blocks.length;
      this.seenBytes += bytes;
    }
    let offset = 0;
    for (const [i, chunk] of batch.entries()) {
      const got = blocks ? blocks.slice(offset, offset + asked[i]!) : [];
      offset += asked[i]!;
      if (chunk.peer !== id) continue; // reassigned after a stall: this answer comes too late
      chunk.peer = undefined;
      chunk.blocks.push(...got);
      for (let i = 0; i < got.length; i++) chunk.senders.push(id);
      chunk.bytes += got.length * perBlock;
      this.buffered += got.length * perBlock;
      chunk.hashes = chunk.hashes.slice(got.length);
      if (chunk.hashes.length > 0) this.requeue(chunk.index); // not served, or the response hit its size cap
      else this.done.add(chunk.index);
    }
    void this.pump();
    this.schedule();
  }

  private drop(peer: PeerState): void {
    if (!this.dropped.has(peer.peerId)) {
      this.dropped.add(peer.peerId);
      peer.syncBackoffUntil = Date.now() + DOWNLOAD.backoffMs;
    }
    // Also when it was dropped before (it answered another request with nothing): a request of its still
    // hanging must go to others, or the stall rule doubled its time and reassigned nothing.
    for (const c of this.chunks) {
      if (c.peer === peer.peerId) {
        c.peer = undefined;
        this.requeue(c.index);
      }
    }
  }

  private requeue(index: number): void {
    if (this.pending.includes(index)) return;
    this.pending.push(index);
    this.pending.sort((a, b) => a - b);
  }

  /**
   * Core's staller rule: the peer holding the window's first chunk while the rest wait on it is
   * rotated out, when another peer could take its chunks. A sole source is bounded by the request
   * timeout instead, as Core's by its block download timeout.
   */
  private checkStall(): void {
    const front = this.chunks[this.next];
    if (!front?.peer || front.since === undefined || Date.now() - front.since < this.stallMs) return;
    // Nobody else could take it over: its answer, however late, is the only one coming. Core marks a
    // staller only when another peer could download; rotating out a sole source on a thin link threw
    // its answers away each round, so the node never synced from it. Another peer counts if it served
    // blocks in this download, or was never asked: a claim of work is free, and a peer claiming our
    // tip and answering nothing had the thin-link source rotated out all the same; but a download of
    // a chunk or two never asks anyone but its first source, which must not then sit on it unrotated.
    if (!this.usable().some((p) => p.peerId !== front.peer && (this.served.has(p.peerId) || !this.asked.has(p.peerId)))) return;
    const peer = this.deps.peers.get(front.peer);
    this.deps.log.info(`peer ${short(front.peer)} stalled the block download for ${this.stallMs} ms; rotating it out`);
    this.stallMs *= 2;
    if (peer) this.drop(peer);
    else {
      front.peer = undefined;
      this.requeue(front.index);
    }
    this.schedule();
  }

  /**
   * Connects finished chunks strictly in order, with up to DOWNLOAD.aheadBlocks handed to the
   * chain before the first of them is judged. Blocks from another sender wait until those ahead
   * are judged: had one of those been invalid, the chain would charge its descendants to their
   * sender as "invalid-ancestor", and that peer only served what it was asked for.
   */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const submitted: Submitted[] = [];
    try {
      for (;;) {
        while (!this.failed && submitted.length < DOWNLOAD.aheadBlocks) {
          const s = this.submitNext(submitted[0]?.from);
          if (!s) break;
          submitted.push(s);
        }
        const head = submitted.shift();
        if (!head) break;
        const status = await head.verdict;
        if (this.failed) continue; // blocks after a failed one: judged by the chain, counted by nobody
        if (status === 'invalid' || status === 'ignored' || status === 'orphan' || status === 'error') {
          this.deps.log.debug('download stopped at block %d (%s)', this.connected + 1, status);
          this.failed = true;
          this.failedBy ??= head.from;
          continue;
        }
        this.connected++;
        if (head.last) {
          this.next++;
          this.deps.onConnected();
        }
      }
    } finally {
      this.pumping = false;
    }
    this.schedule();
  }

  /** Hands the intake the next downloaded block, if it is here and, while others are unjudged, from `sender`. */
  private submitNext(sender: string | undefined): Submitted | undefined {
    if (this.feedPos === 0 && !this.done.has(this.feedChunk)) return undefined;
    const chunk = this.chunks[this.feedChunk]!;
    const from = chunk.senders[this.feedPos]!;
    if (sender !== undefined && from !== sender) return undefined;
    if (this.feedPos === 0) this.done.delete(this.feedChunk);
    const block = chunk.blocks[this.feedPos]!;
    const last = ++this.feedPos === chunk.blocks.length;
    if (last) {
      chunk.blocks = [];
      chunk.senders = [];
      this.buffered -= chunk.bytes;
      chunk.bytes = 0;
      this.feedChunk++;
      this.feedPos = 0;
    }
    const verdict = this.deps.intake.accept(from, block, { unsolicited: false, served: true }).then(
      (r) => r.status,
      (e: Error) => {
        this.deps.log.warn(`block from ${short(from)} could not be processed: ${e.message}`);
        return 'error' as const;
      },
    );
    return { from, verdict, last };
  }
}
