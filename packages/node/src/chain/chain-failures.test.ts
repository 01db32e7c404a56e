import { afterEach, describe, expect, it } from 'vitest';
import {
  COIN,
  ZERO_ADDRESS,
  blockHash,
  decodeBlock,
  decodeCompact,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  signTransfer,
  txHash,
  utf8ToBytes,
  type Block,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractView,
} from '@hackcoin/core';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { createTemplate } from '../mining/template.js';
import type { ReorgInfo } from './chain.js';
import { Status } from './entry.js';
import { Prefix, key, META_TIP } from '../store/keys.js';
import type { BatchOp } from '../store/db.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { accountReadFaults, failBatches, gateBatches } from '../test-support/disk-faults.js';

/** The real VM, which can be made to fail the way a host does (a stack overflow outside QuickJS). */
class FlakyExecutor implements ContractExecutor {
  failing = false;
  constructor(private readonly real: ContractExecutor) {}
  execute(call: ContractCall, view: ContractView): ContractOutcome {
    if (this.failing) throw new RangeError('Maximum call stack size exceeded');
    return this.real.execute(call, view);
  }
}

/** minerA's first transaction: a deploy whose init writes one slot, at 300,000 gas. */
function smallDeploy(fx: ChainFixture) {
  const gas = 300_000;
  const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code: 'export function init() { storage.set("a", 1); }', init: [], gasLimit: gas, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: fx.params.chainId, nonce: 0n, fee: BigInt(gas), to: ZERO_ADDRESS, amount: 0n, data }, W.minerA.privateKey);
}

const fixtures: ChainFixture[] = [];
async function fixture(executor?: ContractExecutor): Promise<ChainFixture> {
  const fx = await ChainFixture.create(executor ? { executor } : {});
  fixtures.push(fx);
  return fx;
}
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

const TIP_KEY = Buffer.from(key(Prefix.meta, META_TIP));
const movesTip = (ops: BatchOp[]) => ops.some((op) => op.type === 'put' && TIP_KEY.equals(op.key));
/** The block id a batch moves the tip to, if it does. */
const tipOf = (ops: BatchOp[]): string | undefined => {
  const tip = ops.find((op) => op.type === 'put' && TIP_KEY.equals(op.key));
  return tip?.type === 'put' ? hashToHex(tip.value) : undefined;
};
const storesSideBlock = (ops: BatchOp[]) => !movesTip(ops) && ops.some((op) => op.type !== 'rows' && op.key[0] === Prefix.block);

function record(fx: ChainFixture) {
  const ev = { connected: [] as number[], disconnected: [] as number[], tips: [] as string[], reorgs: [] as ReorgInfo[], halts: [] as string[], invalid: [] as string[] };
  fx.chain.on('block:invalid', (e, err) => ev.invalid.push(`${e.height} ${err.code}`));
  fx.chain.on('block:connected', (e) => ev.connected.push(e.height));
  fx.chain.on('block:disconnected', (e) => ev.disconnected.push(e.height));
  fx.chain.on('tip', (e) => ev.tips.push(e.id));
  fx.chain.on('reorg', (info) => ev.reorgs.push(info));
  fx.chain.on('halt', (reason) => ev.halts.push(reason));
  return ev;
}

const id = (b: Block) => hashToHex(blockHash(b));

/**
 * A main chain of 5 blocks (a transfer in block 4) and a heavier side branch forking after
 * block 2, whose first two blocks each pay someone new (so connecting either reads LevelDB).
 */
async function forked(fx: ChainFixture) {
  await fx.mine(2);
  const side = await fx.branch();
  await fx.mine(1);
  await fx.mempool.add(fx.tx(W.minerA, W.alice, 5n * COIN));
  await fx.mine(2);
  const oldTip = fx.chain.tip;
  const B = [
    side.next({ txs: [fx.tx(W.minerA, W.bob, 7n * COIN)] }),
    side.next({ txs: [fx.tx(W.minerA, W.carol, 1n * COIN, { nonce: 1n })] }),
    side.next(),
    side.next(),
  ];
  for (const b of B.slice(0, 3)) expect((await fx.chain.processBlock(b)).status).toBe('side');
  return { side, oldTip, B };
}

describe('Chain: local failures judge no block and leave no half-applied reorg', () => {
  it('a failed connect of a block on the tip keeps the tip and state, marks nothing invalid, stores the block and connects it later', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const before = fx.chain.tip;
    const accounts = await fx.dump(Prefix.account);
    const branch = await fx.branch();
    const b1 = branch.next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    const ev = record(fx);
    const disk = accountReadFaults(fx.db, { nth: 1 });

    const r = await fx.chain.processBlock(b1);
    expect(r.status).toBe('deferred');
    expect(disk.failed).toBe(1);
    expect(fx.chain.tip).toBe(before);
    expect(await fx.dump(Prefix.account)).toEqual(accounts);
    const entry = fx.chain.getEntry(id(b1))!;
    expect(entry.status & Status.invalid).toBe(0);
    expect(await fx.chain.getRawBlock(entry)).not.toBeNull();
    expect(ev).toMatchObject({ connected: [], disconnected: [], tips: [], reorgs: [], halts: [] });

    // Its child connects both.
    const r2 = await fx.chain.processBlock(branch.next());
    expect(r2.status).toBe('connected');
    expect(fx.chain.height).toBe(4);
    expect(ev.connected).toEqual([3, 4]);
    expect(await fx.balance(W.alice)).toBe(3n * COIN);
  });

  it('a block not judged because of a failure is connected by the next start', async () => {
    const fx = await fixture();
    await fx.mine(1);
    const b = (await fx.branch()).next({ txs: [fx.tx(W.minerA, W.carol, 2n * COIN)] });
    accountReadFaults(fx.db, { nth: 1 });
    expect((await fx.chain.processBlock(b)).status).toBe('deferred');
    expect(fx.chain.height).toBe(1);
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(id(b));
    expect(await fx.balance(W.carol)).toBe(2n * COIN);
  });

  it('after a local failure the next block processed, whatever it is, retries the best chain', async () => {
    const fx = await fixture();
    await fx.mine(1);
    const branch = await fx.branch();
    const b = branch.clone().next({ txs: [fx.tx(W.minerA, W.dave, 4n * COIN)] });
    accountReadFaults(fx.db, { nth: 1 });
    expect((await fx.chain.processBlock(b)).status).toBe('deferred');
    expect(fx.chain.height).toBe(1);
    // A competing block of the same height: the unjudged block came first and is connected now.
    const rival = branch.clone().next({ miner: W.carol });
    expect((await fx.chain.processBlock(rival)).status).toBe('side');
    expect(fx.chain.tip.id).toBe(id(b));
    expect(await fx.balance(W.dave)).toBe(4n * COIN);
  });

  it('stores a block on the tip that an activation retrying the best chain went past, so a child of it stored later leaves an index the next start loads', async () => {
    const fx = await fixture();
    await fx.mine(1);
    const atOne = await fx.branch();
    await fx.mine(2);
    const onTip = await fx.branch();
    const heavier = [0, 1, 2, 3].map(() => atOne.next({ miner: W.minerB }));
    const [u, v] = [onTip.next({ miner: W.minerA }), onTip.next({ miner: W.minerA })];
    for (const b of heavier.slice(0, 2)) expect((await fx.chain.processBlock(b)).status).toBe('side');
    // One transient read failure during the reorg to the heavier branch: the next activation retries the best chain.
    accountReadFaults(fx.db, { nth: 1 });
    expect((await fx.chain.processBlock(heavier[2]!)).status).toBe('deferred');
    expect(fx.chain.height).toBe(3);
    // u extends the tip, but the activation goes to the heavier branch instead: u is a side block.
    expect((await fx.chain.processBlock(u)).status).toBe('side');
    expect(fx.chain.tip.id).toBe(id(heavier[2]!));
    expect((await fx.chain.processBlock(heavier[3]!)).status).toBe('connected');
    // u's child has no more work than the tip: stored as a side block beside its parent.
    expect((await fx.chain.processBlock(v)).status).toBe('side');
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(id(heavier[3]!));
    expect(hashToHex(blockHash((await fx.chain.getBlock(fx.chain.getEntry(id(u))!))!))).toBe(id(u));
    expect(fx.chain.getEntry(id(v))?.parent?.id).toBe(id(u));
  });

  it('a reorg that fails half-way restores the old tip and its state, with events that add up, and succeeds once the disk heals', async () => {
    const fx = await fixture();
    const { oldTip, B, side } = await forked(fx);
    const accounts = await fx.dump(Prefix.account);
    const heights = await fx.dump(Prefix.height);
    const ev = record(fx);
    // Disconnect 5, 4, 3, connect B3, then the connect of B4 fails reading its accounts.
    const disk = accountReadFaults(fx.db, { nth: 2 });

    const r = await fx.chain.processBlock(B[3]!);
    expect(r.status).toBe('deferred');
    expect(disk.failed).toBe(1);
    expect(fx.chain.tip).toBe(oldTip);
    expect(await fx.dump(Prefix.account)).toEqual(accounts);
    expect(await fx.dump(Prefix.height)).toEqual(heights);
    expect(ev.disconnected).toEqual([5, 4, 3, 3]);
    expect(ev.connected).toEqual([3, 3, 4, 5]);
    expect(ev.reorgs).toEqual([]);
    expect(ev.tips).toEqual([oldTip.id]);
    for (const b of B) expect(fx.chain.getEntry(id(b))!.status & Status.invalid).toBe(0);
    await fx.settle();
    expect(await fx.balance(W.alice)).toBe(5n * COIN);

    const r5 = await fx.chain.processBlock(side.next());
    expect(r5.status).toBe('connected');
    expect(fx.chain.height).toBe(7);
    expect(ev.reorgs).toHaveLength(1);
    expect(await fx.balance(W.alice)).toBe(0n);
    expect(await fx.balance(W.bob)).toBe(7n * COIN);
  });

  it('an activation that tries a fork up to an invalid block and falls back to another reports the net reorg, not the blocks taken off on the way', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const a = await fx.branch();
    await fx.mine(2);
    const b = await fx.branch();
    await fx.mine(1);
    const oldTip = fx.chain.tip;
    const o4 = oldTip.parent!;
    // Fork a after block 2 (its block 4 breaks the state root); fork b after block 4.
    const A = [a.next({ txs: [fx.tx(W.minerA, W.bob, 7n * COIN)] }), a.next({ stateRoot: new Uint8Array(32).fill(1) }), a.next(), a.next()];
    const B = [b.next(), b.next()];
    for (const blk of [A[0]!, A[1]!, A[2]!, B[0]!]) expect((await fx.chain.processBlock(blk)).status).toBe('side');
    // a's heavier tip stays unjudged: the connect of its first block fails reading its accounts.
    const disk = accountReadFaults(fx.db, { nth: 1 });
    expect((await fx.chain.processBlock(A[3]!)).status).toBe('deferred');
    expect(disk.failed).toBe(1);
    expect(fx.chain.tip).toBe(oldTip);
    const ev = record(fx);

    // b's tip has a's work: the retry tries a first (disconnect 5, 4, 3; a's 3 connects, its 4 fails), then b.
    expect((await fx.chain.processBlock(B[1]!)).status).toBe('connected');
    expect(fx.chain.tip.id).toBe(id(B[1]!));
    expect(ev.disconnected).toEqual([5, 4, 3, 3]);
    expect(ev.connected).toEqual([3, 3, 4, 5, 6]);
    expect(ev.invalid).toEqual(['4 bad-state-root', '5 invalid-ancestor', '6 invalid-ancestor']);
    expect(ev.reorgs).toHaveLength(1);
    const reorg = ev.reorgs[0]!;
    expect(reorg.from).toBe(oldTip);
    expect(reorg.to).toBe(fx.chain.tip);
    expect(reorg.fork).toBe(o4);
    expect(reorg.disconnected.map((e) => e.id)).toEqual([oldTip.id]);
    expect(reorg.connected).toBe(2);
    expect(ev.tips).toEqual([id(B[1]!)]);
    await fx.settle();
    expect(await fx.balance(W.bob)).toBe(0n);
  });

  it('when the disk dies mid-reorg the chain halts at the first failed write, writes nothing more, refuses work, and restarts onto a consistent chain', async () => {
    const fx = await fixture();
    const { B, side } = await forked(fx);
    const minerB = side.account(W.minerB);
    const ev = record(fx);
    // Disconnect 5 and 4 succeed, then every chain write fails, the way back included.
    const disk = failBatches(fx.db, movesTip, 3, 'from');

    const r = await fx.chain.processBlock(B[3]!);
    expect(r.status).toBe('deferred');
    expect(ev.halts).toHaveLength(1);
    // Disconnecting 3 fails and halts the chain; putting 4 and 5 back is not even tried.
    expect(ev.halts[0]).toMatch(/a chain write failed: EIO: simulated write failure/);
    expect(disk.failed).toBe(1);
    expect(fx.chain.haltReason).toBe(ev.halts[0]);
    const more = side.next();
    expect(await fx.chain.processBlock(more)).toEqual({ status: 'deferred' });
    for (const b of B) expect(fx.chain.getEntry(id(b))!.status & Status.invalid).toBe(0);

    disk.healed = true;
    await fx.reopen();
    // The stored tip was block 3; the start-up consistency check passes and the heavier branch connects.
    expect(fx.chain.tip.id).toBe(id(B[3]!));
    expect(fx.chain.haltReason).toBeUndefined();
    expect(await fx.balance(W.bob)).toBe(7n * COIN);
    expect(await fx.balance(W.alice)).toBe(0n);
    expect(await fx.account(W.minerB)).toEqual(minerB);
  });

  it('when a connected block cannot be written the chain halts at once, refuses work, and restarts onto the block before', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const before = fx.chain.tip;
    const branch = await fx.branch();
    const b = branch.next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    const ev = record(fx);
    const disk = failBatches(fx.db, movesTip, 1);
    // Answered before the write lands (write-behind); the failure surfaces to whoever reads next.
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    await expect(fx.chain.settled()).rejects.toThrow(/EIO/);
    // Not tried again: nothing may be logged after a batch that may be torn.
    expect(disk.failed).toBe(1);
    expect(ev.halts).toHaveLength(1);
    expect(ev.halts[0]).toMatch(new RegExp(`block ${id(b)} at height 3 could not be written: EIO`));
    expect(await fx.chain.processBlock(branch.next())).toEqual({ status: 'deferred' });

    disk.healed = true;
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(before.id);
    expect(fx.chain.haltReason).toBeUndefined();
    expect(await fx.balance(W.alice)).toBe(0n);
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    expect(await fx.balance(W.alice)).toBe(3n * COIN);
  });

  it('while a block is being written, reads wait for it and synchronous account reads already see it', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const b = (await fx.branch()).next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    const gate = gateBatches(fx.db, movesTip);
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    const entry = fx.chain.getEntry(id(b))!;
    expect(fx.chain.getAccountSync(W.alice.address).balance).toBe(3n * COIN);
    expect(fx.db.getSync(key(Prefix.block, entry.hash))).toBeUndefined();
    let raw: Uint8Array | null | undefined;
    const reading = fx.chain.getRawBlock(entry).then((r) => (raw = r));
    await new Promise((r) => setTimeout(r, 20));
    expect(raw).toBeUndefined();
    gate.release();
    await reading;
    expect(raw).not.toBeNull();
    expect(hashToHex(blockHash(decodeBlock(raw!)))).toBe(id(b));
  });

  it('the next block reads the accounts of a block still being written from its batch, and writes only after it lands', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const branch = await fx.branch();
    const b = branch.next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    // Spends what b pays Alice: only right if Alice's account comes from b's batch in flight.
    const c = branch.next({ txs: [fx.tx(W.alice, W.bob, 1n * COIN, { fee: 1_000n })] });
    const gate = gateBatches(fx.db, (ops) => tipOf(ops) === id(b));
    const writes = () => gate.submitted.map(tipOf).filter((t) => t !== undefined);
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    let outcome: string | undefined;
    const connecting = fx.chain.processBlock(c).then((r) => (outcome = r.status));
    await new Promise((r) => setTimeout(r, 50));
    // c's transition is done, but its batch may not be logged before b's.
    expect(outcome).toBeUndefined();
    expect(writes()).toEqual([id(b)]);
    gate.release();
    await connecting;
    expect(outcome).toBe('connected');
    expect(writes()).toEqual([id(b), id(c)]);
    await fx.chain.settled();
    expect(await fx.balance(W.alice)).toBe(3n * COIN - 1n * COIN - 1_000n);
    expect(await fx.balance(W.bob)).toBe(1n * COIN);
  });

  it('a block connected while an earlier block write fails is not connected, not even in memory', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const before = fx.chain.tip;
    const branch = await fx.branch();
    const b = branch.next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    const c = branch.next({ txs: [fx.tx(W.alice, W.bob, 1n * COIN)] });
    const gate = gateBatches(fx.db, (ops) => tipOf(ops) === id(b), { fail: true });
    expect((await fx.chain.processBlock(b)).status).toBe('connected');
    const connecting = fx.chain.processBlock(c);
    await new Promise((r) => setTimeout(r, 50));
    gate.release();
    expect((await connecting).status).toBe('deferred');
    expect(fx.chain.haltReason).toMatch(new RegExp(`block ${id(b)} at height 3 could not be written: EIO`));
    expect(fx.chain.height).toBe(3);
    expect(fx.chain.getEntry(id(c))!.status & Status.invalid).toBe(0);
    gate.restore();
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(before.id);
  });

  it('a block written but not applied in memory halts the chain instead of being judged again, and restarts onto it', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const b = (await fx.branch()).next({ txs: [fx.tx(W.minerA, W.alice, 3n * COIN)] });
    const trie = (fx.chain as unknown as { trie: { forgetReplaced: (nodes: unknown) => void } }).trie;
    const forgetReplaced = trie.forgetReplaced.bind(trie);
    trie.forgetReplaced = () => {
      throw new RangeError('Array buffer allocation failed');
    };
    expect((await fx.chain.processBlock(b)).status).toBe('deferred');
    trie.forgetReplaced = forgetReplaced;
    expect(fx.chain.haltReason).toMatch(new RegExp(`block ${id(b)} at height 3 was written but not applied in memory`));
    expect(fx.chain.getEntry(id(b))!.status & Status.invalid).toBe(0);
    await fx.chain.settled().catch(() => undefined);
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(id(b));
    expect(await fx.balance(W.alice)).toBe(3n * COIN);
  });

  it('a block whose contract execution throws a host error is neither invalid nor connected, and connects where the host does not fail', async () => {
    const executor = new FlakyExecutor(new QuickJsExecutor(await loadContractEngine()));
    const fx = await fixture(executor);
    await fx.mine(2);
    const before = fx.chain.tip;
    const deploy = smallDeploy(fx);
    await fx.mempool.add(deploy);
    const t = await createTemplate(fx.chain, fx.mempool, W.minerB.address, utf8ToBytes('x'), before.header.time + 1);
    const header = { ...t.header };
    while (!hashMeetsTarget(headerHash(header), decodeCompact(header.bits).target)) header.nonce++;
    const block: Block = { header, txs: t.txs };
    const ev = record(fx);

    executor.failing = true;
    expect((await fx.chain.processBlock(block)).status).toBe('deferred');
    expect(fx.chain.tip).toBe(before);
    expect(fx.chain.getEntry(id(block))!.status & Status.invalid).toBe(0);
    expect(ev).toMatchObject({ connected: [], disconnected: [], tips: [], halts: [] });
    await fx.settle();
    expect(fx.mempool.size).toBe(1);

    executor.failing = false;
    await fx.reopen();
    expect(fx.chain.tip.id).toBe(id(block));
    expect((await fx.chain.contracts.receipt(txHash(deploy)))?.status).toBe('success');
    expect(fx.mempool.size).toBe(0);
  });

  it('sets aside for ten minutes a block that fails the same local way three times over a minute, so the chain moves on', async () => {
    const executor = new FlakyExecutor(new QuickJsExecutor(await loadContractEngine()));
    const fx = await fixture(executor);
    await fx.mine(2);
    const tip = fx.chain.tip;
    const deploy = smallDeploy(fx);
    const base = await fx.branch();
    // A block on our tip whose contract call the host fails on, first seen of its height.
    const onFailing = base.clone();
    const failing = onFailing.next({ txs: [deploy], stateRoot: new Uint8Array(32).fill(7) });
    const child = onFailing.next();
    const siblings = [W.alice, W.bob, W.carol, W.dave].map((miner) => base.clone().next({ miner }));
    executor.failing = true;
    const statuses = [(await fx.chain.processBlock(failing)).status];
    // Each block after it retries the best chain, which runs into it again. Three failures within a
    // second (a hiccup) set nothing aside; the third a minute after the first does.
    statuses.push((await fx.chain.processBlock(siblings[0]!)).status, (await fx.chain.processBlock(siblings[1]!)).status);
    fx.clock.now += 61;
    statuses.push((await fx.chain.processBlock(siblings[2]!)).status, (await fx.chain.processBlock(siblings[3]!)).status);
    expect(statuses).toEqual(['deferred', 'deferred', 'deferred', 'deferred', 'side']);
    expect([fx.chain.tip.id, fx.chain.tip.parent]).toEqual([id(siblings[0]!), tip]);
    expect(fx.chain.getEntry(id(failing))!.status & Status.invalid).toBe(0);
    // Its child, though heavier, is not tried while it is set aside; ten minutes on it is tried again.
    expect((await fx.chain.processBlock(child)).status).toBe('side');
    fx.clock.now += 600;
    expect((await fx.chain.processBlock(onFailing.next())).status).toBe('deferred');
    // Where the host does not fail, the rules judge it.
    executor.failing = false;
    await fx.reopen();
    await fx.chain.processBlock(onFailing.next()).catch(() => undefined);
    expect([fx.chain.getEntry(id(failing))!.status & Status.invalid, fx.chain.tip.id]).toEqual([Status.invalid, id(siblings[0]!)]);
  });

  it('when a branch set aside comes back and has the most work, the next block on our own tip does not keep us off it', async () => {
    const executor = new FlakyExecutor(new QuickJsExecutor(await loadContractEngine()));
    const fx = await fixture(executor);
    await fx.mine(2);
    // The heavier branch, mined where the host does not fail: a deploy, then two blocks on it.
    const miner = await fixture(new QuickJsExecutor(await loadContractEngine()));
    for (let h = 1; h <= 2; h++) await miner.chain.processBlock(decodeBlock((await fx.chain.getRawBlock(fx.chain.getEntryByHeight(h)!))!));
    await miner.mempool.add(smallDeploy(miner));
    const heavier = await miner.mine(3);
    const base = await fx.branch();
    const ours = base.clone();
    const siblings = [ours.next({ miner: W.alice }), ...[W.bob, W.carol].map((m) => base.clone().next({ miner: m }))];
    executor.failing = true;
    await fx.chain.processBlock(heavier[0]!);
    await fx.chain.processBlock(siblings[0]!);
    await fx.chain.processBlock(siblings[1]!);
    fx.clock.now += 61;
    await fx.chain.processBlock(siblings[2]!);
    // Set aside after three failures over a minute: the rest of the heavier branch is stored, not tried.
    expect((await fx.chain.processBlock(heavier[1]!)).status).toBe('side');
    expect((await fx.chain.processBlock(heavier[2]!)).status).toBe('side');
    expect(fx.chain.tip.id).toBe(id(siblings[0]!));
    fx.clock.now += 600;
    executor.failing = false;
    // Our own tip's next block has less work than the branch now back in the running.
    expect((await fx.chain.processBlock(ours.next())).status).not.toBe('orphan');
    expect(fx.chain.tip.id).toBe(id(heavier[2]!));
  });

  it('a side block whose write fails is answered deferred, not thrown; the chain halts, and after a restart the block is accepted', async () => {
    const fx = await fixture();
    await fx.mine(2);
    const side = (await fx.branch()).clone();
    await fx.mine(1);
    const s3 = side.next();
    const disk = failBatches(fx.db, storesSideBlock, 1);
    expect(await fx.chain.processBlock(s3)).toEqual({ status: 'deferred' });
    expect(fx.chain.getEntry(id(s3))).toBeUndefined();
    expect(disk.failed).toBe(1);
    expect(fx.chain.haltReason).toMatch(/a chain write failed: EIO/);
    expect(await fx.chain.processBlock(s3)).toEqual({ status: 'deferred' });
    await fx.reopen();
    expect((await fx.chain.processBlock(s3)).status).toBe('side');
  });
});
