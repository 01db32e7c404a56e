import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { LIMITS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

/**
 * A property lookup that fails walks the whole prototype chain natively for the gas of one member
 * access: 20,000 links built with `{ __proto__: o }` made each lookup ~1.5 ms (~1,850 ns per gas), so
 * one 50M-gas transaction held every validating node for over a minute. Chains are capped at
 * LIMITS.maxPrototypeChain objects on every route that makes one longer.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const LIMIT_REASON = `TypeError: prototype chains are limited to ${LIMITS.maxPrototypeChain} objects in contracts`;

function run(body: string, args: unknown[] = []): { status: string; value: unknown; reason: string | undefined; gas: number } {
  const chain = new MemoryChain(engine);
  chain.deploy('c', `export function f(d) { ${body} }`, 'alice');
  const r = chain.call('c', 'f', args, 'alice', 0n, 50_000_000);
  return { status: r.status, value: r.returnValue, reason: r.revertReason, gas: r.gasUsed };
}

/** Builds a chain `d` links long by `step`, then makes 1,000 failing lookups on it. */
const attack = (step: string): string =>
  `let o = {}; for (let i = 0; i < d; i++) { ${step} } let c = 0; for (let i = 0; i < 1000; i++) if (o.zz) c++; return c;`;

describe('prototype chains', () => {
  it.each([
    ['a literal __proto__', 'o = { __proto__: o };', LIMIT_REASON],
    ['Object.create', 'o = Object.create(o);', LIMIT_REASON],
    ['a proxy of the chain', 'o = new Proxy(o, {});', LIMIT_REASON],
    ['a constructor given a new prototype', 'function F() {} F.prototype = o; o = new F();', "TypeError: 'prototype' is read-only"],
    ['an array species given a new prototype', 'function F() {} F.prototype = o; const a = [1]; a.constructor = { [Symbol.species]: F }; o = a.map((x) => x);', "TypeError: 'prototype' is read-only"],
    ['defineProperty on a prototype property', 'function F() {} Object.defineProperty(F, "prototype", { value: o }); o = new F();', "TypeError: property is not configurable"],
    ['Object.setPrototypeOf', 'o = Object.setPrototypeOf({}, o);', "TypeError: changing an object's prototype is not supported in contracts"],
    ['Reflect.setPrototypeOf', 'const n = {}; Reflect.setPrototypeOf(n, o); o = n;', "TypeError: changing an object's prototype is not supported in contracts"],
    ['the __proto__ setter', 'const n = {}; n.__proto__ = o; o = n;', "TypeError: changing an object's prototype is not supported in contracts"],
  ])('a 20,000-link chain by %s is refused under a named error', (_how, step, reason) => {
    const r = run(attack(step), [20_000]);
    expect([r.status, r.reason]).toEqual(['reverted', reason]);
  });

  it('a class chain grown by extends stops at the limit, for its instances and for the classes themselves', () => {
    const r = run('let C = class {}; let n = 0; try { for (let i = 0; i < d; i++) { C = class extends C {}; n++; } } catch (e) { return [n, String(e)]; } return [n, ""];', [20_000]);
    // Object.prototype ← C₀.prototype ← … ← Cₙ.prototype ← instance: n + 3 objects at most.
    expect(r.value).toEqual([LIMITS.maxPrototypeChain - 3, LIMIT_REASON]);
  });

  it('new.target and heritage must own a prototype that never changes: a bound function reads one a contract can give a getter', () => {
    const deep = 'let o = {}; for (let i = 0; i < 10; i++) o = Object.create(o); Object.defineProperty(Object.getPrototypeOf(function () {}), "prototype", { get() { return o; } });';
    const reason = 'TypeError: only a class, a function or a built-in constructor can be extended or stand as new.target in contracts';
    expect(run(`${deep} const B = function () {}.bind(null); return Reflect.construct(Object, [], B);`).reason).toBe(reason);
    expect(run(`${deep} const B = function () {}.bind(null); class X extends B {} return 1;`).reason).toBe(reason);
  });

  it.each([
    // A review's ways around the first version of the cap: a prototype defined on a bound function or on
    // Proxy, then used as new.target; an API function's writable prototype; a prototype redefined by the
    // argument list's getter after new.target was checked.
    ['new.target a bound function given a prototype', "const b = (function () {}).bind(); Object.defineProperty(b, 'prototype', { value: o }); o = Reflect.construct(Object, [], b);"],
    ['new.target a bound function whose prototype is redefined each time', "Object.defineProperty(B, 'prototype', { value: o, writable: false, configurable: true }); o = Reflect.construct(Object, [], B);"],
    ['new.target Proxy given a prototype', "Object.defineProperty(Proxy, 'prototype', { value: o, configurable: true }); o = Reflect.construct(Object, [], Proxy);"],
    ['an API function as a constructor', 'require.prototype = o; o = new require(1);'],
  ])('a 20,000-link chain through %s is refused', (_how, step) => {
    const r = run(`const B = (function () {}).bind(); ${attack(step)}`, [20_000]);
    expect(r.status).toBe('reverted');
    expect([LIMIT_REASON, "TypeError: 'prototype' is read-only", 'TypeError: only a class, a function or a built-in constructor can be extended or stand as new.target in contracts']).toContain(r.reason);
  });

  it('an argument list cannot swap new.target\'s prototype after it was checked', () => {
    const r = run(`const b = (function () {}).bind(); const benign = {}; const deep = Object.create(Object.create(null));
      Object.defineProperty(b, 'prototype', { value: benign, writable: false, configurable: true });
      const list = { get length() { Object.defineProperty(b, 'prototype', { value: deep, writable: false, configurable: true }); return 0; } };
      const made = Reflect.construct(Object, list, b);
      return Object.getPrototypeOf(made) === deep;`);
    expect([r.status, r.reason]).toEqual(['reverted', 'TypeError: only a class, a function or a built-in constructor can be extended or stand as new.target in contracts']);
  });

  it('the contract API functions have a read-only prototype, and function declarations in a static block are sealed', () => {
    const r = run(`class A { static g; static {} static { function h() {} A.g = h; } }
      const w = (f) => Object.getOwnPropertyDescriptor(f, 'prototype').writable;
      return [w(require), w(balance), w(transfer), w(emit), w(call), w(storage.get), w(storage.set), w(A.g)];`);
    expect([r.status, r.value]).toEqual(['success', [false, false, false, false, false, false, false, false]]);
  });

  it.each([
    ['a property read', 'D.zz', undefined],
    ['in', "'zz' in D", false],
    ['instanceof', 'D instanceof Array', false],
  ])('handlers that are proxies cannot double %s level by level: a proxy gets the prelude\'s handler, its traps read once', (_op, lookup, expected) => {
    // With the contract's handler consulted on every lookup, 28 levels held one lookup for 33 s, each level ~25 gas.
    const r = run(`const T = Object.create(null); let D = {};
      for (let i = 0; i < d; i++) D = new Proxy(new Proxy(T, D), D);
      return [${lookup}];`, [28]);
    expect([r.status, r.value]).toEqual(['success', [expected === undefined ? null : expected]]);
  });

  it('a proxy of a proxy weighs its target: the cap stops the nesting', () => {
    const r = run("let D = {}; let n = 0; try { for (let i = 0; i < d; i++) { D = new Proxy(D, D); n++; } } catch (e) { return [n, String(e)]; } return [n, ''];", [20]);
    // Weights 4, 6, …, 16 (two links each: the proxy and the prelude's handler), then 18.
    expect(r.value).toEqual([7, LIMIT_REASON]);
  });

  it('a proxy keeps the traps its handler had when it was made, called on that handler; ownKeys answers a bounded plain array', () => {
    const r = run(`const h = { get(t, k) { return this === h ? 'own ' + k : 'other'; } };
      const p = new Proxy({}, h);
      h.has = () => true;
      const keys = [];
      for (let i = 0; i < 5000; i++) keys.push('k' + i);
      let big = 'none';
      try { Reflect.ownKeys(new Proxy({}, { ownKeys: () => keys })); } catch (e) { big = String(e); }
      return [p.x, 'x' in p, Object.keys(new Proxy({ a: 1, b: 2 }, { ownKeys: () => ['b', 'a'] })), big];`);
    expect([r.status, r.value]).toEqual(['success', ['own x', false, ['b', 'a'], 'RangeError: a proxy ownKeys trap may return at most 4096 keys in contracts']]);
  });

  it('proxies of functions are refused: a get trap could name any prototype for new', () => {
    const r = run('const P = new Proxy(function () {}, {}); return 1;');
    expect(r.reason).toBe('TypeError: proxies of functions are not supported in contracts');
  });

  it('an inherited descriptor field cannot reach the prelude: a function made after Object.prototype.value has a getter keeps its own prototype', () => {
    const r = run(`const deep = Object.create(Object.create({}));
      Object.defineProperty(Object.prototype, 'value', { get() { return deep; }, configurable: true });
      function F() {}
      const G = function () {};
      return [F.prototype !== deep && F.prototype.constructor === F, G.prototype !== deep && G.prototype.constructor === G];`);
    expect([r.status, r.value]).toEqual(['success', [true, true]]);
  });

  it('honest code keeps working: class hierarchies, Error subclasses, null prototypes, literals and unchanged prototypes', () => {
    const r = run(`class A { who() { return 'A'; } }
      class B extends A {} class C extends B {} class D extends C { who() { return 'D' + super.who(); } }
      class Oops extends Error {}
      const bare = Object.create(null);
      const lit = { __proto__: { x: 1 } };
      const same = {}; Object.setPrototypeOf(same, Object.prototype);
      const cleared = {}; Object.setPrototypeOf(cleared, null);
      function Point(x) { this.x = x; }
      Point.prototype.twice = function () { return 2 * this.x; };
      return [new D().who(), new D() instanceof A, new Oops('no') instanceof Error, Object.getPrototypeOf(bare), lit.x,
        Object.getPrototypeOf(same) === Object.prototype, Object.getPrototypeOf(cleared), new Point(3).twice(), Reflect.construct(A, [], D) instanceof D];`);
    expect([r.status, r.value]).toEqual(['success', ['DA', true, true, null, 1, true, null, 6, true]]);
  });

  it('function declarations directly in a switch case are refused at deploy (hoisted where nothing can seal them first)', () => {
    const chain = new MemoryChain(engine);
    expect(() => chain.deploy('c', 'export function f(x) { switch (x) { case 1: function g() {} return g; } }', 'alice')).toThrow(
      /function declarations directly in a switch case are not supported/,
    );
  });
});
