import { afterAll, describe, expect, it } from 'vitest';
import { blockHash, encodeBlock, encodeHeader, hashToHex, type Block } from '@hackcoin/core';
import type { Host } from '../src/p2p/libp2p.js';
import { encodeHashes, encodeHeaders, encodeRawList } from '../src/p2p/messages.js';
import { ChainFixture } from '../src/test-support/chain-fixture.js';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { claimingPeer, newWallet, startP2PNode, tip } from './helpers/p2p.js';


/** A libp2p peer that handshakes as the holder of `fork` and serves its headers and bodies like an honest node would. */
async function forkServer(target: TestNode, fork: Block[]): Promise<{ host: Host; served: { blocks: number } }> {
  const served = { blocks: 0 };
  const byId = new Map(fork.map((b) => [hashToHex(blockHash(b)), b]));
  const host = await claimingPeer(target, { agent: 'forker/1.0', bestHash: blockHash(fork[fork.length - 1]!), height: fork.length }, async (req, ex) => {
    if (req.type === 'headers') await ex.write(encodeHeaders(fork.map((b) => encodeHeader(b.header))));
    else if (req.type === 'blocks') {
      const blocks = req.hashes.map((h) => byId.get(hashToHex(h))).filter((b) => b !== undefined);
      served.blocks += blocks.length;
      await ex.write(encodeRawList(blocks.map(encodeBlock)));
    } else await ex.write(encodeHashes([]));
  });
  return { host, served };
}

describe('a peer serving a fork whose deep block breaks a rule', () => {
  const nodes: TestNode[] = [];
  const hosts: Host[] = [];
  const fixtures: ChainFixture[] = [];

  afterAll(async () => {
    if (process.env.DUMP) process.stderr.write(nodes[0]?.output() ?? '');
    await Promise.all(hosts.map((h) => h.stop().catch(() => undefined)));
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
    for (const fx of fixtures) await fx.close();
  });

  it('is banned for that block once the block that outweighs our tip makes the node connect it, and the node keeps its tip', async () => {
    const node = await startP2PNode();
    nodes.push(node);
    await node.api('/api/mining/generate', { body: { count: 3, address: newWallet().addr } });
    const before = await tip(node);
    expect(before.height).toBe(3);

    // Blocks 1 to 4 from genesis, valid but for block 2's state root, which only connecting it shows.
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    const branch = await fx.branch();
    const fork = [branch.next(), branch.next({ stateRoot: new Uint8Array(32).fill(1) }), branch.next(), branch.next()];
    const { host, served } = await forkServer(node, fork);
    hosts.push(host);

    const ban = await waitFor(
      async () => (await node.api('/api/network/bans')).bans.find((b: { peerId: string }) => b.peerId === host.peerId) as { reason: string } | undefined,
      20_000,
      'fork server banned',
    );
    expect(ban.reason).toBe(`invalidBlock: block ${hashToHex(blockHash(fork[1]!)).slice(0, 16)}: bad-state-root`);
    expect(served.blocks).toBe(4);
    // The ban comes as the block is marked invalid; the node then reconnects its own chain, the most work.
    const after = await waitFor(
      async () => {
        const t = await tip(node);
        return t.height === before.height ? t : undefined;
      },
      20_000,
      'own chain reconnected',
    );
    expect(after).toEqual(before);
  }, 60_000);
});
