import type { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';

/** The flood budget's window (see PeerState.flooding). */
const WINDOW_MS = 10_000;

/**
 * Keeps our requests to each peer within the flood budget honest peers hold
 * us to (LIMITS.floodRequests in any 10 s, counted over every request we
 * send them), leaving a quarter for statuses, headers and the rest: an
 * initial sync of small blocks asks faster than that, and the peer serving
 * it would ban us for it. Logs live as long as the peer's state does.
 */
export class RequestPacer {
  private readonly sent = new WeakMap<PeerState, number[]>();

  constructor(
    private readonly budget: number = Math.floor((LIMITS.floodRequests * 3) / 4),
    private readonly windowMs: number = WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a request to `peer` if it fits the budget; false, recording nothing, if it does not. */
  take(peer: PeerState): boolean {
    let log = this.sent.get(peer);
    if (!log) {
      log = [];
      this.sent.set(peer, log);
    }
    const t = this.now();
    while (log.length > 0 && log[0]! <= t - this.windowMs) log.shift();
    if (log.length >= this.budget) return false;
    log.push(t);
    return true;
  }
}
