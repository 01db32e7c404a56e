import { describe, expect, it } from 'vitest';
import { prepareContract } from './instrument.js';
import { prepareOnce } from './prepare-once.js';

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
});
