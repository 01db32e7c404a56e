import { afterEach, describe, expect, it } from 'vitest';
import type { StratumTestClient } from '../../test/helpers/stratum-client.js';
import { RETIRED_HASHED_PER_IP_BURST } from './server.js';
import { SUPERSEDED_GRACE_MS } from './session.js';
import { blockId, blockNonce, blockTarget, cleanUp, hashValue, miner, shareOf, startPool, until, worker } from '../test-support/stratum-pool.js';

afterEach(cleanUp);

/** How long a job a same-tip refresh replaced still takes shares, shortened from REFRESH_GRACE_MS. */
const GRACE_MS = 300;

describe('a block on a job id that takes shares no longer, for work on the tip', () => {
  it('is taken when a same-tip refresh replaced the job past its grace, credited nothing; a share that is no block is stale', async () => {
    const { server, port, fx } = await startPool({ notifyIntervalMs: 500, refreshGraceMs: GRACE_MS });
    const c = await miner(port);
    const old = c.job;
    const refresh = await until(() => c.jobs.length >= 2 && c.job, 'a refresh');
    expect([refresh.prevhash, refresh.coinb1, refresh.branch, refresh.clean]).toEqual([old.prevhash, old.coinb1, old.branch, false]);
    await new Promise((r) => setTimeout(r, GRACE_MS + 100));
    let junk = 0;
    while (hashValue(c, old, '00000001', junk) <= blockTarget(old.nbits)) junk++;
    expect((await c.submit(worker, old, '00000001', junk)).error?.[0]).toBe(21);
    const height = fx.chain.height;
    const nonce = blockNonce(c, old, '00000002');
    // Before: 21, unhashed, and the block was lost.
    expect(await c.submit(worker, old, '00000002', nonce)).toMatchObject({ result: true, error: null });
    await until(() => fx.chain.height === height + 1, 'the block connected');
    expect(fx.chain.tip.id).toBe(blockId(c, old, '00000002', nonce));
    expect(server.shareTotals()).toMatchObject({ accepted: 0, stale: 2 });
    expect(server.stats()).toMatchObject({ pplnsShares: 0 });
  });

  it('is taken when the same work went out again at another difficulty, at once after a share on the new id and after the grace', async () => {
    const clock = { ms: Date.now() };
    const { port, fx } = await startPool({ now: () => clock.ms });
    const c = await miner(port);
    const first = c.job;
    expect((await c.call('mining.suggest_difficulty', [2e-7])).result).toBe(true);
    const alias = await until(() => c.jobs.length === 2 && c.job, 'the work again');
    const s = shareOf(c, alias);
    // A share on the new id says the miner moved: the old id retires at once.
    expect((await c.submit(worker, alias, s.en2, s.nonce)).result).toBe(true);
    expect((await c.submit(worker, first, s.en2, s.nonce)).error?.[0]).toBe(21);
    let nonce = blockNonce(c, first, '00000010');
    expect((await c.submit(worker, first, '00000010', nonce)).result).toBe(true);
    await until(() => fx.chain.height === 1, 'the first block connected');
    expect(fx.chain.tip.id).toBe(blockId(c, first, '00000010', nonce));

    const second = await until(() => c.job.prevhash !== first.prevhash && c.job, 'work on the new tip');
    expect((await c.call('mining.suggest_difficulty', [3e-7])).result).toBe(true);
    await until(() => c.job.jobId !== second.jobId, 'the work again');
    clock.ms += SUPERSEDED_GRACE_MS + 1;
    nonce = blockNonce(c, second, '00000011');
    expect((await c.submit(worker, second, '00000011', nonce)).result).toBe(true);
    await until(() => fx.chain.height === 2, 'the second block connected');
    expect(fx.chain.tip.id).toBe(blockId(c, second, '00000011', nonce));
  });

  it('hashes them within a budget of their own per address: past it a block among them is answered stale unhashed, and the budget for shares found wanting is untouched', async () => {
    // The pool clock holds still, so the address's budgets do not refill meanwhile.
    const clock = { ms: Date.now() };
    const { fx, port } = await startPool({ now: () => clock.ms, notifyIntervalMs: 500, refreshGraceMs: 0 });
    // Two connections from one address, each within its own submit budget.
    const conns = [await miner(port), await miner(port)] as [StratumTestClient, StratumTestClient];
    await until(() => conns.every((c) => c.jobs.length >= 2), 'a refresh');
    clock.ms += 1;
    const [spender, neighbour] = conns;
    const answers = await Promise.all(Array.from({ length: RETIRED_HASHED_PER_IP_BURST }, (_, i) => spender.submit(worker, spender.jobs[0]!, '00000001', i)));
    expect(new Set(answers.map((a) => a.error?.[0]))).toEqual(new Set([21]));
    // Spent: a block on the retired job is no longer hashed, so not found.
    const retired = neighbour.jobs[0]!;
    const nonce = blockNonce(neighbour, retired, '00000003');
    expect((await neighbour.submit(worker, retired, '00000003', nonce)).error?.[0]).toBe(21);
    expect(fx.chain.height).toBe(0);
    // The neighbour's share found wanting is judged as any, its connection kept and its address welcome.
    const low = neighbour.findNonce(neighbour.job, '00000002', true);
    expect((await neighbour.submit(worker, neighbour.job, '00000002', low)).error?.[0]).toBe(23);
    expect(conns.some((c) => c.closed)).toBe(false);
    const third = await miner(port);
    expect(third.closed).toBe(false);
  }, 30_000);
});
