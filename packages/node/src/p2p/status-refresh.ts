import type { PeerState } from './peer-state.js';

/** How often a peer's status is refreshed when nothing else has refreshed it. */
export const STATUS_INTERVAL_MS = 10_000;
/** Between timer firings, how much of the interval a status must be old before we refresh it ourselves. */
const STALE_SHARE = 0.9;

/**
 * The ready peers whose status we should refresh now. A status that crossed
 * the link either way within the interval (the peer's own refresh, a tip
 * announcement) already told both sides what ours would, so the two timers of
 * a link take turns instead of each opening a stream every interval: stream
 * set-up was most of an idle node's CPU. The side that asks records when it
 * asked (Handshake.exchange), and the 0.9 share keeps it on schedule despite
 * timer drift.
 */
export function peersDueForStatus(ready: readonly PeerState[], now: number, intervalMs: number): PeerState[] {
  const before = now - intervalMs * STALE_SHARE;
  // A time ahead of the clock (it was set back) proves nothing about freshness.
  return ready.filter((p) => p.statusAt <= before || p.statusAt > now);
}
