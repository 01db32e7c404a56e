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
