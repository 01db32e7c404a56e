import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  STATE_ACCOUNT_SIZE,
  TreeWriter,
  bytesToHex,
  encodeStateAccount,
  sha256,
  utf8ToBytes,
  type CreatedNodes,
} from '@hackcoin/core';
import { openDatabase, type Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { TrieNodeStore, type FlushPolicy } from './trie-store.js';

const path = (i: number): Uint8Array => sha256(utf8ToBytes(`key ${i}`));
const value = (i: number, round: number): Uint8Array => utf8ToBytes(`value ${i} in round ${round}`);
const NEVER: FlushPolicy = { blocks: 1_000, bytes: 1 << 30 };

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hackcoin-trie-'));
  db = await openDatabase(dir);
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Round `round` of a 200-key tree: every key at first, then every (round + 1)-th key changes. */
function roundUpdate(store: TrieNodeStore, root: Uint8Array, round: number): { root: Uint8Array; created: CreatedNodes } {
  const w = new TreeWriter(store);
  const keys = Array.from({ length: 200 }, (_, i) => i).filter((i) => round === 0 || i % (round + 1) === 0);
  return { root: w.update(root, keys.map((i) => ({ path: path(i), apply: () => value(i, round) }))), created: w.created };
}

function expected(i: number, upTo: number): string {
  let last = 0;
  for (let r = 1; r <= upTo; r++) if (i % (r + 1) === 0) last = r;
  return bytesToHex(value(i, last));
}

function readsRound(store: TrieNodeStore, root: Uint8Array, round: number): void {
  const reader = new TreeWriter(store);
  for (let i = 0; i < 200; i += 7) expect(bytesToHex(reader.get(root, path(i))!)).toBe(expected(i, round));
  expect(reader.get(root, path(1_000))).toBeNull();
}

describe('TrieNodeStore', () => {
  it('writes only the part of the flushed tree LevelDB lacks, which a cold store then reads whole', async () => {
    const store = new TrieNodeStore(db, 1 << 20, NEVER);
    const roots: Uint8Array[] = [];
    let root = EMPTY_ROOT;
    let created = 0;
    for (let round = 0; round < 4; round++) {
      const r = roundUpdate(store, root, round);
      root = r.root;
      created += r.created.count;
      store.connected(`block ${round}`, root, r.created);
      store.forgetReplaced(r.created);
      roots.push(root);
    }
    // Every tree built since the last flush reads from memory.
    roots.forEach((r, round) => readsRound(store, r, round));
    const flush = store.flush([root], []);
    // The upper levels were replaced in every round: only the last tree's versions are written.
    expect(flush.nodes).toBeLessThan(created * 0.7);
    await db.batch([flush.op]);
    store.landed(flush);
    const cold = new TrieNodeStore(db, 1 << 20, NEVER);
    expect(cold.hasTree(root)).toBe(true);
    readsRound(cold, root, 3);
    // An earlier tree whose root node was never written is not complete on disk.
    expect(cold.hasTree(roots[1]!)).toBe(false);
    expect(() => readsRound(cold, roots[1]!, 1)).toThrow(/missing/);
    // A second flush of the same tree writes nothing again.
    expect(store.flush([root], []).nodes).toBe(0);
  });

  it('keeps the trees above the flushed one complete, and writes what they add at the next flush', async () => {
    const store = new TrieNodeStore(db, 1 << 20, NEVER);
    const rounds = [0, 1, 2].reduce<{ root: Uint8Array; created: CreatedNodes }[]>((acc, round) => {
      const r = roundUpdate(store, acc.at(-1)?.root ?? EMPTY_ROOT, round);
      store.connected(`block ${round}`, r.root, r.created);
      return [...acc, r];
    }, []);
    expect(store.holds('block 2')).toBe(true);
    const flush = store.flush([rounds[0]!.root], [rounds[2]!.root, rounds[1]!.root]);
    await db.batch([flush.op]);
    store.landed(flush);
    // Connected before the flush: not held for the next one, whose tree must then be written lower.
    expect(store.holds('block 2')).toBe(false);
    for (const round of [0, 1, 2]) expect(store.hasTree(rounds[round]!.root)).toBe(true);
    readsRound(store, rounds[2]!.root, 2);
    readsRound(store, rounds[1]!.root, 1);
    const next = store.flush([rounds[2]!.root], []);
    await db.batch([next.op]);
    store.landed(next);
    readsRound(new TrieNodeStore(db, 1 << 20, NEVER), rounds[2]!.root, 2);
  });

  it('serves a flush still being written from memory, whatever the cache kept', async () => {
    // A cache too small to hold anything: every read past it goes to memory or LevelDB.
    const store = new TrieNodeStore(db, 256, NEVER);
    const r = roundUpdate(store, EMPTY_ROOT, 0);
    store.connected('block 0', r.root, r.created);
    expect(store.flushDue()).toBe(false);
    const flush = store.flush([r.root], []);
    readsRound(store, r.root, 0);
    expect(db.getSync(key(Prefix.trieNode, r.root))).toBeUndefined();
    await db.batch([flush.op]);
    store.landed(flush);
    expect(db.getSync(key(Prefix.trieNode, r.root))).toBeDefined();
    readsRound(store, r.root, 0);
  });

  it('serves the nodes a flush let go from memory until its batch lands', async () => {
    // A cache too small to hold anything: every read past it goes to memory or LevelDB.
    const store = new TrieNodeStore(db, 256, NEVER);
    const r0 = roundUpdate(store, EMPTY_ROOT, 0);
    store.connected('block 0', r0.root, r0.created);
    const first = store.flush([r0.root], []);
    const r1 = roundUpdate(store, r0.root, 1);
    store.connected('block 1', r1.root, r1.created);
    // Round 0's nodes are only in the index this flush lets go: neither batch has landed.
    const second = store.flush([r1.root], []);
    readsRound(store, r0.root, 0);
    readsRound(store, r1.root, 1);
    await db.batch([first.op]);
    store.landed(first);
    await db.batch([second.op]);
    store.landed(second);
    readsRound(store, r1.root, 1);
  });

  it('writes only trees that are complete: a root it cannot read whole is skipped', () => {
    const store = new TrieNodeStore(db, 1 << 20, NEVER);
    const r = roundUpdate(store, EMPTY_ROOT, 0);
    // Never connected: neither in memory nor on disk.
    expect(store.flush([r.root], []).nodes).toBe(0);
    expect(store.hasTree(r.root)).toBe(false);
  });

  it('is due after its block count or its byte budget', () => {
    const byBlocks = new TrieNodeStore(db, 1 << 20, { blocks: 2, bytes: 1 << 30 });
    const small = roundUpdate(byBlocks, EMPTY_ROOT, 0);
    byBlocks.connected('a', small.root, small.created);
    expect(byBlocks.flushDue()).toBe(false);
    byBlocks.connected('b', small.root, small.created);
    expect(byBlocks.flushDue()).toBe(true);
    const byBytes = new TrieNodeStore(db, 1 << 20, { blocks: 100, bytes: 4096 });
    byBytes.connected('a', small.root, small.created);
    expect(byBytes.unflushedBytes).toBeGreaterThan(4096);
    expect(byBytes.flushDue()).toBe(true);
  });

  it('writes the storage trees an account leaf leads to', async () => {
    const store = new TrieNodeStore(db, 1 << 20, NEVER);
    const w = new TreeWriter(store);
    const storageRoot = w.update(EMPTY_ROOT, [0, 1, 2].map((i) => ({ path: path(i), apply: () => value(i, 0) })));
    const account = encodeStateAccount({ balance: 5n, nonce: 1n, codeHash: sha256(utf8ToBytes('code')), storageRoot });
    expect(account.length).toBe(STATE_ACCOUNT_SIZE);
    const root = w.update(EMPTY_ROOT, [{ path: path(50), apply: () => account }, { path: path(51), apply: () => account }]);
    store.connected('block', root, w.created);
    const flush = store.flush([root], []);
    await db.batch([flush.op]);
    store.landed(flush);
    const cold = new TreeWriter(new TrieNodeStore(db, 1 << 20, NEVER));
    expect(bytesToHex(cold.get(root, path(50))!)).toBe(bytesToHex(account));
    for (const i of [0, 1, 2]) expect(bytesToHex(cold.get(storageRoot, path(i))!)).toBe(bytesToHex(value(i, 0)));
  });

  it('forgets an internal node read for replacement, which LevelDB still serves, and keeps a leaf so read', async () => {
    const writer = new TrieNodeStore(db, 1 << 20, NEVER);
    const w = new TreeWriter(writer);
    const root = w.update(EMPTY_ROOT, Array.from({ length: 20 }, (_, i) => ({ path: path(i), apply: () => value(i, 0) })));
    writer.connected('block', root, w.created);
    const flush = writer.flush([root], []);
    await db.batch([flush.op]);
    // A store that has only LevelDB and its cache.
    const store = new TrieNodeStore(db, 1 << 20, NEVER);
    const getSync = db.getSync.bind(db);
    let reads = 0;
    (db as { getSync: unknown }).getSync = (k: Uint8Array) => {
      reads++;
      return getSync(k);
    };
    const rootRecord = bytesToHex(store.node(root)!);
    expect(reads).toBe(1);
    expect(bytesToHex(store.node(root)!)).toBe(rootRecord);
    expect(reads).toBe(1);
    expect(store.replacing!(root)![0]).toBe(0x01);
    expect(bytesToHex(store.node(root)!)).toBe(rootRecord);
    expect(reads).toBe(2);
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
  });
});
