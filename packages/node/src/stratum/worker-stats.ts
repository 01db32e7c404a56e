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

const MAX_WORKERS = 10_000;
export const SHARE_OUTCOMES: readonly ShareOutcome[] = ['accepted', 'stale', 'duplicate', 'lowDifficulty', 'invalid'];

/**
 * Share counts per authorised worker (bounded: the oldest worker is
 * forgotten first) and in total, by outcome.
 */
export class WorkerBook {
  private readonly byName = new Map<string, WorkerStats>();
  readonly totals: Record<ShareOutcome, number> = { accepted: 0, stale: 0, duplicate: 0, lowDifficulty: 0, invalid: 0 };

  count(worker: string | null, address: string | null, outcome: ShareOutcome, difficulty: number, now = Date.now()): void {
    this.totals[outcome]++;
    if (worker === null || address === null) return;
    const st = this.get(worker, address);
    st[outcome]++;
    st.difficulty = difficulty;
    if (outcome !== 'accepted') return;
    st.difficultySum += difficulty;
    st.lastShare = now;
    if (!st.firstShare) st.firstShare = now;
  }

  values(): IterableIterator<WorkerStats> {
    return this.byName.values();
  }

  private get(worker: string, address: string): WorkerStats {
    let st = this.byName.get(worker);
    if (st) return st;
    st = { worker, address, accepted: 0, stale: 0, duplicate: 0, lowDifficulty: 0, invalid: 0, difficulty: 0, difficultySum: 0, firstShare: 0, lastShare: 0 };
    if (this.byName.size >= MAX_WORKERS) this.byName.delete(this.byName.keys().next().value as string);
    this.byName.set(worker, st);
    return st;
  }
}
