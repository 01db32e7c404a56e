/** Exponential moving average of a hash rate, fed with (hashes, milliseconds) samples. */
export class RateMeter {
  private rate = 0;
  private last = 0;

  constructor(private readonly halfLifeMs = 5_000) {}

  add(hashes: number, ms: number, now = Date.now()): void {
    if (ms <= 0) return;
    const sample = (hashes * 1000) / ms;
    const alpha = this.last === 0 ? 1 : 1 - Math.pow(0.5, ms / this.halfLifeMs);
    this.rate = this.rate + alpha * (sample - this.rate);
    this.last = now;
  }

  /** Hashes per second; decays to zero when no samples arrive. */
  value(now = Date.now()): number {
    if (this.last === 0) return 0;
    const idle = now - this.last;
    return idle > 3 * this.halfLifeMs ? 0 : this.rate;
  }

  reset(): void {
    this.rate = 0;
    this.last = 0;
  }
}
