import { describe, expect, it } from 'vitest';
import { nextNonce, prunePending } from './verified-nonce';

describe('the nonce a wallet signs with', () => {
  it('is the verified nonce moved past its own pending sends', () => {
    expect(nextNonce(4n, [])).toBe(4n);
    expect(nextNonce(4n, [4n, 5n])).toBe(6n);
    expect(nextNonce(4n, [5n, 4n, 6n])).toBe(7n);
  });

  it('fills a gap left by a dropped send instead of skipping ahead', () => {
    expect(nextNonce(4n, [5n, 6n])).toBe(4n);
    expect(nextNonce(4n, [4n, 6n])).toBe(5n);
  });

  it('forgets sends the verified nonce covers and sends older than the time to live', () => {
    const now = 10_000_000;
    const list = [
      { nonce: 2n, at: now },
      { nonce: 4n, at: now - 2 * 60 * 60 * 1000 },
      { nonce: 5n, at: now - 1000 },
    ];
    expect(prunePending(list, 3n, now, 60 * 60 * 1000)).toEqual([{ nonce: 5n, at: now - 1000 }]);
  });

  it('keeps at most 64 entries, the newest', () => {
    const list = Array.from({ length: 100 }, (_, i) => ({ nonce: BigInt(i), at: 1 }));
    const kept = prunePending(list, 0n, 2, 60 * 60 * 1000);
    expect(kept.length).toBe(64);
    expect(kept[0]!.nonce).toBe(36n);
  });
});
