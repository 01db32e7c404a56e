import { BufferWriter, blockHash, decodeHeader, equalBytes, type Block, type BlockHeader } from '@hackcoin/core';
import type { BlockIntake } from './block-intake.js';
import { FrameError } from './frames.js';
import { decodeBlocks, decodeHeaders, encodeSyncRequest } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import type { ReceiveBudget } from './receive-budget.js';

/** Bytes of `n` as a CompactSize, the way messages.ts writes a list's count and each item's length. */
function compactSize(n: number): number {
  return new BufferWriter(9).varint(n).finish().length;
}

/**
 * The most bytes an honest answer to a blocks request for `hashes` blocks takes (encodeRawList):
 * the count, then at most that many blocks (serve sends each once, in order), each behind its
 * length and at most maxBlockSize (decodeBlocks refuses a longer one). Never past
 * blocksResponseMax, where serve stops adding blocks. A frame claiming more is refused on its
 * length prefix, as oversized: for one block asked, ~2 MB rather than ~10.4 MB.
 */
export function blocksAnswerMax(hashes: number, maxBlockSize: number): number {
  const exact = compactSize(hashes) + hashes * (compactSize(maxBlockSize) + maxBlockSize);
  return Math.min(exact, blocksResponseMax(maxBlockSize));
}

/**
 * One bounded request/response exchange with a peer (size and time limits on both sides). `admit`
 * is asked on the answer's length prefix (within maxResponse) whether we take that much now; a
 * refusal ends the exchange as FrameError('no-room'), not the peer's fault.
 */
export interface Requester {
  request(peerId: string, protocol: string, payload: Uint8Array, maxResponse: number, timeoutMs: number, admit?: (bytes: number) => boolean): Promise<Uint8Array>;
}

/** Blocks received whose sizes a booking is estimated from. */
const SIZES_KEPT = 64;
/** The least a block is booked at once sizes are known, so a run of empty blocks does not book a few hundred bytes. */
const MIN_BLOCK_BOOKING = 16 * 1024;

/**
 * What a blocks answer is booked at before it is read: twice the largest of the last blocks
 * received, each, rather than the most a block may take. Booking the most throttled an honest sync
 * of small blocks (64 MiB fits six 32-block requests of ~10.4 MB; 16 requests from 8 sources went
 * out as six full ones and the rest at 1-2 blocks). An answer announcing more than its booking
 * takes the difference if the budget has it free then, or is refused on its length prefix and asked
 * again at the most it may take, as before; so what is held never passes the budget, and a peer
 * announcing large answers costs us a round trip of its own.
 */
class BlockSizes {
  private readonly sizes: number[] = [];
  private next = 0;

  constructor(private readonly maxBlockSize: number) {}

  observe(bytes: number): void {
    if (this.sizes.length < SIZES_KEPT) this.sizes.push(bytes);
    else this.sizes[this.next] = bytes;
    this.next = (this.next + 1) % SIZES_KEPT;
  }

  /**
   * Bytes to book for an answer of `hashes` blocks (the most it may take until a block has been
   * seen), by the sizes known now: one request books by one estimate throughout, as a larger
   * block seen while it waits for room would have it hold more than it was granted.
   */
  booking(): (hashes: number) => number {
    const max = this.maxBlockSize;
    if (this.sizes.length === 0) return (hashes) => blocksAnswerMax(hashes, max);
    const each = Math.min(max, Math.max(MIN_BLOCK_BOOKING, 2 * Math.max(...this.sizes)));
    return (hashes) => Math.min(blocksAnswerMax(hashes, max), compactSize(hashes) + hashes * (compactSize(max) + each));
  }
}

/**
 * Sets when a request's stall clock counts from: Infinity while it waits on our receive budget,
 * Date.now() once it is asked. Our own wait is no peer's stall.
 */
export type StallClock = (since: number) => void;

/** Blocks as they came off the wire: decoded, and the bytes they took there. */
export interface Bodies {
  blocks: Block[];
  bytes: number;
}

/** What sync asks of a peer. Responses come back decoded and checked for shape; the peer is penalised for garbage. */
export interface SyncClient {
  /** Headers after the first locator hash the peer knows (at most LIMITS.maxHeaders). */
  headers(peerId: string, locator: Uint8Array[]): Promise<BlockHeader[]>;
  /** Blocks by hash: a prefix of the hashes asked for, in order; empty when the peer lacks them. */
  blocks(peerId: string, hashes: Uint8Array[]): Promise<Block[]>;
  /** blocks(), with their size: a download bounds the bytes it holds by it, and times the peer by `clock`. */
  bodies(peerId: string, hashes: Uint8Array[], clock?: StallClock): Promise<Bodies>;
}

export class PeerError extends Error {
  override name = 'PeerError';
}

/** SyncClient over the sync protocol. */
export class WireSyncClient implements SyncClient {
  private readonly sizes: BlockSizes;

  constructor(
    private readonly wire: Requester,
    private readonly protocol: string,
    private readonly peers: PeerSet,
    private readonly intake: BlockIntake,
    private readonly maxBlockSize: number,
    /** Room for blocks answers, shared with every other peer's. */
    private readonly budget: ReceiveBudget,
  ) {
    this.sizes = new BlockSizes(maxBlockSize);
  }

  async headers(peerId: string, locator: Uint8Array[]): Promise<BlockHeader[]> {
    const req = encodeSyncRequest({ type: 'headers', locator: locator.slice(0, LIMITS.maxLocator), max: LIMITS.maxHeaders });
    const raw = await this.wire.request(peerId, this.protocol, req, 16 + LIMITS.maxHeaders * 80, LIMITS.headersMs);
    try {
      return decodeHeaders(raw).map(decodeHeader);
    } catch (e) {
      this.peers.misbehave(peerId, 'malformed', `headers: ${(e as Error).message}`);
      throw new PeerError(`malformed headers from ${peerId}`);
    }
  }

  async blocks(peerId: string, hashes: Uint8Array[]): Promise<Block[]> {
    return (await this.bodies(peerId, hashes)).blocks;
  }

  /**
   * With the budget short, only as many of `hashes` are asked for as the room granted bounds
   * the answer of: a prefix, which callers take as a short answer. `clock` is stopped while the
   * request waits for room: the peer has not been asked yet. The room is booked by BlockSizes; an
   * answer it has no room for is asked again once, booked at the most it may take.
   */
  async bodies(peerId: string, hashes: Uint8Array[], clock?: StallClock): Promise<Bodies> {
    let askedAt = 0;
    try {
      return await this.ask(peerId, hashes, clock, this.sizes.booking(), (at) => (askedAt = at));
    } catch (e) {
      if (!(e instanceof FrameError && e.kind === 'no-room')) throw e;
      // The time the peer took before its refused prefix still counts toward its stall: asking again is
      // our doing, not a fresh start for it (our wait for room in between is not its).
      const spent = Date.now() - askedAt;
      return this.ask(peerId, hashes, clock, (n) => blocksAnswerMax(n, this.maxBlockSize), (at) => at - spent);
    }
  }

  /** `asked` is told when the request goes out, and names the time its stall clock counts from. */
  private async ask(
    peerId: string,
    hashes: Uint8Array[],
    clock: StallClock | undefined,
    booking: (hashes: number) => number,
    asked: (at: number) => number,
  ): Promise<Bodies> {
    const max = this.maxBlockSize;
    clock?.(Infinity);
    const room = await this.budget.take(peerId, booking(hashes.length), booking(1));
    clock?.(asked(Date.now()));
    try {
      let n = hashes.length;
      while (n > 1 && booking(n) > room.bytes) n--;
      const askedFor = hashes.slice(0, n);
      // Never more than granted: an answer announcing more takes free room at its prefix, or is refused there.
      room.resize(Math.min(booking(n), room.bytes));
      const req = encodeSyncRequest({ type: 'blocks', hashes: askedFor });
      // The protocol's bound, as before, is what blames a peer (oversized); the booking only decides whether we read it now.
      const resp = await this.wire.request(peerId, this.protocol, req, blocksAnswerMax(n, max), LIMITS.blocksMs, (bytes) => room.grow(bytes));
      let raws: Uint8Array[];
      try {
        raws = decodeBlocks(resp, max);
      } catch (e) {
        this.peers.misbehave(peerId, 'malformed', `blocks: ${(e as Error).message}`);
        throw new PeerError(`malformed blocks from ${peerId}`);
      }
      const out: Block[] = [];
      let bytes = 0;
      for (let i = 0; i < raws.length; i++) {
        const block = this.intake.decode(peerId, raws[i]!);
        if (!block) throw new PeerError(`undecodable block from ${peerId}`);
        if (i >= askedFor.length || !equalBytes(blockHash(block), askedFor[i]!)) {
          this.peers.misbehave(peerId, 'malformed', 'blocks: other than requested');
          throw new PeerError(`unrequested block from ${peerId}`);
        }
        out.push(block);
        bytes += raws[i]!.length;
      }
      for (const raw of raws) this.sizes.observe(raw.length);
      return { blocks: out, bytes };
    } finally {
      room.release();
    }
  }
}
