import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_LIMITS, RuleError, type ContractPayload } from '@hackcoin/core';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { ContractError } from './errors.js';
import { QuickJsExecutor } from './executor.js';
import { prepareContract } from './instrument.js';

/** The message of the rule `check` finds broken, or 'none' (a ContractError only makes the deploy revert when mined). */
function verdict(check: () => unknown): string {
  try {
    check();
    return 'none';
  } catch (e) {
    if (e instanceof RuleError) return e.message;
    if (e instanceof ContractError) return 'none';
    throw e;
  }
}

const deploy = (code: string): ContractPayload => ({ type: 'deploy', code, init: [], gasLimit: 1_000_000, gasPrice: 1n });

/** One source per rule, and two that break none (one only reverts). */
const SOURCES: Record<string, string> = {
  instrumentedDepth: `export function init() { const z = ${'(()=>'.repeat(15)}1${')'.repeat(15)}; }`,
  sourceDepth: `export function init() { const z = ${'(()=>'.repeat(16)}1${')'.repeat(16)}; }`,
  syntaxDepth: `export function init() { const z = a${'.b'.repeat(CONTRACT_LIMITS.maxSyntaxDepth)}; }`,
  exports: Array.from({ length: CONTRACT_LIMITS.maxExports + 1 }, (_, i) => `export function f${i}() {}`).join('\n'),
  size: `export function init() {}${' '.repeat(CONTRACT_LIMITS.maxSourceLength)}`,
  reverts: `import x from 'y';\nexport function init() {}`,
  valid: `export function init() { let x = 0; x = x + 1; }`,
};

describe('sources refused under a consensus limit', () => {
  let engine: ContractEngine;
  beforeAll(async () => {
    engine = await loadContractEngine();
  });

  it('are refused again from memory with the verdict preparing them gives, each prepared once', () => {
    const prepared: string[] = [];
    const executor = new QuickJsExecutor(engine, (source) => {
      prepared.push(source);
      return prepareContract(source);
    });
    const verdicts = Object.entries(SOURCES).map(([name, source]) => {
      const direct = verdict(() => prepareContract(source));
      expect(verdict(() => executor.checkPayload(deploy(source))), name).toBe(direct);
      expect(verdict(() => executor.checkPayload(deploy(source))), name).toBe(direct);
      return [name, direct.split(':')[0]];
    });
    expect(Object.fromEntries(verdicts)).toEqual({
      instrumentedDepth: 'bad-txns-contract-too-deep',
      sourceDepth: 'bad-txns-contract-too-deep',
      syntaxDepth: 'bad-txns-contract-too-deep',
      exports: 'bad-txns-contract-exports',
      size: 'bad-txns-contract-source-size',
      reverts: 'none',
      valid: 'none',
    });
    // The executor remembers refusals; the others' verdicts are prepareOnce's to remember (the default preparer).
    const refusedOnly = new Set(['instrumentedDepth', 'sourceDepth', 'syntaxDepth', 'exports', 'size']);
    expect(prepared).toEqual(Object.entries(SOURCES).flatMap(([name, source]) => (refusedOnly.has(name) ? [source] : [source, source])));
  });

  it('are told apart by every code unit, lone surrogates included', () => {
    const prepared: string[] = [];
    const executor = new QuickJsExecutor(engine, (source) => {
      prepared.push(source);
      return prepareContract(source);
    });
    // UTF-8 would encode both as U+FFFD: one hash for two sources.
    const a = `${SOURCES.instrumentedDepth!}//\ud800`;
    const b = `${SOURCES.instrumentedDepth!}//\ufffd`;
    for (const source of [a, b, a, b]) expect(verdict(() => executor.checkPayload(deploy(source)))).toMatch(/^bad-txns-contract-too-deep/);
    expect(prepared).toEqual([a, b]);
  });
});
