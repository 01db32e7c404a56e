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
 */
export class HeaderChain {
  private readonly main: HeaderEntry[];

  private constructor(
    private readonly params: ConsensusParams,
    genesis: HeaderEntry,
  ) {
    this.main = [genesis];
  }

  static fromGenesis(params: ConsensusParams): HeaderChain {
    const header = genesisBlock(params).header;
    const hash = headerHash(header);
    return new HeaderChain(params, { header, hash, id: hashToHex(hash), height: 0, chainWork: workFromBits(header.bits) });
  }

  get tip(): HeaderEntry {
    return this.main[this.main.length - 1]!;
  }

  get height(): number {
    return this.main.length - 1;
  }

  at(height: number): HeaderEntry | undefined {
    return this.main[height];
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
    if (!Number.isSafeInteger(fromHeight) || fromHeight < 1 || fromHeight > this.main.length) {
      reject('bad-prevblk', `branch starts at height ${fromHeight}, chain has ${this.main.length}`);
    }
    if (this.main.length - fromHeight > MAX_HEADER_BATCH) reject('bad-prevblk', 'fork deeper than the reorg limit');
    const branch: HeaderEntry[] = [];
    const entryAt = (h: number): HeaderEntry => (h < fromHeight ? this.main[h]! : branch[h - fromHeight]!);
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
    this.main.length = fromHeight;
    this.main.push(...branch);
    return true;
  }
}
