import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, TreeWriter, bytesToHex, sha256, utf8ToBytes } from '@hackcoin/core';
import { openDatabase } from '../store/db.js';
import { TrieNodeStore } from './trie-store.js';

const path = (i: number): Uint8Array => sha256(utf8ToBytes(`key ${i}`));
const value = (i: number, round: number): Uint8Array => utf8ToBytes(`value ${i} in round ${round}`);

describe('TrieNodeStore', () => {
  it('serves every stored root from LevelDB after its nodes were replaced in the cache, and to a cold store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-trie-'));
    try {
      const db = await openDatabase(dir);
      const store = new TrieNodeStore(db, 1 << 20);
      const roots: Uint8Array[] = [];
      let root = EMPTY_ROOT;
      for (let round = 0; round < 4; round++) {
        const w = new TreeWriter(store);
        const keys = Array.from({ length: 200 }, (_, i) => i).filter((i) => round === 0 || i % (round + 1) === 0);
        root = w.update(root, keys.map((i) => ({ path: path(i), apply: () => value(i, round) })));
        await db.batch(store.ops(w.created));
        store.remember(w.created);
        roots.push(root);
      }
      const expected = (i: number, upTo: number): Uint8Array => {
        let last = 0;
        for (let r = 1; r <= upTo; r++) if (i % (r + 1) === 0) last = r;
        return value(i, last);
      };
      const check = (reader: TreeWriter): void => {
        roots.forEach((r, upTo) => {
          for (let i = 0; i < 200; i += 7) expect(bytesToHex(reader.get(r, path(i))!)).toBe(bytesToHex(expected(i, upTo)));
          expect(reader.get(r, path(1_000))).toBeNull();
        });
      };
      check(new TreeWriter(store));
      check(new TreeWriter(new TrieNodeStore(db, 1 << 20)));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves nodes of a batch still being written, whatever the cache kept, and reads them from LevelDB once it lands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-trie-'));
    try {
      const db = await openDatabase(dir);
      // A cache too small to hold anything: every read past it goes to LevelDB or the in-flight nodes.
      const store = new TrieNodeStore(db, 256);
      const w = new TreeWriter(store);
      const keys = Array.from({ length: 50 }, (_, i) => i);
      const root = w.update(EMPTY_ROOT, keys.map((i) => ({ path: path(i), apply: () => value(i, 0) })));
      store.writing(w.created);
      const fresh = (): TreeWriter => new TreeWriter(store);
      for (const i of keys) expect(bytesToHex(fresh().get(root, path(i))!)).toBe(bytesToHex(value(i, 0)));
      await db.batch(store.ops(w.created));
      store.landed(w.created);
      for (const i of keys) expect(bytesToHex(fresh().get(root, path(i))!)).toBe(bytesToHex(value(i, 0)));
      // Landed means forgotten here: a node LevelDB does not have is missing again.
      const other = new TreeWriter(new TrieNodeStore(db, 256));
      const root2 = other.update(root, [{ path: path(99), apply: () => value(99, 1) }]);
      expect(() => fresh().get(root2, path(99))).toThrow(/missing/);
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forgets an internal node read for replacement, which LevelDB still serves, and keeps a leaf so read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-trie-'));
    try {
      const db = await openDatabase(dir);
      const store = new TrieNodeStore(db, 1 << 20);
      const w = new TreeWriter(store);
      const root = w.update(EMPTY_ROOT, Array.from({ length: 20 }, (_, i) => ({ path: path(i), apply: () => value(i, 0) })));
      await db.batch(store.ops(w.created));
      store.remember(w.created);
      const getSync = db.getSync.bind(db);
      let reads = 0;
      (db as { getSync: unknown }).getSync = (k: Uint8Array) => {
        reads++;
        return getSync(k);
      };
      const rootRecord = bytesToHex(store.node(root)!);
      expect(reads).toBe(0);
      expect(store.replacing!(root)![0]).toBe(0x01);
      expect(bytesToHex(store.node(root)!)).toBe(rootRecord);
      expect(reads).toBe(1);
      // The node() above cached it again; a leaf read for replacement stays cached (the update may keep it).
      const leaf = Array.from({ length: w.created.count }, (_, i) => w.created.hash(i)).find((h) => store.node(h)![0] === 0x00)!;
      const before = reads;
      expect(store.replacing!(leaf)![0]).toBe(0x00);
      store.node(leaf);
      expect(reads).toBe(before);
      // An update through the store reaches the same root as one through a store that forgets nothing.
      const next = new TreeWriter(store).update(root, [{ path: path(3), apply: () => value(3, 1) }]);
      const plain = new TreeWriter({ node: (h) => store.node(h) }).update(root, [{ path: path(3), apply: () => value(3, 1) }]);
      expect(bytesToHex(next)).toBe(bytesToHex(plain));
      await db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
