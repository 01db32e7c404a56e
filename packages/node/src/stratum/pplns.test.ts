import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.js';
import { PplnsStore } from './pplns-store.js';
import { PplnsWindow } from './pplns.js';

const share = (address: string, difficulty: number, time: number) => ({ address, worker: `${address}.rig`, difficulty, time });

describe('durable PPLNS window', () => {
  it('survives a restart with the same split, and stays bounded on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-pplns-'));
    try {
      let db = await openDatabase(dir);
      let store = new PplnsStore(db);
      const w = new PplnsWindow(1_000, 50);
      for (let i = 0; i < 200; i++) await store.record(w.add(share(i % 3 === 0 ? 'alice' : 'bob', 1 + (i % 5), i)));
      const before = w.split(1_000_000n);
      expect(w.size).toBe(50);
      await store.flush();
      await db.close();

      db = await openDatabase(dir);
      store = new PplnsStore(db);
      const loaded = await store.load();
      expect(loaded.length).toBe(50);
      const again = new PplnsWindow(1_000, 50);
      expect(again.restore(loaded)).toEqual([]);
      expect(again.split(1_000_000n)).toEqual(before);
      // New shares continue the sequence rather than overwrite restored ones.
      await store.record(again.add(share('carol', 1, 1000)));
      expect((await store.load()).length).toBe(50);
      expect(again.split(1_000_000n).get('carol')).toBeGreaterThan(0n);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('evicts by total difficulty: the window holds the last N difficulty of shares', () => {
    const w = new PplnsWindow(10);
    for (let i = 0; i < 20; i++) w.add(share('alice', 1, i));
    w.add(share('bob', 5, 21));
    expect(w.size).toBe(6);
    const split = w.split(10_000n);
    expect(split.get('bob')).toBe(5_000n);
    expect(split.get('alice')).toBe(5_000n);
  });
});
