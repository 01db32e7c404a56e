import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

/**
 * Code in a parameter default, a destructuring parameter, a `for` initialiser, the head of a
 * `for-in`/`for-of` and a class field initialiser ran without gas: the entry charge covered only a
 * function's body and a loop's test, update and body. `[{}, {}, …]` with N objects (one AST node
 * each) must now cost at least N gas every time it runs.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const N = 2_000;
const OBJECTS = `[${Array.from({ length: N }, () => '{}').join(',')}]`;

/** Gas of one run of `g()` (the difference between 11 runs and 1: cold code and setup cancel out). */
function perRun(source: string): number {
  const chain = new MemoryChain(engine);
  expect(chain.deploy('c', `${source}
    export function f(m) { let c = 0; for (let j = 0; j < m; j++) { c += g(); } return c; }`, 'alice').status).toBe('success');
  const one = chain.call('c', 'f', [1], 'alice', 0n, 50_000_000);
  const eleven = chain.call('c', 'f', [11], 'alice', 0n, 50_000_000);
  expect([one.status, eleven.status]).toEqual(['success', 'success']);
  return (eleven.gasUsed - one.gasUsed) / 10;
}

describe('code in parameter, loop-head and class-field positions pays gas', () => {
  it.each([
    ['a default parameter value', `function g(a = ${OBJECTS}) { return 0; }`],
    ['a default inside a destructuring parameter', `function g({ x = ${OBJECTS} } = {}) { return 0; }`],
    ['an arrow function default', `const g = (a = ${OBJECTS}) => 0;`],
    ['a method default', `const o = { m(a = ${OBJECTS}) { return 0; } }; function g() { return o.m(); }`],
    ['a for initialiser', `function g() { for (let i = 0, a = ${OBJECTS}; i < 0; i++) {} return 0; }`],
    ['the right-hand side of for-of', `function g() { for (const v of ${OBJECTS}) { break; } return 0; }`],
    ['the right-hand side of for-in', `function g() { for (const k in { a: ${OBJECTS} }) {} return 0; }`],
    ['a default in a for-of destructuring pattern', `function g() { for (const { x = ${OBJECTS} } of [{}]) {} return 0; }`],
    ['an instance field initialiser (on every new)', `class C { x = ${OBJECTS}; } function g() { new C(); return 0; }`],
    ['an instance field of a derived class', `class B {} class C extends B { y = 1; x = ${OBJECTS}; } function g() { new C(); return 0; }`],
    ['a static field initialiser', `function g() { class C { static x = ${OBJECTS}; } return 0; }`],
    ['a static block', `function g() { class C { static { const a = ${OBJECTS}; } } return 0; }`],
  ])('%s', (_name, source) => {
    expect(perRun(source)).toBeGreaterThanOrEqual(N);
  });

  it('a default runs before its charge can be skipped: a later parameter that throws does not make it free', () => {
    const source = `function t() { throw 0; }
      function h(a = ${OBJECTS}, b = t()) { return 0; }
      function g() { try { h(); } catch (e) {} return 0; }`;
    expect(perRun(source)).toBeGreaterThanOrEqual(N);
  });

  it('loops and functions inside these positions are metered themselves', () => {
    const loop = (head: string): number => perRun(head.replace('LOOP', '(() => { let s = 0; for (let i = 0; i < 500; i++) s += i; return s; })()'));
    for (const source of [
      'function g(a = LOOP) { return 0; }',
      'function g() { for (let i = 0, a = LOOP; i < 0; i++) {} return 0; }',
      'function g() { for (const v of [LOOP]) {} return 0; }',
      'class C { x = LOOP; } function g() { new C(); return 0; }',
    ]) {
      expect(loop(source)).toBeGreaterThanOrEqual(500 * GAS.loopBase);
    }
  });

  it('keeps default values, field values and function names as in JavaScript', () => {
    const chain = new MemoryChain(engine);
    const source = `class B { constructor() { this.b = 1; } }
      class C extends B { #p = 2; x = this.b + this.#p; static s = 3; get p() { return this.#p; } }
      function g(a, { k = a + 1, z } = {}, c = k * 2) { return [a, k, c, z]; }
      export function f() {
        const out = [];
        for (const { v = 5, w } of [{ w: 1 }, { v: 0, w: 2 }]) out.push(v + w);
        const c = new C();
        return [g(1), g(1, { k: 7, z: 1 }, 3), out, c.x, c.p, C.s, Object.keys(c), g.length, JSON.stringify(c)];
      }`;
    expect(chain.deploy('c', source, 'alice').status).toBe('success');
    expect(chain.call('c', 'f', [], 'alice', 0n, 5_000_000).returnValue).toEqual([
      [1, 2, 4, null], [1, 7, 3, 1], [6, 2], 3, 2, 3, ['b', 'x'], 1, '{"b":1,"x":3}',
    ]);
  });
});
