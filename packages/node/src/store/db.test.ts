import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, refuseWritesAfterAFailure, type BatchOp, type Database, type WritableStore } from './db.js';

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
  it('writes every row of a rows operation under prefix ‖ hash, each with its own value, beside keyed operations', async () => {
    const db = await open();
    const hashes = Array.from({ length: 300 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? i >> 8 : j === 1 ? i & 0xff : i * 7 + j) & 0xff));
    const values = hashes.map((_, i) => Uint8Array.from({ length: 1 + (i % 50) }, (_, j) => i + j));
    const rows = {
      count: hashes.length,
      hashInto: (i: number, out: Uint8Array, at: number) => out.set(hashes[i]!, at),
      record: (i: number) => values[i]!,
    };
    await db.batch([{ type: 'put', key: b(1), value: b(10) }, { type: 'rows', prefix: 0x42, rows }, { type: 'put', key: b(2), value: b(20) }]);
    const stored = await db.getMany(hashes.map((h) => Uint8Array.of(0x42, ...h)));
    expect(stored.map((v) => Array.from(v ?? []))).toEqual(values.map((v) => Array.from(v)));
    let count = 0;
    for await (const k of db.keys({ gte: b(0x42), lt: b(0x43) })) count += k.length === 33 ? 1 : 0;
    expect(count).toBe(300);
    expect(Array.from((await db.get(b(2)))!)).toEqual([20]);
  });

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
    await expect(db.batch(bad)).rejects.toThrow(/'put', 'del' or 'rows'/);
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

describe('after a failed write', () => {
  /** LevelDB at the edge: a store whose writes fail like a dying disk while `failing` is set. */
  function disk() {
    const rows = new Map<number, number>();
    const state = { failing: false, writes: 0 };
    const io = (): void => {
      state.writes++;
      if (state.failing) throw Object.assign(new Error('IO error: simulated'), { code: 'LEVEL_IO_ERROR' });
    };
    const store: WritableStore = {
      batch: (async (ops: BatchOp[]) => {
        if (ops.some((op) => op.type !== 'put' && op.type !== 'del')) throw new TypeError("A batch operation must have a type property that is 'put' or 'del'");
        io();
        for (const op of ops) if (op.type === 'put') rows.set(op.key[0]!, op.value[0]!);
      }) as never,
      put: async (key, value) => {
        io();
        rows.set(key[0]!, value[0]!);
      },
      del: async (key) => {
        io();
        rows.delete(key[0]!);
      },
    };
    refuseWritesAfterAFailure(store);
    return { store, rows, state };
  }

  it('refuses every later write, batch, put or delete, even once the disk works again', async () => {
    const { store, rows, state } = disk();
    const batch = store.batch as unknown as (ops: BatchOp[]) => Promise<void>;
    await store.put(b(1), b(10));
    state.failing = true;
    await expect(batch([{ type: 'put', key: b(2), value: b(20) }])).rejects.toMatchObject({ code: 'LEVEL_IO_ERROR' });
    state.failing = false;
    const writes = state.writes;
    await expect(batch([{ type: 'put', key: b(3), value: b(30) }])).rejects.toMatchObject({ code: 'LEVEL_WRITE_REFUSED' });
    await expect(store.put(b(4), b(40))).rejects.toThrow(/write refused after an earlier failed write: IO error: simulated/);
    await expect(store.del(b(1))).rejects.toMatchObject({ code: 'LEVEL_WRITE_REFUSED' });
    expect(state.writes).toBe(writes);
    expect([...rows]).toEqual([[1, 10]]);
  });

  it('is not set off by a write refused before it reached the disk', async () => {
    const { store, rows } = disk();
    const batch = store.batch as unknown as (ops: BatchOp[]) => Promise<void>;
    await expect(batch([{ type: 'merge', key: b(2) }] as unknown as BatchOp[])).rejects.toThrow(TypeError);
    await store.put(b(5), b(50));
    expect([...rows]).toEqual([[5, 50]]);
  });

  it('leaves a real database that refused a malformed batch taking writes', async () => {
    const db = await open();
    await expect(db.put(b(1), undefined as unknown as Uint8Array)).rejects.toMatchObject({ code: 'LEVEL_INVALID_VALUE' });
    await db.put(b(2), b(20));
    expect(Array.from((await db.get(b(2))) ?? [])).toEqual([20]);
  });
});
