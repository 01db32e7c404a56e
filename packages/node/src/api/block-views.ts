import type { Block, BlockDetail, BlockStats, SignatureBackend } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import { ByteLru } from '../util/byte-lru.js';
import { headerJson, txJson } from './serialize.js';
import { HeavyGate, SharedInterest } from './heavy-gate.js';

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
  private readonly counting = new Map<ChainEntry, Shared<number>>();
  /** Renders under way, by block id; each leaves when it settles. */
  private readonly rendering = new Map<string, Shared<Rendered>>();

  constructor(
    private readonly load: (e: ChainEntry) => Promise<Block>,
    private readonly backend: SignatureBackend,
    private readonly statsOf: StatsOf,
    maxBytes = BLOCK_JSON_CACHE_BYTES,
    /**
     * A block's transaction count, read from its stored bytes (see routes/chain.ts): decoding a whole
     * block for it made a page of 100 cold blocks cost 100 full decodes, for every request of it.
     * It is dropped unread once `gone` aborts (see HeavyGate.run).
     */
    private readonly countOf: (e: ChainEntry, gone: AbortSignal) => Promise<number> = async (e) => (await load(e)).txs.length,
    /** Renders take turns with the node's other heavy reads. */
    private readonly gate = new HeavyGate(),
  ) {
    this.rendered = new ByteLru<Rendered>(maxBytes);
  }

  get cachedBytes(): number {
    return this.rendered.bytes;
  }

  /** `gone` aborts once the client asking has gone: a count nobody still asking for waits for is not read. */
  async txCount(e: ChainEntry, gone?: AbortSignal): Promise<number> {
    const n = this.counts.get(e);
    if (n !== undefined) return n;
    const reading = this.counting.get(e);
    if (reading) return joinShared(reading, gone);
    const started = startShared(gone, (signal) =>
      this.countOf(e, signal).then((count) => {
        this.counts.set(e, count);
        return count;
      }),
    );
    this.counting.set(e, started);
    const done = () => void this.counting.delete(e);
    started.work.then(done, done);
    return started.work;
  }

  /**
   * The block as `GET /api/blocks/:id` answers it, as UTF-8 JSON. `beforeRender` runs only when the
   * transactions are neither cached nor being rendered, and may throw to refuse that request alone.
   * Requests for a block being rendered (everyone watching the tip when a block arrives) wait for
   * that render instead of each making their own; it is dropped while it waits for the gate only once
   * `gone` of every one of them has aborted.
   */
  async detail(
    e: ChainEntry,
    confirmations: number | null,
    nextHash: string | null,
    beforeRender: () => Promise<void> = async () => undefined,
    gone?: AbortSignal,
  ): Promise<Buffer> {
    const onMainChain = confirmations !== null;
    const r = this.rendered.get(renderKey(e, onMainChain)) ?? (await this.render(e, onMainChain, beforeRender, gone));
    const head = { ...headerJson(e, confirmations), nextHash, txCount: r.count } satisfies Omit<BlockDetail, 'transactions' | 'stats'>;
    return Buffer.concat([Buffer.from(`${JSON.stringify(head).slice(0, -1)}${STATS_LABEL}`), r.stats, TXS_LABEL, r.txs, CLOSE]);
  }

  private async render(e: ChainEntry, onMainChain: boolean, beforeRender: () => Promise<void>, gone: AbortSignal | undefined): Promise<Rendered> {
    const key = renderKey(e, onMainChain);
    const joined = this.rendering.get(key);
    if (joined) return joinShared(joined, gone);
    await beforeRender();
    // Another request may have started it while this one was charged.
    const started = this.rendering.get(key);
    if (started) return joinShared(started, gone);
    const shared = startShared(gone, (signal) => this.gate.run(async () => {
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
    }, signal));
    this.rendering.set(key, shared);
    try {
      return await shared.work;
    } finally {
      this.rendering.delete(key);
    }
  }
}

/** Work under way for several requests, and whether any of them still waits for it. */
interface Shared<T> {
  work: Promise<T>;
  interest: SharedInterest;
}

/** Starts work for the request whose client `gone` follows; others join it with joinShared. */
function startShared<T>(gone: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Shared<T> {
  const interest = new SharedInterest();
  interest.join(gone);
  const work = start(interest.signal);
  const settled = () => interest.settled();
  work.then(settled, settled);
  return { work, interest };
}

function joinShared<T>(shared: Shared<T>, gone: AbortSignal | undefined): Promise<T> {
  shared.interest.join(gone);
  return shared.work;
}

function renderKey(e: ChainEntry, onMainChain: boolean): string {
  return onMainChain ? e.id : `${e.id}:side`;
}
