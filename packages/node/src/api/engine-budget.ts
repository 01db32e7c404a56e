import { HttpError } from './http-error.js';

/** Node-wide engine time for read-only calls and gas estimates; docs/api.md lists it. */
export const ENGINE_BUDGET = {
  /** A quarter of one core: blocks, relay and every other route keep the rest. */
  msPerWindow: 15_000,
  windowMs: 60_000,
};

/**
 * Contract calls and estimates run strangers' code on the main thread, up to a second each. The
 * per-IP rate limit bounds one address; this bounds them all together, so many addresses cannot
 * keep the node busy running contracts. When the window's time is spent, calls are refused with
 * 429 `engine-busy` until it turns. Exempt clients (loopback under RATE_LIMIT=remote) are never
 * refused, but their time counts.
 */
export class EngineBudget {
  private windowStart: number;
  private spent = 0;

  constructor(
    private readonly exempt: (ip: string) => boolean,
    private readonly limits = ENGINE_BUDGET,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
  }

  /** Time left in this window, in ms. */
  get remainingMs(): number {
    this.turn();
    return Math.max(0, this.limits.msPerWindow - this.spent);
  }

  /** Throws 429 engine-busy when the window's time is spent and `ip` is not exempt. */
  admit(ip: string): void {
    if (this.remainingMs > 0 || this.exempt(ip)) return;
    const retry = Math.ceil((this.windowStart + this.limits.windowMs - this.now()) / 1000);
    throw new HttpError(
      429,
      `contract engine busy: this node's ${this.limits.msPerWindow / 1000} s a minute for calls and estimates is spent; retry in ${retry} s`,
      'engine-busy',
    );
  }

  /** Runs `fn` (synchronous, as the engine is) and charges its time to the window. */
  measure<T>(fn: () => T): T {
    const start = this.now();
    try {
      return fn();
    } finally {
      this.turn();
      this.spent += this.now() - start;
    }
  }

  private turn(): void {
    const now = this.now();
    if (now - this.windowStart < this.limits.windowMs) return;
    this.windowStart = now;
    this.spent = 0;
  }
}
