import { beforeAll, describe, expect, it } from 'vitest';
import { coldCodeGas } from './access-set.js';
import { createContractEngine, type ContractEngine } from './engine.js';
import { GAS, LIMITS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';
import type { ExecutionResult } from './types.js';

/**
 * Strings cost by length wherever QuickJS works on them natively in
 * O(length) (comparison, switch, Map/Set keys, conversion to a number), and
 * no contract holds a string longer than LIMITS.maxStringLength. Each case
 * compares one call with the work switched on against the same call with it
 * off: the static charges are equal, so the difference is the length charge.
 */

const N = 4_000;
const LONG = 'x'.repeat(N);
const DIGITS = '1'.repeat(N);

const PRICED = `
export function eq(s, t, on) { if (on) { const r = s === t; } }
export function lt(s, t, on) { if (on) { const r = s < t; } }
export function num(s, on) { if (on) { const r = +s; } }
export function inc(s, on) { const o = { p: s }; if (on) { o.p++; } }
export function sw(s, on) { if (on) { switch (s) { case 'a': break; case 'b': break; case 'c': break; } } }
export function key(s, on) { const m = new Map(); if (on) m.set(s, 1); }
export function has(s, on) { const a = ['a', 'b', 'c']; if (on) a.includes(s); }
export function typed(s, on) { const t = new Uint8Array(2); if (on) t[0] = s; }
export function cat(s, on) { if (on) { const t = s + 'y'; } }
export function union(s, on) { const a = new Set([s]); const b = new Set(); b.add(s + 'y'); if (on) a.union(b); }
export function at(s, on) { const a = [1, 2]; const t = new Uint8Array(2); if (on) { a.at(s); t.subarray(s); } }
export function typedSet(s, on) { const t = new Uint8Array(2); if (on) t.set([s]); }
`;

const ATTACKS = `
export function cmpLoop(s) { const t = s.slice(0); let n = 0; for (;;) { if (s === t) n++; } }
export function keyLoop(s) { const m = new Map(); let n = 0; for (;;) { m.set(s, n++); } }
export function numLoop(s) { let n = 0; for (;;) { n += -s; } }
export function incLoop(s) { const o = {}; for (;;) { o.p = s; o.p--; } }
export function unionLoop(s) { const a = new Set(); for (let i = 0; i < 20; i++) a.add(s.slice(i)); const b = new Set(); for (;;) a.union(b); }
export function typedLoop(s) { const t = new Float64Array(1); for (;;) { t[0] = s; } }
export function grow() { let s = 'ab'; for (;;) s += s; }
export function repeat() { return 'x'.repeat(${LIMITS.maxStringLength + 1}).length; }
export function sneakyRepeat() { let calls = 0; const n = { valueOf() { calls++; return calls === 1 ? 1 : 1e6; } }; return 'x'.repeat(n).length; }
export function sneakyNumber() { globalThis.Number = function () { return 0; }; return 'x'.repeat(1e6).length; }
`;

let engine: ContractEngine;
let chain: MemoryChain;
beforeAll(async () => {
  engine = await createContractEngine();
  chain = new MemoryChain(engine);
  expect(chain.deploy('p', PRICED, 'alice').status).toBe('success');
  expect(chain.deploy('a', ATTACKS, 'alice').status).toBe('success');
});

function extra(fn: string, args: unknown[]): number {
  const on = chain.call('p', fn, [...args, 1], 'alice');
  const off = chain.call('p', fn, [...args, 0], 'alice');
  expect([on.status, off.status]).toEqual(['success', 'success']);
  return on.gasUsed - off.gasUsed;
}

describe('long strings are charged by length', () => {
  it('strict comparison: per 4 code units of one side', () => {
    expect(extra('eq', [LONG, LONG])).toBe(Math.ceil(N / GAS.charsPerGas));
    expect(extra('eq', ['short', 'short'])).toBe(0);
  });

  it('relational comparison and conversion to a number: at the number parser price, per operand', () => {
    expect(extra('lt', [LONG, LONG])).toBe(2 * N * GAS.toNumberPerChar);
    expect(extra('num', [DIGITS])).toBe(N * GAS.toNumberPerChar);
    expect(extra('inc', [DIGITS])).toBe(N * GAS.toNumberPerChar);
  });

  it('typed array elements: a string stored is converted to a number', () => {
    expect(extra('typed', [DIGITS])).toBe(N * GAS.toNumberPerChar);
    // subarray also builds a typed array view (the metered constructor's base price); each wrapper pays its entry.
    expect(extra('at', [DIGITS])).toBe(2 * N * GAS.toNumberPerChar + GAS.builtinBase + 2 * GAS.wrapperEntry);
    // set() copies its source first (an element getter could show the meter a number and the native an object).
    expect(extra('typedSet', [DIGITS])).toBe(2 * GAS.builtinBase + GAS.wrapperEntry + GAS.perElement + 3 * GAS.perTypedElement + N * GAS.toNumberPerChar);
  });

  it('concatenation: per 16 code units of a result longer than 64 (it is copied)', () => {
    expect(extra('cat', [LONG])).toBe(Math.ceil((N + 1) / GAS.concatCharsPerGas));
    expect(extra('cat', ['short'])).toBe(0);
  });

  it('switch: once per case compared', () => {
    expect(extra('sw', [LONG])).toBe(3 * Math.ceil(N / GAS.charsPerGas));
  });

  it('Map keys and array searches: hashing or comparing the string', () => {
    expect(extra('key', [LONG])).toBe(GAS.wrapperEntry + Math.ceil(N / GAS.charsPerGas));
    expect(extra('has', [LONG])).toBe(GAS.builtinBase + GAS.wrapperEntry + 3 * GAS.perElement + 3 * Math.ceil(N / GAS.charsPerGas));
  });

  it('Set operations: both sets\' long strings, hashed again', () => {
    // The other set is copied first, one charged step per element (a set-like's own keys() ran natively).
    expect(extra('union', [LONG])).toBe(GAS.builtinBase + 2 * GAS.perElement + GAS.collectionPerElement + GAS.setOperationHashes * Math.ceil((N + N + 1) / GAS.charsPerGas));
  });
});

describe('no contract holds a string longer than LIMITS.maxStringLength', () => {
  it('refuses longer call arguments before running (reverted, no gas), and longer strings made inside', () => {
    const arg = chain.call('p', 'eq', ['x'.repeat(LIMITS.maxStringLength + 1), 'y', 1], 'alice');
    expect([arg.status, arg.gasUsed, arg.revertReason]).toEqual(['reverted', 0, `call argument string longer than ${LIMITS.maxStringLength} characters`]);
    expect(chain.call('a', 'repeat', [], 'alice').revertReason).toContain(`string exceeds the contract limit of ${LIMITS.maxStringLength}`);
    // The count is converted once: a valueOf answering differently the second time, or a replaced Number, changes nothing.
    expect(chain.call('a', 'sneakyRepeat', [], 'alice').returnValue).toBe(1);
    expect(chain.call('a', 'sneakyNumber', [], 'alice').revertReason).toContain(`string exceeds the contract limit of ${LIMITS.maxStringLength}`);
    const grow = chain.call('a', 'grow', [], 'alice', 0n, 1_000_000);
    expect([grow.status, grow.gasUsed]).toEqual(['out-of-gas', 1_000_000]);
  });
});

describe('attack loops on long strings run out of gas, identically on every engine', () => {
  it.each([
    ['comparison', 'cmpLoop', LONG],
    ['Map key', 'keyLoop', LONG],
    ['conversion to a number', 'numLoop', DIGITS],
    ['member decrement', 'incLoop', DIGITS],
    ['typed array store', 'typedLoop', DIGITS],
    ['Set union', 'unionLoop', LONG],
  ])('%s', async (_name, fn, s) => {
    const run = (c: MemoryChain): ExecutionResult => c.call('a', fn, [s], 'alice', 0n, 2_000_000);
    const first = run(chain);
    expect([first.status, first.gasUsed]).toEqual(['out-of-gas', 2_000_000]);
    // A brand-new engine (nothing cached, nothing warmed up) reaches the same outcome.
    const fresh = new MemoryChain(await createContractEngine());
    expect(fresh.deploy('a', ATTACKS, 'alice').status).toBe('success');
    expect(run(fresh)).toEqual(first);
  });
});

describe('cold code (EIP-7907 style)', () => {
  it('the first run of a contract in a transaction pays per word of its code; a limit below that is out of gas', () => {
    const code = chain.codeOf('p')!;
    const price = coldCodeGas(code.length);
    expect(price).toBe(GAS.coldCodeBase + GAS.coldCodePerWord * Math.ceil(code.length / 32));
    const short = chain.call('p', 'eq', ['a', 'b', 0], 'alice', 0n, price - 1);
    expect([short.status, short.gasUsed]).toEqual(['out-of-gas', price - 1]);
    const enough = chain.call('p', 'eq', ['a', 'b', 0], 'alice', 0n, price + 10_000);
    expect(enough.status).toBe('success');
    expect(enough.gasUsed).toBeGreaterThan(price);
  });
});
