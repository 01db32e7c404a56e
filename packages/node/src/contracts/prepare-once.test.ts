import { describe, expect, it } from 'vitest';
import { prepareContract } from './instrument.js';
import { REMEMBERED_BYTES, preparedBytes, prepareOnce } from './prepare-once.js';

describe('prepareOnce', () => {
  it("remembers a source's verdict, prepared or refused, so the API's admission and the mempool's check prepare it once", () => {
    const source = 'export function f() { return 1; }';
    const first = prepareOnce(source);
    expect(prepareOnce(source)).toBe(first);
    expect(first).toEqual(prepareContract(source));
    const refused = (): unknown => {
      try {
        prepareOnce('export function f() { return eval("1"); }');
        return undefined;
      } catch (e) {
        return e;
      }
    };
    const error = refused();
    expect((error as Error).message).toBe('bad-contract-source: eval is not available in contracts');
    expect(refused()).toBe(error);
  });

  it('remembers sources by the bytes of their code, not by count: code that instruments to 40x its source fills it in a few entries', () => {
    const big = (i: number): string => `let a = 1, b = 2, x;\nexport function f${i}() { ${'x=a+b;'.repeat(7_000)} }`;
    const first = prepareOnce(big(0));
    const each = preparedBytes(big(0), first);
    expect(each).toBeGreaterThan(20 * 2 * big(0).length);
    // Far fewer than the 32 entries a count bound kept (~116 MB of them).
    const fit = Math.floor(REMEMBERED_BYTES / each);
    expect(fit).toBeLessThan(16);
    for (let i = 1; i <= fit; i++) prepareOnce(big(i));
    // The first has been pushed out: prepared again, an equal but new object.
    const again = prepareOnce(big(0));
    expect([again === first, again]).toEqual([false, first]);
  });

  it('does not remember a failure of the host: a source whose parse ran out of stack once is prepared on the next try', () => {
    const source = `export function f() { return ${'('.repeat(20)}1${')'.repeat(20)}; }`;
    const atDepth = (n: number, f: () => unknown): unknown => (n === 0 ? f() : atDepth(n - 1, f));
    let hostFailure: Error | undefined;
    // Deep enough that acorn runs out of stack inside the parse, which it reports as a plain error.
    for (let depth = 20_000; depth > 0 && !hostFailure; depth -= 50) {
      try {
        atDepth(depth, () => {
          try {
            prepareOnce(source);
          } catch (e) {
            if (!(e instanceof RangeError)) hostFailure = e as Error;
          }
        });
      } catch {
        // The stack ran out before the parse began.
      }
    }
    expect(hostFailure?.message).toMatch(/^host stack too small to parse a contract/);
    expect(prepareOnce(source)).toEqual(prepareContract(source));
  });
});
