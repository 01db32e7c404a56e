import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, sameTip, startP2PNode, transferHex } from './helpers/p2p.js';

describe('mempool on connect', () => {
  const nodes: TestNode[] = [];
  const alice = newWallet();
  const bob = newWallet();

  beforeAll(async () => {
    nodes.push(await startP2PNode());
    nodes.push(await startP2PNode([nodes[0]!.url]));
    await nodes[0]!.api('/api/mining/generate', { body: { count: 2, address: alice.addr } });
    await sameTip(nodes, 20_000, 2);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  });

  it('a node that joins after a transaction was relayed receives it from a peer’s mempool and mines it', async () => {
    const { id } = await nodes[0]!.api('/api/transactions', { body: transferHex(alice, bob, 4_000n) });
    await waitFor(async () => (await nodes[1]!.api(`/api/tx/${id}`)).status === 'pending', 15_000, 'tx reaching node 2');

    const late = await startP2PNode([nodes[1]!.url]);
    nodes.push(late);
    await sameTip(nodes, 20_000, 2);
    await waitFor(async () => (await late.request(`/api/tx/${id}`)).body?.status === 'pending', 15_000, 'tx reaching the late joiner');

    await late.api('/api/mining/generate', { body: { count: 1, address: bob.addr } });
    await sameTip(nodes, 20_000, 3);
    for (const n of nodes) {
      const tx = await n.api(`/api/tx/${id}`);
      expect(tx.status).toBe('confirmed');
      expect(tx.blockHeight).toBe(3);
    }
  });
});
