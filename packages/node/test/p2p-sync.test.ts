import { cpSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, sameTip, startP2PNode, tip, transferHex } from './helpers/p2p.js';

describe('partition, restart and initial sync', () => {
  const all: TestNode[] = [];
  let a1: TestNode, a2: TestNode, b1: TestNode, b2: TestNode;
  const alice = newWallet();
  const bob = newWallet();
  const miner = newWallet();

  beforeAll(async () => {
    // A shared history first (alice funded at height 2), then two groups that never met.
    a1 = await startP2PNode();
    all.push(a1);
    await a1.api('/api/mining/generate', { body: { count: 2, address: alice.addr } });
    await a1.stop();
    const bDir = mkdtempSync(join(tmpdir(), 'hackcoin-test-'));
    cpSync(a1.dataDir, bDir, { recursive: true });
    // A fresh identity and address book: B1 must be a stranger to group A.
    rmSync(join(bDir, 'p2p'), { recursive: true, force: true });
    a1 = await startP2PNode([], { dataDir: a1.dataDir });
    b1 = await startP2PNode([], { dataDir: bDir });
    all.splice(0, 1, a1, b1);
    [a2, b2] = await Promise.all([startP2PNode([a1.url]), startP2PNode([b1.url])]);
    all.push(a2, b2);
    await sameTip([a1, a2], 20_000, 2);
    await sameTip([b1, b2], 20_000, 2);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(all.map((n) => n.stop()));
    for (const n of all) removeDir(n.dataDir);
  });

  it('after a partition heals every node is on the most-work chain and the losing side’s transactions are back in its mempools', async () => {
    const { id } = await a2.api('/api/transactions', { body: transferHex(alice, bob, 1_000n) });
    await waitFor(async () => (await a1.api(`/api/tx/${id}`)).status === 'pending', 15_000, 'tx reaching a1');
    await a1.api('/api/mining/generate', { body: { count: 1, address: miner.addr } });
    await b1.api('/api/mining/generate', { body: { count: 3, address: miner.addr } });
    const a = await sameTip([a1, a2], 20_000, 3);
    const b = await sameTip([b1, b2], 20_000, 5);
    expect(a.bestHash).not.toBe(b.bestHash);
    expect((await a2.api(`/api/tx/${id}`)).status).toBe('confirmed');

    const r = await a1.api('/api/network/connect', { body: { address: b1.url } });
    expect(r.connected).toBe(true);
    const t = await sameTip([a1, a2, b1, b2], 30_000, 5);
    expect(t.bestHash).toBe(b.bestHash);
    for (const n of [a1, a2]) {
      await waitFor(async () => (await n.api(`/api/tx/${id}`)).status === 'pending', 15_000, 'tx back in mempool');
    }
  });

  it('a node stopped for 50 blocks catches up after restart from its address book alone', async () => {
    const dir = a2.dataDir;
    await a2.stop();
    await b1.api('/api/mining/generate', { body: { count: 50, address: miner.addr } });
    const target = await sameTip([a1, b1, b2], 30_000, 55);
    // No BOOTSTRAP_NODES: the persisted address book must be enough.
    a2 = await startP2PNode([], { dataDir: dir });
    all[all.indexOf(all.find((n) => n.dataDir === dir)!)] = a2;
    await waitFor(async () => (await tip(a2)).bestHash === target.bestHash, 30_000, 'restarted node catching up');
  });

  it('a new node joining a 500-block chain syncs it', async () => {
    const start = await tip(b1);
    await b1.api('/api/mining/generate', { body: { count: 500 - start.height, address: miner.addr } });
    const target = await sameTip([a1, b1, b2], 60_000, 500);
    const t0 = Date.now();
    const fresh = await startP2PNode([b2.url]);
    all.push(fresh);
    await waitFor(async () => (await tip(fresh)).bestHash === target.bestHash, 60_000, 'new node syncing 500 blocks');
    const ms = Date.now() - t0;
    const status = await fresh.api('/api/network/status');
    expect(status.sync.state).toBe('synced');
    expect(status.height).toBe(target.height);
    process.stderr.write(`initial sync of ${target.height} blocks took ${ms} ms including node start\n`);
  });
});
