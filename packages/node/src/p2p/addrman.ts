import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes, sha256 } from '@hackcoin/core';
import { readJson, writeJson } from './json-file.js';
import { isMultiaddr, isPeerId, multiaddrPeer } from './libp2p.js';
import { groupOf, ipOf } from './netgroup.js';

export type AddrSource = 'bootstrap' | 'px' | 'manual' | 'inbound';

export interface BookEntry {
  peerId: string;
  addrs: string[];
  lastSeen: number;
  lastConnected: number;
  failures: number;
  /** Earliest time for the next dial; grows with failures. */
  retryAt: number;
  source: AddrSource;
  /** Netgroup of the address, and of the peer that told us about it. */
  group: string;
  srcGroup: string;
  tried: boolean;
}

/** Where an address came from: its kind, and for peer exchange the address of the peer that sent it. */
export interface Origin {
  kind: AddrSource;
  from?: string;
}

/** Bitcoin Core's shape at a smaller scale: 256 new buckets and 64 tried buckets of 16 slots each. */
export const ADDRMAN = {
  newBuckets: 256,
  triedBuckets: 64,
  bucketSize: 16,
  /** New buckets one source group can reach; with one address group it is one bucket. */
  newBucketsPerSource: 16,
  triedBucketsPerGroup: 8,
  maxAddrs: 8,
  maxAddrLength: 256,
} as const;

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const STALE_MS = 30 * 24 * 3600_000;

interface Stored {
  key: string;
  entries: BookEntry[];
}

/**
 * The address manager, after Bitcoin Core's addrman. Addresses we only
 * heard of sit in the "new" table, in a bucket chosen by a keyed hash of the
 * netgroup of the peer that told us and of the address's own netgroup, so
 * one source reaches only a few buckets and a flood from it overwrites its
 * own slots, not others'. A slot's occupant is replaced only when it is
 * terrible (failing, stale). Addresses we connected to move to "tried".
 * Selection for outbound dials takes at most one address per netgroup while
 * other groups are available. Everything is bounded by the table sizes.
 */
export class AddrMan {
  private readonly entries = new Map<string, BookEntry>();
  private readonly newSlots: (string | undefined)[] = new Array(ADDRMAN.newBuckets * ADDRMAN.bucketSize);
  private readonly triedSlots: (string | undefined)[] = new Array(ADDRMAN.triedBuckets * ADDRMAN.bucketSize);
  private readonly key: Uint8Array;
  private dirty = false;

  constructor(
    private readonly path: string | undefined,
    private readonly self: string,
    private readonly now: () => number = Date.now,
  ) {
    const stored = path ? readJson<Stored | undefined>(path, undefined) : undefined;
    this.key = stored && typeof stored.key === 'string' && stored.key.length === 64 ? hexToBytes(stored.key) : randomBytes(32);
    for (const e of Array.isArray(stored?.entries) ? stored.entries : []) this.restore(e);
  }

  get size(): number {
    return this.entries.size;
  }

  get(peerId: string): BookEntry | undefined {
    return this.entries.get(peerId);
  }

  /** Adds or refreshes an address; returns true when it is new to the table. Invalid ids and addresses are dropped. */
  add(peerId: string, addrs: string[], origin: Origin): boolean {
    if (peerId === this.self || !isPeerId(peerId)) return false;
    const valid = validAddrs(peerId, addrs);
    if (valid.length === 0) return false;
    const e = this.entries.get(peerId);
    if (e) {
      e.lastSeen = this.now();
      // Only the peer itself (or the operator) may change where it is: a third party could redirect dials.
      if (origin.kind !== 'px') e.addrs = [...new Set([...valid, ...e.addrs])].slice(0, ADDRMAN.maxAddrs);
      this.dirty = true;
      return false;
    }
    const group = groupOf(valid[0]!);
    const entry: BookEntry = {
      peerId,
      addrs: valid,
      lastSeen: this.now(),
      lastConnected: 0,
      failures: 0,
      retryAt: 0,
      source: origin.kind,
      group,
      srcGroup: origin.from !== undefined ? groupOf(origin.from) : group,
      tried: false,
    };
    if (!this.placeNew(entry)) return false;
    this.dirty = true;
    return true;
  }

  markConnected(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.lastConnected = this.now();
    e.failures = 0;
    e.retryAt = 0;
    if (!e.tried) this.promote(e);
    this.dirty = true;
  }

  /** Exponential backoff with jitter; the entry goes after many straight failures. */
  markFailed(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(e.failures, 20));
    e.retryAt = this.now() + delay * (0.75 + Math.random() * 0.5);
    if (e.failures > 12 && e.source !== 'bootstrap') this.remove(peerId);
    this.dirty = true;
  }

  /** Also resets the backoff so a dropped peer is retried soon. */
  markDisconnected(peerId: string): void {
    const e = this.entries.get(peerId);
    if (e) e.retryAt = this.now() + BASE_BACKOFF_MS * (1 + Math.random());
  }

  remove(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    this.clearSlot(e);
    this.entries.delete(peerId);
    this.dirty = true;
  }

  /** Removes every address on an IP (an address ban). */
  removeIp(ip: string): void {
    for (const e of [...this.entries.values()]) if (e.addrs.some((a) => ipOf(a) === ip)) this.remove(e.peerId);
  }

  /**
   * Dial candidates: tried and new addresses in random order (tried ones
   * favoured, failing ones less likely), at most one per netgroup not in
   * `busyGroups`; only when no such group is left, others.
   */
  candidates(exclude: (peerId: string) => boolean, limit: number, busyGroups: ReadonlySet<string> = new Set()): BookEntry[] {
    const t = this.now();
    const eligible = [...this.entries.values()]
      .filter((e) => e.retryAt <= t && !exclude(e.peerId))
      .map((e) => ({ e, w: (Math.random() * (e.tried ? 1.5 : 1)) / (1 + e.failures) }))
      .sort((a, b) => b.w - a.w)
      .map((x) => x.e);
    const groups = new Set(busyGroups);
    const out: BookEntry[] = [];
    for (const e of eligible) {
      if (out.length >= limit) return out;
      if (groups.has(e.group)) continue;
      groups.add(e.group);
      out.push(e);
    }
    if (out.length > 0 || busyGroups.size > 0) return out;
    return eligible.slice(0, limit);
  }

  /** What we tell others in peer exchange: recently reachable peers, shuffled. */
  sample(limit: number): BookEntry[] {
    const recent = [...this.entries.values()].filter((e) => e.failures === 0 && e.lastConnected > this.now() - 3 * 3600_000);
    for (let i = recent.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [recent[i], recent[j]] = [recent[j]!, recent[i]!];
    }
    return recent.slice(0, limit);
  }

  save(force = false): void {
    if (!this.path || (!this.dirty && !force)) return;
    const stored: Stored = { key: bytesToHex(this.key), entries: [...this.entries.values()] };
    writeJson(this.path, stored);
    this.dirty = false;
  }

  private restore(raw: BookEntry): void {
    if (typeof raw?.peerId !== 'string' || !Array.isArray(raw.addrs)) return;
    const valid = validAddrs(raw.peerId, raw.addrs.filter((a): a is string => typeof a === 'string'));
    if (valid.length === 0 || raw.peerId === this.self || !isPeerId(raw.peerId)) return;
    const group = groupOf(valid[0]!);
    const e: BookEntry = {
      peerId: raw.peerId,
      addrs: valid,
      lastSeen: Number(raw.lastSeen) || 0,
      lastConnected: Number(raw.lastConnected) || 0,
      failures: Math.min(Number(raw.failures) || 0, 3),
      retryAt: 0,
      source: raw.source,
      group,
      srcGroup: typeof raw.srcGroup === 'string' ? raw.srcGroup : group,
      tried: false,
    };
    if (raw.tried) this.promote(e);
    else this.placeNew(e);
  }

  private hash(...parts: (string | number)[]): number {
    const data = new TextEncoder().encode(parts.join('|'));
    const buf = new Uint8Array(this.key.length + data.length);
    buf.set(this.key);
    buf.set(data, this.key.length);
    const h = sha256(buf);
    return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  }

  private newSlot(e: BookEntry): number {
    const bucket = this.hash('new', e.srcGroup, this.hash('new1', e.group, e.srcGroup) % ADDRMAN.newBucketsPerSource) % ADDRMAN.newBuckets;
    return bucket * ADDRMAN.bucketSize + (this.hash('newpos', bucket, e.peerId) % ADDRMAN.bucketSize);
  }

  private triedSlot(e: BookEntry): number {
    const bucket = this.hash('tried', e.group, this.hash('tried1', e.peerId) % ADDRMAN.triedBucketsPerGroup) % ADDRMAN.triedBuckets;
    return bucket * ADDRMAN.bucketSize + (this.hash('triedpos', bucket, e.peerId) % ADDRMAN.bucketSize);
  }

  /** Puts an entry in its new slot, unless a good address holds it. */
  private placeNew(e: BookEntry): boolean {
    const slot = this.newSlot(e);
    const occupant = this.newSlots[slot];
    if (occupant !== undefined && occupant !== e.peerId) {
      const o = this.entries.get(occupant);
      if (o && !this.terrible(o)) return false;
      this.entries.delete(occupant);
    }
    e.tried = false;
    this.newSlots[slot] = e.peerId;
    this.entries.set(e.peerId, e);
    return true;
  }

  /** Moves an entry to tried; the tried slot's previous occupant goes back to new (Core's eviction). */
  private promote(e: BookEntry): void {
    if (this.entries.get(e.peerId) === e) this.clearSlot(e);
    const slot = this.triedSlot(e);
    const occupant = this.triedSlots[slot];
    this.triedSlots[slot] = e.peerId;
    e.tried = true;
    this.entries.set(e.peerId, e);
    if (occupant !== undefined && occupant !== e.peerId) {
      const o = this.entries.get(occupant);
      this.entries.delete(occupant);
      if (o) this.placeNew(o);
    }
  }

  private clearSlot(e: BookEntry): void {
    const slots = e.tried ? this.triedSlots : this.newSlots;
    const slot = e.tried ? this.triedSlot(e) : this.newSlot(e);
    if (slots[slot] === e.peerId) slots[slot] = undefined;
  }

  /** Core's IsTerrible: never reached after several tries, or not heard of for a month. */
  private terrible(e: BookEntry): boolean {
    if (e.source === 'bootstrap' || e.source === 'manual') return false;
    if (e.lastConnected === 0 && e.failures >= 3) return true;
    return this.now() - e.lastSeen > STALE_MS;
  }
}

/** Multiaddrs with an IP or DNS name and TCP, whose /p2p component (if any) is this peer. */
function validAddrs(peerId: string, addrs: string[]): string[] {
  const out: string[] = [];
  for (const a of addrs.slice(0, ADDRMAN.maxAddrs * 2)) {
    if (a.length > ADDRMAN.maxAddrLength || !isMultiaddr(a) || ipOf(a) === undefined || !/\/tcp\/\d+/.test(a)) continue;
    const p = multiaddrPeer(a);
    if (p !== undefined && p !== peerId) continue;
    out.push(a);
    if (out.length >= ADDRMAN.maxAddrs) break;
  }
  return [...new Set(out)];
}
