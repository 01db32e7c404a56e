import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChainEntry } from '../chain/entry.js';
import { MIN_GAP_MS, TipAnnouncer } from './announcer.js';
import { LIMITS } from './protocol.js';
import { PeerState } from './peer-state.js';
import { FakePeers } from './test-peers.js';

/** Only what the announcer reads of a tip. */
const entry = (height: number): ChainEntry => ({ id: `b${height}`, height, chainWork: BigInt(height) }) as ChainEntry;

function setup(gossip: { carried: Set<string>; subscribers: string[] } = { carried: new Set(), subscribers: [] }) {
  const chain = { tip: entry(0) };
  const peers = new FakePeers();
  const sent: { peerId: string; height: number }[] = [];
  const announcer = new TipAnnouncer({
    chain,
    peers,
    gossiped: (id) => gossip.carried.has(id),
    gossipPeers: () => gossip.subscribers,
    exchange: async (peerId) => {
      sent.push({ peerId, height: chain.tip.height });
      await new Promise((r) => setTimeout(r, 5));
      return true;
    },
  });
  return { chain, peers, sent, announcer };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('TipAnnouncer at a high block rate', () => {
  it('never announces to the peer the blocks came from, though its last status is stale and it already sent a later block', async () => {
    const { chain, peers, sent, announcer } = setup();
    const pool = peers.add('pool', { chainWork: 0n, height: 0 });
    for (let h = 1; h <= 1_000; h++) {
      // Block intake marks the sender before the block connects, so by block h's tip event it has sent h + 1 too.
      pool.knownBlock = `b${h}`;
      pool.delivered.add(`b${h}`);
      pool.knownBlock = `b${h + 1}`;
      pool.delivered.add(`b${h + 1}`);
      chain.tip = entry(h);
      announcer.announce();
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.filter((s) => s.peerId === 'pool')).toEqual([]);
  });

  it('sends a lagging peer a bounded number of statuses for 1,000 tips in a second, the last one carrying the final tip', async () => {
    const { chain, peers, sent, announcer } = setup();
    peers.add('behind', { chainWork: 0n, height: 0 });
    for (let h = 1; h <= 1_000; h++) {
      chain.tip = entry(h);
      announcer.announce();
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // One per MIN_GAP_MS over the second, plus the first at once and the follow-up after the last tip.
    expect(sent.length).toBeLessThanOrEqual(1_000 / MIN_GAP_MS + 2);
    expect(sent.map((s) => s.height)).toEqual([...sent.map((s) => s.height)].sort((a, b) => a - b));
    expect(sent.at(-1)).toEqual({ peerId: 'behind', height: 1_000 });
  });

  it('skips a peer whose status already shows the tip’s work', async () => {
    const { chain, peers, sent, announcer } = setup();
    peers.add('ahead', { chainWork: 5_000n, height: 5_000 });
    for (let h = 1; h <= 1_000; h++) {
      chain.tip = entry(h);
      announcer.announce();
    }
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([]);
  });
});

describe('TipAnnouncer next to gossip', () => {
  it('announces a tip gossip carries only to peers outside block gossip, and a synced tip to every peer lacking it', async () => {
    const gossip = { carried: new Set(['b1']), subscribers: ['meshed', 'subscribed'] };
    const { chain, peers, sent, announcer } = setup(gossip);
    for (const id of ['meshed', 'subscribed', 'legacy']) peers.add(id, { chainWork: 0n, height: 0 });
    chain.tip = entry(1);
    announcer.announce();
    await vi.advanceTimersByTimeAsync(MIN_GAP_MS);
    expect(sent).toEqual([{ peerId: 'legacy', height: 1 }]);

    sent.length = 0;
    // Block 2 came by sync: gossip does not forward it, so every peer behind hears of it.
    chain.tip = entry(2);
    announcer.announce();
    await vi.advanceTimersByTimeAsync(MIN_GAP_MS * 2);
    expect(sent.map((s) => s.peerId).sort()).toEqual(['legacy', 'meshed', 'subscribed']);
    expect(sent.every((s) => s.height === 2)).toBe(true);
  });
});

describe('flood accounting on the serving side', () => {
  it('does not flag a peer answering our statuses at 120 blocks/s for 60 s, each with a status, a headers and a blocks request', () => {
    const p = new PeerState('syncer', 'inbound', '/ip4/10.0.0.2/tcp/1', Date.now());
    const flagged: number[] = [];
    for (let ms = 0; ms < 60_000; ms += 1) {
      vi.setSystemTime(ms);
      // Its own announcements, coalesced to one per MIN_GAP_MS, each answered by our status.
      if (ms % MIN_GAP_MS === 0) {
        if (p.flooding()) flagged.push(ms);
        p.statusSent();
      }
      // Our announcement of each new block, then its headers and blocks requests.
      if (ms % 8 === 0) {
        p.statusSent();
        if (p.flooding(true)) flagged.push(ms);
        if (p.flooding(true)) flagged.push(ms);
      }
    }
    expect(flagged).toEqual([]);
  });

  it('still flags a flood of sync requests nobody invited, and one of statuses (which earn no credit for more statuses)', () => {
    vi.setSystemTime(0);
    const requests = new PeerState('flooder', 'inbound', '/ip4/10.0.0.3/tcp/1', 0);
    const sync = Array.from({ length: LIMITS.floodRequests + 1 }, () => requests.flooding(true));
    expect(sync.indexOf(true)).toBe(LIMITS.floodRequests);

    const statuses = new PeerState('chatter', 'inbound', '/ip4/10.0.0.4/tcp/1', 0);
    const flags = Array.from({ length: LIMITS.floodRequests + 1 }, () => {
      const f = statuses.flooding();
      statuses.statusSent();
      return f;
    });
    expect(flags.indexOf(true)).toBe(LIMITS.floodRequests);
  });
});
