import { readJson, writeJson } from './json-file.js';
import { ipOf } from './netgroup.js';

export interface Ban {
  peerId: string;
  address?: string;
  reason: string;
  since: number;
  until: number;
  /** An operator's ban refuses the address outright; a misbehaviour ban only discourages it. */
  hard?: boolean;
}

const MAX_BANS = 10_000;

/**
 * Time-limited bans by peer id and by address, persisted so a restart does
 * not forgive. As in Bitcoin Core, a ban the operator asks for refuses the
 * IP itself; a ban for misbehaviour bans the identity (which costs nothing
 * to change) and discourages the IP: never dialled, admitted inbound only
 * while there is room, and first to be evicted. So a shared IP (NAT, a test
 * cluster on 127.0.0.1) is not cut off for one bad peer behind it.
 */
export class BanList {
  private readonly bans = new Map<string, Ban>();

  constructor(
    private readonly path: string | undefined,
    private readonly durationMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (path) for (const b of readJson<Ban[]>(path, [])) if (typeof b?.peerId === 'string' && b.until > now()) this.bans.set(b.peerId, b);
  }

  isBanned(peerId: string): boolean {
    const b = this.bans.get(peerId);
    if (!b) return false;
    if (b.until <= this.now()) {
      this.bans.delete(peerId);
      return false;
    }
    return true;
  }

  /** A hard ban on this IP. */
  isBannedIp(ip: string): boolean {
    return this.list().some((b) => b.hard === true && b.address !== undefined && ipOf(b.address) === ip);
  }

  /** Any ban on this IP. */
  isDiscouraged(ip: string): boolean {
    return this.list().some((b) => b.address !== undefined && ipOf(b.address) === ip);
  }

  ban(peerId: string, reason: string, address: string | undefined, hard = false): Ban {
    const t = this.now();
    const b: Ban = { peerId, address, reason, since: t, until: t + this.durationMs, hard };
    this.bans.delete(peerId);
    this.bans.set(peerId, b);
    if (this.bans.size > MAX_BANS) this.bans.delete(this.bans.keys().next().value as string);
    this.save();
    return b;
  }

  unban(peerId: string): boolean {
    const had = this.bans.delete(peerId);
    if (had) this.save();
    return had;
  }

  list(): Ban[] {
    const t = this.now();
    return [...this.bans.values()].filter((b) => b.until > t);
  }

  private save(): void {
    if (this.path) writeJson(this.path, this.list());
  }
}
