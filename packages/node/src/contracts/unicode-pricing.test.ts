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

/* The canonical classes of the pinned tables, one mark each, in descending order: sorting a run of them
   by insertion moves each mark past every one before it of a higher class. */
const DESCENDING = [0x0345, 0x035d, 0x035c, 0x0315, 0x0300, 0x05ae, 0x1d16d, 0x302e, 0x059a, 0x0316, 0x1dfa, 0x031b,
  0x1dce, 0x0321, 0x0f74, 0x0f72, 0x0f71, 0x0ec8, 0x0eb8, 0x0e48, 0x0e38, 0x0c56, 0x0c55, 0x0711, 0x0670, 0x0652,
  0x0651, 0x061a, 0x0619, 0x0618, 0x064d, 0x064c, 0x064b, 0xfb1e, 0x05c2, 0x05c1, 0x05bf, 0x05bd, 0x05bc, 0x05bb,
  0x05b9, 0x05b8, 0x05b7, 0x05b6, 0x05b5, 0x05b4, 0x05b3, 0x05b2, 0x05b1, 0x05b0, 0x094d, 0x3099, 0x093c, 0x16ff0, 0x0334];

/** r marks, in runs of equal class, descending: the sort's worst case for that many classes. */
function descendingRun(r: number): string {
  let s = '';
  for (let i = 0; i < r; i++) s += String.fromCodePoint(DESCENDING[Math.floor((i * DESCENDING.length) / r)]!);
  return s;
}

const RUNS = `
export function run(kind, s, t, on) {
  if (!on) return 0;
  if (kind === 'nfd') return s.normalize('NFD').length;
  if (kind === 'nfc') return s.normalize().length;
  if (kind === 'nfkc') return s.normalize('NFKC').length;
  if (kind === 'locale') return s.localeCompare(t);
  if (kind === 'localeArg') return t.localeCompare(s);
  return 0;
}`;

describe('normalize and localeCompare', () => {
  // A 4,081-mark run in descending order took localeCompare ~370 ms for ~66,000 gas (~5,600 ns per gas),
  // normalize('NFD') ~660 ns per gas: the sort is quadratic in the run.
  it('pay per pair of marks in each run they reorder, in every form and in either string', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', RUNS, 'alice').status).toBe('success');
    const extra = (kind: string, s: string, t = 'a'): number => {
      const on = chain.call('c', 'run', [kind, s, t, true], 'alice', 0n, 200_000_000);
      const off = chain.call('c', 'run', [kind, s, t, false], 'alice', 0n, 200_000_000);
      expect(on.status).toBe('success');
      return on.gasUsed - off.gasUsed;
    };
    const pairs = (r: number): number => (r * (r - 1)) / 2;
    const run = descendingRun(2_000);
    for (const kind of ['nfd', 'nfc', 'nfkc', 'locale', 'localeArg']) {
      expect(extra(kind, run)).toBeGreaterThanOrEqual(pairs(2_000) * GAS.combiningPair);
    }
    // Two runs, between starters, pay for each.
    const two = descendingRun(1_000) + 'x' + descendingRun(1_000);
    expect(extra('nfd', two)).toBeGreaterThanOrEqual(2 * pairs(1_000) * GAS.combiningPair);
    // A starter that decomposes with trailing marks (U+1F82: alpha and three marks) joins the run after it;
    // U+0F73 decomposes to two marks; a mark beyond the BMP counts once.
    expect(extra('nfd', '\u1f82' + descendingRun(997))).toBeGreaterThanOrEqual(pairs(1_000) * GAS.combiningPair);
    expect(extra('nfd', 'a' + '\u0f73'.repeat(500))).toBeGreaterThanOrEqual(pairs(1_000) * GAS.combiningPair);
    expect(extra('nfd', 'a' + '\u{1d16d}'.repeat(1_000))).toBeGreaterThanOrEqual(pairs(1_000) * GAS.combiningPair);
  });

  it('charge nothing more for text without long runs', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', RUNS, 'alice').status).toBe('success');
    const gas = (kind: string, s: string, t = 'a'): number => {
      const r = chain.call('c', 'run', [kind, s, t, true], 'alice', 0n, 50_000_000);
      expect(r.status).toBe('success');
      return r.gasUsed;
    };
    // Accents, precomposed or not, and short runs of marks: the per-unit prices alone.
    const text = 'Tie\u0302\u0301ng Vie\u0323\u0302t, \u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd, caf\u00e9';
    expect(gas('nfd', text)).toBe(gas('nfd', text.replace(/[^a-z]/g, 'x')));
    // (Same result, 1: it is written to the receipt.)
    expect(gas('locale', 'caf\u00e9', 'caf\u00e8')).toBe(gas('locale', 'abce', 'abcd'));
  });

  // QuickJS composes each string past Latin-1 to NFC: U+1F82 (alpha and three marks) ran localeCompare at
  // ~52 ns per gas at the case-mapping price.
  it('localeCompare pays the composition price for strings past Latin-1', () => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', RUNS, 'alice').status).toBe('success');
    const gas = (s: string, t: string): number => {
      const r = chain.call('c', 'run', ['locale', s, t, true], 'alice', 0n, 50_000_000);
      expect(r.status).toBe('success');
      return r.gasUsed;
    };
    const latin1 = gas('\u00e9'.repeat(2_000), 'a');
    expect(gas('\u1f82'.repeat(2_000), 'a') - latin1).toBeGreaterThanOrEqual(2_001 * (GAS.localeComparePerChar - GAS.caseMapPerChar));
    expect(gas('a', '\u1f82'.repeat(2_000)) - latin1).toBeGreaterThanOrEqual(2_001 * (GAS.localeComparePerChar - GAS.caseMapPerChar));
  });
});
