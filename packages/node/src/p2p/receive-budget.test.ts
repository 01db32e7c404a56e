import { describe, expect, it } from 'vitest';
import { blocksResponseMax } from './protocol.js';
import { ReceiveBudget } from './receive-budget.js';
import type { Held } from './send-budget.js';

/** A take's room once granted, or undefined while it waits. */
function track(p: Promise<Held>): { held: Held | undefined } {
  const t: { held: Held | undefined } = { held: undefined };
  void p.then((h) => (t.held = h));
  return t;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ReceiveBudget', () => {
  it('grants what is asked within the limit; past it a peer with nothing in flight gets one block, and one holding room waits for a release', async () => {
    const budget = new ReceiveBudget(10);
    const a = await budget.take('a', 8, 3);
    expect(a.bytes).toBe(8);
    // 2 free, less than a block: b, holding nothing, still gets one block's room.
    const b = await budget.take('b', 6, 3);
    expect(b.bytes).toBe(3);
    const aAgain = track(budget.take('a', 6, 3));
    const bAgain = track(budget.take('b', 3, 3));
    await tick();
    expect([aAgain.held, bAgain.held]).toEqual([undefined, undefined]);
    expect(budget.used).toBe(11);

    // a's own answer read: it holds nothing now and takes what is free, up to what it asks.
    a.release();
    await tick();
    expect(aAgain.held?.bytes).toBe(6);
    expect(bAgain.held).toBeUndefined();
    aAgain.held!.release();
    await tick();
    expect(bAgain.held?.bytes).toBe(3);
    b.release();
    bAgain.held!.release();
    expect(budget.used).toBe(0);
  });

  it('gives back room a request shrank to, to whoever waits', async () => {
    const budget = new ReceiveBudget(10);
    const a = await budget.take('a', 10, 3);
    const b = await budget.take('b', 10, 3);
    const bAgain = track(budget.take('b', 3, 3));
    await tick();
    expect(bAgain.held).toBeUndefined();
    a.resize(4);
    await tick();
    // 10 - 4 - 3: exactly one block free.
    expect(bAgain.held?.bytes).toBe(3);
    b.release();
    a.release();
    a.release();
    bAgain.held!.release();
    expect(budget.used).toBe(0);
  });

  it('holds at most the limit plus one block per peer however many answers 64 peers are owed, and each peer has one under way', async () => {
    const block = 2_000_006;
    const full = blocksResponseMax(2_000_000);
    const budget = new ReceiveBudget(64 * 1024 * 1024);
    const takes = new Map<string, { held: Held | undefined }[]>();
    for (let p = 0; p < 64; p++) takes.set(`p${p}`, Array.from({ length: 16 }, () => track(budget.take(`p${p}`, full, block))));
    await tick();
    expect(budget.used).toBeLessThanOrEqual(budget.limit + 64 * block);
    for (const [, ts] of takes) expect(ts.filter((t) => t.held).length).toBeGreaterThanOrEqual(1);
    // The answers end (read, or timed out): the ones waiting go in turn, within the same bound.
    for (let round = 0; round < 40 && budget.used > 0; round++) {
      for (const [, ts] of takes) for (const t of ts) if (t.held && t.held.bytes > 0) t.held.release();
      await tick();
      expect(budget.used).toBeLessThanOrEqual(budget.limit + 64 * block);
    }
    expect([...takes.values()].flat().every((t) => t.held !== undefined)).toBe(true);
  });
});
