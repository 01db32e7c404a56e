import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonDepth, valueDepthExceeds } from './json-depth.js';

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['"[[[{"', 0],
    ['[]', 1],
    ['{"a":[1,{"b":"]]]"}]}', 3],
    ['["\\"[[", [2]]', 2],
  ])('measures %s as %i', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('measures 100,000 levels in one loop', () => {
    expect(jsonDepth(nested(100_000))).toBe(100_000);
  });

  it('agrees with a recursive measure on every generated JSON value', () => {
    const recursive = (v: unknown): number =>
      v === null || typeof v !== 'object' ? 0 : 1 + Math.max(0, ...Object.values(v as object).map(recursive));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v);
        expect(jsonDepth(text)).toBe(recursive(v));
        expect(valueDepthExceeds(v, recursive(v))).toBe(false);
        if (recursive(v) > 0) expect(valueDepthExceeds(v, recursive(v) - 1)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('walks a parsed value 100,000 levels deep without recursion', () => {
    const deep = JSON.parse(nested(100_000)) as unknown;
    expect(valueDepthExceeds(deep, 99_999)).toBe(true);
    expect(valueDepthExceeds(deep, 100_000)).toBe(false);
  });
});
