import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { prepareContract } from './instrument.js';
import { MemoryChain } from './memory-chain.js';

/**
 * Work QuickJS does per variable, priced by the scope analysis in instrument.ts. Making a closure
 * makes a variable reference per outer variable it captures (an arrow over 1,000 outer variables,
 * made in a loop, ran at ~1,100 ns per gas when it cost one node); entering a function fills every
 * parameter (1,700 plain ones: ~170 ns per gas for free) and initialises every binding of its own
 * scopes, those of loop bodies that never run included (~155 ns per gas for free).
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const N = 300;
const Q = names('q', N);
const OUTER = `let ${Q.map((q) => `${q} = 1`).join(', ')};`;
const ONES = Q.map(() => '1');

/** Gas of one iteration of `op` (the difference between 11 iterations and 1), after `setup`, below `top`. */
function perIteration(op: string, setup = OUTER, top = ''): number {
  const chain = new MemoryChain(engine);
  const deployed = chain.deploy('c', `${top}
    export function f(m) { ${setup} let c = 0; for (let j = 0; j < m; j++) { ${op}; c++; } return c; }`, 'alice');
  expect(deployed.status).toBe('success');
  const one = chain.call('c', 'f', [1], 'alice', 0n, 50_000_000);
  const eleven = chain.call('c', 'f', [11], 'alice', 0n, 50_000_000);
  expect([one.status, eleven.status]).toEqual(['success', 'success']);
  return (eleven.gasUsed - one.gasUsed) / 10;
}

/** Gas of one call of `g` (declared in `top`) from the loop. */
const perCall = (top: string): number => perIteration('c += g()', '', top);

describe('making a closure pays for each outer variable it captures', () => {
  it.each([
    ['an arrow', (v: string[]) => `const h = () => [${v.join(', ')}]`, N],
    ['a function expression', (v: string[]) => `const h = function () { return [${v.join(', ')}]; }`, N],
    ['a function declaration in a loop body', (v: string[]) => `function h() { return [${v.join(', ')}]; }`, N],
    ['a function nested in the closure (captured through it)', (v: string[]) => `const h = () => () => [${v.join(', ')}]`, N],
    ['a closure that uses one variable many times (counted once)', (v: string[]) => `const h = () => [${v.map(() => v[0]).join(', ')}]`, 1],
    ['a closure whose block declares the names after or beside its uses', (v: string[]) =>
      `const h = () => { { let ${Q.join(', ')}; } return [${v.join(', ')}]; }`, N],
    ['methods and accessors of an object literal', (v: string[]) =>
      `const o = { m() { return [${v.slice(0, 100).join(', ')}]; }, get g() { return [${v.slice(100).join(', ')}]; } }`, N],
    ['a default value, which does not see the body\'s var', (v: string[]) => `const h = (a = ${v[0]}) => { var ${Q[0]}; return a; }`, 1],
  ])('%s', (_name, op, captures) => {
    expect(perIteration(op(Q)) - perIteration(op(ONES))).toBe(captures * GAS.captureVar);
  });

  it('a class pays for the captures of its constructor, methods, field initialisers and static blocks', () => {
    const op = (v: string[]) => `class C { constructor() { ${v[0]}; } m() { return ${v[1]}; } x = ${v[2]}; static y = ${v[3]}; static { ${v[4]}; } }`;
    expect(perIteration(op(Q)) - perIteration(op(ONES))).toBe(5 * GAS.captureVar);
  });

  it('an arrow captures this; names nothing declares (globals) count as captures too', () => {
    expect(perIteration('const h = () => this') - perIteration('const h = () => 1')).toBe(GAS.captureVar);
    expect(perIteration('const h = () => [Math, JSON]') - perIteration('const h = () => [1, 1]')).toBe(2 * GAS.captureVar);
  });

  it('names a closure declares itself (parameters, bindings, its own name) are not captures', () => {
    const own = `const h = function me(${Q[0]}) { let ${Q.slice(1).join(', ')}; return [me, ${Q.join(', ')}]; }`;
    const none = `const h = function me(${Q[0]}) { let ${Q.slice(1).join(', ')}; return [1, ${ONES.join(', ')}]; }`;
    expect(perIteration(own)).toBe(perIteration(none));
  });

  it('a function default value pays for its captures (before the body, and with the entry, as every default)', () => {
    const top = (v: string[]) => `${OUTER} function g(a = () => [${v.join(', ')}]) { return 1; }`;
    expect(perCall(top(Q)) - perCall(top(ONES))).toBe(2 * N * GAS.captureVar);
  });

  it('a direct eval, which makes every function around it capture every variable around it, is refused', () => {
    // eval itself is removed by the prelude; QuickJS compiles the capture-everything closure before that matters.
    for (const call of ['eval()', '(eval)(1)', 'eval?.()']) {
      expect(() => prepareContract(`export function f() { let a = 1; const h = () => { try { ${call}; } catch (e) {} }; return a; }`)).toThrow(/eval is not available/);
    }
    expect(prepareContract('export function f(o) { return [typeof eval, o.eval()]; }').exports).toEqual(['f']);
  });

  it('a closure pays for what arrows nested in it as deep as the limits allow capture', () => {
    // 20 arrows deep is the most the instrumented-depth limit accepts (the analysis itself uses no recursion).
    const nest = (inner: string) => `const h = ${'() => '.repeat(20)}${inner}`;
    expect(perIteration(nest(`[${Q.join(', ')}]`)) - perIteration(nest(`[${ONES.join(', ')}]`))).toBe(N * GAS.captureVar);
  });
});

describe('entering a function pays for its parameters and bindings', () => {
  it('each plain parameter', () => {
    const P = names('p', 1_000);
    expect(perCall(`function g(${P.join(', ')}) { return 1; }`) - perCall('function g() { return 1; }')).toBe(1_000 * GAS.parameter);
  });

  it('each binding of a loop body that never runs (let, and var hoisted to the function)', () => {
    const loop = (body: string) => `function g() { for (let i = 0; i < 0; i++) { ${body} } return 1; }`;
    expect(perCall(loop(`let ${Q.join(', ')};`)) - perCall(loop(''))).toBe(N * GAS.binding);
    expect(perCall(loop(`var ${Q.join(', ')};`)) - perCall(loop(''))).toBe(N * GAS.binding);
    // A name declared twice by var is one binding.
    expect(perCall(loop(`var ${Q.join(', ')}; var ${Q.join(', ')};`)) - perCall(loop(''))).toBe(N * GAS.binding);
  });

  it('catch parameters, classes (outer and inner name) and function declarations are bindings', () => {
    const loop = (body: string) => `function g() { for (let i = 0; i < 0; i++) { ${body} } return 1; }`;
    expect(perCall(loop('try {} catch (e) {} class A {} function B() {}')) - perCall(loop(''))).toBe(4 * GAS.binding);
  });

  it('bindings of a nested function are paid at its own entry, not the outer one', () => {
    const inner = (body: string) => `function g() { const h = () => { for (let i = 0; i < 0; i++) { ${body} } }; return 1; }`;
    expect(perCall(inner(`let ${Q.join(', ')};`)) - perCall(inner(''))).toBe(0);
  });
});

describe('honest contracts', () => {
  it('closures, classes and shadowing keep their meaning', () => {
    const chain = new MemoryChain(engine);
    const source = `const base = 10;
      class Counter { #n = base; static made = 0; static { Counter.made = -1; } inc(by = 1) { this.#n += by; return this.#n; } }
      function counter() { let n = 0; return { next: () => ++n, get value() { return n; } }; }
      export function f(x) {
        const c = counter(); c.next(); c.next();
        const k = new Counter(); k.inc(); k.inc(5);
        let s = 0; { let x = 100; s += x; } for (const x of [1, 2]) s += x;
        try { throw 7; } catch (e) { s += e; }
        return [c.value, k.inc(0), Counter.made, s + x, ((a, b = a * 2) => a + b)(3)];
      }`;
    expect(chain.deploy('c', source, 'alice').status).toBe('success');
    expect(chain.call('c', 'f', [1], 'alice', 0n, 5_000_000).returnValue).toEqual([2, 16, -1, 111, 9]);
  });
});
