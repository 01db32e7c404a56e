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
  return db;
}
