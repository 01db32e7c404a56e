import { beforeAll, describe, expect, it } from 'vitest';
import { createContractEngine, loadContractEngine, type ContractEngine } from './engine.js';
import { coldCodeGas } from './access-set.js';
import { GAS } from './gas-schedule.js';
import { MemoryChain } from './memory-chain.js';
import { exampleSource } from './test-support.js';
import type { ExecutionRequest, ExecutionResult } from './types.js';
import type { VmPool } from './vm-pool.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

function poolOf(e: ContractEngine): VmPool {
  return (e as unknown as { pool: VmPool }).pool;
}

/** Hostile contract: pollutes everything it can reach, allocates, recurses, and calls itself nested. */
const POLLUTER = `let counter = 0;
const cache = {};
export function init() {}
export function pollute(tag) {
  counter++;
  cache[tag] = tag;
  Object.prototype.polluted = tag;
  Array.prototype.map = () => 'evil';
  JSON.parse = () => 'evil';
  Math.max = () => -1;
  globalThis.leak = tag;
  Object.defineProperty(globalThis, 'sticky', { value: tag, configurable: false, writable: false });
  String.prototype.evil = function () { return tag; };
  const keep = [];
  for (let i = 0; i < 64; i++) keep.push(new Uint8Array(64 * 1024));
  let d = 0;
  function f(n) { d = n; f(n + 1); }
  try { f(0); } catch (e) {}
  return [counter, Object.keys(cache).length, d, call(msg.contract, 'view', [])];
}
export function view() {
  counter++;
  Object.prototype.nestedPolluted = 1;
  return [counter, ({}).polluted, ({}).nestedPolluted, typeof leak, typeof sticky, [1].map((x) => x + 1),
    JSON.parse('1'), Math.max(1, 2), typeof ''.evil, Object.keys(cache).length];
}`;

const CLEAN_VIEW = [1, null, 1, 'undefined', 'undefined', [2], 1, 2, 'undefined', 0];

type Step = [address: string, fn: string, args: unknown[], sender: string];

const SEQUENCE: Step[] = [
  ['tok', 'transfer', ['bob', 250], 'alice'],
  ['evil', 'pollute', ['a'], 'alice'],
  ['tok', 'transfer', ['carol', 10], 'bob'],
  ['tok', 'transfer', ['carol', 1_000], 'bob'],
  ['evil', 'view', [], 'alice'],
  ['evil', 'pollute', ['b'], 'bob'],
  ['tok', 'approve', ['bob', 100], 'alice'],
  ['tok', 'transferFrom', ['alice', 'dave', 60], 'bob'],
  ['evil', 'view', [], 'carol'],
  ['tok', 'balanceOf', ['carol'], 'carol'],
];

/** Deploy both contracts and run SEQUENCE, asking `pick(i)` for the engine of step i (deploys are steps -2, -1). */
function runSequence(pick: (step: number) => ContractEngine): ExecutionResult[] {
  let step = -2;
  const switching = {
    execute: (req: ExecutionRequest): ExecutionResult => pick(step++).execute(req),
  } as unknown as ContractEngine;
  const chain = new MemoryChain(switching);
  const results = [
    chain.deploy('tok', exampleSource('token'), 'alice', ['Hack', 'HCK', 8, 1_000_000]),
    chain.deploy('evil', POLLUTER, 'alice'),
  ];
  for (const [address, fn, args, sender] of SEQUENCE) results.push(chain.call(address, fn, args, sender));
  return results;
}

describe('snapshots', () => {
  it('give the same results and gas as a brand-new engine for every call', async () => {
    const fresh = await Promise.all(Array.from({ length: SEQUENCE.length + 2 }, () => createContractEngine({ snapshotBytes: 0 })));
    const reference = runSequence((i) => fresh[i + 2] as ContractEngine);
    const cached = runSequence(() => engine);
    const again = runSequence(() => engine);
    expect(cached).toEqual(reference);
    expect(again).toEqual(reference);
    const polluted = reference[3] as ExecutionResult;
    expect(polluted.status).toBe('success');
    expect(polluted.returnValue).toEqual([1, 1, expect.any(Number), CLEAN_VIEW]);
    expect(reference[6]?.returnValue).toEqual(CLEAN_VIEW);
    expect(reference[10]?.returnValue).toEqual(CLEAN_VIEW);
    expect(reference.map((r) => r.status)).toContain('reverted');
  });

  it('hide every global, prototype and module variable written by one call from the next', () => {
    const chain = new MemoryChain(engine);
    chain.deploy('evil', POLLUTER, 'alice');
    for (let i = 0; i < 3; i++) {
      const polluted = chain.call('evil', 'pollute', [`t${i}`], 'alice');
      expect(polluted.returnValue).toEqual([1, 1, expect.any(Number), CLEAN_VIEW]);
      expect(chain.view('evil', 'view').returnValue).toEqual(CLEAN_VIEW);
    }
  });

  it('restore memory byte for byte, at every call depth, after allocation, recursion and running out of gas', () => {
    const pool = poolOf(engine);
    const chain = new MemoryChain(engine);
    chain.deploy('evil', POLLUTER, 'alice');
    const code = chain.codeOf('evil') as string;
    const before = pool.snapshotOf(code);
    expect(before).toBeDefined();
    const snap = before as NonNullable<typeof before>;
    expect(chain.call('evil', 'pollute', ['x'], 'alice').status).toBe('success');
    expect(chain.call('evil', 'pollute', ['x'], 'alice', 0n, 5_000).status).toBe('out-of-gas');
    for (const depth of [0, 1]) {
      const slot = pool.slot(depth);
      expect(slot.matches(snap)).toBe(false);
      slot.restore(snap);
      expect(slot.matches(snap)).toBe(true);
    }
    // The pristine snapshot is unchanged by the calls that ran from it.
    expect(pool.snapshotOf(code)).toBe(snap);
  });

  it('keep the snapshot cache within its memory bound (LRU)', async () => {
    const small = await createContractEngine({ snapshotBytes: 1_500_000 });
    const chain = new MemoryChain(small);
    for (let i = 0; i < 8; i++) {
      expect(chain.deploy(`c${i}`, `export function get() { return ${i}; }`, 'alice').status).toBe('success');
    }
    const stats = small.snapshotStats();
    expect(stats.bytes).toBeLessThanOrEqual(1_500_000);
    expect(stats.snapshots).toBeGreaterThan(0);
    expect(stats.snapshots).toBeLessThan(8);
    for (let i = 0; i < 8; i++) expect(chain.view(`c${i}`, 'get').returnValue).toBe(i);
  });

  it('charge exactly the gas of the engine before snapshots (stack depths and regex polls included)', () => {
    // Figures recorded with the previous engine (fresh runtime and full prelude parse per call), plus
    // the warm account access (100 gas) each of the three nested calls now pays; the depths (and so
    // the gas) are those of the 32 KiB QuickJS stack limit (was 128 KiB: [675, 334, 164], 33,237). With the
    // prelude evaluated once into the base snapshot the depths are unchanged; the gas rose from 19,797 with
    // the measured built-in prices (strings 4 code units per gas, JSON.parse of nested-call results, JSON output).
    // The regex figure rose from 12,540,081 the same way (its input and the repeat are charged per 4 code units).
    // Both now add the cold-code price of the contract, paid once per transaction (its nested calls to itself are warm),
    // and `n + 1` in f pays for its string cap (GAS.operandCheck) on each of the 163 + 78 + 36 + 3 entries of f
    // (the regex's `+` once). Since errors pay for their stack walk (GAS.errorFrameBase and errorCharsPerGas), each of the
    // three stack-overflow errors caught in depth() also pays per line of its stack and 3 per charsPerGas characters of
    // it (209,075 in all; 202,463 before the characters were charged), and the four
    // return values (17 bytes of JSON) pay GAS.returnPerByte each. Sealing function prototypes (see
    // chainLength in the prelude) adds GAS.prototypeSeal per function declaration where its scope is charged:
    // the four top-level ones on each of the 4 runs of the module and f on each of the 3 runs of depth(),
    // and the seal of f in depth()'s body makes the largest function longer, 1 gas more for each of the
    // three overflow errors' stack walks. Closures and entries (see analyseScopes in instrument.ts) add, on each of
    // the 4 runs of the module, its 4 bindings and the 17 variables the top-level functions capture (depth: 6 helpers;
    // nested: depth, call, 2 helpers; twice: call, 2 helpers; regex: 4 helpers), on each of the 3 runs of depth() its
    // 3 bindings (d, f, e) and the 6 captures of f (d, f, 4 helpers), and on each of the 280 entries of f its parameter.
    // Since operands of + are checked for numbers slow to write as strings (GAS.inlineCheck), each entry of f pays
    // for `n`, and depth, f and regex capture one helper more (__hc_n): 19 captures per run of the module, 7 for f.
    // The regex's left operand (a call) is checked once.
    const chain = new MemoryChain(engine);
    chain.deploy('c', `export function depth() { let d = 0; function f(n) { d = n; f(n + 1); } try { f(0); } catch (e) {} return d; }
      export function nested() { return [depth(), call('c', 'depth', []), call('c', 'twice', [])]; }
      export function twice() { return call('c', 'depth', []); }
      export function regex() { return /(a+)+$/.test('a'.repeat(19) + 'b'); }`, 'alice');
    const nested = chain.call('c', 'nested', [], 'alice', 0n, 50_000_000);
    const cold = coldCodeGas(chain.codeOf('c')!.length);
    expect([nested.returnValue, nested.gasUsed]).toEqual([[163, 78, 36], 21_085 + 280 * (GAS.operandCheck + GAS.inlineCheck) + 209_075 + 17 * GAS.returnPerByte + cold + (4 * 4 + 3) * GAS.prototypeSeal + 3 +
      4 * (19 * GAS.captureVar + 4 * GAS.binding) + 3 * (7 * GAS.captureVar + 3 * GAS.binding) + 280 * GAS.parameter]);
    const regex = chain.call('c', 'regex', [], 'alice', 0n, 50_000_000);
    // repeat() pays a wrapped built-in's entry (GAS.wrapperEntry) since wrappers called as callbacks were priced,
    // the 5 bytes of `false` returned GAS.returnPerByte each, and the seals of the four top-level functions; and one
    // run of the module's bindings and captures (as above).
    // The exec also pays its input's length times the pattern's (20 × 6 characters, see exec in the prelude).
    // The one exec pays GAS.regexBase (20 when the figure was recorded: 12,540,212 is the rest).
    expect([regex.returnValue, regex.gasUsed]).toEqual([false, 12_540_212 + GAS.regexBase + GAS.operandCheck + GAS.inlineCheck + GAS.wrapperEntry + 5 * GAS.returnPerByte + cold + 4 * GAS.prototypeSeal +
      19 * GAS.captureVar + 4 * GAS.binding + Math.ceil((20 * 6) / GAS.searchComparisonsPerGas)]);
  });
});
