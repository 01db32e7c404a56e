import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTRACT_LIMITS,
  NETWORKS,
  RuleError,
  ZERO_ADDRESS,
  contractPayload,
  encodeTx,
  signTransfer,
  txHash,
  utf8ToBytes,
  type ContractView,
  type RejectCode,
  type TransferTx,
} from '@hackcoin/core';
import { Prefix, key } from '../store/keys.js';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { createContractEngine, type ContractEngine } from './engine.js';
import { HostFailure } from './errors.js';
import { QuickJsExecutor } from './executor.js';
import { prepareContract } from './instrument.js';
import { MemoryChain } from './memory-chain.js';
import { exampleSource } from './test-support.js';

function ruleOf(f: () => unknown): RejectCode | 'none' | 'other' {
  try {
    f();
    return 'none';
  } catch (e) {
    return e instanceof RuleError ? e.code : 'other';
  }
}

async function rejection(p: Promise<unknown>): Promise<RuleError> {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof RuleError)) throw new Error(`expected a RuleError, got ${String(err)}`);
  return err;
}

/** The largest repetition count that stays within the source size limit (at most 15,000). */
function widest(make: (n: number) => string): number {
  const unit = make(2).length - make(1).length;
  return Math.min(15_000, Math.floor((CONTRACT_LIMITS.maxSourceLength - make(1).length) / unit));
}

const fn = (body: string) => `export function f(a, b, c) { ${body} }`;

/** Sources whose nesting each of acorn's recursive productions (or the tree depth) must stop. */
const DEEP: [string, (n: number) => string][] = [
  ['a member chain (the finding: ~15,000 × .b, 30 KB)', (n) => fn(`return a${'.b'.repeat(n)};`)],
  ['parentheses', (n) => fn(`return ${'('.repeat(n)}1${')'.repeat(n)};`)],
  ['array literals', (n) => fn(`return ${'['.repeat(n)}${']'.repeat(n)};`)],
  ['object literals', (n) => fn(`return ${'{a:'.repeat(n)}1${'}'.repeat(n)};`)],
  ['prefix operators', (n) => fn(`return ${'!'.repeat(n)}a;`)],
  ['a left-associative operator chain', (n) => fn(`return 1${'+1'.repeat(n)};`)],
  ['exponent chains', (n) => fn(`return 1${'**1'.repeat(n)};`)],
  ['conditional chains', (n) => fn(`return ${'a?b:'.repeat(n)}c;`)],
  ['assignment chains', (n) => fn(`a${'=a'.repeat(n)};`)],
  ['arrow chains', (n) => fn(`return ${'a=>'.repeat(n)}1;`)],
  ['nested ifs without braces', (n) => fn(`${'if(a)'.repeat(n)}return;`)],
  ['else-if chains', (n) => fn(`if(a);${'else if(a);'.repeat(n)}`)],
  ['nested blocks', (n) => fn(`${'{'.repeat(n)}${'}'.repeat(n)}`)],
  ['labels', (n) => fn(`${Array.from({ length: n }, (_, i) => `l${i.toString(36).padStart(4, '0')}:`).join('')};`)],
  ['nested functions', (n) => fn(`${'function g(){'.repeat(n)}${'}'.repeat(n)}`)],
  ['new chains', (n) => fn(`return ${'new '.repeat(n)}a;`)],
  ['template substitutions', (n) => fn(`return ${'`${'.repeat(n)}1${'}`'.repeat(n)};`)],
  ['destructuring patterns', (n) => fn(`let ${'['.repeat(n)}x${']'.repeat(n)} = a;`)],
  ['call arguments', (n) => fn(`return ${'a('.repeat(n)}${')'.repeat(n)};`)],
  ['regex groups', (n) => fn(`return /${'('.repeat(n)}x${')'.repeat(n)}/;`)],
  ['class heritage', (n) => fn(`return ${'class extends '.repeat(n)}a{}${'{}'.repeat(n - 1)};`)],
  ['call chains', (n) => fn(`return a${'()'.repeat(n)};`)],
  ['index chains', (n) => fn(`return a${'[0]'.repeat(n)};`)],
];

describe('contract source limits (consensus, independent of the host stack)', () => {
  it.each(DEEP)('rejects deep %s as bad-txns-contract-too-deep', (_name, make) => {
    expect(ruleOf(() => prepareContract(make(widest(make))))).toBe('bad-txns-contract-too-deep');
    expect(ruleOf(() => prepareContract(make(Math.max(CONTRACT_LIMITS.maxParseDepth, CONTRACT_LIMITS.maxSyntaxDepth))))).toBe('bad-txns-contract-too-deep');
    // Honest code nests a few levels.
    expect(ruleOf(() => prepareContract(make(8)))).not.toMatch(/^bad-txns/);
  });

  it('the finding: a 30 KB `a.b.b.b…` deploy is a rule violation, not a RangeError', () => {
    const source = fn(`return a${'.b'.repeat(15_000)};`);
    expect(source.length).toBeGreaterThan(30_000);
    const err = (() => {
      try {
        prepareContract(source);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RuleError);
    expect((err as RuleError).code).toBe('bad-txns-contract-too-deep');
  });

  it('bounds the tree depth exactly and the source size and exports count', () => {
    // Program > export > function > block > return > n member expressions > identifier.
    const chain = (n: number) => `export function f(a) { return a${'.b'.repeat(n)}; }`;
    const fits = CONTRACT_LIMITS.maxSyntaxDepth - 6;
    expect(ruleOf(() => prepareContract(chain(fits)))).toBe('none');
    expect(ruleOf(() => prepareContract(chain(fits + 1)))).toBe('bad-txns-contract-too-deep');
    const pad = (n: number) => `export function f() {}\n//${'x'.repeat(n - 25)}`;
    expect(ruleOf(() => prepareContract(pad(CONTRACT_LIMITS.maxSourceLength)))).toBe('none');
    expect(ruleOf(() => prepareContract(pad(CONTRACT_LIMITS.maxSourceLength + 1)))).toBe('bad-txns-contract-source-size');
    const exports = (n: number) => Array.from({ length: n }, (_, i) => `export function f${i}() {}`).join('\n');
    expect(ruleOf(() => prepareContract(exports(CONTRACT_LIMITS.maxExports)))).toBe('none');
    expect(ruleOf(() => prepareContract(exports(CONTRACT_LIMITS.maxExports + 1)))).toBe('bad-txns-contract-exports');
  });

  it('accepts every bundled example', () => {
    for (const name of ['token', 'voting', 'auction', 'multisig'] as const) {
      expect(prepareContract(exampleSource(name)).exports.length).toBeGreaterThan(0);
    }
  });
});

describe('contract argument limits (checked on the bytes, before JSON.parse)', () => {
  const params = NETWORKS.regtest;
  const payloadTx = (args: string): TransferTx => ({
    kind: 'transfer', chainId: params.chainId, nonce: 0n, fee: 1_000_000n, to: W.alice.address, amount: 0n,
    data: utf8ToBytes(`{"type":"call","fn":"f","args":${args},"gasLimit":1000000,"gasPrice":"1"}`),
    publicKey: new Uint8Array(33), signature: new Uint8Array(64),
  });
  const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('the finding: arguments nested 5,000 deep are bad-txns-contract-args-too-deep', () => {
    expect(ruleOf(() => contractPayload(payloadTx(nested(5_000)), params))).toBe('bad-txns-contract-args-too-deep');
  });

  it('allows exactly maxArgsDepth levels of arguments', () => {
    expect(ruleOf(() => contractPayload(payloadTx(nested(CONTRACT_LIMITS.maxArgsDepth)), params))).toBe('none');
    expect(ruleOf(() => contractPayload(payloadTx(nested(CONTRACT_LIMITS.maxArgsDepth + 1)), params))).toBe('bad-txns-contract-args-too-deep');
    // Brackets inside strings are not nesting.
    expect(ruleOf(() => contractPayload(payloadTx(`["${'['.repeat(5_000)}"]`), params))).toBe('none');
  });
});

describe('values leaving the VM', () => {
  let engine: ContractEngine;
  beforeAll(async () => {
    engine = await createContractEngine();
  });

  const run = (body: string, args: unknown[] = []) => {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('c', `export function run(x) { ${body} }\nexport function echo(v) { return v; }`, 'alice').status).toBe('success');
    return chain.call('c', 'run', args, 'alice', 0n, 20_000_000);
  };
  const deep = (n: number) => `let v = 1; for (let i = 0; i < ${n}; i++) v = [v];`;
  const max = CONTRACT_LIMITS.maxValueDepth;

  it.each([
    ['return values', (n: number) => `${deep(n)} return v;`, 'return value nests deeper'],
    ['event data', (n: number) => `${deep(n)} emit('E', v);`, 'event data nests deeper'],
    ['storage values', (n: number) => `${deep(n)} storage.set('k', v);`, 'storage value nests deeper'],
    ['nested-call arguments', (n: number) => `${deep(n - 1)} return call(msg.contract, 'echo', [v]);`, 'call arguments nests deeper'],
  ])('bounds the nesting of %s (revert recorded, gas charged)', (_name, body, reason) => {
    const ok = run(body(max));
    expect(ok.status).not.toBe('reverted');
    const over = run(body(max + 1));
    expect(over.status).toBe('reverted');
    expect(over.revertReason).toContain(reason);
    expect(over.gasUsed).toBeGreaterThan(0);
  });

  it('caps JSON.stringify nesting inside the VM (QuickJS recurses natively per level)', () => {
    const nest = (n: number) => run(`${deep(n)} return JSON.stringify(v).length;`);
    expect(nest(CONTRACT_LIMITS.maxJsonDepth).returnValue).toBe(2 * CONTRACT_LIMITS.maxJsonDepth + 1);
    expect(nest(CONTRACT_LIMITS.maxJsonDepth + 1).revertReason).toBe(`RangeError: JSON nests deeper than ${CONTRACT_LIMITS.maxJsonDepth}`);
  });

  it('bounds the number of events and the length of the return value', () => {
    const events = (n: number) => run(`for (let i = 0; i < ${n}; i++) emit('E', i);`);
    expect(events(CONTRACT_LIMITS.maxEvents).events).toHaveLength(CONTRACT_LIMITS.maxEvents);
    expect(events(CONTRACT_LIMITS.maxEvents + 1).revertReason).toContain(`more than ${CONTRACT_LIMITS.maxEvents} events`);
    // Strings a contract holds are at most LIMITS.maxStringLength long: a long return value is made of several.
    const text = (n: number) => run(`const p = 'x'.repeat(4000); return [p, p, p, p, 'x'.repeat(${n - 16_016})];`);
    expect(text(CONTRACT_LIMITS.maxReturnLength).status).toBe('success');
    expect(text(CONTRACT_LIMITS.maxReturnLength + 1).revertReason).toContain('return value longer than');
  });
});

describe('deep transactions in the chain', () => {
  const fixtures: ChainFixture[] = [];
  afterEach(async () => {
    for (const f of fixtures.splice(0)) await f.close();
  });

  const tx = (f: ChainFixture, from: Wallet, to: Uint8Array, payload: string, fee = 2_000_000n): TransferTx =>
    signTransfer(
      { kind: 'transfer', chainId: f.params.chainId, nonce: 0n, fee, to, amount: 0n, data: utf8ToBytes(payload) },
      from.privateKey,
    );

  it('neither the mempool nor a block takes the deep deploy or the deep call; mining goes on', async () => {
    const f = await ChainFixture.create();
    fixtures.push(f);
    await f.mine(2, { miner: W.minerA });
    const deepDeploy = tx(f, W.minerA, ZERO_ADDRESS, JSON.stringify({
      type: 'deploy', code: fn(`return a${'.b'.repeat(15_000)};`), init: [], gasLimit: 30_000_000, gasPrice: '1',
    }), 30_000_000n);
    const deepCall = tx(f, W.minerA, W.bob.address,
      `{"type":"call","fn":"f","args":${'['.repeat(5_000)}${']'.repeat(5_000)},"gasLimit":2000000,"gasPrice":"1"}`);
    expect((await rejection(f.mempool.add(deepDeploy))).code).toBe('bad-txns-contract-too-deep');
    expect((await rejection(f.mempool.add(deepCall))).code).toBe('bad-txns-contract-args-too-deep');
    expect(f.mempool.size).toBe(0);
    const tip = f.chain.tip.hash;
    for (const [t, code] of [[deepDeploy, 'bad-txns-contract-too-deep'], [deepCall, 'bad-txns-contract-args-too-deep']] as const) {
      const branch = await f.branch();
      expect((await rejection(f.chain.processBlock(branch.next({ txs: [t] })))).code).toBe(code);
      expect(f.chain.tip.hash).toEqual(tip);
    }
    await f.mine(1);
    expect(f.chain.height).toBe(3);

    // A node that persisted them before this rule drops them at restart and keeps mining.
    for (const t of [deepDeploy, deepCall]) await f.db.put(key(Prefix.mempool, txHash(t)), encodeTx(t));
    await f.reopen();
    expect(f.mempool.size).toBe(0);
    expect(await f.db.get(key(Prefix.mempool, txHash(deepDeploy)))).toBeUndefined();
    await f.mine(1);
    expect(f.chain.height).toBe(4);
  });
});

describe('instrumented nesting (what QuickJS compiles on the host stack)', () => {
  let engine: ContractEngine;
  beforeAll(async () => {
    engine = await createContractEngine();
  });

  it('caps a `+` chain once, so a long honest concatenation deploys and an oversized one still runs out of gas', () => {
    const terms = 80;
    const chain = new MemoryChain(engine);
    const source = `export function cat(a) { return 'x'${" + a + '-'".repeat(terms / 2)}; }
      export function big() { const s = 'x'.repeat(3000); return (s + '') + s + 'y'; }`;
    expect(chain.deploy('c', source, 'alice').status).toBe('success');
    expect(chain.call('c', 'cat', ['a'], 'alice').returnValue).toBe(`x${'a-'.repeat(terms / 2)}`);
    expect(chain.call('c', 'big', [], 'alice').status).toBe('out-of-gas');
  });

  it('rejects nesting that only metering adds (a `+=` chain) under the instrumented limit', () => {
    const chain = (n: number) => `export function f(a) { let x = ''; return ${'x += '.repeat(n)}a; }`;
    expect(ruleOf(() => prepareContract(chain(4)))).toBe('none');
    expect(ruleOf(() => prepareContract(chain(40)))).toBe('bad-txns-contract-too-deep');
  });
});

describe('host failures are not verdicts', () => {
  it('a chain-state read that fails reaches the chain as HostFailure, not the contract as a catchable error', async () => {
    const executor = new QuickJsExecutor(await createContractEngine());
    const contract = new Uint8Array(20).fill(5);
    const block = { height: 1, time: 1 };
    const code = prepareContract(`export function f() { try { return storage.get('k'); } catch (e) { return 'caught'; } }
      export function g() { try { return balance(); } catch (e) { return 'caught'; } }`).code;
    const failing: ContractView = {
      balanceOf: () => { throw new Error('disk gone'); },
      storageGet: () => { throw new Error('disk gone'); },
      codeOf: () => undefined,
    };
    for (const fn of ['f', 'g']) {
      const call = { kind: 'call' as const, contract, sender: contract, value: 0n, code, fn, args: [], gasLimit: 1_000_000, block };
      expect(() => executor.execute(call, failing)).toThrow(HostFailure);
      // The engine is usable afterwards, and a healthy read gives the normal result.
      const healthy: ContractView = { balanceOf: () => 7n, storageGet: () => '"v"', codeOf: () => undefined };
      expect(executor.execute(call, healthy).returnValue).toBe(fn === 'f' ? 'v' : '7');
    }
  });

  it('any exception a host function throws, other than a deliberate contract error, is a HostFailure', async () => {
    const engine = await createContractEngine();
    const code = prepareContract(`export function f(to) { try { transfer(to, 1); return 'paid'; } catch (e) { return String(e); } }`).code;
    const block = { height: 1, time: 1 };
    const req = { code, fn: 'f', sender: 'a', value: 0n, contractAddress: 'c', block, gasLimit: 1_000_000, readOnly: false };
    // A host that breaks (a bug, not chain state) while the contract is running.
    const broken = {
      balanceOf: (a: string): bigint => { if (a === 'c') return 10n; throw new TypeError('bug'); },
      storageGet: () => undefined,
      codeOf: () => undefined,
    };
    const bug = (): unknown => engine.execute({ ...req, args: ['d'], host: broken });
    expect(bug).toThrow(HostFailure);
    // Deliberate errors stay catchable reverts of the contract's own making, the same on every node.
    const healthy = { balanceOf: (a: string): bigint => (a === 'c' ? 0n : 5n), storageGet: () => undefined, codeOf: () => undefined };
    expect(engine.execute({ ...req, args: ['d'], host: healthy }).returnValue).toBe('Error: insufficient contract balance');
    expect(engine.execute({ ...req, args: ['d'], host: broken, readOnly: true }).returnValue).toBe('Error: state change in a read-only call');
  });
});
