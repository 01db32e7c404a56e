import { describe, expect, it } from 'vitest';
import { TrafficCounter } from './traffic.js';

describe('TrafficCounter', () => {
  it('sums bytes per protocol and direction, and snapshots are copies', () => {
    const t = new TrafficCounter();
    t.add('/hackcoin/regtest/sync/1.0.0', 'in', 100);
    t.add('/hackcoin/regtest/sync/1.0.0', 'out', 40);
    t.add('/hackcoin/regtest/sync/1.0.0', 'in', 5);
    t.add('hackcoin/regtest/txs/1', 'out', 7);
    const snap = t.snapshot();
    expect(snap).toEqual([
      { protocol: '/hackcoin/regtest/sync/1.0.0', bytesIn: 105, bytesOut: 40 },
      { protocol: 'hackcoin/regtest/txs/1', bytesIn: 0, bytesOut: 7 },
    ]);
    snap[0]!.bytesIn = 0;
    expect(t.snapshot()[0]!.bytesIn).toBe(105);
  });
});
