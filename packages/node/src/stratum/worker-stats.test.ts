import { describe, expect, it } from 'vitest';
import { WorkerBook } from './worker-stats.js';

describe('WorkerBook', () => {
  it('makes a row only for accepted work; rejections of a worker without one count in the totals only', () => {
    const book = new WorkerBook();
    for (let i = 0; i < 1000; i++) book.count(`0xabc.junk${i}`, '0xabc', 'invalid', 1, i);
    expect(book.size).toBe(0);
    expect(book.totals.invalid).toBe(1000);
    book.count('0xabc.rig', '0xabc', 'accepted', 2, 5);
    book.count('0xabc.rig', '0xabc', 'stale', 2, 6);
    expect(book.top(10)).toEqual([expect.objectContaining({ worker: '0xabc.rig', accepted: 1, stale: 1, difficultySum: 2 })]);
  });

  it('forgets the worker whose last accepted share is oldest when full', () => {
    const book = new WorkerBook(3);
    for (const [w, t] of [['a', 1], ['b', 2], ['c', 3], ['a', 4], ['d', 5]] as const) book.count(w, '0x1', 'accepted', 1, t);
    expect(book.size).toBe(3);
    expect(book.top(10).map((r) => r.worker).sort()).toEqual(['a', 'c', 'd']);
  });

  it('lists the workers with the most accepted work first, at most as many as asked', () => {
    const book = new WorkerBook();
    for (let i = 1; i <= 50; i++) book.count(`w${i}`, '0x1', 'accepted', i, i);
    expect(book.top(3).map((r) => r.worker)).toEqual(['w50', 'w49', 'w48']);
  });
});
