import { Fifo } from '../util/fifo.js';

/**
 * Pay-per-last-N-shares accounting: a block's reward is split over the most
 * recent shares whose difficulty adds up to `windowDifficulty`, in proportion
 * to each worker's difficulty within the window. Pool hopping gains nothing
 * because the window reaches back before any block is found.
 */
export interface ShareRecord {
  address: string;
  worker: string;
  difficulty: number;
  time: number;
}

/** What one `add` changed, so a store can mirror the window exactly. */
export interface WindowChange {
  added: { seq: number; share: ShareRecord };
  evicted: number[];
}

/** Records a window keeps at most, whatever their difficulties. */
export const MAX_WINDOW_SHARES = 100_000;

export class PplnsWindow {
  private readonly shares = new Fifo<{ seq: number; share: ShareRecord }>();
  private total = 0;
  private nextSeq = 0;

  /**
   * @param windowDifficulty N, in units of share difficulty.
   * @param maxShares hard bound on the records kept (and persisted), whatever the difficulties.
   */
  constructor(
    private windowDifficulty: number,
    private readonly maxShares = MAX_WINDOW_SHARES,
  ) {}

  /** Restores persisted records (in sequence order) after a restart. */
  restore(records: { seq: number; share: ShareRecord }[]): number[] {
    for (const r of records) {
      this.shares.push(r);
      this.total += r.share.difficulty;
      this.nextSeq = Math.max(this.nextSeq, r.seq + 1);
    }
    return this.trim();
  }

  /** `windowDifficulty`: N from now on, when it follows the network's difficulty (the shares it no longer covers are evicted). */
  add(share: ShareRecord, windowDifficulty = this.windowDifficulty): WindowChange {
    this.windowDifficulty = windowDifficulty;
    const added = { seq: this.nextSeq++, share };
    this.shares.push(added);
    this.total += share.difficulty;
    return { added, evicted: this.trim() };
  }

  private trim(): number[] {
    const evicted: number[] = [];
    while (
      this.shares.length > 1 &&
      (this.shares.length > this.maxShares || this.total - this.shares.first()!.share.difficulty >= this.windowDifficulty)
    ) {
      const old = this.shares.shift()!;
      this.total -= old.share.difficulty;
      evicted.push(old.seq);
    }
    return evicted;
  }

  /** Integer split of `reward` by address; rounding dust goes to the largest contributor. */
  split(reward: bigint): Map<string, bigint> {
    const weight = new Map<string, bigint>();
    for (const { share } of this.shares) {
      weight.set(share.address, (weight.get(share.address) ?? 0n) + weightOf(share.difficulty));
    }
    const out = new Map<string, bigint>();
    let total = 0n;
    for (const w of weight.values()) total += w;
    if (total === 0n) return out;
    let paid = 0n;
    let top: string | undefined;
    for (const [addr, w] of weight) {
      const part = (reward * w) / total;
      out.set(addr, part);
      paid += part;
      if (!top || w > weight.get(top)!) top = addr;
    }
    if (top) out.set(top, out.get(top)! + (reward - paid));
    return out;
  }

  get size(): number {
    return this.shares.length;
  }
}

/** Integer weights keep the split exact; relative precision is what matters, so scale by the exponent. */
function weightOf(difficulty: number): bigint {
  return BigInt(Math.max(1, Math.round(difficulty * 2 ** 60)));
}
