import { expect } from 'vitest';
import { RuleError, type RejectCode } from '../consensus/errors.js';

/** Asserts that `fn` throws a RuleError naming `code` (and carrying `score`, when given). */
export function expectReject(fn: () => unknown, code: RejectCode, score?: number): RuleError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected RuleError ${code}`).toBeInstanceOf(RuleError);
  const err = caught as RuleError;
  expect(err.code).toBe(code);
  if (score !== undefined) expect(err.score).toBe(score);
  return err;
}
