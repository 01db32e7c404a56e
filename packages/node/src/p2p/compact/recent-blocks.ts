import { decodeBlock, hashToHex, type Block } from '@hackcoin/core';
import type { Chain } from '../../chain/chain.js';

/**
 * Depth below the tip past which a getblocktxn is not answered from the store (Core's
 * MAX_BLOCKTXN_DEPTH): each such answer decodes a whole block, up to 2 MB, for a request of a
 * few bytes, and a peer that is that far behind fetches whole blocks through sync anyway.
 */
export const MAX_BLOCKTXN_DEPTH = 10;

/**
 * Blocks peers may ask transactions of: the last few we announced or rebuilt,
 * kept decoded (a getblocktxn arrives within milliseconds of the announcement),
 * else read back from the chain's store.
 */
export class RecentBlocks {
  private readonly map = new Map<string, Block>();

  constructor(
    private readonly chain: Pick<Chain, 'getEntry' | 'getRawBlock' | 'canServe' | 'height'>,
    readonly capacity = 16,
  ) {}

  add(id: string, block: Block): void {
    this.map.delete(id);
    this.map.set(id, block);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  /** The block if held decoded here, without reading the store. */
  peek(id: string): Block | undefined {
    return this.map.get(id);
  }

  async get(hash: Uint8Array): Promise<Block | undefined> {
    const id = hashToHex(hash);
    const hit = this.map.get(id);
    if (hit) return hit;
    const entry = this.chain.getEntry(id);
    if (!entry || entry.height + MAX_BLOCKTXN_DEPTH < this.chain.height || !this.chain.canServe(entry)) return undefined;
    const raw = await this.chain.getRawBlock(entry);
    if (!raw) return undefined;
    // Kept: a 34-byte request for one transaction of a block synced or gossiped whole (never added
    // here) decoded all of it again each time (~60 ms for 10,000 transactions).
    const block = decodeBlock(raw);
    this.add(id, block);
    return block;
  }
}
