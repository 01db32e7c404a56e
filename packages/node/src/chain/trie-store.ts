import type { CreatedNodes, TrieNodeReader } from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
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

  constructor(
    private readonly db: Database,
    cacheBytes: number,
  ) {
    this.cache = new TrieNodeCache(cacheBytes);
  }

  node(hash: Uint8Array): Uint8Array | undefined {
    const hit = this.cache.get(hash);
    if (hit) return hit;
    const raw = this.db.getSync(key(Prefix.trieNode, hash));
    if (raw === undefined) return undefined;
    this.cache.set(hash, raw);
    return raw;
  }

  /** Batch puts for the nodes a block created (idempotent: same hash, same record). */
  ops(created: CreatedNodes): BatchOp[] {
    const { hashes, records } = created;
    const ops: BatchOp[] = new Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) ops[i] = { type: 'put', key: key(Prefix.trieNode, hashes[i]!), value: records[i]! };
    return ops;
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
