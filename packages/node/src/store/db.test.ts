import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-db-'));
  dirs.push(dir);
  return openDatabase(dir);
}

const k = (n: number): Uint8Array => new Uint8Array([0x42, n]);
const v = (n: number): Uint8Array => new Uint8Array([n, n]);
/** Values as plain byte lists (LevelDB answers with Buffers). */
const bytes = (x: Uint8Array | undefined): number[] | undefined => (x === undefined ? undefined : [...x]);

describe('openDatabase', () => {
  it('writes batches, puts and deletes as LevelDB does', async () => {
    const db = await open();
    await db.batch([
      { type: 'put', key: k(1), value: v(1) },
      { type: 'put', key: k(2), value: v(2) },
    ]);
    await db.put(k(3), v(3));
    await db.del(k(2));
    expect([k(1), k(2), k(3)].map((key) => bytes(db.getSync(key)))).toEqual([[1, 1], undefined, [3, 3]]);
    await db.close();
  });

  it('after one failed write refuses every later write, of any kind, and still answers reads', async () => {
    const db = await open();
    await db.put(k(1), v(1));
    // A write LevelDB refuses (an operation of no known type) stands for any failed write.
    await expect(db.batch([{ type: 'merge', key: k(2), value: v(2) } as never])).rejects.toThrow(/type property/);
    await expect(db.batch([{ type: 'put', key: k(3), value: v(3) }])).rejects.toMatchObject({ code: 'LEVEL_WRITE_REFUSED' });
    await expect(db.put(k(4), v(4))).rejects.toThrow(/write refused after an earlier failed write: A batch operation must have a type property/);
    await expect(db.del(k(1))).rejects.toMatchObject({ code: 'LEVEL_WRITE_REFUSED' });
    expect([k(1), k(3), k(4)].map((key) => bytes(db.getSync(key)))).toEqual([[1, 1], undefined, undefined]);
    expect(bytes(await db.get(k(1)))).toEqual([1, 1]);
    await db.close();
  });
});
