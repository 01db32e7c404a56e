import { sha256 } from '@hackcoin/core';
import type { Logger } from '../util/logger.js';
import type { BanList } from './ban-list.js';
import { INBOUND, selectEviction } from './eviction.js';
import { SHARED_LOOPBACK, groupOf, ipOf, netgroup } from './netgroup.js';
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
}

/** Who may connect inbound: per-IP and per-netgroup limits, address bans, and eviction when full. */
export class InboundGate {
  constructor(private readonly d: InboundGateDeps) {}

  /**
   * Before any handshake: refuse banned addresses, and more than the per-IP and per-netgroup limits.
   * `open` is every inbound connection open now by IP, handshakes under way included: counting only
   * peers in the table let 32 silent sockets from one netgroup hold every pending slot.
   */
  admit(ip: string, open: ReadonlyMap<string, number>): boolean {
    if (this.d.bans.isBannedIp(ip)) return false;
    if (ip === SHARED_LOOPBACK) return true;
    const openFromIp = open.get(ip) ?? 0;
    if (openFromIp >= INBOUND.perIp) {
      this.d.log.debug('refusing another inbound connection from %s (%d open)', ip, openFromIp);
      return false;
    }
    const group = netgroup(ip);
    let openInGroup = 0;
    for (const [other, n] of open) if (other !== SHARED_LOOPBACK && netgroup(other) === group) openInGroup += n;
    const inbound = this.inbound();
    if (openInGroup >= INBOUND.perGroup || inbound.filter((p) => groupOf(p.address) === group).length >= INBOUND.perGroup) return false;
    return !this.d.bans.isDiscouraged(ip) || inbound.length < this.d.maxInbound / 2;
  }

  /** Inbound slots full: evict the least useful inbound peer (Core's rule); false when all are protected. */
  makeRoom(): boolean {
    const inbound = this.inbound();
    if (inbound.length < this.d.maxInbound) return true;
    const victim = selectEviction(
      inbound.map((p) => {
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
      }),
      (g) => this.rank(g),
    );
    if (!victim) return false;
    this.d.log.info(`inbound slots full: evicting ${short(victim)}`);
    this.d.hangUp(victim);
    return true;
  }

  private inbound() {
    return this.d.peers.all().filter((p) => p.direction === 'inbound');
  }

  private rank(group: string): number {
    const h = sha256(new TextEncoder().encode(`${this.d.secret}|${group}`));
    return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  }
}
