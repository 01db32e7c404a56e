import { describe, it, expect } from 'vitest';
import { InsufficientChainWork, LightClient, RetryLater, UntrustworthyNode, type ProofSource } from './light-client.js';
import { NETWORKS, type ConsensusParams } from '../consensus/params.js';
import { medianTimePast, nextWorkRequired } from '../consensus/difficulty.js';
import { genesisBlock } from '../consensus/genesis.js';
import { coinbaseMerkleBranch, merkleRoot } from '../consensus/merkle.js';
import { targetFromBits, hashMeetsTarget, workFromBits } from '../consensus/pow.js';
import { bytesToHex, hashToHex } from '../encoding/bytes.js';
import { encodeHeader, headerHash, type BlockHeader } from '../primitives/header.js';
import { txHash, type CoinbaseTx } from '../primitives/transaction.js';
import { TreeWriter } from '../state/smt.js';
import { accountPath, commitState } from '../state/state-tree.js';
import { addressKey } from '../state/commitment.js';
import { encodeStateProof } from './state-proof.js';
import { MAX_HEADER_BATCH } from './header-chain.js';

const params = NETWORKS.regtest;
const ALICE = new Uint8Array(20).fill(0xa1);
const NOW = params.genesis.time + 1_000_000;

interface Blk {
  header: BlockHeader;
  coinbase: CoinbaseTx;
  id: string;
}

/** The test network's rules with an easy limit, so blocks mine in a few hashes and retargets still run. */
const retargeting: ConsensusParams = { ...NETWORKS.test, powLimitBits: 0x207fffff, genesis: { ...NETWORKS.test.genesis, bits: 0x207fffff } };

/**
 * A node in memory: blocks on any branch, one shared tree store, and a main
 * chain that a test can switch, so the client sees a reorg. It claims no
 * chain work unless `claimsWork` is set, then the work of its main chain.
 */
class FakeNode implements ProofSource {
  readonly nodes = new Map<string, Uint8Array>();
  readonly blocks = new Map<string, Blk>();
  main: Blk[] = [];
  claimsWork = false;
  private readonly store = { node: (h: Uint8Array) => this.nodes.get(bytesToHex(h)) };

  constructor(private readonly p: ConsensusParams = params) {
    const g = genesisBlock(p);
    const cb = g.txs[0] as CoinbaseTx;
    const blk = { header: g.header, coinbase: cb, id: hashToHex(headerHash(g.header)) };
    this.blocks.set(blk.id, blk);
    this.main = [blk];
  }

  /** Extends `base` (a list from genesis) with blocks that set alice's balance to the given values, `gap` seconds apart (at least one past median time). */
  extend(base: Blk[], balances: bigint[], gap = 1): Blk[] {
    const chain = [...base];
    const p = this.p;
    for (const balance of balances) {
      const parent = chain[chain.length - 1]!;
      const bits = nextWorkRequired({ height: chain.length, prevBits: parent.header.bits, timeAt: (h) => chain[h]!.header.time }, p);
      const time = Math.max(medianTimePast(chain.slice(-p.medianTimeSpan).map((b) => b.header.time)) + 1, parent.header.time + gap);
      const w = new TreeWriter(this.store);
      const root = commitState(w, parent.coinbase.stateRoot, new Map([[addressKey(ALICE), { account: { balance, nonce: BigInt(chain.length) } }]]));
      for (const [k, v] of w.created) this.nodes.set(k, v);
      const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: p.chainId, height: chain.length, to: ALICE, amount: 0n, stateRoot: root, extra: new Uint8Array([Number(balance % 256n)]) };
      const header: BlockHeader = { version: 1, prevHash: headerHash(parent.header), merkleRoot: merkleRoot([txHash(coinbase)]), time, bits, nonce: 0 };
      const target = targetFromBits(header.bits, targetFromBits(p.powLimitBits, 1n << 256n)!)!;
      while (!hashMeetsTarget(headerHash(header), target)) header.nonce++;
      const blk = { header, coinbase, id: hashToHex(headerHash(header)) };
      this.blocks.set(blk.id, blk);
      chain.push(blk);
    }
    return chain;
  }

  /** Past its tip + 1 the real node answers 404, which httpProofSource reads as no headers and the work claimed at genesis. */
  async headers(from: number) {
    const chainWork = this.claimsWork ? this.main.reduce((sum, b) => sum + workFromBits(b.header.bits), 0n) : 0n;
    return { headers: this.main.slice(from, from + 2000).map((b) => encodeHeader(b.header)), chainWork };
  }

  async accountProof(address: Uint8Array, blockId: string) {
    const b = this.blocks.get(blockId)!;
    const w = new TreeWriter(this.store);
    const proof = encodeStateProof({ header: b.header, coinbase: b.coinbase, branch: coinbaseMerkleBranch([txHash(b.coinbase)]), account: w.prove(b.coinbase.stateRoot, accountPath(address)), storage: null });
    const leaf = w.get(b.coinbase.stateRoot, accountPath(address));
    const balance = leaf ? new DataView(leaf.buffer, leaf.byteOffset).getBigUint64(0, true) : 0n;
    const nonce = leaf ? new DataView(leaf.buffer, leaf.byteOffset).getBigUint64(8, true) : 0n;
    return { proof, claimed: { balance, nonce } };
  }

  async storageProof(): Promise<never> {
    throw new Error('not used');
  }
}

/** `node` as a proof source that records the height each headers request starts from. */
function recordingHeights(node: FakeNode, asked: number[]): ProofSource {
  return {
    headers: (from) => {
      asked.push(from);
      return node.headers(from);
    },
    accountProof: (x, y) => node.accountProof(x, y),
    storageProof: () => node.storageProof(),
  };
}

describe('LightClient', () => {
  it('moves the verified mark back and forward with a reorg, at N confirmations', async () => {
    const node = new FakeNode();
    const a = node.extend(node.main, [10n, 20n, 30n, 40n]);
    node.main = a;
    const client = new LightClient(node, params, 2);
    await client.sync();
    // Tip 4, two confirmations: proven at height 3.
    expect(await client.account(ALICE)).toMatchObject({ balance: 30n, height: 3, blockId: a[3]!.id });

    // The node reorganises to a heavier branch forking after height 2.
    const b = node.extend(a.slice(0, 3), [21n, 22n, 23n, 24n]);
    node.main = b;
    await client.sync();
    expect(client.headers.tip.id).toBe(b[6]!.id);
    expect(await client.account(ALICE)).toMatchObject({ balance: 23n, height: 5, blockId: b[5]!.id });

    // And back to branch a once it grows heavier still.
    const a2 = node.extend(a, [50n, 60n, 70n, 80n]);
    node.main = a2;
    await client.sync();
    expect(await client.account(ALICE)).toMatchObject({ balance: 70n, height: 7, blockId: a2[7]!.id });
  });

  it('does not follow a node that serves a lighter branch as its main chain', async () => {
    const node = new FakeNode();
    const a = node.extend(node.main, [1n, 2n, 3n, 4n]);
    node.main = a;
    const client = new LightClient(node, params, 1);
    await client.sync();
    node.main = node.extend(a.slice(0, 2), [9n]);
    await client.sync();
    expect(client.headers.tip.id).toBe(a[4]!.id);
    expect((await client.account(ALICE)).balance).toBe(4n);
  });

  it('refuses a header chain that breaks the rules', async () => {
    const node = new FakeNode();
    const a = node.extend(node.main, [1n, 2n]);
    const forged = { ...a[2]!, header: { ...a[2]!.header, bits: 0x1d00ffff } };
    node.main = [a[0]!, a[1]!, forged];
    const err = await new LightClient(node, params, 1).sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UntrustworthyNode);
    expect((err as Error).message).toMatch(/bad-diffbits|high-hash/);
  });
  it('holds as many headers as its confirmations need, and no more than its window', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, Array.from({ length: 3_000 }, (_, i) => BigInt(i + 1)));
    const deep = new LightClient(node, params, 2_500);
    await deep.sync();
    expect(deep.headers.height).toBe(3_000);
    expect(deep.anchor.height).toBe(501);
    expect(await deep.account(ALICE)).toMatchObject({ balance: 501n, height: 501, blockId: node.main[501]!.id });
    const shallow = new LightClient(node, params, 1);
    await shallow.sync();
    expect(shallow.headers.lowest).toBe(3_000 - MAX_HEADER_BATCH);
    expect(shallow.headers.at(shallow.headers.lowest - 1)).toBeUndefined();
  });
  it('follows an honest node to a heavier branch of the same height, found by backing off from an empty answer', async () => {
    const node = new FakeNode(retargeting);
    node.claimsWork = true;
    const a = node.extend(node.main, Array.from({ length: 2_600 }, (_, i) => BigInt(i + 1)), 30);
    node.main = a;
    const asked: number[] = [];
    const watched = recordingHeights(node, asked);
    const client = new LightClient(watched, retargeting, 1, () => NOW + 10_000_000);
    await client.sync();
    // A two-block race across the retarget at 2,600: the branch's blocks come fast, so 2,600 costs four times the work.
    const b = node.extend(a.slice(0, 2_591), Array.from({ length: 10 }, () => 7n), 0);
    expect(b.length).toBe(a.length);
    expect(b[2_600]!.header.bits).not.toBe(a[2_600]!.header.bits);
    node.main = b;
    asked.length = 0;
    await client.sync();
    // Empty at 2,601; from 2,593 the first header does not link; from 2,585 the branch links and outweighs ours.
    expect(asked).toEqual([2_601, 2_593, 2_585]);
    expect(client.headers.tip.id).toBe(b[2_600]!.id);
    expect(await client.account(ALICE)).toMatchObject({ balance: 7n, height: 2_600, blockId: b[2_600]!.id });
  });

  it('follows a shorter heavier branch, and asks to retry while its anchor is below the headers held', async () => {
    const node = new FakeNode(retargeting);
    node.claimsWork = true;
    const a = node.extend(node.main, Array.from({ length: 2_600 }, (_, i) => BigInt(i + 1)), 30);
    node.main = a;
    const client = new LightClient(node, retargeting, 2_500, () => NOW + 10_000_000);
    await client.sync();
    expect(client.anchor.height).toBe(101);
    const b = node.extend(a.slice(0, 2_581), Array.from({ length: 12 }, () => 7n), 0);
    node.main = b;
    await client.sync();
    expect(client.headers.height).toBe(2_592);
    expect(client.headers.tip.id).toBe(b[2_592]!.id);
    // 2,500 confirmations of 2,592 is height 93, and the window was cut at 101 before the reorg.
    expect(client.headers.lowest).toBe(101);
    for (const read of [() => client.account(ALICE), () => client.storage(ALICE, 'k')]) {
      const err = await read().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RetryLater);
      expect((err as Error).message).toBe(
        'the header with 2500 confirmations (height 93) is below the headers held (from height 101) since a reorg to a shorter chain; not enough confirmed headers are held yet',
      );
    }
    node.main = node.extend(b, [8n, 8n, 8n, 8n, 8n, 8n, 8n, 8n], 30);
    await client.sync();
    expect(client.headers.tip.id).toBe(node.main[2_600]!.id);
    expect(await client.account(ALICE)).toMatchObject({ balance: 101n, height: 101, blockId: b[101]!.id });
  });

  it('after a reorg to a shorter branch, backs off no further than the headers held to find the next fork', async () => {
    const node = new FakeNode(retargeting);
    node.claimsWork = true;
    const a = node.extend(node.main, Array.from({ length: MAX_HEADER_BATCH + 100 }, (_, i) => BigInt(i + 1)), retargeting.targetSpacing);
    node.main = a;
    const asked: number[] = [];
    const watched = recordingHeights(node, asked);
    const client = new LightClient(watched, retargeting, 1, () => NOW + 10_000_000);
    await client.sync();
    // Fast blocks from the deepest fork allowed outweigh 2,000 of a's: the tip drops to 150, the window keeps its lowest header.
    const b = node.extend(a.slice(0, 101), Array.from({ length: 50 }, () => 5n), 0);
    node.main = b;
    await client.sync();
    expect(client.headers.tip.id).toBe(b[150]!.id);
    // A heavier branch forking at 110: backing off 64 from 151 would ask from 87, under the headers held.
    const lowest = client.headers.lowest;
    expect(lowest).toBeGreaterThan(87);
    const c = node.extend(b.slice(0, 111), Array.from({ length: 41 }, () => 6n), 0);
    node.main = c;
    asked.length = 0;
    await client.sync();
    expect(asked).toEqual([151, 143, 135, 119, lowest + 1]);
    expect(client.headers.tip.id).toBe(c[151]!.id);
    expect(await client.account(ALICE)).toMatchObject({ balance: 6n, height: 151, blockId: c[151]!.id });
  });

  it('calls a node untrustworthy once backing off to the reorg limit finds no branch with the work it claims', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, Array.from({ length: 2_100 }, () => 1n));
    node.claimsWork = true;
    let boast = 0n;
    const asked: number[] = [];
    const boasting: ProofSource = {
      headers: async (from) => {
        asked.push(from);
        const res = await node.headers(from);
        return { headers: res.headers, chainWork: res.chainWork + boast };
      },
      accountProof: (x, y) => node.accountProof(x, y),
      storageProof: () => node.storageProof(),
    };
    const client = new LightClient(boasting, params, 1);
    await client.sync();
    const proven = client.headers.tip.chainWork;
    boast = 1n;
    asked.length = 0;
    const err = await client.sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UntrustworthyNode);
    expect((err as Error).message).toBe(`node claims chain work ${(proven + 1n).toString(16)} but its headers prove only ${proven.toString(16)}`);
    // Empty past the tip, then our own headers replayed from 8, 16, … 1,024 and 2,000 blocks back, and no more.
    expect(asked).toEqual([2_101, 2_093, 2_085, 2_069, 2_037, 1_973, 1_845, 1_589, 1_077, 101]);
    expect(client.headers.tip.id).toBe(node.main[2_100]!.id);
  });

  it('ends a sync whose batch does not move the tip, however the node replays our own headers', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, Array.from({ length: 2_001 }, () => 5n));
    // Past our tip it answers with a header that does not link; once we back off 2,000 it replays what we hold.
    const asked: number[] = [];
    const garbage = encodeHeader({ ...node.main[1]!.header, prevHash: new Uint8Array(32).fill(7) });
    const hostile: ProofSource = {
      headers: async (from) => {
        asked.push(from);
        if (asked.length > 50) throw new Error('still syncing');
        return from === 2 ? node.headers(2) : { headers: [garbage], chainWork: 0n };
      },
      accountProof: (a, b) => node.accountProof(a, b),
      storageProof: () => node.storageProof(),
    };
    const replayed = new LightClient(hostile, params, 1);
    replayed.headers.submit(node.main.slice(1, 2_001).map((b) => encodeHeader(b.header)), 1, NOW);
    replayed.headers.submit([encodeHeader(node.main[2_001]!.header)], 2_001, NOW);
    await replayed.sync();
    // Back-off 8, 16, … 1,024, then 2,000 (from height 2): the replay links, adds no work, and ends the sync.
    expect(asked).toEqual([2_002, 1_994, 1_986, 1_970, 1_938, 1_874, 1_746, 1_490, 978, 2]);
    expect(replayed.headers.tip.id).toBe(node.main[2_001]!.id);
    expect(replayed.headers.height).toBe(2_001);
  });

  it('stops at its request budget with RetryLater, keeping what it checked, and the next sync continues', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, Array.from({ length: 4_500 }, () => 1n));
    let requests = 0;
    const counted: ProofSource = {
      headers: (from) => {
        requests++;
        return node.headers(from);
      },
      accountProof: (a, b) => node.accountProof(a, b),
      storageProof: () => node.storageProof(),
    };
    const client = new LightClient(counted, params, 1, () => NOW, { maxRequests: 2 });
    const err = await client.sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLater);
    expect((err as Error).message).toMatch(/after 2 requests at height 4000/);
    expect(requests).toBe(2);
    expect(client.headers.height).toBe(4_000);
    await client.sync();
    expect(client.headers.height).toBe(4_500);
    expect(client.headers.tip.id).toBe(node.main[4_500]!.id);
    expect(requests).toBe(3);
  });
  it('keeps the headers before one dated past a slow clock and asks to retry, without blaming the node', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, [1n, 2n, 3n]);
    // A clock behind the node's newest header by more than 2 h: height 3 is not yet valid here, heights 1 and 2 are.
    const slow = node.main[3]!.header.time - params.maxFutureBlockTime - 1;
    let now = slow;
    const client = new LightClient(node, params, 1, () => now);
    const err = await client.sync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLater);
    expect(err).not.toBeInstanceOf(UntrustworthyNode);
    expect((err as Error).message).toMatch(/height 3 is dated more than 2 h ahead of this device's clock.*verified up to height 2/);
    expect(client.headers.tip.id).toBe(node.main[2]!.id);
    expect(await client.account(ALICE)).toMatchObject({ balance: 2n, height: 2 });
    now = slow + 1;
    await client.sync();
    expect(client.headers.tip.id).toBe(node.main[3]!.id);
  });
  it('verifies nothing until the best header has the minimum chain work, then reports that tip', async () => {
    const node = new FakeNode();
    node.main = node.extend(node.main, [7n, 7n, 7n, 7n, 7n, 7n, 7n]);
    // Genesis and ten blocks at the easiest target: a seven-block chain from genesis falls short.
    const perBlock = workFromBits(params.powLimitBits);
    const client = new LightClient(node, params, 1, undefined, { minChainWork: perBlock * 11n });
    await client.sync();
    expect(client.headers.height).toBe(7);
    for (const read of [() => client.account(ALICE), () => client.storage(ALICE, 'k')]) {
      const err = await read().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InsufficientChainWork);
      expect(err).not.toBeInstanceOf(UntrustworthyNode);
      expect((err as Error).message).toContain(`has work ${(perBlock * 8n).toString(16)}, below this network's minimum ${(perBlock * 11n).toString(16)}`);
    }
    node.main = node.extend(node.main, [8n, 9n, 10n]);
    await client.sync();
    expect(await client.account(ALICE)).toEqual({
      balance: 10n,
      nonce: 10n,
      height: 10,
      blockId: node.main[10]!.id,
      tip: { height: 10, chainWork: perBlock * 11n, time: node.main[10]!.header.time },
    });
  });
});
