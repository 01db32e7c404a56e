import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';
import type { ExecutionResult } from './types.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const GAS_LIMIT = 2_000_000;

/** Deploy `body` (plus an exported `run`) on a fresh chain and call run(); twice, to prove determinism. */
function hostile(body: string, args: unknown[] = [], gasLimit = GAS_LIMIT): ExecutionResult {
  const results = [0, 1].map(() => {
    const chain = new MemoryChain(engine);
    chain.balances.set('c', 1_000n);
    const deployed = chain.deploy('c', `${body}\nexport function noop() {}`, 'alice');
    expect(deployed.status).toBe('success');
    const started = performance.now();
    const result = chain.call('c', 'run', args, 'alice', 0n, gasLimit);
    expect(performance.now() - started).toBeLessThan(5_000);
    return result;
  });
  expect(results[1]).toEqual(results[0]);
  return results[0] as ExecutionResult;
}

function expectRevert(result: ExecutionResult, reason: RegExp): void {
  expect(result.status).toBe('reverted');
  expect(result.revertReason).toMatch(reason);
  expect(result.gasUsed).toBeLessThan(GAS_LIMIT);
  expect(result.storageWrites.size).toBe(0);
}

function expectOutOfGas(result: ExecutionResult, gasLimit = GAS_LIMIT): void {
  expect(result.status).toBe('out-of-gas');
  expect(result.gasUsed).toBe(gasLimit);
  expect(result.storageWrites.size).toBe(0);
  expect(result.events).toEqual([]);
}

describe('code generation and host escape', () => {
  const escapes: Record<string, string> = {
    'function constructor': `export function run() { return (function () {}).constructor('return process')(); }`,
    'constructor of a host function': `export function run() { return storage.get.constructor.constructor('return process')(); }`,
    'constructor of require': `export function run() { return require.constructor('return globalThis')(); }`,
    'error constructor chain': `export function run() { try { null.x; } catch (e) { return e.constructor.constructor('return process')(); } }`,
    'host callback this': `export function run() { let f; storage.set('k', { toJSON() { f = this.constructor.constructor; return 1; } }); return f('return 1')(); }`,
    'prototype walk': `export function run() { return Object.getPrototypeOf(function () {}).constructor('return 1')(); }`,
  };
  for (const [name, source] of Object.entries(escapes)) {
    it(`blocks ${name}`, () => {
      expectRevert(hostile(source), /code generation is disabled/);
    });
  }

  it('has no eval, Function, Date, WeakRef, FinalizationRegistry, Math.random or BigInt, nor the unmetered Math.sumPrecise and RegExp.escape', () => {
    const result = hostile(`export function run() {
      return [typeof eval, typeof Function, typeof Date, typeof WeakRef, typeof FinalizationRegistry,
        typeof Math.random, typeof BigInt, typeof process, typeof SharedArrayBuffer, typeof Iterator,
        typeof Math.sumPrecise, typeof RegExp.escape];
    }`);
    expect(result.returnValue).toEqual(Array(12).fill('undefined'));
  });

  it('rejects reserved identifiers, so contracts cannot touch the gas counter', async () => {
    const { prepareContract } = await import('./instrument.js');
    expect(() => prepareContract('export function run() { __hc_g = 1e9; }')).toThrow(/reserved identifier/);
  });
});

describe('gas', () => {
  it('stops infinite loops, even inside try/catch/finally', () => {
    expectOutOfGas(hostile(`export function run() { for (;;) {} }`));
    expectOutOfGas(hostile(`export function run() { while (true) { try { for (;;) {} } catch (e) {} finally { continue; } } }`));
    expectOutOfGas(hostile(`export function run() { try { spin(); } catch (e) { storage.set('swallowed', 1); return 1; } }
      function spin() { do {} while (true); }`));
    expectOutOfGas(hostile(`export function run() { try { for (;;) {} } finally { storage.set('x', 1); return 'finally won'; } }`));
  });

  it('stops loops that burn gas inside native callbacks', () => {
    expectOutOfGas(hostile(`export function run() { const a = [1, 2, 3]; for (;;) a.map((x) => x * 2).sort(); }`));
  });

  it('charges built-ins by input size before running them', () => {
    expectOutOfGas(hostile(`export function run() { new Array(1e9).forEach(() => {}); }`));
    expectOutOfGas(hostile(`export function run() { return new Array(1e9).indexOf(1); }`));
    expectOutOfGas(hostile(`export function run() { const a = []; for (let i = 0; i < 1e6; i++) a.push(i); a.sort(); }`));
    expectRevert(hostile(`export function run() { return 'x'.repeat(1e9).length; }`), /RangeError: string exceeds/);
    expectRevert(hostile(`export function run() { return new Array(1e9).fill(0).length; }`), /RangeError: length exceeds/);
    expectRevert(hostile(`export function run() { return new Uint8Array(1e9).length; }`), /RangeError: length exceeds/);
    expectRevert(hostile(`export function run() { return 'x'.padStart(1e9).length; }`), /RangeError: string exceeds/);
  });

  it('caps string growth through concatenation as running out of gas', () => {
    expectOutOfGas(hostile(`export function run() { let s = 'x'; for (;;) s += s; }`));
    expectOutOfGas(hostile(`export function run() { let s = 'x'; try { for (;;) s = \`\${s}\${s}\`; } catch (e) { return s.length; } }`));
  });

  it('meters JSON of huge and exponentially shared structures', () => {
    expectOutOfGas(hostile(`export function run() { let a = [1]; for (let i = 0; i < 40; i++) a = [a, a]; return JSON.stringify(a).length; }`));
    expectOutOfGas(hostile(`export function run() { let a = [1]; for (let i = 0; i < 30; i++) a = [a, a]; storage.set('k', a); }`));
  });

  it('charges catastrophic regexes for every matcher step and stops them deterministically', () => {
    expectOutOfGas(hostile(`export function run() { return /(a+)+$/.test('a'.repeat(40) + 'b'); }`));
    const fine = hostile(`export function run() { return /(a+)+$/.test('a'.repeat(12) + 'b'); }`);
    expect(fine.status).toBe('success');
    expect(fine.returnValue).toBe(false);
  });

  it('reports deep recursion as a QuickJS stack overflow with a fixed gas figure', () => {
    const result = hostile(`export function run() { function f(n) { return f(n + 1) + 1; } return f(0); }`);
    expectRevert(result, /stack overflow/);
    const caught = hostile(`export function run() { let d = 0; function f(n) { d = n; f(n + 1); } try { f(0); } catch (e) { return d; } }`);
    expect(caught.status).toBe('success');
    expect(caught.returnValue).toBeGreaterThan(100);
  });

  it('treats running out of memory as out of gas, even when caught', () => {
    expectOutOfGas(hostile(`export function run() { const keep = []; try { for (;;) keep.push(new Uint8Array(1 << 20)); } catch (e) { return keep.length; } }`, [], 50_000_000), 50_000_000);
  });
});

describe('async, generators and promises', () => {
  // Each turns errors into rejected promises or closed generators that no catch clause pays for.
  it.each([
    ['an async function', `export async function run() {}`, /async functions are not supported/],
    ['an async arrow', `export function run() { const f = async () => 1; }`, /async functions are not supported/],
    ['an async method', `export function run() { return { async m() {} }; }`, /async functions are not supported/],
    ['a generator', `export function run() { function* g() {} }`, /generators are not supported/],
    ['an async generator', `export function run() { return { async *m() {} }; }`, /async functions are not supported/],
  ])('refuses %s at deploy', (_name, source, reason) => {
    expect(() => new MemoryChain(engine).deploy('c', source, 'alice')).toThrow(reason);
  });

  it('has no Promise', () => {
    expect(hostile(`export function run() { return typeof Promise; }`).returnValue).toBe('undefined');
  });
});

describe('host functions', () => {
  it('type-check Proxy and Symbol.toPrimitive arguments before using them', () => {
    const trap = `let touched = 0;
      const proxy = new Proxy({}, { get() { touched++; return () => 'k'; } });
      const prim = { [Symbol.toPrimitive]() { touched++; return 'k'; }, toString() { touched++; return 'k'; } };`;
    expectRevert(hostile(`${trap} export function run() { storage.get(proxy); }`), /storage key must be a string/);
    expectRevert(hostile(`${trap} export function run() { storage.set(prim, 1); }`), /storage key must be a string/);
    expectRevert(hostile(`${trap} export function run() { transfer('bob', prim); }`), /amount must be/);
    expectRevert(hostile(`${trap} export function run() { transfer(proxy, 1); }`), /recipient address must be a string/);
    expectRevert(hostile(`${trap} export function run() { emit(prim, 1); }`), /event name must be a string/);
    expectRevert(hostile(`${trap} export function run() { call(proxy, 'f', []); }`), /contract address must be a string/);
    const counted = hostile(`${trap} export function run() { try { storage.get(proxy); } catch (e) {} try { transfer('b', prim); } catch (e) {} return touched; }`);
    expect(counted.returnValue).toBe(0);
  });

  it('refuses transfers beyond balance plus msg.value', () => {
    expectRevert(hostile(`export function run() { transfer('bob', 1001); }`), /insufficient contract balance/);
    const ok = hostile(`export function run() { transfer('bob', 600); transfer('carol', 400); return balance(); }`);
    expect(ok.returnValue).toBe('0');
    expect(ok.transfers).toEqual([{ to: 'bob', amount: 600n }, { to: 'carol', amount: 400n }]);
  });

  it('runs read-only nested calls and forwards their gas', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('store', `export function init() { storage.set('x', 41); } export function get() { return storage.get('x') + 1; }
      export function put() { storage.set('x', 0); }`, 'alice');
    chain.deploy('reader', `export function run() { return call('store', 'get', []); }
      export function write() { return call('store', 'put', []); }
      export function spin() { return call('store', 'get', []) + call('reader', 'loop', []); }
      export function loop() { for (;;) {} }`, 'alice');
    expect(chain.call('reader', 'run', [], 'bob').returnValue).toBe(42);
    expect(chain.call('reader', 'write', [], 'bob').revertReason).toMatch(/call reverted: .*read-only/);
    expectOutOfGas(chain.call('reader', 'spin', [], 'bob', 0n, GAS_LIMIT));
  });
});

describe('isolation between calls', () => {
  it('does not leak prototype pollution or globals to the next call', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function pollute() {
        Object.prototype.polluted = 1; Array.prototype.map = () => 'evil'; globalThis.leak = 1; JSON.parse = () => 'evil';
      }
      export function check() { return [({}).polluted, [1].map((x) => x + 1), typeof leak, JSON.parse('1')]; }`, 'alice');
    expect(chain.call('c', 'pollute', [], 'alice').status).toBe('success');
    expect(chain.call('c', 'check', [], 'alice').returnValue).toEqual([null, [2], 'undefined', 1]);
  });
});
