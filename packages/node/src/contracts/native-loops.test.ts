import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { runBody, type BodyRun } from './test-support.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

/**
 * Built-ins that loop natively over what a contract hands them, found by a sweep of every reachable
 * built-in: each must stop, and pay per step, whatever the contract's iterators, sizes or patterns do.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

function run(body: string, gasLimit = 5_000_000): BodyRun {
  return runBody(engine, body, gasLimit);
}

describe('native loops over contract objects', () => {
  it('a Set method ends whatever next() the Set iterator prototype is given (a never-done next held the node forever)', () => {
    const r = run('const s = new Set([1]); Object.getPrototypeOf(s.keys()).next = Object.prototype.valueOf; const u = new Set([2]).union(s); return [u.size, u.has(1)];');
    expect([r.status, r.value]).toEqual(['success', [2, true]]);
  });

  it('Set methods take only a Set or a Map: a set-like with its own size and keys() walked a million steps for one call', () => {
    const r = run(`const AV = Array.prototype.values;
      const like = { size: 0, has: () => false, keys: () => AV.call({ length: 1e6 }) };
      return new Set([1]).union(like).size;`);
    expect([r.status, r.reason]).toEqual(['reverted', 'TypeError: Set methods take a Set or a Map in contracts']);
    const map = run('return [...new Set([1]).union(new Map([[2, 0], [3, 0]]))];');
    expect(map.value).toEqual([1, 2, 3]);
  });

  it('AggregateError drains its errors under metering: a never-done iterator runs out of gas', () => {
    const r = run('const it = { next: Object.prototype.valueOf }; return new AggregateError({ [Symbol.iterator]: () => it }).errors.length;', 2_000_000);
    expect([r.status, r.gas]).toEqual(['out-of-gas', 2_000_000]);
    expect(run("return new AggregateError([1, 2], 'm').errors.length;").value).toBe(2);
  });

  it('Set.groupBy, which drained an iterable natively, is gone', () => {
    expect(run('return typeof Set.groupBy;').value).toBe('undefined');
  });
});

describe('patterns compiled from strings', () => {
  const refused = 'SyntaxError: back-references are not supported in contracts';

  it('a pattern that is not a RegExp is compiled by the metered constructor in match, matchAll and search', () => {
    expect(run("return 'aaaa'.search(new String('^(a*)\\\\1$'));").reason).toBe(refused);
    expect(run("return 'aaaa'.match({ toString() { return '(a)\\\\1'; } });").reason).toBe(refused);
    expect(run("return [...'aaaa'.matchAll(new String('(a)\\\\1'))].length;").reason).toBe(refused);
    expect(run("return new RegExp('(a)\\\\1').source;").reason).toBe(refused);
    // As before for everything else: a RegExp, a string, its own Symbol.search, null and undefined.
    expect(run("return ['xab'.search(/a/), 'xab'.search('b'), 'xab'.search({ [Symbol.search]: () => 7 }), 'anull'.search(null), 'ab'.match(undefined)[0], [...'aXa'.matchAll('a')].length];").value)
      .toEqual([1, 2, 7, 1, '', 2]);
    expect(run("return 'a'.matchAll(/a/);").reason).toBe('TypeError: String.prototype.matchAll called with a non-global RegExp argument');
  });
});

describe('strings and numbers built-ins make from contract objects', () => {
  const gasOf = (body: string, arg: string): number => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function f(on) { ${body} }`, 'alice');
    const on = chain.call('c', 'f', [arg], 'alice', 0n, 5_000_000);
    const off = chain.call('c', 'f', [''], 'alice', 0n, 5_000_000);
    expect([on.status, off.status]).toEqual(['success', 'success']);
    return on.gasUsed - off.gasUsed;
  };

  it('an object converted to a number pays for the string its valueOf hands back, as a string operand does', () => {
    // 4,096 digits: ~1,500 ns per gas when the object's string was converted unpaid.
    const digits = '1'.repeat(4_096);
    for (const use of ['Number(o)', 'Math.abs(o)', "'abc'.at(o)", 'isNaN(o)']) {
      const extra = gasOf(`const o = new String(on ? '${digits}' : '1'); return typeof ${use};`, 'x');
      expect([use, extra >= (4_096 - 64) * GAS.toNumberPerChar - 64]).toEqual([use, true]);
    }
  });

  it('Error.prototype.toString cannot double a string past the cap', () => {
    const r = run("let r = 'x'.repeat(4000); const T = Error.prototype.toString; for (let i = 0; i < 8; i++) { r = T.call({ name: r, message: r }); } return r.length;", 2_000_000);
    expect([r.status, r.gas]).toEqual(['out-of-gas', 2_000_000]);
  });

  it('RegExp.prototype[Symbol.replace] called directly pays for its input and caps its result, as String.prototype.replace does', () => {
    const r = run("const rx = /(?:)/g; return rx[Symbol.replace]('x'.repeat(40), '$`'.repeat(2048)).length;", 2_000_000);
    expect([r.status, r.gas]).toEqual(['out-of-gas', 2_000_000]);
    expect(run("return /b/g[Symbol.replace]('abcb', '[$&]');").value).toBe('a[b]c[b]');
  });

  it('a string search pays for its naive comparisons: (n - m + 1) * m per GAS.searchComparisonsPerGas', () => {
    const n = 4_096;
    const m = 2_048;
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function f(m) { const s = 'a'.repeat(${n}); const t = 'a'.repeat(m - 1) + 'b'; return s.indexOf(t); }`, 'alice');
    const long = chain.call('c', 'f', [m], 'alice', 0n, 5_000_000).gasUsed;
    const short = chain.call('c', 'f', [1], 'alice', 0n, 5_000_000).gasUsed;
    expect(long - short).toBeGreaterThanOrEqual(Math.ceil(((n - m + 1) * m) / GAS.searchComparisonsPerGas));
  });
});

describe('a third review: internal arrays, RegExp receivers, search strings', () => {
  it('an index setter on Array.prototype never sees an array the prelude hands to a native', () => {
    const r = run(`let cap = null;
      Object.defineProperty(Array.prototype, '0', { configurable: true, set(v) { cap = this;
        Object.defineProperty(this, '0', { configurable: true, enumerable: true, writable: true, value: v });
        Object.defineProperty(this, '1', { configurable: true, enumerable: true, get() { cap.length = 4294967295; return 7; } }); } });
      const u = new Set([2]).union(new Set([1]));
      return [u.size, cap === null];`);
    expect([r.status, r.value]).toEqual(['success', [2, true]]);
  });

  it.each([
    ['new Set', 'Set.prototype.add = Object.prototype.valueOf; return new Set(a).size;'],
    ['new WeakMap', 'try { new WeakMap(a); } catch (e) { return String(e); }'],
    ['Array.from', 'return Array.from(a).length;'],
    ['a typed array', 'return new Uint8Array(a).length;'],
  ])('%s copies a contract array once: an element getter lengthening it cannot lengthen the native loop', (_what, use) => {
    const r = run(`const a = [1]; let reads = 0;
      Object.defineProperty(a, 0, { get() { reads++; a.length = 4294967295; return 1; } });
      ${use}`);
    expect(r.status === 'success' || r.status === 'reverted').toBe(true);
    expect(r.gas).toBeLessThan(1_000_000);
  });

  it('RegExp methods take a plain RegExp: a replaced exec, an own flags or a look-alike is refused', () => {
    const refused = 'TypeError: a RegExp with properties of its own is not supported by this method in contracts';
    expect(run("const rx = /a/g; rx.exec = Object.prototype.valueOf; return 'abc'.match(rx).length;").reason).toBe("TypeError: 'exec' is read-only");
    expect(run("const rx = /a/g; Object.defineProperty(rx, 'exec', { value: Object.prototype.valueOf }); return 'abc'.match(rx).length;").reason).toBe(refused);
    expect(run("const rx = /a/g; Object.defineProperty(rx, 'flags', { value: 'u' }); return rx[Symbol.split]('a').length;").reason).toBe(refused);
    expect(run("const o = { [Symbol.match]: true, source: '(a)\\\\1', flags: 'g', constructor: undefined }; return RegExp.prototype[Symbol.split].call(o, 'xaay');").reason)
      .toBe('TypeError: RegExp methods take a RegExp in contracts');
    expect(run("RegExp.prototype.exec = Object.prototype.valueOf; return 1;").reason).toBe("TypeError: 'exec' is read-only");
    expect(run("return ['abcb'.match(/b/g).length, 'a-b'.split(/-/).length, 'abc'.replace(/b/, 'x'), 'abc'.search(/c/)];").value).toEqual([2, 2, 'axc', 2]);
  });

  it('a search string that is an object is converted once and its search paid, whatever its Symbol.match says', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function f(m) { const s = 'a'.repeat(4096); const needle = 'a'.repeat(m - 1) + 'b';
      const o = { [Symbol.match]: 1, toString() { return needle; } }; return s.indexOf(o) + s.lastIndexOf(o); }`, 'alice');
    const long = chain.call('c', 'f', [2048], 'alice', 0n, 5_000_000).gasUsed;
    const short = chain.call('c', 'f', [1], 'alice', 0n, 5_000_000).gasUsed;
    expect(long - short).toBeGreaterThanOrEqual(2 * Math.ceil(((4096 - 2048 + 1) * 2048) / GAS.searchComparisonsPerGas));
    expect(run("return 'abc'.includes({ [Symbol.match]: false, toString() { return 'b'; } });").value).toBe(true);
    expect(run("return 'abc'.includes(/b/);").reason).toBe('TypeError: First argument to String.prototype.includes must not be a regular expression');
  });
});

describe('a fourth review: concat, the typed arrays\' parent, getOrInsert, numbers written as strings', () => {
  it('concat reads each length once, before contract code can lengthen an argument (it walked 2^32 - 1 indexes natively)', () => {
    const getter = run(`const b = [1, 2]; const a = [];
      Object.defineProperty(a, 0, { get() { b.length = 4294967295; return 1; }, enumerable: true, configurable: true });
      return a.concat(b, b).length;`);
    expect([getter.status, getter.value]).toEqual(['success', 5]);
    const spreadable = run(`const b = [1, 2];
      Object.defineProperty(Array.prototype, Symbol.isConcatSpreadable, { get() { this.length = 4294967295; return true; }, configurable: true });
      return [0].concat(b).length;`);
    expect([spreadable.status, spreadable.value]).toEqual(['success', 3]);
    expect(run("const a = [1, , 3]; const r = a.concat([4], 5, 'x'); return [r.length, 1 in r, r[3], r[4], r[5]];").value).toEqual([6, false, 4, 5, 'x']);
  });

  it('the typed arrays\' shared from drains under metering: a never-done iterator runs out of gas', () => {
    const r = run(`const TA = Object.getPrototypeOf(Uint8Array);
      const it = { [Symbol.iterator]() { return this; }, next: Object.prototype.valueOf };
      return TA.from.call(Uint8Array, it).length;`, 2_000_000);
    expect([r.status, r.gas]).toEqual(['out-of-gas', 2_000_000]);
    expect(run('return Object.getPrototypeOf(Uint8Array).from.call(Uint8Array, [1, 2, 3]).length;').value).toBe(3);
  });

  it('Map getOrInsert pays for a long string key as get does', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', "export function f(k) { const m = new Map(); m.getOrInsert(k, 1); m.getOrInsertComputed(k, () => 2); return m.get(k); }", 'alice');
    const long = chain.call('c', 'f', ['ab'.repeat(2048)], 'alice', 0n, 5_000_000);
    const short = chain.call('c', 'f', ['ab'], 'alice', 0n, 5_000_000);
    expect(long.returnValue).toBe(1);
    expect(long.gasUsed - short.gasUsed).toBeGreaterThanOrEqual(3 * Math.ceil(4096 / GAS.charsPerGas));
  });

  it('join pays for each double it writes: a denormal costs GAS.dtoaDenormal', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', 'export function f(v) { return Array(500).fill(v).join().length > 0; }', 'alice');
    const denormal = chain.call('c', 'f', [5e-324], 'alice', 0n, 50_000_000);
    const integer = chain.call('c', 'f', [1], 'alice', 0n, 50_000_000);
    expect(denormal.gasUsed - integer.gasUsed).toBeGreaterThanOrEqual(500 * GAS.dtoaDenormal);
  });
});

describe('a fifth review: long literal patterns', () => {
  it('each exec pays the input length times the pattern length: 4,000 literal characters ran at ~40,000-75,000 ns per gas', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', "export function f(m, flags) { const p = new RegExp('a'.repeat(m) + 'b', flags); return p.test('a'.repeat(4096)); }", 'alice');
    const gas = (m: number, flags: string): number => chain.call('c', 'f', [m, flags], 'alice', 0n, 50_000_000).gasUsed;
    expect(gas(4000, '') - gas(1, '')).toBeGreaterThanOrEqual(Math.ceil((4096 * 4000) / GAS.searchComparisonsPerGas) - 4096);
    expect(gas(4000, 'i') - gas(4000, '')).toBeGreaterThanOrEqual(Math.ceil((4096 * 4001) / GAS.searchComparisonsPerGas));
    // The reviewed attack, 100,000 tests at a 2M-gas limit, now ends out of gas within a few calls.
    const attack = run("const p = new RegExp('a'.repeat(4000) + 'b'); const s = 'a'.repeat(4096); let c = 0; for (let i = 0; i < 100000; i++) if (p.test(s)) c++; return c;", 2_000_000);
    expect([attack.status, attack.gas]).toEqual(['out-of-gas', 2_000_000]);
  });
});

describe('a sixth review: arrays lengthened while measured, class escapes', () => {
  it.each([
    ['join', "return a.join('').length;"],
    ['sort', 'return a.sort().length;'],
  ])('%s refuses an array a getter lengthened while the wrapper read it (the native walked 2^32 - 1 indexes)', (_name, use) => {
    const r = run(`const a = []; a.length = 1; let once = false;
      Object.defineProperty(Array.prototype, '0', { get() { if (!once) { once = true; a.length = 2 ** 32 - 1; } return undefined; }, configurable: true });
      ${use}`);
    expect([r.status, r.reason]).toEqual(['reverted', 'TypeError: the array changed length while it was measured']);
  });

  it('a pattern compiled at run time pays GAS.regexClassEscape per \\s \\S \\w \\W \\d \\D', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', "export function f(e) { return new RegExp(e.repeat(2000)).source.length; }", 'alice');
    const gas = (e: string): number => chain.call('c', 'f', [e], 'alice', 0n, 50_000_000).gasUsed;
    // Each is also a part the prelude's scan stops at (GAS.regexPart); an escape that builds nothing is not.
    expect(gas('\\S') - gas('\\.')).toBe(2000 * (GAS.regexClassEscape + GAS.regexPart));
  });
});

describe('joins past the string cap', () => {
  it('end out of gas as a made string past the cap does (now before the native builds one), and a separator object is converted once', () => {
    const r = run("const s = 'x'.repeat(4096); return new Array(7000).fill(s).join('').length;", 2_000_000);
    expect([r.status, r.gas]).toEqual(['out-of-gas', 2_000_000]);
    expect(run("return ['ab', 1.5, 'c'].join({ toString() { return '-'; } });").value).toBe('ab-1.5-c');
  });
});
