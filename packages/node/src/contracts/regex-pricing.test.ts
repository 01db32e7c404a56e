import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SOURCE = `
export function make(p, f) { return new RegExp(p, f).source; }
export function again(p, f, lie) {
  const r = new RegExp(p, f);
  if (lie) Object.defineProperty(RegExp.prototype, 'ignoreCase', { get() { return false; } });
  return new RegExp(r).source;
}
export function compile() { return typeof /a/.compile; }`;

describe('RegExp compilation', () => {
  it('refuses Unicode property escapes and the v flag at run time, with a named reason', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const call = (fn: string, args: unknown[]): [string, string | undefined] => {
      const r = chain.call('c', fn, args, 'alice', 0n, 5_000_000);
      return [r.status, r.revertReason];
    };
    expect(call('make', ['[^\\p{L}\\p{N}]', 'iu'])).toEqual(['reverted', 'SyntaxError: Unicode property escapes are not supported in contracts']);
    expect(call('make', ['\\P{Lu}', 'u'])).toEqual(['reverted', 'SyntaxError: Unicode property escapes are not supported in contracts']);
    expect(call('make', ['a', 'v'])).toEqual(['reverted', 'SyntaxError: the RegExp v flag is not supported in contracts']);
    // Without u, \p is the letter p: nothing slow to build.
    expect(call('make', ['\\p{L}', ''])).toEqual(['success', undefined]);
    expect(chain.call('c', 'compile', [], 'alice').returnValue).toBe('undefined');
  });

  it('charges each class and range of a case-insensitive pattern, whatever the prototype says', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const gas = (fn: string, args: unknown[]): number => {
      const r = chain.call('c', fn, args, 'alice', 0n, 5_000_000);
      expect(r.status).toBe('success');
      return r.gasUsed;
    };
    const price = 10 * (GAS.regexCaseClass + GAS.regexCaseRange);
    expect(gas('make', ['[a-z]'.repeat(10), 'i']) - gas('make', ['[a-z]'.repeat(10), ''])).toBeGreaterThanOrEqual(price);
    // Recompiling a case-insensitive RegExp pays again, even with a lying ignoreCase getter.
    expect(gas('again', ['[a-z]'.repeat(10), 'i', true]) - gas('again', ['[a-z]'.repeat(10), '', true])).toBeGreaterThanOrEqual(2 * price);
  });
});
