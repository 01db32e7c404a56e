import type { BatchOp } from './db.js';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: one batch at a time, in submission order, and everything submitted while a
 * batch is being written goes out together as the next one. The mempool wrote one LevelDB
 * batch per admitted transaction and held its queue until each had landed; a relayed batch of
 * 256 transactions was 256 writes in a row. Concurrent db.batch calls may reach LevelDB in
 * any order (they run on the thread pool), so every write of one owner goes through here.
 * A failed batch rejects the writes it carried; LevelDB then refuses all later writes anyway.
 */
export class GroupWriter {
  private queued: BatchOp[] = [];
  private waiters: Waiter[] = [];
  private busy = false;

  constructor(private readonly write: (ops: BatchOp[]) => Promise<void>) {}

  /** Resolves once `ops` (possibly none) and everything submitted before them are on disk. */
  submit(ops: readonly BatchOp[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      for (const op of ops) this.queued.push(op);
      this.waiters.push({ resolve, reject });
      if (!this.busy) {
        this.busy = true;
        void this.drain();
      }
    });
  }

  /** Never throws: each group's outcome goes to its waiters. */
  private async drain(): Promise<void> {
    while (this.waiters.length > 0) {
      const ops = this.queued;
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      try {
        if (ops.length > 0) await this.write(ops);
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    this.busy = false;
  }
}
