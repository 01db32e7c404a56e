import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TrieNodeCache } from './trie-cache.js';

const hashOf = (i: number, head = i): Uint8Array => {
  const h = new Uint8Array(32);
  new DataView(h.buffer).setUint32(0, head);
  new DataView(h.buffer).setUint32(28, i);
  return h;
};
const record = (i: number): Uint8Array => new Uint8Array(65).fill(i & 0xff);

describe('TrieNodeCache', () => {
  it('answers by hash bytes, wherever they sit, with its own copy of the record, and forgets deleted entries', () => {
    const cache = new TrieNodeCache(1 << 20);
    const original = record(1);
    cache.set(hashOf(1), original);
    original.fill(0);
    const parent = new Uint8Array(65);
    parent.set(hashOf(1), 33);
    expect(cache.get(parent.subarray(33, 65))).toEqual(record(1));
    expect(cache.get(hashOf(2))).toBeUndefined();
    cache.delete(hashOf(1));
    expect(cache.get(hashOf(1))).toBeUndefined();
  });

  it('takes hashes and records by offset in larger arrays: setFrom, takeIf and delete at an offset match their whole-array forms', () => {
    const cache = new TrieNodeCache(1 << 20);
    const hashes = new Uint8Array(32 * 3);
    const bytes = new Uint8Array(300);
    for (let i = 0; i < 3; i++) {
      hashes.set(hashOf(i + 1), 32 * i);
      bytes.set(record(i + 1), 7 + 80 * i);
    }
    for (let i = 0; i < 3; i++) cache.setFrom(hashes, 32 * i, bytes, 7 + 80 * i, 65);
    bytes.fill(0);
    for (let i = 0; i < 3; i++) expect(cache.get(hashOf(i + 1))).toEqual(record(i + 1));
    const parent = new Uint8Array(65);
    parent.set(hashOf(2), 33);
    // Tag 2 (the record's first byte) leaves the cache as it is read; any other tag stays.
    expect(cache.takeIf(parent, 9, 33)).toEqual(record(2));
    expect(cache.get(hashOf(2))).toEqual(record(2));
    expect(cache.takeIf(parent, 2, 33)).toEqual(record(2));
    expect(cache.get(hashOf(2))).toBeUndefined();
    cache.delete(hashes, 64);
    expect(cache.get(hashOf(3))).toBeUndefined();
    expect(cache.get(hashOf(1))).toEqual(record(1));
  });

  it('keeps hashes that share their leading bytes apart, and caches at most a few of them', () => {
    const cache = new TrieNodeCache(1 << 20);
    for (let i = 0; i < 10; i++) cache.set(hashOf(i, 0xabcdef00), record(i));
    const kept = Array.from({ length: 10 }, (_, i) => cache.get(hashOf(i, 0xabcdef00)));
    kept.forEach((r, i) => {
      if (r) expect(r).toEqual(record(i));
    });
    expect(kept.filter(Boolean).length).toBe(4);
    cache.delete(hashOf(1, 0xabcdef00));
    expect(cache.get(hashOf(0, 0xabcdef00))).toEqual(record(0));
    expect(cache.get(hashOf(2, 0xabcdef00))).toEqual(record(2));
    expect(cache.get(hashOf(1, 0xabcdef00))).toBeUndefined();
  });

  it('stays within its byte budget, and keeps an entry that is used while others stream through', () => {
    const budget = 100 * 225;
    const cache = new TrieNodeCache(budget);
    cache.set(hashOf(0), record(0));
    for (let i = 1; i <= 1_000; i++) {
      cache.set(hashOf(i), record(i));
      if (i % 20 === 0) expect(cache.get(hashOf(0))).toEqual(record(0));
    }
    const present = Array.from({ length: 1_001 }, (_, i) => cache.get(hashOf(i)) !== undefined).filter(Boolean).length;
    // Each entry holds at least its record and its hash.
    expect(present).toBeLessThanOrEqual(budget / (65 + 32));
    // An entry costs well under 256 bytes, and a generation holds a quarter of the budget.
    expect(present).toBeGreaterThanOrEqual(budget / 4 / 256);
    expect(cache.get(hashOf(0))).toEqual(record(0));
    expect(cache.get(hashOf(1))).toBeUndefined();
  });

  it('gives the budget of deleted entries back: an untouched entry outlives any number of entries set and deleted', () => {
    const cache = new TrieNodeCache(100 * 225);
    cache.set(hashOf(0), record(0));
    for (let i = 1; i <= 2_000; i++) {
      cache.set(hashOf(i), record(i));
      if (i % 100 === 0) expect(cache.get(hashOf(i))).toEqual(record(i));
      cache.delete(hashOf(i));
    }
    expect(cache.get(hashOf(0))).toEqual(record(0));
    expect(cache.get(hashOf(2_000))).toBeUndefined();
  });

  it('never answers a wrong record, and never one deleted since, whatever the mix of sets, gets and deletes (model check)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), i: fc.nat(300), head: fc.nat(3), len: fc.integer({ min: 1, max: 700 }) }),
      fc.record({ kind: fc.constant('get' as const), i: fc.nat(300), head: fc.nat(3) }),
      fc.record({ kind: fc.constant('delete' as const), i: fc.nat(300), head: fc.nat(3) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2_000 }), fc.integer({ min: 8_000, max: 200_000 }), (ops, budget) => {
        const cache = new TrieNodeCache(budget);
        // The record last set under each hash, or null once deleted.
        const model = new Map<string, Uint8Array | null>();
        for (const o of ops) {
          const h = hashOf(o.i, o.head);
          const k = `${o.i}/${o.head}`;
          if (o.kind === 'set') {
            const rec = new Uint8Array(o.len).fill((o.i * 7 + o.len) & 0xff);
            // A hash names one record: setting it again with other bytes would be a different node.
            if (model.get(k)) continue;
            cache.set(h, rec);
            model.set(k, rec);
          } else if (o.kind === 'delete') {
            cache.delete(h);
            if (model.has(k)) model.set(k, null);
          } else {
            const got = cache.get(h);
            const want = model.get(k);
            if (got !== undefined) expect(want).toEqual(got);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds a working set of 100,000 nodes with their records intact, finds each after table rebuilds, and drops deleted young ones', () => {
    const cache = new TrieNodeCache(48 * 1024 * 1024);
    const n = 100_000;
    const rec = (i: number): Uint8Array => new Uint8Array(65 + (i % 80)).fill(i & 0xff);
    const h = (i: number): Uint8Array => {
      const x = new Uint8Array(32);
      new DataView(x.buffer).setUint32(0, Math.imul(i, 0x9e3779b1));
      new DataView(x.buffer).setUint32(4, i);
      new DataView(x.buffer).setUint32(28, i ^ 0x5a5a5a5a);
      return x;
    };
    for (let i = 0; i < n; i++) cache.set(h(i), rec(i));
    for (let i = 0; i < n; i += 2) cache.delete(h(i));
    let found = 0;
    for (let i = 1; i < n; i += 2) {
      const r = cache.get(h(i));
      if (r) {
        expect(r).toEqual(rec(i));
        found++;
      }
    }
    expect(found).toBe(n / 2);
    // Deleting gives back room in the young generation; one already aged into the old may still
    // answer, but only with its true record.
    let stale = 0;
    for (let i = 0; i < n; i += 2) {
      const r = cache.get(h(i));
      if (!r) continue;
      expect(r).toEqual(rec(i));
      expect(i).toBeLessThan(0.9 * n);
      stale++;
    }
    expect(stale).toBeLessThan(n / 2);
  });
});
