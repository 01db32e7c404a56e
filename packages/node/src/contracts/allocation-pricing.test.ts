import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SOURCE = `
export function transfer(kind) {
  let reads = 0;
  const size = kind === 'string' ? '4194304' : kind === 'number' ? 4194304 : kind === 'none' ? undefined
    : { valueOf() { return reads++ === 0 ? 4194304 : 1; } };
  const b = new ArrayBuffer(0);
  const out = kind === 'none' ? b.transfer() : b.transfer(size);
  return [out.byteLength, reads];
}
export function typed(kind) {
  const size = kind === 'string' ? '524288' : kind === 'number' ? 524288 : kind === 'bool' ? true : null;
  return new Float64Array(size).length;
}`;

describe('allocations sized by a converted argument', () => {
  it('ArrayBuffer transfer converts its length once and charges what the native allocates', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const base = chain.call('c', 'transfer', ['none'], 'alice', 0n, 50_000_000);
    expect(base.returnValue).toEqual([0, 0]);
    for (const kind of ['number', 'string', 'object']) {
      const r = chain.call('c', 'transfer', [kind], 'alice', 0n, 50_000_000);
      expect([kind, r.returnValue]).toEqual([kind, [4194304, kind === 'object' ? 1 : 0]]);
      expect(r.gasUsed - base.gasUsed).toBeGreaterThanOrEqual(4194304 / GAS.charsPerGas);
    }
  });

  it('typed-array constructors convert a primitive length once and charge what the native allocates', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const empty = chain.call('c', 'typed', ['null'], 'alice', 0n, 50_000_000);
    expect(empty.returnValue).toBe(0);
    expect(chain.call('c', 'typed', ['bool'], 'alice').returnValue).toBe(1);
    for (const kind of ['number', 'string']) {
      const r = chain.call('c', 'typed', [kind], 'alice', 0n, 50_000_000);
      expect([kind, r.returnValue]).toEqual([kind, 524288]);
      expect(r.gasUsed - empty.gasUsed).toBeGreaterThanOrEqual(524288 * GAS.perTypedElement);
    }
  });
});
