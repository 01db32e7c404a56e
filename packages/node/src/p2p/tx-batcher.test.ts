import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeRawList } from './messages.js';
import { TxBatcher } from './tx-batcher.js';

function harness(limits = { maxTxs: 3, maxBytes: 100, delayMs: 50 }) {
  const sent: number[][] = [];
  const b = new TxBatcher((batch, count) => {
    const items = decodeRawList(batch, 1000, 1000);
    expect(items.length).toBe(count);
    sent.push(items.map((i) => i[0]!));
  }, limits);
  const tx = (tag: number, size = 10) => new Uint8Array(size).fill(tag);
  return { b, sent, tx };
}

describe('TxBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends what arrived within the delay as one message, in order', () => {
    vi.useFakeTimers();
    const { b, sent, tx } = harness();
    b.add(tx(1));
    b.add(tx(2));
    vi.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([[1, 2]]);
    b.add(tx(3));
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('sends at once when the count or byte limit is reached, and never a message over the byte limit unless one transaction is', () => {
    vi.useFakeTimers();
    const { b, sent, tx } = harness();
    b.add(tx(1));
    b.add(tx(2));
    b.add(tx(3));
    expect(sent).toEqual([[1, 2, 3]]);
    b.add(tx(4, 60));
    b.add(tx(5, 60));
    expect(sent).toEqual([[1, 2, 3], [4]]);
    b.add(tx(6, 150));
    expect(sent).toEqual([[1, 2, 3], [4], [5], [6]]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(4);
  });

  it('drops what is pending when stopped', () => {
    vi.useFakeTimers();
    const { b, sent, tx } = harness();
    b.add(tx(1));
    b.stop();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
  });
});
