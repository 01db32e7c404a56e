import { bytesToHex, type TrieNodeReader } from '@hackcoin/core';
import type { BatchOp, Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { ByteLru } from '../util/byte-lru.js';

/** Per-entry overhead the cache charges besides the record (key string, map entry). */
const ENTRY_OVERHEAD = 160;

/**
 * The state tree's nodes in LevelDB, read synchronously (state transitions
 * are synchronous) through a byte-bounded LRU cache: the upper levels every
 * block walks stay in memory. Nodes are content-addressed and never deleted,
 * so the tree at any earlier main-chain or side-chain root stays provable
 * and a disconnect has nothing to undo here.
 */
export class TrieNodeStore implements TrieNodeReader {
  private readonly cache: ByteLru<Uint8Array>;

  constructor(
    private readonly db: Database,
    cacheBytes: number,
  ) {
    this.cache = new ByteLru(cacheBytes);
  }

  node(hash: Uint8Array): Uint8Array | undefined {
    const id = bytesToHex(hash);
    const hit = this.cache.get(id);
    if (hit) return hit;
    const raw = this.db.getSync(key(Prefix.trieNode, hash));
    if (raw === undefined) return undefined;
    this.cache.set(id, raw, raw.length + ENTRY_OVERHEAD);
    return raw;
  }

  /** Batch puts for the nodes a block created (idempotent: same hash, same record); Buffer decodes the hex natively, without core's regex check. */
  ops(created: ReadonlyMap<string, Uint8Array>): BatchOp[] {
    const ops: BatchOp[] = [];
    for (const [id, rec] of created) ops.push({ type: 'put', key: key(Prefix.trieNode, Buffer.from(id, 'hex')), value: rec });
    return ops;
  }

  /** After the batch is written: the next block walks the same paths. */
  remember(created: ReadonlyMap<string, Uint8Array>): void {
    for (const [id, rec] of created) this.cache.set(id, rec, rec.length + ENTRY_OVERHEAD);
  }
}
