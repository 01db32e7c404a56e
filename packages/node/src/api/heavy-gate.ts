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

/** Work dropped at the gate because its client went away while it waited; nobody is left to read the answer. */
export const abandoned = (): HttpError => new HttpError(499, 'the client closed the connection before its turn', 'client-gone');

const goneSignals = new WeakMap<FastifyReply, AbortSignal>();

/**
 * Aborted once the client of `reply` has gone (its connection closed) before the answer was sent.
 * The response's 'close' says so: the request's own 'close' comes as soon as its body is read.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const known = goneSignals.get(reply);
  if (known) return known;
  const controller = new AbortController();
  const res = reply.raw;
  // A connection that closed before the route ran has had its 'close' already.
  if (res.destroyed && !res.writableFinished) controller.abort();
  else {
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
  }
  goneSignals.set(reply, controller.signal);
  return controller.signal;
}

/**
 * The clients of work several requests share (one render of a block that every request for it waits
 * for): its signal aborts only once every one of them has gone. One that cannot leave (no signal)
 * keeps the work wanted for good. `settled()` drops its listeners once the work is over: one request
 * of /api/blockchain/full joins up to a thousand renders with its one signal, and each listener left
 * on it kept its render's controller for the request's life (and made Node warn of a leak).
 */
export class SharedInterest {
  private readonly controller = new AbortController();
  private present = 0;
  private held = false;
  private over = false;
  private readonly joined: { gone: AbortSignal; left: () => void }[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  join(gone: AbortSignal | undefined): void {
    if (this.over) return;
    if (!gone) this.held = true;
    else if (!gone.aborted) {
      this.present++;
      const left = (): void => {
        this.present--;
        this.leftAll();
      };
      gone.addEventListener('abort', left, { once: true });
      this.joined.push({ gone, left });
    }
    this.leftAll();
  }

  /** The shared work is over: nothing more to abort, so the clients' signals need not know of it. */
  settled(): void {
    this.over = true;
    for (const { gone, left } of this.joined.splice(0)) gone.removeEventListener('abort', left);
  }

  private leftAll(): void {
    if (this.present === 0 && !this.held) this.controller.abort();
  }
}

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

  /**
   * Runs `work` once a slot is free. Once `gone` aborts (its client went away, see clientGone) work
   * not yet started is dropped, refused with `abandoned`, and its place in line freed: closing the
   * sockets of 256 queued requests otherwise left the node to do every one of them.
   */
  async run<T>(work: () => Promise<T> | T, gone?: AbortSignal): Promise<T> {
    await this.acquire(gone);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(gone: AbortSignal | undefined): Promise<void> {
    if (gone?.aborted) return Promise.reject(abandoned());
    if (this.active < this.limits.concurrent) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.waiting) {
      return Promise.reject(busy('the node is busy with other large reads; retry later'));
    }
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        this.queue.splice(this.queue.indexOf(turn), 1);
        reject(abandoned());
      };
      const turn = (): void => {
        gone?.removeEventListener('abort', leave);
        resolve();
      };
      gone?.addEventListener('abort', leave, { once: true });
      this.queue.push(turn);
    });
  }

  private release(): void {
    // The slot passes straight to the next in line, so `active` never dips while others wait.
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}
