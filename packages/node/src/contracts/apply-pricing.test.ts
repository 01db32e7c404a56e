import { describe, expect, it } from 'vitest';
import { contractOnMemoryChain } from '../test-support/memory-contract.js';
import { GAS } from './gas-schedule.js';

const SOURCE = `
export function run(kind, n) {
  const a = new Array(60000).fill(1);
  const f = function () { return arguments.length; };
  let x = 0;
  for (let i = 0; i < n; i++) {
    if (kind === 'max') x += Math.max.apply(null, a);
    else if (kind === 'empty') x += f.apply(null, a);
    else if (kind === 'reflect') x += Reflect.apply(Math.min, null, a);
    else if (kind === 'construct') x += Reflect.construct(Array, a).length;
    else if (kind === 'splice') { const b = []; b.splice.apply(b, a); x += b.length; }
  }
  return x;
}
export function bound(n) {
  const g = function () { return arguments.length; }.bind(null, ...new Array(1500).fill(1));
  let x = 0;
  for (let i = 0; i < n; i++) x += g(1);
  return x;
}
export function liar() {
  let reads = 0;
  const list = { get length() { return reads++ === 0 ? 1 : 60000; }, 0: 'a' };
  return [function () { return arguments.length; }.apply(null, list), reads];
}
export function huge() { return (function () {}).apply(null, { length: 70000 }); }`;

const deployed = contractOnMemoryChain(SOURCE);

describe('argument lists handed to functions natively', () => {
  it('pay per argument in apply, Reflect.apply and Reflect.construct, and in the wrappers that loop over them', () => {
    const chain = deployed();
    const gas = (kind: string, n: number): number => {
      const r = chain.call('c', 'run', [kind, n], 'alice', 0n, 100_000_000);
      expect(r.status).toBe('success');
      return r.gasUsed;
    };
    for (const kind of ['empty', 'construct']) expect(gas(kind, 3) - gas(kind, 1)).toBeGreaterThanOrEqual(2 * 60_000 * GAS.perElement);
    // Math.max and splice loop over each argument in the prelude as well.
    for (const kind of ['max', 'reflect', 'splice']) {
      expect(gas(kind, 3) - gas(kind, 1)).toBeGreaterThanOrEqual(2 * 60_000 * (GAS.perElement + GAS.perArgument) - 2 * 8 * GAS.perArgument);
    }
  });

  it('charge a bound function for its bound arguments on every call', () => {
    const chain = deployed();
    const one = chain.call('c', 'bound', [1], 'alice', 0n, 50_000_000);
    const many = chain.call('c', 'bound', [101], 'alice', 0n, 50_000_000);
    expect([one.returnValue, many.returnValue]).toEqual([1501, 101 * 1501]);
    expect(many.gasUsed - one.gasUsed).toBeGreaterThanOrEqual(100 * 1500 * GAS.perElement);
  });

  it('read an array-like length once, and refuse more than 65,535 arguments', () => {
    const chain = deployed();
    expect(chain.call('c', 'liar', [], 'alice').returnValue).toEqual([1, 1]);
    const huge = chain.call('c', 'huge', [], 'alice', 0n, 5_000_000);
    expect([huge.status, huge.revertReason]).toEqual(['reverted', 'RangeError: too many arguments']);
  });
});
