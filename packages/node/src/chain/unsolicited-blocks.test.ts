import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { blockHash, decodeBlock, encodeBlock, hashToHex, type Block } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { closeVerifyPools, withReplayedChain } from '../test-support/verify-fixtures.js';
import { SignatureVerifier } from '../verify/signature-verifier.js';
import { OrphanPool } from './orphans.js';

/**
 * Blocks nobody asked for: what a stranger can make the chain hold, check and
 * serve. Each case is an attack a peer could mount by gossip.
 */
const fixtures: ChainFixture[] = [];
async function fixture(): Promise<ChainFixture> {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  return fx;
}
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});
afterAll(closeVerifyPools);

const idOf = (b: Block): string => hashToHex(blockHash(b));

describe('signature checks started before a block is queued', () => {
  it('are not started for an unsolicited orphan or low-work block, however often it is sent, but are for one that extends the tip', async () => {
    const fx = await fixture();
    const history = await fx.mine(1, { miner: W.alice });
    const fork = await fx.branch();
    history.push(...(await fx.mine(2, { miner: W.alice })));
    const pay = (n: number) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n) });
    // At height 2 beside a tip at 3: less work than the tip.
    const lowWork = fork.next({ txs: [pay(0), pay(1)] });
    // The child of a block never sent: its parent is unknown.
    const ahead = await fx.branch();
    ahead.next();
    const orphan = ahead.next({ txs: [pay(0), pay(1), pay(2)] });
    const extending = (await fx.branch()).next({ txs: [pay(0), pay(1), pay(2), pay(3)] });

    const verifier = new SignatureVerifier(fx.backend, undefined);
    const outcomes = await withReplayedChain(fx, history, verifier, async (chain) => {
      const seen: string[] = [];
      // Decoded afresh each time, as each copy from the wire is.
      const copy = (b: Block): Block => decodeBlock(encodeBlock(b));
      for (let i = 0; i < 5; i++) {
        seen.push((await chain.processBlock(copy(lowWork), { unsolicited: true })).status);
        seen.push((await chain.processBlock(copy(orphan), { unsolicited: true })).status);
      }
      const before = verifier.cacheStats()!.blockMisses;
      seen.push((await chain.processBlock(extending, { unsolicited: true })).status);
      return { seen, before, after: verifier.cacheStats()!.blockMisses };
    });
    expect(new Set(outcomes.seen.slice(0, 10))).toEqual(new Set(['ignored', 'orphan']));
    // Before the fix: 13, the low-work block's 2 for every copy and the held orphan's 3 once.
    expect(outcomes.before).toBe(0);
    expect(outcomes.seen[10]).toBe('connected');
    expect(outcomes.after).toBe(4);
  });
});

describe('signature checks of a block whose header breaks a rule', () => {
  it('are not started for a block stamped too far ahead, however often it is sent (it is refused unstored and unblamed)', async () => {
    const fx = await fixture();
    const history = await fx.mine(1, { miner: W.alice });
    const pay = (n: number) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n) });
    const ahead = (await fx.branch()).next({ txs: [pay(0), pay(1), pay(2)], time: fx.clock.now + fx.params.maxFutureBlockTime + 3600 });
    const verifier = new SignatureVerifier(fx.backend, undefined);
    const outcomes = await withReplayedChain(fx, history, verifier, async (chain) => {
      const rules: string[] = [];
      for (let i = 0; i < 5; i++) {
        await chain.processBlock(decodeBlock(encodeBlock(ahead)), { unsolicited: true }).catch((e: Error & { code?: string }) => rules.push(e.code ?? e.message));
      }
      return { rules, checked: verifier.cacheStats()!.blockMisses };
    });
    expect(outcomes.rules).toEqual(Array(5).fill('time-too-new'));
    // Before the fix: 15, the block's 3 signatures for every copy.
    expect(outcomes.checked).toBe(0);
  });

  it('are not started for a block refused unstored for its coinbase height or a sanity rule, however often it is sent', async () => {
    const fx = await fixture();
    const history = await fx.mine(1, { miner: W.alice });
    const pay = (n: number) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n) });
    const wrongHeight = (await fx.branch()).next({ txs: [pay(0), pay(1), pay(2)], coinbaseHeight: 7 });
    const duplicate = (await fx.branch()).next({ txs: [pay(0), pay(1), pay(0)] });
    const verifier = new SignatureVerifier(fx.backend, undefined);
    const outcomes = await withReplayedChain(fx, history, verifier, async (chain) => {
      const rules: string[] = [];
      for (let i = 0; i < 5; i++) {
        for (const b of [wrongHeight, duplicate]) {
          await chain.processBlock(decodeBlock(encodeBlock(b)), { unsolicited: true }).catch((e: Error & { code?: string }) => rules.push(e.code ?? e.message));
        }
      }
      return { rules: new Set(rules), count: rules.length, checked: verifier.cacheStats()!.blockMisses, indexed: chain.getEntry(idOf(wrongHeight)) !== undefined };
    });
    expect(outcomes.rules).toEqual(new Set(['bad-cb-height', 'bad-txns-duplicate']));
    expect(outcomes.count).toBe(10);
    // Before the fix: 30, the blocks' 3 signatures for every copy.
    expect(outcomes.checked).toBe(0);
    expect(outcomes.indexed).toBe(false);
  });
});

describe('blocks that cannot be kept whatever their body holds', () => {
  it('are ignored on their header alone, before the sanity rules read their body, however often they are sent', async () => {
    const fx = await fixture();
    await fx.mine(1, { miner: W.alice });
    const fork = await fx.branch();
    await fx.mine(2, { miner: W.alice });
    const pay = (n: number) => fx.tx(W.alice, W.bob, 1_000n, { nonce: BigInt(n) });
    // A body the sanity rules refuse (its merkle root names other transactions), so a block whose
    // sanity is checked at all throws, and one ignored on its header does not.
    const garbled = (b: Block, header: Partial<Block['header']>): Block => decodeBlock(encodeBlock({ ...b, header: { ...b.header, merkleRoot: new Uint8Array(32).fill(9), ...header } }));
    // At height 2 beside a tip at 3: less work than the tip, sent unasked.
    const lowWork = garbled(fork.next({ txs: [pay(0), pay(1)] }), {});
    // Parent unknown, and a target more than one retarget step easier than the tip's.
    const tooEasyOrphan = garbled(fork.next({ txs: [pay(2)] }), { prevHash: new Uint8Array(32).fill(5), bits: 0x217fffff });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (const b of [lowWork, tooEasyOrphan]) {
        outcomes.push(await fx.chain.processBlock(decodeBlock(encodeBlock(b)), { unsolicited: true }).then((r) => r.status, (e: Error & { code?: string }) => e.code ?? e.message));
      }
    }
    expect(outcomes).toEqual(Array(6).fill('ignored'));
    expect(fx.chain.orphanCount).toBe(0);
    expect(fx.chain.getEntry(idOf(lowWork))).toBeUndefined();
  });
});

describe('the orphan pool', () => {
  it('holds at most its byte bound, dropping the oldest, and gives back the same blocks', async () => {
    const fx = await fixture();
    await fx.mine(1, { miner: W.alice });
    const b = await fx.branch();
    b.next();
    const blocks = Array.from({ length: 6 }, (_, i) => b.next({ txs: [fx.tx(W.alice, W.bob, 1n, { nonce: BigInt(i) })] }));
    const size = encodeBlock(blocks[0]!).length;
    const pool = new OrphanPool(100, 3 * size + 10);
    for (const block of blocks) pool.add(idOf(block), block);
    expect(pool.size).toBe(3);
    expect(pool.heldBytes).toBeLessThanOrEqual(3 * size + 10);
    expect(pool.has(idOf(blocks[2]!))).toBe(false);
    expect(pool.has(idOf(blocks[3]!))).toBe(true);
    const children = pool.takeChildren(idOf(blocks[3]!));
    expect(children.map(idOf)).toEqual([idOf(blocks[4]!)]);
    expect(encodeBlock(children[0]!)).toEqual(encodeBlock(blocks[4]!));
    expect(pool.size).toBe(2);
    expect(pool.heldBytes).toBe(2 * size);
    // A block over the whole bound is not held.
    const tiny = new OrphanPool(100, size - 1);
    tiny.add(idOf(blocks[0]!), blocks[0]!);
    expect(tiny.size).toBe(0);
  });
});

describe('blocks served to peers', () => {
  it('are those of the main chain and those validated once, never an invalid or unvalidated side block', async () => {
    const fx = await fixture();
    await fx.mine(2, { miner: W.alice });
    const b = await fx.branch();
    const sibling = b.clone();
    // A side block with the tip's work is stored unvalidated; its child breaks a rule when the chain tries it.
    const side = sibling.next({ txs: [fx.tx(W.alice, W.bob, 1_000n, { nonce: 0n })] });
    const invalidChild = sibling.next({ coinbaseAmount: 10n ** 15n });
    const onTip = b.next();
    expect((await fx.chain.processBlock(onTip)).status).toBe('connected');
    expect((await fx.chain.processBlock(side)).status).toBe('side');
    const sideEntry = fx.chain.getEntry(idOf(side))!;
    expect(fx.chain.canServe(sideEntry)).toBe(false);
    // The heavier branch is tried: side connects (validated), then its child fails.
    await expect(fx.chain.processBlock(invalidChild)).rejects.toMatchObject({ code: 'bad-cb-amount' });
    expect(fx.chain.canServe(fx.chain.getEntry(idOf(invalidChild))!)).toBe(false);
    expect(fx.chain.canServe(sideEntry)).toBe(true);
    expect(fx.chain.canServe(fx.chain.getEntry(idOf(onTip))!)).toBe(true);
  });
});
