import { randomBytes } from 'node:crypto';
import { bytesToHex, hexToBytes, sha256 } from '@hackcoin/core';
import { readJson, writeJsonAsync } from './json-file.js';
import { isMultiaddr, isPeerId, multiaddrPeer } from './libp2p.js';
import { canonicalAddr, canonicalIp, canonicalIpOf, groupOf, ipOf, isDnsAddr, isRoutable } from './netgroup.js';

export type AddrSource = 'bootstrap' | 'px' | 'manual' | 'inbound';
const SOURCES: readonly AddrSource[] = ['bootstrap', 'px', 'manual', 'inbound'];

export interface BookEntry {
  peerId: string;
  addrs: string[];
  lastSeen: number;
  lastConnected: number;
  /** Our last dial of it, answered or not (Core's m_last_try). */
  lastTry: number;
  failures: number;
  /** Earliest time for the next dial; grows with failures. */
  retryAt: number;
  source: AddrSource;
  /** Netgroup of the first address (the one we last reached the peer on, if any), and of the peer that told us about it. */
  group: string;
  srcGroup: string;
  tried: boolean;
}

/**
 * Where an address came from: its kind, and the address of the peer that
 * sent it (its exchange answer, or its own status). Without `from`, a
 * 'manual' or 'bootstrap' address is the operator's; a 'px' or 'inbound'
 * one is from an unknown, so untrusted, source.
 */
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
/** Core's IsTerrible: an address never reached after this many tries of each of its addresses is dropped. */
const NEVER_REACHED_TRIES = 3;
/**
 * Addresses one peer-exchange record may give an entry: a first claim of a
 * peer id cannot take every slot, so the peer's true addresses, named by
 * others, still fit beside it until the entry is reached.
 */
const PX_ADDRS_PER_CLAIM = ADDRMAN.maxAddrs / 2;
/** Core's AddSingle refreshes an address's time only when it moved by this much: a status every few minutes rewrites nothing. */
const LAST_SEEN_GRANULARITY_MS = 3600_000;
/** How recently an entry must have been reached, or have announced itself, to be passed on in peer exchange. */
const SHARE_WITHIN_MS = 3 * 3600_000;
const MAX_FAILURES = 12;
/** Core's ADDRMAN_SET_TRIED_COLLISION_SIZE: addresses waiting for a tried slot whose occupant is being tested. */
export const MAX_TRIED_COLLISIONS = 10;
/** Core's ADDRMAN_TEST_WINDOW: a collision whose occupant was never tested in this time evicts it. */
const TEST_WINDOW_MS = 40 * 60_000;
/** Core's ADDRMAN_REPLACEMENT: a tried entry reached within this time is never evicted. */
const REPLACEMENT_MS = 4 * 3600_000;
/** How long a test dial of an occupant may take before it counts as unanswered. */
const TEST_GRACE_MS = 60_000;

export interface AddrManOptions {
  /** The bucket key; a random one when absent (tests fix it so slots do not vary between runs). */
  key?: Uint8Array;
  /** How long a tried-table collision waits for its occupant to be tested before evicting it. */
  testWindowMs?: number;
}

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
  /** Entries (peer id) waiting for a tried slot, with when the collision was recorded. */
  private readonly collisions = new Map<string, number>();
  private readonly testWindowMs: number;
  private dirty = false;
  /** The write under way, so two never share the temp file. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string | undefined,
    private readonly self: string,
    private readonly now: () => number = Date.now,
    opts: AddrManOptions = {},
  ) {
    const stored = path ? readJson<Stored | undefined>(path, undefined) : undefined;
    this.testWindowMs = opts.testWindowMs ?? TEST_WINDOW_MS;
    // A damaged file must not stop the node: a key that is not 64 hex digits is replaced (the buckets are re-drawn).
    this.key = opts.key ?? (typeof stored?.key === 'string' && /^[0-9a-f]{64}$/i.test(stored.key) ? hexToBytes(stored.key) : randomBytes(32));
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
    const fromPeer = origin.from !== undefined || origin.kind === 'px' || origin.kind === 'inbound';
    const all = validAddrs(peerId, addrs, { names: !fromPeer, publicOnly: fromPublicPeer(origin) });
    const valid = origin.kind === 'px' ? all.slice(0, PX_ADDRS_PER_CLAIM) : all;
    if (valid.length === 0) return false;
    const e = this.entries.get(peerId);
    if (e) {
      this.refresh(e, valid, origin);
      return false;
    }
    const group = groupOf(valid[0]!);
    const entry: BookEntry = {
      peerId,
      addrs: valid,
      lastSeen: this.now(),
      lastConnected: 0,
      lastTry: 0,
      failures: 0,
      retryAt: 0,
      source: origin.kind,
      group,
      // A peer's claim with no known source shares one source group, so such claims together reach only 16 new buckets.
      srcGroup: origin.from !== undefined ? groupOf(origin.from) : origin.kind === 'px' || origin.kind === 'inbound' ? 'unknown' : group,
      tried: false,
    };
    if (!this.placeNew(entry)) return false;
    this.dirty = true;
    return true;
  }

  /**
   * A known entry named again. The first address, which the entry's netgroup
   * and slot come from, stays first. The peer itself (or the operator) may
   * add addresses at any time; a third party only to an entry that only
   * third parties told us of and that was never reached, and only after the
   * ones there: it cannot redirect a peer we reached or that spoke for itself,
   * and whoever named a peer id first with a bogus address cannot keep its
   * true addresses out (each is dialled in turn, one per failure).
   */
  private refresh(e: BookEntry, valid: string[], origin: Origin): void {
    const t = this.now();
    if (t - e.lastSeen >= LAST_SEEN_GRANULARITY_MS) {
      e.lastSeen = t;
      this.dirty = true;
    }
    if (origin.kind === 'px' && (e.source !== 'px' || e.lastConnected > 0)) return;
    const addrs = origin.kind === 'px' ? [...new Set([...e.addrs, ...valid])] : [...new Set([e.addrs[0]!, ...valid, ...e.addrs])];
    const next = addrs.slice(0, ADDRMAN.maxAddrs);
    if (next.length === e.addrs.length && next.every((a, i) => a === e.addrs[i])) return;
    e.addrs = next;
    this.dirty = true;
  }

  /**
   * The address a dial reached the peer on becomes its first: the entry's
   * netgroup is that address's, and the entry is re-bucketed when it changes
   * (it goes back to new; the handshake's markConnected moves it to tried).
   */
  useAddress(peerId: string, address: string): void {
    const e = this.entries.get(peerId);
    const addr = canonicalAddr(address);
    if (!e || addr === undefined || !e.addrs.includes(addr) || e.addrs[0] === addr) return;
    const addrs = [addr, ...e.addrs.filter((a) => a !== addr)];
    const group = groupOf(addr);
    if (group === e.group) {
      e.addrs = addrs;
      return;
    }
    const wasTried = e.tried;
    this.clearSlot(e);
    this.entries.delete(peerId);
    e.addrs = addrs;
    e.group = group;
    // Just reached there, so it is kept: in its new slot whoever holds it, and a tried entry asks for its
    // tried slot under the new group as any newly reached entry does (test-before-evict).
    this.placeNew(e, true);
    if (wasTried) this.makeTried(e);
    this.dirty = true;
  }

  markConnected(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.lastConnected = this.now();
    e.failures = 0;
    e.retryAt = 0;
    if (!e.tried) this.makeTried(e);
    this.dirty = true;
  }

  /** A dial of the entry starts (Core's Attempt): a test of a tried slot's occupant counts from here. */
  markAttempt(peerId: string): void {
    const e = this.entries.get(peerId);
    if (e) e.lastTry = this.now();
  }

  /** Entries waiting for a tried slot whose occupant is being tested. */
  get triedCollisions(): number {
    return this.collisions.size;
  }

  /**
   * Core's ResolveCollisions: a waiting entry takes its tried slot when it
   * is free, or when the occupant, not reached for 4 hours, failed a dial
   * made over a minute ago, or was not tested within the test window; an
   * occupant reached within 4 hours stays and the waiting entry stays new.
   */
  resolveCollisions(): void {
    const t = this.now();
    for (const [id, since] of [...this.collisions]) {
      const e = this.entries.get(id);
      if (!e || e.tried) {
        this.collisions.delete(id);
        continue;
      }
      const verdict = this.collisionVerdict(e, since, t);
      if (verdict === 'wait') continue;
      this.collisions.delete(id);
      if (verdict === 'evict') {
        this.promote(e);
        this.dirty = true;
      }
    }
  }

  private collisionVerdict(e: BookEntry, since: number, t: number): 'evict' | 'keep' | 'wait' {
    const occupant = this.triedSlots[this.triedSlot(e)];
    const old = occupant === undefined ? undefined : this.entries.get(occupant);
    if (!old) return 'evict';
    if (t - old.lastConnected < REPLACEMENT_MS) return 'keep';
    // Dialled lately and not reached since: the dial failed (or is still under way, within the grace).
    if (t - old.lastTry < REPLACEMENT_MS) return t - old.lastTry > TEST_GRACE_MS ? 'evict' : 'wait';
    return t - since > this.testWindowMs ? 'evict' : 'wait';
  }

  /**
   * Core's SelectTriedCollision: the tried entry a waiting one would evict,
   * for a test dial (a feeler); only occupants not dialled since the
   * collision was recorded, oldest collision first.
   */
  selectTriedCollision(): BookEntry | undefined {
    for (const [id, since] of this.collisions) {
      const e = this.entries.get(id);
      const occupant = e && !e.tried ? this.triedSlots[this.triedSlot(e)] : undefined;
      const old = occupant === undefined ? undefined : this.entries.get(occupant);
      if (old && old.lastTry < since) return old;
    }
    return undefined;
  }

  /**
   * Exponential backoff with jitter; the next dial tries the next address.
   * An entry never reached goes after 3 failures of each of its addresses
   * (Core's IsTerrible, as terrible() counts them), one reached before after
   * 12; the operator's stay.
   */
  markFailed(peerId: string): void {
    const e = this.entries.get(peerId);
    if (!e) return;
    e.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(e.failures, 20));
    e.retryAt = this.now() + delay * (0.75 + Math.random() * 0.5);
    const limit = e.lastConnected === 0 ? NEVER_REACHED_TRIES * e.addrs.length : MAX_FAILURES;
    if (e.failures >= limit && e.source !== 'bootstrap' && e.source !== 'manual') this.remove(peerId);
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
    const key = canonicalIp(ip);
    for (const e of [...this.entries.values()]) if (e.addrs.some((a) => canonicalIpOf(a) === key)) this.remove(e.peerId);
  }

  /**
   * Dial candidates: tried and new addresses in random order (tried ones
   * favoured, failing ones less likely), at most one per netgroup not in
   * `busyGroups`; only when no such group is left, others. The netgroup is
   * that of the address the next dial will use (dialAddress). `exclude`
   * (which may be costly: a discouraged-IP check of every address) is asked
   * only of entries about to be picked, not of the whole book each round.
   */
  candidates(exclude: (peerId: string) => boolean, limit: number, busyGroups: ReadonlySet<string> = new Set()): BookEntry[] {
    const t = this.now();
    const eligible = [...this.entries.values()]
      .filter((e) => e.retryAt <= t)
      .map((e) => ({ e, w: (Math.random() * (e.tried ? 1.5 : 1)) / (1 + e.failures) }))
      .sort((a, b) => b.w - a.w)
      .map((x) => x.e);
    const groups = new Set(busyGroups);
    const out: BookEntry[] = [];
    for (const e of eligible) {
      if (out.length >= limit) break;
      const addr = dialAddress(e);
      const group = addr === e.addrs[0] ? e.group : groupOf(addr);
      if (groups.has(group) || exclude(e.peerId)) continue;
      groups.add(group);
      out.push(e);
    }
    return out;
  }

  /**
   * What we tell others in peer exchange (Core's GetAddr), shuffled: peers
   * reached within 3 hours, and peers that announced themselves to us (their
   * own status) within that time, neither failing since. Connected inbound
   * peers are there as much as outbound ones, so the answer does not single
   * out the peers we chose.
   */
  sample(limit: number): BookEntry[] {
    const since = this.now() - SHARE_WITHIN_MS;
    const announced = (e: BookEntry) => e.source === 'inbound' && e.lastSeen > since;
    const recent = [...this.entries.values()].filter((e) => e.failures === 0 && (e.lastConnected > since || announced(e)));
    for (let i = recent.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [recent[i], recent[j]] = [recent[j]!, recent[i]!];
    }
    return recent.slice(0, limit);
  }

  /**
   * Writes the book off the event loop's thread (thousands of entries were
   * one blocking write); writes run one after another, so two never share
   * the temp file. The entries are copied now, as they change meanwhile.
   */
  save(force = false): Promise<void> {
    const path = this.path;
    if (!path || (!this.dirty && !force)) return this.writing;
    const stored: Stored = { key: bytesToHex(this.key), entries: [...this.entries.values()].map((e) => ({ ...e, addrs: [...e.addrs] })) };
    this.dirty = false;
    this.writing = this.writing
      .then(() => writeJsonAsync(path, stored))
      .catch(() => {
        // Written again at the next change or at stop; a full disk must not stop the node.
        this.dirty = true;
      });
    return this.writing;
  }

  private restore(raw: BookEntry): void {
    if (typeof raw?.peerId !== 'string' || !Array.isArray(raw.addrs)) return;
    // The file is our own, but may predate the source checks: names stay only for the operator's entries.
    const source: AddrSource = SOURCES.includes(raw.source) ? raw.source : 'px';
    const operator = source === 'bootstrap' || source === 'manual';
    const valid = validAddrs(raw.peerId, raw.addrs.filter((a): a is string => typeof a === 'string'), { names: operator, publicOnly: false });
    if (valid.length === 0 || raw.peerId === this.self || !isPeerId(raw.peerId)) return;
    const group = groupOf(valid[0]!);
    const e: BookEntry = {
      peerId: raw.peerId,
      addrs: valid,
      lastSeen: Number(raw.lastSeen) || 0,
      lastConnected: Number(raw.lastConnected) || 0,
      lastTry: Number(raw.lastTry) || 0,
      failures: Math.min(Number(raw.failures) || 0, NEVER_REACHED_TRIES * valid.length - 1),
      retryAt: 0,
      source,
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

  /** Puts an entry in its new slot, unless a good address holds it (or `force`: one just reached). */
  private placeNew(e: BookEntry, force = false): boolean {
    const slot = this.newSlot(e);
    const occupant = this.newSlots[slot];
    if (occupant !== undefined && occupant !== e.peerId) {
      const o = this.entries.get(occupant);
      if (o && !force && !this.terrible(o)) return false;
      this.entries.delete(occupant);
    }
    e.tried = false;
    this.newSlots[slot] = e.peerId;
    this.entries.set(e.peerId, e);
    return true;
  }

  /**
   * Test-before-evict (Core's Good_ with test_before_evict): an entry whose
   * tried slot holds another is not moved at once, as that would let anyone
   * with many reachable addresses wear the tried table down; it waits in new
   * (at most MAX_TRIED_COLLISIONS at a time, the rest are asked again on
   * their next connection) while the occupant is tested.
   */
  private makeTried(e: BookEntry): void {
    const occupant = this.triedSlots[this.triedSlot(e)];
    if (occupant === undefined || occupant === e.peerId || !this.entries.has(occupant)) {
      this.promote(e);
      return;
    }
    if (!this.collisions.has(e.peerId) && this.collisions.size < MAX_TRIED_COLLISIONS) this.collisions.set(e.peerId, this.now());
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
    // Each address gets its tries (one address per dial): a peer reachable only on its fourth was dropped unreached.
    if (e.lastConnected === 0 && e.failures >= NEVER_REACHED_TRIES * e.addrs.length) return true;
    return this.now() - e.lastSeen > STALE_MS;
  }
}

/** The address the next dial of an entry uses: one per attempt, the next one after each failure. */
export function dialAddress(e: BookEntry): string {
  return e.addrs[e.failures % e.addrs.length]!;
}

/** Whether addresses from this origin come from a peer (not the operator) on the public internet, or from an unknown one. */
function fromPublicPeer(origin: Origin): boolean {
  if (origin.from === undefined) return origin.kind === 'px' || origin.kind === 'inbound';
  const ip = ipOf(origin.from);
  return ip === undefined || isRoutable(ip);
}

/**
 * The one shape an address may have: an IP (or, from the operator, a DNS
 * name) and a TCP port, optionally this peer's /p2p id. Anything more (/tls/sni
 * padding, /p2p-circuit, repeated /tcp parts) is nothing our transport dials,
 * and only made each stored entry, and every pass over the book, cost more.
 */
const ADDR_SHAPE = /^\/(?:ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/(\d{1,5})(?:\/p2p\/[^/]+)?$/;

/**
 * Canonical multiaddrs of that shape whose /p2p
 * component (if any) is this peer. From a peer, DNS names are refused (their
 * netgroup says nothing about who runs them, and they can name internal
 * hosts), and from a peer on a public or unknown address so are addresses
 * that are not publicly routable (loopback, private, link-local with the
 * cloud metadata service): else any peer could aim our dials at hosts
 * behind our firewall. A peer on loopback or a private network (tests, a
 * LAN) may tell us of others there.
 */
export function validAddrs(peerId: string, addrs: string[], rules: { names: boolean; publicOnly: boolean }): string[] {
  const out: string[] = [];
  for (const raw of addrs.slice(0, ADDRMAN.maxAddrs * 2)) {
    if (typeof raw !== 'string' || raw.length > ADDRMAN.maxAddrLength || !ADDR_SHAPE.test(raw) || !isMultiaddr(raw)) continue;
    const a = canonicalAddr(raw);
    const ip = a === undefined ? undefined : ipOf(a);
    const port = Number(ADDR_SHAPE.exec(a ?? '')?.[1] ?? 0);
    if (a === undefined || ip === undefined || port < 1 || port > 65_535) continue;
    if (!rules.names && isDnsAddr(a)) continue;
    if (rules.publicOnly && !isRoutable(ip)) continue;
    const p = multiaddrPeer(a);
    if (p !== undefined && p !== peerId) continue;
    out.push(a);
    if (out.length >= ADDRMAN.maxAddrs) break;
  }
  return [...new Set(out)];
}
