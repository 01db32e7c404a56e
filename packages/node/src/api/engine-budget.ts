import { HttpError } from './http-error.js';
import { clientKey } from '../util/client-key.js';

/** Engine time for read-only calls and gas estimates; docs/api.md lists it. */
export const ENGINE_BUDGET = {
  /** A quarter of one core: blocks, relay and every other route keep the rest. */
  msPerWindow: 15_000,
  windowMs: 60_000,
  /**
   * The most of a window one client (see clientKey) may use: with one node-wide budget alone, two
   * addresses spending it refused everyone else. Eight clients at their share fill the window.
   */
  clientShare: 1 / 8,
};

/**
 * Contract calls and estimates run strangers' code on the main thread, up to a second each. The
 * per-IP rate limit bounds one address's requests, not their cost; this bounds engine time: each
 * client to its share of the window, and all of them together to the window. A client past its
 * share, or anyone once the window is spent, is refused with 429 `engine-busy` until it turns.
 * Exempt clients (loopback under RATE_LIMIT=remote) are never refused, but their time counts in the total.
 */
export class EngineBudget {
  private windowStart: number;
  private spent = 0;
  /**
   * Time per client key this window. Cleared as the window turns; a key is added only by a run that
   * passed the rate limit and this budget, so it holds at most the clients served in one minute.
   */
  private readonly byClient = new Map<string, number>();

  constructor(
    private readonly exempt: (ip: string) => boolean,
    private readonly limits = ENGINE_BUDGET,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
  }

  /** Node-wide time left in this window, in ms. */
  get remainingMs(): number {
    this.turn();
    return Math.max(0, this.limits.msPerWindow - this.spent);
  }

  /** Throws 429 engine-busy when `ip` is not exempt and the window's time, or its client's share, is spent. */
  admit(ip: string): void {
    if (this.exempt(ip)) return;
    const share = this.limits.msPerWindow * this.limits.clientShare;
    let why: string | undefined;
    if (this.remainingMs <= 0) why = `this node's ${seconds(this.limits.msPerWindow)} a minute for calls and estimates is spent`;
    else if ((this.byClient.get(clientKey(ip)) ?? 0) >= share) why = `this address's share (${seconds(share)} a minute) of calls and estimates is spent`;
    if (why === undefined) return;
    const retry = Math.ceil((this.windowStart + this.limits.windowMs - this.now()) / 1000);
    throw new HttpError(429, `contract engine busy: ${why}; retry in ${retry} s`, 'engine-busy');
  }

  /** Runs `fn` (synchronous, as the engine is) for `ip` and charges its time to the window and to its client. */
  measure<T>(ip: string, fn: () => T): T {
    const start = this.now();
    try {
      return fn();
    } finally {
      this.turn();
      const took = this.now() - start;
      this.spent += took;
      if (!this.exempt(ip)) {
        const key = clientKey(ip);
        this.byClient.set(key, (this.byClient.get(key) ?? 0) + took);
      }
    }
  }

  private turn(): void {
    const now = this.now();
    if (now - this.windowStart < this.limits.windowMs) return;
    this.windowStart = now;
    this.spent = 0;
    this.byClient.clear();
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
