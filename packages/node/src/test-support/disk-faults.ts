import type { BatchOp, Database } from '../store/db.js';

type Batch = (ops: BatchOp[]) => Promise<void>;
type GetMany = (keys: Uint8Array[]) => Promise<(Uint8Array | undefined)[]>;

/**
 * Makes the real database fail like a dying disk: the nth batch that matches
 * (counted from now) fails, and with `from`, every matching batch after it too.
 */
export function failBatches(db: Database, match: (ops: BatchOp[]) => boolean, nth: number, mode: 'once' | 'from' = 'once') {
  const target = db as unknown as { batch: Batch };
  const real = target.batch.bind(db);
  const state = { seen: 0, failed: 0, healed: false };
  target.batch = async (ops: BatchOp[]) => {
    if (!state.healed && match(ops)) {
      state.seen++;
      if (state.seen === nth || (mode === 'from' && state.seen > nth)) {
        state.failed++;
        throw new Error('EIO: simulated write failure');
      }
    }
    return real(ops);
  };
  return state;
}

/**
 * The chain's batched account reads (one per block it connects, before the state
 * transition): the nth from now fails like a disk read error, or with `hold`, every
 * read waits until released (then fails if `fail` is set), so a connect can be
 * watched half-way.
 */
export function accountReadFaults(db: Database, opts: { nth?: number; hold?: boolean } = {}) {
  const target = db as unknown as { getMany: GetMany };
  const real = target.getMany.bind(db);
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const state = { seen: 0, failed: 0, held: 0, fail: false, release };
  target.getMany = async (keys) => {
    state.seen++;
    if (opts.hold) {
      state.held++;
      await opened;
    }
    if (state.fail || state.seen === opts.nth) {
      state.failed++;
      throw new Error('EIO: simulated read failure');
    }
    return real(keys);
  };
  return state;
}

/**
 * Holds every batch that matches until `release()`, then writes it, or with `fail` fails it like
 * a dying disk; every batch submitted is recorded in order, so a test can watch a write still in
 * flight and what is submitted behind it. `restore()` puts the real batch back.
 */
export function gateBatches(db: Database, match: (ops: BatchOp[]) => boolean, opts: { fail?: boolean } = {}) {
  const target = db as unknown as { batch: Batch };
  const real = target.batch.bind(db);
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  const state = { submitted: [] as BatchOp[][], release, restore: () => (target.batch = real) };
  target.batch = async (ops: BatchOp[]) => {
    state.submitted.push(ops);
    if (match(ops)) {
      await opened;
      if (opts.fail) throw new Error('EIO: simulated write failure');
    }
    return real(ops);
  };
  return state;
}
