import { beforeAll, describe, expect, it } from 'vitest';
import { createContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';

/**
 * Built-ins given negative, NaN or object sizes used to compute a negative or
 * NaN charge: the gas counter went up (a receipt with negative gasUsed, a fee
 * refund larger than the fee) or became NaN (no check ever failed again).
 * Every such call now has to pay for the 100,000-iteration loop after it.
 */
const SOURCE = `
function burn() { let i = 0; for (; i < 100000; i++) {} return i; }
export function pad() { 'x'.padStart(-1e9); return burn(); }
export function rep() { try { 'x'.repeat(-1e9); } catch (e) {} return burn(); }
export function nan() { 'x'.repeat(NaN); return burn(); }
export function typed() { try { new Uint8Array(-1e9); } catch (e) {} return burn(); }
export function buffer() { try { new ArrayBuffer(-1e9); } catch (e) {} return burn(); }
export function sneakyBuffer() { return new ArrayBuffer({ valueOf() { return 4e6; } }).byteLength; }
`;

let chain: MemoryChain;
beforeAll(async () => {
  chain = new MemoryChain(await createContractEngine());
  expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
});

describe('no built-in charge can raise the gas counter', () => {
  it.each(['pad', 'rep', 'nan', 'typed', 'buffer'])('%s: out of gas, all of the limit used', (fn) => {
    const r = chain.call('c', fn, [], 'alice', 0n, 300_000);
    expect([r.status, r.gasUsed]).toEqual(['out-of-gas', 300_000]);
  });

  it('an ArrayBuffer size is converted once and charged as converted', () => {
    const r = chain.call('c', 'sneakyBuffer', [], 'alice', 0n, 3_000_000);
    expect([r.status, r.returnValue]).toEqual(['success', 4e6]);
    // 4e6 bytes at 4 per gas (it used to be charged as a size of 0).
    expect(r.gasUsed).toBeGreaterThan(1_000_000);
  });
});
