import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SOURCE = `
export function run(kind, on) {
  const t = new Float64Array(10000);
  const a = new Array(10000).fill(1);
  if (!on) return 0;
  if (kind === 'typedUser') return t.map((v) => v).length;
  if (kind === 'typedAbs') return t.map(Math.abs).length;
  if (kind === 'arrayAbs') return a.map(Math.abs).length;
  if (kind === 'arraySlice') return a.map(String.prototype.slice, 'abc').length;
  return 0;
}`;

describe('built-ins called back by native loops', () => {
  it('TypedArray map pays per element, and every wrapped built-in pays its entry on each call', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const extra = (kind: string): number => {
      const on = chain.call('c', 'run', [kind, true], 'alice', 0n, 50_000_000);
      expect([kind, on.returnValue]).toEqual([kind, 10000]);
      return on.gasUsed - chain.call('c', 'run', [kind, false], 'alice', 0n, 50_000_000).gasUsed;
    };
    expect(extra('typedUser')).toBeGreaterThanOrEqual(10000 * (GAS.perElement + GAS.callBase));
    for (const kind of ['typedAbs', 'arrayAbs', 'arraySlice']) {
      expect(extra(kind)).toBeGreaterThanOrEqual(10000 * (GAS.perElement + GAS.wrapperEntry));
    }
  });
});

describe('Map and Set forEach', () => {
  // With a built-in callback no contract function paid for each entry: 20,000 entries took ~5 ms for one call's gas.
  it('pay per entry whatever the callback, as an array forEach does', () => {
    const chain = new MemoryChain(engine);
    const source = `export function run(kind, n) {
      const m = new Map(); const s = new Set(); const a = [];
      for (let i = 0; i < n; i++) { m.set(i, i); s.add(i); a.push(i); }
      const before = a.length;
      if (kind === 'map') m.forEach(Object.is);
      if (kind === 'set') s.forEach(Object.is);
      if (kind === 'array') a.forEach(Object.is);
      return before;
    }`;
    expect(chain.deploy('c', source, 'alice').status).toBe('success');
    const walk = (kind: string, n: number): number =>
      chain.call('c', 'run', [kind, n], 'alice', 0n, 50_000_000).gasUsed - chain.call('c', 'run', ['none', n], 'alice', 0n, 50_000_000).gasUsed;
    for (const kind of ['map', 'set', 'array']) {
      expect([kind, walk(kind, 10_000) - walk(kind, 0)]).toEqual([kind, 10_000 * GAS.perElement]);
    }
  });
});
