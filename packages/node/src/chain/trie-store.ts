import type { CreatedNodes, TrieNodeReader } from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { ByteArena } from './byte-arena.js';
import { TrieNodeCache } from './trie-cache.js';

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
    // Nodes are content-addressed, so a stored copy is always right; one only in flight is asked last.
    const raw = this.db.getSync(key(Prefix.trieNode, hash)) ?? this.writingNode(hash);
    if (raw === undefined) return undefined;
    this.cache.set(hash, raw);
    return raw;
  }

  /** Batch puts for the nodes a block created. */
  ops(created: CreatedNodes): BatchOp[] {
    const ops: BatchOp[] = [];
    this.appendOps(ops, created, new ByteArena());
    return ops;
  }

  /**
   * Appends batch puts for the nodes a block created (idempotent: same hash,
   * same record), keyed in the block's arena: thousands of keys per block.
   */
  appendOps(ops: BatchOp[], created: CreatedNodes, arena: ByteArena): void {
    const { hashes, records } = created;
    for (let i = 0; i < hashes.length; i++) {
      const k = arena.alloc(33);
      k[0] = Prefix.trieNode;
      k.set(hashes[i]!, 1);
      ops.push({ type: 'put', key: k, value: records[i]! });
    }
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
    for (const hash of created.replaced) this.cache.delete(hash);
    const { hashes, records } = created;
    for (let i = 0; i < hashes.length; i++) this.cache.set(hashes[i]!, records[i]!);
  }
}
