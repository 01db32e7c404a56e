import { reject } from '../consensus/errors.js';
import type { ConsensusParams } from '../consensus/params.js';
import { checkHeaderContext, checkProofOfWork } from '../consensus/block-rules.js';
import { medianTimePast, nextWorkRequired } from '../consensus/difficulty.js';
import { workFromBits } from '../consensus/pow.js';
import { genesisBlock } from '../consensus/genesis.js';
import { equalBytes, hashToHex } from '../encoding/bytes.js';
import { HEADER_SIZE, decodeHeader, encodeHeader, headerHash, type BlockHeader } from '../primitives/header.js';

export interface HeaderEntry {
  header: BlockHeader;
  hash: Uint8Array;
  /** Display id (reversed hex), like the node's block ids. */
  id: string;
  height: number;
  /** Total work of the chain up to and including this header. */
  chainWork: bigint;
}

/** A window as a wallet stores it (HeaderChain.saved): raw headers from `height` up, and the work of the chain below them. */
export interface SavedHeaders {
  height: number;
  chainWork: bigint;
  headers: Uint8Array[];
}

/** How far a submitted branch may reach back: deeper forks than this are not followed. */
export const MAX_HEADER_BATCH = 2_000;

/**
 * The best header chain a light client knows, checked from raw 80-byte
 * headers alone with the full node's own header rules: proof of work, the
 * retarget rule (nextWorkRequired), median time past, the time-warp bound,
 * the link to this network's genesis and most-work choice between branches.
 * It trusts nothing a server says about heights, work or validity; the one
 * thing it cannot check without block bodies is that the transactions are
 * valid, which is what a full node adds.
 *
 * Memory is bounded the way bitcoinj's SPVBlockStore bounds it, not the way
 * Electrum does: every header is checked from genesis, but only the genesis
 * anchor and the most recent `capacity` headers are held (each with the
 * cumulative work of the chain up to it, so nothing older is ever needed
 * again). Electrum keeps every header because it serves merkle proofs for
 * old transactions; this client proves state only near the tip, and a
 * branch it may follow forks at most MAX_HEADER_BATCH blocks down. A count
 * cap would not do: on regtest a header costs two hashes, and elsewhere an
 * honest chain grows by a header a minute forever.
 *
 * A branch may fork from any header at() returns, `lowest` up. The window
 * also holds, privately, the headers below `lowest` that such a branch's
 * median-time and retarget checks read. Trimming keeps them, and a reorg
 * forks above them, so they are there even after a reorg to a shorter
 * branch has left the window short of its capacity, when the reorg limit
 * alone would let a branch fork lower than the window reaches.
 */
export class HeaderChain {
  /** Heights base … tip, oldest first: the look-back context below `lowest` (once the window has slid), then the headers at() returns. */
  private main: HeaderEntry[];
  private base = 0;
  private readonly context: number;
  private readonly capacity: number;

  private constructor(
    private readonly params: ConsensusParams,
    private readonly genesis: HeaderEntry,
    keep: number,
  ) {
    this.main = [genesis];
    this.context = lookBack(params) - 1;
    // The deepest fork point the reorg limit allows is MAX_HEADER_BATCH below the tip.
    this.capacity = this.context + Math.max(keep, MAX_HEADER_BATCH + 1);
  }

  /** `keep`: how many recent headers at() returns at least (raised to the reorg limit's). */
  static fromGenesis(params: ConsensusParams, keep = 0): HeaderChain {
    if (!Number.isSafeInteger(keep) || keep < 0) throw new Error('keep must be a non-negative integer');
    const header = genesisBlock(params).header;
    const hash = headerHash(header);
    return new HeaderChain(params, { header, hash, id: hashToHex(hash), height: 0, chainWork: workFromBits(header.bits) }, keep);
  }

  get tip(): HeaderEntry {
    return this.main[this.main.length - 1]!;
  }

  get height(): number {
    return this.base + this.main.length - 1;
  }

  /** Lowest height at() returns besides genesis, and the lowest a branch may fork from (0 until the chain outgrows its capacity). */
  get lowest(): number {
    // From height 1 up, every header a check can read is held.
    return this.base <= 1 ? this.base : this.base + this.context;
  }

  /** Lowest height a branch may start at now, besides 1 (on the genesis anchor): on a header at() returns and within the reorg limit. */
  get firstBranchHeight(): number {
    return Math.max(1, this.height + 1 - MAX_HEADER_BATCH, this.base <= 1 ? 1 : this.lowest + 1);
  }

  at(height: number): HeaderEntry | undefined {
    if (height === 0) return this.genesis;
    return height >= this.lowest ? this.main[height - this.base] : undefined;
  }

  /**
   * Checks headers that follow the main-chain header at `fromHeight - 1` and
   * adopts them when the resulting branch has more work than the current
   * chain (a reorg when it forks below the tip). Every header is checked
   * before anything changes; a failure throws a RuleError naming the rule and
   * leaves the chain as it was. Returns whether the tip moved.
   */
  submit(raw: readonly Uint8Array[], fromHeight: number, now: number): boolean {
    if (raw.length === 0) return false;
    if (raw.length > MAX_HEADER_BATCH) reject('bad-blk-length', `${raw.length} headers in one batch`);
    if (!Number.isSafeInteger(fromHeight) || fromHeight < 1 || fromHeight > this.height + 1) {
      reject('bad-prevblk', `branch starts at height ${fromHeight}, chain has ${this.height + 1}`);
    }
    if (this.height + 1 - fromHeight > MAX_HEADER_BATCH) reject('bad-prevblk', 'fork deeper than the reorg limit');
    // Height 1 is the exception: its parent is the genesis anchor, and the branch itself is all its checks read.
    if (fromHeight > 1 && fromHeight < this.firstBranchHeight) {
      reject('bad-prevblk', `branch starts at height ${fromHeight}, below the headers held (from height ${this.lowest})`);
    }
    const branch: HeaderEntry[] = [];
    const entryAt = (h: number): HeaderEntry => {
      const e = h === 0 ? this.genesis : h < fromHeight ? this.main[h - this.base] : branch[h - fromHeight];
      if (!e) throw new Error(`header chain invariant broken: height ${h} is not held`);
      return e;
    };
    for (let i = 0; i < raw.length; i++) {
      const height = fromHeight + i;
      const parent = entryAt(height - 1);
      const entry = this.linked(raw[i]!, height, parent);
      const times: number[] = [];
      for (let h = Math.max(0, height - this.params.medianTimeSpan); h < height; h++) times.push(entryAt(h).header.time);
      const expectedBits = nextWorkRequired({ height, prevBits: parent.header.bits, timeAt: (h) => entryAt(h).header.time }, this.params);
      checkHeaderContext(entry.header, { expectedBits, medianTimePast: medianTimePast(times), now, height, prevTime: parent.header.time }, this.params);
      branch.push(entry);
    }
    const last = branch[branch.length - 1]!;
    // Ties keep the chain seen first, like Bitcoin.
    if (last.chainWork <= this.tip.chainWork) return false;
    // A branch from height 1 after the window slid keeps nothing of it (its parent is the genesis anchor):
    // sliced by a negative count, the window kept stale headers below the branch and read every height wrong.
    const below = fromHeight - this.base;
    const kept = below >= 0 ? this.main.slice(0, below) : [];
    const base = below >= 0 ? this.base : fromHeight;
    kept.push(...branch);
    const drop = Math.max(0, kept.length - this.capacity);
    this.main = drop > 0 ? kept.slice(drop) : kept;
    this.base = base + drop;
    return true;
  }

  /** Every header held, the look-back context included, for restore() on a later run. */
  saved(): SavedHeaders {
    const first = Math.max(1, this.base);
    const held = this.main.slice(first - this.base);
    const chainWork = held.length > 0 ? held[0]!.chainWork - workFromBits(held[0]!.header.bits) : this.genesis.chainWork;
    return { height: first, chainWork, headers: held.map((e) => encodeHeader(e.header)) };
  }

  /**
   * Takes up what saved() returned on an earlier run, on a chain that holds
   * only genesis, so a wallet need not sync from genesis each time it opens.
   * From height 1 every header is checked as submit() checks it. A window
   * that had slid cannot be checked from genesis: the work below it and its
   * first look-back's worth of headers are taken as saved (linked and with
   * their proof of work, the rest of their checks passed when first held).
   * The wallet trusts its own storage as it trusts its keys; no node writes
   * there. Every later header is checked in full against them. Returns false
   * for a window with fewer headers than this chain keeps (saved with fewer
   * confirmations, or after a reorg to a shorter branch): syncing from
   * genesis does better. A bad header throws a RuleError. Either way the
   * chain is left at genesis.
   */
  restore(saved: SavedHeaders, now: number): boolean {
    if (this.height !== 0) throw new Error('restore() takes a chain that holds only genesis');
    if (saved.height > 1 && saved.headers.length < this.capacity) return false;
    try {
      const rest = saved.height > 1 ? this.takeContext(saved) : saved.headers;
      for (let i = 0; i < rest.length; i += MAX_HEADER_BATCH) this.submit(rest.slice(i, i + MAX_HEADER_BATCH), this.height + 1, now);
      return true;
    } catch (e) {
      this.main = [this.genesis];
      this.base = 0;
      throw e;
    }
  }

  /** Holds a saved window's first look-back as saved, the base the rest is checked against; returns the rest. */
  private takeContext(saved: SavedHeaders): Uint8Array[] {
    const held: HeaderEntry[] = [];
    for (let i = 0; i <= this.context; i++) held.push(this.linked(saved.headers[i]!, saved.height + i, held[i - 1] ?? { chainWork: saved.chainWork }));
    this.main = held;
    this.base = saved.height;
    return saved.headers.slice(held.length);
  }

  /** Decodes a header and checks what needs no chain: its size, its link to `parent` (unknown for a saved window's first) and its proof of work. */
  private linked(bytes: Uint8Array, height: number, parent: { hash?: Uint8Array; chainWork: bigint }): HeaderEntry {
    if (bytes.length !== HEADER_SIZE) reject('bad-blk-length', `header at ${height} has ${bytes.length} bytes`);
    const header = decodeHeader(bytes);
    if (parent.hash && !equalBytes(header.prevHash, parent.hash)) reject('bad-prevblk', `header at height ${height} does not link to its parent`);
    checkProofOfWork(header, this.params);
    const hash = headerHash(header);
    return { header, hash, id: hashToHex(hash), height, chainWork: parent.chainWork + workFromBits(header.bits) };
  }
}

/**
 * How far below its own height a header's checks read: the median-time span,
 * or the retarget window and the block before it (nextWorkRequired measures
 * from there).
 */
function lookBack(params: ConsensusParams): number {
  return Math.max(params.medianTimeSpan, params.retargetInterval + 1);
}
