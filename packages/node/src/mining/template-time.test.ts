import { afterEach, describe, expect, it } from 'vitest';
import { hashMeetsTarget, headerHash } from '@hackcoin/core';
import { ChainFixture, REGTEST, W } from '../test-support/chain-fixture.js';
import { holdsBack } from './clock-guard.js';
import { createTemplate, retimeTemplate } from './template.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

describe('a template for the first block of a retarget window', () => {
  it('is stamped no more than maxTimewarp before a parent that ran ahead of our clock, so the node accepts what it mines, and mined without waiting for the clock', async () => {
    const params = { ...REGTEST, noRetargeting: false };
    const fx = await ChainFixture.create({ params });
    fixtures.push(fx);
    await fx.mine(params.retargetInterval - 2);
    const now = fx.clock.now;
    // Valid: well inside the 2-hour future rule.
    await fx.mine(1, { time: now + 1_000 });
    expect((fx.chain.tip.height + 1) % params.retargetInterval).toBe(0);
    const fresh = await createTemplate(fx.chain, fx.mempool, W.minerB.address, new Uint8Array([1]), now);
    const retimed = retimeTemplate(fresh, fx.chain, new Uint8Array([2]), now);
    expect([fresh.header.time, retimed.header.time]).toEqual([fx.chain.tip.header.time - params.maxTimewarp, fx.chain.tip.header.time - params.maxTimewarp]);
    // 400 s ahead of our clock, but the earliest time the rules allow: mining goes on instead of waiting for the clock.
    expect(holdsBack(retimed, now)).toBe(false);
    expect(holdsBack({ header: { time: now + 400 } }, now)).toBe(true);
    const header = { ...retimed.header };
    while (!hashMeetsTarget(headerHash(header), retimed.target)) header.nonce++;
    // Before: stamped with our clock, 1,000 s before its parent, and refused as time-timewarp-attack.
    expect((await fx.chain.processBlock({ header, txs: retimed.txs })).status).toBe('connected');
  });
});
