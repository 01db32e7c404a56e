import { OldestFirst } from '../util/oldest-first.js';

export type ShareOutcome = 'accepted' | 'stale' | 'duplicate' | 'lowDifficulty' | 'invalid';

export interface WorkerStats {
  worker: string;
  address: string;
  accepted: number;
  stale: number;
  duplicate: number;
  lowDifficulty: number;
  invalid: number;
  /** Share difficulty currently sent to this worker's connection. */
  difficulty: number;
  difficultySum: number;
  firstShare: number;
  lastShare: number;
}

/** Rows kept: a row costs a few hundred bytes, and only accepted work (real hashing) makes one. */
const MAX_WORKERS = 10_000;
export const SHARE_OUTCOMES: readonly ShareOutcome[] = ['accepted', 'stale', 'duplicate', 'lowDifficulty', 'invalid'];

/**
 * Share counts per worker and in total, by outcome. A worker gets a row with
 * its first accepted share, never for rejections alone: authorising names is
 * free, so rows for them would let anyone fill the book and the stats. At the
 * bound the worker whose last accepted share is oldest is forgotten.
 */
export class WorkerBook {
  /** In order of last accepted share, oldest first. */
  private readonly byName = new Map<string, WorkerStats>();
  private readonly oldest = new OldestFirst(this.byName);
  readonly totals: Record<ShareOutcome, number> = { accepted: 0, stale: 0, duplicate: 0, lowDifficulty: 0, invalid: 0 };

  constructor(private readonly maxRows = MAX_WORKERS) {}

  count(worker: string | null, address: string | null, outcome: ShareOutcome, difficulty: number, now = Date.now()): void {
    this.totals[outcome]++;
    if (worker === null || address === null) return;
    const st = outcome === 'accepted' ? this.touch(worker, address) : this.byName.get(worker);
    if (!st) return;
    st[outcome]++;
    st.difficulty = difficulty;
    if (outcome !== 'accepted') return;
    st.difficultySum += difficulty;
    st.lastShare = now;
    if (!st.firstShare) st.firstShare = now;
  }

  get size(): number {
    return this.byName.size;
  }

  /** The `n` workers with the most accepted work: what a stats page can show without growing with the pool. */
  top(n: number): WorkerStats[] {
    return [...this.byName.values()].sort((a, b) => b.difficultySum - a.difficultySum).slice(0, n);
  }

  /** The worker's row, created if need be, moved to the most recent end. */
  private touch(worker: string, address: string): WorkerStats {
    let st = this.byName.get(worker);
    if (st) this.byName.delete(worker);
    else {
      st = { worker, address, accepted: 0, stale: 0, duplicate: 0, lowDifficulty: 0, invalid: 0, difficulty: 0, difficultySum: 0, firstShare: 0, lastShare: 0 };
      if (this.byName.size >= this.maxRows) this.oldest.evict();
    }
    this.byName.set(worker, st);
    return st;
  }
}
