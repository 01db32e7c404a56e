import type { Logger } from '../util/logger.js';
import { resolveAddress } from './bootstrap.js';
import { dialAddress, type AddrMan, type AddrSource, type BookEntry } from './addrman.js';
import type { Anchor } from './anchors.js';
import { groupOf } from './netgroup.js';
import type { PeerTable } from './peer-set.js';
import { short } from './peer-set.js';
import type { PeerState } from './peer-state.js';
import { TokenBucket } from '../util/token-bucket.js';

export interface PeerManagerDeps {
  book: AddrMan;
  peers: Pick<PeerTable, 'has' | 'ready' | 'count' | 'all'>;
  /** Dials a multiaddr; resolves to the remote peer id. */
  dial: (address: string) => Promise<string>;
  self: string;
  isBanned: (peerId: string) => boolean;
  /** Addresses on a discouraged IP are not dialled. */
  isDiscouraged: (address: string) => boolean;
  bootstrap: string[];
  maxOutbound: number;
  log: Logger;
  askPeers: (peerId: string) => Promise<number>;
  /**
   * Closes a connection. Without it an outbound peer that turns out to share
   * a netgroup with another (a DNS name, an address that forwards) is kept.
   */
  hangUp: (peerId: string) => void;
  /** Dials to addresses never reached before, at once and per second (defaults: FRESH_DIALS). */
  freshDials?: { burst: number; perSecond: number };
  /** Outbound peers of the last run, dialled before any address-book pick. */
  anchors?: readonly Anchor[];
  /** Least time between test dials of tried entries a newly reached address would evict (default FEELER_INTERVAL_MS). */
  feelerIntervalMs?: number;
}

const TICK_MS = 1_000;
const PX_INTERVAL_MS = 20_000;
const SAVE_INTERVAL_MS = 30_000;
/**
 * Any peer can fill the address book with addresses of one victim; dials to
 * addresses never reached are held to a global rate so the node cannot be
 * made to flood anyone with connection attempts (Core opens at most one
 * outbound connection per half second).
 */
export const FRESH_DIALS = { burst: 8, perSecond: 0.5 } as const;
/** Core's FEELER_INTERVAL. */
export const FEELER_INTERVAL_MS = 2 * 60_000;

/**
 * Keeps the node connected: resolves bootstrap entries, dials address-book
 * peers until the outbound target is met (libp2p 3 does not do this for
 * us), asks peers for more peers, and saves the address book.
 */
export class PeerManager {
  private timer: NodeJS.Timeout | undefined;
  /** Peer ids being dialled automatically, with the netgroup of the address dialled. */
  private readonly dialing = new Map<string, string>();
  /** Outbound peers we dialled from the address book (not the operator's), held to one per netgroup. */
  private readonly autoDialled = new Set<string>();
  private readonly freshDials: TokenBucket;
  private resolving = false;
  /** Seeds not reached yet, with the peer id each last named (its book entry, replaced when the seed names another). */
  private readonly pendingBootstrap: { entry: string; retryAt: number; failures: number; peerId?: string }[];
  private lastPx = 0;
  private lastSave = Date.now();
  /** The tried entry being test-dialled, if any: one at a time, apart from the outbound count. */
  private feeler: string | undefined;
  private lastFeeler = 0;
  /** Feelers hung up once they answered: their close before a handshake is ours, not a failure of theirs. */
  private readonly feelersClosed = new Set<string>();
  private stopped = false;

  constructor(private readonly d: PeerManagerDeps) {
    this.pendingBootstrap = d.bootstrap.map((entry) => ({ entry, retryAt: 0, failures: 0 }));
    const fresh = d.freshDials ?? FRESH_DIALS;
    this.freshDials = new TokenBucket(fresh.burst, fresh.perSecond);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.dialAnchors();
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * First contact with a peer: learn its peers right away rather than at the
   * next round. An outbound peer we chose whose remote address shares a
   * netgroup with another outbound peer is hung up (Core's one outbound per
   * netgroup), whatever address the book had for it.
   */
  onReady(p: PeerState): void {
    if (p.direction === 'outbound' && this.autoDialled.delete(p.peerId) && this.d.hangUp) {
      const group = groupOf(p.address);
      // The newer of two goes, so two connections that land at once do not both hang up.
      const older = (o: PeerState) => o.connectedAt < p.connectedAt || (o.connectedAt === p.connectedAt && o.peerId < p.peerId);
      const twin = this.d.peers.all().some((o) => o.peerId !== p.peerId && o.direction === 'outbound' && groupOf(o.address) === group && older(o));
      if (twin) {
        this.d.log.debug('outbound peer %s shares netgroup %s with another, hanging up', short(p.peerId), group);
        this.d.hangUp(p.peerId);
        return;
      }
    }
    // Only peers we chose are asked for addresses, as Core asks only outbound ones: an inbound stranger
    // reconnecting under fresh peer ids answered 32 records a time, each time with a fresh allowance,
    // and filled the address table's buckets for its groups within seconds.
    if (p.direction !== 'outbound') return;
    void this.d.askPeers(p.peerId)
      .then((n) => {
        if (n > 0) this.fillOutbound();
      })
      .catch((e: Error) => this.d.log.debug('peer exchange with %s failed: %s', short(p.peerId), e.message));
  }

  /**
   * A connection closed. An outbound one that never finished the status
   * handshake is a failed attempt (Core counts an attempt a failure until
   * the version handshake): an address that accepts connections and never
   * answers was redialled every second or two, never dropped, each time
   * spending the budget of dials to addresses never reached.
   */
  onDisconnect(p: PeerState): void {
    const feeler = this.feelersClosed.delete(p.peerId);
    if (p.direction === 'outbound' && !p.ready && !feeler) this.d.book.markFailed(p.peerId);
    else this.d.book.markDisconnected(p.peerId);
  }

  /** Dials a URL or multiaddr on request (API, bootstrap); resolves to the peer id. */
  async connect(address: string, source: AddrSource = 'manual', seed?: { peerId?: string }): Promise<string> {
    const r = await resolveAddress(address);
    if (r.peerId === this.d.self) throw new Error('that address is this node');
    if (this.d.isBanned(r.peerId)) throw new Error(`peer ${r.peerId} is banned`);
    if (seed) this.replaceSeedEntry(seed, r.peerId);
    this.d.book.add(r.peerId, r.addrs, { kind: source });
    const entry = this.d.book.get(r.peerId);
    if (!entry) throw new Error(`no usable address for ${r.peerId}`);
    if (!this.d.peers.has(r.peerId)) await this.dialEvery(entry);
    return r.peerId;
  }

  /**
   * One book entry per seed not yet reached: a seed that kept failing and
   * named a new peer id each time added a new entry a minute, each kept for
   * good (the operator's entries are never dropped) and dialled without the
   * budget. The entry it named before goes, unless it was reached or came
   * from elsewhere.
   */
  private replaceSeedEntry(seed: { peerId?: string }, peerId: string): void {
    const old = seed.peerId === undefined || seed.peerId === peerId ? undefined : this.d.book.get(seed.peerId);
    if (old && old.source === 'bootstrap' && old.lastConnected === 0 && !this.d.peers.has(old.peerId)) this.d.book.remove(old.peerId);
    seed.peerId = peerId;
  }

  /**
   * Nothing a round starts is awaited by the next: one bootstrap pass at a
   * time (a slow seed must not be asked again while it answers), and dials
   * run on their own, counted in `dialing`, so one slow dial (an address
   * that never answers) holds up neither the others nor the next round.
   */
  private tick(): void {
    if (this.stopped) return;
    if (!this.resolving) {
      this.resolving = true;
      void this.resolveBootstrap().finally(() => {
        this.resolving = false;
      });
    }
    this.d.book.resolveCollisions();
    this.testCollision();
    this.fillOutbound();
    const now = Date.now();
    if (now - this.lastPx > PX_INTERVAL_MS) {
      this.lastPx = now;
      const ready = this.d.peers.ready().filter((x) => x.direction === 'outbound');
      const p = ready[Math.floor(Math.random() * ready.length)];
      if (p) void this.d.askPeers(p.peerId).catch(() => undefined);
    }
    if (now - this.lastSave > SAVE_INTERVAL_MS) {
      this.lastSave = now;
      void this.d.book.save();
    }
  }

  private async resolveBootstrap(): Promise<void> {
    const now = Date.now();
    for (const b of [...this.pendingBootstrap]) {
      if (b.retryAt > now) continue;
      try {
        await this.connect(b.entry, 'bootstrap', b);
        const i = this.pendingBootstrap.indexOf(b);
        if (i >= 0) this.pendingBootstrap.splice(i, 1);
        this.d.log.info(`bootstrap ${b.entry} reached`);
      } catch (e) {
        b.failures++;
        // From the failure, not the pass's start: a slow seed still waits its back-off.
        b.retryAt = Date.now() + Math.min(60_000, 1_000 * 2 ** b.failures);
        this.d.log.debug('bootstrap %s failed: %s', b.entry, (e as Error).message);
        if (b.failures === 1 || b.failures % 10 === 0) this.d.log.warn(`bootstrap ${b.entry} unreachable: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Core's anchors: last run's outbound peers go first, so an attacker who
   * filled the address book while we were down does not choose all of our
   * first connections. One per netgroup, as any outbound pick.
   */
  private dialAnchors(): void {
    const busy = new Set<string>();
    // Into the outbound slots, as Core dials its anchors into its block-relay slots: none when automatic outbound is off.
    for (const a of (this.d.anchors ?? []).slice(0, this.d.maxOutbound)) {
      const group = groupOf(a.addr);
      if (busy.has(group) || this.d.peers.has(a.peerId) || this.d.isBanned(a.peerId) || this.d.isDiscouraged(a.addr)) continue;
      busy.add(group);
      this.d.log.info(`dialling anchor ${a.peerId} at ${a.addr} (an outbound peer of the last run)`);
      this.dialing.set(a.peerId, group);
      this.d.book.markAttempt(a.peerId);
      void this.d
        .dial(`${a.addr}/p2p/${a.peerId}`)
        .then(
          () => this.autoDialled.add(a.peerId),
          (err: Error) => {
            this.d.book.markFailed(a.peerId);
            this.d.log.debug('anchor %s at %s failed: %s', short(a.peerId), a.addr, err.message);
          },
        )
        .finally(() => this.dialing.delete(a.peerId));
    }
  }

  /**
   * Test-before-evict: a feeler dial to a tried entry that a newly reached
   * address would evict. Answering keeps it (markConnected); not answering
   * lets the address book evict it. The feeler is hung up once it answers.
   */
  private testCollision(): void {
    if (this.feeler !== undefined || Date.now() - this.lastFeeler < (this.d.feelerIntervalMs ?? FEELER_INTERVAL_MS)) return;
    const old = this.d.book.selectTriedCollision();
    if (!old) return;
    const id = old.peerId;
    // A dial to it is under way already: its outcome is the test, and hanging up after it would drop a peer we chose.
    if (this.dialing.has(id)) return;
    this.lastFeeler = Date.now();
    this.d.book.markAttempt(id);
    const addr = dialAddress(old);
    if (this.d.isBanned(id) || this.d.isDiscouraged(addr)) return;
    const connected = this.d.peers.has(id);
    this.feeler = id;
    void this.d
      .dial(addr.includes('/p2p/') ? addr : `${addr}/p2p/${id}`)
      .then(
        () => {
          this.d.book.markConnected(id);
          if (!connected && !this.dialing.has(id) && !this.autoDialled.has(id)) {
            // Bounded: a hang-up whose close was never reported must not leave its id here for good.
            if (this.feelersClosed.size >= 16) this.feelersClosed.clear();
            this.feelersClosed.add(id);
            this.d.hangUp(id);
          }
        },
        () => this.d.book.markFailed(id),
      )
      .finally(() => {
        this.feeler = undefined;
      });
  }

  private fillOutbound(): void {
    const need = this.d.maxOutbound - this.d.peers.count('outbound') - this.dialing.size;
    if (need <= 0) return;
    const exclude = (id: string) => this.d.peers.has(id) || this.dialing.has(id) || id === this.feeler || this.d.isBanned(id) || this.d.book.get(id)!.addrs.some(this.d.isDiscouraged);
    // One outbound connection per netgroup while there are others to choose from (Core's rule).
    const busy = new Set(this.d.peers.all().filter((p) => p.direction === 'outbound').map((p) => groupOf(p.address)));
    for (const group of this.dialing.values()) busy.add(group);
    for (const id of this.autoDialled) if (!this.d.peers.has(id) && !this.dialing.has(id)) this.autoDialled.delete(id);
    const picks = this.d.book.candidates(exclude, need, busy).filter((e) => e.lastConnected > 0 || e.source === 'bootstrap' || e.source === 'manual' || this.freshDials.take());
    for (const e of picks) void this.dialOne(e).catch(() => undefined);
  }

  /** An automatic dial: one address per attempt, so a peer's list of addresses cannot multiply our connection attempts. */
  private async dialOne(e: BookEntry): Promise<void> {
    if (this.dialing.has(e.peerId)) return;
    const addr = dialAddress(e);
    this.dialing.set(e.peerId, groupOf(addr));
    this.d.book.markAttempt(e.peerId);
    try {
      await this.d.dial(addr.includes('/p2p/') ? addr : `${addr}/p2p/${e.peerId}`);
      this.autoDialled.add(e.peerId);
      this.d.book.useAddress(e.peerId, addr);
    } catch (err) {
      this.d.book.markFailed(e.peerId);
      throw err;
    } finally {
      this.dialing.delete(e.peerId);
    }
  }

  /** The operator's dial (API, bootstrap): every address in turn, as the operator named them. */
  private async dialEvery(e: BookEntry): Promise<void> {
    // Not a success: the caller (a bootstrap seed) is tried again, by when that dial has ended.
    if (this.dialing.has(e.peerId)) throw new Error('a dial to that peer is under way');
    this.dialing.set(e.peerId, e.group);
    try {
      let lastErr: Error | undefined;
      for (const addr of e.addrs) {
        try {
          await this.d.dial(addr.includes('/p2p/') ? addr : `${addr}/p2p/${e.peerId}`);
          this.d.book.useAddress(e.peerId, addr);
          return;
        } catch (err) {
          lastErr = err as Error;
        }
      }
      this.d.book.markFailed(e.peerId);
      throw lastErr ?? new Error('no addresses');
    } finally {
      this.dialing.delete(e.peerId);
    }
  }
}
