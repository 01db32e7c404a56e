import { afterEach, describe, expect, it } from 'vitest';
import { ChainFixture } from '../test-support/chain-fixture.js';
import { accountReadFaults } from '../test-support/disk-faults.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
}

describe('side block count (the chain_side_blocks metric)', () => {
  it('does not count a block that is still connecting; counts a losing sibling', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(3);
    const branch = await fx.branch();
    const ours = branch.clone().next();
    const sibling = branch.clone().next();

    const gate = accountReadFaults(fx.db, { hold: true });
    const connecting = fx.chain.processBlock(ours);
    await until(() => gate.held === 1);
    // The block is in the index but not on the best chain yet: the old count (blocks − height − 1) said 1 here.
    expect(fx.chain.blockCount - fx.chain.height - 1).toBe(1);
    expect(fx.chain.sideBlockCount).toBe(0);
    gate.release();
    expect((await connecting).status).toBe('connected');
    expect(fx.chain.sideBlockCount).toBe(0);

    // A competing child of the same parent, arriving second, is a real side block.
    expect((await fx.chain.processBlock(sibling)).status).toBe('side');
    expect(fx.chain.sideBlockCount).toBe(1);
  });

  it('does not count a block deferred by a local failure: it is a candidate with more work than the tip', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(3);
    const block = (await fx.branch()).next();
    const gate = accountReadFaults(fx.db, { hold: true });
    gate.fail = true;
    gate.release();
    expect((await fx.chain.processBlock(block)).status).toBe('deferred');
    expect(fx.chain.height).toBe(3);
    expect(fx.chain.blockCount - fx.chain.height - 1).toBe(1);
    expect(fx.chain.sideBlockCount).toBe(0);
  });
});
