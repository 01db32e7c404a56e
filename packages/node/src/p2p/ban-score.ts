/**
 * btcd's dynamic ban score: a persistent part that never decays (proven
 * misbehaviour such as invalid proof of work) plus a transient part that
 * halves every minute (noise such as unsolicited messages), so a burst of
 * spam bans a peer while the same messages spread over hours do not.
 */
const HALF_LIFE_MS = 60_000;
export const BAN_THRESHOLD = 100;

export class BanScore {
  private persistent = 0;
  private transient = 0;
  private updatedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.updatedAt = now();
  }

  get value(): number {
    return this.persistent + Math.floor(this.decayed(this.now()));
  }

  /** Adds to the score and returns the new total. */
  add(persistent: number, transient: number): number {
    const t = this.now();
    this.transient = this.decayed(t) + transient;
    this.updatedAt = t;
    this.persistent += persistent;
    return this.value;
  }

  private decayed(t: number): number {
    const dt = t - this.updatedAt;
    if (dt <= 0) return this.transient;
    return this.transient * Math.pow(0.5, dt / HALF_LIFE_MS);
  }
}

/**
 * Misbehaviour weights. A peer crosses the threshold at once for anything an
 * honest implementation never sends; timeouts score nothing, so a slow but
 * honest peer is only rotated out, never banned.
 */
export const PENALTY = {
  invalidPow: { persistent: 100, transient: 0 },
  invalidBlock: { persistent: 100, transient: 0 },
  /**
   * A block whose transactions repeat under its header's merkle root (CVE-2012-2459): its own
   * offence, not invalidBlock, because the hash it carries is the honest block's and is never
   * held invalid (Bitcoin Core's "mutated block").
   */
  mutatedBlock: { persistent: 100, transient: 0 },
  invalidTx: { persistent: 10, transient: 0 },
  oversized: { persistent: 100, transient: 0 },
  malformed: { persistent: 100, transient: 0 },
  wrongNetwork: { persistent: 100, transient: 0 },
  badHeaders: { persistent: 50, transient: 0 },
  invalidHeader: { persistent: 100, transient: 0 },
  /** Its status claimed more work than the headers it then sent add up to: honest peers' work only grows. */
  lowWork: { persistent: 100, transient: 0 },
  /** A sync round that told us nothing new (headers we already had): the peer is dropped from sync. */
  noProgress: { persistent: 50, transient: 0 },
  unsolicited: { persistent: 0, transient: 5 },
  requestFlood: { persistent: 0, transient: 2 },
} as const;

export type Offence = keyof typeof PENALTY;
