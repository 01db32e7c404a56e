import { afterEach, describe, expect, it } from 'vitest';
import type { BatchOp, Database } from '../store/db.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { DelayedWorker } from '../test-support/scan-worker.js';
import { Miner } from './miner.js';

/** Deterministic pseudo-random delays (a small LCG), so a failing interleaving can be replayed. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 0x1_0000_0000;
  };
}

/** Makes every write of the real database take a while, as on a loaded host, so blocks connect slowly. */
function slowWrites(db: Database, delayMs: () => number): void {
  const target = db as unknown as { batch: (ops: BatchOp[]) => Promise<void> };
  const real = target.batch.bind(db);
  target.batch = async (ops: BatchOp[]) => {
    await new Promise((r) => setTimeout(r, delayMs()));
    return real(ops);
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('the built-in miner against its own races', () => {
  it.each([1, 2, 3])('with threads that all find a block for every job, template refreshes and slow connects (seed %i), leaves no side block of its own', async (seed) => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    const rand = lcg(seed);
    slowWrites(fx.db, () => Math.floor(rand() * 8));
    const reorgs: unknown[] = [];
    fx.chain.on('reorg', (r) => reorgs.push(r));
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 3 }, () => new DelayedWorker(() => Math.floor(rand() * 4)));
    cleanup.push(() => miner.stop());
    miner.start(W.minerA.address);
    // start() on a running miner retunes it and builds a new template, like the periodic refresh: these
    // land while blocks are being found and connected.
    const retune = setInterval(() => miner.start(W.minerA.address), 3);
    for (let i = 0; i < 3000 && fx.chain.height < 40; i++) await new Promise((r) => setTimeout(r, 5));
    clearInterval(retune);
    await miner.stop();
    await fx.chain.drain();

    expect(fx.chain.height).toBeGreaterThanOrEqual(40);
    expect(fx.chain.sideBlockCount).toBe(0);
    expect(fx.chain.blockCount).toBe(fx.chain.height + 1);
    expect(reorgs).toEqual([]);
    expect(miner.status().blocksFound).toBe(fx.chain.height);
  });
});
