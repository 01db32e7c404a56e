import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COIN,
  ZERO_ADDRESS,
  bytesToHex,
  computeMerkleRoot,
  decodeBlock,
  decodeCompact,
  decodeTx,
  encodeBlock,
  encodeTx,
  hashMeetsTarget,
  headerHash,
  signTransfer,
  utf8ToBytes,
  DecodeError,
  RuleError,
  type Block,
  type BlockHeader,
  type CoinbaseTx,
  type Transaction,
  type TransferTx,
} from '@hackcoin/core';
import { ALL_WALLETS, ChainFixture, W } from '../test-support/chain-fixture.js';
import { createTemplate } from '../mining/template.js';
import { VerdictTally, decodeBlockOrReject, fuzzRuns, fuzzSeed, fuzzTimeout, mutatedBytes, verdictOf } from '../test-support/fuzz.js';
import type { BlockStatus } from './chain.js';
import { Prefix } from '../store/keys.js';

/**
 * Adversarial tier for blocks: random and mutated blocks go to the decoders
 * and to a real Chain's processBlock. The only outcomes allowed are a
 * judged status or a RuleError naming its rule; `deferred` (a local failure)
 * or any other exception fails the property.
 */
const JUDGED: readonly BlockStatus[] = ['connected', 'side', 'orphan', 'duplicate', 'ignored'];
const U64_MAX = (1n << 64n) - 1n;
const CONTRACT = 'export function init() { storage.set("n", 1); }\nexport function get() { return storage.get("n"); }\n';

let fx: ChainFixture;
let seeds: { tip: string; blocks: Block[] } = { tip: '', blocks: [] };

function grind(header: BlockHeader): BlockHeader {
  const out = { ...header };
  const { target, negative, overflow } = decodeCompact(out.bits);
  if (negative || overflow || target === 0n) return out;
  // Regtest targets need about two tries; a mutated hard target is left failing proof of work.
  for (let i = 0; i < 64; i++, out.nonce = (out.nonce + 1) >>> 0) if (hashMeetsTarget(headerHash(out), target)) return out;
  return out;
}

function contractData(payload: Record<string, unknown>): Uint8Array {
  return utf8ToBytes(JSON.stringify(payload));
}

/**
 * Two valid blocks on the current tip: one hand-built with three transfers,
 * one from a template with a contract deploy. Rebuilt whenever a mutated
 * block happened to be valid and moved the tip, so every case is checked
 * against the full rules rather than stored as a side block.
 */
async function currentSeeds(): Promise<Block[]> {
  if (seeds.tip === fx.chain.tip.id) return seeds.blocks;
  const branch = await fx.branch();
  const a = (await fx.account(W.minerA)).nonce;
  const transfers = [0n, 1n, 2n].map((k) => fx.tx(W.minerA, ALL_WALLETS[2 + Number(k)]!, COIN / 100n, { nonce: a + k }));
  const gas = 500_000;
  const b = (await fx.account(W.minerB)).nonce;
  const deploy = signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce: b, fee: BigInt(gas), to: ZERO_ADDRESS, amount: 0n, data: contractData({ type: 'deploy', code: CONTRACT, init: [], gasLimit: gas, gasPrice: '1' }) }, W.minerB.privateKey);
  await fx.mempool.add(deploy).catch((e: unknown) => {
    if (!(e instanceof RuleError)) throw e;
  });
  const t = await createTemplate(fx.chain, fx.mempool, W.minerA.address, utf8ToBytes('fuzz'), fx.chain.tip.header.time + 1);
  seeds = { tip: fx.chain.tip.id, blocks: [branch.next({ txs: transfers }), { header: grind(t.header), txs: t.txs }] };
  return seeds.blocks;
}

beforeAll(async () => {
  fx = await ChainFixture.create();
  await fx.mine(2);
  await fx.mine(1, { miner: W.minerB });
  await currentSeeds();
}, 60_000);

afterAll(async () => {
  await fx.close();
});

type BlockMutation = (b: Block) => Block;
type TxMutation = (tx: Transaction) => Transaction;

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, 1n, U64_MAX, U64_MAX - 1n, 21_000_000n * COIN));
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const hostileData = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.constantFrom(70_000, 65_537).map((n) => new Uint8Array(n).fill(0x5b)),
  fc.json({ maxDepth: 6 }).map((j) => utf8ToBytes(j)),
  fc.integer({ min: 100, max: 3_000 }).map((d) => utf8ToBytes(`{"type":"call","fn":"get","args":${'['.repeat(d)}${']'.repeat(d)},"gasLimit":100000,"gasPrice":"1"}`)),
  fc.integer({ min: 100, max: 3_000 }).map((d) => contractData({ type: 'deploy', code: `export function init() { return a${'.b'.repeat(d)}; }`, init: [], gasLimit: 100_000, gasPrice: '1' })),
);

const coinbaseMutation: fc.Arbitrary<(tx: CoinbaseTx) => CoinbaseTx> = fc.oneof(
  u32.map((height) => (tx: CoinbaseTx) => ({ ...tx, height })),
  u32.map((chainId) => (tx: CoinbaseTx) => ({ ...tx, chainId })),
  u64.map((amount) => (tx: CoinbaseTx) => ({ ...tx, amount })),
  bytes(20).map((to) => (tx: CoinbaseTx) => ({ ...tx, to })),
  bytes(32).map((stateRoot) => (tx: CoinbaseTx) => ({ ...tx, stateRoot })),
  fc.uint8Array({ maxLength: 255 }).map((extra) => (tx: CoinbaseTx) => ({ ...tx, extra })),
);

const transferField: fc.Arbitrary<(tx: TransferTx) => TransferTx> = fc.oneof(
  u32.map((chainId) => (tx: TransferTx) => ({ ...tx, chainId })),
  u64.map((nonce) => (tx: TransferTx) => ({ ...tx, nonce })),
  u64.map((fee) => (tx: TransferTx) => ({ ...tx, fee })),
  u64.map((amount) => (tx: TransferTx) => ({ ...tx, amount })),
  fc.oneof(bytes(20), fc.constant(ZERO_ADDRESS)).map((to) => (tx: TransferTx) => ({ ...tx, to })),
  hostileData.map((data) => (tx: TransferTx) => ({ ...tx, data })),
  bytes(33).map((publicKey) => (tx: TransferTx) => ({ ...tx, publicKey })),
  bytes(64).map((signature) => (tx: TransferTx) => ({ ...tx, signature })),
);

/** Signed again with the real key most of the time, so the rules after the signature are reached. */
const txMutation: fc.Arbitrary<TxMutation> = fc.tuple(coinbaseMutation, transferField, fc.nat({ max: 3 })).map(([cb, tf, resign]) => (tx) => {
  if (tx.kind === 'coinbase') return cb(tx);
  const m = tf(tx);
  const signer = ALL_WALLETS.find((w) => bytesToHex(w.publicKey) === bytesToHex(tx.publicKey));
  if (resign === 0 || !signer) return m;
  const { publicKey: _p, signature: _s, ...unsigned } = m;
  return signTransfer(unsigned, signer.privateKey);
});

/** Picks an index in the block's current transaction list from a fraction, so mutations compose. */
const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const pick = (b: Block, f: number) => Math.floor(f * b.txs.length);

const blockMutation: fc.Arbitrary<BlockMutation> = fc.oneof(
  u32.map((version): BlockMutation => (b) => ({ ...b, header: { ...b.header, version } })),
  bytes(32).map((prevHash): BlockMutation => (b) => ({ ...b, header: { ...b.header, prevHash } })),
  fc.constant<BlockMutation>((b) => ({ ...b, header: { ...b.header, prevHash: fx.chain.genesis.hash } })),
  fc.integer({ min: -2_000_000, max: 20_000 }).map((d): BlockMutation => (b) => ({ ...b, header: { ...b.header, time: Math.max(0, Math.min(0xffffffff, b.header.time + d)) } })),
  fc.oneof(u32, fc.constantFrom(0x207fffff, 0x1d00ffff, 0x00000000, 0x01800000, 0x21000001, 0xff7fffff)).map((bits): BlockMutation => (b) => ({ ...b, header: { ...b.header, bits } })),
  bytes(32).map((merkleRoot): BlockMutation => (b) => ({ ...b, header: { ...b.header, merkleRoot } })),
  at.map((f): BlockMutation => (b) => ({ ...b, txs: b.txs.filter((_, j) => j !== pick(b, f)) })),
  at.map((f): BlockMutation => (b) => (b.txs.length === 0 ? b : { ...b, txs: [...b.txs, b.txs[pick(b, f)]!] })),
  fc.tuple(at, at).map(([f, g]): BlockMutation => (b) => {
    if (b.txs.length === 0) return b;
    const txs = [...b.txs];
    const [i, j] = [pick(b, f), pick(b, g)];
    [txs[i], txs[j]] = [txs[j]!, txs[i]!];
    return { ...b, txs };
  }),
  fc.constantFrom(10_001, 3_000).map((count): BlockMutation => (b) => (b.txs.length === 0 ? b : { ...b, txs: [b.txs[0]!, ...Array.from({ length: count }, () => b.txs[b.txs.length - 1]!)] })),
  fc.constant<BlockMutation>((b) => ({ ...b, txs: [] })),
  fc.constant<BlockMutation>((b) => ({ ...b, txs: b.txs.slice(1) })),
  { weight: 8, arbitrary: fc.tuple(at, txMutation).map(([f, m]): BlockMutation => (b) => ({ ...b, txs: b.txs.map((t, j) => (j === pick(b, f) ? m(t) : t)) })) },
);

/** Mostly true: fixing the merkle root and the proof of work lets a case reach the state rules. */
const mostly = fc.nat({ max: 4 }).map((n) => n > 0);
async function judge(block: Block, unsolicited: boolean): Promise<string> {
  const r = await fx.chain.processBlock(block, { unsolicited });
  if (!JUDGED.includes(r.status)) throw new Error(`processBlock answered ${r.status}`);
  return r.status;
}

describe('adversarial tier: blocks', () => {
  it('decoders: any bytes decode to a block that re-encodes to the same bytes, or fail with DecodeError', () => {
    const check = (bytes: Uint8Array) => {
      try {
        return bytesToHex(encodeBlock(decodeBlock(bytes))) === bytesToHex(bytes);
      } catch (e) {
        if (e instanceof DecodeError) return true;
        throw e;
      }
    };
    fc.assert(fc.property(fc.nat({ max: 1 }).chain((s) => mutatedBytes(encodeBlock(seeds.blocks[s]!))), check), { numRuns: fuzzRuns(1_500), ...fuzzSeed() });
    const txSeeds = seeds.blocks.flatMap((b) => b.txs.map(encodeTx));
    fc.assert(
      fc.property(fc.constantFrom(...txSeeds).chain(mutatedBytes), (bytes) => {
        try {
          return bytesToHex(encodeTx(decodeTx(bytes))) === bytesToHex(bytes);
        } catch (e) {
          if (e instanceof DecodeError) return true;
          throw e;
        }
      }),
      { numRuns: fuzzRuns(1_500), ...fuzzSeed() },
    );
  }, fuzzTimeout());

  it('processBlock: structurally mutated blocks are judged or rejected under a named rule', async () => {
    const tally = new VerdictTally();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }), fc.array(blockMutation, { minLength: 1, maxLength: 3 }), mostly, mostly, fc.boolean(), async (s, ms, fixRoot, regrind, unsolicited) => {
        let block = ms.reduce((b, m) => m(b), (await currentSeeds())[s]!);
        if (fixRoot) block = { ...block, header: { ...block.header, merkleRoot: computeMerkleRoot(block.txs) } };
        if (regrind) block = { ...block, header: grind(block.header) };
        tally.add(await verdictOf(() => judge(block, unsolicited)));
      }),
      { numRuns: fuzzRuns(1_500), ...fuzzSeed() },
    );
    // The mutations reach well past the header checks, into the state transition.
    expect(tally.distinct().length).toBeGreaterThanOrEqual(15);
    expect(tally.distinct()).toEqual(expect.arrayContaining(['accepted:connected', 'high-hash', 'bad-merkle-root', 'bad-state-root', 'bad-txns-nonce-gap']));
  }, fuzzTimeout());

  it('processBlock: byte-mutated blocks are decoded and judged, or rejected under a named rule', async () => {
    const tally = new VerdictTally();
    const base = await currentSeeds();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1 }).chain((s) => mutatedBytes(encodeBlock(base[s]!))), fc.boolean(), async (bytes, unsolicited) => {
        tally.add(await verdictOf(() => judge(decodeBlockOrReject(bytes), unsolicited)));
      }),
      { numRuns: fuzzRuns(1_500), ...fuzzSeed() },
    );
    expect(tally.distinct()).toEqual(expect.arrayContaining(['bad-blk-decode']));
  }, fuzzTimeout());

  it('after the hostile blocks the stored chain is consistent and reopens at the same tip', async () => {
    const tip = fx.chain.tip.id;
    const accounts = await fx.dump(Prefix.account);
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(tip);
    expect(await fx.dump(Prefix.account)).toEqual(accounts);
  });
});
