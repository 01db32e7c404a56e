import { decodeBlock, hashToHex, type Block } from '@hackcoin/core';
import type { Chain } from '../../chain/chain.js';

/**
 * Blocks peers may ask transactions of: the last few we announced or rebuilt,
 * kept decoded (a getblocktxn arrives within milliseconds of the announcement),
 * else read back from the chain's store.
 */
export class RecentBlocks {
  private readonly map = new Map<string, Block>();

  constructor(
    private readonly chain: Pick<Chain, 'getEntry' | 'getRawBlock'>,
    private readonly capacity = 16,
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
    if (!entry) return undefined;
    const raw = await this.chain.getRawBlock(entry);
    return raw ? decodeBlock(raw) : undefined;
  }
}
