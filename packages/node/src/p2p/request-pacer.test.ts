import { describe, expect, it } from 'vitest';
import { PeerState } from './peer-state.js';
import { LIMITS } from './protocol.js';
import { RequestPacer } from './request-pacer.js';

describe('RequestPacer', () => {
  it('allows each peer three quarters of the flood budget in any 10 s, and more as its oldest requests age out', () => {
    let t = 0;
    const pacer = new RequestPacer(undefined, undefined, () => t);
    const a = new PeerState('a', 'outbound', '/ip4/10.0.0.1/tcp/1', 0);
    const b = new PeerState('b', 'outbound', '/ip4/10.0.0.2/tcp/1', 0);
    const budget = (LIMITS.floodRequests * 3) / 4;
    let granted = 0;
    for (let i = 0; i < LIMITS.floodRequests; i++) {
      if (pacer.take(a)) granted++;
      t += 10;
    }
    expect(granted).toBe(budget);
    expect(pacer.take(b)).toBe(true);
    t = 10_000; // the first request is exactly 10 s old
    expect(pacer.take(a)).toBe(true);
    expect(pacer.take(a)).toBe(false);
    t = 10_000 + budget * 10;
    let later = 0;
    while (pacer.take(a)) later++;
    expect(later).toBe(budget - 1);
  });
});
