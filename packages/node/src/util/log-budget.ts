/**
 * Bounds the lines that strangers' actions print. A peer's misbehaviour or ban is worth a line, but
 * identities cost nothing: one line each let a flood of sybils grow the log (and whatever collects
 * it) at their rate, as Core limits its own log (-ratelimitlogging). Up to `perWindow` lines print
 * in each window; the rest are counted and reported as one line when the next window opens.
 */
export class LogBudget {
  private windowStart = -Infinity;
  private used = 0;
  private held = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a line may print now. At a new window, `report` first hears how many the last one held back. */
  take(report: (held: number) => void): boolean {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      if (this.held > 0) report(this.held);
      this.windowStart = t;
      this.used = 0;
      this.held = 0;
    }
    if (this.used < this.perWindow) {
      this.used++;
      return true;
    }
    this.held++;
    return false;
  }
}
