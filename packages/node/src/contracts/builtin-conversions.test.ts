import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { runBody, type BodyRun } from './test-support.js';
import { GAS } from './gas-schedule.js';

/**
 * Built-ins that convert a contract's object to a number natively: its valueOf may hand back a
 * 4,096-digit string, which QuickJS parsed (~90 us) for no gas (3,000-5,700 ns per gas). Each is made
 * primitive in the prelude and paid, or paid as an object operand.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

function run(body: string, gasLimit = 5_000_000): BodyRun {
  return runBody(engine, body, gasLimit);
}

const SETUP = `const big = '0'.repeat(4095) + '1'; const o = { valueOf() { return big; } };
  const os = Array(200).fill(o); const ta = new Float64Array(200); const t1 = new Float64Array(1); const a1 = [1];`;

/** The exploit in a loop: out of gas at its limit. */
function exhausts(body: string): void {
  const r = run(`${SETUP} for (;;) { ${body} }`, 1_000_000);
  expect([r.status, r.gas]).toEqual(['out-of-gas', 1_000_000]);
}

/** One call converting o pays for the long string its valueOf hands back, over the same call given 1. */
function paysForObject(body: (v: string) => string, times = 1): void {
  const withObject = run(`${SETUP} ${body('o')} return 0;`);
  const withNumber = run(`${SETUP} ${body('1')} return 0;`);
  expect(withObject.status).toBe('success');
  expect(withObject.gas - withNumber.gas).toBeGreaterThanOrEqual(times * 4_096 * GAS.toNumberPerChar);
}

describe('typed arrays built from objects', () => {
  it('the constructor, from, of and set convert each object in the prelude and pay for its string', () => {
    exhausts('new Float64Array(os);');
    exhausts('Float64Array.from(os);');
    exhausts('Object.getPrototypeOf(Float64Array).from.call(Float64Array, os);');
    exhausts('Float64Array.of(...os);');
    exhausts('ta.set(os);');
    exhausts('new Float64Array(Array(200).fill(new String(big)));');
    paysForObject((v) => `new Float64Array([${v}]);`);
    paysForObject((v) => `t1.set([${v}]);`);
    paysForObject((v) => `Float64Array.of(${v}, ${v});`, 2);
  });

  it('an iterable of objects is drained, then converted and paid', () => {
    exhausts('let i = 0; new Float64Array({ [Symbol.iterator]() { i = 0; return { next() { return i++ < 200 ? { value: o, done: false } : { done: true }; } }; } });');
  });

  it('give the same arrays as before for honest objects, in order', () => {
    const r = run(`const log = []; const v = (n) => ({ valueOf() { log.push(n); return n; } });
      const a = new Float64Array([v(1), v(2)]); const b = Float64Array.from([v(3)]); const c = Uint8Array.of(v(4), 300);
      const d = new Int16Array(2); d.set([v(5)], v(1));
      const e = new Float64Array({ [Symbol.iterator]: () => [v(6), '7'][Symbol.iterator]() });
      return [[...a], [...b], [...c], [...d], [...e], log];`);
    expect(r.value).toEqual([[1, 2], [3], [4, 44], [0, 5], [6, 7], [1, 2, 3, 4, 1, 5, 6]]);
  });

  it('index and value arguments of their methods are converted in the prelude', () => {
    for (const call of ['t1.fill(o);', 't1.with(0, o);', 't1.includes(0, o);', 't1.indexOf(0, o);', 't1.lastIndexOf(0, o);',
      't1.slice(o);', 't1.copyWithin(o);', 't1.set([], o);', 'new DataView(new ArrayBuffer(8), o);',
      'new Uint8Array(new ArrayBuffer(8), o);', 'new ArrayBuffer(8).slice(o);', 'new ArrayBuffer(o);']) {
      exhausts(call);
    }
    paysForObject((v) => `t1.fill(${v});`);
    const r = run(`const t = new Float64Array([1, 2, 3]); const n = { valueOf() { return 1; } };
      return [[...t.slice(n)], [...t.with(n, n)], t.indexOf(2, n), t.includes(1, n), [...new Uint8Array(new ArrayBuffer(4), n)].length,
        new DataView(new ArrayBuffer(4), n).byteLength, [...new Float64Array(2).fill(n)], new Float64Array(0).includes(0, { valueOf() { throw 1; } })];`);
    expect(r.value).toEqual([[2, 3], [1, 1, 3], 1, false, 3, 3, [1, 1], false]);
  });
});

describe('sort comparators', () => {
  it('a comparator result that is an object is converted in the prelude and paid', () => {
    exhausts('ta.sort(() => o);');
    exhausts('ta.toSorted(() => o);');
    exhausts('const a = [1, 2, 3, 4, 5, 6, 7, 8]; a.sort(() => o);');
    exhausts('[1, 2, 3, 4, 5, 6, 7, 8].toSorted(() => o);');
  });

  it('honest comparators sort as before', () => {
    const r = run(`const n = (x) => ({ valueOf() { return x; } });
      return [[3, 1, 2].sort((a, b) => n(a - b)), [...new Float64Array([3, 1, 2]).sort((a, b) => b - a)], [3, 1, 2].toSorted((a, b) => String(a - b)),
        [...new Int8Array([2, 1]).toSorted((a, b) => a > b)], [2, 1].sort()];`);
    expect(r.value).toEqual([[1, 2, 3], [3, 2, 1], [1, 2, 3], [1, 2], [1, 2]]);
    expect(run('return [1, 2].sort(5);').reason).toMatch(/^TypeError/);
  });
});

describe('stores that convert', () => {
  it('Reflect.set, Object.defineProperty, defineProperties and assign into a typed array or an array length are paid', () => {
    exhausts('Reflect.set(t1, 0, o);');
    exhausts('Reflect.set(t1, 0, new String(big));');
    exhausts('Reflect.set({}, 0, o, t1);');
    exhausts('Object.defineProperty(t1, 0, { value: o });');
    exhausts('Reflect.defineProperty(t1, 0, { value: o });');
    exhausts('Object.defineProperties(t1, { 0: { value: o } });');
    exhausts('Object.assign(t1, [o]);');
    exhausts("Reflect.set(a1, 'length', o);");
    exhausts("Object.defineProperty(a1, 'length', { value: o });");
    exhausts("Reflect.set(new Proxy(a1, {}), 'length', o);");
    paysForObject((v) => `Reflect.set(t1, 0, ${v});`);
    paysForObject((v) => `Object.assign(t1, [${v}]);`);
    paysForObject((v) => `Reflect.set(a1, 'length', ${v});`, 2);
  });

  it('store the same values as before', () => {
    const r = run(`const n = { valueOf() { return 7; } }; const t = new Float64Array(2); const a = [1, 2, 3];
      Reflect.set(t, 0, n); Object.defineProperty(t, '1', { value: n, writable: true, enumerable: true, configurable: true });
      Reflect.set(t, 'name', n); Object.defineProperty(a, 'length', { value: { valueOf() { return 2; } } });
      const u = Object.assign(new Uint8Array(3), [n, '8'], { 2: 9 }); const w = Object.defineProperties(new Float64Array(1), { 0: { value: n } });
      const x = []; Reflect.set(x, 0, n); Object.assign(x, { 1: n });
      return [[...t], t.name === n, a.length, [...u], [...w], x[0] === n && x[1] === n, Reflect.set(t, 5, n), Reflect.set(Object.freeze([]), 'length', n)];`);
    expect(r.value).toEqual([[7, 7], true, 2, [7, 8, 9], [7], true, true, false]);
  });
});

describe('strings, regular expressions and arrays', () => {
  it('numeric arguments of string and array methods are converted in the prelude', () => {
    for (const call of ["'abc'.substring(o, o);", "'abc'.substr(o);", "'abc'.slice(o);", "'abc'.startsWith('a', o);",
      "'abc'.endsWith('a', o);", "'abc'.includes('a', o);", "'abc'.lastIndexOf('a', o);", "'a,b'.split(',', o);",
      "'a'.split(/a/, o);", "'abc'.padStart(o);", "'a'.repeat(o);", "parseInt('1', o);", 'Math.abs.apply(null, { length: o });',
      'a1.fill(0, o);', 'a1.slice(o);', 'a1.splice(o, 0);', 'a1.includes(0, o);', 'a1.indexOf(0, o);', 'a1.lastIndexOf(0, o);',
      'a1.copyWithin(o, o, o);', 'a1.flat(o);', 'const b = [1, 2]; b.with(o, 0);']) {
      exhausts(call);
    }
    const r = run(`const n = { valueOf() { return 1; } };
      return ['abc'.slice(n), 'abc'.substring(n), 'abc'.indexOf('c', n), 'abc'.startsWith('b', n), 'a,b,c'.split(',', n), 'a'.padStart({ valueOf() { return 3; } }, '-'),
        parseInt('11', { valueOf() { return 2; } }), [1, 2, 3].slice(n), [1, 2, 3].fill(0, n), [1, [2, [3]]].flat(n), [1, 2].with(n, 5), [1, 2].includes(1, n)];`);
    expect(r.value).toEqual(['bc', 'bc', 2, true, ['a'], '--a', 3, [2, 3], [1, 0, 0], [1, 2, [3]], [1, 5], false]);
  });

  it('a RegExp whose lastIndex is an object has it converted before exec', () => {
    exhausts("const r = /a/g; r.lastIndex = o; r.exec('aaa');");
    exhausts("const r = /a/y; r.lastIndex = o; r.test('aaa');");
    exhausts("const r = /a/g; r.lastIndex = o; [...'aaa'.matchAll(r)];");
    const r = run(`const r = /a/g; r.lastIndex = { valueOf() { return 1; } }; const m = r.exec('aa');
      const s = /a/y; s.lastIndex = { valueOf() { return 1; } }; return [m.index, r.lastIndex, s.test('ba'), [...'aaa'.matchAll(Object.assign(/a/g, { lastIndex: 0 }))].length];`);
    expect(r.value).toEqual([1, 2, true, 3]);
  });
});
