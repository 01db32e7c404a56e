import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

const SOURCE = `
export function run(kind, s, on) {
  if (!on) return 0;
  if (kind === 'nfkd') return s.normalize('NFKD').length;
  if (kind === 'lower') return s.toLowerCase().length;
  if (kind === 'upper') return s.toLocaleUpperCase().length;
  if (kind === 'locale') return s.localeCompare({ toString() { return s; } });
  return 0;
}`;

describe('Unicode-table string methods', () => {
  it('pay per code unit of the receiver and string argument, at their measured prices', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', SOURCE, 'alice').status).toBe('success');
    const extra = (kind: string, s: string): number => {
      const on = chain.call('c', 'run', [kind, s, true], 'alice', 0n, 50_000_000);
      const off = chain.call('c', 'run', [kind, s, false], 'alice', 0n, 50_000_000);
      expect(on.status).toBe('success');
      return on.gasUsed - off.gasUsed;
    };
    expect(extra('nfkd', '\uFDFA'.repeat(227))).toBeGreaterThanOrEqual(227 * GAS.normalizePerChar);
    expect(extra('lower', '\u03A3\u0301'.repeat(2000))).toBeGreaterThanOrEqual(4000 * GAS.caseMapPerChar);
    expect(extra('upper', '\uFB03'.repeat(1365))).toBeGreaterThanOrEqual(1365 * GAS.caseMapPerChar);
    // The argument is converted by the wrapper, so an object's string is paid for too.
    expect(extra('locale', 'e\u0301'.repeat(2000))).toBeGreaterThanOrEqual(8000 * GAS.caseMapPerChar);
  });
});
