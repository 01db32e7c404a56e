import type { PeerState } from './peer-state.js';

/** Between timer firings, how much of the interval a status must be old before we refresh it ourselves. */
const STALE_SHARE = 0.9;

/**
 * The ready peers whose status we should refresh now. A status that crossed
 * the link either way within the interval (the peer's own refresh, a tip
 * announcement) already told both sides what ours would, so the two timers of
 * a link take turns instead of each opening a stream every interval: stream
 * set-up was most of an idle node's CPU. The 0.9 share keeps the side that
 * refreshed last on schedule despite timer drift.
 */
export function peersDueForStatus(ready: readonly PeerState[], now: number, intervalMs: number): PeerState[] {
  const before = now - intervalMs * STALE_SHARE;
  return ready.filter((p) => p.statusAt <= before);
}
