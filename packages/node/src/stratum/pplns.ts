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

export class PplnsWindow {
  private readonly shares: ShareRecord[] = [];
  private total = 0;

  constructor(private readonly windowDifficulty: number) {}

  add(share: ShareRecord): void {
    this.shares.push(share);
    this.total += share.difficulty;
    while (this.shares.length > 1 && this.total - this.shares[0]!.difficulty >= this.windowDifficulty) {
      this.total -= this.shares.shift()!.difficulty;
    }
  }

  /** Integer split of `reward` by address; rounding dust goes to the largest contributor. */
  split(reward: bigint): Map<string, bigint> {
    const weight = new Map<string, bigint>();
    for (const s of this.shares) {
      weight.set(s.address, (weight.get(s.address) ?? 0n) + BigInt(Math.max(1, Math.round(s.difficulty * 1e6))));
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
