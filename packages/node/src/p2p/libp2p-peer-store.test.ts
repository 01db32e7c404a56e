import { afterEach, describe, expect, it, vi } from 'vitest';
import './shim.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { multiaddr } from '@multiformats/multiaddr';

/** The libp2p node inside the host, to read its peer store. */
const created: Libp2p[] = [];
vi.mock('libp2p', async (original) => {
  const m = await original<typeof import('libp2p')>();
  return { ...m, createLibp2p: async (...args: Parameters<typeof m.createLibp2p>) => {
    const n = await m.createLibp2p(...args);
    created.push(n);
    return n;
  } };
});
const { createHost } = await import('./libp2p.js');

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  created.length = 0;
});

describe('libp2p peer store', () => {
  it('keeps no record of a peer once it disconnects: a stranger reconnecting under fresh keys leaves nothing behind', async () => {
    const host = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 32, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test' });
    stops.push(() => host.stop());
    const node = created[0]!;
    const target = multiaddr(host.addrs()[0]!);
    for (let i = 0; i < 12; i++) {
      const stranger = await createLibp2p({
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify() },
        nodeInfo: { userAgent: `stranger-${i}-${'A'.repeat(3000)}` },
      });
      await stranger.dial(target);
      // identify has run once the host knows the stranger's agent.
      for (let t = 0; t < 100 && !(await node.peerStore.has(stranger.peerId)); t++) await new Promise((r) => setTimeout(r, 20));
      expect(await node.peerStore.has(stranger.peerId)).toBe(true);
      await stranger.stop();
      for (let t = 0; t < 100 && node.getConnections(stranger.peerId).length > 0; t++) await new Promise((r) => setTimeout(r, 20));
      for (let t = 0; t < 50 && (await node.peerStore.has(stranger.peerId)); t++) await new Promise((r) => setTimeout(r, 20));
      expect(await node.peerStore.has(stranger.peerId)).toBe(false);
    }
    expect((await node.peerStore.all()).length).toBe(0);
  }, 60_000);
});
