import { randomBytes } from 'node:crypto';
import { doubled } from '../util/typed-arrays.js';

/** Per-entry overhead charged besides its bytes in the arena: its slots in the index arrays and the table. */
const ENTRY_OVERHEAD = 48;
/** Entries whose hashes share their first 8 bytes beyond this are not cached: a grinder of such hashes costs only its own nodes a read. */
const MAX_SAME_PREFIX = 4;
/** Hash-and-record pairs are copied into chunks of up to this size (a small cache uses smaller ones); a record over an eighth of a chunk gets an array of its own. */
const MAX_CHUNK = 256 * 1024;
const EMPTY = 0;
const DELETED = -1;

/**
 * Table positions come from the hash's first 8 bytes mixed with a per-process
 * secret, so nobody who grinds node hashes can aim them at one run of the
 * open-addressed table and make every lookup there walk it.
 */
const SALT = new Int32Array(randomBytes(8).buffer);
const SALT0 = SALT[0]!;
const SALT1 = SALT[1]! | 1;

export function word(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}

export function position(w0: number, w1: number, mask: number): number {
  const h = Math.imul(w0 ^ SALT0, 0x9e3779b1) ^ Math.imul(w1, SALT1);
  return (h ^ (h >>> 15)) & mask;
}

/**
 * One generation of the cache: an open-addressed table of entry numbers over
 * typed arrays (an entry's first 8 hash bytes, location and record size) and
 * the arena its bytes live in, dropped together when the generation ages out.
 * No JavaScript object per entry: the collector sees a few arrays whatever the
 * cache holds. `live` charges the entries still linked, `spent` everything
 * ever inserted (the arena's size, dead entries included).
 */
class Generation {
  live = 0;
  spent = 0;
  private table = new Int32Array(1024);
  /** Linked entries plus deleted marks: the table is rebuilt before they fill half of it. */
  private occupied = 0;
  private count = 0;
  private w0 = new Int32Array(256);
  private w1 = new Int32Array(256);
  private chunkOf = new Int32Array(256);
  private offsetOf = new Int32Array(256);
  private size = new Int32Array(256);
  private readonly chunks: Uint8Array[] = [];
  private chunk = new Uint8Array(0);
  private chunkIndex = -1;
  private used = 0;

  constructor(private readonly chunkSize: number) {}

  /** The same live entries in a fresh arena: the dead ones' bytes go with the old one. */
  compacted(): Generation {
    const g = new Generation(this.chunkSize);
    for (let i = 0; i < this.table.length; i++) {
      const v = this.table[i]!;
      if (v <= 0) continue;
      g.copyFrom(this.chunks[this.chunkOf[v - 1]!]!, this.offsetOf[v - 1]!, this.w0[v - 1]!, this.w1[v - 1]!, this.size[v - 1]!);
    }
    return g;
  }

  /** A live entry of another generation: distinct from every other and within the prefix limit already. */
  private copyFrom(src: Uint8Array, at: number, w0: number, w1: number, recordSize: number): void {
    const n = 32 + recordSize;
    const id = this.newEntry(w0, w1, n, recordSize);
    const bytes = this.chunks[this.chunkOf[id]!]!;
    const to = this.offsetOf[id]!;
    for (let i = 0; i < n; i++) bytes[to + i] = src[at + i]!;
    this.link(id, w0, w1);
    this.live += n + ENTRY_OVERHEAD;
    this.spent += n + ENTRY_OVERHEAD;
  }

  /** The record cached under the hash at `at` in `hash`, or undefined. */
  get(hash: Uint8Array, at = 0): Uint8Array | undefined {
    const id = this.find(hash, at);
    return id < 0 ? undefined : this.recordOf(id);
  }

  /**
   * Copies the entry in unless it is there already (one walk of the probe run answers both);
   * false when it was there or too many cached hashes share its prefix.
   */
  insert(hash: Uint8Array, hashAt: number, record: Uint8Array, recordAt: number, recordSize: number): boolean {
    const w0 = word(hash, hashAt);
    const w1 = word(hash, hashAt + 4);
    const mask = this.table.length - 1;
    let same = 0;
    for (let i = position(w0, w1, mask); ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === EMPTY) break;
      if (v > 0 && this.w0[v - 1] === w0 && this.w1[v - 1] === w1 && (this.holds(v - 1, hash, hashAt) || ++same >= MAX_SAME_PREFIX)) return false;
    }
    const n = 32 + recordSize;
    const id = this.newEntry(w0, w1, n, recordSize);
    const bytes = this.chunks[this.chunkOf[id]!]!;
    const at = this.offsetOf[id]!;
    for (let i = 0; i < 32; i++) bytes[at + i] = hash[hashAt + i]!;
    // A loop rather than set(): set() would need a view of the record, one object per node.
    for (let i = 0; i < recordSize; i++) bytes[at + 32 + i] = record[recordAt + i]!;
    this.link(id, w0, w1);
    this.live += n + ENTRY_OVERHEAD;
    this.spent += n + ENTRY_OVERHEAD;
    return true;
  }

  /** The record under `hash`, unlinked if its first byte is `tag` (its bytes stay valid for the caller). */
  takeIf(hash: Uint8Array, at: number, tag: number): Uint8Array | undefined {
    const slot = this.slotOf(hash, at);
    if (slot < 0) return undefined;
    const rec = this.recordOf(this.table[slot]! - 1);
    if (rec[0] === tag) this.unlinkSlot(slot);
    return rec;
  }

  unlink(hash: Uint8Array, at: number): void {
    const slot = this.slotOf(hash, at);
    if (slot >= 0) this.unlinkSlot(slot);
  }

  private unlinkSlot(slot: number): void {
    const id = this.table[slot]! - 1;
    this.table[slot] = DELETED;
    this.live -= 32 + this.size[id]! + ENTRY_OVERHEAD;
  }

  private recordOf(id: number): Uint8Array {
    const at = this.offsetOf[id]!;
    return this.chunks[this.chunkOf[id]!]!.subarray(at + 32, at + 32 + this.size[id]!);
  }

  private find(hash: Uint8Array, at: number): number {
    const slot = this.slotOf(hash, at);
    return slot < 0 ? -1 : this.table[slot]! - 1;
  }

  private slotOf(hash: Uint8Array, at: number): number {
    const w0 = word(hash, at);
    const w1 = word(hash, at + 4);
    const mask = this.table.length - 1;
    for (let i = position(w0, w1, mask); ; i = (i + 1) & mask) {
      const v = this.table[i]!;
      if (v === EMPTY) return -1;
      if (v > 0 && this.w0[v - 1] === w0 && this.w1[v - 1] === w1 && this.holds(v - 1, hash, at)) return i;
    }
  }

  private holds(id: number, hash: Uint8Array, hashAt: number): boolean {
    const bytes = this.chunks[this.chunkOf[id]!]!;
    const at = this.offsetOf[id]!;
    for (let i = 31; i >= 8; i--) if (bytes[at + i] !== hash[hashAt + i]) return false;
    return true;
  }

  private newEntry(w0: number, w1: number, n: number, recordSize: number): number {
    if (this.count === this.w0.length) {
      this.w0 = doubled(this.w0);
      this.w1 = doubled(this.w1);
      this.chunkOf = doubled(this.chunkOf);
      this.offsetOf = doubled(this.offsetOf);
      this.size = doubled(this.size);
    }
    const id = this.count++;
    this.w0[id] = w0;
    this.w1[id] = w1;
    this.size[id] = recordSize;
    if (n > this.chunkSize / 8) {
      this.chunks.push(new Uint8Array(n));
      this.chunkOf[id] = this.chunks.length - 1;
      this.offsetOf[id] = 0;
      return id;
    }
    if (this.used + n > this.chunk.length) {
      this.chunk = new Uint8Array(this.chunkSize);
      this.chunkIndex = this.chunks.push(this.chunk) - 1;
      this.used = 0;
    }
    this.chunkOf[id] = this.chunkIndex;
    this.offsetOf[id] = this.used;
    this.used += n;
    return id;
  }

  private link(id: number, w0: number, w1: number): void {
    if (2 * (this.occupied + 1) > this.table.length) this.rebuild();
    const mask = this.table.length - 1;
    let i = position(w0, w1, mask);
    while (this.table[i]! > 0) i = (i + 1) & mask;
    if (this.table[i] === EMPTY) this.occupied++;
    this.table[i] = id + 1;
  }

  /** A table sized for the linked entries, without the deleted marks. */
  private rebuild(): void {
    const old = this.table;
    let linked = 0;
    for (let i = 0; i < old.length; i++) if (old[i]! > 0) linked++;
    let cap = 1024;
    while (cap < 4 * (linked + 1)) cap *= 2;
    this.table = new Int32Array(cap);
    this.occupied = 0;
    const mask = cap - 1;
    for (let i = 0; i < old.length; i++) {
      const v = old[i]!;
      if (v <= 0) continue;
      let j = position(this.w0[v - 1]!, this.w1[v - 1]!, mask);
      while (this.table[j] !== EMPTY) j = (j + 1) & mask;
      this.table[j] = v;
      this.occupied++;
    }
  }
}

/**
 * State-tree node records by hash, bounded by bytes, keeping what was used
 * recently: two generations, each holding at most half the budget. New
 * entries and hits on the old generation go into the young one; when the
 * young one's live entries fill a quarter of the budget it becomes the old
 * one and the previous old one is dropped. Entries deleted from the young
 * generation (nodes a connected block replaced) free their share of the
 * budget: once the dead bytes reach a quarter too, the live ones move to a
 * fresh arena, a copy paid for by the deletions that made it necessary. A
 * hit in the young generation costs one table probe, with no reordering, and
 * a node every block walks (the upper levels) is carried forward each
 * generation. Records are copied in (callers may hand over views of larger
 * buffers) and handed out as views of the cache's arena, which callers must
 * not change.
 */
export class TrieNodeCache {
  private readonly chunkSize: number;
  private young: Generation;
  private old: Generation;

  constructor(private readonly maxBytes: number) {
    this.chunkSize = Math.max(4096, Math.min(MAX_CHUNK, Math.floor(maxBytes / 64)));
    this.young = new Generation(this.chunkSize);
    this.old = new Generation(this.chunkSize);
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    const hit = this.young.get(hash);
    if (hit) return hit;
    const aged = this.old.get(hash);
    // Carried into the young generation; the old one's bytes are the same, and the view keeps them alive.
    if (aged) this.add(hash, 0, aged, 0, aged.length);
    return aged;
  }

  set(hash: Uint8Array, record: Uint8Array): void {
    this.add(hash, 0, record, 0, record.length);
  }

  /**
   * set() of the node hashed by the 32 bytes at `hashAt` in `hashes`, whose record is the
   * `size` bytes at `at` in `bytes`: a writer's new nodes go in without a view of each.
   */
  setFrom(hashes: Uint8Array, hashAt: number, bytes: Uint8Array, at: number, size: number): void {
    this.add(hashes, hashAt, bytes, at, size);
  }

  /**
   * get() of the hash at `at` in `hash`, but a record whose first byte is `tag` leaves the young
   * generation (or is not carried out of the old one): the caller is about to replace it.
   */
  takeIf(hash: Uint8Array, tag: number, at = 0): Uint8Array | undefined {
    const hit = this.young.takeIf(hash, at, tag);
    if (hit) return hit;
    const aged = this.old.get(hash, at);
    if (aged && aged[0] !== tag) this.add(hash, at, aged, 0, aged.length);
    return aged;
  }

  /**
   * Only the young generation gives back room: the old one's arena is dropped whole, and a
   * replaced node left in it is still a true record of its hash. Probing it too cost a random
   * memory walk per replaced node (~12,000 per 1,000-transfer block).
   */
  delete(hash: Uint8Array, at = 0): void {
    this.young.unlink(hash, at);
  }

  private add(hash: Uint8Array, hashAt: number, record: Uint8Array, recordAt: number, size: number): void {
    const quarter = this.maxBytes / 4;
    if (32 + size + ENTRY_OVERHEAD > quarter) return;
    this.young.insert(hash, hashAt, record, recordAt, size);
    if (this.young.live > quarter) {
      this.old = this.young;
      this.young = new Generation(this.chunkSize);
    } else if (this.young.spent - this.young.live > quarter) {
      this.young = this.young.compacted();
    }
  }
}
