import { STORAGE_LIST_CAP } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import { ByteLru } from '../util/byte-lru.js';
import { leadingWithin } from './newest-within.js';
import { HeavyGate } from './heavy-gate.js';

/**
 * JSON of one answer's storage entries; the first entry always goes out. A slot holds up to 64 KiB,
 * and 2,500 slots of 4 KB made 10 MB answers when pages were bounded by count alone.
 */
export const STORAGE_PAGE_MAX_BYTES = 256 * 1024;
/** Storage pages kept, each for the tip it was read at. */
const STORAGE_PAGE_CACHE_BYTES = 16 * 1024 * 1024;
/** Counts kept, each for the tip it was read at. */
const COUNT_CACHE_BYTES = 1024 * 1024;
/** Heap a cached count is taken to hold: its key and the map's overhead. */
const COUNT_BYTES = 256;
const ENTRY_OVERHEAD = 96;

export interface StoragePage {
  /** The entries as the inside of a JSON object, `"key":value,…`, in key byte order. */
  json: string;
  /** The page's last key when the listing goes on past it. */
  next: string | null;
}

/**
 * Contract storage as the contract routes show it: counts up to STORAGE_LIST_CAP and pages within
 * STORAGE_PAGE_MAX_BYTES. Storage changes only with blocks, so each is kept for the tip it was read
 * at, and every client reading a contract between two blocks costs one read.
 */
export class StorageViews {
  private readonly pages = new ByteLru<StoragePage>(STORAGE_PAGE_CACHE_BYTES);
  private readonly counted = new ByteLru<number>(COUNT_CACHE_BYTES);

  constructor(
    private readonly chain: Pick<Chain, 'tip' | 'contracts'>,
    /** Disk reads of pages take turns with the node's other heavy reads. */
    private readonly gate = new HeavyGate(),
  ) {}

  /** Storage entries of each contract (address keys), counted up to STORAGE_LIST_CAP. */
  async counts(addresses: readonly string[]): Promise<number[]> {
    const tip = this.chain.tip;
    return Promise.all(
      addresses.map(async (address) => {
        const id = `${tip.id}:${address}`;
        const hit = this.counted.get(id);
        if (hit !== undefined) return hit;
        const n = await this.chain.contracts.storageCount(address, STORAGE_LIST_CAP);
        // Read across a new block it may hold either block's count: served, not kept.
        if (this.chain.tip === tip) this.counted.set(id, n, COUNT_BYTES);
        return n;
      }),
    );
  }

  /**
   * Up to `limit` storage entries of a contract after the key `from` (from its first key without
   * one), in key byte order. `beforeRead` runs only when the page is not cached, and may throw to
   * refuse the request; a read still waiting for the gate is dropped once `gone` aborts.
   */
  async page(address: string, from: string | undefined, limit: number, beforeRead: () => Promise<void>, gone?: AbortSignal): Promise<StoragePage> {
    if (limit === 0) return { json: '', next: null };
    const tip = this.chain.tip;
    const id = `${tip.id}:${address}:${limit}:${from ?? ''}`;
    const hit = this.pages.get(id);
    if (hit) return hit;
    await beforeRead();
    const page = await this.read(address, from, limit, gone);
    if (this.chain.tip === tip) this.pages.set(id, page, 2 * (id.length + page.json.length + (page.next?.length ?? 0)) + ENTRY_OVERHEAD);
    return page;
  }

  private async read(address: string, from: string | undefined, limit: number, gone: AbortSignal | undefined): Promise<StoragePage> {
    // Read within the page's bytes (stored bytes are close to the JSON's), so only about a page is read
    // and decoded whatever `limit`; the JSON is then cut to the exact budget.
    const { entries, more } = await this.gate.run(() => this.chain.contracts.storagePage(address, limit, from, STORAGE_PAGE_MAX_BYTES), gone);
    const pieces = leadingWithin(entries, ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(JSON.parse(v))}`, STORAGE_PAGE_MAX_BYTES);
    return { json: pieces.join(','), next: more || pieces.length < entries.length ? entries[pieces.length - 1]![0] : null };
  }
}
