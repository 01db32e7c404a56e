import type { CreatedNodes, TrieNodeReader } from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { TrieNodeCache } from './trie-cache.js';

/** First byte of an internal node's record (core/state/smt.ts). */
const INTERNAL = 0x01;

/**
 * The state tree's nodes in LevelDB, read synchronously (state transitions
 * are synchronous) through a byte-bounded cache keyed by the hash bytes: the
 * upper levels every block walks stay in memory. Nodes are content-addressed
 * and never deleted, so the tree at any earlier main-chain or side-chain root
 * stays provable and a disconnect has nothing to undo here.
 */
export class TrieNodeStore implements TrieNodeReader {
  private readonly cache: TrieNodeCache;
  /** Nodes of batches LevelDB is still applying (the cache may have declined some of them). */
  private readonly inFlight: CreatedNodes[] = [];

  constructor(
    private readonly db: Database,
    cacheBytes: number,
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
   * If the block then fails, the node is read from LevelDB or the batch in flight next time: a
   * node enters the cache only once one of them has it.
   */
  replacing(from: Uint8Array, at = 0): Uint8Array | undefined {
    return this.cache.takeIf(from, INTERNAL, at) ?? this.stored(from.subarray(at, at + 32));
  }

  /** Nodes are content-addressed, so a stored copy is always right; one only in flight is asked last. */
  private stored(hash: Uint8Array): Uint8Array | undefined {
    return this.db.getSync(key(Prefix.trieNode, hash)) ?? this.writingNode(hash);
  }

  /** The batch put of every node a block created (idempotent: same hash, same record). */
  ops(created: CreatedNodes): BatchOp[] {
    return [{ type: 'rows', prefix: Prefix.trieNode, rows: created }];
  }

  /** The batch holding `created` was submitted: its nodes stay readable here until it lands. */
  writing(created: CreatedNodes): void {
    this.inFlight.push(created);
  }

  landed(created: CreatedNodes): void {
    const i = this.inFlight.indexOf(created);
    if (i >= 0) this.inFlight.splice(i, 1);
  }

  private writingNode(hash: Uint8Array): Uint8Array | undefined {
    for (const created of this.inFlight) {
      const rec = created.node(hash);
      if (rec) return rec;
    }
    return undefined;
  }

  /**
   * After the batch is written: the next block walks the same paths. The
   * nodes the new tree replaced leave the cache, so it holds the tip's tree
   * rather than the superseded versions of its busiest paths.
   */
  remember(created: CreatedNodes): void {
    // By offset: views of ~14,000 hashes and records a block were most of what this allocated.
    const replaced = created.replacedHashes;
    for (let i = 0; i < created.replacedCount; i++) this.cache.delete(replaced, 32 * i);
    const hashes = created.hashes;
    for (let i = 0; i < created.count; i++) {
      this.cache.setFrom(hashes, 32 * i, created.recordBytes(i), created.recordOffset(i), created.recordLength(i));
    }
  }
}
