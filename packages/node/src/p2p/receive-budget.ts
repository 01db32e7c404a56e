import type { Held } from './send-budget.js';

/**
 * Room for six full blocks answers (~10.4 MB each) at once: a download buffers at most
 * DOWNLOAD.windowBytes of blocks ahead of the chain, so more in flight does not speed a sync,
 * and three honest sources with two requests each (DOWNLOAD.chunksPerPeer) fit it whole.
 */
export const RECEIVE_BUDGET_BYTES = 64 * 1024 * 1024;

/** Room held for one answer, which may also be grown at once when the budget has the room free. */
export interface ReceiveHeld extends Held {
  /** Holds `bytes` in all if that much more is free now (never waiting, never past the limit); whether it now does. */
  grow(bytes: number): boolean;
}

interface Waiter {
  peerId: string;
  want: number;
  floor: number;
  resolve: (held: ReceiveHeld) => void;
}

/**
 * Bytes our blocks requests allow their answers, node-wide, counted from the request until its
 * answer is read or given up. An answer is buffered as it arrives, for up to the request's
 * timeout, so 16 streams from each of 64 peers trickling frames just under the old ~10.4 MB cap
 * held gigabytes. Within the budget a request gets what it asks for; past it, a peer with
 * nothing in flight still gets room for one block (`floor`), so an honest sync goes on however
 * many strangers fill the budget, and a peer already holding room waits for a release, its own
 * or another's, in arrival order. What all peers hold together is the budget plus one block each.
 */
export class ReceiveBudget {
  private held = 0;
  private readonly byPeer = new Map<string, number>();
  private waiting: Waiter[] = [];

  constructor(readonly limit: number) {}

  get used(): number {
    return this.held;
  }

  /** Room for an answer from `peerId` of at most `want` bytes and at least `floor` (one block's answer, at most `want`). */
  take(peerId: string, want: number, floor: number): Promise<ReceiveHeld> {
    const bytes = this.grant(peerId, want, floor);
    if (bytes !== undefined) return Promise.resolve(this.hold(peerId, bytes));
    return new Promise((resolve) => this.waiting.push({ peerId, want, floor, resolve }));
  }

  private grant(peerId: string, want: number, floor: number): number | undefined {
    const free = this.limit - this.held;
    if (free >= floor) return Math.min(want, free);
    return this.byPeer.has(peerId) ? undefined : Math.min(want, floor);
  }

  private hold(peerId: string, bytes: number): ReceiveHeld {
    let counted = 0;
    let released = false;
    const count = (n: number): void => {
      this.held += n - counted;
      const mine = (this.byPeer.get(peerId) ?? 0) + n - counted;
      if (mine > 0) this.byPeer.set(peerId, mine);
      else this.byPeer.delete(peerId);
      counted = n;
    };
    count(bytes);
    return {
      get bytes() {
        return counted;
      },
      grow: (n: number) => {
        if (released) return false;
        if (n <= counted) return true;
        if (n - counted > this.limit - this.held) return false;
        count(n);
        return true;
      },
      resize: (n: number) => {
        if (released) return;
        const shrunk = n < counted;
        count(n);
        if (shrunk) this.wake();
      },
      release: () => {
        if (released) return;
        released = true;
        count(0);
        this.wake();
      },
    };
  }

  private wake(): void {
    const still: Waiter[] = [];
    for (const w of this.waiting) {
      const bytes = this.grant(w.peerId, w.want, w.floor);
      if (bytes === undefined) still.push(w);
      else w.resolve(this.hold(w.peerId, bytes));
    }
    this.waiting = still;
  }
}
