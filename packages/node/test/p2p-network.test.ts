import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, peerId, peers, sameTip, startP2PNode, tip, transferHex } from './helpers/p2p.js';

describe('six nodes bootstrapped from node 1', () => {
  const nodes: TestNode[] = [];
  const ids: string[] = [];
  const alice = newWallet();
  const bob = newWallet();

  beforeAll(async () => {
    nodes.push(await startP2PNode());
    const rest = await Promise.all([1, 2, 3, 4, 5].map(() => startP2PNode([nodes[0]!.url])));
    nodes.push(...rest);
    ids.push(...(await Promise.all(nodes.map(peerId))));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  });

  it('exposes its peer id and multiaddrs in node info', async () => {
    const info = await nodes[0]!.api('/api/node/info');
    expect(info.p2p.peerId).toBe(ids[0]);
    expect(info.p2p.addrs[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
  });

  it('finds peers by gossip: within 30 s every node has ≥ 3 peers, one of them not node 1', async () => {
    const t0 = Date.now();
    await waitFor(
      async () => {
        const all = await Promise.all(nodes.map(peers));
        return all.every((ps, i) => ps.length >= 3 && ps.some((p) => p.id !== ids[0] && p.id !== ids[i]));
      },
      30_000,
      'peer discovery',
    );
    const status = await nodes[3]!.api('/api/network/status');
    expect(status.peers.total).toBeGreaterThanOrEqual(3);
    expect(status.sync.state).toBe('synced');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('relays a transaction from node 6 to node 2, which mines it; every node reaches the same tip', async () => {
    await nodes[1]!.api('/api/mining/generate', { body: { count: 2, address: alice.addr } });
    const { height } = await sameTip(nodes, 20_000, 2);
    expect(height).toBe(2);
    const { id } = await nodes[5]!.api('/api/transactions', { body: transferHex(alice, bob, 5_000n) });
    await waitFor(async () => (await nodes[1]!.api(`/api/tx/${id}`)).status === 'pending', 15_000, 'tx reaching node 2');
    await nodes[1]!.api('/api/mining/generate', { body: { count: 1, address: alice.addr } });
    const t = await sameTip(nodes, 20_000, 3);
    expect(t.height).toBe(3);
    for (const n of nodes) {
      const tx = await n.api(`/api/tx/${id}`);
      expect(tx.status).toBe('confirmed');
      expect(tx.blockHeight).toBe(3);
    }
  });

  it('reports peers and network status with the documented fields', async () => {
    const ps = await nodes[2]!.api('/api/network/peers');
    const p = ps.peers[0];
    for (const k of ['id', 'address', 'direction', 'latencyMs', 'bestHeight', 'agent', 'connectedSince', 'bytesIn', 'bytesOut', 'banScore']) expect(p).toHaveProperty(k);
    expect(p.agent).toMatch(/^hackcoin\//);
    const s = await nodes[2]!.api('/api/network/status');
    for (const k of ['peers', 'sync', 'height', 'hashRate', 'difficulty', 'lastBlockAgeSeconds']) expect(s).toHaveProperty(k);
    expect(s.height).toBe(3);
  });

  it('keeps relaying after the bootstrap node goes down', async () => {
    await nodes[0]!.stop();
    const rest = nodes.slice(1);
    await nodes[2]!.api('/api/mining/generate', { body: { count: 1, address: bob.addr } });
    const t = await sameTip(rest, 20_000, 4);
    expect(t.height).toBe(4);
    const { id } = await nodes[4]!.api('/api/transactions', { body: transferHex(alice, bob, 7_000n) });
    await waitFor(async () => (await nodes[3]!.api(`/api/tx/${id}`)).status === 'pending', 15_000, 'tx relay without bootstrap');
    for (const n of rest) expect((await peers(n)).length).toBeGreaterThanOrEqual(2);
    expect((await tip(nodes[5]!)).height).toBe(4);
  });
});
