import type { Block, BlockDetail, BlockStats, SignatureBackend } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import { ByteLru } from '../util/byte-lru.js';
import { headerJson, txJson } from './serialize.js';
import { HeavyGate } from './heavy-gate.js';

/** Serialised transactions of recently served blocks; a full block's are about 5.7 MB. */
export const BLOCK_JSON_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A rendered block: its transactions' JSON and its stats', as UTF-8. Kept as text, each answer was a
 * new string of megabytes flattened, measured and encoded again: a cached block of 3.6 MB cost the
 * event loop 50-100 ms per request.
 */
interface Rendered {
  txs: Buffer;
  count: number;
  stats: Buffer;
}

const STATS_LABEL = ',"stats":';
const TXS_LABEL = Buffer.from(',"transactions":');
const CLOSE = Buffer.from('}');

/**
 * A block's stats. A contract transaction's fee is in its receipt, which only a block on the main
 * chain has, so they are told whether it is: a block's stats are kept apart for each of the two.
 */
export type StatsOf = (e: ChainEntry, block: Block, onMainChain: boolean) => Promise<BlockStats>;

/**
 * What the block routes serve, kept once made. Rendering a full block's transactions took over a
 * second and the chain caches only its 32 newest decoded blocks, so a client cycling through
 * older blocks had each one rendered again. A block's transactions never change, so their JSON
 * is kept by block hash and only the parts that move (confirmations, next block) are made per request.
 */
export class BlockViews {
  private readonly rendered: ByteLru<Rendered>;
  /** Per index entry, so bounded by the block index itself. */
  private readonly counts = new WeakMap<ChainEntry, number>();
  /** Counts being read, so requests arriving together for one page read each block once. */
  private readonly counting = new Map<ChainEntry, Promise<number>>();
  /** Renders under way, by block id; each leaves when it settles. */
  private readonly rendering = new Map<string, Promise<Rendered>>();

  constructor(
    private readonly load: (e: ChainEntry) => Promise<Block>,
    private readonly backend: SignatureBackend,
    private readonly statsOf: StatsOf,
    maxBytes = BLOCK_JSON_CACHE_BYTES,
    /**
     * A block's transaction count, read from its stored bytes (see routes/chain.ts): decoding a whole
     * block for it made a page of 100 cold blocks cost 100 full decodes, for every request of it.
     */
    private readonly countOf: (e: ChainEntry) => Promise<number> = async (e) => (await load(e)).txs.length,
    /** Renders take turns with the node's other heavy reads. */
    private readonly gate = new HeavyGate(),
  ) {
    this.rendered = new ByteLru<Rendered>(maxBytes);
  }

  get cachedBytes(): number {
    return this.rendered.bytes;
  }

  async txCount(e: ChainEntry): Promise<number> {
    const n = this.counts.get(e);
    if (n !== undefined) return n;
    let reading = this.counting.get(e);
    if (!reading) {
      reading = this.countOf(e).then((count) => {
        this.counts.set(e, count);
        return count;
      });
      this.counting.set(e, reading);
      const done = () => void this.counting.delete(e);
      reading.then(done, done);
    }
    return reading;
  }

  /**
   * The block as `GET /api/blocks/:id` answers it, as UTF-8 JSON. `beforeRender` runs only when the
   * transactions are neither cached nor being rendered, and may throw to refuse that request alone.
   * Requests for a block being rendered (everyone watching the tip when a block arrives) wait for
   * that render instead of each making their own.
   */
  async detail(
    e: ChainEntry,
    confirmations: number | null,
    nextHash: string | null,
    beforeRender: () => Promise<void> = async () => undefined,
  ): Promise<Buffer> {
    const onMainChain = confirmations !== null;
    const r = this.rendered.get(renderKey(e, onMainChain)) ?? (await this.render(e, onMainChain, beforeRender));
    const head = { ...headerJson(e, confirmations), nextHash, txCount: r.count } satisfies Omit<BlockDetail, 'transactions' | 'stats'>;
    return Buffer.concat([Buffer.from(`${JSON.stringify(head).slice(0, -1)}${STATS_LABEL}`), r.stats, TXS_LABEL, r.txs, CLOSE]);
  }

  private async render(e: ChainEntry, onMainChain: boolean, beforeRender: () => Promise<void>): Promise<Rendered> {
    const key = renderKey(e, onMainChain);
    const joined = this.rendering.get(key);
    if (joined) return joined;
    await beforeRender();
    // Another request may have started it while this one was charged.
    const started = this.rendering.get(key);
    if (started) return started;
    const run = this.gate.run(async () => {
      const block = await this.load(e);
      const count = block.txs.length;
      this.counts.set(e, count);
      const txs = Buffer.from(JSON.stringify(block.txs.map((tx) => txJson(tx, this.backend))));
      const computed = await this.statsOf(e, block, onMainChain);
      const stats = Buffer.from(JSON.stringify(computed));
      // A main-chain block's fees unknown means a receipt not readable yet (the block just
      // connected): served as is, not kept, so the next request reads them.
      if (!(onMainChain && computed.fees === null)) this.rendered.set(key, { txs, count, stats }, txs.length + stats.length);
      return { txs, count, stats };
    });
    this.rendering.set(key, run);
    try {
      return await run;
    } finally {
      this.rendering.delete(key);
    }
  }
}

function renderKey(e: ChainEntry, onMainChain: boolean): string {
  return onMainChain ? e.id : `${e.id}:side`;
}
