import { mkdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';

type Level = ClassicLevel<Uint8Array, Uint8Array>;
export type ChainedBatch = ReturnType<Level['batch']>;

/** LevelDB, with array batches that may carry 'rows' (see batchThroughChainedBatch). */
export type Database = Omit<Level, 'batch'> & {
  batch(ops: readonly BatchOp[]): Promise<void>;
  /** With options, the library's own path: keyed ops only. */
  batch(ops: readonly KeyedOp[], options: { sync?: boolean }): Promise<void>;
  batch(): ChainedBatch;
};
/** Rows keyed by 32-byte hashes, as the state tree's new nodes are kept: no object per row. */
export interface HashedRows {
  readonly count: number;
  hashInto(i: number, out: Uint8Array, at: number): void;
  record(i: number): Uint8Array;
}

/** A put or delete of one key. */
export type KeyedOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/** A keyed op, or a put of every row keyed prefix ‖ hash. */
export type BatchOp = KeyedOp | { type: 'rows'; prefix: number; rows: HashedRows };

/**
 * LevelDB's memtable, twice its default of 4 MiB: a 1,000-transfer block writes ~7,400 rows
 * (~0.7 MB), and with 4 MiB a memtable went to disk every few blocks, each flush a level-0
 * file that compaction then merged again. 8 MiB took the CPU of the threads beside the main
 * one (LevelDB's writer and compaction, the collector's helpers) from 49-50 to 42 ms per block
 * (bench/connect-block's blocks, 64 of them after 12); 16 and 32 MiB saved nothing more. The
 * cost is memory while writing: up to two memtables, 16 MiB instead of 8.
 */
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024;

/** Files LevelDB keeps open: its minimum, 10 of its own and 64 table files (each memory-mapped). */
export const MAX_OPEN_FILES = 74;

export async function openDatabase(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  // LevelDB maps every open table file into memory, and the pages reads touch count as RSS: with
  // its default of 1,000 open files, random contract-storage reads over 1 GB of state took RSS to
  // 1.3 GB; 64 table files keep it at ~160 MB (bench "contract storage memory").
  // Uncompressed, as Bitcoin Core keeps its chainstate: hashes, keys and signatures do not
  // compress, and Snappy on every flush and compaction cost ~15 ms of CPU per 1,000-transfer
  // block that the other core needs for signature checks.
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    maxOpenFiles: MAX_OPEN_FILES,
    compression: false,
    writeBufferSize: WRITE_BUFFER_BYTES,
  });
  await db.open();
  batchThroughChainedBatch(db);
  refuseWritesAfterAFailure(db);
  return db as unknown as Database;
}

/** Errors raised before LevelDB is asked to write anything: nothing of the write can be in its log. */
const REFUSED_BEFORE_WRITING = new Set(['LEVEL_INVALID_KEY', 'LEVEL_INVALID_VALUE', 'LEVEL_DATABASE_NOT_OPEN']);

function wroteNothing(e: unknown): boolean {
  return e instanceof TypeError || REFUSED_BEFORE_WRITING.has((e as { code?: unknown } | undefined)?.code as string);
}

/** The writes of a LevelDB handle, as refuseWritesAfterAFailure wraps them. */
export interface WritableStore {
  batch: (...args: never[]) => unknown;
  put: (key: Uint8Array, value: Uint8Array) => Promise<void>;
  del: (key: Uint8Array) => Promise<void>;
}

/**
 * After a failed write LevelDB may have logged part of it, and on recovery it drops the rest of
 * that log block: a later write could survive one it followed and depends on. So once a write
 * fails in LevelDB, every later write of every subsystem is refused (the chain halts on its next
 * write and the node stops, as Core aborts on a failed write); reads go on. A write refused before
 * reaching LevelDB (a malformed operation, a closed database) changes nothing.
 */
export function refuseWritesAfterAFailure(db: WritableStore): void {
  let failure: unknown;
  const guard =
    <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      if (failure !== undefined) {
        const why = failure instanceof Error ? failure.message : String(failure);
        throw Object.assign(new Error(`write refused after an earlier failed write: ${why}`, { cause: failure }), { code: 'LEVEL_WRITE_REFUSED' });
      }
      try {
        await write(...args);
      } catch (e) {
        if (!wroteNothing(e)) failure ??= e;
        throw e;
      }
    };
  const target = db as unknown as { batch: (...args: unknown[]) => unknown; put: WritableStore['put']; del: WritableStore['del'] };
  const batch = target.batch.bind(db);
  const guardedBatch = guard((...args: unknown[]) => batch(...args) as Promise<void>);
  // With no operations it hands out a chained batch for the caller to fill (not used for writes here).
  target.batch = (...args: unknown[]) => (args.length === 0 ? batch() : guardedBatch(...args));
  target.put = guard(target.put.bind(db));
  target.del = guard(target.del.bind(db));
}

/**
 * Array batches go to LevelDB through a chained batch: the binding then copies
 * each key and value from call arguments, where the array form reads every
 * operation object's properties through N-API, most of the main thread's
 * share of writing a 1,000-transfer block (~11,000 operations). The result is
 * the same single atomic WriteBatch. Batches with options take the library's path.
 */
/**
 * One key buffer serves every row: the binding copies key and value into the WriteBatch
 * before put returns (nothing here listens to the batch's operations, which would keep them).
 * Off V8's heap once, so the binding need not move a new small array for each row.
 */
function putRows(chained: ChainedBatch, prefix: number, rows: HashedRows): void {
  const k = new Uint8Array(new ArrayBuffer(64), 0, 33);
  k[0] = prefix;
  for (let i = 0; i < rows.count; i++) {
    rows.hashInto(i, k, 1);
    chained.put(k, rows.record(i));
  }
}

function batchThroughChainedBatch(db: Level): void {
  const chainedBatch = db.batch.bind(db) as () => ChainedBatch;
  const arrayBatch = db.batch.bind(db) as unknown as (ops: readonly BatchOp[], options: object) => Promise<void>;
  const batch = async (ops: readonly BatchOp[]): Promise<void> => {
    if (ops.length === 0) return;
    const chained = chainedBatch();
    try {
      for (const op of ops) {
        if (op.type === 'put') chained.put(op.key, op.value);
        else if (op.type === 'del') chained.del(op.key);
        else if (op.type === 'rows') putRows(chained, op.prefix, op.rows);
        else throw new TypeError("A batch operation must have a type property that is 'put', 'del' or 'rows'");
      }
    } catch (err) {
      await chained.close();
      throw err;
    }
    await chained.write();
  };
  (db as { batch: unknown }).batch = (...args: [] | [readonly BatchOp[]] | [readonly BatchOp[], object]) => {
    if (args.length === 0) return chainedBatch();
    return args.length === 1 || args[1] === undefined ? batch(args[0]) : arrayBatch(args[0], args[1]);
  };
}
