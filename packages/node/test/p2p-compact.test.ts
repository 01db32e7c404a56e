import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, encodeTx, signTransfer } from '@hackcoin/core';
import type { CompactStats } from '../src/p2p/compact/compact-relay.js';
import { removeDir, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, params, sameTip, startP2PNode, type Wallet } from './helpers/p2p.js';


const compactStats = async (n: TestNode): Promise<CompactStats> => (await n.api('/api/network/status')).compact;
const mempoolSize = async (n: TestNode): Promise<number> => (await n.api('/api/node/info')).mempool.size;

/** A transfer of 147 bytes: fee 2,000 pays 13.6 units a byte, fee 1,000 only 6.8. */
function transfer(from: Wallet, to: Wallet, fee: bigint): { raw: string } {
  const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: from.nonce++, fee, to: to.address, amount: 10n, data: new Uint8Array() }, from.key);
  return { raw: bytesToHex(encodeTx(tx)) };
}

async function submit(node: TestNode, senders: Wallet[], to: Wallet, perSender: number, fee = 2_000n): Promise<void> {
  await Promise.all(
    senders.map(async (w) => {
      for (let i = 0; i < perSender; i++) await node.api('/api/transactions', { body: transfer(w, to, fee) });
    }),
  );
}

describe('compact block relay between node processes', () => {
  const nodes: TestNode[] = [];
  const senders = Array.from({ length: 4 }, newWallet);
  /** Senders paying a fee rate the miner takes and its peers refuse to relay: their transactions reach the peers only inside the block. */
  const cheap = Array.from({ length: 2 }, newWallet);
  const sink = newWallet();
  const funded = senders.length + cheap.length;

  beforeAll(async () => {
    nodes.push(await startP2PNode());
    nodes.push(await startP2PNode([nodes[0]!.url], { env: { MIN_FEE_RATE: '10' } }));
    nodes.push(await startP2PNode([nodes[1]!.url], { env: { MIN_FEE_RATE: '10' } }));
    for (const w of [...senders, ...cheap]) await nodes[0]!.api('/api/mining/generate', { body: { count: 1, address: w.addr } });
    await sameTip(nodes, 30_000, funded);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const n of nodes) removeDir(n.dataDir);
  });

  it('a 200-transaction block whose transactions were relayed crosses as a compact block rebuilt from the mempool', async () => {
    await submit(nodes[0]!, senders, sink, 50);
    await waitFor(async () => (await Promise.all(nodes.map(mempoolSize))).every((s) => s === 200), 30_000, 'every mempool holding the 200 transactions');
    const before = await Promise.all(nodes.slice(1).map(compactStats));
    const { blocks } = await nodes[0]!.api('/api/mining/generate', { body: { count: 1, address: sink.addr } });
    const tip = await sameTip(nodes, 20_000, funded + 1);
    expect(tip.bestHash).toBe(blocks[0]);
    const block = await nodes[2]!.api(`/api/blocks/${blocks[0]}`);
    expect(block.txCount).toBe(201);
    for (const [i, n] of nodes.slice(1).entries()) {
      const s = await compactStats(n);
      expect(s.received - before[i]!.received).toBe(1);
      expect(s.txsFromPool - before[i]!.txsFromPool).toBe(200);
      expect(s.txsRequested - before[i]!.txsRequested).toBe(0);
      expect(s.roundTrips - before[i]!.roundTrips).toBe(0);
      expect(s.fullFallbacks).toBe(0);
      // It extended each node's tip: relayed on as soon as rebuilt, validated behind.
      expect(s.forwardedEarly - before[i]!.forwardedEarly).toBe(1);
    }
  }, 90_000);

  it('transactions a peer lacks are fetched by index in one round trip, and only those', async () => {
    await submit(nodes[0]!, senders, sink, 10);
    await submit(nodes[0]!, cheap, sink, 5, 1_000n);
    await waitFor(async () => (await Promise.all(nodes.map(mempoolSize))).join() === '50,40,40', 30_000, 'the 40 relayable transactions everywhere, the 10 cheap ones at the miner only');
    const before = await Promise.all(nodes.slice(1).map(compactStats));
    const { blocks } = await nodes[0]!.api('/api/mining/generate', { body: { count: 1, address: sink.addr } });
    await sameTip(nodes, 20_000, funded + 2);
    expect((await nodes[2]!.api(`/api/blocks/${blocks[0]}`)).txCount).toBe(51);
    for (const [i, n] of nodes.slice(1).entries()) {
      const s = await compactStats(n);
      expect(s.received - before[i]!.received).toBe(1);
      expect(s.txsFromPool - before[i]!.txsFromPool).toBe(40);
      expect(s.txsRequested - before[i]!.txsRequested).toBe(10);
      expect(s.roundTrips - before[i]!.roundTrips).toBe(1);
      expect(s.fullFallbacks).toBe(0);
    }
  }, 90_000);
});
