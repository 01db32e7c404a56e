import { describe, expect, it } from 'vitest';
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
});
