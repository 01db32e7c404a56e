import { describe, expect, it } from 'vitest';
import { hashToHex } from '@hackcoin/core';
import { DownloadMemory, MAX_STALL_MS, mayHave } from './download-sources.js';
import { FakePeers } from './test-peers.js';

describe('DownloadMemory', () => {
  it("doubles the stall time on each stall up to Core's 64 s, and eases it by 0.85 a chunk back to the default", () => {
    const m = new DownloadMemory(2_000);
    m.stalled();
    expect(m.stallMs).toBe(4_000);
    for (let i = 0; i < 10; i++) m.stalled();
    expect(m.stallMs).toBe(MAX_STALL_MS);
    m.eased();
    expect(m.stallMs).toBe(MAX_STALL_MS * 0.85);
    for (let i = 0; i < 100; i++) m.eased();
    expect(m.stallMs).toBe(2_000);
  });

  it('remembers failed and benched peers by their state: the same id reconnected is a new peer', () => {
    const peers = new FakePeers();
    const m = new DownloadMemory(2_000);
    const a = peers.add('a', { chainWork: 1n });
    const b = peers.add('b', { chainWork: 1n });
    m.fail(a);
    m.bench(b);
    expect([m.hasFailed(a), m.isBenched(a), m.hasFailed(b), m.isBenched(b)]).toEqual([true, false, false, true]);
    expect(m.hasFailed(peers.add('a', { chainWork: 1n }))).toBe(false);
  });
});

describe('mayHave', () => {
  const tip = new Uint8Array(32).fill(9);
  const wanted = { ids: new Set([hashToHex(tip)]), work: 1_000n };

  it('takes a peer whose best block is one of the blocks or that claims at least the trail’s work, not one claiming less', () => {
    const peers = new FakePeers();
    expect(mayHave(peers.add('on-trail', { chainWork: 10n, bestHash: tip }), wanted)).toBe(true);
    expect(mayHave(peers.add('heavier', { chainWork: 1_000n }), wanted)).toBe(true);
    expect(mayHave(peers.add('our-tip', { chainWork: 999n }), wanted)).toBe(false);
  });
});
