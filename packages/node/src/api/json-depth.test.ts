import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonTooDeep } from './json-depth.js';

/** Reference depth by walking the parsed value (safe here: the generated values are shallow). */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (v !== null && typeof v === 'object') return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

describe('jsonTooDeep', () => {
  it('agrees with the parsed depth of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (v, limit) => {
        expect(jsonTooDeep(JSON.stringify(v), limit)).toBe(depthOf(v) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(jsonTooDeep(JSON.stringify({ s: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonTooDeep(JSON.stringify(['\\"[[[[', '"]]']), 1)).toBe(false);
    expect(jsonTooDeep('[[["\\"]"]]]', 2)).toBe(true);
  });

  it('stops at the first level past the limit in text nested 1,000,000 deep', () => {
    expect(jsonTooDeep('['.repeat(1_000_000), 64)).toBe(true);
    expect(jsonTooDeep(`${'['.repeat(64)}${']'.repeat(64)}`, 64)).toBe(false);
    // Stray closers do not hide the openers after them (the text is refused either way).
    expect(jsonTooDeep(`]]${'['.repeat(100)}`, 64)).toBe(true);
  });
});
