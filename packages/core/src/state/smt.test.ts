import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '../crypto/hash.js';
import { bytesToHex, concatBytes, hexToBytes } from '../encoding/bytes.js';
import {
  EMPTY_ROOT,
  ProofError,
  TreeWriter,
  encodeSmtProof,
  verifySmtProofBytes,
  type TrieNodeReader,
} from './smt.js';

/** The tree's definition, written directly: the root of a set of (path, value) pairs. */
function referenceRoot(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const items = [...entries].map(([p, v]) => ({ path: hexToBytes(p), value: v }));
  const bitAt = (p: Uint8Array, d: number): number => (p[d >> 3]! >> (7 - (d & 7))) & 1;
  const go = (depth: number, set: typeof items): Uint8Array => {
    if (set.length === 0) return EMPTY_ROOT;
    if (set.length === 1) return sha256(concatBytes(new Uint8Array([0]), set[0]!.path, sha256(set[0]!.value)));
    const left = set.filter((i) => bitAt(i.path, depth) === 0);
    const right = set.filter((i) => bitAt(i.path, depth) === 1);
    return sha256(concatBytes(new Uint8Array([1]), go(depth + 1, left), go(depth + 1, right)));
  };
  return go(0, items);
}

class MemoryNodes implements TrieNodeReader {
  readonly map = new Map<string, Uint8Array>();
  node(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesToHex(hash));
  }
  persist(w: TreeWriter): void {
    for (const [k, v] of w.created) this.map.set(k, v);
  }
}

/** Paths drawn from a small pool, some sharing long prefixes, so leaves split deep and merge back. */
const pathArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((i) => sha256(new Uint8Array([i]))),
  fc.integer({ min: 0, max: 255 }).map((i) => {
    const p = new Uint8Array(32).fill(0xab);
    p[31] = i;
    return p;
  }),
);
const opArb = fc.record({ path: pathArb, value: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: null, freq: 3 }) });
const batchesArb = fc.array(fc.array(opArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 });

function dedupe(ops: { path: Uint8Array; value: Uint8Array | null }[]): { path: Uint8Array; value: Uint8Array | null }[] {
  const m = new Map<string, { path: Uint8Array; value: Uint8Array | null }>();
  for (const o of ops) m.set(bytesToHex(o.path), o);
  return [...m.values()];
}

describe('sparse Merkle tree', () => {
  it('after any batches of inserts, updates and deletes its root is the definition of the final map, and every old root still answers', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const store = new MemoryNodes();
        const model = new Map<string, Uint8Array>();
        const history: { root: Uint8Array; snapshot: Map<string, Uint8Array> }[] = [];
        let root = EMPTY_ROOT;
        for (const batch of batches) {
          const ops = dedupe(batch);
          const w = new TreeWriter(store);
          root = w.update(root, ops.map((o) => ({ path: o.path, apply: () => o.value })));
          store.persist(w);
          for (const o of ops) {
            if (o.value) model.set(bytesToHex(o.path), o.value);
            else model.delete(bytesToHex(o.path));
          }
          expect(bytesToHex(root)).toBe(bytesToHex(referenceRoot(model)));
          history.push({ root, snapshot: new Map(model) });
        }
        const reader = new TreeWriter(store);
        for (const { root: old, snapshot } of history) {
          for (const [p, v] of snapshot) expect(reader.get(old, hexToBytes(p))).toEqual(v);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('one batch and the same updates one at a time reach the same root, and every created record hashes to its listed hash', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), batchesArb, (start, batches) => {
        const store = new MemoryNodes();
        const first = new TreeWriter(store);
        const base = first.update(EMPTY_ROOT, dedupe(start).map((o) => ({ path: o.path, apply: () => o.value })));
        store.persist(first);
        let batched = base;
        let single = base;
        for (const batch of batches) {
          const ops = dedupe(batch);
          const w = new TreeWriter(store);
          batched = w.update(batched, ops.map((o) => ({ path: o.path, apply: () => o.value })));
          for (let i = 0; i < w.created.count; i++) expect(bytesToHex(sha256(w.created.record(i).subarray(0, 65)))).toBe(bytesToHex(w.created.hash(i)));
          store.persist(w);
          for (const o of ops) {
            const one = new TreeWriter(store);
            single = one.update(single, [{ path: o.path, apply: () => o.value }]);
            store.persist(one);
          }
          expect(bytesToHex(batched)).toBe(bytesToHex(single));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('lists as replaced only nodes of the old tree that the new tree no longer reaches, or re-creates', () => {
    const reachable = (store: MemoryNodes, root: Uint8Array): Set<string> => {
      const seen = new Set<string>();
      const walk = (h: Uint8Array): void => {
        if (h.every((b) => b === 0)) return;
        const rec = store.map.get(bytesToHex(h))!;
        seen.add(bytesToHex(h));
        if (rec[0] === 1) {
          walk(rec.subarray(1, 33));
          walk(rec.subarray(33, 65));
        }
      };
      walk(root);
      return seen;
    };
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 12 }), (start, batch) => {
        const store = new MemoryNodes();
        const first = new TreeWriter(store);
        const before = first.update(EMPTY_ROOT, dedupe(start).map((o) => ({ path: o.path, apply: () => o.value })));
        store.persist(first);
        const w = new TreeWriter(store);
        const after = w.update(before, dedupe(batch).map((o) => ({ path: o.path, apply: () => o.value })));
        store.persist(w);
        const oldNodes = reachable(store, before);
        const newNodes = reachable(store, after);
        const recreated = new Set(Array.from({ length: w.created.count }, (_, i) => bytesToHex(w.created.hash(i))));
        for (const h of Array.from({ length: w.created.replacedCount }, (_, i) => bytesToHex(w.created.replacedHash(i)))) {
          expect(oldNodes.has(h)).toBe(true);
          expect(!newNodes.has(h) || recreated.has(h)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands apply() the committed value', () => {
    const store = new MemoryNodes();
    const path = sha256(new Uint8Array([1]));
    let w = new TreeWriter(store);
    const r1 = w.update(EMPTY_ROOT, [{ path, apply: (old) => (expect(old).toBeNull(), new Uint8Array([5])) }]);
    store.persist(w);
    w = new TreeWriter(store);
    const seen: (Uint8Array | null)[] = [];
    w.update(r1, [{ path, apply: (old) => (seen.push(old), null) }]);
    expect(seen).toEqual([new Uint8Array([5])]);
  });

  it('holds a small update in a small chunk, and a large one in chunks of at most 16 KiB', () => {
    const bytesHeld = (w: TreeWriter): number => {
      const buffers = new Set<ArrayBufferLike>();
      for (let i = 0; i < w.created.count; i++) buffers.add(w.created.recordBytes(i).buffer);
      return [...buffers].reduce((sum, b) => sum + b.byteLength, 0);
    };
    const update = (n: number): TreeWriter => {
      const w = new TreeWriter(new MemoryNodes());
      const value = new Uint8Array(80);
      w.update(EMPTY_ROOT, Array.from({ length: n }, (_, i) => ({ path: sha256(Uint8Array.of(i >> 8, i & 0xff)), apply: () => value })));
      return w;
    };
    // One account changed, as in an empty block: its records, not a whole chunk per block.
    expect(bytesHeld(update(1))).toBeLessThanOrEqual(1024);
    const large = update(2000);
    const recordBytes = Array.from({ length: large.created.count }, (_, i) => large.created.recordLength(i)).reduce((a, b) => a + b, 0);
    expect(bytesHeld(large)).toBeLessThan(recordBytes + 2 * 16 * 1024);
    for (let i = 0; i < large.created.count; i++) expect(large.created.recordBytes(i).buffer.byteLength).toBeLessThanOrEqual(16 * 1024);
  });

  it('proves presence and absence of random keys, and any changed byte of a proof fails', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 0, maxLength: 30 }),
        pathArb,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (ops, probe, at, xor) => {
          const store = new MemoryNodes();
          const w = new TreeWriter(store);
          const entries = dedupe(ops).filter((o) => o.value);
          const root = w.update(EMPTY_ROOT, entries.map((o) => ({ path: o.path, apply: () => o.value })));
          const expected = entries.find((o) => bytesToHex(o.path) === bytesToHex(probe))?.value ?? null;
          const bytes = encodeSmtProof(w.prove(root, probe));
          expect(verifySmtProofBytes(root, probe, bytes)).toEqual(expected);
          const bad = bytes.slice();
          bad[at % bad.length]! ^= xor;
          expect(() => verifySmtProofBytes(root, probe, bad)).toThrow(ProofError);
          expect(() => verifySmtProofBytes(root, probe, concatBytes(bytes, new Uint8Array([0])))).toThrow(ProofError);
          if (entries.length > 0) {
            const otherRoot = sha256(root);
            expect(() => verifySmtProofBytes(otherRoot, probe, bytes)).toThrow(ProofError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a proof of one key presented for another', () => {
    const store = new MemoryNodes();
    const w = new TreeWriter(store);
    const a = sha256(new Uint8Array([1]));
    const b = sha256(new Uint8Array([2]));
    const root = w.update(EMPTY_ROOT, [
      { path: a, apply: () => new Uint8Array([1]) },
      { path: b, apply: () => new Uint8Array([2]) },
    ]);
    expect(() => verifySmtProofBytes(root, b, encodeSmtProof(w.prove(root, a)))).toThrow(ProofError);
  });
});
