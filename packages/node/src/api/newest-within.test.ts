import { describe, expect, it } from 'vitest';
import { newestWithin } from './newest-within.js';

const sized = (sizes: number[]) => async (h: number) => String(h).padEnd(sizes[h]!, '.');

describe('newestWithin', () => {
  it('takes everything that fits, oldest first', async () => {
    const r = await newestWithin(2, sized([3, 3, 3]), { maxItems: 10, maxBytes: 100 });
    expect(r).toEqual({ pieces: ['0..', '1..', '2..'], from: 0 });
  });

  it('stops before the piece that would pass the byte budget, counting one separator each', async () => {
    const r = await newestWithin(3, sized([10, 10, 10, 10]), { maxItems: 10, maxBytes: 33 });
    expect(r.from).toBe(1);
    expect(r.pieces.map((p) => p[0])).toEqual(['1', '2', '3']);
  });

  it('stops at the count, and always includes the newest piece even past the budget', async () => {
    expect((await newestWithin(9, sized(Array(10).fill(1)), { maxItems: 4, maxBytes: 1e9 })).from).toBe(6);
    expect(await newestWithin(1, sized([5, 50]), { maxItems: 4, maxBytes: 10 })).toEqual({ pieces: ['1'.padEnd(50, '.')], from: 1 });
  });
});
