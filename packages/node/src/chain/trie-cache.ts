/** Per-entry overhead charged besides the record: the entry object, its copy of the hash, the map slot. */
const ENTRY_OVERHEAD = 160;
/** Entries sharing a slot beyond this are not cached: a grinder of colliding node hashes costs only its own nodes a read. */
const MAX_CHAIN = 4;

interface Entry {
  hash: Uint8Array;
  record: Uint8Array;
  next: Entry | undefined;
}

/** A small-integer map key from a node hash's first 30 bits (a tagged integer in V8: no string, no hashing). */
function slotOf(hash: Uint8Array): number {
  return (hash[0]! << 22) | (hash[1]! << 14) | (hash[2]! << 6) | (hash[3]! >> 2);
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** Removes `hash` from its slot's chain in `map`; the bytes it was charged, or 0 if absent. */
function unlink(map: Map<number, Entry>, slot: number, hash: Uint8Array): number {
  let prev: Entry | undefined;
  for (let e = map.get(slot); e; prev = e, e = e.next) {
    if (!sameHash(e.hash, hash)) continue;
    if (prev) prev.next = e.next;
    else if (e.next) map.set(slot, e.next);
    else map.delete(slot);
    return e.record.length + ENTRY_OVERHEAD;
  }
  return 0;
}

/**
 * State-tree node records by hash, bounded by bytes, keeping what was used
 * recently: two generations, each at most half the budget. New entries and
 * hits on the old generation go into the young one; when the young one
 * fills it becomes the old one and the previous old one is dropped. A hit in
 * the young generation costs one map lookup, with no reordering, and a node
 * every block walks (the upper levels) is carried forward each generation.
 */
export class TrieNodeCache {
  private young = new Map<number, Entry>();
  private old = new Map<number, Entry>();
  private youngBytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(hash: Uint8Array): Uint8Array | undefined {
    const slot = slotOf(hash);
    for (let e = this.young.get(slot); e; e = e.next) if (sameHash(e.hash, hash)) return e.record;
    for (let e = this.old.get(slot); e; e = e.next) {
      if (sameHash(e.hash, hash)) {
        this.add(slot, e.hash, e.record);
        return e.record;
      }
    }
    return undefined;
  }

  set(hash: Uint8Array, record: Uint8Array): void {
    const slot = slotOf(hash);
    for (let e = this.young.get(slot); e; e = e.next) if (sameHash(e.hash, hash)) return;
    this.add(slot, hash.slice(), record);
  }

  delete(hash: Uint8Array): void {
    const slot = slotOf(hash);
    const bytes = unlink(this.young, slot, hash);
    if (bytes) this.youngBytes -= bytes;
    unlink(this.old, slot, hash);
  }

  private add(slot: number, hash: Uint8Array, record: Uint8Array): void {
    const bytes = record.length + ENTRY_OVERHEAD;
    if (bytes > this.maxBytes / 2) return;
    const head = this.young.get(slot);
    let chain = 0;
    for (let e = head; e; e = e.next) if (++chain >= MAX_CHAIN) return;
    this.young.set(slot, { hash, record, next: head });
    this.youngBytes += bytes;
    if (this.youngBytes > this.maxBytes / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngBytes = 0;
    }
  }
}
