import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { NETWORKS, genesisBlock, headerHash } from '@hackcoin/core';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { createHost, type Host } from '../src/p2p/libp2p.js';
import { encodePeers, encodeStatus } from '../src/p2p/messages.js';
import { LIMITS, protocolIds } from '../src/p2p/protocol.js';
import { INBOUND } from '../src/p2p/eviction.js';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { handshake, peerId, startP2PNode } from './helpers/p2p.js';

const params = NETWORKS.regtest;
const ids = protocolIds('regtest');
const genesisHash = headerHash(genesisBlock(params).header);

function on(ip: string, env: Record<string, string> = {}, bootstrap: string[] = []): Promise<TestNode> {
  return startP2PNode(bootstrap, { env: { HOST: ip, ...env } });
}

/** A libp2p client on `ip` that handshakes with `target` and answers peer exchange with `px()`. */
async function client(ip: string, target: { addr: string; peerId: string }, px?: () => Uint8Array, made?: Host[], privateKey?: Uint8Array): Promise<Host> {
  const h = await createHost({ listen: [`/ip4/${ip}/tcp/0`], localAddress: ip, maxConnections: 8, maxGossipBytes: params.maxBlockSize, isBanned: () => false, agent: 'client/1.0', ...(privateKey ? { privateKey } : {}) });
  made?.push(h);
  if (px) {
    await h.handle(ids.px, async (ex) => {
      await ex.read(LIMITS.requestBytes, 5_000).catch(() => undefined);
      await ex.write(px()).catch(() => undefined);
      await ex.close();
    });
  }
  await h.handle(ids.status, async (ex) => {
    await ex.read(LIMITS.statusBytes, 5_000).catch(() => undefined);
    await ex.write(status()).catch(() => undefined);
    await ex.close();
  });
  await handshake(h, target, status());
  return h;
}

function status(): Uint8Array {
  return encodeStatus({ network: 'regtest', chainId: params.chainId, genesis: genesisHash, bestHash: genesisHash, height: 0, chainWork: 1n, agent: 'client/1.0', listenAddrs: [] });
}

async function target(n: TestNode): Promise<{ addr: string; peerId: string }> {
  const info = await n.api('/api/node/info');
  return { addr: info.p2p.addrs[0], peerId: info.p2p.peerId };
}

describe('address manager and inbound limits on distinct loopback IPs', () => {
  const nodes: TestNode[] = [];
  const hosts: Host[] = [];
  const sockets: Socket[] = [];
  /** A TCP connection to `host:port` from `ip` that never speaks; it is in `open` until it closes. */
  const silentSocket = (host: string, port: number, ip: string, open: Set<Socket>) =>
    new Promise<void>((res) => {
      const s = connect({ host, port, localAddress: ip }, () => res());
      sockets.push(s);
      open.add(s);
      s.on('error', () => res());
      s.on('close', () => {
        open.delete(s);
        res();
      });
    });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(hosts.map((h) => h.stop().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  });

  it('asks no inbound stranger for addresses, so twenty identities on one IP flood nothing, and its outbound slots refill with honest peers', async () => {
    const honest = await Promise.all(['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map((ip) => on(ip, { MAX_OUTBOUND: '0' })));
    nodes.push(...honest);
    const victim = await on('127.0.0.2', { MAX_OUTBOUND: '4' }, honest.map((h) => h.url));
    nodes.push(victim);
    const honestIds = new Set(await Promise.all(honest.map(peerId)));
    const outbound = async () => ((await victim.api('/api/network/peers')).peers as { id: string; direction: string }[]).filter((p) => p.direction === 'outbound');
    await waitFor(async () => (await outbound()).length === 4, 20_000, 'victim dialled the honest nodes');

    // Twenty identities on one IP, each answering peer exchange with 32 fresh addresses on that IP.
    const t = await target(victim);
    const fresh = async () => {
      const recs = await Promise.all(Array.from({ length: 32 }, async (_, i) => ({ peerId: peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString(), addrs: [`/ip4/127.0.0.9/tcp/${20_000 + i}`] })));
      return encodePeers(recs);
    };
    const pool = await Promise.all(Array.from({ length: 8 }, fresh));
    let served = 0;
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => client('127.0.0.9', t, () => pool[served++ % pool.length]!)));
    for (const a of attempts) if (a.status === 'fulfilled') hosts.push(a.value);
    const admitted = attempts.filter((a) => a.status === 'fulfilled').length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThanOrEqual(INBOUND.perIp);
    // Core asks only outbound peers: connected and handshaken, the strangers are never asked (each
    // reconnection under a fresh id was a fresh allowance of 32 records).
    await waitFor(async () => ((await victim.api('/api/network/peers')).peers as { direction: string }[]).filter((p) => p.direction === 'inbound').length >= admitted, 10_000, 'attackers connected');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(served).toBe(0);

    // Every outbound connection drops; the victim refills its slots from its address manager.
    for (const p of await outbound()) await victim.api('/api/network/disconnect', { body: { peerId: p.id } });
    const refilled = await waitFor(
      async () => {
        const out = await outbound();
        return out.filter((p) => honestIds.has(p.id)).length >= 2 ? out : undefined;
      },
      20_000,
      'outbound slots refilled with honest peers',
    );
    expect(refilled.filter((p) => honestIds.has(p.id)).length).toBeGreaterThanOrEqual(2);
    const status = await victim.api('/api/network/status');
    expect(status.addressBook).toBeLessThan(4 + 20 * 32);
  });

  it('100 inbound connection attempts from one IP are held to the per-IP limit while other IPs still connect', async () => {
    const node = await on('127.0.0.12');
    nodes.push(node);
    const t = await target(node);
    const port = Number(/\/tcp\/(\d+)/.exec(t.addr)![1]);
    const open = new Set<Socket>();
    await Promise.all(Array.from({ length: 100 }, () => silentSocket('127.0.0.12', port, '127.0.0.20', open)));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(open.size).toBeLessThanOrEqual(INBOUND.perIp);

    const other = await client('127.0.0.21', t);
    hosts.push(other);
    await waitFor(async () => ((await node.api('/api/network/peers')).peers as { id: string }[]).some((p) => p.id === other.peerId), 10_000, 'a peer from another IP connected');
    const peers = (await node.api('/api/network/peers')).peers as { address: string }[];
    expect(peers.some((p) => p.address.includes('/ip4/127.0.0.21/'))).toBe(true);
  });

  it('holds silent sockets to the bound on connections in their handshake, dropping the oldest for newcomers, and seats an honest peer meanwhile', async () => {
    const node = await on('127.0.0.14', { MAX_OUTBOUND: '0' });
    nodes.push(node);
    const t = await target(node);
    const port = Number(/\/tcp\/(\d+)/.exec(t.addr)![1]);
    const open = new Set<Socket>();
    const silent = (ip: string) => silentSocket('127.0.0.14', port, ip, open);
    // Each loopback address is a netgroup of its own: one more group of silent sockets than the bound holds.
    const groups = INBOUND.pendingTotal / INBOUND.pendingPerGroup + 1;
    for (let g = 0; g < groups; g++) await Promise.all(Array.from({ length: INBOUND.pendingPerGroup }, () => silent(`127.0.0.${30 + g}`)));
    // Well within the 3 s the node gives a connection to start its handshake.
    await waitFor(async () => open.size <= INBOUND.pendingTotal, 1_500, 'the oldest silent sockets dropped');
    const honest = await client('127.0.0.23', t);
    hosts.push(honest);
    const peers = (await node.api('/api/network/peers')).peers as { id: string }[];
    expect(peers.map((p) => p.id)).toContain(honest.peerId);
    expect(open.size).toBeLessThanOrEqual(INBOUND.pendingTotal);
  });

  it('keeps one connection per inbound peer: more under the same identity are dropped, so they cannot fill the slots unseen', async () => {
    const node = await on('127.0.0.13', { MAX_OUTBOUND: '0', MAX_INBOUND: '8' });
    nodes.push(node);
    const t = await target(node);
    const key = privateKeyToProtobuf(await generateKeyPair('Ed25519'));
    const copies: Host[] = [];
    // Each a separate libp2p node with the same key: the second and third are extra connections of one peer.
    for (let i = 0; i < 3; i++) await client('127.0.0.22', t, undefined, copies, key).catch(() => undefined);
    hosts.push(...copies);
    expect(copies).toHaveLength(3);
    await waitFor(async () => copies.filter((h) => h.isConnected(t.peerId)).length === 1, 10_000, 'one connection left');
    const peers = (await node.api('/api/network/peers')).peers as { id: string }[];
    expect(peers.filter((p) => p.id === copies[0]!.peerId)).toHaveLength(1);
  });
});
