import { afterEach, describe, expect, it } from 'vitest';
import {
  addressKey,
  contractAddress,
  formatAddress,
  headerHash,
  hashMeetsTarget,
  signTransfer,
  txHash,
  utf8ToBytes,
  ZERO_ADDRESS,
  type Block,
  type ContractExecutor,
  type TransferTx,
} from '@hackcoin/core';
import { OpenFixtures, W, type ChainFixture, type Wallet } from '../test-support/chain-fixture.js';
import { Prefix } from '../store/keys.js';
import { createTemplate } from '../mining/template.js';
import { QuickJsExecutor } from './executor.js';
import { loadContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';
import { GAS } from './gas-schedule.js';
import { codeDepositGas, coldCodeGas, storageWriteGas } from './access-set.js';

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

/** Counts contract executions: one per contract transaction per template or validation, if nothing re-runs. */
function counting(inner: ContractExecutor, counter: { n: number }): ContractExecutor {
  const wrapped = Object.create(inner) as ContractExecutor;
  wrapped.execute = (call, view) => {
    counter.n++;
    return inner.execute(call, view);
  };
  return wrapped;
}

async function fixture(counter = { n: 0 }): Promise<ChainFixture> {
  const executor = counting(new QuickJsExecutor(await loadContractEngine()), counter);
  // No relay floor: the calls here declare up to 50M gas at gas price 1, and what is measured is execution, not fee policy.
  const f = await fixtures.create({ executor, maxTxs: 3_000, maxPendingPerSender: 2_000, minFeeRate: 0n });
  await f.mine(2);
  await f.mempool.add(f.tx(W.minerA, W.alice, 3_000_000_000n, { nonce: 0n }));
  await f.mempool.add(f.tx(W.minerA, W.bob, 3_000_000_000n, { nonce: 1n }));
  await f.mine(1);
  return f;
}

function contractTx(f: ChainFixture, from: Wallet, nonce: bigint, to: Uint8Array, payload: object, gasLimit: number, amount = 0n): TransferTx {
  const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit), to, amount, data }, from.privateKey);
}

const LEAF = `export function poke() { require(balance() === '5', 'unfunded'); return 1; }`;
const FAN = `
export function register(i, addrs) { storage.set('list' + i, addrs); }
export function fan(lists) {
  let n = 0;
  for (let i = 0; i < lists; i++) {
    const addrs = storage.get('list' + i);
    for (let j = 0; j < addrs.length; j++) n += call(addrs[j], 'poke', []);
  }
  return n;
}`;

async function mineBlock(f: ChainFixture, counter: { n: number }): Promise<{ block: Block; templateRuns: number; connectRuns: number }> {
  const before = counter.n;
  const t = await createTemplate(f.chain, f.mempool, W.minerA.address, utf8ToBytes(`x${f.chain.height}`), f.chain.tip.header.time + 1);
  const templateRuns = counter.n - before;
  const header = { ...t.header };
  while (!hashMeetsTarget(headerHash(header), t.target)) header.nonce++;
  const block: Block = { header, txs: t.txs };
  const mid = counter.n;
  expect((await f.chain.processBlock(block)).status).toBe('connected');
  await f.settle();
  return { block, templateRuns, connectRuns: counter.n - mid };
}

describe('state access is linear: no transition re-runs to load accounts', () => {
  // 400, not 1,000: with the cold-code price, 1,000 distinct contracts no longer fit one transaction's 50 M gas.
  it('a transaction calling 400 funded contracts in turn runs once when templated and once when validated', async () => {
    const counter = { n: 0 };
    const f = await fixture(counter);
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      leaves.push(contractAddress(W.alice.address, BigInt(i)));
      await f.mempool.add(contractTx(f, W.alice, BigInt(i), ZERO_ADDRESS, { type: 'deploy', code: LEAF, init: [] }, 400_000, 5n));
    }
    await f.mine(1);
    expect(f.mempool.size).toBe(0);
    const fan = contractAddress(W.bob.address, 0n);
    await f.mempool.add(contractTx(f, W.bob, 0n, ZERO_ADDRESS, { type: 'deploy', code: FAN, init: [] }, 1_000_000));
    for (let i = 0; i < 4; i++) {
      const addrs = leaves.slice(i * 100, (i + 1) * 100).map(formatAddress);
      await f.mempool.add(contractTx(f, W.bob, BigInt(1 + i), fan, { type: 'call', fn: 'register', args: [i, addrs] }, 10_000_000));
    }
    await f.mine(1);
    const fanTx = contractTx(f, W.bob, 5n, fan, { type: 'call', fn: 'fan', args: [4] }, 50_000_000);
    await f.mempool.add(fanTx);
    const { templateRuns, connectRuns } = await mineBlock(f, counter);

    expect([templateRuns, connectRuns]).toEqual([1, 1]);
    const r = (await f.chain.contracts.receipt(txHash(fanTx)))!;
    expect(r.revertReason).toBeUndefined();
    expect(r.status).toBe('success');
    expect(r.returnValue).toBe(400);
    // Every leaf is a distinct cold account with cold code: at least 400 × (nested call + cold account + cold code) of gas.
    expect(r.gasUsed).toBeGreaterThan(400 * (GAS.nestedCallBase + GAS.coldAccount + GAS.coldCodeBase));
    for (const leaf of [leaves[0]!, leaves[199]!, leaves[399]!]) expect(await f.balance(leaf)).toBe(5n);
  }, 120_000);
});

describe('contract storage lives in LevelDB', () => {
  it('survives a restart without being loaded at start-up, and is read lazily', async () => {
    const f = await fixture();
    const c = contractAddress(W.alice.address, 0n);
    await f.mempool.add(contractTx(f, W.alice, 0n, ZERO_ADDRESS, {
      type: 'deploy', code: `export function init() { storage.set('greeting', 'hello'); } export function set(v) { storage.set('greeting', v); }`, init: [],
    }, 1_000_000));
    await f.mine(1);
    await f.reopen();
    expect(f.chain.contracts.cacheBytes()).toBe(0);
    expect(f.chain.contracts.diskReads).toBe(0);
    expect(f.chain.contracts.storageGet(addressKey(c), 'greeting')).toBe('"hello"');
    expect(f.chain.contracts.diskReads).toBe(1);
    expect(f.chain.contracts.storageGet(addressKey(c), 'greeting')).toBe('"hello"');
    expect(f.chain.contracts.diskReads).toBe(1);
    expect(f.chain.contracts.storageGet(addressKey(c), 'absent')).toBeUndefined();
  });

  it('lists deployments newest first from an index, without reading code; an old database gets the index built once', async () => {
    const f = await fixture();
    const deployed: string[] = [];
    for (let n = 0n; n < 3n; n++) {
      await f.mempool.add(contractTx(f, W.alice, n, ZERO_ADDRESS, { type: 'deploy', code: `export function v() { return ${n}; }`, init: [] }, 1_000_000));
      await f.mine(1);
      deployed.push(addressKey(contractAddress(W.alice.address, n)));
    }
    const page = async (offset: number, limit: number) => {
      const { total, items } = await f.chain.contracts.list(offset, limit);
      return { total, addresses: items.map((d) => d.address), heights: items.map((d) => d.height) };
    };
    const h = f.chain.height;
    expect(await page(0, 2)).toEqual({ total: 3, addresses: [deployed[2], deployed[1]], heights: [h, h - 1] });
    expect(await page(2, 2)).toEqual({ total: 3, addresses: [deployed[0]], heights: [h - 2] });

    await f.db.clear({ gte: Uint8Array.of(Prefix.contractIndex), lt: Uint8Array.of(Prefix.contractIndex + 1) });
    await f.reopen();
    expect(await page(0, 10)).toEqual({ total: 3, addresses: [...deployed].reverse(), heights: [h, h - 1, h - 2] });
  });

  it('a reorg restores the cached value of a slot the disconnected block changed', async () => {
    const a = await fixture();
    const b = await fixtures.create();
    for (let h = 1; h <= a.chain.height; h++) await b.chain.processBlock((await a.chain.getBlock(a.chain.getEntryByHeight(h)!))!);
    const c = contractAddress(W.alice.address, 0n);
    await a.mempool.add(contractTx(a, W.alice, 0n, ZERO_ADDRESS, {
      type: 'deploy', code: `export function init() { storage.set('v', 1); } export function set(v) { storage.set('v', v); }`, init: [],
    }, 1_000_000));
    await a.mine(1);
    for (let h = a.chain.height; h <= a.chain.height; h++) await b.chain.processBlock((await a.chain.getBlock(a.chain.getEntryByHeight(h)!))!);
    await a.mempool.add(contractTx(a, W.alice, 1n, c, { type: 'call', fn: 'set', args: [2] }, 200_000));
    await a.mine(1);
    expect(a.chain.contracts.storageGet(addressKey(c), 'v')).toBe('2');
    const side = await b.mine(2, { miner: W.minerB });
    for (const blk of side) await a.chain.processBlock(blk);
    await a.settle();
    expect(a.chain.tip.id).toBe(b.chain.tip.id);
    expect(a.chain.contracts.storageGet(addressKey(c), 'v')).toBe('1');
  });
});

describe('EIP-2929 style access pricing, visible in gasUsed', () => {
  it('charges a cold slot 2,000 more than a warm one, and a cold account 2,500 (plus its cold code) more than a warm one', async () => {
    const chain = new MemoryChain(await loadContractEngine());
    chain.balances.set('c', 100n);
    chain.balances.set('x', 1n);
    chain.balances.set('y', 1n);
    chain.deploy('leaf1', 'export function ping() { return 1; }', 'alice');
    chain.deploy('leaf2', 'export function ping() { return 1; }', 'alice');
    chain.deploy('c', `
      export function reads(a, b) { storage.get(a); storage.get(b); }
      export function pays(a, b) { transfer(a, 1); transfer(b, 1); }
      export function calls(a, b) { call(a, 'ping', []); call(b, 'ping', []); }`, 'alice');
    const gas = (fn: string, a: string, b: string): number => {
      const r = chain.call('c', fn, [a, b], 'alice');
      expect(r.status).toBe('success');
      return r.gasUsed;
    };
    expect(gas('reads', 'k1', 'k2') - gas('reads', 'k1', 'k1')).toBe(GAS.coldSlotExtra);
    expect(gas('pays', 'x', 'y') - gas('pays', 'x', 'x')).toBe(GAS.coldAccount - GAS.warmAccount);
    expect(gas('calls', 'leaf1', 'leaf2') - gas('calls', 'leaf1', 'leaf1')).toBe(
      GAS.coldAccount - GAS.warmAccount + coldCodeGas(chain.codeOf('leaf2')!.length),
    );
  });

  it('charges a new slot 20,000 (up to 32 bytes), a change 2,900, 625 per byte of growth, and 32 per byte past 32 on every rewrite', async () => {
    expect(storageWriteGas('k', undefined, '1') + GAS.storageWriteBase).toBe(20_000);
    expect(storageWriteGas('k', '1', '2') + GAS.storageWriteBase).toBe(2_900);
    expect(storageWriteGas('k', '1', null) + GAS.storageDeleteBase).toBe(2_900);
    expect(storageWriteGas('k', undefined, null)).toBe(0);
    expect(storageWriteGas('k', undefined, 'x'.repeat(131))).toBe(GAS.storageNewSlot + 625 * 100);
    expect(storageWriteGas('k', 'x'.repeat(131), 'x'.repeat(231))).toBe(GAS.storageModify + 32 * 200 + 625 * 100);
    expect(storageWriteGas('k', 'x'.repeat(231), 'x'.repeat(131))).toBe(GAS.storageModify + 32 * 100);
    // Bytes on disk are UTF-8: a three-byte character counts three.
    expect(storageWriteGas('k', undefined, '€'.repeat(20))).toBe(GAS.storageNewSlot + 625 * (1 + 60 - 32));
    // A same-size rewrite of a 65,536-character CJK slot (helper-120: ~7 gas a character, 160 MiB per block) pays for its 196,609 bytes.
    const cjk = '中'.repeat(65_536);
    expect(storageWriteGas('k', cjk, cjk)).toBe(GAS.storageModify + 32 * (1 + 3 * 65_536 - 32));

    const chain = new MemoryChain(await loadContractEngine());
    chain.deploy('c', `export function w(v) { storage.set('k', v); }`, 'alice');
    const first = chain.call('c', 'w', [1], 'alice');
    const second = chain.call('c', 'w', [2], 'alice');
    expect(first.gasUsed - second.gasUsed).toBe(GAS.storageNewSlot - GAS.storageModify);
  });
});

describe('code deposit', () => {
  it('charges a deploy 50 per byte of the instrumented code it stores, before it runs: code that instruments to 40x its source is paid for', async () => {
    const chain = new MemoryChain(await loadContractEngine());
    const source = `let a = 1, b = 2, x;\nexport function f() { ${'x=a+b;'.repeat(2_000)} }`;
    const ok = chain.deploy('d', source, 'alice', [], 50_000_000);
    const code = chain.codeOf('d')!;
    expect(code.length).toBeGreaterThan(20 * source.length);
    expect([ok.status, ok.gasUsed >= codeDepositGas(code) + coldCodeGas(code.length)]).toEqual(['success', true]);
    // A limit that covers cold code but not the deposit stores nothing and runs nothing.
    const short = chain.deploy('e', source, 'alice', [], coldCodeGas(code.length) + codeDepositGas(code) - 1);
    expect([short.status, chain.codeOf('e')]).toEqual(['out-of-gas', undefined]);
  });
});

describe('calls outside consensus are bounded in wall time', () => {
  it('a call past its deadline stops as out-of-gas at the next interrupt poll, whatever gas is left', async () => {
    const engine = await loadContractEngine();
    const chain = new MemoryChain(engine);
    chain.deploy('spin', 'export function spin() { for (;;) {} }', 'alice');
    const code = chain.codeOf('spin')!;
    const req = {
      code, fn: 'spin', args: [], sender: 'alice', value: 0n, contractAddress: 'spin', block: chain.block,
      gasLimit: 1_000_000_000, readOnly: true, host: chain,
    };
    const r = engine.execute({ ...req, deadline: Date.now() - 1 });
    expect([r.status, r.gasUsed]).toEqual(['out-of-gas', 1_000_000_000]);
    // Without a deadline the same loop runs on until its gas is gone (shown here with a small limit).
    const small = engine.execute({ ...req, gasLimit: 100_000 });
    expect([small.status, small.gasUsed]).toEqual(['out-of-gas', 100_000]);
  });
});

describe('built-ins priced for their work (found by the worst-case block benchmark)', () => {
  it('JSON.stringify pays per value and per output code unit, JSON.parse per input code unit', async () => {
    const chain = new MemoryChain(await loadContractEngine());
    // Gas is charged per function body on entry, so the branch taken or not differs only by the built-in's price.
    chain.deploy('j', `export function str(n, on) { const a = []; for (let i = 0; i < n; i++) a.push(0); if (on) JSON.stringify(a); }
      export function parse(n, on) { const s = '[' + '0,'.repeat(n) + '0]'; if (on) JSON.parse(s); }`, 'alice');
    const cost = (fn: string, n: number): number =>
      chain.call('j', fn, [n, 1], 'alice').gasUsed - chain.call('j', fn, [n, 0], 'alice').gasUsed;
    // n zeros: n + 1 values (the array too) and 2n + 1 code units of output.
    expect(cost('str', 1_000)).toBe(GAS.builtinBase + 1_001 * GAS.jsonPerValue + 2_001 * GAS.jsonStringifyPerChar);
    // n + 1 zeros: 2n + 3 code units of input.
    expect(cost('parse', 1_000)).toBe(GAS.builtinBase + 2_003 * GAS.jsonParsePerChar);
  });

  it('String.prototype.split pays per code unit of the receiver, as it may make one string for each', async () => {
    const chain = new MemoryChain(await loadContractEngine());
    chain.deploy('s', `export function once(n) { const s = 'x'.repeat(n); return s.split('').length; }`, 'alice');
    const small = chain.call('s', 'once', [10], 'alice');
    const big = chain.call('s', 'once', [4_010], 'alice');
    expect([small.returnValue, big.returnValue]).toEqual([10, 4_010]);
    // 4,000 more code units: split's per-unit price plus repeat's per-character price for building them;
    // the returned JSON is 2 characters longer (stringified, and stored in the receipt at GAS.returnPerByte)
    // and so is the call input (one more gas at 4 characters per gas).
    expect(big.gasUsed - small.gasUsed).toBe(
      4_000 * GAS.splitPerChar + 4_000 / GAS.charsPerGas + 2 * (GAS.jsonStringifyPerChar + GAS.returnPerByte) + 1,
    );
  });
});
