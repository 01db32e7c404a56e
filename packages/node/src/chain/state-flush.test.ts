import { afterEach, describe, expect, it } from 'vitest';
import { COIN, TreeWriter, accountPath, decodeStateAccount } from '@hackcoin/core';
import { ALL_WALLETS, ChainFixture, W } from '../test-support/chain-fixture.js';
import { Prefix, key } from '../store/keys.js';
import type { ChainEntry } from './entry.js';

let fx: ChainFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** The state tree written every 10 blocks (8 below the tip), so most trees live only in memory. */
const EVERY_10 = { blocks: 10, bytes: 1 << 30 };

function onDisk(f: ChainFixture, e: ChainEntry): boolean {
  return f.db.getSync(key(Prefix.trieNode, e.stateRoot)) !== undefined;
}

/** Every wallet as the tree at the tip commits it, which must be what the account table says. */
async function expectTreeMatchesTable(f: ChainFixture): Promise<void> {
  const nodes = new TreeWriter(f.chain.stateNodes);
  for (const w of ALL_WALLETS) {
    const raw = nodes.get(f.chain.tip.stateRoot, accountPath(w.address));
    const committed = raw ? decodeStateAccount(raw) : { balance: 0n, nonce: 0n };
    expect({ balance: committed.balance, nonce: committed.nonce }).toEqual(await f.account(w));
  }
}

/** `count` blocks, each paying alice 1 HCK from minerA. */
async function mineTransfers(f: ChainFixture, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const nonce = (await f.account(W.minerA)).nonce;
    await f.mempool.add(f.tx(W.minerA, W.alice, COIN, { nonce }));
    await f.mine(1);
  }
}

describe('state tree written every few blocks', () => {
  it('after a crash, connects the blocks since the last written tree again and ends where it was', async () => {
    fx = await ChainFixture.create({ stateFlush: EVERY_10 });
    const flushes: { height: number; nodes: number }[] = [];
    fx.chain.on('state:flushed', (e, nodes) => flushes.push({ height: e.height, nodes }));
    await fx.mine(2);
    await mineTransfers(fx, 20);
    const tip = fx.chain.tip;
    // Due at the 10th and 20th blocks, each writing the tree 8 blocks below.
    expect(flushes.map((f) => f.height)).toEqual([2, 12]);
    expect(flushes.every((f) => f.nodes > 0)).toBe(true);
    const before = await fx.accounts();
    const written = Array.from({ length: tip.height + 1 }, (_, h) => fx!.chain.getEntryByHeight(h)!).filter((e) => onDisk(fx!, e));
    // Some trees were written, the tip's is only in memory.
    expect(written.length).toBeGreaterThan(0);
    expect(onDisk(fx, tip)).toBe(false);

    await fx.reopen({ crash: true });
    expect(fx.chain.tip.id).toBe(tip.id);
    expect(await fx.accounts()).toEqual(before);
    await expectTreeMatchesTable(fx);
    await mineTransfers(fx, 1);
    expect(await fx.balance(W.alice)).toBe(before.alice!.balance + COIN);
  });

  it('writes the tip tree when closed, so a restart has it on disk', async () => {
    fx = await ChainFixture.create({ stateFlush: EVERY_10 });
    await fx.mine(2);
    await mineTransfers(fx, 5);
    expect(onDisk(fx, fx.chain.tip)).toBe(false);
    await fx.reopen();
    expect(onDisk(fx, fx.chain.tip)).toBe(true);
    await expectTreeMatchesTable(fx);
  });

  it('reorganises below the trees in memory by connecting its own blocks again from the last written tree', async () => {
    fx = await ChainFixture.create({ stateFlush: EVERY_10 });
    await fx.mine(3);
    const fork = fx.chain.tip;
    // Built now: the fixture computes a block's state root from the tree it extends.
    const side = await fx.branch();
    const pay = fx.tx(W.minerA, W.bob, 5n * COIN, { nonce: 0n });
    const blocks = [side.next({ txs: [pay] }), ...Array.from({ length: 18 }, () => side.next())];
    // Two flushes: the second lets go of the trees the first kept, the fork's among them.
    await mineTransfers(fx, 18);
    // The fork's tree was replaced long ago and never written: the reorg must rebuild it.
    expect(onDisk(fx, fork)).toBe(false);
    const disconnected: number[] = [];
    const connected: number[] = [];
    fx.chain.on('block:disconnected', (e) => disconnected.push(e.height));
    fx.chain.on('block:connected', (e) => connected.push(e.height));

    for (const b of blocks) await fx.chain.processBlock(b);
    await fx.settle();

    expect(fx.chain.tip.height).toBe(fork.height + 19);
    expect(fx.chain.isMain(fork)).toBe(true);
    // The fork block itself came off and went back on: its tree came from the one below.
    expect(disconnected).toContain(fork.height);
    expect(connected.filter((h) => h === fork.height)).toHaveLength(1);
    expect(await fx.balance(W.bob)).toBe(5n * COIN);
    expect(await fx.balance(W.alice)).toBe(0n);
    await expectTreeMatchesTable(fx);
  });

  it('keeps the trees of the last 8 blocks whole through flushes due early, a clean restart and a reorg one deep', async () => {
    // Flushes every 4 blocks, fewer than the lag, and a cache too small to hide a missing node.
    fx = await ChainFixture.create({ stateFlush: { blocks: 4, bytes: 1 << 30 }, trieCacheBytes: 256 });
    const lastTreesRead = (): void => {
      const nodes = new TreeWriter(fx!.chain.stateNodes);
      for (let h = Math.max(0, fx!.chain.height - 8); h <= fx!.chain.height; h++) {
        expect(() => nodes.get(fx!.chain.getEntryByHeight(h)!.stateRoot, accountPath(W.alice.address)), `tree at height ${h}`).not.toThrow();
      }
    };
    await fx.mine(2);
    for (let i = 0; i < 14; i++) {
      await mineTransfers(fx, 1);
      lastTreesRead();
    }
    // Two blocks on the tip's parent, for a reorg one deep after the restart.
    const branch = await fx.branch();
    const sideBlocks = [branch.next(), branch.next()];
    await mineTransfers(fx, 1);
    const tipBefore = fx.chain.tip;
    await fx.reopen();
    lastTreesRead();
    const disconnected: number[] = [];
    fx.chain.on('block:disconnected', (e) => disconnected.push(e.height));
    for (const b of sideBlocks) await fx.chain.processBlock(b);
    expect(fx.chain.isMain(tipBefore)).toBe(false);
    expect(disconnected).toEqual([tipBefore.height]);
    await expectTreeMatchesTable(fx);
  });

  it('writes every tree it connects with STATE_FLUSH_BLOCKS 1, an abandoned branch tip too (an archive node)', async () => {
    fx = await ChainFixture.create({ stateFlush: { blocks: 1, bytes: 1 << 30 } });
    await fx.mine(3);
    const branch = await fx.branch();
    const fork = fx.chain.tip;
    await mineTransfers(fx, 1);
    const abandoned = fx.chain.tip;
    for (const b of [branch.next(), branch.next()]) await fx.chain.processBlock(b);
    expect(fx.chain.isMain(abandoned)).toBe(false);
    await fx.mine(3);
    for (let h = 1; h <= fx.chain.height; h++) expect(onDisk(fx, fx.chain.getEntryByHeight(h)!), `height ${h}`).toBe(true);
    expect(onDisk(fx, abandoned)).toBe(true);
    expect(fx.chain.isMain(fork)).toBe(true);
  });
});
