import { readJson, writeJson } from './json-file.js';

export interface BookEntry {
  peerId: string;
  addrs: string[];
  lastSeen: number;
  lastConnected: number;
  failures: number;
  /** Earliest time for the next dial; grows with failures. */
  retryAt: number;
  source: 'bootstrap' | 'px' | 'manual' | 'inbound';
}

const MAX_ENTRIES = 1_000;
const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Peers we have heard of, with dial backoff, persisted so a node rejoins the
 * network after a restart even when its bootstrap node is gone.
 */
export class AddressBook {
  private readonly entries = new Map<string, BookEntry>();
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly self: string,
  ) {
    for (const e of readJson<BookEntry[]>(path, [])) {
      if (e.peerId !== self && Array.isArray(e.addrs)) this.entries.set(e.peerId, { ...e, retryAt: 0, failures: Math.min(e.failures, 3) });
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(peerId: string): BookEntry | undefined {
    return this.entries.get(peerId);
  }

  add(peerId: string, addrs: string[], source: BookEntry['source']): void {
    if (peerId === this.self || addrs.length === 0) return;
    const e = this.entries.get(peerId);
    if (e) {
      e.addrs = [...new Set([...addrs, ...e.addrs])].slice(0, 8);
      e.lastSeen = Date.now();
    } else {
      if (this.entries.size >= MAX_ENTRIES) this.evict();
      this.entries.set(peerId, { peerId, addrs: addrs.slice(0, 8), lastSeen: Date.now(), lastConnected: 0, failures: 0, retryAt: 0, source });
    }
    this.dirty = true;
  }

  markConnected(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.lastConnected = Date.now();
    e.failures = 0;
    e.retryAt = 0;
    this.dirty = true;
  }

  /** Exponential backoff with jitter; the entry goes after many straight failures. */
  markFailed(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(e.failures, 20));
    e.retryAt = Date.now() + delay * (0.75 + Math.random() * 0.5);
    if (e.failures > 12 && e.source !== 'bootstrap') this.entries.delete(peerId);
    this.dirty = true;
  }

  /** Also resets the backoff so a dropped peer is retried soon. */
  markDisconnected(peerId: string): void {
    const e = this.entries.get(peerId);
    if (e) e.retryAt = Date.now() + BASE_BACKOFF_MS * (1 + Math.random());
  }

  remove(peerId: string): void {
    if (this.entries.delete(peerId)) this.dirty = true;
  }

  /** Dial candidates, best first: previously reachable, fewest failures. */
  candidates(exclude: (peerId: string) => boolean, limit: number): BookEntry[] {
    const now = Date.now();
    return [...this.entries.values()]
      .filter((e) => e.retryAt <= now && !exclude(e.peerId))
      .sort((a, b) => a.failures - b.failures || b.lastConnected - a.lastConnected || Math.random() - 0.5)
      .slice(0, limit);
  }

  /** What we tell others in peer exchange: recently reachable peers, shuffled. */
  sample(limit: number): BookEntry[] {
    const recent = [...this.entries.values()].filter((e) => e.failures === 0 && e.lastConnected > Date.now() - 3 * 3600_000);
    for (let i = recent.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [recent[i], recent[j]] = [recent[j]!, recent[i]!];
    }
    return recent.slice(0, limit);
  }

  save(force = false): void {
    if (!this.dirty && !force) return;
    writeJson(this.path, [...this.entries.values()]);
    this.dirty = false;
  }

  private evict(): void {
    let worst: BookEntry | undefined;
    for (const e of this.entries.values()) if (!worst || e.failures > worst.failures || e.lastSeen < worst.lastSeen) worst = e;
    if (worst) this.entries.delete(worst.peerId);
  }
}
