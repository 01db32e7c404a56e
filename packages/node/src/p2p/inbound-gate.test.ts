import { describe, expect, it } from 'vitest';
import { createLogger } from '../util/logger.js';
import { INBOUND } from './eviction.js';
import { InboundGate } from './inbound-gate.js';
import { PeerState } from './peer-state.js';

const NOW = 10_000_000;

const gate = (peers: PeerState[] = [], hungUp: string[] = [], clock = { now: NOW }): InboundGate =>
  new InboundGate({
    peers: { all: () => peers },
    bans: { isBannedIp: (ip) => ip === '198.51.100.66', isDiscouraged: () => false },
    maxInbound: 64,
    secret: 'test',
    hangUp: (id) => void hungUp.push(id),
    log: createLogger('test', true),
    now: () => clock.now,
  });

const inbound = (id: string, ip: string, connectedAt: number): PeerState => new PeerState(id, 'inbound', `/ip4/${ip}/tcp/9000`, connectedAt);

/** Every peer's connection, as libp2p's gater counts them, plus any still in their handshake. */
const openOf = (peers: PeerState[], pending: string[] = []): Map<string, number> => {
  const open = new Map<string, number>();
  for (const ip of [...peers.map((p) => /\/ip4\/([^/]+)/.exec(p.address)![1]!), ...pending]) open.set(ip, (open.get(ip) ?? 0) + 1);
  return open;
};

describe('InboundGate.admit', () => {
  it('counts connections still in their handshake against the per-IP and per-netgroup limits, before any peer is in the table', () => {
    const g = gate();
    // Eight silent sockets from eight addresses of one /16: no peer yet, every pending slot theirs.
    const open = new Map(Array.from({ length: 8 }, (_, i) => [`203.0.113.${10 + i}`, 1]));
    expect(g.admit('203.0.114.200', open)).toBe(false);
    expect(g.admit('198.51.100.7', open)).toBe(true);
    // Per address: four at most.
    expect(g.admit('198.51.100.7', new Map([['198.51.100.7', 4]]))).toBe(false);
    expect(g.admit('198.51.100.7', new Map([['198.51.100.7', 3]]))).toBe(true);
    // Banned addresses never; the shared loopback address (a local devnet) is not limited.
    expect(g.admit('198.51.100.66', new Map())).toBe(false);
    expect(g.admit('127.0.0.1', new Map([['127.0.0.1', 40]]))).toBe(true);
  });

  it('counts an IPv4 host once, whether a dual-stack listener reports it as a.b.c.d or as ::ffff:a.b.c.d', () => {
    const g = gate();
    const open = new Map([
      ['198.51.100.7', 2],
      ['::ffff:198.51.100.7', 2],
    ]);
    expect(g.admit('198.51.100.7', open)).toBe(false);
    expect(g.admit('::ffff:198.51.100.7', open)).toBe(false);
    expect(g.admit('::ffff:c633:6407', new Map([['198.51.100.7', 4]]))).toBe(false);
    expect(g.admit('198.51.100.8', open)).toBe(true);
    expect(g.admit('::ffff:198.51.100.66', new Map())).toBe(false);
    expect(g.admit('::ffff:127.0.0.1', new Map([['127.0.0.1', 40]]))).toBe(true);
  });

  it("lets a newcomer take an idle peer's place when its netgroup is full, evicting only in that group", () => {
    // Eight idle peers hold 203.0/16 (a8 the youngest); younger peers of other groups are not in play.
    const holders = Array.from({ length: 8 }, (_, i) => inbound(`a${i + 1}`, `203.0.113.${i + 1}`, NOW - 600_000 + i));
    const others = Array.from({ length: 20 }, (_, i) => inbound(`o${i}`, `198.${51 + i}.0.1`, NOW - 1_000));
    const peers = [...holders, ...others];
    const hungUp: string[] = [];
    const clock = { now: NOW };
    const g = gate(peers, hungUp, clock);
    expect(g.admit('203.0.200.9', openOf(peers))).toBe(true);
    expect(hungUp).toEqual(['a8']);
    // a8 not gone yet, the newcomer in its handshake: a second newcomer gets no second eviction.
    expect(g.admit('203.0.200.10', openOf(peers, ['203.0.200.9']))).toBe(false);
    expect(hungUp).toEqual(['a8']);

    // a8 gone, the newcomer in: within the minute the group gives up no second peer, however many
    // sockets it opens (a burst of bare TCP connections hung up one settled peer each).
    // (n1 is 5 s old a minute on.)
    peers.splice(peers.indexOf(holders[7]!), 1, inbound('n1', '203.0.200.9', NOW + INBOUND.tenureMs - 5_000));
    for (let i = 0; i < 5; i++) expect(g.admit(`203.0.201.${i}`, openOf(peers))).toBe(false);
    expect(hungUp).toEqual(['a8']);

    // A minute on, the next displaces an idle holder, never the newcomer within its tenure.
    clock.now = NOW + INBOUND.tenureMs;
    holders[6]!.lastBlockAt = clock.now - 1_000;
    expect(g.admit('203.0.200.10', openOf(peers))).toBe(true);
    expect(hungUp).toEqual(['a8', 'a6']);
  });

  it('never lets a discouraged address displace a peer', () => {
    const holders = Array.from({ length: 8 }, (_, i) => inbound(`a${i + 1}`, `203.0.113.${i + 1}`, NOW - 600_000 + i));
    const hungUp: string[] = [];
    const g = new InboundGate({
      peers: { all: () => holders },
      bans: { isBannedIp: () => false, isDiscouraged: (ip) => ip === '203.0.200.66' },
      maxInbound: 64,
      secret: 'test',
      hangUp: (id) => void hungUp.push(id),
      log: createLogger('test', true),
      now: () => NOW,
    });
    expect(g.admit('203.0.200.66', openOf(holders))).toBe(false);
    expect(hungUp).toEqual([]);
    expect(g.admit('203.0.200.9', openOf(holders))).toBe(true);
    expect(hungUp).toEqual(['a8']);
  });

  it('refuses a newcomer to a full netgroup while every peer of it is protected or within its tenure', () => {
    const young = Array.from({ length: 8 }, (_, i) => inbound(`y${i}`, `203.0.113.${i + 1}`, NOW - INBOUND.tenureMs + 1_000 + i));
    const hungUp: string[] = [];
    expect(gate(young, hungUp).admit('203.0.200.9', openOf(young))).toBe(false);
    expect(hungUp).toEqual([]);
  });
});
