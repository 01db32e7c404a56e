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

});
