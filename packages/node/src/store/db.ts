import { mkdirSync } from 'node:fs';
import { ClassicLevel } from 'classic-level';

export type Database = ClassicLevel<Uint8Array, Uint8Array>;
export type BatchOp =
  | { type: 'put'; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; key: Uint8Array };

export async function openDatabase(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  return db;
}
