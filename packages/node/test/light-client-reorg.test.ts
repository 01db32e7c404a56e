import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN, LightClient, NETWORKS, httpProofSource, parseAddress, type ProofSource } from '@hackcoin/core';
import { removeDir, type TestNode } from './helpers/node-process.js';
import { newWallet, sameTip, startP2PNode } from './helpers/p2p.js';

/** A copy of a stopped node's chain under a new identity and an empty address book. */
function copyChain(from: TestNode): string {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-test-'));
  cpSync(from.dataDir, dir, { recursive: true });
  rmSync(join(dir, 'p2p'), { recursive: true, force: true });
  return dir;
}

/**
 * Issue 14: a light client that talks to one real node while that node
 * reorganises to a heavier branch and back. The verified mark (the best
 * header with N = 2 confirmations) and the proven balance follow each switch.
 */
describe('LightClient across real reorgs of the node it talks to', () => {
  const all: TestNode[] = [];
  let a: TestNode, b: TestNode, c: TestNode;
  const alice = newWallet();
  const miner = newWallet();
  const mine = (n: TestNode, count: number, address: string) => n.api('/api/mining/generate', { body: { count, address } });
  const idAt = async (n: TestNode, height: number) => (await n.api(`/api/blocks/${height}`)).hash as string;

  beforeAll(async () => {
    // Shared history: alice mines heights 1-2. B is a stranger holding the same chain.
    a = await startP2PNode();
    await mine(a, 2, alice.addr);
    await a.stop();
    const bDir = copyChain(a);
    a = await startP2PNode([], { dataDir: a.dataDir });
    b = await startP2PNode([], { dataDir: bDir });
    all.push(a, b);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(all.map((n) => n.stop()));
    for (const n of all) removeDir(n.dataDir);
  });

  it('moves the verified mark to the heavier branch and back, with the balance proven on each', async () => {
    // A's API port changes when it restarts; the client keeps talking to A.
    const toA = (): ProofSource => httpProofSource(a.url);
    const client = new LightClient(
      { headers: (from) => toA().headers(from), accountProof: (who, at) => toA().accountProof(who, at), storageProof: (c, k, at) => toA().storageProof(c, k, at) },
      NETWORKS.regtest,
      2,
    );
    const who = parseAddress(alice.addr);

    // Branch a: alice mines heights 3-4 on A. Tip 4, two confirmations: proven at height 3.
    await mine(a, 2, alice.addr);
    await client.sync();
    const onA = await client.account(who);
    expect(onA).toMatchObject({ height: 3, balance: 150n * COIN, blockId: await idAt(a, 3) });
    const a3 = onA.blockId;

    // C keeps branch a aside for later.
    await a.stop();
    const cDir = copyChain(a);
    a = await startP2PNode([], { dataDir: a.dataDir });
    all[0] = a;
    c = await startP2PNode([], { dataDir: cDir });
    all.push(c);

    // B's heavier branch b (heights 3-6, mined by someone else): A reorganises to it.
    await mine(b, 4, miner.addr);
    expect((await a.api('/api/network/connect', { body: { address: b.url } })).connected).toBe(true);
    const onB = await sameTip([a, b], 30_000, 6);
    await client.sync();
    expect(client.headers.tip.id).toBe(onB.bestHash);
    const afterReorg = await client.account(who);
    expect(afterReorg).toMatchObject({ height: 5, balance: 100n * COIN, blockId: await idAt(b, 5) });
    // Height 3 of the verified chain is branch b's now, not the block alice's third coinbase was in.
    expect(client.headers.at(3)!.id).not.toBe(a3);

    // Branch a grows heavier on C (heights 5-8): A follows it back, and so does the mark.
    await mine(c, 4, miner.addr);
    expect((await a.api('/api/network/connect', { body: { address: c.url } })).connected).toBe(true);
    const back = await sameTip([a, c], 30_000, 8);
    await client.sync();
    expect(client.headers.tip.id).toBe(back.bestHash);
    const again = await client.account(who);
    expect(again).toMatchObject({ height: 7, balance: 200n * COIN, blockId: await idAt(c, 7) });
    expect(client.headers.at(3)!.id).toBe(a3);
  });
});
