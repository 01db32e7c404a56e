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
    // Recompiling a case-insensitive RegExp pays again.
    expect(gas('again', ['[a-z]'.repeat(10), 'i', false]) - gas('again', ['[a-z]'.repeat(10), '', false])).toBeGreaterThanOrEqual(2 * price);
    // The flag getters cannot lie: the prototype's are locked.
    const lie = chain.call('c', 'again', ['[a-z]', 'i', true], 'alice', 0n, 5_000_000);
    expect([lie.status, lie.revertReason]).toEqual(['reverted', 'TypeError: property is not configurable']);
  });
});

describe('back-references', () => {
  // A back-reference compares its group's whole capture for one matcher step: ^(.*)\1*x on 4,000 'é's
  // under the i flag ran at ~1,400 ns per gas (80 without i), where plain code runs at ~12.
  it('are refused at run time, numbered or named, in any RegExp made from a string or another RegExp', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const call = (fn: string, args: unknown[]): [string, string | undefined] => {
      const r = chain.call('c', fn, args, 'alice', 0n, 5_000_000);
      return [r.status, r.revertReason];
    };
    const refused = ['reverted', 'SyntaxError: back-references are not supported in contracts'];
    expect(call('make', ['^(.*)\\1*x', 'i'])).toEqual(refused);
    expect(call('make', ['(a)\\9', ''])).toEqual(refused);
    expect(call('make', ['(?<x>a)\\k<x>', ''])).toEqual(refused);
    expect(call('again', ['(a)\\1', 'g', false])).toEqual(refused);
    // An escaped backslash before a digit is a backslash and a digit.
    expect(call('make', ['\\\\1', ''])).toEqual(['success', undefined]);
    expect(call('make', ['\\d\\0', ''])).toEqual(['success', undefined]);
  });

  it('are refused in a regex literal at deploy', () => {
    const chain = new MemoryChain(engine);
    expect(() => chain.deploy('c', 'export function f(s) { return /(a+)\\1/.test(s); }', 'alice')).toThrow(/back-references are not supported in contracts/);
    expect(() => chain.deploy('d', 'export function f(s) { return /(?<x>a)\\k<x>/i.test(s); }', 'alice')).toThrow(/back-references are not supported in contracts/);
    expect(chain.deploy('e', 'export function f(s) { return /\\\\1/.test(s); }', 'alice').status).toBe('success');
  });
});
