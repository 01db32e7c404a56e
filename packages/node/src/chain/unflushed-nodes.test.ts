import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, TreeWriter, bytesToHex, sha256, utf8ToBytes, type CreatedNodes } from '@hackcoin/core';
import { NodeIndex, nodeBatch, unwrittenNodes } from './unflushed-nodes.js';

const path = (i: number): Uint8Array => sha256(utf8ToBytes(`key ${i}`));
const noStore = { node: () => undefined };

function tree(keys: number, round = 0): { root: Uint8Array; created: CreatedNodes } {
  const w = new TreeWriter(noStore);
  const root = w.update(EMPTY_ROOT, Array.from({ length: keys }, (_, i) => ({ path: path(i), apply: () => utf8ToBytes(`v${i}/${round}`) })));
  return { root, created: w.created };
}

function recordBytes(c: CreatedNodes): number {
  let n = 0;
  for (let i = 0; i < c.count; i++) n += 32 + c.recordLength(i);
  return n;
}

describe('NodeIndex', () => {
  it('finds every node of its batches through its growth, and indexes a hash two batches created once', () => {
    const index = new NodeIndex();
    const a = tree(300);
    const again = tree(300);
    const other = tree(40, 1);
    for (const t of [a, again, other]) index.add(nodeBatch(t.created));
    // `again` created exactly `a`'s nodes: only `a`'s are counted.
    expect(index.bytes).toBe(recordBytes(a.created) + recordBytes(other.created));
    for (const t of [a, other]) {
      for (let i = 0; i < t.created.count; i++) {
        const id = index.find(t.created.hash(i));
        expect(id).toBeGreaterThanOrEqual(0);
        expect(bytesToHex(index.record(id))).toBe(bytesToHex(t.created.record(i)));
      }
    }
    expect(index.find(sha256(utf8ToBytes('not a node')))).toBe(-1);
    expect(index.find(new Uint8Array(32))).toBe(-1);
  });

  it('walks a tree once: what it wrote is not written again, and a node only on disk ends the walk', () => {
    const index = new NodeIndex();
    const t = tree(50);
    index.add(nodeBatch(t.created));
    const first = unwrittenNodes(t.root, [index]);
    expect(first.count).toBe(t.created.count);
    expect(unwrittenNodes(t.root, [index]).count).toBe(0);
    // A root the index does not hold (on disk, by the store's invariant) writes nothing.
    expect(unwrittenNodes(sha256(utf8ToBytes('elsewhere')), [index]).count).toBe(0);
  });
});
