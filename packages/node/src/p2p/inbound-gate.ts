import { sha256 } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BanList } from './ban-list.js';
import { GROUP_PROTECTION, INBOUND, selectEviction, type EvictionCandidate } from './eviction.js';
import { SHARED_LOOPBACK, canonicalIp, groupOf, ipOf, netgroup } from './netgroup.js';
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

/** Who may connect inbound: per-IP and per-netgroup limits, address bans, and eviction when full. */
export class InboundGate {
  /** Peers hung up to make room and maybe not yet gone: each makes room for one newcomer only. */
  private readonly leaving = new Set<string>();
  /**
   * When each netgroup last gave up a peer to a newcomer, kept INBOUND.tenureMs: only groups that held
   * their cap of peers in the last minute are here, each giving up one peer, so it holds no more
   * groups than peers were displaced in a minute (pruned as the next displacement is considered).
   */
  private readonly displacedAt = new Map<string, number>();

  constructor(private readonly d: InboundGateDeps) {}

  /**
   * Before any handshake: refuse banned addresses, and more than the per-IP and per-netgroup limits.
   * `open` is every inbound connection open now by IP, handshakes under way included: counting only
   * peers in the table let 32 silent sockets from one netgroup hold every pending slot. Its keys are
   * folded to one text form here, as the IP is: a dual-stack listener reports an IPv4 host as
   * ::ffff:a.b.c.d, which must count as a.b.c.d.
   */
  admit(remoteIp: string, open: ReadonlyMap<string, number>): boolean {
    const ip = canonicalIp(remoteIp);
    if (this.d.bans.isBannedIp(ip)) return false;
    if (ip === SHARED_LOOPBACK) return true;
    const group = netgroup(ip);
    let openFromIp = 0;
    let openInGroup = 0;
    for (const [key, n] of open) {
      const other = canonicalIp(key);
      if (other === ip) openFromIp += n;
      if (other !== SHARED_LOOPBACK && netgroup(other) === group) openInGroup += n;
    }
    if (openFromIp >= INBOUND.perIp) {
      this.d.log.debug('refusing another inbound connection from %s (%d open)', ip, openFromIp);
      return false;
    }
    const inbound = this.inbound();
    const discouraged = this.d.bans.isDiscouraged(ip);
    if (discouraged && inbound.length >= this.d.maxInbound / 2) return false;
    const sameGroup = inbound.filter((p) => groupOf(p.address) === group);
    if (openInGroup < INBOUND.perGroup && sameGroup.length < INBOUND.perGroup) return true;
    // Only a peer can give way (a group full of handshakes has none to give), and never to a
    // discouraged address (Core).
    return !discouraged && sameGroup.length >= INBOUND.perGroup && this.displace(group, sameGroup);
  }

  /** Inbound slots full: evict the least useful inbound peer (Core's rule); false when all are protected. */
  makeRoom(): boolean {
    const inbound = this.inbound();
    if (inbound.length < this.d.maxInbound) return true;
    const victim = selectEviction(inbound.map((p) => this.candidate(p)), (g) => this.rank(g));
    if (!victim) return false;
    this.evict(victim, 'inbound slots full');
    return true;
  }

  /**
   * The newcomer's netgroup has its cap of peers: the newcomer takes the place of the group's least
   * useful one, chosen by Core's rules within the group, or peers idling in a group kept every other
   * host of it out for as long as they stayed. The victim is always of the newcomer's own group, so no
   * group churns another's peers, and never one connected for less than INBOUND.tenureMs. The choice
   * is made before any handshake, on a bare TCP connection, so a group gives up at most one peer per
   * INBOUND.tenureMs: without that, a burst of sockets from one /16 hung up its settled peers within
   * milliseconds, one per socket. Refused when every peer of it is spared.
   */
  private displace(group: string, peers: PeerState[]): boolean {
    const now = (this.d.now ?? Date.now)();
    for (const [g, at] of this.displacedAt) if (now - at >= INBOUND.tenureMs) this.displacedAt.delete(g);
    if (this.displacedAt.has(group)) return false;
    const tenured = (c: EvictionCandidate) => now - c.connectedAt >= INBOUND.tenureMs;
    const victim = selectEviction(peers.map((p) => this.candidate(p)), () => 0, GROUP_PROTECTION, tenured);
    if (!victim) {
      this.d.log.debug('netgroup %s full and every peer of it spared, refusing a newcomer', group);
      return false;
    }
    this.displacedAt.set(group, now);
    this.evict(victim, `netgroup ${group} full`);
    return true;
  }

  private evict(peerId: string, why: string): void {
    this.d.log.info(`${why}: evicting ${short(peerId)}`);
    this.leaving.add(peerId);
    this.d.hangUp(peerId);
  }

  /** Inbound peers in the table, less those already evicted: their slots are spoken for. */
  private inbound(): PeerState[] {
    const all = this.d.peers.all();
    const present = new Set(all.map((p) => p.peerId));
    for (const id of this.leaving) if (!present.has(id)) this.leaving.delete(id);
    return all.filter((p) => p.direction === 'inbound' && !this.leaving.has(p.peerId));
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
