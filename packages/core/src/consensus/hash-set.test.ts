import { describe, expect, it } from 'vitest';
import { HashSet } from './hash-set.js';

const hash = (bytes: number[]) => {
  const h = new Uint8Array(32);
  h.set(bytes);
  return h;
};

describe('HashSet', () => {
  it('tells hashes sharing their first four bytes apart, and finds a repeat among them', () => {
    const set = new HashSet();
    const a = hash([1, 2, 3, 4, 5]);
    const b = hash([1, 2, 3, 4, 6]);
    const c = hash([1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    expect([a, b, c].map((h) => set.add(h))).toEqual([true, true, true]);
    expect(set.add(hash([1, 2, 3, 4, 6]))).toBe(false);
    expect(set.add(Uint8Array.from(c))).toBe(false);
  });

  it('keeps hashes whose prefix reads as a negative number apart from the rest', () => {
    const set = new HashSet();
    expect(set.add(hash([0xff, 0xff, 0xff, 0xff]))).toBe(true);
    expect(set.add(hash([0xff, 0xff, 0xff, 0x7f]))).toBe(true);
    expect(set.add(hash([0xff, 0xff, 0xff, 0xff]))).toBe(false);
  });
});
