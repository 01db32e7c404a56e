import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { runBody, type BodyRun } from './test-support.js';
import { GAS } from './gas-schedule.js';
import { prepareContract } from './instrument.js';

/**
 * Conversions the engine makes for operators and syntax, where no built-in wrapper stands: a number
 * written as a string (QuickJS takes ~75 us for a denormal), and an object turned into a number whose
 * valueOf hands back a 4,096-digit string (~90 us to parse). Each ran at 1,300-5,400 ns per gas before it
 * was paid for; plain metered code runs at ~12-40.
 */
let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SETUP = "const big = '1'.repeat(4096); const o = { valueOf() { return big; } }; const ta = new Float64Array(4); let n = 0; let s;";

function run(body: string, gasLimit = 2_000_000): BodyRun {
  return runBody(engine, `${SETUP} ${body}`, gasLimit);
}

/**
 * Gas of `op` with `v` bound to `slow` over the same with `fast`: two sources of one length, so the
 * code itself costs the same (its cold-code price is by length), and both return n.
 */
function extra(op: string, slow: string, fast: string): number {
  expect(slow.length).toBe(fast.length);
  return run(`const v = ${slow}; ${op}; return n;`).gas - run(`const v = ${fast}; ${op}; return n;`).gas;
}

function refusal(source: string): string {
  try {
    prepareContract(source);
    return 'accepted';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('numbers written as strings by syntax pay for a slow conversion', () => {
  it.each([
    ['concatenation', "s = '' + v"],
    ['a template', 's = `${v}`'],
    ['a computed key', 'const k = {}; k[v] = 1'],
    ['+= onto a string', "s = 'x'; s += v"],
    ['+= of a string onto the number', "s = v; s += 'x'"],
    ['in', 's = v in o'],
  ])('%s of a denormal pays dtoaDenormal', (_name, op) => {
    expect(extra(op, '5e-324', '500000')).toBeGreaterThanOrEqual(GAS.dtoaDenormal);
    expect(extra(op, '5e-324', '500000')).toBeLessThan(GAS.dtoaDenormal + 100);
  });

  it('a loop writing denormals runs out of gas at its limit (it ran at ~3,700 ns per gas)', () => {
    expect(run("const v = 5e-324; for (;;) { s = '' + v; }").status).toBe('out-of-gas');
    expect(run('const v = 2.5e-320; for (;;) { s = `${v}`; }').status).toBe('out-of-gas');
  });

  it('a double reaching + pays as written (a 17-digit one takes ~3-13 us), and results are those of the engine', () => {
    expect(extra('s = v + 2', '0.1', '100')).toBe(GAS.dtoaDouble);
    expect(run("return [0.1 + 0.2, '' + 0.5, `${1e300}`, 1 + 2 + 'a', 'a' + 1 + 2, `${-0}`, '' + 5e-324];").value)
      .toEqual([0.30000000000000004, '0.5', '1e+300', '3a', 'a12', '0', '5e-324']);
    expect(run('const k = {}; k[0.5] = 1; k[5e-324] = 2; k[-1] = 3; return Object.keys(k);').value).toEqual(['0.5', '5e-324', '-1']);
  });

  it('an object is converted where it is an operand, with the hint the engine would use, and its number paid', () => {
    const r = run(`const d = { valueOf() { return 5e-324; }, toString() { return 'str'; } };
      const p = { [Symbol.toPrimitive](hint) { return hint; } };
      return ['' + d, \`\${d}\`, ({ str: 1 })[d], '' + p, \`\${p}\`, [1] + [2], '' + null];`);
    expect(r.value).toEqual(['5e-324', 'str', 1, 'default', 'string', '12', 'null']);
    const d = '{ valueOf() { return 5e-324; } }';
    expect(extra("s = '' + v", d, `[${' '.repeat(d.length - 2)}]`)).toBeGreaterThanOrEqual(GAS.dtoaDenormal);
  });

  it('a long computed key pays by its length', () => {
    const repeat = (n: string) => extra('o[v] = 1', `'k'.repeat(${n})`, "'k'.repeat(10.0)");
    expect(repeat('4096')).toBeGreaterThanOrEqual(4096 / GAS.charsPerGas);
    expect(repeat('64.0')).toBeLessThan(30);
  });
});

describe('objects converted to numbers by syntax are paid as object operands', () => {
  it('loose equality with a primitive (it ran at ~2,400 ns per gas)', () => {
    expect(extra('if (v == 5) n++', 'o', '5')).toBeGreaterThanOrEqual(GAS.objectOperand);
    expect(run('for (;;) { if (o == 5) n++; }').status).toBe('out-of-gas');
    expect(run("const w = { valueOf() { return '5'; } }; return [w == 5, w != 5, 5 == w, null == undefined, w == null, w == w];").value)
      .toEqual([true, false, true, true, false, true]);
  });

  it('a typed array element stored from an object (~3,200 ns per gas), by assignment, += and for-of', () => {
    expect(extra('ta[0] = v', 'o', '5')).toBeGreaterThanOrEqual(GAS.objectOperand);
    expect(extra('ta[0] += v', 'big', "'5'")).toBeGreaterThanOrEqual(4096 * GAS.toNumberPerChar);
    expect(extra('for (ta[0] of [v]) n++', 'o', '5')).toBeGreaterThanOrEqual(GAS.objectOperand);
    expect(extra('ta[n] = v', 'new String(big)', `${' '.repeat(14)}5`)).toBeGreaterThanOrEqual(GAS.objectOperand);
    expect(run('for (;;) { ta[0] = o; }').status).toBe('out-of-gas');
    // A plain array stores the object as it is, unpaid; the typed array stores its number.
    expect(extra('const a = []; a[0] = v', 'o', '5')).toBe(0);
    expect(run("const w = { valueOf() { return '7'; } }; ta[1] = w; ta[2] ||= w; ta[3] += 2; const a = [w]; return [ta[1], ta[2], ta[3], a[0] === w];").value)
      .toEqual([7, 7, 2, true]);
  });

  it("an array's length stored from an object is paid twice, by name or by a computed key, and through a proxy", () => {
    const z = "{ valueOf() { return '0'.repeat(4095) + '1'; } }";
    const plain = `${' '.repeat(z.length - 1)}1`;
    expect(extra('const a = [1]; a.length = v', z, plain)).toBeGreaterThanOrEqual(2 * GAS.objectOperand);
    expect(extra("const a = new Proxy([1], {}); a.length = v", z, plain)).toBeGreaterThanOrEqual(2 * GAS.objectOperand);
    expect(run("const a = [1, 2, 3]; const k = 'length'; for (;;) { a[k] = 1; }").status).toBe('out-of-gas');
    expect(extra("const a = [1]; const k = 'length'; a[k] = 1", '1', '1')).toBe(0);
    expect(run("const a = [1, 2, 3]; a.length = 1; const k = 'length'; a[k] = { valueOf() { return 2; } }; return [a.length, 1 in a];").value).toEqual([2, false]);
  });

  it('a typed array cannot be reached through a proxy, a subclass field or super', () => {
    expect(run('new Proxy(ta, {});').reason).toBe('TypeError: proxies of typed arrays are not supported in contracts');
    const head = 'export function f() { const o = {}; ';
    const field = 'bad-contract-source: instance fields with computed or numeric names are not supported in contracts';
    expect(refusal(`${head} class X extends Float64Array { 0 = o; } }`)).toBe(field);
    expect(refusal(`${head} class X extends Float64Array { '1' = o; } }`)).toBe(field);
    expect(refusal(`${head} const k = 'a'; class X { [k] = o; } }`)).toBe(field);
    const superStore = 'bad-contract-source: assigning to super[...], super.length, super.NaN or super.Infinity is not supported in contracts';
    expect(refusal(`${head} class X extends Float64Array { m() { super[0] = o; } } }`)).toBe(superStore);
    expect(refusal(`${head} class X extends Float64Array { m() { for (super[0] of [o]); } } }`)).toBe(superStore);
    expect(refusal(`${head} class X extends Float64Array { m() { for (super[0] in o); } } }`)).toBe(superStore);
    expect(refusal(`${head} class X extends Array { m() { super.length = o; } } }`)).toBe(superStore);
    expect(refusal(`${head} class X extends Array { m() { ({ a: super.length } = o); } } }`)).toBe(superStore);
    // Named fields, static ones and super's named members are as they were.
    expect(refusal(`${head} class X { a = 1; 'b-c' = 2; static [Symbol.iterator] = 3; m() { super.x = 1; } } }`)).toBe('accepted');
  });

  it('stores the first checks missed: NaN and Infinity keys, a literal length key, destructuring targets', () => {
    const z = "{ valueOf() { return '0'.repeat(4095) + '1'; } }";
    const plain = `${' '.repeat(z.length - 1)}1`;
    for (const op of ['ta.NaN = v', 'ta.Infinity = v', 'for (ta.NaN of [v]) n++', '({ x: ta[0] } = { x: v })', '({ x: ta[0] = v } = {})', 'for ({ x: ta[0] } of [{ x: v }]) n++']) {
      expect([op, extra(op, z, plain) >= GAS.objectOperand]).toEqual([op, true]);
    }
    for (const op of ["const a = [1]; a['length'] = v", 'const a = [1]; ({ x: a.length } = { x: v })']) {
      expect([op, extra(op, z, plain) >= 2 * GAS.objectOperand]).toEqual([op, true]);
    }
    expect(run("const w = { valueOf() { return '5'; } }; ({ x: ta[0], y: ta[1] = w } = { x: w }); const a = [1, 2, 3]; a['length'] = 1; return [ta[0], ta[1], a];").value)
      .toEqual([5, 5, [1]]);
  });

  it('a global read by a check and again by the operator is read once (a getter could answer each differently)', () => {
    const r = run(`let c = 0; Object.defineProperty(globalThis, 'gx', { get() { return c++ === 0 ? 'a' : 5e-324; } });
      const t = '' + gx; const k = {}; k[gx] = 1; return [t, c, Object.keys(k)];`);
    expect(r.value).toEqual(['a', 2, ['5e-324']]);
  });

  it('+= converts an object target once and pays for an old value written slowly', () => {
    expect(run("let c = 0; let x = { valueOf() { c++; return 1; } }; x += ''; return [x, c];").value).toEqual(['1', 1]);
    expect(extra("const h = { p: v }; h.p += ''", '5e-324', '500000')).toBeGreaterThanOrEqual(GAS.dtoaDenormal);
    expect(extra("const h = [v]; h[0] += ''", '5e-324', '500000')).toBeGreaterThanOrEqual(GAS.dtoaDenormal);
  });

  it('for-in pays for the keys of the whole prototype chain (5,000 inherited keys ran at ~45,000 ns per gas)', () => {
    const inherited = run("const p = {}; for (let i = 0; i < 5000; i++) p['k' + i] = 1; const q = Object.create(p); for (const x in q) n++; return n;", 50_000_000);
    const own = run("const p = {}; for (let i = 0; i < 5000; i++) p['k' + i] = 1; const q = Object.create(null); for (const x in q) n++; return n;", 50_000_000);
    expect(inherited.value).toBe(5000);
    expect(inherited.gas - own.gas).toBeGreaterThanOrEqual(5000 * GAS.perKey);
    expect(run('const q = Object.create(Object.create({ a: 1, b: 2 })); for (const x in q) n++; return n;').value).toBe(2);
  });

  it('numeric property names QuickJS writes slowly are refused at deploy', () => {
    expect(refusal('export function f() { return { 5e-324: 1 }; }')).toBe('bad-contract-source: numeric property names must be safe integers or plain decimals');
    expect(refusal('export function f() { return { 1.2345678901234567e300: 1 }; }')).toBe('bad-contract-source: numeric property names must be safe integers or plain decimals');
    expect(refusal('export function f() { return { 0: 1, 1.5: 2, 123456789: 3 }; }')).toBe('accepted');
  });

  it('a member update reads its property once: a getter answering 1 to a check and a slow value to the operator pays for what the operator got', () => {
    // Each getter alternates; every other update reads the slow value, once, and pays for it (the check
    // and the operator read it separately before: ~900 ns per gas for += '').
    const getter = (slow: string): string => `let c = 0; const g = { get p() { return (c++ & 1) ? ${slow} : 1; }, set p(x) { n++; } };`;
    const slowNumber = '{ valueOf() { return big; } }';
    const plain = (op: string, slow: string): number =>
      run(`${getter(slow)} for (let i = 0; i < 10; i++) ${op}; return n;`).gas - run(`${getter('1')} for (let i = 0; i < 10; i++) ${op}; return n;`).gas;
    expect(plain('g.p++', slowNumber)).toBeGreaterThanOrEqual(5 * GAS.objectOperand);
    expect(plain("g['p'] -= 1", slowNumber)).toBeGreaterThanOrEqual(5 * GAS.objectOperand);
    expect(plain("g.p += ''", '5e-324')).toBeGreaterThanOrEqual(5 * GAS.dtoaDenormal);
    const reads = run("let r = 0; const g = { get p() { r++; return 1; }, set p(x) { n = x; } }; g.p++; --g.p; g.p *= 5; g['p'] += 'x'; return [r, n];");
    expect(reads.value).toEqual([4, '1x']);
  });

  it('member updates keep the language: results, order of evaluation, objects converted once, failures', () => {
    expect(run('const h = { p: 1 }; const a = h.p++; const b = ++h.p; const c = h.p--; const d = --h.p; return [a, b, c, d, h.p];').value).toEqual([1, 3, 3, 1, 1]);
    expect(run("const h = { p: '5', q: '7' }; const a = h.p++; h.q -= 2; return [a, h.p, h.q];").value).toEqual([5, 6, 5]);
    expect(run('let c = 0; const h = { p: { valueOf() { c++; return 2; } } }; h.p *= 3; const w = { p: { valueOf() { c++; return 4; } } }; w.p++; return [h.p, w.p, c];').value)
      .toEqual([6, 5, 2]);
    const order = run(`const log = []; const g = { get p() { log.push('get'); return 1; }, set p(x) { log.push('set ' + x); } };
      const obj = () => { log.push('obj'); return g; }; const key = () => { log.push('key'); return 'p'; };
      obj()[key()] += (log.push('rhs'), 2); obj()[key()]++; return log;`);
    expect(order.value).toEqual(['obj', 'key', 'get', 'rhs', 'set 3', 'obj', 'key', 'get', 'set 2']);
    expect(run('const h = { p: 1 }, q = { r: 10 }; h.p += (q.r += 5); h.p -= q.r--; return [h.p, q.r];').value).toEqual([1, 14]);
    // A right side that throws leaves nothing behind for the next update.
    expect(run('const h = { p: 1 }, q = { r: 2 }; try { h.p += (() => { throw 1; })(); } catch (e) { n++; } q.r -= 1; h.p *= 7; return [h.p, q.r, n];').value)
      .toEqual([7, 1, 1]);
    expect(run("const h = { p: 1 }; (h).p++; ++(h.p); (h.p) += 1; (h)['p'] -= 10; const a = [1, 2, 3]; a.length -= 1; const x = {}; x[0.5] = 1; x[0.5]++; return [h.p, a, x['0.5']];").value)
      .toEqual([-6, [1, 2], 2]);
    expect(run('ta[0] += 1.5; ta[1]++; ta[2] -= o; return [ta[0], ta[1], ta[2] < 0];').value).toEqual([1.5, 1, true]);
    expect(run("const f = Object.freeze({ p: 1 }); const m = []; for (const t of [() => f.p++, () => { f.p += 1; }, () => { let z = null; z.p--; }]) { try { t(); m.push('no'); } catch (e) { m.push(e instanceof TypeError); } } return [m, f.p];").value)
      .toEqual([[true, true, true], 1]);
  });

  it("an update inside another's right side that throws is not taken for the outer one: each writes its own object", () => {
    expect(run('const a = { p: 1 }, b = { q: 100 }; function g() { try { b.q -= (() => { throw 0; })(); } catch (e) { n++; } return 5; } a.p += g(); a.p *= g(); return [a.p, b.q, n];').value)
      .toEqual([30, 100, 2]);
    // The stale slot was a typed array's, so the outer result, a 4,096-digit string, went into it unpaid (~260 ns per gas).
    const r = run(`const S = '1'.repeat(4095); const a = { p: S }; function t() { throw 0; } function g() { try { ta[0] -= t(); } catch (e) { n++; } return '1'; }
      a.p += g(); return [ta[0], a.p.length, n];`);
    expect(r.value).toEqual([0, 4096, 1]);
  });

  it('super and private members are updated with one read, paid; an object other than this, super or a variable is refused', () => {
    const privateField = (slow: string): string => `class A { #p = 0; run() { for (let i = 0; i < 10; i++) { this.#p = ${slow}; this.#p++; } return this.#p; } } return new A().run();`;
    expect(run(privateField('o')).gas - run(privateField('1')).gas).toBeGreaterThanOrEqual(10 * GAS.objectOperand);
    const accessor = (slow: string): string => `let c = 0; class A { get #p() { return (c++ & 1) ? ${slow} : 1; } set #p(x) { n++; } run() { for (let i = 0; i < 10; i++) this.#p -= 1; return [c, n]; } } return new A().run();`;
    const slowAccessor = run(accessor('o'));
    expect(slowAccessor.value).toEqual([10, 10]);
    expect(slowAccessor.gas - run(accessor('1')).gas).toBeGreaterThanOrEqual(5 * GAS.objectOperand);
    const viaSuper = (slow: string): string => `let c = 0; class B { get p() { return (c++ & 1) ? ${slow} : 1; } set p(x) { n++; } } class C extends B { run() { for (let i = 0; i < 10; i++) super.p += ''; return [c, n]; } } return new C().run();`;
    expect(run(viaSuper('5e-324')).gas - run(viaSuper('1.5e-32')).gas).toBeGreaterThanOrEqual(5 * (GAS.dtoaDenormal - GAS.dtoaDouble));
    expect(run(`class A { #p = 1; #q = '5'; run(o) { const a = this.#p++; const b = ++this.#p; const c = --o.#p; this.#q -= 1; o.#q += 'x'; return [a, b, c, this.#p, this.#q]; } }
      const x = new A(); return x.run(x);`).value).toEqual([1, 3, 2, 2, '4x']);
    // A postfix update names its object again after the getter ran, which could point a variable elsewhere.
    expect(refusal('class A { #p = 0; f(o) { return o.#p++; } } export function f() {}')).toBe('bad-contract-source: o.#p++ and o.#p-- need this before #p; write ++o.#p, or o.#p += 1');
    expect(run(`let w; class C { #v = 1; get #p() { w = D; return this.#v; } set #p(x) { this.#v = x; }
      static run() { w = A; ++w.#p; w = A; w.#p += 1; return [A.#v, D.#v]; } } const A = new C(), D = new C(); return C.run();`).value).toEqual([3, 1]);
    expect(run("class B { get p() { return this.q ?? 1; } set p(v) { this.q = v; } } class C extends B { run() { const a = super.p++; super.p *= 5; return [a, this.q]; } } return new C().run();").value)
      .toEqual([1, 10]);
    const refused = 'bad-contract-source: ++, -- and compound assignment of a private member need this or a variable before it, and of super a name: write o.#p = o.#p + 1';
    expect(refusal('class A { #p = 0; f() { return this; } g() { this.f().#p++; } } export function f() {}')).toBe(refused);
    expect(refusal('class B {} class C extends B { g(k) { super[k]++; } } export function f() {}')).toBe(refused);
  });

  it("a member's += is capped before its setter runs (a setter that kept the value and threw skipped the cap)", () => {
    const r = run(`let t = 'x'.repeat(4096); const h = { get p() { return t; }, set p(v) { t = v; throw 0; } };
      for (let i = 0; i < 12; i++) { try { h.p += t; } catch (e) { n++; } } return [t.length, n];`, 50_000_000);
    // Past the string cap the call ends out of gas, as any concatenation does (it returned a 16,777,216-character string).
    expect([r.status, r.value]).toEqual(['out-of-gas', undefined]);
  });

  it('a statement the parser ended at a line break stays ended when the next one starts with an instrumented (', () => {
    expect(run("let a; const b = 1; const h = { p: 0 };\na = b\n++h.p + 'c'\nreturn [a, h.p];").value).toEqual([1, 1]);
  });
});
