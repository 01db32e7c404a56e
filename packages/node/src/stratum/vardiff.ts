export interface VarDiffOptions {
  /** Floor for the share difficulty (the block difficulty still wins when it is lower). */
  min: number;
  /** A higher floor that follows the block difficulty (the ceiling), e.g. the pool's PPLNS window over its record bound. */
  floorFor?: (ceiling: number) => number;
  /** Aimed-at seconds between one connection's shares. */
  targetSeconds: number;
  /** Seconds of shares (or silence) between reviews. */
  reviewSeconds: number;
}

/** A burst this large is a reliable rate estimate: review at once instead of waiting out the window. */
const BURST_SHARES = 16;
/**
 * Shares a window needs before its rate is trusted. Shares arrive as a Poisson process, so a
 * 15 s window at one share per 5 s held about 3, whose rate is off by half or double one time
 * in four: a steady miner was retargeted every 18 s (204 times an hour in a simulation), each
 * time with a clean notify. With 8 the estimate is within the band below ~95 % of the time.
 */
const MIN_SHARES = 8;
/** A window this many review periods long is judged on whatever shares it has (a slow miner). */
const LONG_WINDOWS = 4;
/** Silence this many target intervals long (1 in 55 for a miner at the right difficulty) eases the difficulty down. */
const SILENT_INTERVALS = 4;
/** A rate within this factor of the aim is left alone: a change costs the miner its work in flight. */
const BAND = 2;
/** Largest step per review: one lucky or unlucky window cannot swing the difficulty wildly. */
const MAX_STEP = 4;

/**
 * Per-connection variable difficulty. It aims at one share every
 * `targetSeconds`, moves up and down by at most 4× per review, and never
 * exceeds the block difficulty it is given: a share that meets the block
 * target is a block, so a harder share target would only hide blocks.
 */
export class VarDiff {
  private shares = 0;
  /** Credited difficulty summed over the window: the miner's work, whatever difficulty each share was judged at. */
  private work = 0;
  private windowStart: number;

  constructor(
    private current: number,
    private readonly o: VarDiffOptions,
    now = Date.now(),
  ) {
    this.windowStart = now;
  }

  get difficulty(): number {
    return this.current;
  }

  /** Brings the difficulty within [min, ceiling], the ceiling (block difficulty) winning; returns it. */
  clamp(ceiling: number): number {
    this.current = Math.min(ceiling, Math.max(this.floor(ceiling), this.current));
    return this.current;
  }

  private floor(ceiling: number): number {
    return Math.max(this.o.min, this.o.floorFor?.(ceiling) ?? 0);
  }

  /**
   * The miner's own estimate (mining.suggest_difficulty), brought within bounds by the next clamp:
   * ASIC firmware sends it so as not to start at a difficulty it outruns. The window restarts from it.
   */
  suggest(difficulty: number, now = Date.now()): void {
    this.current = difficulty;
    this.restart(now);
  }

  /**
   * One step up at once, the window restarted: the miner outran the pool's submit budget, and
   * a review would wait for shares the pool refuses. Returns the new difficulty, or null at the
   * ceiling.
   */
  raise(ceiling: number, now = Date.now()): number | null {
    const before = this.current;
    this.current *= MAX_STEP;
    if (this.clamp(ceiling) <= before) return null;
    this.restart(now);
    return this.current;
  }

  private restart(now: number): void {
    this.shares = 0;
    this.work = 0;
    this.windowStart = now;
  }

  /** Records an accepted share credited at `credited`; returns a new difficulty when it should change. */
  onShare(credited: number, ceiling: number, now = Date.now()): number | null {
    this.shares++;
    this.work += credited;
    return this.review(ceiling, now);
  }

  /**
   * Re-evaluates the rate: after a burst, or once a review window has passed
   * (also with no shares at all, so a miner that finds nothing is eased down).
   */
  review(ceiling: number, now = Date.now()): number | null {
    const elapsed = (now - this.windowStart) / 1000;
    if (!this.due(elapsed)) {
      const before = this.current;
      return this.clamp(ceiling) === before ? null : this.current;
    }
    // The rate is work per second, not shares per second: a miner still sending shares at a difficulty it was
    // told before a raise sends more of them for the same work, and counting them would raise it again and again.
    const wanted = this.work === 0 ? this.current / MAX_STEP : (this.work / Math.max(elapsed, 0.001)) * this.o.targetSeconds;
    const stepped = Math.min(this.current * MAX_STEP, Math.max(this.current / MAX_STEP, wanted));
    this.restart(now);
    const next = Math.min(ceiling, Math.max(this.floor(ceiling), stepped));
    const inBand = wanted <= this.current * BAND && wanted >= this.current / BAND;
    if ((inBand || next === this.current) && this.current <= ceiling) return null;
    this.current = next;
    return next;
  }

  /** Whether the window has enough to go on: a burst, enough shares over a review period, a long window, or a long silence. */
  private due(elapsed: number): boolean {
    if (this.shares >= BURST_SHARES) return true;
    if (elapsed < this.o.reviewSeconds) return false;
    if (this.shares === 0) return elapsed >= Math.max(this.o.reviewSeconds, SILENT_INTERVALS * this.o.targetSeconds);
    return this.shares >= MIN_SHARES || elapsed >= LONG_WINDOWS * this.o.reviewSeconds;
  }
}
