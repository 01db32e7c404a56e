import { CreatedNodes, STATE_ACCOUNT_SIZE } from '@hackcoin/core';
import { doubled } from '../util/typed-arrays.js';
import { position, word } from './trie-cache.js';

/** Bytes of a node hash. */
const HASH = 32;

/** The nodes one connected block created, and which of them a flush has written. */
export interface NodeBatch {
  readonly nodes: CreatedNodes;
  /** Per node: 1 once a flush put it in a batch for LevelDB (its subtree is then on disk too). */
  readonly written: Uint8Array;
}

export function nodeBatch(nodes: CreatedNodes): NodeBatch {
  return { nodes, written: new Uint8Array(nodes.count) };
}

/**
 * State-tree nodes held in memory by hash over the batches of the blocks that created them,
 * without a copy or an object per node: an open-addressed table of entry numbers over typed
 * arrays (batch, node within it, first 8 hash bytes). Positions are salted as in the trie
 * cache, so nobody grinding node hashes can aim them at one probe run. A hash created twice
 * (a subtree that came back unchanged) is indexed once: its records are identical.
 */
export class NodeIndex {
  private readonly batches: NodeBatch[] = [];
  /** Bytes of hashes and records indexed. */
  bytes = 0;
  private table = new Int32Array(1024);
  private count = 0;
  private batchOf = new Int32Array(256);
  private nodeOf = new Int32Array(256);
  private w0 = new Int32Array(256);
  private w1 = new Int32Array(256);

  add(batch: NodeBatch): void {
    const b = this.batches.push(batch) - 1;
    const { nodes } = batch;
    const hashes = nodes.hashes;
    for (let i = 0; i < nodes.count; i++) {
      if (2 * (this.count + 1) > this.table.length) this.grow();
      const at = HASH * i;
      const w0 = word(hashes, at);
      const w1 = word(hashes, at + 4);
      // Entries are never removed, so the first empty slot of the probe run is where it goes.
      const mask = this.table.length - 1;
      let slot = position(w0, w1, mask);
      for (let v = this.table[slot]!; v !== 0; slot = (slot + 1) & mask, v = this.table[slot]!) {
        if (this.w0[v - 1] === w0 && this.w1[v - 1] === w1 && this.holds(v - 1, hashes, at)) break;
      }
      if (this.table[slot] !== 0) continue;
      this.table[slot] = this.entry(b, i, w0, w1) + 1;
      this.bytes += HASH + nodes.recordLength(i);
    }
  }

  /** The entry of the node whose hash is the 32 bytes at `at` in `hash`, or -1. */
  find(hash: Uint8Array, at = 0): number {
    const w0 = word(hash, at);
    const w1 = word(hash, at + 4);
    const mask = this.table.length - 1;
    for (let i = position(w0, w1, mask); ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === 0) return -1;
      const id = v - 1;
      if (this.w0[id] === w0 && this.w1[id] === w1 && this.holds(id, hash, at)) return id;
    }
  }

  record(id: number): Uint8Array {
    return this.batches[this.batchOf[id]!]!.nodes.record(this.nodeOf[id]!);
  }

  written(id: number): boolean {
    return this.batches[this.batchOf[id]!]!.written[this.nodeOf[id]!] === 1;
  }

  markWritten(id: number): void {
    this.batches[this.batchOf[id]!]!.written[this.nodeOf[id]!] = 1;
  }

  private holds(id: number, hash: Uint8Array, at: number): boolean {
    const own = this.batches[this.batchOf[id]!]!.nodes.hashes;
    const from = HASH * this.nodeOf[id]!;
    for (let j = HASH - 1; j >= 8; j--) if (own[from + j] !== hash[at + j]) return false;
    return true;
  }

  private entry(batch: number, node: number, w0: number, w1: number): number {
    if (this.count === this.batchOf.length) {
      this.batchOf = doubled(this.batchOf);
      this.nodeOf = doubled(this.nodeOf);
      this.w0 = doubled(this.w0);
      this.w1 = doubled(this.w1);
    }
    const id = this.count++;
    this.batchOf[id] = batch;
    this.nodeOf[id] = node;
    this.w0[id] = w0;
    this.w1[id] = w1;
    return id;
  }

  private link(id: number): void {
    const mask = this.table.length - 1;
    let i = position(this.w0[id]!, this.w1[id]!, mask);
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = id + 1;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let id = 0; id < this.count; id++) this.link(id);
  }
}

const INTERNAL = 0x01;
/** Where a leaf's value starts in its record (core/state/smt.ts), and an account's storage root in that value (core/state/state-tree.ts). */
const VALUE_AT = 65;
const STORAGE_ROOT_AT = VALUE_AT + 48;

/**
 * Adds to `out` the nodes of the tree at `root` that `indexes` hold and no flush has written,
 * marked written: with the nodes LevelDB has, the whole tree. Walks down from the root and stops at a node not
 * in memory (on disk, with its subtree) or written already, so it visits only the tree's new
 * part; an account leaf leads on into that contract's storage tree.
 */
export function unwrittenNodes(root: Uint8Array, indexes: readonly NodeIndex[], out = new CreatedNodes()): CreatedNodes {
  // Subtrees still to visit, by where their hash is: `at` in `from`.
  const froms: Uint8Array[] = [root];
  const ats: number[] = [0];
  const inAccounts: boolean[] = [true];
  visit: while (froms.length > 0) {
    const from = froms.pop()!;
    const at = ats.pop()!;
    const accounts = inAccounts.pop()!;
    let rec: Uint8Array | undefined;
    // A node two blocks created is in more than one index: written through any, it is on disk.
    for (const index of indexes) {
      const id = index.find(from, at);
      if (id < 0) continue;
      if (index.written(id)) continue visit;
      index.markWritten(id);
      rec ??= index.record(id);
    }
    if (!rec) continue;
    out.add(from, at, rec);
    if (rec[0] === INTERNAL) {
      froms.push(rec, rec);
      ats.push(1, 33);
      inAccounts.push(accounts, accounts);
    } else if (accounts && rec.length === VALUE_AT + STATE_ACCOUNT_SIZE) {
      froms.push(rec);
      ats.push(STORAGE_ROOT_AT);
      inAccounts.push(false);
    }
  }
  return out;
}
