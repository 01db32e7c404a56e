import { readJson, writeJson } from './json-file.js';

export interface Ban {
  peerId: string;
  address?: string;
  reason: string;
  since: number;
  until: number;
}

/**
 * Time-limited bans by peer id, persisted so a restart does not forgive.
 * Not by IP: devnets and tests run every node on 127.0.0.1, where an IP ban
 * would cut off the honest nodes too.
 */
export class BanList {
  private readonly bans = new Map<string, Ban>();

  constructor(
    private readonly path: string,
    private readonly durationMs: number,
  ) {
    for (const b of readJson<Ban[]>(path, [])) if (b.until > Date.now()) this.bans.set(b.peerId, b);
  }

  isBanned(peerId: string): boolean {
    const b = this.bans.get(peerId);
    if (!b) return false;
    if (b.until <= Date.now()) {
      this.bans.delete(peerId);
      return false;
    }
    return true;
  }

  ban(peerId: string, reason: string, address?: string): Ban {
    const now = Date.now();
    const b: Ban = { peerId, address, reason, since: now, until: now + this.durationMs };
    this.bans.set(peerId, b);
    this.save();
    return b;
  }

  unban(peerId: string): boolean {
    const had = this.bans.delete(peerId);
    if (had) this.save();
    return had;
  }

  list(): Ban[] {
    return [...this.bans.values()].filter((b) => b.until > Date.now());
  }

  private save(): void {
    writeJson(this.path, this.list());
  }
}
