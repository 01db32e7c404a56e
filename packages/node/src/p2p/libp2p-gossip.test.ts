import { afterEach, describe, expect, it, vi } from 'vitest';
import './shim.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { gossipsub } from '@libp2p/gossipsub';
import { RPC } from '@libp2p/gossipsub/message';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { Stream } from '@libp2p/interface';
import { randomBytes } from 'node:crypto';
import { sha256 } from '@hackcoin/core';
import type { Host, HostOptions } from './libp2p.js';

/** Every libp2p node made here, to reach the gossipsub inside a host. */
const created: Libp2p[] = [];
vi.mock('libp2p', async (original) => {
  const m = await original<typeof import('libp2p')>();
  return {
    ...m,
    createLibp2p: async (...args: Parameters<typeof m.createLibp2p>) => {
      const n = await m.createLibp2p(...args);
      created.push(n);
      return n;
    },
  };
});
const { createHost } = await import('./libp2p.js');

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  created.length = 0;
});

const TOPIC = 't';

/** What a host's gossipsub holds, read from the instance. */
interface GossipState {
  streamsOutbound: Map<string, unknown>;
  seenCache: { size: number; entries: Map<string, { validUntilMs: number }> };
  score: { peerStats: Map<string, unknown>; peerIPs: Map<string, unknown> };
  peers: Map<string, unknown>;
  /** Per topic, when each peer's backoff ends (ms). */
  backoff: Map<string, Map<string, number>>;
  getSubscribers(topic: string): { toString(): string }[];
}

async function host(extra: Partial<HostOptions> = {}): Promise<{ host: Host; gossip: GossipState; heard: Uint8Array[] }> {
  const h = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 64, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test', topics: [TOPIC], heartbeatMs: 100, ...extra });
  stops.push(() => h.stop());
  const node = created.find((n) => n.peerId.toString() === h.peerId)!;
  const heard: Uint8Array[] = [];
  h.subscribe(TOPIC, async (_from, data) => {
    heard.push(data);
    return 'accept';
  });
  return { host: h, gossip: (node.services as { pubsub: unknown }).pubsub as GossipState, heard };
}

async function until(ok: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let serial = 0;
/** One gossipsub RPC as it goes on the stream (varint length first): `n` distinct 8-byte messages on our topic. */
function rpc(n: number, subscribe = false): Uint8Array {
  const messages = Array.from({ length: n }, () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat64(0, ++serial);
    return { topic: TOPIC, data };
  });
  return frame(RPC.encode({ subscriptions: subscribe ? [{ topic: TOPIC, subscribe: true }] : [], messages }));
}

/** An RPC of subscriptions alone, as framed on the stream. */
function subscriptions(...subs: { topic: string; subscribe: boolean }[]): Uint8Array {
  return frame(RPC.encode({ subscriptions: subs, messages: [] }));
}

function frame(body: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  for (let len = body.length; ; len >>>= 7) {
    if (len < 0x80) {
      prefix.push(len);
      break;
    }
    prefix.push((len & 0x7f) | 0x80);
  }
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** A fresh-key stranger with a bare gossip stream open to the host, as the flood came: no status handshake, no gossipsub of its own. */
async function stranger(target: Host): Promise<{ id: string; stream: Stream }> {
  const client = await createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] });
  stops.push(async () => {
    await client.stop();
  });
  await client.dial(multiaddr(target.addrs()[0]!));
  const stream = await client.dialProtocol(peerIdFromString(target.peerId), '/meshsub/1.1.0');
  return { id: client.peerId.toString(), stream };
}

/** A plain gossipsub peer (no HackCoin wrapper, no status handshake) with our message ids, on `topics`, and the RPCs it receives. */
async function remote(opts: Record<string, unknown> = {}, topics = ['t', 'b']) {
  const received: RPC[] = [];
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign', msgIdFn: (msg) => sha256(msg.data), allowPublishToZeroTopicPeers: true, ...opts }),
    },
  });
  stops.push(async () => {
    await node.stop();
  });
  const pubsub = node.services.pubsub as unknown as {
    subscribe(topic: string): void;
    publish(topic: string, data: Uint8Array): Promise<unknown>;
    sendRpc(id: string, rpc: RPC): boolean;
    streamsOutbound: Map<string, unknown>;
    mesh: Map<string, Set<string>>;
    getSubscribers(topic: string): { toString(): string }[];
    handleReceivedRpc(from: unknown, rpc: RPC): Promise<void>;
  };
  const handle = pubsub.handleReceivedRpc.bind(pubsub);
  pubsub.handleReceivedRpc = async (from, rpc) => {
    received.push(rpc);
    await handle(from, rpc);
  };
  for (const topic of topics) pubsub.subscribe(topic);
  return { node, pubsub, received };
}

describe('gossip from peers that have not completed our handshake', () => {
  it('stores none of their messages and validates none, holds their subscriptions for the handshake and takes their gossip once they have', async () => {
    const handshaked = new Set<string>();
    const { host: h, gossip, heard } = await host({ handshaked: (id) => handshaked.has(id) });
    const s = await stranger(h);
    s.stream.send(rpc(300, true));
    await until(() => h.heldSubscriptions() === 1);
    expect(h.heldSubscriptions()).toBe(1);
    // Held, not given to gossipsub: it would graft a subscriber into our mesh.
    expect(gossip.getSubscribers(TOPIC)).toEqual([]);
    // Messages ride in the same RPC as the subscription: had they been taken, they would be in by now.
    await sleep(300);
    expect(gossip.seenCache.size).toBe(0);
    expect(heard).toHaveLength(0);

    handshaked.add(s.id);
    h.peerReady(s.id);
    expect(gossip.getSubscribers(TOPIC).map(String)).toEqual([s.id]);
    expect(h.heldSubscriptions()).toBe(0);
    s.stream.send(rpc(300));
    await until(() => heard.length === 300);
    expect(heard).toHaveLength(300);
    expect(gossip.seenCache.size).toBe(300);
    // Each id is kept 30 s, not gossipsub's 2 minutes: a handshaked peer's junk holds a half-minute of its upload.
    const kept = Math.max(...[...gossip.seenCache.entries.values()].map((e) => e.validUntilMs)) - Date.now();
    expect(kept).toBeGreaterThan(25_000);
    expect(kept).toBeLessThanOrEqual(30_000);
  });

  it('takes nothing more from a peer once it is banned, though it is still connected', async () => {
    const banned = new Set<string>();
    const { host: h, gossip, heard } = await host({ isBanned: (id) => banned.has(id), handshaked: () => true });
    const s = await stranger(h);
    s.stream.send(rpc(10, true));
    await until(() => heard.length === 10);
    banned.add(s.id);
    s.stream.send(rpc(300));
    await sleep(300);
    expect(heard).toHaveLength(10);
    expect(gossip.seenCache.size).toBe(10);
  });

  it('drops whole an RPC of more messages than an honest peer sends in one, storing none of them', async () => {
    const { host: h, gossip, heard } = await host({ handshaked: () => true });
    const s = await stranger(h);
    s.stream.send(rpc(5_000, true));
    s.stream.send(rpc(384));
    await until(() => heard.length === 384);
    await sleep(300);
    expect(heard).toHaveLength(384);
    expect(gossip.seenCache.size).toBe(384);
  });

  it('takes the last word per topic held before the handshake (an unsubscribe cancels the subscribe), and what comes after it as it comes', async () => {
    const handshaked = new Set<string>();
    const { host: h, gossip } = await host({ topics: [TOPIC, 'b'], handshaked: (id) => handshaked.has(id) });
    const s = await stranger(h);
    s.stream.send(subscriptions({ topic: TOPIC, subscribe: true }, { topic: 'b', subscribe: true }, { topic: 'not ours', subscribe: true }));
    s.stream.send(subscriptions({ topic: TOPIC, subscribe: false }));
    await until(() => h.heldSubscriptions() === 1);
    await sleep(200);
    handshaked.add(s.id);
    h.peerReady(s.id);
    expect(gossip.getSubscribers(TOPIC)).toEqual([]);
    expect(gossip.getSubscribers('b').map(String)).toEqual([s.id]);
    expect(gossip.getSubscribers('not ours')).toEqual([]);
    s.stream.send(subscriptions({ topic: TOPIC, subscribe: true }));
    await until(() => gossip.getSubscribers(TOPIC).length === 1);
    expect(gossip.getSubscribers(TOPIC).map(String)).toEqual([s.id]);
    expect(h.heldSubscriptions()).toBe(0);
  });

  it('grafts an honest peer whose subscriptions came before its handshake at the handshake, and relays to it at once', async () => {
    const handshaked = new Set<string>();
    const a = await host({ handshaked: (id) => handshaked.has(id) });
    const b = await host({ handshaked: (id) => handshaked.has(id) });
    await a.host.dial(b.host.addrs()[0]!);
    // Gossip streams open both ways, each side's subscriptions sent on them and held by the other.
    await until(() => a.host.heldSubscriptions() === 1 && b.host.heldSubscriptions() === 1 && a.gossip.streamsOutbound.has(b.host.peerId) && b.gossip.streamsOutbound.has(a.host.peerId));
    expect([a.host.heldSubscriptions(), b.host.heldSubscriptions()]).toEqual([1, 1]);
    await sleep(300);
    expect([a.host.topicPeers(TOPIC), b.host.topicPeers(TOPIC), a.host.meshPeers(TOPIC), b.host.meshPeers(TOPIC)]).toEqual([[], [], [], []]);
    expect(await a.host.publish(TOPIC, new TextEncoder().encode('before the handshake'))).toBe(0);

    // As network.ts does it: the listener takes the dialer's status first, then the dialer the listener's answer.
    handshaked.add(a.host.peerId);
    b.host.peerReady(a.host.peerId);
    handshaked.add(b.host.peerId);
    a.host.peerReady(b.host.peerId);
    // In each other's mesh there and then, not a heartbeat later.
    expect(a.host.meshPeers(TOPIC)).toEqual([b.host.peerId]);
    expect(b.host.meshPeers(TOPIC)).toEqual([a.host.peerId]);
    expect(a.host.topicPeers(TOPIC)).toEqual([b.host.peerId]);
    const tx = new TextEncoder().encode('a transaction batch');
    expect(await a.host.publish(TOPIC, tx)).toBe(1);
    expect(await b.host.publish(TOPIC, new TextEncoder().encode('and back'))).toBe(1);
    await until(() => b.heard.length === 1 && a.heard.length === 1);
    expect(b.heard.map((d) => new TextDecoder().decode(d))).toEqual(['a transaction batch']);
    expect(a.heard.map((d) => new TextDecoder().decode(d))).toEqual(['and back']);
  });
});

describe('mesh slots', () => {
  it('never go to peers that subscribe but never complete our handshake, on any topic: an honest peer that does takes them', async () => {
    const handshaked = new Set<string>();
    const h = await host({ topics: ['t', 'b'], handshaked: (id) => handshaked.has(id) });
    h.host.subscribe('b', async () => 'accept');
    const strangers: Awaited<ReturnType<typeof remote>>[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await remote();
      await r.node.dial(multiaddr(h.host.addrs()[0]!));
      strangers.push(r);
    }
    const ids = strangers.map((r) => r.node.peerId.toString());
    // Each has its gossip stream to us open, its subscriptions sent on it, and ours to it is open: all gossipsub wants to graft it.
    await until(() => strangers.every((r) => r.pubsub.streamsOutbound.has(h.host.peerId)) && ids.every((id) => h.gossip.streamsOutbound.has(id)));
    expect(ids.every((id) => h.gossip.streamsOutbound.has(id))).toBe(true);
    const grafted = new Set<string>();
    // Six heartbeats: gossipsub grafts a subscriber at once, and at each heartbeat while the mesh is below Dlo.
    for (const end = Date.now() + 600; Date.now() < end; await sleep(10)) {
      for (const topic of ['t', 'b']) for (const id of h.host.meshPeers(topic)) grafted.add(id);
    }
    expect([...grafted]).toEqual([]);
    expect(['t', 'b'].map((topic) => h.gossip.getSubscribers(topic))).toEqual([[], []]);
    expect(h.host.heldSubscriptions()).toBe(4);

    const honest = await remote();
    await honest.node.dial(multiaddr(h.host.addrs()[0]!));
    const id = honest.node.peerId.toString();
    await until(() => h.host.heldSubscriptions() === 5 && h.gossip.streamsOutbound.has(id));
    handshaked.add(id);
    h.host.peerReady(id);
    expect(['t', 'b'].map((topic) => h.host.meshPeers(topic))).toEqual([[id], [id]]);
    await sleep(300);
    expect(['t', 'b'].map((topic) => h.host.meshPeers(topic))).toEqual([[id], [id]]);
  });

  it('hold no subscriptions for a peer once it has left or been banned: none pile up across connections under fresh keys', async () => {
    const banned = new Set<string>();
    const h = await host({ topics: ['t', 'b'], handshaked: () => false, isBanned: (id) => banned.has(id) });
    for (let i = 0; i < 30; i++) {
      const r = await remote();
      await r.node.dial(multiaddr(h.host.addrs()[0]!));
      const id = r.node.peerId.toString();
      await until(() => h.host.heldSubscriptions() === 1);
      expect(h.host.heldSubscriptions()).toBe(1);
      if (i % 3 === 0) {
        banned.add(id);
        await h.host.hangUp(id);
      } else await r.node.stop();
      await until(() => h.host.heldSubscriptions() === 0);
      expect(h.host.heldSubscriptions()).toBe(0);
    }
    await until(() => h.gossip.peers.size === 0);
    expect(h.gossip.peers.size).toBe(0);
    expect(h.gossip.getSubscribers('t')).toEqual([]);
  }, 30_000);
});

describe('gossipsub score records', () => {
  it('keeps none for a peer once it has left: strangers opening a gossip stream under fresh keys leave nothing behind', async () => {
    const { host: h, gossip } = await host();
    for (let i = 0; i < 20; i++) {
      const client = await createLibp2p({
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify(), pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign' }) },
      });
      await client.dial(multiaddr(h.addrs()[0]!));
      await until(() => gossip.peers.has(client.peerId.toString()));
      expect(gossip.peers.has(client.peerId.toString())).toBe(true);
      await client.stop();
    }
    await until(() => gossip.peers.size === 0 && gossip.score.peerStats.size === 0);
    expect(gossip.peers.size).toBe(0);
    expect(gossip.score.peerStats.size).toBe(0);
    expect(gossip.score.peerIPs.size).toBe(0);
  }, 30_000);
});

describe('IHAVE from a peer on a busy topic', () => {
  /** Our host on topics `t` and `b`, with a remote gossipsub connected to it (the host dialled it) and gossip streams open both ways. */
  async function pair(remoteOpts: Record<string, unknown> = {}) {
    const h = await host({ topics: ['t', 'b'] });
    const blocks: string[] = [];
    h.host.subscribe('b', async (_from, data) => {
      blocks.push(new TextDecoder().decode(data));
      return 'accept';
    });
    const r = await remote(remoteOpts);
    await h.host.dial(r.node.getMultiaddrs()[0]!.toString());
    const hid = h.host.peerId;
    await until(() => r.pubsub.streamsOutbound.has(hid) && ['t', 'b'].every((t) => r.pubsub.getSubscribers(t).some((p) => p.toString() === hid)) && h.host.topicPeers('b').length === 1);
    return { ...h, blocks, r };
  }

  it('takes an IHAVE of 200 transaction batches in one heartbeat, and the blocks-topic IHAVE riding in the same RPC', async () => {
    // A relay that keeps us out of its mesh (its D is 0 and we dialled it, so it prunes our GRAFT): what it takes from
    // a publisher reaches us only as IHAVE at its heartbeat, one RPC with an entry per topic, listing every id of the
    // last three heartbeats.
    const { heard, blocks, r, gossip } = await pair({ D: 0, Dlo: 0, Dhi: 0, Dout: 0, Dscore: 0, Dlazy: 6, heartbeatInterval: 200 });
    const publisher = await remote();
    await publisher.node.dial(r.node.getMultiaddrs()[0]!);
    const rid = r.node.peerId.toString();
    await until(() => ['t', 'b'].every((t) => publisher.pubsub.getSubscribers(t).some((p) => p.toString() === rid)) && publisher.pubsub.streamsOutbound.has(rid));
    for (let i = 0; i < 200; i++) await publisher.pubsub.publish('t', new TextEncoder().encode(`tx batch ${i}`));
    await publisher.pubsub.publish('b', new TextEncoder().encode('a block'));
    await until(() => blocks.length === 1 && heard.length === 200);
    expect(blocks).toEqual(['a block']);
    // 128 at a heartbeat, the ones we lack first: all 200 within the three heartbeats their ids are gossiped.
    expect(heard).toHaveLength(200);
    expect(gossip.seenCache.size).toBe(201);
    // All of it by IHAVE/IWANT, each IWANT within what one RPC of its answer may carry.
    const asked = r.received.flatMap((rpc) => rpc.control?.iwant ?? []).map((w) => w.messageIDs.length);
    expect(asked.reduce((x, y) => x + y, 0)).toBe(201);
    expect(Math.max(...asked)).toBeLessThanOrEqual(128 + 1);
  });

  it('asks for at most 128 of the 1,000 ids of one IHAVE entry, and 384 in all, keeping the GRAFT that came with them', async () => {
    const { host: h, r } = await pair();
    const ids = (n: number) => Array.from({ length: n }, () => randomBytes(32));
    const entries = [ids(1_000), ids(1_000), ids(1_000), ids(1_000)];
    const rpcsBefore = r.received.length;
    expect(
      r.pubsub.sendRpc(h.peerId, {
        subscriptions: [],
        messages: [],
        control: { ihave: entries.map((messageIDs, i) => ({ topicID: i % 2 === 0 ? 't' : 'b', messageIDs })), iwant: [], graft: [{ topicID: 'b' }], prune: [], idontwant: [] },
      }),
    ).toBe(true);
    await until(() => r.received.slice(rpcsBefore).some((rpc) => (rpc.control?.iwant.length ?? 0) > 0));
    const asked = r.received.slice(rpcsBefore).flatMap((rpc) => rpc.control?.iwant ?? []).flatMap((w) => w.messageIDs.map((id) => Buffer.from(id).toString('hex')));
    const perEntry = entries.map((list) => {
      const hex = new Set(list.map((id) => Buffer.from(id).toString('hex')));
      return asked.filter((id) => hex.has(id)).length;
    });
    expect(perEntry.every((n) => n <= 128)).toBe(true);
    expect(asked).toHaveLength(384);
    expect(new Set(asked).size).toBe(384);
    // The GRAFT in the same RPC was taken: the remote is in our blocks mesh.
    await until(() => h.meshPeers('b').includes(r.node.peerId.toString()));
    expect(h.meshPeers('b')).toContain(r.node.peerId.toString());
  });
});

describe('IWANT from a stock gossipsub peer', () => {
  it('answers the first 384 of 1,000 ids asked for in one RPC, across its entries, and takes the GRAFT riding in it', async () => {
    // Heartbeats 2 s apart: the message cache keeps what we publish for five of them.
    const { host: h } = await host({ topics: ['t', 'b'], heartbeatMs: 2_000 });
    h.subscribe('b', async () => 'accept');
    const published = Array.from({ length: 1_000 }, (_, i) => new TextEncoder().encode(`tx batch ${i}`));
    for (const data of published) await h.publish('t', data);
    // Subscribed to `t` alone, so nothing but its GRAFT puts it in our `b` mesh; connected after the publishing, so
    // every message it receives from us is an answer to its IWANT.
    const r = await remote({}, ['t']);
    const rid = r.node.peerId.toString();
    await h.dial(r.node.getMultiaddrs()[0]!.toString());
    await until(() => r.pubsub.streamsOutbound.has(h.peerId) && h.topicPeers('t').includes(rid));
    expect(h.meshPeers('b')).toEqual([]);

    const ids = published.map((data) => sha256(data));
    const rpcsBefore = r.received.length;
    const answered = () => r.received.slice(rpcsBefore).flatMap((rpc) => rpc.messages.map((m) => new TextDecoder().decode(m.data)));
    expect(
      r.pubsub.sendRpc(h.peerId, {
        subscriptions: [],
        messages: [],
        // As many as an IHAVE of ours lists, which stock gossipsub asks for in one RPC.
        control: { ihave: [], iwant: [{ messageIDs: ids.slice(0, 300) }, { messageIDs: ids.slice(300) }], graft: [{ topicID: 'b' }], prune: [], idontwant: [] },
      }),
    ).toBe(true);
    await until(() => h.meshPeers('b').includes(rid) && answered().length >= 384);
    await sleep(300);
    expect(h.meshPeers('b')).toEqual([rid]);
    expect(answered().sort()).toEqual(published.slice(0, 384).map((data) => new TextDecoder().decode(data)).sort());
  });
});

describe('GRAFT from a peer that has not completed our handshake', () => {
  it('grafts the peer once it completes it, where its subscription alone would not; a stranger that never does is never grafted and leaves nothing held', async () => {
    const handshaked = new Set<string>();
    const h = await host({ handshaked: (id) => handshaked.has(id) });
    const hid = h.host.peerId;
    // Dlo (3) mesh peers: a subscription no longer grafts its peer, a GRAFT still does up to Dhi (6).
    const members: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await remote({}, ['t']);
      members.push(r.node.peerId.toString());
      handshaked.add(r.node.peerId.toString());
      await r.node.dial(multiaddr(h.host.addrs()[0]!));
    }
    await until(() => h.host.meshPeers('t').length === 3);
    expect(h.host.meshPeers('t').sort()).toEqual([...members].sort());

    // Each subscribes, sees our subscription and GRAFTs us at once, before any handshake.
    const late = await remote({}, ['t']);
    const lateId = late.node.peerId.toString();
    await late.node.dial(multiaddr(h.host.addrs()[0]!));
    const strange = await remote({}, ['t']);
    const strangeId = strange.node.peerId.toString();
    await strange.node.dial(multiaddr(h.host.addrs()[0]!));
    // And one that sends a GRAFT alone, on ours and on a topic we do not use.
    const bare = await stranger(h.host);
    bare.stream.send(frame(RPC.encode({ subscriptions: [], messages: [], control: { ihave: [], iwant: [], graft: [{ topicID: 't' }, { topicID: 'not ours' }], prune: [], idontwant: [] } })));
    await until(() => [late, strange].every((r) => r.pubsub.mesh.get('t')?.has(hid)) && h.host.heldSubscriptions() === 3);
    const grafted = new Set<string>();
    for (const end = Date.now() + 600; Date.now() < end; await sleep(10)) for (const id of h.host.meshPeers('t')) grafted.add(id);
    expect([...grafted].sort()).toEqual([...members].sort());

    handshaked.add(lateId);
    h.host.peerReady(lateId);
    expect(h.host.meshPeers('t').sort()).toEqual([...members, lateId].sort());
    // The strangers' held: the one that sent a GRAFT alone counts too.
    expect(h.host.heldSubscriptions()).toBe(2);
    await sleep(300);
    expect(h.host.meshPeers('t').sort()).toEqual([...members, lateId].sort());
    expect(late.pubsub.mesh.get('t')?.has(hid)).toBe(true);

    await strange.node.stop();
    await h.host.hangUp(bare.id);
    await until(() => h.host.heldSubscriptions() === 0);
    expect(h.host.heldSubscriptions()).toBe(0);
    expect([strangeId, bare.id].filter((id) => h.gossip.peers.has(id) || h.host.meshPeers('t').includes(id))).toEqual([]);
  });

  it('forgets a held GRAFT the peer PRUNEd before its handshake: it has left the link a replay would restore', async () => {
    const handshaked = new Set<string>();
    const h = await host({ handshaked: (id) => handshaked.has(id) });
    const control = (graft: string[], prune: string[]) =>
      frame(RPC.encode({ subscriptions: [], messages: [], control: { ihave: [], iwant: [], graft: graft.map((topicID) => ({ topicID })), prune: prune.map((topicID) => ({ topicID, peers: [] })), idontwant: [] } }));
    const stays = await stranger(h.host);
    stays.stream.send(control(['t'], []));
    const leaves = await stranger(h.host);
    leaves.stream.send(control(['t'], []));
    leaves.stream.send(control([], ['t']));
    await until(() => h.host.heldSubscriptions() === 1);
    await sleep(300);
    expect(h.host.heldSubscriptions()).toBe(1);
    for (const s of [stays, leaves]) {
      handshaked.add(s.id);
      h.host.peerReady(s.id);
    }
    expect(h.host.meshPeers('t')).toEqual([stays.id]);
  });

  it("caps the backoff a stranger's PRUNE sets before its handshake, as gossipsub keeps it until it ends", async () => {
    const h = await host({ handshaked: () => false });
    const s = await stranger(h.host);
    const sent = Date.now();
    s.stream.send(frame(RPC.encode({ subscriptions: [], messages: [], control: { ihave: [], iwant: [], graft: [], prune: [{ topicID: TOPIC, peers: [], backoff: 1e9 }, { topicID: 'not ours', peers: [], backoff: 60 }], idontwant: [] } })));
    await until(() => h.gossip.backoff.get(TOPIC)?.has(s.id) === true);
    expect(h.gossip.backoff.get(TOPIC)!.get(s.id)!).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(h.gossip.backoff.get(TOPIC)!.get(s.id)!).toBeGreaterThanOrEqual(sent + 299_000);
    expect(h.gossip.backoff.has('not ours')).toBe(false);
  });

  it('lists at most 384 ids a heartbeat in its IHAVE to a peer, the most it answers of an IWANT, however many it holds', async () => {
    const h = await host();
    const rs = await Promise.all(Array.from({ length: 8 }, () => remote({}, [TOPIC])));
    for (const r of rs) await r.node.dial(multiaddr(h.host.addrs()[0]!));
    await until(() => rs.every((r) => r.pubsub.streamsOutbound.has(h.host.peerId)));
    await sleep(300);
    for (let i = 0; i < 1_000; i++) await h.host.publish(TOPIC, new TextEncoder().encode(`batch ${i}`));
    await sleep(1_000);
    const ihaves = rs.flatMap((r) => r.received.map((rpc) => (rpc.control?.ihave ?? []).reduce((n, e) => n + e.messageIDs.length, 0))).filter((n) => n > 0);
    // Peers outside our mesh were offered ids by IHAVE; before, up to all 1,000 at once (a stock peer asks for each).
    expect(ihaves.length).toBeGreaterThan(0);
    expect(Math.max(...ihaves)).toBe(384);
  });

  it('keeps the backoff of a PRUNE sent before the handshake, so the held subscription does not GRAFT the peer inside it', async () => {
    const handshaked = new Set<string>();
    const h = await host({ handshaked: (id) => handshaked.has(id) });
    const hid = h.host.peerId;
    const r = await remote({}, ['t']);
    const rid = r.node.peerId.toString();
    await r.node.dial(multiaddr(h.host.addrs()[0]!));
    // It sees our subscription and grafts us, then leaves the link again: a PRUNE with its backoff.
    await until(() => r.pubsub.mesh.get('t')?.has(hid) === true && r.pubsub.streamsOutbound.has(hid));
    r.pubsub.mesh.get('t')!.delete(hid);
    r.pubsub.sendRpc(hid, { subscriptions: [], messages: [], control: { ihave: [], iwant: [], graft: [], prune: [{ topicID: 't', peers: [], backoff: 60 }], idontwant: [] } });
    await sleep(300);
    const mark = r.received.length;
    handshaked.add(rid);
    h.host.peerReady(rid);
    await sleep(1_000);
    // Before: grafted at peerReady, the peer got our GRAFT inside its backoff (scored down for it, and PRUNEd back).
    expect(h.host.meshPeers('t')).toEqual([]);
    expect(r.received.slice(mark).some((rpc) => rpc.control?.graft.some((g) => g.topicID === 't'))).toBe(false);
  });

  it('PRUNEs the peer once it completes it when our mesh is full, as gossipsub answers a GRAFT then', async () => {
    const handshaked = new Set<string>();
    const h = await host({ handshaked: (id) => handshaked.has(id) });
    const hid = h.host.peerId;
    // Dhi (6) mesh peers, each in by its own GRAFT.
    for (let i = 0; i < 6; i++) {
      const r = await remote({}, ['t']);
      handshaked.add(r.node.peerId.toString());
      await r.node.dial(multiaddr(h.host.addrs()[0]!));
    }
    await until(() => h.host.meshPeers('t').length === 6);
    expect(h.host.meshPeers('t')).toHaveLength(6);

    const late = await remote({}, ['t']);
    const lateId = late.node.peerId.toString();
    await late.node.dial(multiaddr(h.host.addrs()[0]!));
    await until(() => late.pubsub.mesh.get('t')?.has(hid) === true && h.host.heldSubscriptions() === 1);
    await sleep(300);
    const pruned = () => late.received.some((rpc) => rpc.control?.prune.some((p) => p.topicID === 't'));
    expect(pruned()).toBe(false);

    handshaked.add(lateId);
    h.host.peerReady(lateId);
    await until(pruned);
    expect(pruned()).toBe(true);
    expect(late.pubsub.mesh.get('t')?.has(hid)).toBe(false);
    expect(h.host.meshPeers('t')).toHaveLength(6);
    expect(h.host.meshPeers('t')).not.toContain(lateId);
  });
});
