import { sha256, sha256Into } from '../crypto/hash.js';
import { BufferReader } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';
import { bytesToHex, equalBytes } from '../encoding/bytes.js';
import { CreatedNodes } from './created-nodes.js';

export { CreatedNodes };

/**
 * A sparse Merkle tree over 256-bit key paths with compressed leaves
 * (the layout of Diem's/Aptos's "jellyfish" binary tree):
 *  - an empty subtree hashes to 32 zero bytes;
 *  - a subtree holding exactly one key is that key's leaf, at whatever depth
 *    its path first differs from every other key's:
 *      leaf = sha256(0x00 ‖ path ‖ sha256(value));
 *  - a subtree holding two or more keys is an internal node:
 *      node = sha256(0x01 ‖ left ‖ right), left = paths with bit 0 at this depth.
 * The shape depends only on the set of keys, so the root is a function of
 * the map alone, and a path is about log2(n) nodes deep. Nodes are stored by
 * hash (content-addressed): an update adds nodes and never changes one, so
 * every earlier root stays readable and provable as long as its nodes are kept.
 */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

const LEAF = 0x00;
const INTERNAL = 0x01;
/** Record size before a leaf's value: tag ‖ 32 ‖ 32. */
const HEAD = 65;
export const MAX_DEPTH = 256;
/** Largest value a proof may carry (an account is 80 bytes; a storage value is bounded by a transaction's data). */
const MAX_PROOF_VALUE = 1 << 20;

/**
 * Stored records by node hash: internal `0x01 ‖ left ‖ right`, leaf
 * `0x00 ‖ path ‖ valueHash ‖ value` (the hash covers the first 65 bytes; the
 * value rides along so a proof can be served from the tree alone).
 */
export interface TrieNodeReader {
  node(hash: Uint8Array): Uint8Array | undefined;
  /**
   * As node(), for a node on an updated path, named by the 32 bytes at `at` in `from` (the
   * parent's record: no view per node): an internal one is always replaced by the update, so a
   * cache may forget it now, in the same lookup, rather than be told after the block.
   */
  replacing?(from: Uint8Array, at: number): Uint8Array | undefined;
}

/** A change to one key: `apply` maps the committed value (null = absent, and read-only: it may be a view of a cache) to the new one (null = delete). */
export interface TreeUpdate {
  path: Uint8Array;
  apply(old: Uint8Array | null): Uint8Array | null;
}

export function isEmptyRoot(hash: Uint8Array): boolean {
  return equalBytes(hash, EMPTY_ROOT);
}

function bit(path: Uint8Array, depth: number): number {
  return (path[depth >> 3]! >> (7 - (depth & 7))) & 1;
}

function leafHash(path: Uint8Array, value: Uint8Array): Uint8Array {
  const head = new Uint8Array(HEAD);
  head[0] = LEAF;
  head.set(path, 1);
  head.set(sha256(value), 33);
  return sha256(head);
}

function internalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const rec = new Uint8Array(HEAD);
  rec[0] = INTERNAL;
  rec.set(left, 1);
  rec.set(right, 33);
  return sha256(rec);
}

/** What the writer knows of a subtree it just handled; tracked so compressing a lone leaf rarely needs a read. */
const EMPTY_K = 0;
const LEAF_K = 1;
const INTERNAL_K = 2;
const UNKNOWN_K = 3;
type Kind = typeof EMPTY_K | typeof LEAF_K | typeof INTERNAL_K | typeof UNKNOWN_K;

/** A key and its value in a subtree being rebuilt; `hash` is its leaf's hash when that leaf is already stored unchanged. */
interface Item {
  path: Uint8Array;
  value: Uint8Array;
  hash?: Uint8Array;
}

/**
 * Records are carved from shared chunks: one array per node costs as much as hashing it. A
 * writer's chunks start at FIRST_CHUNK bytes and double up to CHUNK: an empty block creates a
 * few dozen nodes, and a 16 KiB chunk for each was garbage the allocator kept as RSS.
 */
const CHUNK = 16 * 1024;
const FIRST_CHUNK = 1024;

/**
 * Applies updates to trees in one store: the new nodes collect in `created`
 * for the caller to persist with the block that made them, and are readable
 * through the same instance meanwhile. One recursive pass over the sorted
 * updates visits each touched node once, so paths the updates share are
 * read and hashed once. Each step writes its subtree's hash straight into
 * its slot in the parent's new record (`out` at `at`), and new records are
 * views of shared chunks, so a node costs no arrays of its own.
 */
export class TreeWriter {
  readonly created = new CreatedNodes();
  /**
   * Kind of the subtree whose hash the last updateSub/build/leaf/combine
   * wrote (a field rather than a result object: one allocation fewer per
   * node). Each of them sets it last, after any nested update an apply() ran.
   */
  private kind: Kind = EMPTY_K;
  private chunk = new Uint8Array(0);
  private used = 0;
  private nextChunk = FIRST_CHUNK;

  constructor(private readonly store: TrieNodeReader) {}

  read(hash: Uint8Array): Uint8Array {
    // Updates only read nodes of earlier trees, so the store answers first; `created` serves
    // reads of this writer's own new nodes (get or prove after an update).
    const rec = this.store.node(hash) ?? this.created.node(hash);
    if (!rec) throw new Error(`state trie node ${bytesToHex(hash)} is missing`);
    return rec;
  }

  /** read() of the node named at `at` in `from`, on an updated path (see TrieNodeReader.replacing). */
  private readReplacing(from: Uint8Array, at: number): Uint8Array {
    if (!this.store.replacing) return this.read(from.subarray(at, at + 32));
    const rec = this.store.replacing(from, at) ?? this.created.node(from.subarray(at, at + 32));
    if (!rec) throw new Error(`state trie node ${bytesToHex(from.subarray(at, at + 32))} is missing`);
    return rec;
  }

  /** New root after `updates` (paths must be distinct). */
  update(root: Uint8Array, updates: readonly TreeUpdate[]): Uint8Array {
    if (updates.length === 0) return root;
    const sorted = [...updates].sort((a, b) => comparePaths(a.path, b.path));
    for (let i = 1; i < sorted.length; i++) {
      if (comparePaths(sorted[i - 1]!.path, sorted[i]!.path) === 0) throw new Error('duplicate path in a tree update');
    }
    const out = new Uint8Array(32);
    this.updateSub(root, 0, isEmptyRoot(root) ? EMPTY_K : UNKNOWN_K, 0, sorted, 0, sorted.length, out, 0);
    return out;
  }

  /** The value under `path` in the tree at `root`, or null. */
  get(root: Uint8Array, path: Uint8Array): Uint8Array | null {
    let hash = root;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      if (isEmptyRoot(hash)) return null;
      const rec = this.read(hash);
      if (rec[0] === LEAF) return equalBytes(rec.subarray(1, 33), path) ? rec.slice(HEAD) : null;
      hash = bit(path, depth) ? rec.subarray(33, 65) : rec.subarray(1, 33);
    }
    throw new Error('state trie deeper than 256 levels');
  }

  /** The subtree whose hash is the 32 bytes at `from` in `fromAt`, after ups[lo..hi), hashed into `out` at `at`. */
  private updateSub(from: Uint8Array, fromAt: number, kind: Kind, depth: number, ups: readonly TreeUpdate[], lo: number, hi: number, out: Uint8Array, at: number): void {
    if (lo === hi) {
      for (let i = 0; i < 32; i++) out[at + i] = from[fromAt + i]!;
      this.kind = kind;
      return;
    }
    if (kind === EMPTY_K) {
      const items = this.applyAll(ups, lo, hi, null);
      this.build(depth, items, 0, items.length, out, at);
      return;
    }
    const old = this.readReplacing(from, fromAt);
    if (old[0] === LEAF) {
      const existing: Item = { path: old.subarray(1, 33), value: old.subarray(HEAD), hash: from.subarray(fromAt, fromAt + 32) };
      const items = this.applyAll(ups, lo, hi, existing);
      if (!items.includes(existing)) this.created.replace(from, fromAt);
      this.build(depth, items, 0, items.length, out, at);
      return;
    }
    // A store that forgot it on the way down needs no reminder.
    if (!this.store.replacing) this.created.replace(from, fromAt);
    const mid = firstOne(ups, lo, hi, depth);
    const rec = this.alloc(HEAD);
    const leftKind = this.child(old, 1, depth, ups, lo, mid, rec);
    this.combine(rec, leftKind, this.child(old, 33, depth, ups, mid, hi, rec), out, at);
  }

  /** The child at `at` of the internal record `old`, after its updates, written to the same place in `rec`; its kind. */
  private child(old: Uint8Array, at: number, depth: number, ups: readonly TreeUpdate[], lo: number, hi: number, rec: Uint8Array): Kind {
    if (lo === hi) {
      // Most children on a path are untouched: copy the hash without a view of it.
      for (let i = at; i < at + 32; i++) rec[i] = old[i]!;
      return childKind(old, at);
    }
    this.updateSub(old, at, childKind(old, at), depth + 1, ups, lo, hi, rec, at);
    return this.kind;
  }

  /** The sorted leaves of a subtree that held at most `existing`, after the updates. */
  private applyAll(ups: readonly TreeUpdate[], lo: number, hi: number, existing: Item | null): Item[] {
    const items: Item[] = [];
    let pending = existing;
    for (let i = lo; i < hi; i++) {
      const u = ups[i]!;
      if (pending) {
        const c = comparePaths(pending.path, u.path);
        if (c < 0) {
          items.push(pending);
          pending = null;
        } else if (c === 0) {
          const value = u.apply(pending.value);
          if (value) items.push({ path: u.path, value });
          pending = null;
          continue;
        }
      }
      const value = u.apply(null);
      if (value) items.push({ path: u.path, value });
    }
    if (pending) items.push(pending);
    return items;
  }

  private build(depth: number, items: readonly Item[], lo: number, hi: number, out: Uint8Array, at: number): void {
    if (lo === hi) {
      out.fill(0, at, at + 32);
      this.kind = EMPTY_K;
      return;
    }
    if (hi - lo === 1) {
      this.leaf(items[lo]!, out, at);
      return;
    }
    const mid = firstOne(items, lo, hi, depth);
    const rec = this.alloc(HEAD);
    this.build(depth + 1, items, lo, mid, rec, 1);
    const leftKind = this.kind;
    this.build(depth + 1, items, mid, hi, rec, 33);
    this.combine(rec, leftKind, this.kind, out, at);
  }

  private leaf(item: Item, out: Uint8Array, at: number): void {
    this.kind = LEAF_K;
    if (item.hash) {
      out.set(item.hash, at);
      return;
    }
    const rec = this.alloc(HEAD + item.value.length);
    rec[0] = LEAF;
    rec.set(item.path, 1);
    sha256Into(item.value, rec, 33);
    rec.set(item.value, HEAD);
    sha256Into(rec.subarray(0, HEAD), out, at);
    this.created.add(out, at, rec);
  }

  /** The parent of the two subtree hashes in `rec` (a record with its tag unset); one that would hold a single leaf is that leaf (compression). */
  private combine(rec: Uint8Array, leftKind: Kind, rightKind: Kind, out: Uint8Array, at: number): void {
    if (leftKind === EMPTY_K) {
      if (rightKind === EMPTY_K) {
        out.fill(0, at, at + 32);
        this.kind = EMPTY_K;
        return;
      }
      if (this.resolve(rec, 33, rightKind) === LEAF_K) {
        out.set(rec.subarray(33, 65), at);
        this.kind = LEAF_K;
        return;
      }
    } else if (rightKind === EMPTY_K && this.resolve(rec, 1, leftKind) === LEAF_K) {
      out.set(rec.subarray(1, 33), at);
      this.kind = LEAF_K;
      return;
    }
    rec[0] = INTERNAL;
    sha256Into(rec, out, at);
    this.created.add(out, at, rec);
    this.kind = INTERNAL_K;
  }

  /** The kind of the subtree whose hash sits in `rec` at `at`. */
  private resolve(rec: Uint8Array, at: number, kind: Kind): Kind {
    if (kind !== UNKNOWN_K) return kind;
    return this.read(rec.subarray(at, at + 32))[0] === LEAF ? LEAF_K : INTERNAL_K;
  }

  /** Zeroed bytes for a new record; chunks are never reused, so a record (and a hash written into one) stays as written. */
  private alloc(n: number): Uint8Array {
    if (this.used + n > this.chunk.length) {
      this.chunk = new Uint8Array(Math.max(this.nextChunk, n));
      this.nextChunk = Math.min(2 * this.nextChunk, CHUNK);
      this.used = 0;
    }
    const rec = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return rec;
  }

  /** Proof for `path` in the tree at `root` (of presence or of absence). */
  prove(root: Uint8Array, path: Uint8Array): SmtProof {
    const siblings: Uint8Array[] = [];
    let hash = root;
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      if (isEmptyRoot(hash)) return { siblings, leaf: null };
      const rec = this.read(hash);
      if (rec[0] === LEAF) return { siblings, leaf: { path: rec.slice(1, 33), value: rec.slice(HEAD) } };
      const b = bit(path, depth);
      siblings.push(rec.slice(b ? 1 : 33, b ? 33 : 65));
      hash = b ? rec.subarray(33, 65) : rec.subarray(1, 33);
    }
    throw new Error('state trie deeper than 256 levels');
  }
}

/** Whether the child hash at `at` in an internal record is the empty subtree. */
function childKind(rec: Uint8Array, at: number): Kind {
  for (let i = at; i < at + 32; i++) if (rec[i] !== 0) return UNKNOWN_K;
  return EMPTY_K;
}

/** In `list[lo..hi)`, sorted paths sharing their first `depth` bits, the first whose bit at `depth` is 1. */
function firstOne(list: readonly { path: Uint8Array }[], lo: number, hi: number, depth: number): number {
  const byte = depth >> 3;
  const shift = 7 - (depth & 7);
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if ((list[m]!.path[byte]! >> shift) & 1) hi = m;
    else lo = m + 1;
  }
  return lo;
}

export function comparePaths(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The siblings along a key's path, top down, and what the path ends at: the
 * leaf of some key (this key: presence; another key sharing the prefix:
 * absence) or an empty subtree (absence).
 */
export interface SmtProof {
  siblings: Uint8Array[];
  leaf: { path: Uint8Array; value: Uint8Array } | null;
}

/** A proof that does not hold; `reason` says which check failed. */
export class ProofError extends Error {
  override name = 'ProofError';
}

/**
 * Wire form: CompactSize depth ‖ bitmap of non-empty siblings (ceil(depth/8) bytes,
 * most significant bit first = top) ‖ the non-empty siblings, 32 bytes each,
 * top down ‖ u8 terminal (0 empty, 1 leaf) ‖ for a leaf: path(32) ‖ varBytes(value).
 */
export function encodeSmtProof(p: SmtProof): Uint8Array {
  const depth = p.siblings.length;
  const bitmap = new Uint8Array(Math.ceil(depth / 8));
  const full: Uint8Array[] = [];
  p.siblings.forEach((s, i) => {
    if (isEmptyRoot(s)) return;
    bitmap[i >> 3]! |= 0x80 >> (i & 7);
    full.push(s);
  });
  const w = new BufferWriter(3 + bitmap.length + full.length * 32 + 40);
  w.varint(depth).fixed(bitmap, bitmap.length);
  for (const s of full) w.fixed(s, 32);
  if (p.leaf) w.u8(1).fixed(p.leaf.path, 32).varBytes(p.leaf.value);
  else w.u8(0);
  return w.finish();
}

export function readSmtProof(r: BufferReader): SmtProof {
  const depth = r.varint();
  if (depth > MAX_DEPTH) throw new ProofError(`proof depth ${depth} exceeds ${MAX_DEPTH}`);
  const bitmap = r.bytes(Math.ceil(depth / 8));
  const siblings: Uint8Array[] = [];
  if (depth % 8 !== 0 && (bitmap[bitmap.length - 1]! & (0xff >> depth % 8)) !== 0) throw new ProofError('proof bitmap padding is not zero');
  for (let i = 0; i < depth; i++) {
    if (!(bitmap[i >> 3]! & (0x80 >> (i & 7)))) {
      siblings.push(EMPTY_ROOT);
      continue;
    }
    const s = r.bytes(32).slice();
    // One encoding per proof: an empty sibling is only ever a cleared bitmap bit.
    if (isEmptyRoot(s)) throw new ProofError('proof spells out an empty sibling');
    siblings.push(s);
  }
  const terminal = r.u8();
  if (terminal > 1) throw new ProofError(`unknown proof terminal ${terminal}`);
  return { siblings, leaf: terminal === 1 ? { path: r.bytes(32).slice(), value: r.varBytes(MAX_PROOF_VALUE).slice() } : null };
}

/**
 * Checks a proof for `path` against `root` and returns the value under the
 * path (null: the key is absent), or throws ProofError. Sound whatever the
 * prover sends: if the recomputed root matches, each hash on the way is the
 * real node at its position (sha256 collision resistance, tags 0x00/0x01
 * keeping leaves and internal nodes apart).
 */
export function verifySmtProof(root: Uint8Array, path: Uint8Array, proof: SmtProof): Uint8Array | null {
  const depth = proof.siblings.length;
  if (depth > MAX_DEPTH) throw new ProofError('proof deeper than 256 levels');
  let hash = EMPTY_ROOT;
  let value: Uint8Array | null = null;
  if (proof.leaf) {
    const other = proof.leaf.path;
    for (let i = 0; i < depth; i++) if (bit(other, i) !== bit(path, i)) throw new ProofError('proof leaf is off the key path');
    hash = leafHash(other, proof.leaf.value);
    if (equalBytes(other, path)) value = proof.leaf.value;
  }
  for (let i = depth - 1; i >= 0; i--) {
    const sibling = proof.siblings[i]!;
    hash = bit(path, i) ? internalHash(sibling, hash) : internalHash(hash, sibling);
  }
  if (!equalBytes(hash, root)) throw new ProofError('proof does not lead to the committed root');
  return value;
}

/** verifySmtProof over the wire form; a malformed encoding is a failed proof too. */
export function verifySmtProofBytes(root: Uint8Array, path: Uint8Array, bytes: Uint8Array): Uint8Array | null {
  let proof: SmtProof;
  try {
    const r = new BufferReader(bytes);
    proof = readSmtProof(r);
    r.done();
  } catch (e) {
    if (e instanceof ProofError) throw e;
    throw new ProofError(`malformed proof: ${e instanceof Error ? e.message : String(e)}`);
  }
  return verifySmtProof(root, path, proof);
}
