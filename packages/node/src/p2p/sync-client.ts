import { BufferWriter, blockHash, decodeHeader, equalBytes, type Block, type BlockHeader } from '@hackcoin/core';
import type { BlockIntake } from './block-intake.js';
import { decodeBlocks, decodeHeaders, encodeSyncRequest } from './messages.js';
import type { PeerSet } from './peer-set.js';
import { LIMITS, blocksResponseMax } from './protocol.js';
import type { ReceiveBudget, Room } from './receive-budget.js';

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
 * Called with an answer frame's length once its prefix is in (and found within `maxResponse`),
 * before any of its body is read; the body is read once it settles, the stream held meanwhile, so
 * the peer waits on back-pressure. It never rejects.
 */
export type AdmitFrame = (length: number) => Promise<void>;

/** One bounded request/response exchange with a peer (size and time limits on both sides). */
export interface Requester {
  /** `admit`, if given, is called as AdmitFrame says when `admitsAtPrefix` is set, and ignored otherwise. */
  request(peerId: string, protocol: string, payload: Uint8Array, maxResponse: number, timeoutMs: number, admit?: AdmitFrame): Promise<Uint8Array>;
  /** request() calls `admit` at the answer's length prefix: a blocks answer then books what it really holds. */
  readonly admitsAtPrefix?: boolean;
}

/**
 * Sets when a request's stall clock counts from: Infinity while the request waits on our receive
 * budget, Date.now() once it is asked, Infinity again while its answer waits on the budget at its
 * length prefix, then its start moved on by that wait. Our own wait is no peer's stall.
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
  /** Wire bytes per block (with its length), averaged over recent answers: what the next requests book before their prefix is in. */
  private perBlock = 0;

  constructor(
    private readonly wire: Requester,
    private readonly protocol: string,
    private readonly peers: PeerSet,
    private readonly intake: BlockIntake,
    private readonly maxBlockSize: number,
    /** Room for blocks answers, shared with every other peer's. */
    private readonly budget: ReceiveBudget,
  ) {}

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
   * Room for the answer is booked from the node-wide budget, and the request asked (and `clock`
   * started) only once some is granted. With a requester that reads the length prefix first, the
   * booking is an estimate (the blocks asked for at the average size seen, at least one block's
   * room), made the answer's real length at its prefix, waiting there if the budget is short.
   * Otherwise it is the most the answer may take. Either way, with the budget short only as many
   * of `hashes` are asked for as the room granted fits: a prefix, which callers take as a short
   * answer.
   */
  async bodies(peerId: string, hashes: Uint8Array[], clock?: StallClock): Promise<Bodies> {
    const max = this.maxBlockSize;
    const atPrefix = this.wire.admitsAtPrefix === true;
    const floor = blocksAnswerMax(1, max);
    const estimate = (n: number): number => (atPrefix ? Math.min(blocksAnswerMax(n, max), Math.max(floor, compactSize(n) + Math.ceil(n * this.perBlock))) : blocksAnswerMax(n, max));
    clock?.(Infinity);
    const room: Room = await this.budget.take(peerId, estimate(hashes.length), floor);
    const given = new AbortController();
    try {
      // Room granted by the floor rule is all the answer gets: the blocks asked must fit it whatever they weigh.
      const fits = atPrefix && !room.floorOnly ? estimate : (n: number) => blocksAnswerMax(n, max);
      let n = hashes.length;
      while (n > 1 && fits(n) > room.bytes) n--;
      const asked = hashes.slice(0, n);
      room.resize(fits(n));
      const req = encodeSyncRequest({ type: 'blocks', hashes: asked });
      let since = Date.now();
      clock?.(since);
      const admit: AdmitFrame = async (length) => {
        let waitedFrom: number | undefined;
        await room.grow(length, given.signal, () => {
          waitedFrom = Date.now();
          clock?.(Infinity);
        });
        if (waitedFrom === undefined) return;
        since += Date.now() - waitedFrom;
        clock?.(since);
      };
      const limit = atPrefix ? blocksAnswerMax(n, max) : room.bytes;
      const resp = await this.wire.request(peerId, this.protocol, req, limit, LIMITS.blocksMs, atPrefix ? admit : undefined);
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
        if (i >= asked.length || !equalBytes(blockHash(block), asked[i]!)) {
          this.peers.misbehave(peerId, 'malformed', 'blocks: other than requested');
          throw new PeerError(`unrequested block from ${peerId}`);
        }
        out.push(block);
        bytes += raws[i]!.length;
      }
      if (out.length > 0) this.seen(bytes / out.length);
      return { blocks: out, bytes };
    } finally {
      given.abort();
      room.release();
    }
  }

  private seen(avgBlock: number): void {
    const x = avgBlock + compactSize(Math.ceil(avgBlock));
    this.perBlock = this.perBlock === 0 ? x : this.perBlock + (x - this.perBlock) / 8;
  }
}
