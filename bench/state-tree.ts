import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import {
  EMPTY_ROOT,
  TreeWriter,
  accountPath,
  addressKey,
  coinbaseMerkleBranch,
  commitState,
  encodeStateProof,
  merkleRoot,
  sha256,
  txHash,
  useSha256,
  verifyStateProof,
  headerHash,
  type Account,
  type CoinbaseTx,
  type CreatedNodes,
} from '@hackcoin/core';
import { openDatabase, type BatchOp } from '../packages/node/src/store/db.js';
import { Prefix } from '../packages/node/src/store/keys.js';
import { TrieNodeStore } from '../packages/node/src/chain/trie-store.js';
import { STATE_FLUSH } from '../packages/node/src/chain/chain.js';
import { installNativeSha256 } from '../packages/node/src/crypto/native-hash.js';
import { openBenchChain, transferBlocks } from './fixture.js';

const ACCOUNTS = 100_000;
const BATCH = 10_000;
const TRANSFERS = 1_000;
const BLOCKS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The state tree alone: root cost of a 1,000-transfer block (1,000 senders
 * already in the state, 1,000 new recipients, the miner) on a state of
 * 100,000 accounts in a real LevelDB, with the node's trie cache cold and
 * warm; proof size and verification time for one of those accounts.
 * Compare the root figure with `connect-block`'s ms per 1,000-tx block.
 */
export async function runStateTreeBench(): Promise<Record<string, number | string>> {
  const sha256 = installNativeSha256();
  return { 'sha256 backend': sha256, ...(await rootShareOfConnect()), ...(await largeState()) };
}

/**
 * The root's share of connecting a 1,000-transfer block (connect-block's
 * setup: 1,000 funded senders, fresh recipients), taken from the chain's own
 * per-phase timings of each real connect, so both figures come from the same
 * blocks. As a cross-check, the root of an equivalent change set (the same
 * senders, 1,000 new accounts) is also recomputed alone after each block.
 */
async function rootShareOfConnect(): Promise<Record<string, string>> {
  const bench = await openBenchChain();
  try {
    const { chain } = bench;
    const { setup, blocks, faucet, senders } = transferBlocks(chain.tip, 8, TRANSFERS, chain.stateNodes);
    for (const b of setup) await chain.processBlock(b);
    const connect: number[] = [];
    const inConnect: number[] = [];
    const alone: number[] = [];
    const phases = new Map<string, number>();
    chain.on('block:phases', (_e, p) => {
      inConnect.push(p.stateRoot);
      for (const [k, v] of Object.entries(p)) phases.set(k, (phases.get(k) ?? 0) + v);
    });
    for (const [b, block] of blocks.entries()) {
      let t0 = performance.now();
      await chain.processBlock(block);
      connect.push(performance.now() - t0);
      // Shaped like the workspace's changes that connect commits: keyed by hex, carrying the address bytes.
      const changes = new Map<string, { address: Uint8Array; account: Account }>();
      const change = (address: Uint8Array, account: Account): void => void changes.set(addressKey(address), { address, account });
      for (const s of senders) change(s.address, { balance: 1n, nonce: BigInt(b + 2) });
      for (let i = 0; i < TRANSFERS; i++) change(new Uint8Array(randomBytes(20)), { balance: 1_000n, nonce: 0n });
      change(faucet.address, { balance: 7n, nonce: 1_000n });
      t0 = performance.now();
      commitState(new TreeWriter(chain.stateNodes), chain.tip.stateRoot, changes);
      alone.push(performance.now() - t0);
    }
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const total = sum(connect);
    const perBlock = (ms: number): string => (ms / blocks.length).toFixed(1);
    return {
      'connect a 1,000-transfer block (ms)': perBlock(total),
      'its state root, timed inside connect (ms)': perBlock(sum(inConnect)),
      'root share of connect (goal ≤ 15 %)': `${((sum(inConnect) / total) * 100).toFixed(1)} %`,
      'connect phases per block (ms)': [...phases].map(([k, v]) => `${k} ${perBlock(v)}`).join(', '),
      'same root recomputed alone, median (ms)': median(alone).toFixed(1),
      'load average (1 min) when measured': loadavg()[0]!.toFixed(1),
    };
  } finally {
    await bench.close();
  }
}

/** The store-level figures write every node a block created, as an archive node does. */
function everyNode(created: CreatedNodes): BatchOp[] {
  return [{ type: 'rows', prefix: Prefix.trieNode, rows: created }];
}

async function largeState(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-bench-trie-'));
  const db = await openDatabase(dir);
  try {
    let store = new TrieNodeStore(db, 48 * 1024 * 1024, STATE_FLUSH);
    const addrs: Uint8Array[] = [];
    let root = EMPTY_ROOT;
    const tBuild = performance.now();
    for (let b = 0; b < ACCOUNTS / BATCH; b++) {
      const changes = new Map<string, { account: Account }>();
      for (let i = 0; i < BATCH; i++) {
        const a = new Uint8Array(randomBytes(20));
        addrs.push(a);
        changes.set(addressKey(a), { account: { balance: 1_000_000n, nonce: 0n } });
      }
      const w = new TreeWriter(store);
      root = commitState(w, root, changes);
      await db.batch(everyNode(w.created));
    }
    const buildMs = performance.now() - tBuild;

    const block = (n: number): Map<string, { account: Account }> => {
      const changes = new Map<string, { account: Account }>();
      for (let i = 0; i < TRANSFERS; i++) {
        changes.set(addressKey(addrs[(n * TRANSFERS + i) % ACCOUNTS]!), { account: { balance: 999_000n, nonce: BigInt(n + 1) } });
        changes.set(addressKey(randomBytes(20)), { account: { balance: 1_000n, nonce: 0n } });
      }
      changes.set(addressKey(new Uint8Array(20).fill(9)), { account: { balance: BigInt(n + 1) * 5_000_000_000n, nonce: 0n } });
      return changes;
    };
    const timeBlocks = async (fresh: boolean): Promise<number> => {
      const times: number[] = [];
      for (let n = 0; n < BLOCKS; n++) {
        if (fresh) store = new TrieNodeStore(db, 48 * 1024 * 1024, STATE_FLUSH);
        const changes = block(n + (fresh ? 0 : BLOCKS));
        const t0 = performance.now();
        const w = new TreeWriter(store);
        root = commitState(w, root, changes);
        times.push(performance.now() - t0);
        await db.batch(everyNode(w.created));
        store.connected(`block ${n}`, root, w.created);
      }
      return median(times);
    };
    const cold = await timeBlocks(true);
    const warm = await timeBlocks(false);

    // A proof as the API serves it, from a block of 1,001 transactions.
    const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: 3, height: 100, to: new Uint8Array(20), amount: 1n, stateRoot: root, extra: new Uint8Array(4) };
    const leaves = [txHash(coinbase), ...Array.from({ length: TRANSFERS }, () => sha256(randomBytes(8)))];
    const header = { version: 1, prevHash: new Uint8Array(32), merkleRoot: merkleRoot(leaves), time: 1, bits: 0x207fffff, nonce: 0 };
    const reader = new TreeWriter(store);
    const who = addrs[12_345]!;
    const proof = encodeStateProof({ header, coinbase, branch: coinbaseMerkleBranch(leaves), account: reader.prove(root, accountPath(who)), storage: null });
    const expect = { blockHash: headerHash(header), height: 100, address: who };
    const verify = (n: number): number => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) verifyStateProof(proof, expect);
      return ((performance.now() - t0) / n) * 1000;
    };
    verify(200);
    const nativeUs = verify(2_000);
    useSha256(nobleSha256);
    const jsUs = verify(2_000);
    installNativeSha256();
    const depth = reader.prove(root, accountPath(who)).siblings.length;
    return {
      'state of 100,000 accounts, build (s)': (buildMs / 1000).toFixed(1),
      'root of a 1,000-transfer block, cold cache (ms)': cold.toFixed(1),
      'root of a 1,000-transfer block, warm cache (ms)': warm.toFixed(1),
      'account proof size incl. header+coinbase+branch (B)': proof.length,
      'account path depth (siblings)': depth,
      'verify account proof, native sha256 (µs)': nativeUs.toFixed(0),
      'verify account proof, pure-JS sha256 as in a browser (µs)': jsUs.toFixed(0),
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
