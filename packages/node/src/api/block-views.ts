import type { Block, BlockDetail, SignatureBackend } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import { ByteLru } from '../util/byte-lru.js';
import { headerJson, txJson } from './serialize.js';

/** Serialised transactions of recently served blocks; a full block's are about 5.7 MB. */
export const BLOCK_JSON_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * What the block routes serve, kept once made. Rendering a full block's transactions took over a
 * second and the chain caches only its 32 newest decoded blocks, so a client cycling through
 * older blocks had each one rendered again. A block's transactions never change, so their JSON
 * is kept by block hash and only the parts that move (confirmations, next block) are made per request.
 */
export class BlockViews {
  private readonly txs: ByteLru<string>;
  /** Per index entry, so bounded by the block index itself. */
  private readonly counts = new WeakMap<ChainEntry, number>();
  /** Renders under way, by block id; each leaves when it settles. */
  private readonly rendering = new Map<string, Promise<{ txs: string; count: number }>>();

  constructor(
    private readonly load: (e: ChainEntry) => Promise<Block>,
    private readonly backend: SignatureBackend,
    maxBytes = BLOCK_JSON_CACHE_BYTES,
  ) {
    this.txs = new ByteLru<string>(maxBytes);
  }

  get cachedBytes(): number {
    return this.txs.bytes;
  }

  async txCount(e: ChainEntry): Promise<number> {
    let n = this.counts.get(e);
    if (n === undefined) {
      n = (await this.load(e)).txs.length;
      this.counts.set(e, n);
    }
    return n;
  }

  /**
   * The block as `GET /api/blocks/:id` answers it, as JSON text. `beforeRender` runs only when the
   * transactions are neither cached nor being rendered, and may throw to refuse that request alone.
   * Requests for a block being rendered (everyone watching the tip when a block arrives) wait for
   * that render instead of each making their own.
   */
  async detail(
    e: ChainEntry,
    confirmations: number | null,
    nextHash: string | null,
    beforeRender: () => Promise<void> = async () => undefined,
  ): Promise<string> {
    let txs = this.txs.get(e.id);
    let count = this.counts.get(e);
    if (txs === undefined || count === undefined) ({ txs, count } = await this.render(e, beforeRender));
    const head = { ...headerJson(e, confirmations), nextHash, txCount: count } satisfies Omit<BlockDetail, 'transactions'>;
    return `${JSON.stringify(head).slice(0, -1)},"transactions":${txs}}`;
  }

  private async render(e: ChainEntry, beforeRender: () => Promise<void>): Promise<{ txs: string; count: number }> {
    const joined = this.rendering.get(e.id);
    if (joined) return joined;
    await beforeRender();
    // Another request may have started it while this one was charged.
    const started = this.rendering.get(e.id);
    if (started) return started;
    const run = (async () => {
      const block = await this.load(e);
      const count = block.txs.length;
      this.counts.set(e, count);
      const txs = JSON.stringify(block.txs.map((tx) => txJson(tx, this.backend)));
      this.txs.set(e.id, txs, txs.length);
      return { txs, count };
    })();
    this.rendering.set(e.id, run);
    try {
      return await run;
    } finally {
      this.rendering.delete(e.id);
    }
  }
}
