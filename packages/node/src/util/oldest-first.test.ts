import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OldestFirst } from './oldest-first.js';

describe('OldestFirst', () => {
  it('evicts in insertion order, skipping deleted keys and counting a re-inserted key as new', () => {
    const map = new Map<string, number>();
    const oldest = new OldestFirst(map);
    for (const k of ['a', 'b', 'c', 'd']) map.set(k, 0);
    map.delete('b');
    map.set('a', 1); // an update in place keeps its position
    map.delete('c');
    map.set('c', 2); // deleted and inserted again: now the newest
    expect(oldest.evict()).toBe('a');
    expect(oldest.evict()).toBe('d');
    map.set('e', 3);
    expect(oldest.evict()).toBe('c');
    expect(oldest.evict()).toBe('e');
    expect(oldest.evict()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('evicts a Set the same way', () => {
    const set = new Set(['x', 'y', 'z']);
    const oldest = new OldestFirst(set);
    set.delete('x');
    set.add('x');
    const seen: string[] = [];
    expect(oldest.evict((k) => seen.push(`${k}:${set.has(k)}`))).toBe('y');
    expect(seen).toEqual(['y:true']);
    expect([...set]).toEqual(['z', 'x']);
  });

  it('goes on after the map was emptied, cleared or rebuilt', () => {
    const map = new Map<number, number>();
    const oldest = new OldestFirst(map);
    expect(oldest.evict()).toBeUndefined();
    map.set(1, 1);
    expect(oldest.evict()).toBe(1);
    map.set(2, 2).set(3, 3);
    map.clear();
    map.set(4, 4);
    expect(oldest.evict()).toBe(4);
    // Enough inserts and deletes to make V8 rebuild the table under the live iterator.
    for (let i = 0; i < 10_000; i++) map.set(100 + i, i);
    for (let i = 0; i < 9_000; i++) map.delete(100 + i);
    map.set(5, 5);
    expect(oldest.evict()).toBe(9_100);
  });

  it('agrees with evicting through a fresh iterator on any sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('set' as const), k: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ t: fc.constant('delete' as const), k: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ t: fc.constant('evict' as const) }),
      fc.record({ t: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const map = new Map<number, number>();
        const model = new Map<number, number>();
        const oldest = new OldestFirst(map);
        for (const o of ops) {
          if (o.t === 'set') {
            map.set(o.k, o.k);
            model.set(o.k, o.k);
          } else if (o.t === 'delete') {
            map.delete(o.k);
            model.delete(o.k);
          } else if (o.t === 'clear') {
            map.clear();
            model.clear();
          } else {
            const expected = model.keys().next();
            if (!expected.done) model.delete(expected.value);
            expect(oldest.evict()).toBe(expected.done ? undefined : expected.value);
          }
          expect([...map.keys()]).toEqual([...model.keys()]);
        }
      }),
    );
  });
});
