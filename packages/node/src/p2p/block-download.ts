import type { Block } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BlockIntake, IntakeStatus } from './block-intake.js';
import { DownloadMemory } from './download-sources.js';
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
  /** The peer holding up the window's first chunk this long has it asked of another peer too; doubles on each stall. */
  stallMs: 2_000,
  /** Rest for a peer whose request failed before it serves sync again. */
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
  /** Every block's hash; the first `got` of them have come. */
  readonly hashes: Uint8Array[];
  got: number;
  /** Blocks come and not yet handed to the intake. */
  blocks: Block[];
  /**
   * Who sent each of `blocks`: a short answer is kept and the rest asked of another peer, so one
   * chunk can hold several senders' blocks. Crediting the whole chunk to the peer that finished it
   * had an honest peer banned for a mutated first block a stranger sent before answering nothing.
   */
  senders: string[];
  /** Wire size of `blocks`, counted in the download's buffered bytes until they go to the intake. */
  bytes: number;
  /**
   * Peers with a request out for it, and when each was asked: Infinity while the request waits on
   * our receive budget, which is no stall of the peer's (SyncClient.bodies' clock).
   * Several only at the window's front after a stall (checkStall): whichever answers first fills it.
   */
  readonly askedOf: Map<string, number>;
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
 * in order. A peer holding up the front of the window has that chunk asked of
 * another peer too, and whichever answers first fills it (its answer, however
 * late, is never thrown away); one whose request fails is not asked again in
 * the session (DownloadMemory), nor one that lacks the blocks in this download;
 * bad data is penalised by the client and intake.
 */
export class BlockDownload {
  private readonly chunks: Chunk[] = [];
  /** Chunks not wholly come to ask for: nobody is asked for them, or only a benched peer. In order. */
  private readonly pending: number[] = [];
  private readonly inFlight = new Map<string, number>();
  /** Peers that answered a request with nothing: they lack this download's blocks. */
  private readonly lacking = new Set<string>();
  /** Peers that sent blocks of this download: the first asked when the front stalls. */
  private readonly served = new Set<string>();
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
  private readonly memory: DownloadMemory;
  private connected = 0;
  private failed = false;
  /** The peer whose block ended the download (invalid, or not taken), if one did. */
  failedBy: string | undefined;
  /** Stopped for another chain: an answer still on its way that fails says nothing this download acts on. */
  private stopped = false;
  private pumping = false;
  private finish!: (n: number) => void;
  private stallTimer: NodeJS.Timeout | undefined;

  /** `memory` carries what the session's earlier downloads learnt; without one, `stallMs` starts a fresh one. */
  constructor(
    private readonly deps: DownloadDeps,
    hashes: readonly Uint8Array[],
    private readonly sources: () => PeerState[],
    tuning: { memory?: DownloadMemory; stallMs?: number; windowBytes?: number } = {},
  ) {
    this.memory = tuning.memory ?? new DownloadMemory(tuning.stallMs ?? DOWNLOAD.stallMs);
    this.windowBytes = tuning.windowBytes ?? DOWNLOAD.windowBytes;
    for (let i = 0; i * DOWNLOAD.chunk < hashes.length; i++) {
      this.chunks.push({ index: i, hashes: hashes.slice(i * DOWNLOAD.chunk, (i + 1) * DOWNLOAD.chunk), got: 0, blocks: [], senders: [], bytes: 0, askedOf: new Map() });
      this.pending.push(i);
    }
  }

  /** Resolves to the number of blocks connected (all of them unless a peer failed us or a block was invalid). */
  run(): Promise<number> {
    if (this.chunks.length === 0) return Promise.resolve(0);
    const result = new Promise<number>((r) => (this.finish = r));
    // The tick also resumes asking peers whose request budget was spent: from the default stall time,
    // not one a session's stalls doubled.
    this.stallTimer = setInterval(() => {
      this.checkStall();
      this.schedule();
    }, Math.max(20, this.memory.baseStallMs / 4));
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

  /** Sources still connected that neither failed a request in this session nor lack the blocks. */
  private live(): PeerState[] {
    return this.sources().filter((p) => !this.lacking.has(p.peerId) && !this.memory.hasFailed(p) && this.deps.peers.get(p.peerId) === p);
  }

  /** The live sources, less those benched for stalling while any other is left (Core disconnects a staller). */
  private usable(): PeerState[] {
    const live = this.live();
    const brisk = live.filter((p) => !this.memory.isBenched(p));
    return brisk.length > 0 ? brisk : live;
  }

  /**
   * Whether the next pending chunk may be asked of `id`: inside the window, the front or within the byte
   * bound, and not already asked of it (a benched peer's chunks are pending while its requests are out).
   */
  private mayFetch(id: string): boolean {
    const idx = this.pending[0];
    if (idx === undefined || idx >= this.windowEnd || this.chunks[idx]!.askedOf.has(id)) return false;
    return idx === this.next || this.buffered < this.windowBytes;
  }

  private schedule(): void {
    if (this.failed) return this.end();
    const peers = this.usable();
    for (const p of peers) {
      while ((this.inFlight.get(p.peerId) ?? 0) < DOWNLOAD.chunksPerPeer && this.mayFetch(p.peerId) && this.deps.pacer.take(p)) {
        void this.fetch(p, this.takeBatch(p.peerId));
      }
    }
    if (this.next >= this.chunks.length) return this.end();
    const busy = [...this.inFlight.values()].some((n) => n > 0);
    if (!busy && !this.pumping && (peers.length === 0 || this.pending.length === 0) && !this.done.has(this.next)) this.end();
  }

  /** The next pending chunk, with the consecutive ones that fit one request of blocks as small as those seen. */
  private takeBatch(id: string): Chunk[] {
    const batch = [this.chunks[this.pending.shift()!]!];
    let count = batch[0]!.hashes.length - batch[0]!.got;
    const perBlock = this.seenBlocks > 0 ? this.seenBytes / this.seenBlocks : Infinity;
    while (this.mayFetch(id) && this.pending[0] === batch[batch.length - 1]!.index + 1) {
      const c = this.chunks[this.pending[0]]!;
      const n = count + c.hashes.length - c.got;
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
    // Where each chunk stood when asked: another peer's answer may fill some of it meanwhile.
    const from = batch.map((c) => c.got);
    // The client stops its stall clock while the request waits on our budget (SyncClient.bodies).
    const asked = Date.now();
    for (const c of batch) c.askedOf.set(id, asked);
    const clock = (since: number): void => {
      for (const c of batch) if (c.askedOf.has(id)) c.askedOf.set(id, since);
    };
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    let blocks: Block[] | undefined;
    let bytes = 0;
    try {
      ({ blocks, bytes } = await this.deps.client.bodies(id, batch.flatMap((c, i) => c.hashes.slice(from[i])), clock));
    } catch (e) {
      this.deps.log.debug('blocks from %s failed: %s', short(id), (e as Error).message);
      if (!this.stopped) this.fail(peer);
    }
    this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
    if (blocks && blocks.length === 0) {
      // It lacks them: no fault, but no use to this download, and its other requests are as empty.
      this.lacking.add(id);
      this.release(id);
    }
    if (blocks && blocks.length > 0) this.served.add(id);
    const perBlock = blocks && blocks.length > 0 ? bytes / blocks.length : 0;
    if (blocks) {
      this.seenBlocks += blocks.length;
      this.seenBytes += bytes;
    }
    let offset = 0;
    for (const [i, chunk] of batch.entries()) {
      const asked = chunk.hashes.length - from[i]!;
      this.receive(chunk, id, from[i]!, blocks ? blocks.slice(offset, offset + asked) : [], perBlock);
      offset += asked;
    }
    void this.pump();
    this.schedule();
  }

  /** Takes `got`, a peer's answer for `chunk` from its block `from` on: what another answer has not brought already. */
  private receive(chunk: Chunk, id: string, from: number, got: Block[], perBlock: number): void {
    const askedAt = chunk.askedOf.get(id);
    chunk.askedOf.delete(id);
    const fresh = got.slice(chunk.got - from);
    if (fresh.length > 0) {
      chunk.blocks.push(...fresh);
      for (let i = 0; i < fresh.length; i++) chunk.senders.push(id);
      chunk.bytes += fresh.length * perBlock;
      this.buffered += fresh.length * perBlock;
      chunk.got += fresh.length;
      if (chunk.got === chunk.hashes.length) this.complete(chunk, askedAt);
    }
    // Not served, or the response hit its size cap: the rest from whoever is free, unless a request for it is still out.
    if (chunk.got < chunk.hashes.length && chunk.askedOf.size === 0) this.requeue(chunk.index);
  }

  private complete(chunk: Chunk, askedAt: number | undefined): void {
    this.done.add(chunk.index);
    const i = this.pending.indexOf(chunk.index);
    if (i >= 0) this.pending.splice(i, 1);
    if (askedAt === undefined) return;
    // Asked before the peer that answered first, these held up the window's front: Core would disconnect them.
    for (const [peerId, at] of chunk.askedOf) {
      const p = this.deps.peers.get(peerId);
      if (at >= askedAt || !p) continue;
      this.deps.log.info(`peer ${short(peerId)} stalled the block download; a peer asked after it answered first`);
      this.memory.bench(p);
      // Its other chunks are asked of others now, as Core frees a staller's blocks, instead of each holding up
      // the front in turn; its answers to them still count.
      for (const c of this.chunks) if (c.askedOf.has(peerId) && c.got < c.hashes.length) this.requeue(c.index);
    }
  }

  /** The request failed: the peer rests, and no download of this session asks it again. */
  private fail(peer: PeerState): void {
    if (!this.memory.hasFailed(peer)) {
      this.memory.fail(peer);
      peer.syncBackoffUntil = Date.now() + DOWNLOAD.backoffMs;
    }
    this.release(peer.peerId);
  }

  /** Its other requests are not waited for: their chunks go to others (an answer still coming is taken all the same). */
  private release(id: string): void {
    for (const c of this.chunks) {
      if (c.askedOf.delete(id) && c.askedOf.size === 0 && c.got < c.hashes.length) this.requeue(c.index);
    }
  }

  private requeue(index: number): void {
    if (this.pending.includes(index)) return;
    this.pending.push(index);
    this.pending.sort((a, b) => a - b);
  }

  /**
   * Core's staller rule, without throwing the staller's blocks away: the window's first chunk, asked
   * for at least a stall time ago and still not come, is asked of another peer as well, and the first
   * answer fills it. The peers asked before the one that answered first are benched (see complete).
   * The slow answer is kept: rotating out a thin-link source and discarding what it was sending let a
   * peer that claimed work and answered nothing (or one real block, then sat on its requests) end
   * the download with nothing connected. A sole source is bounded by the request timeout instead,
   * as Core's by its block download timeout.
   */
  private checkStall(): void {
    const front = this.chunks[this.next];
    if (!front || front.got === front.hashes.length || front.askedOf.size === 0) return;
    const stallMs = this.memory.stallMs;
    if (Date.now() - Math.max(...front.askedOf.values()) < stallMs) return;
    const racer = this.racer(front);
    if (!racer) return;
    this.deps.log.info(`block download front held up for ${stallMs} ms by ${[...front.askedOf.keys()].map(short).join(', ')}; asking ${short(racer.peerId)} too`);
    this.memory.stalled();
    void this.fetch(racer, [front]);
  }

  /**
   * Who else to ask for the stalled front, within its request budget: a peer not benched that served
   * blocks of this download, then any not benched, then benched ones (asking them loses nothing now
   * that no answer is thrown away); fewest requests out among equals. Over the per-peer limit if need
   * be, as everything waits on the front; the stall time doubling on each ask bounds it.
   */
  private racer(front: Chunk): PeerState | undefined {
    const rank = (p: PeerState) => (this.memory.isBenched(p) ? 2 : 0) + (this.served.has(p.peerId) ? 0 : 1);
    const others = this.live()
      .filter((p) => !front.askedOf.has(p.peerId))
      .sort((a, b) => rank(a) - rank(b) || (this.inFlight.get(a.peerId) ?? 0) - (this.inFlight.get(b.peerId) ?? 0));
    return others.find((p) => this.deps.pacer.take(p));
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
          this.memory.eased();
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
