import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Node-wide bounds on work that reads blocks or contract storage from disk or renders answers of
 * megabytes. Per-client rate limits bound how much of it a client may ask for in a minute, not how
 * much runs at once: 40 storage pages read together held 2.7 GB and 100 killed the node.
 */
export const HEAVY_LIMITS = {
  /** Pieces of heavy work running at once; the rest wait their turn. */
  concurrent: 4,
  /** Requests waiting for a turn; past this they are refused 503 busy rather than queued without end. */
  waiting: 256,
};
export type HeavyLimits = typeof HEAVY_LIMITS;

/** How long a client refused for want of a turn is told to wait. */
export const BUSY_RETRY_SECONDS = 5;

/**
 * Books `bytes` of an answer against the response budget (response-budget.ts) before it is made, so a
 * refusal costs nothing to render; throws 503 busy when the budget cannot take it.
 */
export type ReserveAnswer = (req: FastifyRequest, reply: FastifyReply, bytes: number) => void;

export const busy = (message: string): HttpError => new HttpError(503, message, 'busy', { 'retry-after': String(BUSY_RETRY_SECONDS) });

/**
 * The one gate every heavy route passes. Work must not enter the gate from inside it (a render
 * waiting for a slot its own caller holds would wait forever), so each route gates the innermost read
 * or render and nothing around it.
 */
export class HeavyGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  /** Most pieces of work that have run at once. */
  peak = 0;

  constructor(
    private readonly limits: HeavyLimits = HEAVY_LIMITS,
    /** Without a response budget (tests of a route alone) nothing is booked. */
    readonly reserve: ReserveAnswer = () => undefined,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `work` once a slot is free. */
  async run<T>(work: () => Promise<T> | T): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limits.concurrent) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.waiting) {
      return Promise.reject(busy('the node is busy with other large reads; retry later'));
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    // The slot passes straight to the next in line, so `active` never dips while others wait.
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}
