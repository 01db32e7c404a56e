import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  NETWORKS,
  RuleError,
  addressKey,
  contractPayload,
  utf8ToBytes,
  ZERO_ADDRESS,
  type ContractOutcome,
  type ContractView,
  type TransferTx,
} from '@hackcoin/core';
import { createContractEngine } from './engine.js';
import { ContractError } from './errors.js';
import { QuickJsExecutor } from './executor.js';
import { prepareContract } from './instrument.js';
import { exampleSource } from './test-support.js';

/**
 * Adversarial tier: random and mutated contract sources, payload bytes and
 * arguments. The only outcomes allowed are acceptance, a RuleError, a
 * ContractError (an unacceptable source: the deploy reverts) or a receipt
 * status. CONTRACT_FUZZ_RUNS=N runs N cases per property (default 2,000 for
 * the static checks, a tenth of that through the VM).
 */
const RUNS = Number(process.env.CONTRACT_FUZZ_RUNS ?? 2_000);
const VM_RUNS = Math.max(50, Math.floor(RUNS / 10));
const params = NETWORKS.regtest;
const EXAMPLES = (['token', 'voting', 'auction', 'multisig'] as const).map(exampleSource);
const NESTING_TOKENS = ['(', '[', '{', '!', '.b', '+1', 'a=>', '`${', 'if(a)', 'new ', '-', '/(', 'function(){', '[...', 'x=', '?a:', '**2'];

type Verdict = 'ok' | 'rule' | 'revert';

function classify(f: () => unknown): Verdict {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof RuleError) return 'rule';
    if (e instanceof ContractError) return 'revert';
    throw e;
  }
}

/** A mutation of `text`: truncated, extended, bit-flipped, spliced, deeply nested or blown up. */
function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    base.chain((s) => fc.nat(s.length).map((i) => s.slice(0, i))),
    fc.tuple(base, fc.string({ unit: 'binary', maxLength: 200 })).map(([s, tail]) => s + tail),
    base.chain((s) =>
      fc.tuple(fc.nat(Math.max(0, s.length - 1)), fc.nat(15)).map(([i, bit]) =>
        s.slice(0, i) + String.fromCharCode((s.charCodeAt(i) || 32) ^ (1 << bit)) + s.slice(i + 1)),
    ),
    base.chain((s) =>
      fc.tuple(fc.nat(s.length), fc.constantFrom(...NESTING_TOKENS), fc.integer({ min: 1, max: 20_000 })).map(
        ([i, token, n]) => s.slice(0, i) + token.repeat(n) + s.slice(i),
      ),
    ),
    base.chain((s) => fc.tuple(fc.nat(s.length), fc.nat(s.length)).map(([a, b]) => s + s.slice(Math.min(a, b), Math.max(a, b)))),
    base.map((s) => `\uFEFF${s.replace(/\n/g, '\r\n').replace(/function/g, 'function\u00a0')}`),
  );
}

const sources = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 500 }),
  mutated(fc.constantFrom(...EXAMPLES)),
  mutated(mutated(fc.constantFrom(...EXAMPLES))),
  fc.constantFrom(...NESTING_TOKENS).chain((t) => fc.integer({ min: 1, max: 30_000 }).map((n) => `export function f(a) { return ${t.repeat(n)}a; }`)),
);

function payloadBytes(): fc.Arbitrary<Uint8Array> {
  const valid = fc.oneof(
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify({ type: 'call', fn: 'f', args: [v], gasLimit: 1_000_000, gasPrice: '1' })),
    fc.constantFrom(...EXAMPLES).map((code) => JSON.stringify({ type: 'deploy', code, init: [], gasLimit: 1_000_000, gasPrice: '1' })),
    fc.integer({ min: 1, max: 60_000 }).map((n) => `{"type":"call","fn":"f","args":${'['.repeat(n)}${']'.repeat(n)},"gasLimit":1000000,"gasPrice":"1"}`),
    fc.constant('{"type":"call","type":"deploy","fn":"f","args":[],"gasLimit":1e6,"gasPrice":"01"}'),
    fc.constant('{ "type" : "call" , "fn" : "\\u0066" , "args" : [ -0 , 1E400 ] , "gasLimit" : 1000000 , "gasPrice" : "1" }'),
  );
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    mutated(valid).map((s) => utf8ToBytes(s)),
    valid.chain((s) =>
      fc.tuple(fc.nat(Math.max(0, s.length - 1)), fc.nat(7)).map(([i, bit]) => {
        const bytes = utf8ToBytes(s);
        if (bytes.length > 0) bytes[i % bytes.length]! ^= 1 << bit;
        return bytes;
      }),
    ),
  );
}

function txWith(data: Uint8Array, to: Uint8Array, fee = 1_000_000n): TransferTx {
  return {
    kind: 'transfer', chainId: params.chainId, nonce: 0n, fee, to, amount: 0n, data,
    publicKey: new Uint8Array(33), signature: new Uint8Array(64),
  };
}

describe('static checks take any source or payload to a verdict', () => {
  it('prepareContract: instrumented code, RuleError or ContractError, nothing else', () => {
    const seen: Record<Verdict, number> = { ok: 0, rule: 0, revert: 0 };
    fc.assert(
      fc.property(sources, (source) => {
        seen[classify(() => prepareContract(source))]++;
      }),
      { numRuns: RUNS },
    );
    // The generators reach all three verdicts.
    expect(Math.min(seen.ok, seen.rule, seen.revert)).toBeGreaterThan(RUNS / 100);
  });

  it('contractPayload: a payload or a RuleError, for any bytes', () => {
    fc.assert(
      fc.property(payloadBytes(), fc.boolean(), (data, toZero) => {
        expect(['ok', 'rule']).toContain(classify(() => contractPayload(txWith(data, toZero ? ZERO_ADDRESS : new Uint8Array(20).fill(7)), params)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the VM takes any deploy or argument to a receipt', () => {
  let executor: QuickJsExecutor;
  const storage = new Map<string, string>();
  const code = new Map<string, string>();
  const view: ContractView = {
    balanceOf: () => 10n ** 12n,
    storageGet: (a, k) => storage.get(`${a}/${k}`),
    codeOf: (a) => code.get(a),
  };
  const contract = new Uint8Array(20).fill(9);
  const sender = new Uint8Array(20).fill(1);
  const block = { height: 10, time: 1_800_000_000 };

  const statuses = new Map<string, number>();
  function checkOutcome(out: ContractOutcome): void {
    expect(['success', 'reverted', 'out-of-gas']).toContain(out.status);
    statuses.set(out.status, (statuses.get(out.status) ?? 0) + 1);
    expect(Number.isSafeInteger(out.gasUsed)).toBe(true);
    // Receipts must always be encodable.
    expect(typeof JSON.stringify({ r: out.returnValue, e: out.events, s: [...out.storageWrites] })).toBe('string');
  }

  beforeAll(async () => {
    executor = new QuickJsExecutor(await createContractEngine());
    const token = executor.execute(
      { kind: 'deploy', contract, sender, value: 0n, code: exampleSource('token'), fn: 'init', args: ['T', 'T', 0, 1_000_000], gasLimit: 5_000_000, block },
      view,
    );
    expect(token.status).toBe('success');
    code.set(addressKey(contract), token.code!);
    for (const [k, v] of token.storageWrites) if (v !== null) storage.set(`${addressKey(contract)}/${k}`, v);
  });

  it('deploys of random and mutated sources: RuleError or a receipt', () => {
    fc.assert(
      fc.property(sources, fc.integer({ min: 0, max: 2_000_000 }), (source, gasLimit) => {
        const payload = { type: 'deploy' as const, code: source, init: [], gasLimit: gasLimit + 1, gasPrice: 1n };
        let checked = true;
        try {
          executor.checkPayload(payload);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          checked = false;
        }
        if (checked) {
          checkOutcome(executor.execute({ kind: 'deploy', contract: new Uint8Array(20).fill(3), sender, value: 0n, code: source, fn: 'init', args: [], gasLimit, block }, view));
        }
      }),
      { numRuns: VM_RUNS },
    );
  });

  it('calls with random, deep and odd arguments: RuleError at the payload or a receipt', () => {
    const deep = fc.integer({ min: 1, max: 40 }).map((d) => {
      let v: unknown = 'x';
      for (let i = 0; i < d; i++) v = i % 2 ? [v] : { k: v };
      return v;
    });
    const arg = fc.oneof(fc.jsonValue({ maxDepth: 5 }), deep, fc.string({ unit: 'binary', maxLength: 3_000 }));
    fc.assert(
      fc.property(
        fc.constantFrom('transfer', 'balanceOf', 'approve', 'transferFrom', 'allowance', 'name', 'init', 'nope', 'toString', '__proto__'),
        fc.array(arg, { maxLength: 4 }),
        fc.integer({ min: 0, max: 3_000_000 }),
        (fn, args, gasLimit) => {
          const data = utf8ToBytes(JSON.stringify({ type: 'call', fn, args, gasLimit: 3_000_000, gasPrice: '1' }));
          let payload;
          try {
            // The fee must be gasLimit × gasPrice, or every payload is refused before the VM.
            payload = contractPayload(txWith(data, contract, 3_000_000n), params);
          } catch (e) {
            if (!(e instanceof RuleError)) throw e;
            return;
          }
          if (payload.type !== 'call') throw new Error('expected a call payload');
          checkOutcome(executor.execute(
            { kind: 'call', contract, sender, value: 0n, code: code.get(addressKey(contract))!, fn: payload.fn, args: payload.args, gasLimit, block },
            view,
          ));
        },
      ),
      // Generated arguments rarely fit a function; the examples make sure some calls do.
      { numRuns: VM_RUNS, examples: [['name', [], 3_000_000], ['balanceOf', ['x'], 3_000_000]] },
    );
    // Calls really ran, to every kind of end.
    expect([...statuses.keys()].sort()).toEqual(['out-of-gas', 'reverted', 'success']);
  });
});
