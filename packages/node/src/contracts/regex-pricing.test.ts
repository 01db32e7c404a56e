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

/** `count` disjoint characters (none adjacent, so no two merge into one range). */
function disjoint(count: number, from = 0x4e00): string {
  let s = '';
  for (let k = 0; k < count; k++) s += String.fromCharCode(from + 2 * k);
  return s;
}

const COMPILE = `
export function make(p, f, k) { for (let i = 0; i < k; i++) new RegExp(p, f); return 0; }
export function match(s, p) { return s.match(p) === null; }
export function split(s, p) { return s.split(new RegExp(p)).length; }
export function exec(p, s) { return new RegExp(p).exec(s) === null; }`;

describe('RegExp compilation, quadratic parts', () => {
  const pairs = (units: number): number => (units * (units - 1)) / 2;
  const setup = (): ((fn: string, args: unknown[]) => number) => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', COMPILE, 'alice').status).toBe('success');
    return (fn, args) => {
      const r = chain.call('c', fn, args, 'alice', 0n, 100_000_000);
      expect([r.status, r.revertReason]).toEqual(['success', undefined]);
      return r.gasUsed;
    };
  };

  // QuickJS builds a class one member at a time, copying the range list so far for each: 4,094 members
  // compiled in ~50-60 ms for 8,203 gas (~5,200 ns per gas).
  it('pays per pair of code units of each character class, on every path that compiles', () => {
    const gas = setup();
    const cls = '[' + disjoint(2_000) + ']';
    const least = Math.ceil(pairs(2_000) / GAS.regexClassPairsPerGas);
    expect(gas('make', [cls, '', 1]) - gas('make', [cls, '', 0])).toBeGreaterThanOrEqual(least);
    expect(gas('make', [cls + cls, 'u', 1]) - gas('make', [cls, 'u', 0])).toBeGreaterThanOrEqual(2 * least);
    expect(gas('make', ['[^' + disjoint(2_000) + ']', '', 1]) - gas('make', [cls, '', 0])).toBeGreaterThanOrEqual(least);
    expect(gas('match', ['x', cls])).toBeGreaterThanOrEqual(least);
    expect(gas('split', ['x', cls])).toBeGreaterThanOrEqual(least);
  });

  // Each | moves the bytecode of its disjunction so far (4,096 of them: ~100 ns per gas), and each term of
  // a lookbehind, compiled backwards, the terms before it ((?<=a...a): ~300 ns per gas).
  it('pays for the code each | and each lookbehind term moves', () => {
    const gas = setup();
    expect(gas('make', ['|'.repeat(4_000), '', 1])).toBeGreaterThanOrEqual(pairs(4_000) / GAS.regexMovesPerGas);
    expect(gas('make', ['(?<=' + 'a'.repeat(4_000) + ')', '', 1])).toBeGreaterThanOrEqual(pairs(4_000) / GAS.regexMovesPerGas);
    expect(gas('make', ['(?<!' + '\\S'.repeat(2_000) + ')', 'u', 1])).toBeGreaterThanOrEqual(pairs(4_000) / GAS.regexMovesPerGas);
  });

  // (?i:...) turns case folding on inside a pattern without the i flag: 204 of (?i:[\u0000-\uffff]) compiled
  // in ~25 ms for ~8,000 gas.
  it('charges a group that turns case folding on as the i flag', () => {
    const gas = setup();
    const price = 10 * (GAS.regexCaseClass + GAS.regexCaseRange);
    expect(gas('make', ['(?i:[a-z])'.repeat(10), '', 1]) - gas('make', ['(?:[a-z])'.repeat(10), '', 1])).toBeGreaterThanOrEqual(price);
    // And each exec folds as under the flag.
    const input = 'b'.repeat(4_000);
    expect(gas('exec', ['(?i:a)', input]) - gas('exec', ['(?:a)', input])).toBeGreaterThanOrEqual(Math.ceil((4_000 * 6) / GAS.searchComparisonsPerGas));
  });

  // new RegExp('abc') took ~4-5.5 us for 13 gas (~300 ns per gas).
  it('charges every compile', () => {
    const gas = setup();
    expect(gas('make', ['abc', '', 100]) - gas('make', ['abc', '', 0])).toBeGreaterThanOrEqual(100 * GAS.regexCompile);
  });

  // Literals compile with the contract's snapshot, paid as cold code: 11 classes of 4,094 characters ran a
  // snapshot build at ~900 ns per gas.
  it('refuses a regex literal whose compiling is too costly for its length', () => {
    const chain = new MemoryChain(engine);
    const deploy = (name: string, literal: string): void => { chain.deploy(name, `export function f(s) { return ${literal}.test(s); }`, 'alice'); };
    const costly = /regex literal too costly to compile/;
    expect(() => deploy('a', `/[${disjoint(4_094)}]/`)).toThrow(costly);
    expect(() => deploy('b', `/${'|'.repeat(1_000)}/`)).toThrow(costly);
    expect(() => deploy('c', `/(?<=${'a'.repeat(1_000)})/`)).toThrow(costly);
    // (The parser refuses modifier groups in a literal for now; should it take them, this check does.)
    expect(() => deploy('d', '/(?i:[a-z])/')).toThrow(/bad-contract-source/);
    // A class of 64 characters, a base58 address, a handful of alternatives: as before.
    deploy('e', `/^[${disjoint(64)}]+$/`);
    deploy('f', '/^[123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{32,44}$/');
    deploy('g', '/^(?:jpg|jpeg|png|gif|webp)$/');
    deploy('h', '/(?<=\\$)\\d+/');
  });
});
