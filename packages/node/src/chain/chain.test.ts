import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COIN,
  NETWORKS,
  RuleError,
  blockHash,
  blockSubsidy,
  decodeCompact,
  encodeBlock,
  encodeCompact,
  genesisBlock,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  headerId,
  txHash,
  workFromBits,
  type Account,
  type Block,
  type RejectCode,
} from '@hackcoin/core';
import { Chain, type ReorgInfo } from './chain.js';
import { Status, type ChainEntry } from './entry.js';
import { Prefix } from '../store/keys.js';
import { openDatabase } from '../store/db.js';
import { ChainFixture, RETARGET_PARAMS, W, quietLogger, type Wallet } from '../test-support/chain-fixture.js';

const fixtures: ChainFixture[] = [];
async function fixture(opts: Parameters<typeof ChainFixture.create>[0] = {}): Promise<ChainFixture> {
  const fx = await ChainFixture.create(opts);
  fixtures.push(fx);
  return fx;
}
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

async function rejection(p: Promise<unknown>): Promise<RuleError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof RuleError)) throw new Error(`expected a RuleError, got ${String(err)}`);
  return err;
}

/** processBlock must reject with `code` and leave the active chain and every balance untouched. */
async function expectRejected(fx: ChainFixture, block: Block, code: RejectCode): Promise<RuleError> {
  const tip = fx.chain.tip;
  const before = await fx.accounts();
  const err = await rejection(fx.chain.processBlock(block));
  expect(err.code).toBe(code);
  expect(fx.chain.tip).toBe(tip);
  expect(await fx.accounts()).toEqual(before);
  return err;
}

const idOf = (b: Block): string => hashToHex(blockHash(b));
const isInvalid = (e: ChainEntry | undefined): boolean => e !== undefined && (e.status & Status.invalid) !== 0;

describe('Chain: genesis and connecting blocks', () => {
  it('opens a new data directory at the regtest genesis block', async () => {
    const fx = await fixture();
    const g = genesisBlock(NETWORKS.regtest);
    expect(fx.chain.height).toBe(0);
    expect(fx.chain.tip.id).toBe(headerId(g.header));
    expect(fx.chain.genesis).toBe(fx.chain.tip);
    expect(fx.chain.getEntryByHeight(0)).toBe(fx.chain.tip);
    expect(fx.chain.tip.stateRoot).toEqual(new Uint8Array(32));
    expect(fx.chain.tip.chainWork).toBe(workFromBits(NETWORKS.regtest.genesis.bits));
    expect(fx.chain.blockCount).toBe(1);
    expect(encodeBlock((await fx.chain.getBlock(fx.chain.tip))!)).toEqual(encodeBlock(g));
    expect(await fx.account(W.alice)).toEqual({ balance: 0n, nonce: 0n });
    // the genesis coinbase (0 HCK to the zero address) is not indexed or credited
    expect(await fx.dump(Prefix.account)).toEqual([]);
  });

  it('refuses to open a data directory of another network', async () => {
    const fx = await fixture();
    await fx.db.close();
    const db = await openDatabase(fx.dir);
    try {
      await expect(
        Chain.open({ db, params: NETWORKS.test, backend: fx.backend, log: quietLogger() }),
      ).rejects.toThrow('belongs to network "regtest"');
    } finally {
      await db.close();
    }
    fx.db = await openDatabase(fx.dir); // so close() works
  });

  it('credits subsidy plus fees to the miner, moves balances and bumps nonces', async () => {
    const fx = await fixture();
    const connected: number[] = [];
    fx.chain.on('block:connected', (e) => connected.push(e.height));
    await fx.mine(2);
    expect(fx.chain.height).toBe(2);
    expect(connected).toEqual([1, 2]);
    expect(await fx.account(W.minerA)).toEqual({ balance: 100n * COIN, nonce: 0n });

    const t1 = fx.tx(W.minerA, W.alice, 10n * COIN, { nonce: 0n, fee: 1_000n });
    const t2 = fx.tx(W.minerA, W.bob, 5n * COIN, { nonce: 1n, fee: 2_000n });
    await fx.mempool.add(t1);
    await fx.mempool.add(t2);
    const [block] = await fx.mine(1, { miner: W.minerB });
    expect(block!.txs).toHaveLength(3);
    expect(block!.txs[0]).toMatchObject({ kind: 'coinbase', height: 3, amount: 50n * COIN + 3_000n });
    expect(await fx.accounts()).toMatchObject({
      minerA: { balance: 100n * COIN - 15n * COIN - 3_000n, nonce: 2n },
      minerB: { balance: 50n * COIN + 3_000n, nonce: 0n },
      alice: { balance: 10n * COIN, nonce: 0n },
      bob: { balance: 5n * COIN, nonce: 0n },
      carol: { balance: 0n, nonce: 0n },
    });
    const entry = fx.chain.tip;
    expect(entry.id).toBe(idOf(block!));
    expect(entry.stateRoot).toEqual((block!.txs[0] as { stateRoot: Uint8Array }).stateRoot);
    expect(entry.chainWork).toBe(4n * workFromBits(NETWORKS.regtest.powLimitBits));
    const loc = await fx.chain.getTxLocation(txHash(t2));
    expect(loc?.entry).toBe(entry);
    expect(loc?.index).toBe(2);
    expect(fx.mempool.size).toBe(0);

    // alice spends: her nonce moves, and a self-payment only costs the fee
    const b4 = (await fx.branch()).next({ txs: [fx.tx(W.alice, W.alice, 3n * COIN, { nonce: 0n, fee: 500n })] });
    expect((await fx.chain.processBlock(b4)).status).toBe('connected');
    expect(await fx.account(W.alice)).toEqual({ balance: 10n * COIN - 500n, nonce: 1n });
  });

  it('accepts a coinbase paying less than allowed (the rest is burned)', async () => {
    const fx = await fixture();
    const b = (await fx.branch()).next({ coinbaseAmount: blockSubsidy(1, fx.params) - 1n, miner: W.carol });
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    expect(await fx.balance(W.carol)).toBe(50n * COIN - 1n);
  });

  it('reports a resubmitted block as a duplicate without reconnecting it', async () => {
    const fx = await fixture();
    const [b] = await fx.mine(1);
    const res = await fx.chain.processBlock(b!);
    expect(res.status).toBe('duplicate');
    expect(res.entry).toBe(fx.chain.tip);
    expect(await fx.balance(W.minerA)).toBe(50n * COIN);
  });
});

describe('Chain: block rejections', () => {
  let fx: ChainFixture;
  beforeEach(async () => {
    fx = await fixture();
    await fx.mine(3);
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 10n * COIN, { nonce: 0n }));
    await fx.mine(1);
    // alice spends once so her confirmed nonce is 1
    await fx.mempool.add(fx.tx(W.alice, W.bob, 1n * COIN, { nonce: 0n, fee: 1_000n }));
    await fx.mine(1);
    expect(fx.chain.height).toBe(5);
    expect(await fx.account(W.alice)).toEqual({ balance: 9n * COIN - 1_000n, nonce: 1n });
  });

  it("'high-hash': a header whose hash is above the target", async () => {
    const good = (await fx.branch()).next();
    const bad: Block = { header: { ...good.header }, txs: good.txs };
    const target = decodeCompact(bad.header.bits).target;
    do bad.header.nonce++;
    while (hashMeetsTarget(headerHash(bad.header), target));
    const err = await expectRejected(fx, bad, 'high-hash');
    expect(err.score).toBe(100);
    // not stored: the same content with a valid nonce is accepted
    expect(fx.chain.getEntry(idOf(bad))).toBeUndefined();
    expect((await fx.chain.processBlock(good)).status).toBe('connected');
  });

  it("'high-hash' via the builder's failing-nonce mode too", async () => {
    await expectRejected(fx, (await fx.branch()).next({ pow: 'fail' }), 'high-hash');
  });

  it("'bad-merkle-root': a header committing to other transactions", async () => {
    const b = await fx.branch();
    const block = b.clone().next({ merkleRoot: new Uint8Array(32).fill(7) });
    await expectRejected(fx, block, 'bad-merkle-root');
    // swapping in a different (valid) transaction list under a mined header is also caught
    const honest = b.clone().next();
    const other = b.clone().next();
    await expectRejected(fx, { header: honest.header, txs: other.txs }, 'bad-merkle-root');
  });

  it("'bad-cb-amount': coinbase paying one unit more than subsidy + fees", async () => {
    const b = await fx.branch();
    const tx = fx.tx(W.alice, W.carol, COIN, { nonce: 1n, fee: 777n });
    const block = b.clone().next({ txs: [tx], coinbaseAmount: blockSubsidy(6, fx.params) + 777n + 1n });
    await expectRejected(fx, block, 'bad-cb-amount');
    expect(isInvalid(fx.chain.getEntry(idOf(block)))).toBe(true);
    // exactly subsidy + fees is fine
    const ok = b.clone().next({ txs: [tx] });
    expect((ok.txs[0] as { amount: bigint }).amount).toBe(50n * COIN + 777n);
    expect((await fx.chain.processBlock(ok)).status).toBe('connected');
  });

  it("'bad-cb-height': coinbase claiming another height", async () => {
    const b = await fx.branch();
    for (const coinbaseHeight of [7, 5]) {
      const block = b.clone().next({ coinbaseHeight });
      await expectRejected(fx, block, 'bad-cb-height');
      // caught before the block is stored
      expect(fx.chain.getEntry(idOf(block))).toBeUndefined();
    }
  });

  it("'bad-state-root': wrong state commitment; the block is then known invalid", async () => {
    const b = await fx.branch();
    const root = new Uint8Array(32).fill(0xab);
    const block = b.clone().next({ stateRoot: root });
    await expectRejected(fx, block, 'bad-state-root');
    const entry = fx.chain.getEntry(idOf(block));
    expect(isInvalid(entry)).toBe(true);
    expect(fx.chain.isMain(entry!)).toBe(false);
    // resubmission is refused outright, and a child of it is an invalid-ancestor
    expect((await rejection(fx.chain.processBlock(block))).code).toBe('duplicate');
    const child = b.clone();
    child.next({ stateRoot: root, extra: (block.txs[0] as { extra: Uint8Array }).extra });
    expect(child.hashes[6]).toEqual(blockHash(block));
    expect((await rejection(fx.chain.processBlock(child.next()))).code).toBe('invalid-ancestor');
    expect(fx.chain.height).toBe(5);
  });

  it("'bad-diffbits': bits other than the required ones", async () => {
    const b = await fx.branch();
    // harder than required (valid under the limit, and actually mined)
    await expectRejected(fx, b.clone().next({ bits: 0x2000ffff }), 'bad-diffbits');
    // easier than the proof-of-work limit
    await expectRejected(fx, b.clone().next({ bits: 0x2100ffff }), 'bad-diffbits');
    expect(fx.chain.nextBits(fx.chain.tip)).toBe(NETWORKS.regtest.powLimitBits);
  });

  it("'time-too-old': time not above the median of the last 11 blocks", async () => {
    const mtp = fx.chain.medianTimePast(fx.chain.tip);
    const g = fx.params.genesis.time;
    // blocks 0..5 at g, g+1 … g+5: the median of 6 is the 4th smallest
    expect(mtp).toBe(g + 3);
    const b = await fx.branch();
    await expectRejected(fx, b.clone().next({ time: mtp }), 'time-too-old');
    // one second later is valid even though it is before the parent's time
    const ok = b.clone().next({ time: mtp + 1 });
    expect(ok.header.time).toBeLessThan(fx.chain.tip.header.time);
    expect((await fx.chain.processBlock(ok)).status).toBe('connected');
  });

  it("'time-too-old' looks at exactly the last 11 blocks", async () => {
    await fx.mine(7); // heights 0..12 at g, g+1 … g+12
    const g = fx.params.genesis.time;
    expect(fx.chain.tip.header.time).toBe(g + 12);
    // median of g+2 … g+12
    expect(fx.chain.medianTimePast(fx.chain.tip)).toBe(g + 7);
    const b = await fx.branch();
    await expectRejected(fx, b.clone().next({ time: g + 7 }), 'time-too-old');
    expect((await fx.chain.processBlock(b.clone().next({ time: g + 8 }))).status).toBe('connected');
  });

  it("'time-too-new': more than 2 h ahead of the node's clock, accepted once the clock catches up", async () => {
    const b = await fx.branch();
    const block = b.clone().next({ time: fx.clock.now + 2 * 60 * 60 + 1 });
    const err = await expectRejected(fx, block, 'time-too-new');
    expect(err.score).toBe(0);
    expect(fx.chain.getEntry(idOf(block))).toBeUndefined();
    fx.clock.now += 1;
    expect((await fx.chain.processBlock(block)).status).toBe('connected');
  });

  it("'bad-txns-nonce-too-low': a transfer reusing a confirmed nonce", async () => {
    const tx = fx.tx(W.alice, W.carol, 2n * COIN, { nonce: 0n });
    await expectRejected(fx, (await fx.branch()).next({ txs: [tx] }), 'bad-txns-nonce-too-low');
  });

  it("'bad-txns-nonce-gap': a transfer skipping a nonce", async () => {
    const b = await fx.branch();
    await expectRejected(fx, b.clone().next({ txs: [fx.tx(W.alice, W.carol, COIN, { nonce: 2n })] }), 'bad-txns-nonce-gap');
    // the same two nonces in the wrong order within one block
    const n1 = fx.tx(W.alice, W.carol, COIN, { nonce: 1n });
    const n2 = fx.tx(W.alice, W.carol, COIN, { nonce: 2n });
    await expectRejected(fx, b.clone().next({ txs: [n2, n1] }), 'bad-txns-nonce-gap');
    expect((await fx.chain.processBlock(b.clone().next({ txs: [n1, n2] }))).status).toBe('connected');
    expect(await fx.account(W.alice)).toEqual({ balance: 7n * COIN - 3_000n, nonce: 3n });
  });

  it("'bad-txns-insufficient-funds': amount + fee above the balance by one unit", async () => {
    const b = await fx.branch();
    const balance = 9n * COIN - 1_000n;
    const fee = 1_000n;
    const over = fx.tx(W.alice, W.carol, balance - fee + 1n, { nonce: 1n, fee });
    await expectRejected(fx, b.clone().next({ txs: [over] }), 'bad-txns-insufficient-funds');
    // funds received earlier in the same block count; spending exactly everything is fine
    const exact = fx.tx(W.alice, W.carol, balance - fee, { nonce: 1n, fee });
    expect((await fx.chain.processBlock(b.clone().next({ txs: [exact] }))).status).toBe('connected');
    expect(await fx.account(W.alice)).toEqual({ balance: 0n, nonce: 2n });
    expect(await fx.balance(W.carol)).toBe(balance - fee);
  });

  it("'bad-txns-sig': a transfer altered after signing", async () => {
    const signed = fx.tx(W.alice, W.carol, COIN, { nonce: 1n });
    const tampered = { ...signed, amount: signed.amount + 1n };
    await expectRejected(fx, (await fx.branch()).next({ txs: [tampered] }), 'bad-txns-sig');
    const forged = { ...signed, signature: signed.signature.slice() };
    forged.signature[10]! ^= 1;
    await expectRejected(fx, (await fx.branch()).next({ txs: [forged] }), 'bad-txns-sig');
  });

  it("'bad-txns-chainid': a transfer signed for another network", async () => {
    const tx = fx.tx(W.alice, W.carol, COIN, { nonce: 1n, chainId: NETWORKS.test.chainId });
    await expectRejected(fx, (await fx.branch()).next({ txs: [tx] }), 'bad-txns-chainid');
  });

  it("'bad-txns-duplicate': the same transfer twice in one block", async () => {
    const tx = fx.tx(W.alice, W.carol, COIN, { nonce: 1n });
    await expectRejected(fx, (await fx.branch()).next({ txs: [tx, tx] }), 'bad-txns-duplicate');
  });
});

/** A chain of 4 blocks, the last paying alice, and a branch from the block below it. */
async function forkBelowTransfer() {
  const fx = await fixture();
  await fx.mine(3);
  const side = await fx.branch();
  await fx.mempool.add(fx.tx(W.minerA, W.alice, 1n * COIN, { nonce: 0n }));
  await fx.mine(1);
  return { fx, side, tip: fx.chain.tip };
}

/** Counts the signature checks the fixture's backend makes from now on. */
function countVerifies(fx: ChainFixture): { readonly count: number; reset(): void } {
  const verify = fx.backend.verify.bind(fx.backend);
  let n = 0;
  (fx.backend as { verify: typeof verify }).verify = (...a) => (n++, verify(...a));
  return {
    get count() {
      return n;
    },
    reset: () => void (n = 0),
  };
}

describe('Chain: fork choice and reorganisation', () => {
  it('returns to the first-seen tip when a fork of equal work tried for an invalid block on top of it fails', async () => {
    const fx = await fixture();
    await fx.fundWallets();
    const fork = await fx.branch();
    const honest = await fx.mine(2);
    const bobBefore = await fx.balance(W.bob);
    const a2 = fork.next({ txs: [fx.tx(W.alice, W.bob, 5n * COIN, { nonce: 0n })] });
    const a3 = fork.next();
    const a4 = fork.next({ stateRoot: new Uint8Array(32).fill(7) });
    expect((await fx.chain.processBlock(a2)).status).toBe('side');
    expect((await fx.chain.processBlock(a3)).status).toBe('side');
    await expect(fx.chain.processBlock(a4)).rejects.toMatchObject({ code: 'bad-state-root' });
    await fx.settle();
    // Where a node that never saw a4 is: on its own first-seen tip, without the fork's payment.
    expect(fx.chain.tip.id).toBe(hashToHex(blockHash(honest[1]!)));
    expect(await fx.balance(W.bob)).toBe(bobBefore);
  });

  it('keeps the first-seen tip on equal work, reorgs 3 deep to a heavier branch with exact undo, and returns the lost transactions to the mempool', async () => {
    const fx = await fixture();
    await fx.mine(3);
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 20n * COIN, { nonce: 0n }));
    await fx.mempool.add(fx.tx(W.minerA, W.bob, 10n * COIN, { nonce: 1n }));
    await fx.mine(1);
    const fork = fx.chain.tip;
    expect(fork.height).toBe(4);
    const preFork = await fx.accounts();
    expect(preFork).toMatchObject({
      minerA: { balance: 200n * COIN - 30n * COIN, nonce: 2n },
      alice: { balance: 20n * COIN, nonce: 0n },
      bob: { balance: 10n * COIN, nonce: 0n },
    });
    const side = await fx.branch();

    // the old branch: 5, 6, 7 mined from the mempool
    const a0 = fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 0n });
    const a1 = fx.tx(W.alice, W.carol, 2n * COIN, { nonce: 1n });
    const b0 = fx.tx(W.bob, W.carol, 3n * COIN, { nonce: 0n });
    const a2 = fx.tx(W.alice, W.dave, 4n * COIN, { nonce: 2n });
    await fx.mempool.add(a0);
    await fx.mine(1);
    await fx.mempool.add(a1);
    await fx.mempool.add(b0);
    await fx.mine(1);
    await fx.mempool.add(a2);
    await fx.mine(1);
    const oldTip = fx.chain.tip;
    expect(oldTip.height).toBe(7);
    expect(fx.mempool.size).toBe(0);
    expect(await fx.balance(W.carol)).toBe(6n * COIN);
    expect((await fx.chain.getTxLocation(txHash(a0)))?.entry.height).toBe(5);

    // the new branch from 4: b0 again (same transaction), and m2 which only it has
    const m2 = fx.tx(W.minerA, W.dave, 7n * COIN, { nonce: 2n, fee: 500n });
    const B5 = side.next({ txs: [b0] });
    const B6 = side.next();
    const B7 = side.next({ txs: [m2] });
    const B8 = side.next();

    expect((await fx.chain.processBlock(B5)).status).toBe('side');
    expect((await fx.chain.processBlock(B6)).status).toBe('side');
    const r7 = await fx.chain.processBlock(B7);
    expect(r7.status).toBe('side');
    expect(r7.entry!.chainWork).toBe(oldTip.chainWork);
    expect(fx.chain.tip).toBe(oldTip); // equal work: no reorg
    expect(await fx.balance(W.dave)).toBe(4n * COIN);

    const disconnected: number[] = [];
    let atFork: Record<string, Account> | undefined;
    fx.chain.on('block:disconnected', (e) => {
      disconnected.push(e.height);
      if (fx.chain.tip === fork) atFork = fx.accountsSync();
    });
    const reorgs: ReorgInfo[] = [];
    fx.chain.on('reorg', (info) => reorgs.push(info));
    const tips: string[] = [];
    fx.chain.on('tip', (e) => tips.push(e.id));

    const r8 = await fx.chain.processBlock(B8);
    expect(r8.status).toBe('connected');
    expect(fx.chain.tip.id).toBe(idOf(B8));
    expect(fx.chain.height).toBe(8);
    expect(tips).toEqual([idOf(B8)]);
    expect(disconnected).toEqual([7, 6, 5]);
    // undo restored the pre-fork state exactly (balances and nonces of every account)
    expect(atFork).toEqual(preFork);
    expect(reorgs).toHaveLength(1);
    expect(reorgs[0]!.fork).toBe(fork);
    expect(reorgs[0]!.from).toBe(oldTip);
    expect(reorgs[0]!.to).toBe(fx.chain.tip);
    expect(reorgs[0]!.connected).toBe(4);
    expect(reorgs[0]!.disconnected.map((e) => e.id)).toEqual([oldTip.id, oldTip.parent!.id, oldTip.parent!.parent!.id]);

    // the new branch's state, by hand
    expect(await fx.accounts()).toEqual({
      minerA: { balance: 170n * COIN - 7n * COIN - 500n, nonce: 3n },
      minerB: { balance: 200n * COIN + 1_000n + 500n, nonce: 0n },
      alice: { balance: 20n * COIN, nonce: 0n },
      bob: { balance: 10n * COIN - 3n * COIN - 1_000n, nonce: 1n },
      carol: { balance: 3n * COIN, nonce: 0n },
      dave: { balance: 7n * COIN, nonce: 0n },
    });
    for (let h = 5; h <= 8; h++) expect(fx.chain.getEntryByHeight(h)!.id).toBe(idOf([B5, B6, B7, B8][h - 5]!));
    expect(fx.chain.isMain(oldTip)).toBe(false);

    // indexes follow the active chain
    expect(await fx.chain.getTxLocation(txHash(a0))).toBeNull();
    expect(await fx.chain.getTxLocation(txHash(a2))).toBeNull();
    expect((await fx.chain.getTxLocation(txHash(b0)))?.entry.id).toBe(idOf(B5));
    expect((await fx.chain.getTxLocation(txHash(m2)))?.entry.id).toBe(idOf(B7));
    const carolTxs = await fx.chain.addressTxs(W.carol.address, 0, 10);
    expect(carolTxs.map((t) => ({ ...t, hash: hashToHex(t.hash) }))).toEqual([{ hash: hashToHex(txHash(b0)), height: 5, index: 1 }]);

    // alice's three transfers are back in the mempool in nonce order; b0 (in the new branch) is not
    await fx.settle();
    expect(new Set(fx.mempool.entries().map((e) => e.id))).toEqual(new Set([a0, a1, a2].map((t) => hashToHex(txHash(t)))));
    expect(fx.mempool.get(hashToHex(txHash(b0)))).toBeUndefined();
    expect(fx.mempool.nextNonce(W.alice.address, 0n)).toBe(3n);

    // and the next block confirms them
    const [b9] = await fx.mine(1);
    expect(b9!.txs.slice(1).map((t) => hashToHex(txHash(t)))).toEqual([a0, a1, a2].map((t) => hashToHex(txHash(t))));
    expect(fx.mempool.size).toBe(0);
    expect(await fx.account(W.alice)).toEqual({ balance: 13n * COIN - 3_000n, nonce: 3n });
  });

  it('chooses the branch with the most cumulative work, not the longest one', async () => {
    const fx = await fixture({ params: RETARGET_PARAMS });
    const g = fx.params.genesis.time;
    for (let h = 1; h <= 8; h++) await fx.mine(1, { time: g + h });
    const slow = await fx.branch();
    const fast = slow.clone();

    // slow branch: a long gap before the retarget keeps the target at the limit
    const slowBlocks = [slow.next({ time: g + 10_000 })];
    for (let h = 10; h <= 12; h++) slowBlocks.push(slow.next());
    for (const b of slowBlocks) expect((await fx.chain.processBlock(b)).status).toBe('connected');
    expect(fx.chain.height).toBe(12);
    expect(fx.chain.tip.header.bits).toBe(RETARGET_PARAMS.powLimitBits);

    // fast branch: 10 blocks in 9 s (expected 270 s) → 4× clamp at height 10
    const A9 = fast.next({ time: g + 9 });
    const A10 = fast.next();
    const limit = decodeCompact(RETARGET_PARAMS.powLimitBits).target;
    expect(A10.header.bits).toBe(encodeCompact((limit * 68n) / 270n));
    expect((await fx.chain.processBlock(A9)).status).toBe('side');
    expect(fx.chain.height).toBe(12);
    const r = await fx.chain.processBlock(A10);
    expect(r.status).toBe('connected');
    expect(fx.chain.tip.id).toBe(idOf(A10));
    expect(fx.chain.height).toBe(10);
    const slowTip = fx.chain.getEntry(idOf(slowBlocks[3]!))!;
    expect(slowTip.height).toBe(12);
    expect(fx.chain.tip.chainWork).toBeGreaterThan(slowTip.chainWork);
    expect(fx.chain.isMain(slowTip)).toBe(false);
    // minerB's 4 slow-branch rewards are gone, the 2 fast-branch rewards count
    expect(await fx.balance(W.minerB)).toBe(100n * COIN);
  });

  it('checks no signature again when a reorg reconnects a block that passed every rule: an invalid child on an equal-work branch costs states, not signatures', async () => {
    const { fx, side, tip } = await forkBelowTransfer();
    expect((await fx.chain.processBlock(side.next({ txs: [fx.tx(W.minerA, W.bob, 1n * COIN, { nonce: 0n })] }))).status).toBe('side');
    const again = side.clone();
    const checks = countVerifies(fx);
    const trigger = async (fill: number): Promise<number> => {
      checks.reset();
      const child = (fill === 1 ? side : again).next({ stateRoot: new Uint8Array(32).fill(fill) });
      expect((await rejection(fx.chain.processBlock(child))).code).toBe('bad-state-root');
      expect([fx.chain.tip, isInvalid(fx.chain.getEntry(idOf(child)))]).toEqual([tip, true]);
      await fx.settle();
      return checks.count;
    };
    // The branch's block is checked once, the first time a reorg reaches it; the tip's, never again.
    expect([await trigger(1), await trigger(2)]).toEqual([1, 0]);
    expect(await fx.account(W.alice)).toEqual({ balance: 1n * COIN, nonce: 0n });
  });

  it('marks an invalid block of a heavier branch invalid and returns to the valid chain, keeping the mempool', async () => {
    const fx = await fixture();
    await fx.mine(3);
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 10n * COIN, { nonce: 0n }));
    await fx.mine(1);
    const side = await fx.branch();
    await fx.mine(2);
    const validTip = fx.chain.tip;
    const before = await fx.accounts();

    const T = fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 0n });
    await fx.mempool.add(T);
    const B5 = side.next({ txs: [T] });
    const B6 = side.next({ stateRoot: new Uint8Array(32).fill(1) });
    const B7 = side.next();
    const B8 = side.next();
    expect((await fx.chain.processBlock(B5)).status).toBe('side');
    expect((await fx.chain.processBlock(B6)).status).toBe('side'); // equal work: not validated yet
    expect(isInvalid(fx.chain.getEntry(idOf(B6)))).toBe(false);

    const reorgs: ReorgInfo[] = [];
    fx.chain.on('reorg', (i) => reorgs.push(i));
    await fx.chain.processBlock(B7);
    expect(fx.chain.tip).toBe(validTip);
    expect(isInvalid(fx.chain.getEntry(idOf(B6)))).toBe(true);
    expect(isInvalid(fx.chain.getEntry(idOf(B7)))).toBe(true);
    expect(isInvalid(fx.chain.getEntry(idOf(B5)))).toBe(false);
    expect(fx.chain.isMain(fx.chain.getEntry(idOf(B5))!)).toBe(false);
    expect(reorgs).toEqual([]); // the active chain did not change in the end
    expect(await fx.accounts()).toEqual(before);
    expect(await fx.chain.getTxLocation(txHash(T))).toBeNull();

    // T was connected (and removed from the mempool) in B5, then disconnected again: it must be back
    await fx.settle();
    expect(fx.mempool.get(hashToHex(txHash(T)))).toBeDefined();
    expect(fx.mempool.size).toBe(1);

    // the invalid branch stays dead
    expect((await rejection(fx.chain.processBlock(B8))).code).toBe('invalid-ancestor');
    expect((await rejection(fx.chain.processBlock(B7))).code).toBe('duplicate');
    expect(fx.chain.tip).toBe(validTip);

    // and the valid chain goes on, confirming T
    await fx.mine(1);
    expect(await fx.balance(W.carol)).toBe(1n * COIN);
    expect(fx.mempool.size).toBe(0);
  });

  it('marks every descendant of a failed block invalid, on each branch below it, and nothing else', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const side = await fx.branch();
    await fx.mine(3);
    const validTip = fx.chain.tip;
    const S1 = side.next();
    const S2 = side.next({ stateRoot: new Uint8Array(32).fill(1) });
    const atS2 = side.clone();
    const S3a = side.next();
    const S3b = atS2.next({ miner: W.carol });
    const S4b = atS2.next();
    const S4a = side.next();
    for (const b of [S1, S2, S3a, S3b]) expect((await fx.chain.processBlock(b)).status).toBe('side');
    await fx.chain.processBlock(S4b);
    expect(fx.chain.tip).toBe(validTip);
    for (const b of [S2, S3a, S3b, S4b]) expect(isInvalid(fx.chain.getEntry(idOf(b)))).toBe(true);
    expect(isInvalid(fx.chain.getEntry(idOf(S1)))).toBe(false);
    for (let e: ChainEntry | null = validTip; e; e = e.parent) expect(isInvalid(e)).toBe(false);
    expect((await rejection(fx.chain.processBlock(S4a))).code).toBe('invalid-ancestor');
  });

  it('rejects an invalid block that extends the tip and stays on the valid chain', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const tip = fx.chain.tip;
    const bad = (await fx.branch()).next({ stateRoot: new Uint8Array(32) });
    expect((await rejection(fx.chain.processBlock(bad))).code).toBe('bad-state-root');
    expect(fx.chain.tip).toBe(tip);
    expect(fx.chain.getEntryByHeight(3)).toBeUndefined();
    await fx.mine(1);
    expect(fx.chain.height).toBe(3);
    expect(fx.chain.tip.id).not.toBe(idOf(bad));
  });
});

describe('Chain: orphan blocks', () => {
  it('holds blocks whose parent is unknown and connects them when it arrives', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const b = await fx.branch();
    const c3 = b.next();
    const c4 = b.next();
    const c5 = b.next();
    const bad6 = b.clone().next({ stateRoot: new Uint8Array(32).fill(9) });
    const c6 = b.next();

    expect((await fx.chain.processBlock(c5)).status).toBe('orphan');
    expect((await fx.chain.processBlock(bad6)).status).toBe('orphan');
    expect((await fx.chain.processBlock(c4)).status).toBe('orphan');
    expect((await fx.chain.processBlock(c5)).status).toBe('orphan'); // already held
    expect(fx.chain.orphanCount).toBe(3);
    expect(fx.chain.height).toBe(2);
    // a context-free failure is rejected before it enters the pool
    const broken = b.clone().next({ merkleRoot: new Uint8Array(32) });
    expect((await rejection(fx.chain.processBlock(broken))).code).toBe('bad-merkle-root');
    expect(fx.chain.orphanCount).toBe(3);

    const res = await fx.chain.processBlock(c3);
    expect(res.status).toBe('connected');
    expect(fx.chain.orphanCount).toBe(0);
    expect(fx.chain.height).toBe(5);
    expect(fx.chain.tip.id).toBe(idOf(c5));
    // the invalid orphan child was validated and rejected
    expect(isInvalid(fx.chain.getEntry(idOf(bad6)))).toBe(true);
    expect(await fx.balance(W.minerB)).toBe(150n * COIN);
    expect((await fx.chain.processBlock(c6)).status).toBe('connected');
    expect(fx.chain.height).toBe(6);
  });
});

describe('Chain: unsolicited low-work blocks', () => {
  it('drops a gossiped block whose chain has less work than the tip, but stores an equal-work competitor', async () => {
    const fx = await fixture();
    await fx.mine(1);
    const fork1 = await fx.branch();
    await fx.mine(1);
    const fork2 = await fx.branch();
    await fx.mine(1);
    const stale = fork1.next();
    const before = fx.chain.blockCount;
    expect((await fx.chain.processBlock(stale, { unsolicited: true })).status).toBe('ignored');
    expect(fx.chain.blockCount).toBe(before);
    expect(fx.chain.getEntry(idOf(stale))).toBeUndefined();

    // A sibling of the tip has the same work: a real competing tip, kept for a possible reorg.
    const sibling = fork2.next();
    expect((await fx.chain.processBlock(sibling, { unsolicited: true })).status).toBe('side');
    expect(fx.chain.blockCount).toBe(before + 1);
    // Asked for (sync), even a low-work block is stored.
    expect((await fx.chain.processBlock(stale)).status).toBe('side');
    expect(fx.chain.blockCount).toBe(before + 2);
  });
});

describe('Chain: persistence and reindex', () => {
  /** A chain with transfers, an equal-work side tip and a heavier side branch holding an invalid block. */
  async function populated(): Promise<{ fx: ChainFixture; txs: { hash: Uint8Array; height: number; index: number }[]; invalid: Block }> {
    const fx = await fixture();
    await fx.mine(2);
    await fx.mempool.add(fx.tx(W.minerA, W.alice, 30n * COIN, { nonce: 0n }));
    await fx.mempool.add(fx.tx(W.minerA, W.bob, 20n * COIN, { nonce: 1n }));
    await fx.mine(1);
    const side = await fx.branch();
    await fx.mempool.add(fx.tx(W.alice, W.bob, 5n * COIN, { nonce: 0n }));
    await fx.mempool.add(fx.tx(W.bob, W.alice, 2n * COIN, { nonce: 0n }));
    await fx.mine(1, { miner: W.minerB });
    await fx.mempool.add(fx.tx(W.alice, W.carol, 1n * COIN, { nonce: 1n }));
    await fx.mine(2);
    // heavier side branch whose second block is invalid
    const s4 = side.next({ txs: [fx.tx(W.alice, W.dave, 9n * COIN, { nonce: 0n })] });
    const s5 = side.next({ coinbaseAmount: 51n * COIN });
    const s6 = side.next();
    const s7 = side.next();
    for (const b of [s4, s5, s6, s7]) expect((await fx.chain.processBlock(b)).status).toBe('side');
    expect(isInvalid(fx.chain.getEntry(idOf(s5)))).toBe(true);
    expect(isInvalid(fx.chain.getEntry(idOf(s7)))).toBe(true);
    expect(fx.chain.height).toBe(6);
    const txs: { hash: Uint8Array; height: number; index: number }[] = [];
    for (let h = 1; h <= 6; h++) {
      const block = (await fx.chain.getBlock(fx.chain.getEntryByHeight(h)!))!;
      block.txs.forEach((t, index) => txs.push({ hash: txHash(t), height: h, index }));
    }
    expect(txs).toHaveLength(6 + 5);
    return { fx, txs, invalid: s5 };
  }

  async function snapshot(fx: ChainFixture) {
    const addr = async (w: Wallet) => fx.chain.addressTxs(w.address, 0, 100);
    return {
      tip: fx.chain.tip.id,
      height: fx.chain.height,
      chainWork: fx.chain.tip.chainWork,
      accounts: await fx.accounts(),
      accountTable: await fx.dump(Prefix.account),
      txTable: await fx.dump(Prefix.tx),
      addressTable: await fx.dump(Prefix.addressTx),
      heightTable: await fx.dump(Prefix.height),
      undoTable: await fx.dump(Prefix.undo),
      aliceTxs: await addr(W.alice),
      bobTxs: await addr(W.bob),
      minerATxs: await addr(W.minerA),
    };
  }

  it('reopening the database restores tip, balances, tx index and address index', async () => {
    const { fx, txs, invalid } = await populated();
    const before = await snapshot(fx);
    const blockCount = fx.chain.blockCount;
    expect(before.accounts.alice).toEqual({ balance: 30n * COIN - 5n * COIN + 2n * COIN - 1n * COIN - 2_000n, nonce: 2n });

    // address index: newest first, every entry pointing at the right main-chain transaction
    const aliceTxs = before.aliceTxs;
    expect(aliceTxs.map((t) => t.height)).toEqual([5, 4, 4, 3]);
    for (let i = 1; i < aliceTxs.length; i++) {
      const [p, c] = [aliceTxs[i - 1]!, aliceTxs[i]!];
      expect(p.height > c.height || (p.height === c.height && p.index > c.index)).toBe(true);
    }
    for (const t of aliceTxs) {
      const loc = await fx.chain.getTxLocation(t.hash);
      expect(loc?.entry).toBe(fx.chain.getEntryByHeight(t.height));
      expect(loc?.index).toBe(t.index);
    }
    expect(await fx.chain.addressTxs(W.alice.address, 1, 2)).toEqual(aliceTxs.slice(1, 3));

    await fx.reopen();
    expect(await snapshot(fx)).toEqual(before);
    expect(fx.chain.blockCount).toBe(blockCount);
    for (const t of txs) {
      const loc = await fx.chain.getTxLocation(t.hash);
      expect(loc?.entry).toBe(fx.chain.getEntryByHeight(t.height));
      expect(loc?.index).toBe(t.index);
    }
    // the invalid side block is still known to be invalid
    expect(isInvalid(fx.chain.getEntry(idOf(invalid)))).toBe(true);
    expect((await rejection(fx.chain.processBlock(invalid))).code).toBe('duplicate');
    // the chain keeps working after the restart
    await fx.mine(1);
    expect(fx.chain.height).toBe(7);
  });

  it('reindex rebuilds identical state, indexes and tip, checking every signature again', async () => {
    const { fx } = await populated();
    const before = await snapshot(fx);
    const checks = countVerifies(fx);
    await fx.reopen({ reindex: true });
    expect(await snapshot(fx)).toEqual(before);
    // Blocks that passed once are otherwise reconnected without their signatures.
    expect(checks.count).toBeGreaterThan(0);
    await fx.mine(1);
    expect(fx.chain.height).toBe(7);
  });

  it('reindex keeps the first-seen tip when a side branch has equal work', async () => {
    const { fx, side, tip } = await forkBelowTransfer();
    // an equal-work competitor whose hash sorts before the tip's in the block index
    let rival: Block;
    do rival = side.clone().next();
    while (Buffer.compare(Buffer.from(blockHash(rival)), Buffer.from(tip.hash)) >= 0);
    expect((await fx.chain.processBlock(rival)).status).toBe('side');
    expect(fx.chain.tip).toBe(tip);
    const before = await snapshot(fx);

    await fx.reopen();
    expect(fx.chain.tip.id).toBe(tip.id);
    await fx.reopen({ reindex: true });
    expect(fx.chain.tip.id).toBe(tip.id);
    expect(await snapshot(fx)).toEqual(before);
  });
});

describe('Chain: difficulty retargeting', () => {
  it('halves the target at height 10 after blocks twice too fast, and the block there must carry it', async () => {
    const fx = await fixture({ params: RETARGET_PARAMS });
    const g = fx.params.genesis.time;
    const limitBits = RETARGET_PARAMS.powLimitBits;
    const limit = decodeCompact(limitBits).target;
    for (let h = 1; h <= 9; h++) {
      const [b] = await fx.mine(1, { time: g + 15 * h });
      expect(b!.header.bits).toBe(limitBits);
    }
    // 9 gaps of 15 s instead of 30 s: actual 135 s, expected 270 s
    const halved = encodeCompact(limit / 2n);
    expect(halved).toBe(0x203fffff);
    expect(fx.chain.nextBits(fx.chain.tip)).toBe(halved);

    const b = await fx.branch();
    await expectRejected(fx, b.clone().next({ time: g + 150, bits: limitBits }), 'bad-diffbits');
    const [b10] = await fx.mine(1, { time: g + 150 });
    expect(b10!.header.bits).toBe(halved);
    expect(fx.chain.height).toBe(10);
    const work9 = fx.chain.getEntryByHeight(9)!.chainWork;
    const w = fx.chain.tip.chainWork - work9;
    expect(w).toBe(workFromBits(halved));
    expect((w * 1000n) / workFromBits(limitBits)).toBe(2000n);

    // no retarget before height 20: the old bits are now wrong, the new ones stay
    await expectRejected(fx, (await fx.branch()).next({ bits: limitBits }), 'bad-diffbits');
    for (let h = 11; h <= 19; h++) {
      const [blk] = await fx.mine(1, { time: g + 150 + 300 * (h - 10) });
      expect(blk!.header.bits).toBe(halved);
    }
    // 10× too slow: clamped to 4×, and capped at the proof-of-work limit
    expect(fx.chain.nextBits(fx.chain.tip)).toBe(limitBits);
    await expectRejected(fx, (await fx.branch()).next({ bits: halved }), 'bad-diffbits');
    const [b20] = await fx.mine(1);
    expect(b20!.header.bits).toBe(limitBits);
  });

  it('time-timewarp-attack: the first block of a window may step back at most 600 s behind its parent', async () => {
    const fx = await fixture({ params: RETARGET_PARAMS });
    const g = fx.params.genesis.time;
    for (let h = 1; h <= 8; h++) await fx.mine(1, { time: g + 30 * h });
    const [b9] = await fx.mine(1, { time: g + 5_000 });
    const t9 = b9!.header.time;
    const b = await fx.branch();
    // Within median-time-past and the 2-hour rule, but 601 s behind the last block of the previous window.
    await expectRejected(fx, b.clone().next({ time: t9 - 601 }), 'time-timewarp-attack');
    expect((await fx.chain.processBlock(b.clone().next({ time: t9 - 600 }))).status).toBe('connected');
    expect(fx.chain.height).toBe(10);
    // Inside a window only the median-time-past rule bounds a step back.
    expect((await fx.chain.processBlock((await fx.branch()).next({ time: t9 - 1_000 }))).status).toBe('connected');
  });
});
