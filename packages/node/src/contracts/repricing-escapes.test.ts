import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

/** Ways around the repricing a review found: each must pay, in gas, for the native work it causes. */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

describe('ways around the repricing', () => {
  it('a paid error keeps its stack: deleting it (so the next throw walks the stack again, unpaid) is refused', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function f() {
      let e; try { null.x; } catch (x) { e = x; }
      try { delete e.stack; return 'deleted'; } catch (y) { return 'kept'; }
    }`, 'alice');
    const r = chain.call('c', 'f', [], 'alice', 0n, 5_000_000);
    expect([r.status, r.returnValue]).toEqual(['success', 'kept']);
  });

  it('split and matchAll pay for compiling the pattern again, and a RegExp cannot point them at the unwrapped constructor', () => {
    const chain = new MemoryChain(engine);
    // Ten case-folded ranges: each recompile pays 10 × regexCaseRange at least.
    chain.deploy('c', `export function f(n, species) {
      const rx = new RegExp('[\\\\u0100-\\\\uffff]'.repeat(10), 'i');
      if (species) rx.constructor = undefined;
      for (let i = 0; i < n; i++) { 'a'.split(rx); [...'a'.matchAll(new RegExp(rx, 'gi'))]; }
      return n;
    }`, 'alice');
    const gas = (n: number) => chain.call('c', 'f', [n, false], 'alice', 0n, 50_000_000).gasUsed;
    // Each round: one split and one matchAll recompile through the wrapped constructor, plus the constructor for matchAll's pattern.
    expect(gas(3) - gas(1)).toBeGreaterThanOrEqual(2 * 3 * 10 * GAS.regexCaseRange);
    // The species the natives would compile with cannot be pointed at the unwrapped constructor: the prototype's
    // constructor is read-only, and an own one (defineProperty) takes the RegExp off these methods.
    const own = chain.call('c', 'f', [1, true], 'alice', 0n, 50_000_000);
    expect([own.status, own.revertReason]).toEqual(['reverted', "TypeError: 'constructor' is read-only"]);
  });

  it('a chain of binds keeps a short name instead of growing it by "bound " each time', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function f() { let g = function target() {}; for (let i = 0; i < 200; i++) g = g.bind(null); return g.name.length; }`, 'alice');
    const r = chain.call('c', 'f', [], 'alice', 0n, 5_000_000);
    expect(r.status).toBe('success');
    expect(r.returnValue).toBeLessThan(40);
  });
});
