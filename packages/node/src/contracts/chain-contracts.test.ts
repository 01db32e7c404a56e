import { afterEach, describe, expect, it } from 'vitest';
import {
  addressKey,
  bytesToHex,
  contractAddress,
  formatAddress,
  signTransfer,
  utf8ToBytes,
  ZERO_ADDRESS,
  type Block,
  type TransferTx,
} from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { Prefix } from '../store/keys.js';
import { exampleSource } from './test-support.js';

const GAS = 3_000_000;
const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

async function fixture(): Promise<ChainFixture> {
  // No relay floor: calls here declare 3M gas at gas price 1 (below the floor over their virtual size), and what
  // is tested is execution and state, not fee policy (mempool/contract-fees.test.ts).
  const f = await ChainFixture.create({ minFeeRate: 0n });
  fixtures.push(f);
  return f;
}

function contractTx(
  f: ChainFixture, from: Wallet, nonce: bigint, to: Uint8Array, payload: Record<string, unknown>,
  o: { amount?: bigint; gasLimit?: number; gasPrice?: bigint } = {},
): TransferTx {
  const gasLimit = o.gasLimit ?? GAS;
  const gasPrice = o.gasPrice ?? 1n;
  const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: gasPrice.toString() }));
  return signTransfer(
    { kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit) * gasPrice, to, amount: o.amount ?? 0n, data },
    from.privateKey,
  );
}

const deploy = (f: ChainFixture, from: Wallet, nonce: bigint, name: 'token' | 'voting' | 'auction' | 'multisig', init: unknown[], amount = 0n) =>
  contractTx(f, from, nonce, ZERO_ADDRESS, { type: 'deploy', code: exampleSource(name), init }, { amount });
const call = (f: ChainFixture, from: Wallet, nonce: bigint, c: Uint8Array, fn: string, args: unknown[], o: { amount?: bigint; gasLimit?: number } = {}) =>
  contractTx(f, from, nonce, c, { type: 'call', fn, args }, o);

async function receipt(f: ChainFixture, tx: TransferTx) {
  const { txHash } = await import('@hackcoin/core');
  return f.chain.contracts.receipt(txHash(tx));
}

async function storage(f: ChainFixture, c: Uint8Array): Promise<Record<string, unknown>> {
  return Object.fromEntries((await f.chain.contracts.storageEntries(addressKey(c), 10_000)).map(([k, v]) => [k, JSON.parse(v)]));
}

/** Funds alice and bob from minerA's coinbases. */
async function funded(): Promise<ChainFixture> {
  const f = await fixture();
  await f.mine(2);
  await f.mempool.add(f.tx(W.minerA, W.alice, 3_000_000_000n, { nonce: 0n }));
  await f.mempool.add(f.tx(W.minerA, W.bob, 3_000_000_000n, { nonce: 1n }));
  await f.mine(1);
  return f;
}

describe('contracts in the chain (real LevelDB, blocks from templates)', () => {
  it('deploys the token, charges gasUsed × gasPrice and refunds the rest, and stores a receipt', async () => {
    const f = await funded();
    const before = await f.balance(W.alice);
    const tok = contractAddress(W.alice.address, 0n);
    const d = deploy(f, W.alice, 0n, 'token', ['Hack', 'HCK', 8, 1_000_000]);
    await f.mempool.add(d);
    await f.mine(1);
    const r = (await receipt(f, d))!;
    expect(r.status).toBe('success');
    expect(r.contractAddress).toBe(formatAddress(tok));
    expect(r.events).toEqual([{ name: 'Transfer', data: { from: null, to: formatAddress(W.alice.address), amount: 1_000_000 } }]);
    expect(r.gasUsed).toBeGreaterThan(f.params.contractTxBaseGas);
    expect(r.gasUsed).toBeLessThan(GAS);
    expect(await f.balance(W.alice)).toBe(before - BigInt(r.gasUsed));
    expect(f.chain.contracts.codeOf(addressKey(tok))).toContain('__hc_g');
    expect((await storage(f, tok))[`balance:${formatAddress(W.alice.address).toLowerCase()}`]).toBe(1_000_000);

    const t = call(f, W.alice, 1n, tok, 'transfer', [formatAddress(W.bob.address), 250]);
    await f.mempool.add(t);
    await f.mine(1);
    expect((await receipt(f, t))!).toMatchObject({ status: 'success', returnValue: true });
    expect((await storage(f, tok))[`balance:${formatAddress(W.bob.address).toLowerCase()}`]).toBe(250);
  });

  it('a revert and an out-of-gas charge gas, undo state and keep the block valid', async () => {
    const f = await funded();
    const tok = contractAddress(W.alice.address, 0n);
    await f.mempool.add(deploy(f, W.alice, 0n, 'token', ['Hack', 'HCK', 8, 1_000]));
    await f.mine(1);
    const s0 = await storage(f, tok);
    const bobBefore = await f.balance(W.bob);
    // bob holds no tokens: reverts. Sends value, which must come back.
    const bad = call(f, W.bob, 0n, tok, 'transfer', [formatAddress(W.alice.address), 5], { amount: 777n });
    // 20,000 base + data bytes leave ~100 gas for execution: out of gas.
    const oogTx = call(f, W.alice, 1n, tok, 'transfer', [formatAddress(W.bob.address), 5], { gasLimit: 20_000 + 16 * 120 + 100 });
    await f.mempool.add(bad);
    await f.mempool.add(oogTx);
    const [block] = await f.mine(1);
    expect(block!.txs).toHaveLength(3);
    const rb = (await receipt(f, bad))!;
    expect(rb).toMatchObject({ status: 'reverted', revertReason: 'insufficient balance', events: [] });
    expect(await f.balance(W.bob)).toBe(bobBefore - BigInt(rb.gasUsed));
    const ro = (await receipt(f, oogTx))!;
    expect(ro.status).toBe('out-of-gas');
    expect(ro.gasUsed).toBe(20_000 + 16 * 120 + 100);
    expect(await storage(f, tok)).toEqual(s0);
    expect((await f.account(W.alice)).nonce).toBe(2n);
  });

  it('runs voting, auction and multisig through mined transactions', async () => {
    const f = await funded();
    const A = formatAddress(W.alice.address);
    const B = formatAddress(W.bob.address);
    const vote = contractAddress(W.alice.address, 0n);
    const auction = contractAddress(W.alice.address, 1n);
    const wallet = contractAddress(W.alice.address, 2n);
    const h = f.chain.height;
    await f.mempool.add(deploy(f, W.alice, 0n, 'voting', [['yes', 'no'], h + 4]));
    await f.mempool.add(deploy(f, W.alice, 1n, 'auction', [formatAddress(W.carol.address), h + 4]));
    await f.mempool.add(deploy(f, W.alice, 2n, 'multisig', [[A, B], 2]));
    await f.mine(1);
    const txs = [
      call(f, W.alice, 3n, vote, 'vote', [0]),
      call(f, W.bob, 0n, vote, 'vote', [0]),
      call(f, W.alice, 4n, auction, 'bid', [], { amount: 1_000n }),
      call(f, W.bob, 1n, auction, 'bid', [], { amount: 2_000n }),
      call(f, W.alice, 5n, wallet, 'deposit', [], { amount: 5_000n }),
      call(f, W.alice, 6n, wallet, 'submit', [formatAddress(W.dave.address), 3_000]),
    ];
    for (const t of txs) await f.mempool.add(t);
    await f.mine(1);
    for (const t of txs) expect((await receipt(f, t))!.status).toBe('success');
    const again = call(f, W.alice, 7n, vote, 'vote', [1]);
    const early = call(f, W.alice, 8n, wallet, 'execute', [0]);
    const withdraw = call(f, W.alice, 9n, auction, 'withdraw', []);
    const confirm = call(f, W.bob, 2n, wallet, 'confirm', [0]);
    for (const t of [again, early, withdraw]) await f.mempool.add(t);
    const aliceBefore = await f.balance(W.alice);
    await f.mine(1);
    expect((await receipt(f, again))!.revertReason).toBe('already voted');
    expect((await receipt(f, early))!.revertReason).toBe('not enough confirmations');
    const rw = (await receipt(f, withdraw))!;
    expect(rw).toMatchObject({ status: 'success', returnValue: 1_000 });
    const fees = [again, early, withdraw].map(async (t) => BigInt((await receipt(f, t))!.gasUsed));
    let spent = 0n;
    for (const x of fees) spent += await x;
    expect(await f.balance(W.alice)).toBe(aliceBefore + 1_000n - spent);
    const exec = call(f, W.bob, 3n, wallet, 'execute', [0]);
    await f.mempool.add(confirm);
    await f.mempool.add(exec);
    await f.mine(2);
    expect((await receipt(f, exec))!.status).toBe('success');
    expect(await f.balance(W.dave)).toBe(3_000n);
    expect(await f.balance(wallet)).toBe(2_000n);
    expect((await storage(f, vote)).votes).toEqual([2, 0]);
    // Deadline and end height reached: carol (funded) claims the winning bid once.
    await f.mempool.add(f.tx(W.minerA, W.carol, 1_000_000_000n, { nonce: 2n }));
    await f.mine(1);
    const claim = call(f, W.carol, 0n, auction, 'claim', []);
    const claim2 = call(f, W.carol, 1n, auction, 'claim', []);
    await f.mempool.add(claim);
    await f.mempool.add(claim2);
    const carolBefore = await f.balance(W.carol);
    await f.mine(1);
    expect((await receipt(f, claim))!.returnValue).toBe(2_000);
    expect((await receipt(f, claim2))!.revertReason).toBe('already claimed');
    const gas = BigInt((await receipt(f, claim))!.gasUsed + (await receipt(f, claim2))!.gasUsed);
    expect(await f.balance(W.carol)).toBe(carolBefore + 2_000n - gas);
    expect(await f.balance(auction)).toBe(0n);
  });

  it('a reorg rolls back contract code, storage and balances; the transactions return and confirm again', async () => {
    const a = await funded();
    const b = await fixture();
    for (let h = 1; h <= a.chain.height; h++) await b.chain.processBlock((await a.chain.getBlock(a.chain.getEntryByHeight(h)!))!);
    const tok = contractAddress(W.alice.address, 0n);
    const wallet = contractAddress(W.alice.address, 1n);
    await a.mempool.add(deploy(a, W.alice, 0n, 'token', ['Hack', 'HCK', 8, 1_000]));
    await a.mempool.add(deploy(a, W.alice, 1n, 'multisig', [[formatAddress(W.alice.address)], 1], 4_000n));
    await a.mine(1);
    await a.mempool.add(call(a, W.alice, 2n, tok, 'transfer', [formatAddress(W.bob.address), 10]));
    await a.mempool.add(call(a, W.alice, 3n, wallet, 'submit', [formatAddress(W.dave.address), 1_500]));
    await a.mine(1);
    await a.mempool.add(call(a, W.alice, 4n, wallet, 'execute', [0]));
    await a.mine(1);
    expect(await a.balance(W.dave)).toBe(1_500n);
    const contractState = await a.dump(Prefix.contractStorage);
    expect(contractState.length).toBeGreaterThan(0);

    // A heavier branch without contracts.
    const side = await b.mine(4, { miner: W.minerB });
    for (const blk of side) await a.chain.processBlock(blk);
    await a.settle();
    expect(a.chain.tip.id).toBe(b.chain.tip.id);
    expect(bytesToHex(a.chain.tip.stateRoot)).toBe(bytesToHex(b.chain.tip.stateRoot));
    expect(a.chain.contracts.codeOf(addressKey(tok))).toBeUndefined();
    expect(await a.chain.contracts.list(0, 10)).toEqual({ total: 0, items: [] });
    for (const p of [Prefix.contractCode, Prefix.contractStorage, Prefix.receipt, Prefix.contractEvent]) expect(await a.dump(p)).toEqual([]);
    expect(await a.balance(W.dave)).toBe(0n);
    expect(await a.balance(wallet)).toBe(0n);
    expect(await a.account(W.alice)).toEqual(await b.account(W.alice));

    // The disconnected contract transactions came back to the mempool and confirm on the new chain.
    expect(a.mempool.size).toBe(5);
    await a.mine(1);
    expect(a.mempool.size).toBe(0);
    expect(await a.balance(W.dave)).toBe(1_500n);
    expect((await storage(a, tok))[`balance:${formatAddress(W.bob.address).toLowerCase()}`]).toBe(10);
  });

  it('contract state survives a restart, and two chains connecting the same blocks reach identical state', async () => {
    const a = await funded();
    const tok = contractAddress(W.alice.address, 0n);
    await a.mempool.add(deploy(a, W.alice, 0n, 'token', ['Hack', 'HCK', 8, 1_000]));
    await a.mine(1);
    for (let i = 0; i < 3; i++) await a.mempool.add(call(a, W.alice, BigInt(1 + i), tok, 'transfer', [formatAddress(W.bob.address), 7]));
    await a.mempool.add(call(a, W.bob, 0n, tok, 'approve', [formatAddress(W.carol.address), 3]));
    await a.mine(1);
    const root = bytesToHex(a.chain.tip.stateRoot);
    const dumps = async (f: ChainFixture) => {
      const out: unknown[] = [];
      for (const p of [Prefix.account, Prefix.contractCode, Prefix.contractStorage, Prefix.receipt, Prefix.contractEvent]) out.push(await f.dump(p));
      return out;
    };
    const before = await dumps(a);

    await a.reopen();
    expect(bytesToHex(a.chain.tip.stateRoot)).toBe(root);
    expect(await dumps(a)).toEqual(before);
    expect((await storage(a, tok))[`balance:${formatAddress(W.bob.address).toLowerCase()}`]).toBe(21);
    const t = call(a, W.bob, 1n, tok, 'transfer', [formatAddress(W.carol.address), 1]);
    await a.mempool.add(t);
    await a.mine(1);
    expect((await receipt(a, t))!.status).toBe('success');

    const b = await fixture();
    const blocks: Block[] = [];
    for (let h = 1; h <= a.chain.height; h++) blocks.push((await a.chain.getBlock(a.chain.getEntryByHeight(h)!))!);
    for (const blk of blocks) expect((await b.chain.processBlock(blk)).status).toBe('connected');
    expect(bytesToHex(b.chain.tip.stateRoot)).toBe(bytesToHex(a.chain.tip.stateRoot));
    expect(await dumps(b)).toEqual(await dumps(a));

    // And a reindex from the stored blocks reaches it too.
    await b.reopen({ reindex: true });
    expect(await dumps(b)).toEqual(await dumps(a));
  });

  it('records a deployment once, by its deploy, when a call to the contract follows in the same block', async () => {
    const f = await funded();
    const c = contractAddress(W.alice.address, 0n);
    const d = deploy(f, W.alice, 0n, 'token', ['Gold', 'GLD', 8, 1_000]);
    const x = call(f, W.bob, 0n, c, 'balanceOf', [formatAddress(W.bob.address)]);
    await f.mempool.add(d);
    await f.mempool.add(x);
    const [block] = await f.mine(1);
    expect(block!.txs).toHaveLength(3);
    expect((await receipt(f, x))?.status).toBe('success');
    const { txHash } = await import('@hackcoin/core');
    const recorded = f.chain.contracts.deployment(addressKey(c))!;
    expect(recorded.deployer).toBe(addressKey(W.alice.address));
    expect(recorded.txId).toBe(bytesToHex(txHash(d)));
    expect((await f.chain.contracts.list(0, 10)).total).toBe(1);
  });

  it('rejects malformed payloads and a wrong fee by rule name', async () => {
    const f = await funded();
    const bad = signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce: 0n, fee: 1000n, to: W.bob.address, amount: 0n, data: utf8ToBytes('hello') }, W.alice.privateKey);
    await expect(f.mempool.add(bad)).rejects.toMatchObject({ code: 'bad-txns-contract-payload' });
    const t = call(f, W.alice, 0n, W.bob.address, 'x', []);
    await expect(f.mempool.add({ ...signTransfer({ ...t, fee: t.fee + 1n }, W.alice.privateKey) })).rejects.toMatchObject({ code: 'bad-txns-contract-fee' });
    await expect(f.mempool.add(call(f, W.alice, 0n, W.bob.address, 'x', [], { gasLimit: f.params.maxTxGas + 1 }))).rejects.toMatchObject({ code: 'bad-txns-contract-gas' });
    const poor = call(f, W.dave, 0n, W.bob.address, 'x', []);
    await expect(f.mempool.add(poor)).rejects.toMatchObject({ code: 'bad-txns-insufficient-funds' });
    // A call to an address without code is included, reverts and pays its gas.
    const nobody = call(f, W.alice, 0n, W.bob.address, 'x', []);
    await f.mempool.add(nobody);
    await f.mine(1);
    expect((await receipt(f, nobody))!).toMatchObject({ status: 'reverted', revertReason: 'no contract at this address' });
  });
});
