import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('gives items back in the order they came, across compactions', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5_000; i++) q.push(i);
    for (let i = 0; i < 3_000; i++) expect(q.shift()).toBe(i);
    expect([q.length, q.first()]).toEqual([2_000, 3_000]);
    q.push(5_000);
    expect([...q]).toEqual(Array.from({ length: 2_001 }, (_, i) => 3_000 + i));
    while (q.length > 0) q.shift();
    expect([q.shift(), q.first(), q.length]).toEqual([undefined, undefined, 0]);
  });

  it('matches an array used as a queue on any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null)), { maxLength: 5_000 }), (ops) => {
        const q = new Fifo<number>();
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) expect(q.shift()).toBe(model.shift());
          else {
            q.push(op);
            model.push(op);
          }
          expect(q.length).toBe(model.length);
          expect(q.first()).toBe(model[0]);
        }
        expect([...q]).toEqual(model);
      }),
      { numRuns: 50 },
    );
  });
});
