import { describe, expect, it } from 'vitest';
import type { BatchOp } from './db.js';
import { GroupWriter } from './group-writer.js';

const put = (n: number): BatchOp => ({ type: 'put', key: Uint8Array.of(n), value: Uint8Array.of(n) });
const keys = (ops: BatchOp[]): number[] => ops.map((o) => (o.type === 'rows' ? -1 : o.key[0]!));

/** A store whose writes finish only when the test says so. */
function slowStore() {
  const batches: number[][] = [];
  const finish: ((e?: Error) => void)[] = [];
  const write = (ops: BatchOp[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(keys(ops));
      finish.push((e) => (e ? reject(e) : resolve()));
    });
  return { batches, finish, write };
}

describe('GroupWriter', () => {
  it('writes the first submission at once and everything submitted meanwhile as one next batch, in order', async () => {
    const store = slowStore();
    const w = new GroupWriter(store.write);
    const landed: number[] = [];
    const track = (n: number, p: Promise<void>) => p.then(() => landed.push(n));
    const a = track(1, w.submit([put(1)]));
    const b = track(2, w.submit([put(2), put(3)]));
    const c = track(3, w.submit([]));
    const d = track(4, w.submit([put(4)]));
    await Promise.resolve();
    expect(store.batches).toEqual([[1]]);
    store.finish[0]!();
    await a;
    await new Promise((r) => setImmediate(r));
    expect(store.batches).toEqual([[1], [2, 3, 4]]);
    expect(landed).toEqual([1]);
    store.finish[1]!();
    await Promise.all([b, c, d]);
    expect(landed).toEqual([1, 2, 3, 4]);
    // Idle again: an empty submission resolves without a write, a real one is written at once.
    await w.submit([]);
    const e = w.submit([put(5)]);
    expect(store.batches).toEqual([[1], [2, 3, 4], [5]]);
    store.finish[2]!();
    await e;
  });

  it('rejects exactly the submissions of a failed batch and goes on with later ones', async () => {
    const store = slowStore();
    const w = new GroupWriter(store.write);
    const a = w.submit([put(1)]);
    const b = w.submit([put(2)]);
    const c = w.submit([put(3)]);
    store.finish[0]!();
    await a;
    await new Promise((r) => setImmediate(r));
    store.finish[1]!(new Error('disk full'));
    await expect(b).rejects.toThrow('disk full');
    await expect(c).rejects.toThrow('disk full');
    const d = w.submit([put(4)]);
    expect(store.batches).toEqual([[1], [2, 3], [4]]);
    store.finish[2]!();
    await d;
  });
});
