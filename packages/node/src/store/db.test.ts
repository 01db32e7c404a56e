import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type BatchOp, type Database } from './db.js';

const dirs: string[] = [];
const dbs: Database[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-db-'));
  dirs.push(dir);
  const db = await openDatabase(dir);
  dbs.push(db);
  return db;
}

const b = (...xs: number[]) => Uint8Array.from(xs);

describe('database batches', () => {
  it('applies puts and deletes in order, later operations on a key winning', async () => {
    const db = await open();
    await db.put(b(1), b(10));
    await db.batch([
      { type: 'put', key: b(2), value: b(20) },
      { type: 'del', key: b(1) },
      { type: 'put', key: b(3), value: b(30) },
      { type: 'put', key: b(3), value: b(31) },
      { type: 'put', key: b(4), value: b(40) },
      { type: 'del', key: b(4) },
    ]);
    const rows: [number, number][] = [];
    for await (const [k, v] of db.iterator()) rows.push([k[0]!, v[0]!]);
    expect(rows).toEqual([
      [2, 20],
      [3, 31],
    ]);
  });

  it('writes nothing of a batch with a malformed operation', async () => {
    const db = await open();
    const bad = [{ type: 'put', key: b(5), value: b(50) }, { type: 'merge', key: b(6) }] as unknown as BatchOp[];
    await expect(db.batch(bad)).rejects.toThrow(/put' or 'del/);
    await expect(db.batch([{ type: 'put', key: b(7), value: undefined }] as unknown as BatchOp[])).rejects.toThrow();
    expect(await db.get(b(5))).toBeUndefined();
    // The database still takes batches, chained ones and ones with options included.
    await db.batch([{ type: 'put', key: b(8), value: b(80) }]);
    await db.batch([{ type: 'put', key: b(9), value: b(90) }], { sync: false });
    await db.batch().put(b(11), b(110)).write();
    const got = [await db.get(b(8)), await db.get(b(9)), await db.get(b(11))];
    expect(got.map((v) => Array.from(v ?? []))).toEqual([[80], [90], [110]]);
  });
});
