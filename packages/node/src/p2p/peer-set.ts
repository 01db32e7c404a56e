import type { Logger } from '../util/logger.js';
import { LogBudget } from '../util/log-budget.js';
import { BAN_THRESHOLD, PENALTY, type Offence } from './ban-score.js';
import type { Ban } from './ban-list.js';
import type { PeerState } from './peer-state.js';

/** The connected peers as the parts that serve and sync see them, with misbehaviour accounting. */
export interface PeerSet {
  get(peerId: string): PeerState | undefined;
  /** Peers that completed the handshake. */
  ready(): PeerState[];
  /** Records misbehaviour; returns true when the peer is (now) banned and dropped. */
  misbehave(peerId: string, offence: Offence, detail: string, extra?: number): boolean;
}

export interface Discipline {
  isBanned(peerId: string): boolean;
  /** Bans the peer (and its address) and hangs up. */
  ban(peerId: string, reason: string, address: string | undefined): Ban;
}

/** Misbehaviour and ban lines printed a minute; the rest are counted in one line (see LogBudget). */
export const MISBEHAVIOUR_LINES_PER_MINUTE = 60;

/** The table of connected peers. Network adds and removes; everything else reads it through PeerSet. */
export class PeerTable implements PeerSet {
  private readonly peers = new Map<string, PeerState>();
  private readonly lines: LogBudget;

  constructor(
    private readonly discipline: Discipline,
    private readonly log: Logger,
    now: () => number = Date.now,
  ) {
    this.lines = new LogBudget(MISBEHAVIOUR_LINES_PER_MINUTE, 60_000, now);
  }

  get size(): number {
    return this.peers.size;
  }

  get(peerId: string): PeerState | undefined {
    return this.peers.get(peerId);
  }

  has(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  add(p: PeerState): void {
    this.peers.set(p.peerId, p);
  }

  delete(peerId: string): PeerState | undefined {
    const p = this.peers.get(peerId);
    this.peers.delete(peerId);
    return p;
  }

  all(): PeerState[] {
    return [...this.peers.values()];
  }

  ready(): PeerState[] {
    return this.all().filter((p) => p.ready);
  }

  count(direction: 'inbound' | 'outbound'): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.direction === direction) n++;
    return n;
  }

  misbehave(peerId: string, offence: Offence, detail: string, extra = 0): boolean {
    if (this.discipline.isBanned(peerId)) return true;
    const w = PENALTY[offence];
    const p = this.peers.get(peerId);
    const score = p ? p.score.add(w.persistent + extra, w.transient) : w.persistent + extra;
    this.warn(`peer ${short(peerId)} misbehaved (${offence}: ${detail}), score ${score}`);
    if (score < BAN_THRESHOLD) return false;
    const ban = this.discipline.ban(peerId, `${offence}: ${detail}`, p?.address);
    this.warn(`banned ${short(peerId)} until ${new Date(ban.until).toISOString()}`);
    return true;
  }

  private warn(line: string): void {
    const held = (n: number) => this.log.warn(`${n} more misbehaviour and ban lines were held back in the last minute (GET /api/network/bans lists the bans)`);
    if (this.lines.take(held)) this.log.warn(line);
  }
}

export function short(peerId: string): string {
  return peerId.slice(-8);
}
