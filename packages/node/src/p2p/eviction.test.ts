import { describe, expect, it } from 'vitest';
import { GROUP_PROTECTION, selectEviction, type EvictionCandidate } from './eviction.js';

const base = (i: number, over: Partial<EvictionCandidate> = {}): EvictionCandidate => ({
  peerId: `p${i}`,
  group: `g${i}`,
  latencyMs: undefined,
  connectedAt: 1_000 + i,
  lastBlockAt: 0,
  lastTxAt: 0,
  discouraged: false,
  ...over,
});

const rankByName = (g: string) => Number(g.slice(1)) || 0;

describe('inbound eviction (Core rules)', () => {
  it('evicts the newest peer of the most crowded netgroup, sparing the useful and the long-connected', () => {
    const honest = Array.from({ length: 12 }, (_, i) => base(i, { latencyMs: 5 + i }));
    const attackers = Array.from({ length: 20 }, (_, i) => base(100 + i, { group: 'evil', latencyMs: 500, connectedAt: 5_000 + i }));
    const victim = selectEviction([...honest, ...attackers], rankByName);
    expect(victim).toBe('p119');
  });

  it('protects recent block and transaction senders even when slow and new', () => {
    const crowd = Array.from({ length: 30 }, (_, i) => base(i, { group: 'crowd', latencyMs: 10 }));
    const blockSender = base(200, { group: 'crowd', latencyMs: 900, connectedAt: 9_999, lastBlockAt: 50 });
    const txSender = base(201, { group: 'crowd', latencyMs: 900, connectedAt: 9_998, lastTxAt: 50 });
    const victim = selectEviction([...crowd, blockSender, txSender], rankByName);
    expect(victim).not.toBe('p200');
    expect(victim).not.toBe('p201');
    expect(victim).toMatch(/^p\d+$/);
  });

  it('prefers a discouraged peer among the unprotected', () => {
    const peers = Array.from({ length: 40 }, (_, i) => base(i, { group: `g${i % 3}` }));
    expect(selectEviction(peers, rankByName)).toBe('p39');
    peers[30] = { ...peers[30]!, discouraged: true };
    peers[31] = { ...peers[31]!, discouraged: true };
    expect(['p30', 'p31']).toContain(selectEviction(peers, rankByName));
  });

  it('evicts nobody when every peer is protected', () => {
    expect(selectEviction([base(1), base(2), base(3)], rankByName)).toBeUndefined();
  });

  it('within one netgroup, protects one peer per rule and the older half, and evicts only where allowed', () => {
    // Eight idle peers of one group: Core's table numbers would protect them all.
    const idle = Array.from({ length: 8 }, (_, i) => base(i, { group: 'g', latencyMs: 20 + i }));
    expect(selectEviction(idle, rankByName)).toBeUndefined();
    expect(selectEviction(idle, rankByName, GROUP_PROTECTION)).toBe('p7');
    // Fresh peers spared still fill the older half, which then keeps the one long-connected peer.
    const fresh = Array.from({ length: 7 }, (_, i) => base(10 + i, { group: 'g', connectedAt: 9_000 + i }));
    const settled = base(1, { group: 'g' });
    expect(selectEviction([settled, ...fresh], rankByName, GROUP_PROTECTION, (c) => c.connectedAt < 9_000)).toBeUndefined();
    expect(selectEviction([settled, ...fresh], rankByName, GROUP_PROTECTION)).toBe('p16');
  });
});
