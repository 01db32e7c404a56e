import { afterEach, describe, expect, it } from 'vitest';
import {
  COIN,
  ZERO_ADDRESS,
  addressKey,
  contractAddress,
  hashMeetsTarget,
  hashToHex,
  headerHash,
  signTransfer,
  txHash,
  utf8ToBytes,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractView,
  type TransferTx,
} from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { Miner } from './miner.js';
import { MAX_CANDIDATE_FAILURES, createTemplate } from './template.js';
import type { RemovalReason } from '../mempool/mempool.js';

const MARK = 'HOST_FAILURE';
/** Code carrying this "succeeds" paying out more than the contract holds: core's applyContractTx throws a plain Error on it. */
const OVERPAY = 'OVERPAY';

/**
 * The real contract VM, except that code carrying MARK fails the way a host
 * does when a hostile input gets past every limit (a stack overflow outside
 * QuickJS): the test seam for "a transaction whose execution throws
 * something other than a RuleError".
 */
class HostFailingExecutor implements ContractExecutor {
  calls = 0;
  /** The function each execution ran ('init' for a deploy), in order. */
  readonly ran: string[] = [];
  constructor(private readonly real: ContractExecutor) {}
  execute(call: ContractCall, view: ContractView): ContractOutcome {
    this.calls++;
    this.ran.push(call.fn);
    if (call.code.includes(MARK)) throw new RangeError('Maximum call stack size exceeded');
    const outcome = this.real.execute(call, view);
    if (call.kind === 'call' && call.code.includes(OVERPAY) && outcome.status === 'success') return { ...outcome, transfers: [{ to: call.sender, amount: 10n * COIN }] };
    return outcome;
  }
}

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

function deploy(f: ChainFixture, from: Wallet, nonce: bigint, code: string): TransferTx {
  const gasLimit = 1_000_000;
  const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code, init: [], gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit), to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
}

/** A call of `fn` on `to` declaring `gasLimit` at gas price 10 (enough for the relay floor up to ~2M gas). */
function call(f: ChainFixture, from: Wallet, nonce: bigint, to: Uint8Array, fn: string, gasLimit = 200_000): TransferTx {
  const data = utf8ToBytes(JSON.stringify({ type: 'call', fn, args: [], gasLimit, gasPrice: '10' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit) * 10n, to, amount: 0n, data }, from.privateKey);
}

/**
 * Makes the chain's account reads throw a plain Error (not a storage error) for `sender`, as a test seam for a
 * non-rule failure core cannot skip by itself (CandidateFailure); counts the assemblies that read accounts.
 */
function failingReadsFor(f: ChainFixture, sender: Wallet): { assemblies: number } {
  const seen = { assemblies: 0 };
  const chain = f.chain as unknown as { accountReader: (keys: readonly string[]) => Promise<(k: string) => unknown> };
  const real = chain.accountReader.bind(f.chain);
  const poisoned = addressKey(sender.address);
  chain.accountReader = async (keys) => {
    seen.assemblies++;
    const load = await real(keys);
    return (k: string) => {
      if (k === poisoned) throw new Error('simulated read failure');
      return load(k);
    };
  };
  return seen;
}

const id = (tx: TransferTx) => hashToHex(txHash(tx));

describe('block templates survive any mempool', () => {
  it('a transaction that throws a host error while the template is built is left out and evicted (with its sender’s later nonces); the block is mined without it', async () => {
    const executor = new HostFailingExecutor(new QuickJsExecutor(await loadContractEngine()));
    const f = await ChainFixture.create({ executor });
    fixtures.push(f);
    await f.mine(2);
    await f.mine(1, { miner: W.minerB });

    const pay = f.tx(W.minerA, W.alice, 3n * COIN, { nonce: 0n });
    const poison = deploy(f, W.minerA, 1n, `export function init() {} // ${MARK}`);
    const after = f.tx(W.minerA, W.carol, 1n * COIN, { nonce: 2n });
    const other = f.tx(W.minerB, W.dave, 2n * COIN, { nonce: 0n });
    const fine = deploy(f, W.minerB, 1n, 'export function init() { storage.set("k", 1); }');
    for (const tx of [pay, poison, after, other, fine]) await f.mempool.add(tx);
    expect(f.mempool.size).toBe(5);
    const removed: [string, RemovalReason][] = [];
    f.mempool.on('tx:removed', (e, reason) => removed.push([e.id, reason]));

    const miner = new Miner(f.chain, f.mempool, f.log, { threads: 1 });
    const [blockId] = await miner.generate(1, W.minerA.address);
    await f.settle();

    expect(f.chain.tip.id).toBe(blockId);
    const block = (await f.chain.getBlock(f.chain.tip))!;
    expect(block.txs.slice(1).map((tx) => id(tx as TransferTx)).sort()).toEqual([id(pay), id(other), id(fine)].sort());
    expect(removed).toEqual(expect.arrayContaining([[id(poison), 'invalid'], [id(after), 'invalid']]));
    expect(f.mempool.size).toBe(0);
    expect(f.mempool.get(id(poison))).toBeUndefined();
    expect(await f.balance(W.alice)).toBe(3n * COIN);
    expect(await f.balance(W.dave)).toBe(2n * COIN);
    expect(await f.balance(W.carol)).toBe(0n);
    expect((await f.account(W.minerA)).nonce).toBe(1n);
    expect((await f.chain.contracts.receipt(txHash(fine)))?.status).toBe('success');

    // The next template is built and mined as usual, and the sender can go on from its next nonce.
    await f.mempool.add(f.tx(W.minerA, W.carol, 1n * COIN, { nonce: 1n }));
    await miner.generate(1, W.minerA.address);
    expect(f.chain.height).toBe(5);
    expect(await f.balance(W.carol)).toBe(1n * COIN);
  });

  it('a storage error while the template is built fails that template only and evicts nothing', async () => {
    const f = await ChainFixture.create();
    fixtures.push(f);
    await f.mine(2);
    const d = deploy(f, W.minerA, 0n, 'export function init() { storage.set("k", 1); }');
    await f.mempool.add(d);
    // A deploy creates the account at its contract address, read on demand while the block is assembled.
    const db = f.db as unknown as { getSync: (k: Uint8Array) => Uint8Array | undefined };
    const real = db.getSync.bind(f.db);
    db.getSync = () => {
      throw Object.assign(new Error('IO error: simulated'), { code: 'LEVEL_IO_ERROR' });
    };
    const failed = await createTemplate(f.chain, f.mempool, W.minerA.address, new Uint8Array(1)).then(() => null, (e: unknown) => e);
    db.getSync = real;
    expect((failed as { code?: string }).code).toBe('LEVEL_IO_ERROR');
    expect(f.mempool.get(id(d))).toBeDefined();
    const t = await createTemplate(f.chain, f.mempool, W.minerA.address, new Uint8Array(1));
    expect(t.txs.slice(1).map((tx) => id(tx as TransferTx))).toEqual([id(d)]);
  });

  it('a host failure, or an outcome core refuses with a plain Error, leaves that transaction out without assembling again; it is evicted and refused when relayed again, a deploy also by its source', async () => {
    const executor = new HostFailingExecutor(new QuickJsExecutor(await loadContractEngine()));
    const f = await ChainFixture.create({ executor });
    fixtures.push(f);
    await f.fundWallets();
    const counter = deploy(f, W.minerA, 4n, 'export function init() {} export function bump() { storage.set("n", (storage.get("n") ?? 0) + 1); }');
    const overpaying = deploy(f, W.minerA, 5n, `export function init() {} export function pay() { return '${OVERPAY}'; }`);
    await f.mempool.add(counter);
    await f.mempool.add(overpaying);
    await f.mine(1);
    const c = contractAddress(W.minerA.address, 4n);
    const o = contractAddress(W.minerA.address, 5n);

    const source = `export function init() {} // ${MARK}`;
    const good = [call(f, W.alice, 0n, c, 'bump'), call(f, W.bob, 0n, c, 'bump')];
    const poison = deploy(f, W.carol, 0n, source);
    const overpay = call(f, W.dave, 0n, o, 'pay');
    for (const tx of [good[0]!, poison, overpay, good[1]!]) await f.mempool.add(tx);
    executor.ran.length = 0;

    const t = await createTemplate(f.chain, f.mempool, W.minerB.address, new Uint8Array(1));
    // Each call ran once: before, each failure assembled the template again, running every call before it again.
    expect(executor.ran.filter((fn) => fn === 'bump')).toHaveLength(2);
    expect(executor.ran).toHaveLength(4);
    expect(t.txs.slice(1).map((tx) => id(tx as TransferTx)).sort()).toEqual(good.map(id).sort());
    expect([f.mempool.get(id(poison)), f.mempool.get(id(overpay))]).toEqual([undefined, undefined]);
    expect(f.mempool.size).toBe(2);

    // Relayed again, as is: refused, before its signature, as an honest peer may relay it (score 0).
    await expect(f.mempool.add(poison)).rejects.toMatchObject({ code: 'txn-already-known', score: 0 });
    await expect(f.mempool.add(overpay)).rejects.toMatchObject({ code: 'txn-already-known', score: 0 });
    // The same source under another key: refused too.
    await expect(f.mempool.add(deploy(f, W.dave, 0n, source))).rejects.toMatchObject({ code: 'txn-already-known' });

    // The template is a valid block; the contract saw both bumps.
    const header = { ...t.header };
    while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
    expect((await f.chain.processBlock({ header, txs: t.txs })).status).toBe('connected');
    expect(f.chain.contracts.storageGet(addressKey(c), 'n')).toBe('2');
    expect((await f.account(W.carol)).nonce).toBe(0n);
  });

  it('failures assembly cannot skip are bounded per template: past MAX_CANDIDATE_FAILURES it takes plain transfers only, so a failing call relayed anew each time cannot keep the miner from work', async () => {
    const f = await ChainFixture.create();
    fixtures.push(f);
    await f.fundWallets();
    const honestTransfer = f.tx(W.alice, W.bob, 1n, { fee: 5_000n });
    const honestCall = call(f, W.bob, 0n, W.dave.address, 'f');
    // carol's account cannot be read: any call of hers fails assembly. Each time one is evicted, she relays
    // another (a new gas limit is a new transaction): 20 in stock.
    let gas = 100_000;
    const poison = () => call(f, W.carol, 0n, W.dave.address, 'f', (gas += 1_000));
    for (const tx of [honestTransfer, honestCall, poison()]) await f.mempool.add(tx);
    const seen = failingReadsFor(f, W.carol);
    const evicted: string[] = [];
    let stock = 20;
    const realEvict = f.mempool.evictFailed.bind(f.mempool);
    f.mempool.evictFailed = async (tx, why) => {
      const n = await realEvict(tx, why);
      evicted.push(id(tx));
      if (stock-- > 0) await f.mempool.add(poison());
      return n;
    };

    const t = await createTemplate(f.chain, f.mempool, W.minerB.address, new Uint8Array(1));
    expect(evicted).toHaveLength(MAX_CANDIDATE_FAILURES);
    expect(seen.assemblies).toBe(MAX_CANDIDATE_FAILURES + 1);
    // No call was run in the last assembly: the honest one waits for the next template.
    expect(t.txs.slice(1)).toEqual([honestTransfer]);
    expect(f.mempool.get(id(honestCall))).toBeDefined();

    // With no relays, the next template evicts the last one and takes the honest call.
    stock = 0;
    const next = await createTemplate(f.chain, f.mempool, W.minerB.address, new Uint8Array(2));
    expect(next.txs.slice(1).map((tx) => id(tx as TransferTx)).sort()).toEqual([id(honestTransfer), id(honestCall)].sort());
    expect(evicted).toHaveLength(MAX_CANDIDATE_FAILURES + 1);
  });

  it('a plain transfer that keeps failing assembly leaves a coinbase-only template once twice MAX_CANDIDATE_FAILURES have failed', async () => {
    const f = await ChainFixture.create();
    fixtures.push(f);
    await f.fundWallets();
    let fee = 1_000n;
    const poison = () => f.tx(W.carol, W.bob, 1n, { fee: (fee += 1n) });
    await f.mempool.add(poison());
    failingReadsFor(f, W.carol);
    const realEvict = f.mempool.evictFailed.bind(f.mempool);
    let evictions = 0;
    f.mempool.evictFailed = async (tx, why) => {
      const n = await realEvict(tx, why);
      evictions++;
      if (evictions < 50) await f.mempool.add(poison());
      return n;
    };
    const t = await createTemplate(f.chain, f.mempool, W.minerB.address, new Uint8Array(1));
    expect(evictions).toBe(2 * MAX_CANDIDATE_FAILURES);
    expect(t.txs).toHaveLength(1);
    const header = { ...t.header };
    while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
    expect((await f.chain.processBlock({ header, txs: t.txs })).status).toBe('connected');
  });
});
