import { describe, expect, it } from 'vitest';
import { BlockSenders } from './block-senders.js';

describe('BlockSenders', () => {
  it('keeps the first delivery of a block', () => {
    const s = new BlockSenders(3);
    const first = { from: 'x' };
    s.add('a', first);
    s.add('a', { from: 'y' });
    expect(s.size).toBe(1);
    expect(s.take('a')).toBe(first);
    expect(s.size).toBe(0);
  });

  it('forgets the oldest delivery past its bound', () => {
    const s = new BlockSenders(3);
    for (const id of ['a', 'b', 'c', 'd']) s.add(id, { from: id });
    expect(s.size).toBe(3);
    expect(s.take('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => s.take(id)?.from)).toEqual(['b', 'c', 'd']);
  });

  it("forgets a block's delivery only for the delivery that recorded it", () => {
    const s = new BlockSenders(8);
    const first = { from: 'x' };
    s.add('a', first);
    s.forget('a', { from: 'y' });
    expect(s.size).toBe(1);
    s.forget('a', first);
    expect(s.size).toBe(0);
  });
});
