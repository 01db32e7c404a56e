import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

/** A 1,500-line function: each error's stack walk scans its line table once per frame it occupies. */
const filler = Array.from({ length: 1_500 }, (_, i) => `    if (d === ${-i - 1}) x -= ${i};`).join('\n');
const SOURCE = `
function big(d, n, lim, how) {
  let x = 0;
  if (d < 0) {
${filler}
  }
  if (d < lim) return big(d + 1, n, lim, how);
  let y = 0;
  for (let i = 0; i < n; i++) {
    if (how === 'engine') { try { null.x; } catch (e) { y++; } }
    else if (how === 'made') { y += new Error('e').message.length; }
    else if (how === 'dropped') { for (let k = 0; k < 1; k++) { try { null.x; } catch (e) { null.y; } finally { continue; } } }
    else if (how === 'native') { const E = Object.getPrototypeOf(TypeError); y += new E('e').message.length; }
    else { y += new ArrayBuffer(8).byteLength + new Uint8Array(new Set([1])).length; }
  }
  if (how === 'revert') null.x;
  return y;
}
export function errors(n, lim, how) { return big(0, n, lim, how); }
export function iterate(kind) {
  let closed = 0, seen = 0;
  const iterable = { [Symbol.iterator]() { return { i: 0, next() { return { done: this.i++ > 5, value: this.i }; }, return() { closed++; null.x; } }; } };
  if (kind === 'proto') { Object.prototype.return = function () { closed++; null.x; }; }
  try {
    for (const v of kind === 'proto' ? [1, 2, 3] : iterable) { seen++; if (v === 2) throw new Error('stop'); }
  } catch (e) {}
  const [a] = kind === 'proto' ? [1, 2] : iterable;
  for (const [k] of [iterable]) seen += k;
  return [closed, seen, a];
}`;

function deployed(): MemoryChain {
  const chain = new MemoryChain(engine);
  expect(chain.deploy('c', SOURCE, 'alice', [], 50_000_000).status).toBe('success');
  return chain;
}

describe('errors are paid for by their stack walk', () => {
  it('charges each error its frames times the largest function size, whatever made it', () => {
    const chain = deployed();
    const gas = (n: number, how: string): number => {
      const r = chain.call('c', 'errors', [n, 40, how], 'alice', 0n, 50_000_000);
      expect([how, r.status, r.revertReason]).toEqual([how, 'success', undefined]);
      return r.gasUsed;
    };
    // 41 frames of a 1,500-line function (~130 KB instrumented) and a few small ones: tens of thousands of gas per frame.
    const perFrame = GAS.errorFrameBase + 100_000 / GAS.errorCharsPerGas;
    for (const how of ['engine', 'made', 'native']) expect(gas(6, how) - gas(2, how)).toBeGreaterThan(4 * 41 * perFrame);
    // An error thrown by a catch body and dropped by the finally is paid too: two errors per round.
    expect(gas(3, 'dropped') - gas(1, 'dropped')).toBeGreaterThan(2 * 2 * 41 * perFrame);
    // The prelude's own probes (is this an ArrayBuffer?) make no unpaid errors either.
    expect(gas(6, 'probe') - gas(2, 'probe')).toBeGreaterThan(4 * 41 * perFrame);
  });

  it('runs out of gas on the auditor loop (200 errors 40 frames deep took 3.3M gas, 1.2 s)', () => {
    const result = deployed().call('c', 'errors', [200, 40, 'engine'], 'alice', 0n, 50_000_000);
    expect(result.status).toBe('out-of-gas');
  });

  it('charges the error a call reverts with', () => {
    const chain = deployed();
    const reverted = chain.call('c', 'errors', [0, 40, 'revert'], 'alice', 0n, 50_000_000);
    const returned = chain.call('c', 'errors', [0, 40, 'none'], 'alice', 0n, 50_000_000);
    expect(reverted.status).toBe('reverted');
    expect(reverted.revertReason).toMatch(/TypeError/);
    expect(reverted.gasUsed - returned.gasUsed).toBeGreaterThan(41 * 50_000);
  });

  it('never runs a contract return() while unwinding a for-of or a destructuring', () => {
    const chain = deployed();
    expect(chain.call('c', 'iterate', ['object'], 'alice').returnValue).toEqual([0, 3, 1]);
    expect(chain.call('c', 'iterate', ['proto'], 'alice').returnValue).toEqual([0, 3, 1]);
  });
});
