import { describe, expect, it } from 'vitest';
import { nextNonce, prunePending, recordSent, spendableAfter } from './verified-nonce';

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

describe('what a verified balance leaves to spend', () => {
  it('is the proven balance less the amount and fee of each send still pending, never below 0', () => {
    const pending = [
      { nonce: 4n, at: 1, spend: 1_000n },
      { nonce: 5n, at: 1, spend: 250n },
      // Stored before spends were kept: counted as nothing rather than guessed.
      { nonce: 6n, at: 1 },
    ];
    expect(spendableAfter(10_000n, pending)).toEqual({ available: 8_750n, pendingSpend: 1_250n });
    expect(spendableAfter(10_000n, [])).toEqual({ available: 10_000n, pendingSpend: 0n });
    expect(spendableAfter(1_000n, pending)).toEqual({ available: 0n, pendingSpend: 1_250n });
  });

  it('keeps each send\'s spend in localStorage beside its nonce, replacing a resent nonce', () => {
    const address = '0x00000000000000000000000000000000000000aa';
    recordSent('regtest', address, 0n, 1_000n);
    recordSent('regtest', address, 1n, 2_000n);
    recordSent('regtest', address, 1n, 3_000n);
    const stored = JSON.parse(localStorage.getItem(`hackcoin:pending-nonces:regtest:${address}`)!) as { nonce: string; spend: string }[];
    expect(stored.map((p) => [p.nonce, p.spend])).toEqual([
      ['0', '1000'],
      ['1', '3000'],
    ]);
    localStorage.clear();
  });
});
