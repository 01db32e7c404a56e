import { bytesToHex } from '../encoding/bytes.js';

/** Bytes of a node hash. */
const HASH = 32;

function grown<T extends Uint8Array | Int32Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * The state-tree nodes one writer created, in creation order: `hash(i)` is
 * the hash of `record(i)` (a node may appear twice; storing it twice is
 * harmless). `replacedHash(i)` lists the nodes of the previous tree on the
 * updated paths: once the new tree is the tip a cache may drop them (they
 * stay in the store for reorgs and old proofs); one re-created unchanged is
 * listed as created again.
 *
 * Kept flat, with no object per node: a 1,000-transfer block creates ~16,000
 * nodes that live until its batch lands, and as one view each they were most
 * of what every young-generation collection had to copy. Hashes are copied
 * into one buffer; a record stays where the writer built it and is known by
 * its buffer and offset. As a map (hex hash → record) it serves test stores
 * and reads of nodes still in flight, built only when first asked for.
 */
export class CreatedNodes implements ReadonlyMap<string, Uint8Array> {
  private hashBytes = new Uint8Array(HASH * 64);
  /** Per node, a view of the whole buffer its record is in: one view per buffer, shared. */
  private arrays: Uint8Array<ArrayBufferLike>[] = [];
  private lastArray: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private offsets = new Int32Array(64);
  private lengths = new Int32Array(64);
  private n = 0;
  private replacedBytes = new Uint8Array(HASH * 64);
  private nReplaced = 0;
  private byHex: Map<string, Uint8Array> | undefined;

  /** Nodes created, repeats included. */
  get count(): number {
    return this.n;
  }

  get replacedCount(): number {
    return this.nReplaced;
  }

  hash(i: number): Uint8Array {
    return this.hashBytes.subarray(i * HASH, i * HASH + HASH);
  }

  /** Copies the i-th hash into `out` at `at`, without a view of it. */
  hashInto(i: number, out: Uint8Array, at: number): void {
    const from = i * HASH;
    for (let j = 0; j < HASH; j++) out[at + j] = this.hashBytes[from + j]!;
  }

  record(i: number): Uint8Array {
    return this.arrays[i]!.subarray(this.offsets[i]!, this.offsets[i]! + this.lengths[i]!);
  }

  /** The hashes, 32 bytes each in creation order: `hash(i)` is at `32 * i` (read only). */
  get hashes(): Uint8Array {
    return this.hashBytes;
  }

  /** The replaced hashes, as `hashes` (read only). */
  get replacedHashes(): Uint8Array {
    return this.replacedBytes;
  }

  /** Where `record(i)` is, without a view of it: its bytes are `recordLength(i)` bytes at `recordOffset(i)` of this array. */
  recordBytes(i: number): Uint8Array {
    return this.arrays[i]!;
  }

  recordOffset(i: number): number {
    return this.offsets[i]!;
  }

  recordLength(i: number): number {
    return this.lengths[i]!;
  }

  replacedHash(i: number): Uint8Array {
    return this.replacedBytes.subarray(i * HASH, i * HASH + HASH);
  }

  /** The 32 bytes at `at` in `from` name a node the new tree no longer reaches. */
  replace(from: Uint8Array, at = 0): void {
    if ((this.nReplaced + 1) * HASH > this.replacedBytes.length) this.replacedBytes = grown(this.replacedBytes, (k) => new Uint8Array(k));
    const to = this.nReplaced++ * HASH;
    for (let j = 0; j < HASH; j++) this.replacedBytes[to + j] = from[at + j]!;
  }

  /**
   * `record` hashes to the 32 bytes at `at` in `hashFrom`. The record is kept
   * by reference and must not change afterwards; the hash is copied.
   */
  add(hashFrom: Uint8Array, at: number, record: Uint8Array): void {
    const i = this.n++;
    if (i === this.offsets.length) {
      this.hashBytes = grown(this.hashBytes, (k) => new Uint8Array(k));
      this.offsets = grown(this.offsets, (k) => new Int32Array(k));
      this.lengths = grown(this.lengths, (k) => new Int32Array(k));
    }
    for (let j = 0; j < HASH; j++) this.hashBytes[i * HASH + j] = hashFrom[at + j]!;
    if (this.lastArray.buffer !== record.buffer) this.lastArray = new Uint8Array(record.buffer);
    this.arrays.push(this.lastArray);
    this.offsets[i] = record.byteOffset;
    this.lengths[i] = record.length;
    this.byHex?.set(bytesToHex(this.hash(i)), record);
  }

  /** The record of a node this writer created, by hash. */
  node(hash: Uint8Array): Uint8Array | undefined {
    return this.view().get(bytesToHex(hash));
  }

  get size(): number {
    return this.view().size;
  }

  get(hex: string): Uint8Array | undefined {
    return this.view().get(hex);
  }

  has(hex: string): boolean {
    return this.view().has(hex);
  }

  forEach(fn: (record: Uint8Array, hex: string, map: ReadonlyMap<string, Uint8Array>) => void, thisArg?: unknown): void {
    for (const [hex, record] of this.view()) fn.call(thisArg, record, hex, this);
  }

  entries(): MapIterator<[string, Uint8Array]> {
    return this.view().entries();
  }

  keys(): MapIterator<string> {
    return this.view().keys();
  }

  values(): MapIterator<Uint8Array> {
    return this.view().values();
  }

  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.view().entries();
  }

  private view(): Map<string, Uint8Array> {
    if (!this.byHex) {
      this.byHex = new Map();
      for (let i = 0; i < this.n; i++) this.byHex.set(bytesToHex(this.hash(i)), this.record(i));
    }
    return this.byHex;
  }
}
