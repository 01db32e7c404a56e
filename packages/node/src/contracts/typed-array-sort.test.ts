import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { runBody, type BodyRun } from './test-support.js';

/**
 * TypedArray.prototype.sort with a comparator over a buffer the comparator resizes or transfers
 * (helper-150): the pinned QuickJS permuted the sorted elements through a copy of the shrunk
 * length, reading heap bytes past it, whose atom hashes are salted per process, so each node
 * stored different values and paid different gas for the same call: a state-root split.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const run = (body: string): BodyRun => runBody(engine, body, 20_000_000);

/** A length-tracking Float64Array of `n` over a resizable buffer, sorted descending; `during(buf, call)` runs in each comparison. */
const sortWith = (n: number, during: string, caught: string): string => `
  const buf = new ArrayBuffer(${n} * 8, { maxByteLength: ${n} * 16 });
  const ta = new Float64Array(buf);
  for (let i = 0; i < ${n}; i++) ta[i] = i;
  let calls = 0;
  try { ta.sort(function (a, b) { calls++; ${during}; return b - a; }); } catch (e) { return [${caught}, String(e), buf.detached ? 'detached' : Array.from(ta)]; }
  return ['sorted', calls, Array.from(ta)];`;

describe('TypedArray.prototype.sort', () => {
  const n = 64;
  const original = Array.from({ length: n }, (_, i) => i);

  it('fails the sort when the comparator shrinks the buffer, leaving only the values the contract wrote', () => {
    const r = run(sortWith(n, 'if (calls === 40) buf.resize(16 * 8)', "'refused'"));
    expect(r.status).toBe('success');
    expect(r.value).toEqual(['refused', 'TypeError: a buffer was resized or transferred during a typed array sort', original.slice(0, 16)]);
  });

  it('fails it when the comparator grows the buffer, transfers it, or resizes another buffer', () => {
    const refused = 'TypeError: a buffer was resized or transferred during a typed array sort';
    const cases: [string, unknown][] = [
      [`if (calls === 5) buf.resize(${n * 16})`, [...original, ...original.map(() => 0)]],
      ['if (calls === 5) buf.transfer()', 'detached'],
      ['if (calls === 5) new ArrayBuffer(8, { maxByteLength: 16 }).resize(16)', original],
    ];
    for (const [during, left] of cases) {
      const r = run(sortWith(n, during, "'refused'"));
      expect([during, r.status, r.value]).toEqual([during, 'success', ['refused', refused, left]]);
    }
  });

  it('sorts as before when nothing is resized, over a resizable buffer or not, and toSorted copies first as it always did', () => {
    expect(run(sortWith(n, '', "'refused'")).value).toEqual(['sorted', expect.any(Number), [...original].reverse()]);
    const r = run(`const buf = new ArrayBuffer(32, { maxByteLength: 64 }); const ta = new Int32Array(buf); ta.set([3, 1, 4, 1, 5, 9, 2, 6]);
      const sorted = ta.toSorted(function (a, b) { buf.resize(64); return a - b; });
      return [Array.from(sorted), ta.length, Array.from(new Int32Array([3, 1, 2]).sort((a, b) => b - a))];`);
    expect([r.status, r.value]).toEqual(['success', [[1, 1, 2, 3, 4, 5, 6, 9], 16, [3, 2, 1]]]);
  });
});
