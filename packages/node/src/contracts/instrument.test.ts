import { describe, expect, it } from 'vitest';
import { prepareContract } from './instrument.js';

describe('prepareContract', () => {
  it('lists exported functions and charges function entries and loop iterations', () => {
    const prepared = prepareContract(`const x = 1;
      export function a() { for (let i = 0; i < 3; i++) {} }
      export function b() { return [1].map((v) => ({ v })); }`);
    expect(prepared.exports).toEqual(['a', 'b']);
    expect(prepared.code).not.toContain('export ');
    expect(prepared.code.match(/__hc_g -= /g)?.length).toBe(5);
  });

  it.each([
    ['syntax errors', 'export function (', /bad-contract-source/],
    ['no exports', 'function a() {}', /no exported functions/],
    ['reserved identifiers', 'export function a() { let __hcx = 1; }', /reserved identifier __hcx/],
    ['reserved property names', 'export function a(o) { return o.__hc_g; }', /reserved identifier/],
    ['imports', "import x from 'y'; export function a() {}", /imports are not supported/],
    ['default exports', 'export default function () {}', /only `export function/],
    ['exported constants', 'export const a = 1;', /only `export function/],
    ['BigInt literals', 'export function a() { return 1n; }', /BigInt/],
    ['dynamic import', "export function a() { return import('x'); }", /dynamic import/],
    ['top-level await', 'await 1; export function a() {}', /top-level await/],
    ['with statements (strict mode)', 'export function a(o) { with (o) {} }', /bad-contract-source/],
    ['array rest patterns', 'export function a(x) { const [h, ...t] = x; }', /array rest/],
    // Each copied every other own key natively for one node's gas: ~240,000 ns per gas on 20,000 keys.
    ['object rest declarations', 'export function a(x) { const { h, ...t } = x; return t; }', /object rest patterns are not supported/],
    ['object rest parameters', 'export function a({ h, ...t }) { return t; }', /object rest patterns are not supported/],
    ['object rest assignments', 'export function a(x) { let t; ({ h: t, ...t } = x); return t; }', /object rest patterns are not supported/],
    ['nested object rest patterns', 'export function a(x) { for (const { p: { ...t } } of x) return t; }', /object rest patterns are not supported/],
    ['regex back-references', 'export function a(s) { return /(a)\\1/.test(s); }', /back-references are not supported/],
    ['function declarations directly in a switch case', 'export function a(x) { switch (x) { case 1: function g() {} } }', /function declarations directly in a switch case/],
    ['array destructuring assignments', 'export function a(x) { let h; [h] = x; }', /array destructuring is only supported/],
    ['array destructuring parameters', 'export function a([h]) {}', /array destructuring is only supported/],
    ['nested array patterns', 'export function a(x) { const [[h]] = x; }', /array destructuring is only supported/],
    ['array patterns inside object patterns', 'export function a(x) { const { p: [h] } = x; }', /array destructuring is only supported/],
    ['for-of over array patterns without a declaration', 'export function a(x) { let h; for ([h] of x) {} }', /array destructuring is only supported/],
    ['generators', 'export function* a() {}', /generators are not supported/],
    ['Unicode property escapes in regex literals', 'export function a() { return /\\p{L}/u; }', /Unicode property escapes are not supported/],
    ['case-insensitive regex literals with classes', 'export function a() { return /[a-z]/i; }', /case-insensitive regex literals/],
    ['the regex v flag', 'export function a() { return /a/v; }', /bad-contract-source/],
    ['async functions', 'export async function a() {}', /async functions are not supported/],
    ['string literals longer than a contract may hold', `export function a() { return '${'x'.repeat(4_097)}'; }`, /literal longer than 4096/],
    ['template text longer than a contract may hold', `export function a(v) { return \`${'x'.repeat(4_097)}\${v}\`; }`, /literal longer than 4096/],
    ['regex literals longer than a contract may hold', `export function a() { return /${'x'.repeat(4_097)}/; }`, /literal longer than 4096/],
    ['identifiers longer than 128 characters', `export function a() { const ${'v'.repeat(129)} = 1; }`, /identifier longer than 128/],
  ])('rejects %s', (_name, source, error) => {
    expect(() => prepareContract(source)).toThrow(error);
  });

  it('drains the values of for-of loops and array declarations, and records the largest function size', () => {
    const code = prepareContract(`export function a(x, m) { const [p, q] = x; for (const v of x) {} for (const [k, w] of m) {} }`).code;
    expect(code).toContain('= __hc_fo(x)');
    expect(code).toContain('of __hc_fo(x)');
    expect(code).toContain('of __hc_fe(m)');
    const small = Number(/__hc_ef\((\d+)\)/.exec(code)?.[1]);
    const big = prepareContract(`export function a(x) { ${'x = x + 1; '.repeat(500)} }`).code;
    // The function's own instrumented size, not counting the whole program twice.
    expect(Number(/__hc_ef\((\d+)\)/.exec(big)?.[1])).toBeGreaterThan(small + 5_000);
    expect(Number(/__hc_ef\((\d+)\)/.exec(big)?.[1])).toBeLessThan(big.length);
  });

  it('checks operands that may be long strings, and leaves literals and numeric results alone', () => {
    const checks = (body: string): number => (prepareContract(`export function a(x, y, o) { ${body} }`).code.match(/__hc_(?:s|q|l|un|up|uk|step|cg|cs)\(/g) ?? []).length;
    expect(checks("return x === 'short' || x === 1 || typeof x === 'string' || x == null;")).toBe(0);
    expect(checks('return (x - 1) * 2 < -y;')).toBe(2);
    expect(checks('return x === y;')).toBe(1);
    expect(checks('return x < y;')).toBe(2);
    expect(checks('switch (x) { case 1: return 1; default: return 0; }')).toBe(1);
    expect(checks('x++; o.p--; o[y] -= 1;')).toBe(4);
  });
});

describe('instrumenter failures', () => {
  it('the instrumenter failing on a parsed source refuses it under bad-contract-source with fixed text, never an engine error', async () => {
    const { ContractError } = await import('./errors.js');
    // An internal failure is simulated by making Array.prototype.sort throw an engine TypeError: the
    // instrumenter sorts its insertions after the parse, so only its own run fails.
    const failing = (): never => { throw new TypeError("Cannot read properties of undefined (reading 'start')"); };
    const original = Array.prototype.sort;
    Array.prototype.sort = failing as never;
    try {
      expect(() => prepareContract('export function a() { return 1; }')).toThrow(ContractError);
      expect(() => prepareContract('export function a() { return 1; }')).toThrow('bad-contract-source: the source could not be instrumented');
    } finally {
      Array.prototype.sort = original;
    }
    expect(prepareContract('export function a() { class B { static {} } return 1; }').exports).toEqual(['a']);
  });
});
