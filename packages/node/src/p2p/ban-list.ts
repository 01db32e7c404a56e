import type { Logger } from '../util/logger.js';
import { MaxHeap } from '../util/heap.js';
import { readJson, writeJsonAsync } from './json-file.js';
import { canonicalIp, canonicalIpOf } from './netgroup.js';

export interface Ban {
  peerId: string;
  address?: string;
  reason: string;
  since: number;
  until: number;
  /** An operator's ban refuses the address outright; a misbehaviour ban only discourages it. */
  hard?: boolean;
}

/** Bans kept; beyond it the soonest to expire goes (strangers can earn bans as fast as they can make identities). */
export const MAX_BANS = 10_000;

/**
 * How long changes wait before the list is written: a burst of bans costs one
 * write, not one rewrite of the whole file each. The operator's own bans and
 * unbans are written within a second; misbehaviour bans, which strangers earn
 * as fast as they make identities, at most once a minute (the list reaches
 * ~2.5 MB: rewritten each second, a flood of sybils cost that much disk
 * traffic a second). stop() writes what is pending; a crash forgets at most
 * a minute of misbehaviour bans, which only discourage.
 */
const OPERATOR_SAVE_DELAY_MS = 1_000;
const MISBEHAVIOUR_SAVE_DELAY_MS = 60_000;

/** Soonest-ending first. */
const endsSooner = (a: Ban, b: Ban): boolean => a.until < b.until;

/**
 * Time-limited bans by peer id and by address, persisted so a restart does
 * not forgive. As in Bitcoin Core, a ban the operator asks for refuses the
 * IP itself; a ban for misbehaviour bans the identity (which costs nothing
 * to change) and discourages the IP: never dialled, admitted inbound only
 * while there is room, and first to be evicted. So a shared IP (NAT, a test
 * cluster on 127.0.0.1) is not cut off for one bad peer behind it.
 *
 * Every inbound connection asks about its IP before any handshake, so bans
 * are indexed by IP: an answer never scans the list.
 */
export class BanList {
  private readonly bans = new Map<string, Ban>();
  /** Peer ids banned per IP: any ban discourages the IP, a hard one refuses it. */
  private readonly byIp = new Map<string, Set<string>>();
  private readonly hardByIp = new Map<string, Set<string>>();
  /**
   * Bans by when they end, misbehaviour and operator bans apart, so eviction finds the one to let go
   * without a scan: scanning all 10,000 for each new ban once full made a flood of bans cost O(n) each.
   * Entries stay when a ban is lifted or made again (lazily skipped), and are rebuilt past twice the list.
   */
  private soft = new MaxHeap<Ban>(endsSooner);
  private hard = new MaxHeap<Ban>(endsSooner);
  private saveTimer: NodeJS.Timeout | undefined;
  private saveDue = Infinity;
  /** The write under way, so two never share the temp file. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string | undefined,
    private readonly durationMs: number,
    private readonly now: () => number = Date.now,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {
    if (!path) return;
    const live = readJson<Ban[]>(path, []).filter((b) => typeof b?.peerId === 'string' && typeof b.until === 'number' && b.until > now());
    for (const b of live.sort((x, y) => x.until - y.until).slice(-MAX_BANS)) this.add(b);
  }

  isBanned(peerId: string): boolean {
    const b = this.bans.get(peerId);
    if (!b) return false;
    if (b.until <= this.now()) {
      this.remove(peerId);
      return false;
    }
    return true;
  }

  /** A hard ban on this IP. */
  isBannedIp(ip: string): boolean {
    return this.anyLive(this.hardByIp.get(canonicalIp(ip)));
  }

  /** Any ban on this IP. */
  isDiscouraged(ip: string): boolean {
    return this.anyLive(this.byIp.get(canonicalIp(ip)));
  }

  ban(peerId: string, reason: string, address: string | undefined, hard = false): Ban {
    const t = this.now();
    const b: Ban = { peerId, address, reason, since: t, until: t + this.durationMs, hard };
    this.remove(peerId);
    this.add(b);
    if (this.bans.size > MAX_BANS) this.evict();
    this.scheduleSave(hard ? OPERATOR_SAVE_DELAY_MS : MISBEHAVIOUR_SAVE_DELAY_MS);
    return b;
  }

  unban(peerId: string): boolean {
    const had = this.remove(peerId);
    if (had) this.scheduleSave(OPERATOR_SAVE_DELAY_MS);
    return had;
  }

  list(): Ban[] {
    const t = this.now();
    return [...this.bans.values()].filter((b) => b.until > t);
  }

  /** Writes any change not yet saved. */
  async stop(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saveDue = Infinity;
      this.queueWrite();
    }
    await this.writing;
  }

  /** Whether a set of banned peer ids holds one whose ban still runs; expired ones met on the way are dropped. */
  private anyLive(ids: Set<string> | undefined): boolean {
    if (!ids) return false;
    for (const id of ids) if (this.isBanned(id)) return true;
    return false;
  }

  private add(b: Ban): void {
    this.bans.set(b.peerId, b);
    (b.hard === true ? this.hard : this.soft).push(b);
    if (this.soft.size + this.hard.size > 2 * this.bans.size + 1_024) this.rebuildOrder();
    const ip = bannedIp(b);
    if (ip === undefined) return;
    index(this.byIp, ip, b.peerId);
    if (b.hard === true) index(this.hardByIp, ip, b.peerId);
  }

  private remove(peerId: string): boolean {
    const b = this.bans.get(peerId);
    if (!b) return false;
    this.bans.delete(peerId);
    const ip = bannedIp(b);
    if (ip !== undefined) {
      unindex(this.byIp, ip, peerId);
      unindex(this.hardByIp, ip, peerId);
    }
    return true;
  }

  /**
   * Over the bound: the ban that would have ended soonest goes (an expired one first), a hard ban
   * only when no misbehaviour ban is left: every ban lasts as long, so a flood of misbehaving sybils
   * would otherwise push out the operator's own bans, oldest first.
   */
  private evict(): void {
    for (const heap of [this.soft, this.hard]) {
      for (let b = heap.pop(); b; b = heap.pop()) {
        // Lifted, or made again (a newer entry), since it was queued.
        if (this.bans.get(b.peerId) !== b) continue;
        this.remove(b.peerId);
        return;
      }
    }
  }

  private rebuildOrder(): void {
    this.soft = new MaxHeap<Ban>(endsSooner);
    this.hard = new MaxHeap<Ban>(endsSooner);
    for (const b of this.bans.values()) (b.hard === true ? this.hard : this.soft).push(b);
  }

  /** Writes the list within `delayMs`, or sooner if a write is already due sooner. */
  private scheduleSave(delayMs: number): void {
    if (!this.path) return;
    const due = Date.now() + delayMs;
    if (this.saveTimer && this.saveDue <= due) return;
    clearTimeout(this.saveTimer);
    this.saveDue = due;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveDue = Infinity;
      this.queueWrite();
    }, delayMs);
    // stop() writes what is pending; an unsaved second of bans must not keep a process alive.
    this.saveTimer.unref();
  }

  private queueWrite(): void {
    const path = this.path;
    if (!path) return;
    this.writing = this.writing
      .then(() => writeJsonAsync(path, this.list()))
      .catch((e: Error) => this.log?.warn(`ban list not saved to ${path}: ${e.message}`));
  }
}

function index(map: Map<string, Set<string>>, ip: string, peerId: string): void {
  const ids = map.get(ip);
  if (ids) ids.add(peerId);
  else map.set(ip, new Set([peerId]));
}

function unindex(map: Map<string, Set<string>>, ip: string, peerId: string): void {
  const ids = map.get(ip);
  if (!ids) return;
  ids.delete(peerId);
  if (ids.size === 0) map.delete(ip);
}

/** The banned peer's IP in one text form (see canonicalIp): a ban made on an inbound connection must hold for the host dialled. */
function bannedIp(b: Ban): string | undefined {
  return b.address === undefined ? undefined : canonicalIpOf(b.address);
}
