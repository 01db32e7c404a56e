import { sha256 } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BanList } from './ban-list.js';
import { GROUP_PROTECTION, INBOUND, selectEviction, type EvictionCandidate } from './eviction.js';
import type { InboundSocket } from './libp2p.js';
import { SHARED_LOOPBACK, canonicalIp, canonicalIpOf, groupOf, ipOf, netgroup } from './netgroup.js';
import type { PeerState } from './peer-state.js';
import type { PeerTable } from './peer-set.js';
import { short } from './peer-set.js';

export interface InboundGateDeps {
  peers: Pick<PeerTable, 'all'>;
  bans: Pick<BanList, 'isBannedIp' | 'isDiscouraged'>;
  maxInbound: number;
  /** Keys the netgroup ranking, so an attacker cannot aim at the protected groups. */
  secret: string;
  hangUp: (peerId: string) => void;
  log: Logger;
  /** The clock peers' connectedAt was read on; Date.now unless a test sets it. */
  now?: () => number;
}

/** A connection's key from its multiaddr: a peer's address is its socket's with /p2p/<id> appended. */
const socketKey = (address: string): string => address.split('/p2p/')[0]!;

/**
 * Who may connect inbound: per-IP and per-netgroup limits, address bans, and eviction when full.
 * A connection is pending from its TCP accept until its status handshake, and only then is seated:
 * the slots, and the displacements that free them, are for peers that have shown they speak our
 * protocol, so a socket that never finishes neither holds a peer's slot nor costs a peer its own.
 */
export class InboundGate {
  /** Peers hung up to make room and maybe not yet gone: each makes room for one newcomer only. */
  private readonly leaving = new Set<string>();
  /**
   * When each netgroup last gave up a peer to a newcomer, kept INBOUND.tenureMs: only groups that held
   * their cap of peers in the last minute are here, each giving up one peer, so it holds no more
   * groups than peers were displaced in a minute (pruned as the next displacement is considered).
   */
  private readonly displacedAt = new Map<string, number>();
  /** Connections admitted and not yet seated, oldest first: at most INBOUND.pendingTotal. */
  private readonly pending = new Map<string, { group: string; socket: InboundSocket }>();

  constructor(private readonly d: InboundGateDeps) {}

  /**
   * At TCP accept, before any handshake: refuse banned addresses, more than the per-IP limit, and a
   * newcomer that could not be seated now (so it costs no handshake); make it room among the pending.
   * `open` is every inbound connection open now by IP, pending ones included. Its keys are folded to
   * one text form here, as the IP is: a dual-stack listener reports an IPv4 host as ::ffff:a.b.c.d,
   * which must count as a.b.c.d.
   */
  admit(socket: InboundSocket, open: ReadonlyMap<string, number>): boolean {
    const ip = canonicalIp(socket.ip);
    if (this.d.bans.isBannedIp(ip)) return false;
    if (ip === SHARED_LOOPBACK) return true;
    let openFromIp = 0;
    for (const [key, n] of open) if (canonicalIp(key) === ip) openFromIp += n;
    if (openFromIp >= INBOUND.perIp) {
      this.d.log.debug('refusing another inbound connection from %s (%d open)', ip, openFromIp);
      return false;
    }
    const group = netgroup(ip);
    if (!this.room(ip, group, false)) return false;
    this.makePendingRoom(group);
    this.pending.set(socketKey(socket.address), { group, socket });
    return true;
  }

  /**
   * An inbound peer's first status: it takes a slot, displacing a peer of its netgroup at the group's
   * cap or evicting one when every slot is taken. False when it cannot (then it is to be hung up).
   */
  seat(p: PeerState): boolean {
    const ip = canonicalIpOf(p.address);
    const key = socketKey(p.address);
    // Dropped for a newcomer, or closed, as its status arrived: it is going, and must displace nobody.
    if (ip !== SHARED_LOOPBACK && this.pending.get(key)?.socket.closed !== false) return false;
    if (!this.room(ip, groupOf(p.address), true)) return false;
    this.pending.delete(key);
    return true;
  }

  /** An inbound connection needing no seat (a peer we dialled, connecting back) is no longer pending. */
  release(address: string): void {
    this.pending.delete(socketKey(address));
  }

  /**
   * Whether a newcomer fits among the seated peers: its netgroup under its cap or giving up a peer,
   * and a slot free or one to evict. Only `act` (at the newcomer's seating) hangs anyone up.
   */
  private room(ip: string | undefined, group: string, act: boolean): boolean {
    const seated = this.seated();
    if (ip !== SHARED_LOOPBACK) {
      const discouraged = ip !== undefined && this.d.bans.isDiscouraged(ip);
      if (discouraged && seated.length >= this.d.maxInbound / 2) return false;
      const sameGroup = seated.filter((p) => groupOf(p.address) === group);
      // Never to a discouraged address (Core).
      if (sameGroup.length >= INBOUND.perGroup) return !discouraged && this.displace(group, sameGroup, act);
    }
    if (seated.length < this.d.maxInbound) return true;
    const victim = selectEviction(seated.map((p) => this.candidate(p)), (g) => this.rank(g));
    if (!victim) {
      this.d.log.debug('inbound slots full and every peer protected, refusing a newcomer');
      return false;
    }
    if (act) this.evict(victim, 'inbound slots full');
    return true;
  }

  /**
   * The newcomer's netgroup has its cap of peers: the newcomer takes the place of the group's least
   * useful one, chosen by Core's rules within the group, or peers idling in a group kept every other
   * host of it out for as long as they stayed. The victim is always of the newcomer's own group, so no
   * group churns another's peers, and never one connected for less than INBOUND.tenureMs. A group gives
   * up at most one peer per INBOUND.tenureMs: a newcomer that completes its handshake and leaves costs
   * the group a peer each time. Refused when every peer of it is spared.
   */
  private displace(group: string, peers: PeerState[], act: boolean): boolean {
    const now = (this.d.now ?? Date.now)();
    for (const [g, at] of this.displacedAt) if (now - at >= INBOUND.tenureMs) this.displacedAt.delete(g);
    if (this.displacedAt.has(group)) return false;
    const tenured = (c: EvictionCandidate) => now - c.connectedAt >= INBOUND.tenureMs;
    const victim = selectEviction(peers.map((p) => this.candidate(p)), () => 0, GROUP_PROTECTION, tenured);
    if (!victim) {
      this.d.log.debug('netgroup %s full and every peer of it spared, refusing a newcomer', group);
      return false;
    }
    if (act) {
      this.displacedAt.set(group, now);
      this.evict(victim, `netgroup ${group} full`);
    }
    return true;
  }

  /**
   * Room for one more pending connection of `group`: at the group's bound its oldest goes, at the total
   * bound the oldest of the group with the most. Refusing instead let sockets reopened as they timed out
   * hold a group (or, from a few groups, every pending slot) against every host that would finish.
   */
  private makePendingRoom(group: string): void {
    const byGroup = new Map<string, string[]>();
    for (const [key, e] of this.pending) {
      if (e.socket.closed) this.pending.delete(key);
      else byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), key]);
    }
    const own = byGroup.get(group) ?? [];
    let oldest: string | undefined;
    if (own.length >= INBOUND.pendingPerGroup) oldest = own[0];
    else if (this.pending.size >= INBOUND.pendingTotal) {
      let most: string[] = [];
      for (const keys of byGroup.values()) if (keys.length > most.length) most = keys;
      oldest = most[0];
    }
    if (oldest === undefined) return;
    const e = this.pending.get(oldest)!;
    this.pending.delete(oldest);
    this.d.log.debug('dropping %s, still in its handshake, for a newcomer', oldest);
    e.socket.drop();
  }

  private evict(peerId: string, why: string): void {
    this.d.log.info(`${why}: evicting ${short(peerId)}`);
    this.leaving.add(peerId);
    this.d.hangUp(peerId);
  }

  /** Inbound peers past the handshake, less those already evicted: their slots are spoken for. */
  private seated(): PeerState[] {
    const all = this.d.peers.all();
    const present = new Set(all.map((p) => p.peerId));
    for (const id of this.leaving) if (!present.has(id)) this.leaving.delete(id);
    return all.filter((p) => p.direction === 'inbound' && p.ready && !this.leaving.has(p.peerId));
  }

  private candidate(p: PeerState): EvictionCandidate {
    const ip = ipOf(p.address);
    return {
      peerId: p.peerId,
      group: groupOf(p.address),
      latencyMs: p.latencyMs,
      connectedAt: p.connectedAt,
      lastBlockAt: p.lastBlockAt,
      lastTxAt: p.lastTxAt,
      discouraged: ip !== undefined && this.d.bans.isDiscouraged(ip),
    };
  }

  private rank(group: string): number {
    const h = sha256(new TextEncoder().encode(`${this.d.secret}|${group}`));
    return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  }
}
