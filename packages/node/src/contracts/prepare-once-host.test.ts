import { describe, expect, it, vi } from 'vitest';
import { ContractError } from './errors.js';

/** prepareContract as the host may fail it: the next call's outcome is set by the test. */
const next = vi.hoisted(() => ({ fail: undefined as Error | undefined }));
vi.mock('./instrument.js', async (original) => {
  const m = await original<typeof import('./instrument.js')>();
  return {
    ...m,
    prepareContract: (source: string) => {
      const e = next.fail;
      next.fail = undefined;
      if (e) throw e;
      return m.prepareContract(source);
    },
  };
});
const { prepareOnce } = await import('./prepare-once.js');

describe('prepareOnce and failures of the host', () => {
  it.each([
    ['acorn out of stack (a plain error)', new Error('host stack too small to parse a contract: Not enough stack space to parse input')],
    ["V8's stack overflow", new RangeError('Maximum call stack size exceeded')],
  ])('does not remember %s: the same source is prepared on the next try', (_what, error) => {
    const source = `export function f() { return ${JSON.stringify(error.message)}; }`;
    next.fail = error;
    expect(() => prepareOnce(source)).toThrow(error);
    expect(prepareOnce(source).code).toContain('return');
  });

  it('remembers a refusal: the source is not prepared again', () => {
    const source = 'export function g() { return 2; }';
    const refusal = new ContractError('bad-contract-source: test refusal');
    next.fail = refusal;
    expect(() => prepareOnce(source)).toThrow(refusal);
    expect(() => prepareOnce(source)).toThrow(refusal);
  });
});
