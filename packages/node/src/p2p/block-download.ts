import type { Block } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BlockIntake, IntakeStatus } from './block-intake.js';
import type { PeerSet } from './peer-set.js';
import { short } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import type { SyncClient } from './sync-client.js';

/** Bitcoin Core's figures: 16 blocks in flight per peer, a 1,024-block window ahead of the connect point. */
export const DOWNLOAD = {
  chunk: 8,
  chunksPerPeer: 2,
  windowBlocks: 1_024,
  /**
   * Bytes of downloaded blocks held unconnected, past which only the window's front is asked for:
   * 1,024 full blocks would be gigabytes. Tens of seconds of validation at any block size.
   */
  windowBytes: 32 * 1024 * 1024,
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
  log: Logger;
  onConnected: () => void;
}

interface Chunk {
  index: number;
  hashes: Uint8Array[];
  blocks: Block[];
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
  private readonly done = new Map<number, string>();
  /** The first chunk not wholly connected: the window's front. */
  private next = 0;
  /** Where the next block handed to the intake comes from: a chunk, a place in it, and its sender. */
  private feedChunk = 0;
  private feedPos = 0;
  private feedFrom = '';
  /** Bytes of downloaded blocks not yet handed to the intake. */
  private buffered = 0;
  private readonly windowBytes: number;
  private connected = 0;
  private failed = false;
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
      this.chunks.push({ index: i, hashes: hashes.slice(i * DOWNLOAD.chunk, (i + 1) * DOWNLOAD.chunk), blocks: [], bytes: 0 });
      this.pending.push(i);
    }
  }

  /** Resolves to the number of blocks connected (all of them unless a peer failed us or a block was invalid). */
  run(): Promise<number> {
    if (this.chunks.length === 0) return Promise.resolve(0);
    const result = new Promise<number>((r) => (this.finish = r));
    this.stallTimer = setInterval(() => this.checkStall(), Math.max(20, this.stallMs / 4));
    this.stallTimer.unref();
    this.schedule();
    return result;
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
      while ((this.inFlight.get(p.peerId) ?? 0) < DOWNLOAD.chunksPerPeer && this.mayFetch()) {
        const idx = this.pending.shift()!;
        void this.fetch(p, this.chunks[idx]!);
      }
    }
    if (this.next >= this.chunks.length) return this.end();
    const busy = [...this.inFlight.values()].some((n) => n > 0);
    if (!busy && !this.pumping && (peers.length === 0 || this.pending.length === 0) && !this.done.has(this.next)) this.end();
  }

  private end(): void {
    clearInterval(this.stallTimer);
    this.finish?.(this.connected);
  }

  private async fetch(peer: PeerState, chunk: Chunk): Promise<void> {
    const id = peer.peerId;
    chunk.peer = id;
    chunk.since = Date.now();
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    let blocks: Block[] | undefined;
    let bytes = 0;
    try {
      ({ blocks, bytes } = await this.deps.client.bodies(id, chunk.hashes));
    } catch (e) {
      this.deps.log.debug('blocks from %s failed: %s', short(id), (e as Error).message);
      this.drop(peer);
    }
    this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
    if (chunk.peer !== id) return this.schedule(); // reassigned after a stall: this answer comes too late
    chunk.peer = undefined;
    if (!blocks || blocks.length === 0) {
      if (blocks) this.dropped.add(id); // it lacks them: no fault, but no use to this download
      this.requeue(chunk.index);
      return this.schedule();
    }
    chunk.blocks.push(...blocks);
    chunk.bytes += bytes;
    this.buffered += bytes;
    chunk.hashes = chunk.hashes.slice(blocks.length);
    if (chunk.hashes.length > 0) this.requeue(chunk.index); // the response hit its size cap
    else this.done.set(chunk.index, id);
    void this.pump();
    this.schedule();
  }

  private drop(peer: PeerState): void {
    if (this.dropped.has(peer.peerId)) return;
    this.dropped.add(peer.peerId);
    peer.syncBackoffUntil = Date.now() + DOWNLOAD.backoffMs;
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

  /** Core's staller rule: the peer holding the window's first chunk while the rest wait on it is rotated out. */
  private checkStall(): void {
    const front = this.chunks[this.next];
    if (!front?.peer || front.since === undefined || Date.now() - front.since < this.stallMs) return;
    const windowFull = !this.mayFetch();
    const others = this.usable().some((p) => p.peerId !== front.peer);
    if (!windowFull && !others) return;
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
    if (this.feedPos === 0) {
      const from = this.done.get(this.feedChunk);
      if (from === undefined || (sender !== undefined && from !== sender)) return undefined;
      this.done.delete(this.feedChunk);
      this.feedFrom = from;
    } else if (sender !== undefined && this.feedFrom !== sender) return undefined;
    const chunk = this.chunks[this.feedChunk]!;
    const block = chunk.blocks[this.feedPos]!;
    const from = this.feedFrom;
    const last = ++this.feedPos === chunk.blocks.length;
    if (last) {
      chunk.blocks = [];
      this.buffered -= chunk.bytes;
      chunk.bytes = 0;
      this.feedChunk++;
      this.feedPos = 0;
    }
    const verdict = this.deps.intake.accept(from, block, { unsolicited: false }).then(
      (r) => r.status,
      (e: Error) => {
        this.deps.log.warn(`block from ${short(from)} could not be processed: ${e.message}`);
        return 'error' as const;
      },
    );
    return { from, verdict, last };
  }
}
