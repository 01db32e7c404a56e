import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORKS, genesisBlock, headerHash, hexToHash, type NetworkName } from '@hackcoin/core';
import { createHost, type Host } from '../src/p2p/libp2p.js';
import { decodeBlocks, decodeStatus, decodeSyncRequest, encodeRawList, encodeStatus, encodeSyncRequest, type StatusMessage } from '../src/p2p/messages.js';
import { LIMITS, protocolIds } from '../src/p2p/protocol.js';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, startP2PNode, tip } from './helpers/p2p.js';

const params = NETWORKS.regtest;
const ids = protocolIds('regtest' as NetworkName);
const genesisHash = headerHash(genesisBlock(params).header);

function status(bestHash: Uint8Array, height: number, chainWork: bigint): StatusMessage {
  return { network: 'regtest', chainId: params.chainId, genesis: genesisHash, bestHash, height, chainWork, agent: 'announcer/1.0', listenAddrs: [] };
}

async function exchange(h: Host, peerId: string, protocol: string, payload: Uint8Array, max: number): Promise<Uint8Array> {
  const ex = await h.open(peerId, protocol, 5_000);
  await ex.write(payload);
  const resp = await ex.read(max, 5_000);
  await ex.close();
  return resp;
}

/**
 * The fast path next to gossip: a peer that announces (by status) a tip one
 * block above ours gets asked for that block by hash at once — no headers
 * round trip, no waiting for gossip. The announcer here never joins gossip.
 */
describe('tip announcements', () => {
  let source: TestNode;
  let node: TestNode;
  let client: Host;
  const requests: string[] = [];

  beforeAll(async () => {
    [source, node] = await Promise.all([startP2PNode(), startP2PNode()]);
    client = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: params.maxBlockSize, isBanned: () => false, agent: 'announcer/1.0' });
  }, 60_000);

  afterAll(async () => {
    await client?.stop().catch(() => undefined);
    await Promise.all([source?.stop(), node?.stop()]);
    if (source) removeDir(source.dataDir);
    if (node) removeDir(node.dataDir);
  });

  it('fetches an announced block by hash right away', async () => {
    // A block the node has never seen, taken from another node over the sync protocol.
    await source.api('/api/mining/generate', { body: { count: 1, address: newWallet().addr } });
    const s = await source.api('/api/node/info');
    await client.dial(s.p2p.addrs[0]);
    const theirs = decodeStatus(await exchange(client, s.p2p.peerId, ids.status, encodeStatus(status(genesisHash, 0, 1n)), LIMITS.statusBytes));
    expect(theirs.height).toBe(1);
    const raw = decodeBlocks(
      await exchange(client, s.p2p.peerId, ids.sync, encodeSyncRequest({ type: 'blocks', hashes: [theirs.bestHash] }), 2 * params.maxBlockSize),
      params.maxBlockSize,
    )[0]!;

    // Serve it to whoever asks, recording what they ask for.
    await client.handle(ids.sync, async (ex) => {
      const req = decodeSyncRequest(await ex.read(LIMITS.requestBytes, 5_000));
      // The mempool exchange every new peer gets is not part of the block path under test.
      if (req.type !== 'mempool') requests.push(req.type);
      await ex.write(req.type === 'blocks' ? encodeRawList([raw]) : new Uint8Array([0]));
      await ex.close();
    });
    await client.handle(ids.status, async (ex) => {
      await ex.read(LIMITS.statusBytes, 5_000);
      await ex.write(encodeStatus(status(theirs.bestHash, 1, theirs.chainWork)));
      await ex.close();
    });

    const n = await node.api('/api/node/info');
    await client.dial(n.p2p.addrs[0]);
    // Handshake at the same tip as the node (regtest has one difficulty: genesis is half the work), then announce the new one.
    await exchange(client, n.p2p.peerId, ids.status, encodeStatus(status(genesisHash, 0, theirs.chainWork / 2n)), LIMITS.statusBytes);
    const t0 = Date.now();
    await exchange(client, n.p2p.peerId, ids.status, encodeStatus(status(theirs.bestHash, 1, theirs.chainWork)), LIMITS.statusBytes);
    const t = await waitFor(async () => {
      const x = await tip(node);
      return x.height === 1 ? x : undefined;
    }, 5_000, 'announced block connected');
    expect(Buffer.from(hexToHash(t.bestHash)).equals(Buffer.from(theirs.bestHash))).toBe(true);
    expect(Date.now() - t0).toBeLessThan(3_000);
    // One blocks request; the headers-first sync was not needed.
    expect(requests).toEqual(['blocks']);
    // Operators see the block's bytes arrive on the sync protocol (GET /metrics shows the same figures).
    const traffic = (await node.api('/api/network/status')).traffic as { protocol: string; bytesIn: number; bytesOut: number }[];
    const sync = traffic.find((t) => t.protocol === ids.sync)!;
    expect(sync.bytesIn).toBeGreaterThanOrEqual(raw.length);
    expect(sync.bytesOut).toBeGreaterThan(0);
  }, 30_000);
});
