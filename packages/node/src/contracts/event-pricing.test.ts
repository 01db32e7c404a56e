import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SOURCE = `
export function ev(s, on) { if (on) emit('e', s); }
export function ret(s, on) { return on ? s : ''; }`;

describe('events and return values', () => {
  it('pay per UTF-8 byte written, not per UTF-16 unit', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const cjk = '\u4e00'.repeat(4000);
    const on = chain.call('c', 'ev', [cjk, true], 'alice', 0n, 50_000_000);
    const off = chain.call('c', 'ev', [cjk, false], 'alice', 0n, 50_000_000);
    expect(on.events).toEqual([{ name: 'e', data: cjk }]);
    // 12,000 bytes of data (plus quotes and the name), written to the event index and the receipt.
    expect(on.gasUsed - off.gasUsed).toBeGreaterThanOrEqual(12_000 * GAS.eventPerByte);
    const returned = chain.call('c', 'ret', [cjk, true], 'alice', 0n, 50_000_000);
    const empty = chain.call('c', 'ret', [cjk, false], 'alice', 0n, 50_000_000);
    expect(returned.returnValue).toBe(cjk);
    expect(returned.gasUsed - empty.gasUsed).toBeGreaterThanOrEqual(12_000 * GAS.returnPerByte);
  });

  it('runs out of gas when the return value does not fit in what is left', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const cjk = '\u4e00'.repeat(4000);
    const empty = chain.call('c', 'ret', [cjk, false], 'alice', 0n, 50_000_000);
    const limit = empty.gasUsed + 12_000 * GAS.returnPerByte;
    expect(chain.call('c', 'ret', [cjk, true], 'alice', 0n, limit).status).toBe('out-of-gas');
  });
});
