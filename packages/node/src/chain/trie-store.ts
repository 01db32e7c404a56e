import { CreatedNodes, bytesToHex, isEmptyRoot, type TrieNodeReader } from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { TrieNodeCache } from './trie-cache.js';
import { NodeIndex, nodeBatch, unwrittenNodes } from './unflushed-nodes.js';

function inMemory(index: NodeIndex, hash: Uint8Array): Uint8Array | undefined {
  const id = index.find(hash);
  return id < 0 ? undefined : index.record(id);
}

/** First byte of an internal node's record (core/state/smt.ts). */
const INTERNAL = 0x01;

/** When the state tree is written: after this many blocks, or sooner once its unwritten nodes take this many bytes. */
export interface FlushPolicy {
  blocks: number;
  bytes: number;
}

/** A flush's rows, and what to tell the store once LevelDB has them. */
export interface Flush {
  op: BatchOp;
  /** Nodes it writes. */
  readonly nodes: number;
  /** The index the flush let go: its nodes are read from memory until the batch lands. */
  readonly landing: NodeIndex;
}

/**
 * The state tree's nodes: LevelDB holds complete trees, at the roots of the blocks where the
 * tree was flushed; memory holds the nodes connected blocks created since, by block, until a
 * flush writes the part of them the flushed tree still uses (geth's dirty trie cache). Each
 * block replaces the upper levels of the tree, so a node written only when it is still in use
 * saves most of the writes: measured on 1,000-transfer blocks, flushing every 16 blocks wrote
 * 30 % of the nodes writing every block did, and those writes were LevelDB's busiest work.
 *
 * Reads go through a byte-bounded cache keyed by the hash bytes, then memory, then LevelDB.
 * Nodes are content-addressed and never deleted, so a tree written once stays provable; the
 * trees of blocks between flushes last while their nodes are in memory, and a chain that needs
 * one of them back (a restart after a crash, a deep reorg) reconnects its blocks from the
 * last complete tree below, as Core replays blocks onto its last flushed chainstate.
 */
export class TrieNodeStore implements TrieNodeReader {
  private readonly cache: TrieNodeCache;
  /** Nodes of the blocks connected since the last flush. */
  private current = new NodeIndex();
  /** Those of the blocks before it: the trees a flush keeps above the one it writes live on them. */
  private older = new NodeIndex();
  /** Blocks in `current`, by entry id. */
  private connectedIds = new Set<string>();
  /**
   * Roots whose every node is in LevelDB or memory: the tree a flush wrote, those it kept and
   * those of the blocks connected since. Hex strings.
   */
  private complete = new Set<string>();
  /** Indexes a flush let go while LevelDB still applies it: their nodes stay readable until it lands. */
  private readonly landing: NodeIndex[] = [];

  constructor(
    private readonly db: Database,
    cacheBytes: number,
    private readonly policy: FlushPolicy,
  ) {
    this.cache = new TrieNodeCache(cacheBytes);
  }

  node(hash: Uint8Array): Uint8Array | undefined {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const raw = this.stored(hash);
    if (raw === undefined) return undefined;
    this.cache.set(hash, raw);
    return raw;
  }

  /**
   * An internal node (tag 0x01) leaves the cache as it is read: the block replaces it. A second
   * probe per replaced node after the block cost ~6 ms of a 1,000-transfer block on a big tree.
   * If the block then fails, the node is read from memory or LevelDB next time.
   */
  replacing(from: Uint8Array, at = 0): Uint8Array | undefined {
    return this.cache.takeIf(from, INTERNAL, at) ?? this.stored(from.subarray(at, at + 32));
  }

  /** Memory first: a probe there costs less than a LevelDB miss, and unwritten nodes are the recent ones. */
  private stored(hash: Uint8Array): Uint8Array | undefined {
    return inMemory(this.current, hash) ?? inMemory(this.older, hash) ?? this.landingNode(hash) ?? this.db.getSync(key(Prefix.trieNode, hash));
  }

  private landingNode(hash: Uint8Array): Uint8Array | undefined {
    for (const index of this.landing) {
      const rec = inMemory(index, hash);
      if (rec) return rec;
    }
    return undefined;
  }

  /**
   * Whether the whole tree at `root` can be read, so a block can be connected on it: one in
   * LevelDB is complete (a flush writes a tree whole, in one batch), and so is one built since.
   */
  hasTree(root: Uint8Array): boolean {
    return isEmptyRoot(root) || this.complete.has(bytesToHex(root)) || this.db.getSync(key(Prefix.trieNode, root)) !== undefined;
  }

  /** Block `id` was connected with tree `root`, creating `created`: held until a flush. */
  connected(id: string, root: Uint8Array, created: CreatedNodes): void {
    this.current.add(nodeBatch(created));
    this.connectedIds.add(id);
    this.complete.add(bytesToHex(root));
  }

  /** Whether block `id` was connected since the last flush. */
  holds(id: string): boolean {
    return this.connectedIds.has(id);
  }

  flushDue(): boolean {
    return this.connectedIds.size >= this.policy.blocks || this.current.bytes >= this.policy.bytes;
  }

  /** Bytes of the nodes connected since the last flush. */
  get unflushedBytes(): number {
    return this.current.bytes;
  }

  /**
   * The rows that complete the trees at `roots` in LevelDB, for the batch of the block that
   * makes the flush due; a root whose tree is not complete now is skipped (its root node on
   * disk would claim a tree LevelDB does not have). `keep`: the roots of blocks connected since
   * the last flush whose trees stay complete without being written (their nodes stay in memory
   * until the next flush), so a reorg that shallow needs no replay.
   */
  flush(roots: readonly Uint8Array[], keep: readonly Uint8Array[]): Flush {
    const indexes = [this.current, this.older];
    const rows = new CreatedNodes();
    const written: Uint8Array[] = [];
    for (const root of roots) {
      if (!this.hasTree(root)) continue;
      unwrittenNodes(root, indexes, rows);
      written.push(root);
    }
    const released = this.older;
    this.older = this.current;
    this.current = new NodeIndex();
    this.connectedIds = new Set();
    this.complete = new Set([...written, ...keep].map(bytesToHex));
    this.landing.push(released);
    return { op: { type: 'rows', prefix: Prefix.trieNode, rows }, nodes: rows.count, landing: released };
  }

  /** The batch holding `flush` is in LevelDB. */
  landed(flush: Flush): void {
    const i = this.landing.indexOf(flush.landing);
    if (i >= 0) this.landing.splice(i, 1);
  }

  /**
   * After the block is connected: the leaves its tree replaced leave the cache (internal nodes
   * left it as they were read), so it holds the tip's tree rather than superseded versions.
   * The nodes it created are not copied in: memory serves them until they are written, and
   * LevelDB (through the cache) after that.
   */
  forgetReplaced(created: CreatedNodes): void {
    const replaced = created.replacedHashes;
    for (let i = 0; i < created.replacedCount; i++) this.cache.delete(replaced, 32 * i);
  }
}
