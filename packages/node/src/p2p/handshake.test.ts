import { describe, expect, it } from 'vitest';
import { Handshake, type HandshakeDeps } from './handshake.js';
import type { Exchange } from './libp2p.js';
import { encodeStatus, type StatusMessage } from './messages.js';
import { LIMITS } from './protocol.js';
import { FakePeers, testLog } from './test-peers.js';
import type { Wire } from './wire.js';

const status: StatusMessage = {
  network: 'regtest',
  chainId: 0,
  genesis: new Uint8Array(32),
  bestHash: new Uint8Array(32),
  height: 0,
  chainWork: 1n,
  agent: 'test',
  listenAddrs: [],
};

function handshake(peers: FakePeers, over: Partial<HandshakeDeps> = {}): Handshake {
  return new Handshake({
    wire: { penalise: () => undefined, request: async () => encodeStatus(status) } as unknown as Wire,
    protocol: '/hackcoin/regtest/status/1.0.0',
    peers,
    log: testLog,
    local: () => status,
    network: 'regtest',
    chainId: 0,
    genesis: new Uint8Array(32),
    hangUp: () => undefined,
    seat: () => true,
    onForeign: () => undefined,
    onStatus: () => undefined,
    ...over,
  });
}

function incoming(peerId: string): Exchange {
  return {
    peerId,
    read: async () => encodeStatus(status),
    write: async () => undefined,
    writeRaw: async () => undefined,
    close: async () => undefined,
    abort: () => undefined,
  };
}

/** Sync requests `p` may make before the flood count calls it a flood. */
function allowance(peers: FakePeers, peerId: string): number {
  const p = peers.get(peerId)!;
  let n = 0;
  while (!p.flooding(true)) n++;
  return n;
}

describe('status exchange and the flood count', () => {
  it('lets a status we sent invite a few sync requests past the flood count, and one the peer sent none', async () => {
    const peers = new FakePeers();
    peers.add('we-asked', { chainWork: 1n });
    peers.add('it-told', { chainWork: 1n });
    const h = handshake(peers);
    expect(await h.exchange('we-asked')).toBe(true);
    // A peer that sent us 100 statuses bought no requests with them.
    for (let i = 0; i < 100; i++) await h.serve(incoming('it-told'));
    expect(peers.offencesOf('it-told')).toEqual([]);
    expect(allowance(peers, 'it-told')).toBe(LIMITS.floodRequests - 100);
    expect(allowance(peers, 'we-asked')).toBeGreaterThan(LIMITS.floodRequests);
  });

  it('asks for a seat at a peer\'s first status only, and hangs up one refused before it counts as connected', async () => {
    const peers = new FakePeers();
    const p = peers.add('newcomer', { chainWork: 1n }, 'inbound');
    p.status = undefined;
    const asked: string[] = [];
    const hungUp: string[] = [];
    const connected: string[] = [];
    let room = false;
    const h = handshake(peers, {
      seat: (q) => {
        asked.push(q.peerId);
        return room;
      },
      hangUp: (id) => void hungUp.push(id),
      onStatus: (q, first) => void (first && connected.push(q.peerId)),
    });
    await h.serve(incoming('newcomer'));
    expect({ asked, hungUp, connected, ready: p.ready }).toEqual({ asked: ['newcomer'], hungUp: ['newcomer'], connected: [], ready: false });
    room = true;
    await h.serve(incoming('newcomer'));
    await h.serve(incoming('newcomer'));
    expect({ asked, connected, ready: p.ready }).toEqual({ asked: ['newcomer', 'newcomer'], connected: ['newcomer'], ready: true });
  });
});
