import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('drops the least recently used entries until the new one fits its byte bound', () => {
    const c = new ByteLru<string>(10);
    c.set('a', 'A', 4);
    c.set('b', 'B', 4);
    expect(c.get('a')).toBe('A'); // now b is the least recently used
    c.set('c', 'C', 4);
    expect(c.has('b')).toBe(false);
    expect([c.get('a'), c.get('c')]).toEqual(['A', 'C']);
    expect(c.bytes).toBe(8);
    c.set('d', 'D', 9); // needs both others gone
    expect([c.size, c.bytes, c.get('d')]).toEqual([1, 9, 'D']);
    c.set('e', 'E', 11); // larger than the bound: not kept, and nothing else is lost for it
    expect([c.has('e'), c.has('d')]).toEqual([false, true]);
  });

  it('replacing an entry counts its new size only', () => {
    const c = new ByteLru<number>(10);
    c.set('a', 1, 6);
    c.set('a', 2, 3);
    c.set('b', 3, 7);
    expect([c.get('a'), c.get('b'), c.bytes]).toEqual([2, 3, 10]);
  });

  it('stays within its bound through a long run of touches and inserts', () => {
    const c = new ByteLru<number>(1_000);
    for (let i = 0; i < 20_000; i++) {
      c.set(`k${i}`, i, 1 + (i % 13));
      c.get(`k${i - 50}`);
      expect(c.bytes).toBeLessThanOrEqual(1_000);
    }
    expect(c.get('k19999')).toBe(19_999);
    expect(c.has('k0')).toBe(false);
  });
});
