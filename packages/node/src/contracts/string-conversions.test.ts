import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { runBody, type BodyRun } from './test-support.js';
import { GAS } from './gas-schedule.js';

/**
 * Built-ins that write a number as a string (ToString) or a property key (ToPropertyKey) natively:
 * QuickJS takes ~75 us for a denormal (5e-324), and an object argument's own toString may answer one.
 * Unpaid, each ran at 900-6,200 ns per gas; plain metered code runs at ~12-40. The prelude converts
 * such arguments (receivers, callback results, separators...) first and pays as syntax does (dtoaCost).
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SETUP = `const d = 5e-324; const o = {}; const x = {}; const od = { toString() { return d; } };
  const sd = new String('x'); sd.toString = () => d; let s;`;

function run(body: string, gasLimit = 2_000_000): BodyRun {
  return runBody(engine, `${SETUP} ${body}`, gasLimit);
}

/** The exploit in a loop: out of gas at its limit. */
function exhausts(body: string): void {
  const r = run(`for (;;) { ${body} }`, 300_000);
  expect([body, r.status, r.gas]).toEqual([body, 'out-of-gas', 300_000]);
}

/** One call with v a denormal pays at least dtoaDenormal over the same call with a harmless literal of the same length. */
function paysForDenormal(body: string): void {
  const slow = run(`const v = 5e-324; ${body}; return 0;`);
  const fast = run(`const v = 500000; ${body}; return 0;`);
  expect([body, slow.status]).toEqual([body, 'success']);
  expect(slow.gas - fast.gas).toBeGreaterThanOrEqual(GAS.dtoaDenormal);
}

const KEYS = ['Object.hasOwn(o, d);', 'Reflect.get(o, d);', 'o.hasOwnProperty(d);', 'Reflect.has(o, d);',
  'Object.getOwnPropertyDescriptor(o, d);', 'Reflect.getOwnPropertyDescriptor(o, d);',
  'Object.defineProperty(x, d, { value: 1, configurable: true });', 'Reflect.defineProperty(x, d, { value: 1, configurable: true });',
  'Reflect.set(o, d, 1);', 'o.propertyIsEnumerable(d);', 'Reflect.deleteProperty(o, d);', 'o.__lookupGetter__(d);',
  'Object.fromEntries([[d, 1]]);', 'Object.groupBy([1], () => d);', 'Object.hasOwn(o, od);',
  'Object.defineProperty(x, od, { value: 1, configurable: true });', 'Object.fromEntries([[od, 1]]);',
  "Reflect.set(new Float64Array(1), '5e-324', {});"];

const STRINGS = ['Symbol.for(d);', 'Symbol(d);', 'String(d);', 'new String(d);', 'String(od);', "'x'.concat(d);", "'x'.concat(od);",
  "'x'.padEnd(8, d);", "'x'.padStart(8, d);", "'x'.split(d);", "'x'.includes(d);", "'x'.indexOf(d);", "'x'.lastIndexOf(d);",
  "'x'.startsWith(d);", "'x'.endsWith(d);", "'x'.replace(d, 'y');", "'x'.replace('x', d);", "'x'.replaceAll(d, 'y');",
  "'x'.replaceAll('x', d);", "'x'.localeCompare(d);", "'x'.anchor(d);", "'x'.match(d);", "'x'.search(d);", "'x'.matchAll(d);",
  'encodeURIComponent(d);', 'encodeURI(d);', 'decodeURI(d);', 'decodeURIComponent(d);', 'escape(d);', 'unescape(d);',
  'parseFloat(d);', 'parseInt(d);', 'new RegExp(d);', "['x', 'y'].join(d);", 'x.e ??= new Error(1); x.e.name = d; String(x.e);',
  'RegExp.prototype.toString.call({ source: d, flags: d });', 'new Error(d);', 'new AggregateError([], d);'];

const RECEIVERS = ["''.padEnd.call(d, 1);", 'String.prototype.trim.call(d);', 'String.prototype.at.call(d, 0);',
  'String.prototype.charAt.call(d, 0);', 'String.prototype.charCodeAt.call(d, 0);', 'String.prototype.codePointAt.call(d, 0);',
  'String.prototype.slice.call(d);', 'String.prototype.isWellFormed.call(d);', 'String.prototype[Symbol.iterator].call(d);',
  "String.prototype.split.call(d, 'x');", 'String.prototype.trim.call(od);'];

const CALLBACKS_AND_ELEMENTS = ["'aaa'.replace(/a/g, () => d);", "'aaa'.replace('a', () => d);", "'aaa'.replaceAll('a', () => d);",
  "'aaa'.replaceAll(/a/g, () => d);", "'x'.replace(/x/, d);", '/x/.test(d);', '/x/[Symbol.match](d);', '/x/[Symbol.split](d);',
  '/x/[Symbol.search](d);', "/x/[Symbol.replace](d, 'y');", "/x/[Symbol.replace]('x', () => d);", '[od].join();', '[od].toString();',
  '[od].toLocaleString();', '[{ toLocaleString() { return d; } }].toLocaleString();', 'new Float64Array(8).fill(d).join(d);',
  'new Float64Array(8).fill(d).toLocaleString();', 'JSON.stringify(1, null, sd);', 'JSON.stringify([new Number(d)]);',
  'JSON.stringify([sd]);', "class N extends Number { get [Symbol.toStringTag]() { return 'Object'; } } JSON.stringify([new N(d)]);"];

describe('numbers written as strings by built-ins are paid', () => {
  it.each([['keys', KEYS], ['string arguments', STRINGS], ['receivers', RECEIVERS], ['callbacks, elements and JSON', CALLBACKS_AND_ELEMENTS]])(
    '%s: a loop writing a denormal runs out of gas at its limit', (_name, bodies) => {
      for (const body of bodies) exhausts(body);
    });

  it('one conversion pays at least dtoaDenormal over a harmless literal', () => {
    for (const body of ['Object.hasOwn(o, v)', 'Reflect.get(o, v)', 'o.hasOwnProperty(v)', 'Object.fromEntries([[v, 1]])',
      'Object.groupBy([1], () => v)', 'Symbol.for(v)', 'String(v)', "'x'.concat(v)", "'x'.indexOf(v)", "'x'.split(v)",
      "'x'.replace('x', v)", "'aaa'.replace(/a/, () => v)", 'encodeURIComponent(v)', 'new RegExp(v)', "['x', 'y'].join(v)",
      'String.prototype.trim.call(v)', 'String.prototype.at.call(v, 0)', "[{ toString() { return v; } }].join()",
      'new Error(v)', 'const e = new Error(1); e.name = v; String(e)', 'JSON.stringify([new Number(v)])', '[...String.prototype[Symbol.iterator].call(v)]']) {
      paysForDenormal(body);
    }
  });
});

describe('honest results are those of the engine', () => {
  it('keys', () => {
    const r = run(`const k = { toString() { return 'a'; } }; const sym = Symbol('s'); const p = { a: 1, [sym]: 2, 0.5: 3 };
      Object.defineProperty(x, k, { value: 4, enumerable: true }); Reflect.set(x, 1.5, 5);
      return [Object.hasOwn(p, k), Reflect.get(p, sym), p.hasOwnProperty(0.5), Reflect.has(p, 'b'), Object.getOwnPropertyDescriptor(p, 0.5).value,
        Object.keys(x), Object.fromEntries([[k, 1], [0.25, 2], [sym, 3]])[sym], Object.keys(Object.fromEntries([[k, 1], [0.25, 2]])),
        Object.keys(Object.groupBy([1, 2, 3], (n) => n % 2 ? 0.5 : k)), Reflect.deleteProperty(p, 0.5), Object.keys(p)];`);
    expect(r.value).toEqual([true, 2, true, false, 3, ['a', '1.5'], 3, ['a', '0.25'], ['0.5', 'a'], true, ['a']]);
  });

  it('strings, symbols and errors', () => {
    const r = run(`const sym = Symbol('s');
      return [String(0.1), String(sym), new String(1.5).length, Symbol(0.5).description, Symbol.for(0.5) === Symbol.for('0.5'),
        'x'.concat(0.5, null, undefined, { toString() { return 1; } }), 'x'.padEnd(5, 0.5), 'a0.5b'.split(0.5), 'a0.5b'.indexOf(0.5),
        'a0.5b'.includes(0.5), '0.5'.startsWith(0.5), 'a0.5'.endsWith(0.5), 'a0.5'.replace(0.5, 1.5), 'aa'.replaceAll('a', () => 0.5),
        'ab'.replace(/b/, () => ({ toString() { return 'c'; } })), 'x'.localeCompare(undefined), encodeURIComponent(0.5), parseFloat(0.5),
        new RegExp(0.5).source, [1, 2].join(0.5), [1, 2].join(null), [1, 2].join(), String(new TypeError(0.5)), new Error(undefined).message,
        String(Object.assign(new Error('m'), { name: 0.5 })), RegExp.prototype.toString.call({ source: 1, flags: 0.5 }),
        String.prototype.at.call(0.5, 1), [...String.prototype[Symbol.iterator].call(1.5)], String.prototype.trim.call(2.5),
        /5/.test(0.5), 'x'.replace(/x/, 0.5), isNaN({ valueOf() { return 1; }, toString() { return 'x'; } }), escape(0.5), 'ab'.anchor(0.5)];`);
    expect(r.value).toEqual(['0.1', 'Symbol(s)', 3, '0.5', true, 'x0.5nullundefined1', 'x0.50', ['a', 'b'], 1, true, true, true, 'a1.5',
      '0.50.5', 'ac', 3, '0.5', 0.5, '0.5', '10.52', '1null2', '1,2', 'TypeError: 0.5', '', '0.5: m', '/1/0.5', '.', ['1', '.', '5'], '2.5',
      true, '0.5', false, '0.5', '<a name="0.5">ab</a>']);
    // A symbol is refused where the engine refuses it.
    for (const body of ["'x'.concat(Symbol());", "'x'.indexOf(Symbol());",
      "'x'.includes({ toString() { return Symbol(); } });", "'x'.startsWith(/x/);"]) {
      expect([body, run(body).reason]).toEqual([body, expect.stringMatching(/^TypeError/)]);
    }
  });

  it('joins, sorts and JSON', () => {
    const r = run(`const a = [1, 0.5, null, undefined, { toString() { return 'o'; } }, [2, 3]]; a[8] = 'end';
      const n = new Number(0.5); const t = new String('t'); t.toString = () => 'u';
      function F() {} const m = Reflect.construct(Number, [0.25], F); // No valueOf on its chain: NaN, as the engine writes it.
      return [a.join(), a.join('-'), a.toString(), [1.5, { toLocaleString() { return 'L'; } }, null].toLocaleString(),
        new Float64Array([0.5, 1]).join(0.5), new Float64Array([0.5, 1]).toLocaleString(), [{ toString() { return 'b'; } }, 'a'].sort(),
        JSON.stringify([n, t, m, new Boolean(false), {}, new Uint8Array(1)]), JSON.stringify({ a: [1] }, null, new String('--')),
        JSON.stringify({ a: 1 }, null, new Number(2)), JSON.stringify({ a: 1 }, null, {})];`);
    expect(r.value).toEqual(['1,0.5,,,o,2,3,,,end', '1-0.5---o-2,3---end', '1,0.5,,,o,2,3,,,end', '1.5,L,', '0.50.51', '0.5,1', ['a', { }],
      '[0.5,"u",null,false,{},{"0":0}]', '{\n--"a": [\n----1\n--]\n}', '{\n  "a": 1\n}', '{"a":1}']);
  });

  it('a symbol where a built-in takes a string is a TypeError, as ToString makes it (the receiver was written as "Symbol()")', () => {
    const r = run(`const y = Symbol(); const out = [];
      for (const f of [() => String.prototype.trim.call(y), () => String.prototype.toUpperCase.call(y), () => 'a'.concat(y), () => JSON.parse(y), () => new RegExp(y)]) {
        try { out.push(f()); } catch (e) { out.push(e instanceof TypeError); }
      }
      return [out, String(y), [y].toString === undefined];`);
    expect(r.value).toEqual([[true, true, true, true, true], 'Symbol()', false]);
  });
});
