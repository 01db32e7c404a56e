import { bytesToHex } from '../encoding/bytes.js';

/**
 * The state-tree nodes one writer created, in creation order: `hashes[i]` is
 * the hash of `records[i]` (a node may appear twice; storing it twice is
 * harmless). A store persists them from the two lists, with no hex round
 * trip; as a map (hex hash → record) it serves test stores and the writer's
 * reads of its own new nodes, built only when first asked for. `replaced`
 * lists the nodes of the previous tree on the updated paths: once the new
 * tree is the tip a cache may drop them (they stay in the store for reorgs
 * and old proofs); one re-created unchanged is in `hashes` again.
 */
export class CreatedNodes implements ReadonlyMap<string, Uint8Array> {
  private readonly hashList: Uint8Array[] = [];
  private readonly recordList: Uint8Array[] = [];
  private readonly replacedList: Uint8Array[] = [];
  private byHex: Map<string, Uint8Array> | undefined;

  get hashes(): readonly Uint8Array[] {
    return this.hashList;
  }

  get records(): readonly Uint8Array[] {
    return this.recordList;
  }

  get replaced(): readonly Uint8Array[] {
    return this.replacedList;
  }

  replace(hash: Uint8Array): void {
    this.replacedList.push(hash);
  }

  add(hash: Uint8Array, record: Uint8Array): void {
    this.hashList.push(hash);
    this.recordList.push(record);
    this.byHex?.set(bytesToHex(hash), record);
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
      for (let i = 0; i < this.hashList.length; i++) this.byHex.set(bytesToHex(this.hashList[i]!), this.recordList[i]!);
    }
    return this.byHex;
  }
}
