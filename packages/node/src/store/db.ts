import { mkdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';

export type Database = ClassicLevel<Uint8Array, Uint8Array>;
export type BatchOp =
  | { type: 'put'; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; key: Uint8Array };

/** Files LevelDB keeps open: its minimum, 10 of its own and 64 table files (each memory-mapped). */
export const MAX_OPEN_FILES = 74;

export async function openDatabase(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  // LevelDB maps every open table file into memory, and the pages reads touch count as RSS: with
  // its default of 1,000 open files, random contract-storage reads over 1 GB of state took RSS to
  // 1.3 GB; 64 table files keep it at ~160 MB (bench "contract storage memory").
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view', maxOpenFiles: MAX_OPEN_FILES });
  await db.open();
  batchThroughChainedBatch(db);
  return db;
}

/**
 * Array batches go to LevelDB through a chained batch: the binding then copies
 * each key and value from call arguments, where the array form reads every
 * operation object's properties through N-API, most of the main thread's
 * share of writing a 1,000-transfer block (~11,000 operations). The result is
 * the same single atomic WriteBatch. Batches with options take the library's path.
 */
function batchThroughChainedBatch(db: Database): void {
  const chainedBatch = db.batch.bind(db) as () => ReturnType<Database['batch']>;
  const arrayBatch = db.batch.bind(db) as unknown as (ops: readonly BatchOp[], options: object) => Promise<void>;
  const batch = async (ops: readonly BatchOp[]): Promise<void> => {
    if (ops.length === 0) return;
    const chained = chainedBatch();
    try {
      for (const op of ops) {
        if (op.type === 'put') chained.put(op.key, op.value);
        else if (op.type === 'del') chained.del(op.key);
        else throw new TypeError("A batch operation must have a type property that is 'put' or 'del'");
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
