import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { DelayedWorker } from '../test-support/scan-worker.js';
import { Miner } from './miner.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('the miner against local failures', () => {
  it('a found block whose processing fails otherwise than by rule is logged, and mining goes on with new work', async () => {
    const fx = await ChainFixture.create();
    cleanup.push(() => fx.close());
    const chain = fx.chain as unknown as { processBlock: typeof fx.chain.processBlock };
    const real = fx.chain.processBlock.bind(fx.chain);
    let failed = 0;
    chain.processBlock = (block, opts) => (failed++ === 0 ? Promise.reject(new Error('simulated local failure')) : real(block, opts));
    const errors = vi.spyOn(fx.log, 'error');
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    cleanup.push(async () => void process.off('unhandledRejection', onUnhandled));
    const miner = new Miner(fx.chain, fx.mempool, fx.log, { threads: 1 }, () => new DelayedWorker(() => 2));
    cleanup.push(() => miner.stop());
    miner.start(W.minerA.address);
    // Without a refresh after the failure, new work waited for the 10 s timer.
    for (let i = 0; i < 600 && fx.chain.height < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await miner.stop();
    expect(failed).toBeGreaterThan(1);
    expect(fx.chain.height).toBeGreaterThanOrEqual(2);
    expect(errors.mock.calls.some(([m]) => String(m).includes('simulated local failure'))).toBe(true);
    expect(unhandled).toEqual([]);
  });
});
