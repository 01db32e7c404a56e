import { describe, expect, it } from 'vitest';
import { PeerState } from './peer-state.js';
import { peersDueForStatus } from './status-refresh.js';

function peerWithStatusAt(id: string, at: number): PeerState {
  const p = new PeerState(id, 'outbound', '127.0.0.1', 0);
  p.statusAt = at;
  return p;
}

describe('peersDueForStatus', () => {
  it('skips peers whose status crossed the link within the interval, either way', () => {
    const now = 100_000;
    const fresh = peerWithStatusAt('fresh', now - 3_000);
    const stale = peerWithStatusAt('stale', now - 12_000);
    const never = peerWithStatusAt('never', 0);
    expect(peersDueForStatus([fresh, stale, never], now, 10_000).map((p) => p.peerId)).toEqual(['stale', 'never']);
  });

  it('lets two linked timers take turns: one exchange per interval, not two', () => {
    // A fires at 0, 10 s, 20 s…; B 4 s later. An exchange sets statusAt on both sides.
    const interval = 10_000;
    const aView = peerWithStatusAt('b', 0);
    const bView = peerWithStatusAt('a', 0);
    let exchanges = 0;
    const fire = (view: PeerState, t: number) => {
      if (peersDueForStatus([view], t, interval).length === 0) return;
      exchanges++;
      aView.statusAt = t;
      bView.statusAt = t;
    };
    for (let k = 1; k <= 10; k++) {
      fire(aView, k * interval);
      fire(bView, k * interval + 4_000);
    }
    expect(exchanges).toBe(10);
    // And nobody goes longer than an interval without one.
    expect(peersDueForStatus([aView], 11 * interval, interval)).toHaveLength(1);
  });

  it('keeps a slow link on schedule: the asking side dates the status when it asked', () => {
    const interval = 10_000;
    const rtt = 1_500;
    const aView = peerWithStatusAt('b', 0);
    let exchanges = 0;
    for (let k = 1; k <= 10; k++) {
      if (peersDueForStatus([aView], k * interval, interval).length === 0) continue;
      exchanges++;
      aView.statusAt = k * interval; // the reply lands at k * interval + rtt
    }
    expect(exchanges).toBe(10);
    // Dated on arrival, every other tick would have been skipped.
    expect(peersDueForStatus([peerWithStatusAt('b', interval + rtt)], 2 * interval, interval)).toHaveLength(0);
  });

  it('treats a status dated ahead of the clock (the clock was set back) as due', () => {
    expect(peersDueForStatus([peerWithStatusAt('p', 50_000)], 20_000, 10_000)).toHaveLength(1);
  });
});
