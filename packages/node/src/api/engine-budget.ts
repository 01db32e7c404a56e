import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';
import { clientKey } from '../util/client-key.js';
import type { ExemptRequest } from './client-exemption.js';

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

/** Engine time held for one admitted request: charged when admitted, settled by what its runs take. */
export interface EngineReservation {
  /** Runs `fn` (synchronous, as the engine is) and charges its time, out of the reservation first. */
  measure<T>(fn: () => T): T;
  /** Gives back what the runs left of the reservation, unless the window it was charged to has turned. */
  release(): void;
}

/**
 * Contract calls and estimates run strangers' code on the main thread, up to a second each. The
 * per-IP rate limit bounds one address's requests, not their cost; this bounds engine time: each
 * client to its share of the window, and all of them together to the window. A client past its
 * share, or anyone once the window is spent, is refused with 429 `engine-busy` until it turns.
 * Exempt clients (loopback under RATE_LIMIT=remote, not a same-host proxy's; see exemptRequests) are
 * never refused, but their time counts in the total.
 *
 * Admission charges a reservation (the run's wall cap) at once: requests wait on reads between
 * admission and their run, and charging only measured time admitted every request that arrived
 * meanwhile against the same unspent share.
 */
export class EngineBudget {
  private windowStart: number;
  /** Counts window turns: a reservation charged to an earlier window is forgotten with it. */
  private window = 0;
  private spent = 0;
  /**
   * Time per client key this window. Cleared as the window turns; a key is added only by a run that
   * passed the rate limit and this budget, so it holds at most the clients served in one minute.
   */
  private readonly byClient = new Map<string, number>();

  constructor(
    private readonly exempt: ExemptRequest,
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

  /**
   * Throws 429 engine-busy when `req` is not exempt and the window's time, or its client's share, is
   * spent (reservations included); otherwise charges `reserveMs` to both until released.
   */
  admit(req: FastifyRequest, reserveMs: number): EngineReservation {
    const client = this.exempt(req) ? undefined : clientKey(req.ip);
    if (client !== undefined) this.refuseIfSpent(client);
    this.turn();
    this.charge(client, reserveMs);
    const window = this.window;
    let held = reserveMs;
    return {
      measure: <T>(fn: () => T): T => {
        const start = this.now();
        try {
          return fn();
        } finally {
          const took = this.now() - start;
          this.turn();
          if (this.window !== window) held = 0;
          const covered = Math.min(held, took);
          held -= covered;
          this.charge(client, took - covered);
        }
      },
      release: () => {
        this.turn();
        if (this.window === window) this.charge(client, -held);
        held = 0;
      },
    };
  }

  private refuseIfSpent(client: string): void {
    const share = this.limits.msPerWindow * this.limits.clientShare;
    let why: string | undefined;
    if (this.remainingMs <= 0) why = `this node's ${seconds(this.limits.msPerWindow)} a minute for calls and estimates is spent`;
    else if ((this.byClient.get(client) ?? 0) >= share) why = `this address's share (${seconds(share)} a minute) of calls and estimates is spent`;
    if (why === undefined) return;
    const retry = Math.ceil((this.windowStart + this.limits.windowMs - this.now()) / 1000);
    throw new HttpError(429, `contract engine busy: ${why}; retry in ${retry} s`, 'engine-busy');
  }

  private charge(client: string | undefined, ms: number): void {
    this.spent += ms;
    if (client !== undefined) this.byClient.set(client, (this.byClient.get(client) ?? 0) + ms);
  }

  private turn(): void {
    const now = this.now();
    if (now - this.windowStart < this.limits.windowMs) return;
    this.windowStart = now;
    this.window++;
    this.spent = 0;
    this.byClient.clear();
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
