import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NETWORKS, decodeCompact, decodeHeader, encodeHeader, genesisBlock, hashMeetsTarget, hashToHex, headerHash, type BlockHeader } from '@hackcoin/core';
import { createHost, type Host } from '../src/p2p/libp2p.js';
import { decodeHeaders, encodeHashes, encodeHeaders, encodeRawList, encodeStatus, encodeSyncRequest } from '../src/p2p/messages.js';
import { LIMITS, protocolIds } from '../src/p2p/protocol.js';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { claimingPeer, newWallet, startP2PNode, tip } from './helpers/p2p.js';

const params = NETWORKS.regtest;
const ids = protocolIds('regtest');
const genesis = genesisBlock(params);

/** A libp2p client that handshakes claiming `best` at `height`, then answers sync requests with `headers` whatever it is asked. */
async function liar(target: TestNode, best: BlockHeader, height: number, headers: () => BlockHeader[]): Promise<{ host: Host; asked: { headers: number; blocks: number } }> {
  const asked = { headers: 0, blocks: 0 };
  const host = await claimingPeer(target, { agent: 'liar/1.0', bestHash: headerHash(best), height }, async (req, ex) => {
    if (req.type === 'headers') {
      asked.headers++;
      await ex.write(encodeHeaders(headers().map(encodeHeader)));
    } else if (req.type === 'blocks') {
      asked.blocks++;
      await ex.write(encodeRawList([]));
    } else {
      await ex.write(encodeHashes([]));
    }
  });
  return { host, asked };
}

/** Valid headers (proof of work, times, bits) of a fork from genesis that the node never saw. */
function forkFromGenesis(n: number): BlockHeader[] {
  const out: BlockHeader[] = [];
  let prev = genesis.header;
  const target = decodeCompact(params.powLimitBits).target;
  for (let i = 0; i < n; i++) {
    const h: BlockHeader = { version: params.blockVersion, prevHash: headerHash(prev), merkleRoot: new Uint8Array(32).fill(7), time: prev.time + 1, bits: params.powLimitBits, nonce: 0 };
    while (!hashMeetsTarget(headerHash(h), target)) h.nonce++;
    out.push(h);
    prev = h;
  }
  return out;
}

async function banOf(node: TestNode, peerId: string): Promise<{ reason: string } | undefined> {
  return (await node.api('/api/network/bans')).bans.find((b: { peerId: string }) => b.peerId === peerId);
}

describe('headers-first sync against lying peers', () => {
  const nodes: TestNode[] = [];
  const hosts: Host[] = [];
  const miner = newWallet();

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  });

  it('a low-work fork from genesis stores no block and its peer is penalised', async () => {
    const node = await startP2PNode();
    nodes.push(node);
    await node.api('/api/mining/generate', { body: { count: 30, address: miner.addr } });
    const fork = forkFromGenesis(12);
    const { host, asked } = await liar(node, fork[fork.length - 1]!, 12, () => fork);
    hosts.push(host);
    const ban = await waitFor(() => banOf(node, host.peerId), 10_000, 'liar banned');
    expect(ban.reason).toMatch(/^lowWork/);
    expect(asked.headers).toBeGreaterThanOrEqual(1);
    expect(asked.blocks).toBe(0);
    expect((await tip(node)).height).toBe(30);
    for (const h of [fork[0]!, fork[11]!]) expect((await node.request(`/api/blocks/${hashToHex(headerHash(h))}`)).status).toBe(404);
  });

  it('a peer replaying known headers is dropped from sync; the node reaches the honest tip within 10 s of the honest peer connecting', async () => {
    const victim = await startP2PNode();
    nodes.push(victim);
    await victim.api('/api/mining/generate', { body: { count: 20, address: miner.addr } });
    await victim.stop();
    // The honest node shares the victim's first 20 blocks, then mines 200 more on its own.
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-test-'));
    cpSync(victim.dataDir, dir, { recursive: true });
    rmSync(join(dir, 'p2p'), { recursive: true, force: true });
    const v = await startP2PNode([], { dataDir: victim.dataDir });
    nodes.splice(nodes.indexOf(victim), 1, v);
    const honest = await startP2PNode([], { dataDir: dir });
    nodes.push(honest);
    await honest.api('/api/mining/generate', { body: { count: 200, address: miner.addr } });
    const target = await tip(honest);

    // The replayer answers every headers request with the victim's own first 20 headers.
    const vi = await v.api('/api/node/info');
    const probe = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 4, maxGossipBytes: params.maxBlockSize, isBanned: () => false, agent: 'probe/1.0' });
    hosts.push(probe);
    await probe.dial(vi.p2p.addrs[0]);
    const sx = await probe.open(vi.p2p.peerId, ids.status, 5_000);
    await sx.write(encodeStatus({ network: 'regtest', chainId: params.chainId, genesis: headerHash(genesis.header), bestHash: headerHash(genesis.header), height: 0, chainWork: 1n, agent: 'probe/1.0', listenAddrs: [] }));
    await sx.read(LIMITS.statusBytes, 5_000);
    await sx.close();
    const hx = await probe.open(vi.p2p.peerId, ids.sync, 5_000);
    await hx.write(encodeSyncRequest({ type: 'headers', locator: [headerHash(genesis.header)], max: 2_000 }));
    const known = decodeHeaders(await hx.read(1 << 20, 5_000)).map(decodeHeader);
    await hx.close();
    expect(known.length).toBe(20);
    const { host, asked } = await liar(v, known[19]!, 5_000, () => known);
    hosts.push(host);
    await waitFor(async () => asked.headers >= 1, 10_000, 'replayer asked for headers');
    const replayer = await waitFor(
      async () => ((await v.api('/api/network/peers')).peers as { id: string; banScore: number }[]).find((p) => p.id === host.peerId && p.banScore >= 50),
      10_000,
      'replayer penalised',
    );
    expect(replayer.banScore).toBeGreaterThanOrEqual(50);

    const t0 = Date.now();
    const r = await v.api('/api/network/connect', { body: { address: honest.url } });
    expect(r.connected).toBe(true);
    await waitFor(async () => (await tip(v)).bestHash === target.bestHash, 10_000, 'victim reaching the honest tip');
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(10_000);
    expect((await tip(v)).height).toBe(220);
    process.stderr.write(`victim reached the honest tip ${ms} ms after connecting to it\n`);
  });
});
