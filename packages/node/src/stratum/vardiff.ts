/**
 * Per-connection variable difficulty: aims for one share every
 * `targetSeconds`, re-evaluated every `windowSeconds`, moving at most 4× at a
 * time so a burst of luck does not swing it wildly.
 */
export class VarDiff {
  private shares = 0;
  private windowStart = Date.now();

  constructor(
    public difficulty: number,
    private readonly min: number,
    private readonly max: number,
    private readonly targetSeconds = 10,
    private readonly windowSeconds = 30,
  ) {}

  /** Records an accepted share; returns a new difficulty when it should change. */
  onShare(now = Date.now()): number | null {
    this.shares++;
    const elapsed = (now - this.windowStart) / 1000;
    if (elapsed < this.windowSeconds && this.shares < 4 * (this.windowSeconds / this.targetSeconds)) return null;
    const rate = this.shares / Math.max(elapsed, 1);
    const wanted = this.difficulty * rate * this.targetSeconds;
    const next = Math.min(this.max, Math.max(this.min, Math.min(this.difficulty * 4, Math.max(this.difficulty / 4, wanted))));
    this.shares = 0;
    this.windowStart = now;
    if (Math.abs(next - this.difficulty) / this.difficulty < 0.2) return null;
    this.difficulty = next;
    return next;
  }
}
