/** Per-entry overhead charged besides its bytes in the arena: the entry object and its map slot. */
const ENTRY_OVERHEAD = 96;
/** Entries sharing a slot beyond this are not cached: a grinder of colliding node hashes costs only its own nodes a read. */
const MAX_CHAIN = 4;
/** Hash-and-record pairs are copied into chunks of up to this size (a small cache uses smaller ones); a record over an eighth of a chunk gets an array of its own. */
const MAX_CHUNK = 256 * 1024;

/** A cached node: its hash at `bytes[at, at + 32)`, its record right after, `size` bytes. */
interface Entry {
  bytes: Uint8Array;
  at: number;
  size: number;
  next: Entry | undefined;
}

/** A small-integer map key from a node hash's first 30 bits (a tagged integer in V8: no string, no hashing). */
function slotOf(hash: Uint8Array): number {
  return (hash[0]! << 22) | (hash[1]! << 14) | (hash[2]! << 6) | (hash[3]! >> 2);
}

function holds(e: Entry, hash: Uint8Array): boolean {
  const b = e.bytes;
  const at = e.at;
  for (let i = 31; i >= 0; i--) if (b[at + i] !== hash[i]) return false;
  return true;
}

function recordOf(e: Entry): Uint8Array {
  return e.bytes.subarray(e.at + 32, e.at + 32 + e.size);
}

/**
 * One generation of the cache: entries by slot (chained on collisions) and
 * the arena their bytes live in, dropped together when the generation ages
 * out. `live` charges the entries still linked, `spent` everything ever
 * inserted (the arena's size, dead entries included).
 */
class Generation {
  readonly slots = new Map<number, Entry>();
  live = 0;
  spent = 0;
  private chunk = new Uint8Array(0);
  private used = 0;

  constructor(private readonly chunkSize: number) {}

  /** The same live entries in a fresh arena: the dead ones' bytes go with the old one. */
  compacted(): Generation {
    const g = new Generation(this.chunkSize);
    for (const [slot, head] of this.slots) {
      for (let e: Entry | undefined = head; e; e = e.next) g.insert(slot, e.bytes.subarray(e.at, e.at + 32), recordOf(e));
    }
    return g;
  }

  find(slot: number, hash: Uint8Array): Entry | undefined {
    for (let e = this.slots.get(slot); e; e = e.next) if (holds(e, hash)) return e;
    return undefined;
  }

  /** The cached copy of the record, or undefined when the slot's chain is full. */
  insert(slot: number, hash: Uint8Array, record: Uint8Array): Uint8Array | undefined {
    const head = this.slots.get(slot);
    let chain = 0;
    for (let e = head; e; e = e.next) if (++chain >= MAX_CHAIN) return undefined;
    const n = 32 + record.length;
    let bytes: Uint8Array;
    let at = 0;
    if (n > this.chunkSize / 8) bytes = new Uint8Array(n);
    else {
      if (this.used + n > this.chunk.length) {
        this.chunk = new Uint8Array(this.chunkSize);
        this.used = 0;
      }
      bytes = this.chunk;
      at = this.used;
      this.used += n;
    }
    bytes.set(hash, at);
    bytes.set(record, at + 32);
    const e: Entry = { bytes, at, size: record.length, next: head };
    this.slots.set(slot, e);
    this.live += n + ENTRY_OVERHEAD;
    this.spent += n + ENTRY_OVERHEAD;
    return recordOf(e);
  }

  unlink(slot: number, hash: Uint8Array): void {
    let prev: Entry | undefined;
    for (let e = this.slots.get(slot); e; prev = e, e = e.next) {
      if (!holds(e, hash)) continue;
      if (prev) prev.next = e.next;
      else if (e.next) this.slots.set(slot, e.next);
      else this.slots.delete(slot);
      this.live -= 32 + e.size + ENTRY_OVERHEAD;
      return;
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
 * hit in the young generation costs one map lookup, with no reordering, and
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
    const slot = slotOf(hash);
    const hit = this.young.find(slot, hash);
    if (hit) return recordOf(hit);
    const aged = this.old.find(slot, hash);
    if (!aged) return undefined;
    const record = recordOf(aged);
    return this.add(slot, hash, record) ?? record;
  }

  set(hash: Uint8Array, record: Uint8Array): void {
    const slot = slotOf(hash);
    if (!this.young.find(slot, hash)) this.add(slot, hash, record);
  }

  delete(hash: Uint8Array): void {
    const slot = slotOf(hash);
    this.young.unlink(slot, hash);
    this.old.unlink(slot, hash);
  }

  private add(slot: number, hash: Uint8Array, record: Uint8Array): Uint8Array | undefined {
    const quarter = this.maxBytes / 4;
    if (32 + record.length + ENTRY_OVERHEAD > quarter) return undefined;
    const copy = this.young.insert(slot, hash, record);
    if (this.young.live > quarter) {
      this.old = this.young;
      this.young = new Generation(this.chunkSize);
    } else if (this.young.spent - this.young.live > quarter) {
      this.young = this.young.compacted();
    }
    return copy;
  }
}
