import { reject } from '../consensus/errors.js';
import type { ConsensusParams } from '../consensus/params.js';
import { checkHeaderContext, checkProofOfWork } from '../consensus/block-rules.js';
import { medianTimePast, nextWorkRequired } from '../consensus/difficulty.js';
import { workFromBits } from '../consensus/pow.js';
import { genesisBlock } from '../consensus/genesis.js';
import { equalBytes, hashToHex } from '../encoding/bytes.js';
import { HEADER_SIZE, decodeHeader, headerHash, type BlockHeader } from '../primitives/header.js';

export interface HeaderEntry {
  header: BlockHeader;
  hash: Uint8Array;
  /** Display id (reversed hex), like the node's block ids. */
  id: string;
  height: number;
  /** Total work of the chain up to and including this header. */
  chainWork: bigint;
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
 * branch it may follow forks at most MAX_HEADER_BATCH blocks down, whose
 * checks reach back another retarget window or median-time span. A count
 * cap would not do: on regtest a header costs two hashes, and elsewhere an
 * honest chain grows by a header a minute forever. Headers below the window
 * read as undefined from at().
 */
export class HeaderChain {
  /** Heights base … tip, oldest first. */
  private main: HeaderEntry[];
  private base = 0;
  private readonly capacity: number;

  private constructor(
    private readonly params: ConsensusParams,
    private readonly genesis: HeaderEntry,
    keep: number,
  ) {
    this.main = [genesis];
    this.capacity = Math.max(keep, minimumCapacity(params));
  }

  /** `keep`: how many recent headers to hold at least (raised to what reorg and retarget checks need). */
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

  /** Lowest height held besides genesis (0 until the chain outgrows its capacity). */
  get lowest(): number {
    return this.base;
  }

  at(height: number): HeaderEntry | undefined {
    if (height === 0) return this.genesis;
    return height >= this.base ? this.main[height - this.base] : undefined;
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
    const branch: HeaderEntry[] = [];
    const entryAt = (h: number): HeaderEntry => {
      const e = h < fromHeight ? this.at(h) : branch[h - fromHeight];
      // Reachable after a reorg to a shorter branch: the window then holds fewer than `capacity` headers above `base`, and a later fork's checks can reach below it.
      if (!e) reject('bad-prevblk', `header at height ${h} is no longer held`);
      return e;
    };
    for (let i = 0; i < raw.length; i++) {
      const bytes = raw[i]!;
      if (bytes.length !== HEADER_SIZE) reject('bad-blk-length', `header ${i} has ${bytes.length} bytes`);
      const header = decodeHeader(bytes);
      const height = fromHeight + i;
      const parent = entryAt(height - 1);
      if (!equalBytes(header.prevHash, parent.hash)) reject('bad-prevblk', `header at height ${height} does not link to its parent`);
      checkProofOfWork(header, this.params);
      const times: number[] = [];
      for (let h = Math.max(0, height - this.params.medianTimeSpan); h < height; h++) times.push(entryAt(h).header.time);
      const expectedBits = nextWorkRequired({ height, prevBits: parent.header.bits, timeAt: (h) => entryAt(h).header.time }, this.params);
      checkHeaderContext(header, { expectedBits, medianTimePast: medianTimePast(times), now, height, prevTime: parent.header.time }, this.params);
      const hash = headerHash(header);
      branch.push({ header, hash, id: hashToHex(hash), height, chainWork: parent.chainWork + workFromBits(header.bits) });
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
}

/**
 * Headers a branch's checks can reach: its fork point may be MAX_HEADER_BATCH
 * below the next height, and its first header looks back a median-time span
 * or a retarget window (first block of the previous window) from there.
 */
function minimumCapacity(params: ConsensusParams): number {
  return MAX_HEADER_BATCH + Math.max(params.medianTimeSpan, params.retargetInterval + 1) + 1;
}
