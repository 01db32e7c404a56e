import { describe, expect, it } from 'vitest';
import { exportedFunctions, looksReadOnly } from './abi';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';

const { token } = CONTRACT_EXAMPLES;

// What the node's instrumenter stores for a contract (GET /api/contracts/:address → code), abridged.
const DEPLOYED = `(function () {
"use strict";
function balanceKey(owner) {if ((__hc_g -= 9) < 0) __hc_oog(); return 'balance:' + owner; }
       function balanceOf(owner) {if ((__hc_g -= 9) < 0) __hc_oog(); return storage.get(balanceKey(owner)) ?? 0; }
       function transfer(to, amount) {if ((__hc_g -= 9) < 0) __hc_oog();
  storage.set(balanceKey(to), amount);
  return true;
}
;return { __proto__: null, ["balanceOf"]: balanceOf, ["transfer"]: transfer };
})`;

describe('contract ABI from source', () => {
  it('lists the exported functions of a source with their parameters', () => {
    const fns = exportedFunctions(token);
    expect(fns.map((f) => f.name)).toEqual(['init', 'name', 'symbol', 'decimals', 'totalSupply', 'balanceOf', 'allowance', 'transfer', 'approve', 'transferFrom']);
    expect(fns.find((f) => f.name === 'transfer')!.params).toEqual(['to', 'amount']);
    expect(looksReadOnly(fns.find((f) => f.name === 'balanceOf')!, token)).toBe(true);
    expect(looksReadOnly(fns.find((f) => f.name === 'approve')!, token)).toBe(false);
  });

  it('reads the export table of deployed (instrumented) code', () => {
    const fns = exportedFunctions(DEPLOYED);
    expect(fns).toEqual([
      { name: 'balanceOf', params: ['owner'] },
      { name: 'transfer', params: ['to', 'amount'] },
    ]);
    expect(looksReadOnly(fns[0]!, DEPLOYED)).toBe(true);
    expect(looksReadOnly(fns[1]!, DEPLOYED)).toBe(false);
  });

  it('counts a function that writes through a helper as a writer, transitively', () => {
    const src = `function put(k, v) { storage.set(k, v); }
function bump(k) { put(k, 1); }
export function peek(k) { return storage.get(k); }
export function touch(k) { bump(k); return true; }`;
    const fns = exportedFunctions(src);
    expect(fns.map((f) => [f.name, looksReadOnly(f, src)])).toEqual([
      ['peek', true],
      ['touch', false],
    ]);
    for (const name of ['transfer', 'approve', 'transferFrom']) expect(looksReadOnly({ name, params: [] }, token)).toBe(false);
    for (const name of ['name', 'symbol', 'decimals', 'totalSupply', 'balanceOf', 'allowance']) expect(looksReadOnly({ name, params: [] }, token)).toBe(true);
  });
});

/** `go` calls f{n}, which calls f{n-1}, … down to f0, which writes: listed callers first, so each pass of a fixpoint learns one more writer. */
function reverseChain(n: number): string {
  const lines = ['export function init() {}', `export function go() { f${n}(); }`];
  for (let i = n; i >= 1; i--) lines.push(`function f${i}() { f${i - 1}(); }`);
  lines.push(`function f0() { storage.set('a', 1); }`, 'export function peek() { return storage.get("a"); }');
  return lines.join('\n');
}

describe('which functions may write', () => {
  it('follows a call chain of any length back to the one write', () => {
    const src = reverseChain(150);
    const fns = exportedFunctions(src);
    expect(fns.map((f) => [f.name, looksReadOnly(f, src)])).toEqual([
      ['init', true],
      ['go', false],
      ['peek', true],
    ]);
    for (let i = 0; i <= 150; i++) expect(looksReadOnly({ name: `f${i}`, params: [] }, src)).toBe(false);
  });

  // The bound is this test's 5 s timeout: the old per-pass fixpoint built a regex per (function, writer) pair
  // and took 21.9 s at 600 functions (cubic), so it would time out here by orders of magnitude.
  it('classifies a 2,000-function reverse chain, every function a writer', () => {
    const src = reverseChain(2000);
    for (let i = 0; i <= 2000; i++) expect(looksReadOnly({ name: `f${i}`, params: [] }, src)).toBe(false);
    expect(looksReadOnly({ name: 'go', params: [] }, src)).toBe(false);
  }, 5_000);

  it('counts every function of a contract with over 200 declarations as possibly writing', () => {
    const src = ['export function peek() { return 1; }', ...Array.from({ length: 200 }, (_, i) => `function pure${i}() { return ${i}; }`)].join('\n');
    expect(looksReadOnly({ name: 'peek', params: [] }, src)).toBe(false);
    expect(looksReadOnly({ name: 'peek', params: [] }, src.split('\n').slice(0, 200).join('\n'))).toBe(true);
  });

  it('counts what a function declared inside another, or beside it on a line, does as the outer one doing it', () => {
    const src = `export function outer() { function inner() { return 1; } storage.set('a', inner()); }
export function left() { return 1; } function right() { emit('E', {}); }
export function peek() { return storage.get('a'); }`;
    expect(exportedFunctions(src).map((f) => [f.name, looksReadOnly(f, src)])).toEqual([
      ['outer', false],
      ['left', false],
      ['peek', true],
    ]);
  });

  it('sees a call only where the name is not the tail of a longer one', () => {
    const src = `function put() { storage.set('k', 1); }
export function output() { return 1; }
export function $put() { return 2; }
export function write() { put(); }`;
    expect(exportedFunctions(src).map((f) => [f.name, looksReadOnly(f, src)])).toEqual([
      ['output', true],
      ['$put', true],
      ['write', false],
    ]);
  });
});

describe('export table of deployed code', () => {
  it('lists only what the table names, whatever the code says in comments', () => {
    const code = DEPLOYED.replace('"use strict";', '"use strict";\n// export function fake(x, y) {}');
    expect(exportedFunctions(code).map((f) => f.name)).toEqual(['balanceOf', 'transfer']);
  });

  it('takes no more entries than consensus allows exports', () => {
    const names = Array.from({ length: 100 }, (_, i) => `f${i}`);
    const code = `(function () {\n${names.map((n) => `function ${n}() {}`).join('\n')}\n;return { __proto__: null, ${names.map((n) => `["${n}"]: ${n}`).join(', ')} };\n})`;
    expect(exportedFunctions(code).map((f) => f.name)).toEqual(names.slice(0, 64));
  });

  it('reads a source that only quotes a table in a comment by its export lines', () => {
    const src = `// ends like ;return { __proto__: null, ["x"]: x };\nexport function real(a) { return a; }`;
    expect(exportedFunctions(src)).toEqual([{ name: 'real', params: ['a'] }]);
  });
});
