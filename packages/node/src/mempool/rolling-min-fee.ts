/** Seconds for the floor to halve while the pool is at least half full (Core's ROLLING_FEE_HALFLIFE). */
export const ROLLING_FEE_HALFLIFE = 12 * 3600;

/**
 * Bitcoin Core's rolling minimum fee (CTxMemPool::GetMinFee): evicting a transaction to make
 * room raises the fee rate every newcomer must pay to above the evicted one's, so each further
 * eviction costs more than the last. Without it, a full pool let anyone push out a transaction
 * by paying one unit more, again and again, for the price of transactions that are never mined.
 * The floor decays only after a block has been connected since the last raise, halving every
 * 12 hours, or every 3 (6) hours while the pool is under a quarter (half) full, and drops to
 * nothing once it is below half the increment.
 */
export class RollingMinFee {
  private rate = 0;
  private lastUpdate = 0;
  private blockSinceBump = false;

  /** `increment`: units per byte added to an evicted transaction's rate (the minimum relay fee rate). */
  constructor(private readonly increment: number) {}

  /** A transaction paying `rate` units per byte was evicted to make room. */
  evicted(rate: number): void {
    this.rate = Math.max(this.rate, rate + this.increment);
    this.blockSinceBump = false;
  }

  /**
   * Decay starts at the first block after a raise. Later blocks leave the clock alone: Core resets
   * it on every block too, but asks for the floor many times a second; here it is asked only when
   * a transaction or a client comes, and a reset per block would keep a quiet node's floor high
   * for days.
   */
  blockConnected(now: number): void {
    if (!this.blockSinceBump) this.lastUpdate = now;
    this.blockSinceBump = true;
  }

  /** The floor in units per byte now (0: none); `fullness` is the pool's share of its bound, 0 to 1. */
  current(now: number, fullness: number): number {
    if (!this.blockSinceBump || this.rate === 0) return this.rate;
    if (now > this.lastUpdate + 10) {
      const halflife = ROLLING_FEE_HALFLIFE / (fullness < 0.25 ? 4 : fullness < 0.5 ? 2 : 1);
      this.rate /= 2 ** ((now - this.lastUpdate) / halflife);
      this.lastUpdate = now;
      if (this.rate < Math.max(this.increment, 1) / 2) this.rate = 0;
    }
    return this.rate;
  }
}
