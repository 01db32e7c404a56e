import { blockCoinbase, coinbaseMerkleBranch, txHash, type Block, type BlockHeader, type CoinbaseTx } from '@hackcoin/core';
import { ByteLru } from '../util/byte-lru.js';
import type { ChainEntry } from '../chain/entry.js';
import { HttpError } from './http-error.js';

/** What a state proof needs of its block: the header, the coinbase (its state root) and the coinbase's merkle branch. */
export interface ProofBlock {
  header: BlockHeader;
  coinbase: CoinbaseTx;
  branch: Uint8Array[];
}

/** A coinbase with a long extra field, a full branch and the header: far more than a typical entry's ~1 KB. */
const CACHE_BYTES = 2 * 1024 * 1024;

/**
 * The proof parts of recently proven blocks. Without them every proof read and
 * decoded its whole block and hashed each transaction (milliseconds for a
 * block of thousands, at the read class's 1,200 a minute per client); a
 * light client proves at the tip, so proofs at one block need that once.
 * `beforeLoad` runs only on a miss and may throw to refuse (the heavy budget).
 */
export class ProofBlocks {
  private readonly cache = new ByteLru<ProofBlock>(CACHE_BYTES);

  /** `load` drops a read that has not started once `gone` aborts (see HeavyGate.run). */
  constructor(private readonly load: (e: ChainEntry, gone: AbortSignal | undefined) => Promise<Block | null | undefined>) {}

  async at(e: ChainEntry, beforeLoad: () => Promise<void>, gone?: AbortSignal): Promise<ProofBlock> {
    const hit = this.cache.get(e.id);
    if (hit) return hit;
    await beforeLoad();
    const block = await this.load(e, gone);
    const coinbase = block && blockCoinbase(block);
    if (!block || !coinbase) throw new HttpError(404, `block ${e.id} data not found`, 'not-found');
    const parts = { header: block.header, coinbase, branch: coinbaseMerkleBranch(block.txs.map(txHash)) };
    this.cache.set(e.id, parts, 256 + coinbase.extra.length + 32 * parts.branch.length);
    return parts;
  }
}
