import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkOverview, SyncProgress } from '../../p2p/index.js';
import { ChainFixture } from '../../test-support/chain-fixture.js';
import { health } from './health.js';

function overview(sync: SyncProgress, bestKnownHeight: number, total = 3): NetworkOverview {
  return { peerId: 'me', addrs: [], peers: { inbound: Math.min(1, total), outbound: Math.max(0, total - 1), total }, sync, bestKnownHeight, addressBook: 0, bans: 0, compact: { received: 0, fromPoolOnly: 0, roundTrips: 0, txsFromPool: 0, txsRequested: 0, fullFallbacks: 0, forwardedEarly: 0 }, traffic: [] };
}

describe('GET /api/health verdicts', () => {
  let fx: ChainFixture | undefined;
  afterEach(async () => {
    await fx?.close();
  });

  it('is healthy when P2P is off or no peer offers more work, and unhealthy with the reason while syncing or stalled', async () => {
    fx = await ChainFixture.create();
    await fx.mine(2);
    const chain = fx.chain;
    const now = (chain.tip.header.time + 30) * 1000;
    expect(health({ chain }, now)).toEqual({ status: 'ok', synced: true, reason: null, height: 2, bestKnownHeight: 2, tipAgeSeconds: 30, peers: null });

    const synced = health({ chain, network: { overview: () => overview({ state: 'synced', height: 2, targetHeight: 2, progress: 1, peer: null }, 2) } }, now);
    expect(synced.status).toBe('ok');
    expect(synced.peers).toBe(3);

    const syncing = health({ chain, network: { overview: () => overview({ state: 'syncing', height: 2, targetHeight: 40, progress: 0.05, peer: 'p' }, 40) } }, now);
    expect(syncing).toMatchObject({ status: 'syncing', synced: false, reason: 'syncing: height 2 of 40', bestKnownHeight: 40 });

    const stalled = health({ chain, network: { overview: () => overview({ state: 'stalled', height: 2, targetHeight: 40, progress: 0.05, peer: 'p' }, 40) } }, now);
    expect(stalled.status).toBe('stalled');
    expect(stalled.reason).toMatch(/stalled at height 2 of 40/);

    const alone = health({ chain, network: { overview: () => overview({ state: 'stalled', height: 2, targetHeight: 40, progress: 0, peer: 'p' }, 40, 0) } }, now);
    expect(alone).toMatchObject({ status: 'stalled', synced: false, reason: 'sync stalled at height 2 of 40 (no peers left)', peers: 0 });
  });
});
