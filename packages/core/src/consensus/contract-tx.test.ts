import { describe, it, expect } from 'vitest';
import { applyBlock, assembleBlockState } from './block-transition.js';
import type { ContractExecutor, ContractOutcome } from './contracts.js';
import type { ContractContext } from './contract-tx.js';
import { NETWORKS } from './params.js';
import { signTransfer, type CoinbaseTx, type TransferTx } from '../primitives/transaction.js';
import { computeMerkleRoot, type Block } from '../primitives/block.js';
import { hexToBytes } from '../encoding/bytes.js';
import { parseAddress } from '../primitives/address.js';
import { nobleBackend } from '../crypto/keys.js';
import { addressKey } from '../state/commitment.js';
import type { Account } from '../state/account.js';
import { encodeContractPayload } from '../wallet/contract.js';
import { expectReject } from '../test-support/expect-reject.js';

const params = NETWORKS.regtest;
const U64_MAX = (1n << 64n) - 1n;
const PRIV = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
const SENDER = parseAddress('0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F');
const CONTRACT = parseAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
const PAYEE = parseAddress('0x1111111111111111111111111111111111111111');
const MINER = parseAddress('0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB');
const ZERO_ROOT = new Uint8Array(32);
const EMPTY_STATE = { root: ZERO_ROOT, nodes: { node: () => undefined } };
const GAS_LIMIT = 100_000;
const EXEC_GAS = 1_000;

const call = (amount: bigint): TransferTx =>
  signTransfer(
    {
      kind: 'transfer',
      chainId: params.chainId,
      nonce: 0n,
      fee: BigInt(GAS_LIMIT),
      to: CONTRACT,
      amount,
      data: encodeContractPayload({ type: 'call', fn: 'pay', args: [], gasLimit: GAS_LIMIT, gasPrice: 1n }),
    },
    PRIV,
  );

function block(txs: TransferTx[], cb: Partial<CoinbaseTx>): Block {
  const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: params.chainId, height: 1, to: MINER, amount: 0n, stateRoot: ZERO_ROOT, extra: new Uint8Array(0), ...cb };
  const all = [coinbase, ...txs];
  return { header: { version: 1, prevHash: ZERO_ROOT, merkleRoot: computeMerkleRoot(all), time: 0, bits: params.powLimitBits, nonce: 0 }, txs: all };
}

/** A contract at CONTRACT whose call succeeds, writes a slot and makes the given transfers. */
function context(transfers: { to: Uint8Array; amount: bigint }[], calls: { n: number } = { n: 0 }): ContractContext {
  const executor: ContractExecutor = {
    execute: (): ContractOutcome => {
      calls.n++;
      return { status: 'success', gasUsed: EXEC_GAS, storageWrites: new Map([['k', '1']]), transfers, events: [{ name: 'Paid', data: 1 }] };
    },
  };
  const code = addressKey(CONTRACT);
  return { executor, state: { storageGet: () => undefined, codeOf: (a) => (a === code ? 'code' : undefined) }, time: 0 };
}

function store(accounts: [Uint8Array, bigint][]): (k: string) => Account | undefined {
  const m = new Map(accounts.map(([a, balance]) => [addressKey(a), { balance, nonce: 0n }]));
  return (k) => m.get(k);
}

/** Assembles the block, then applies it as a peer would: both must agree. */
function assembleAndApply(tx: TransferTx, load: (k: string) => Account | undefined, ctx: ContractContext) {
  const a = assembleBlockState([tx], 1, EMPTY_STATE, MINER, load, params, nobleBackend, ctx);
  expect(a.included).toEqual([tx]);
  const t = applyBlock(block([tx], { amount: a.reward, stateRoot: a.stateRoot }), 1, EMPTY_STATE, load, params, nobleBackend, ctx);
  expect(t.stateRoot).toEqual(a.stateRoot);
  const balance = (addr: Uint8Array) => t.changes.get(addressKey(addr))?.account.balance;
  return { t, balance };
}

describe('contract transactions and u64 balances', () => {
  it("a call whose amount would lift the contract past 2^64 - 1 is bad-txns-amount-overflow, before the code runs", () => {
    const calls = { n: 0 };
    const ctx = context([], calls);
    const load = store([
      [SENDER, 1_000_000n],
      [CONTRACT, U64_MAX - 5n],
    ]);
    expectReject(() => applyBlock(block([call(10n)], {}), 1, EMPTY_STATE, load, params, nobleBackend, ctx), 'bad-txns-amount-overflow', 100);
    expect(calls.n).toBe(0);
    // Assembly leaves it out like any transaction that does not apply.
    const a = assembleBlockState([call(10n)], 1, EMPTY_STATE, MINER, load, params, nobleBackend, ctx);
    expect(a.included).toEqual([]);
  });

  it('a call that fills the contract exactly to 2^64 - 1 applies', () => {
    const load = store([
      [SENDER, 1_000_000n],
      [CONTRACT, U64_MAX - 10n],
    ]);
    const { t, balance } = assembleAndApply(call(10n), load, context([]));
    expect(t.receipts.get(1)!.status).toBe('success');
    expect(balance(CONTRACT)).toBe(U64_MAX);
  });

  it('a transfer that would lift its recipient past 2^64 - 1 reverts the call: gas is spent, nothing else changes', () => {
    const ctx = context([{ to: PAYEE, amount: 100n }]);
    const load = store([
      [SENDER, 1_000_000n],
      [CONTRACT, 1_000n],
      [PAYEE, U64_MAX - 50n],
    ]);
    const { t, balance } = assembleAndApply(call(10n), load, ctx);
    const r = t.receipts.get(1)!;
    expect(r.status).toBe('reverted');
    expect(r.revertReason).toMatch(/2\^64/);
    expect(r.events).toEqual([]);
    expect(r.transfers).toBeUndefined();
    const gasUsed = BigInt(r.gasUsed);
    expect(gasUsed).toBeGreaterThan(BigInt(EXEC_GAS));
    expect(t.fees).toBe(gasUsed);
    expect(balance(SENDER)).toBe(1_000_000n - gasUsed);
    expect(balance(CONTRACT)).toBe(1_000n);
    expect(balance(PAYEE) ?? U64_MAX - 50n).toBe(U64_MAX - 50n);
    expect(t.contracts.storageGet(addressKey(CONTRACT), 'k')).toBeUndefined();
  });

  it("counts the sender's fee refund: a transfer back to the sender that the refund would push past 2^64 - 1 reverts", () => {
    // After paying amount + fee the sender holds U64_MAX - 10 - fee; the transfer of `fee` alone fits,
    // the refund of the unused gas on top of it does not.
    const ctx = context([{ to: SENDER, amount: BigInt(GAS_LIMIT) }]);
    const load = store([
      [SENDER, U64_MAX - 10n],
      [CONTRACT, 1_000_000n],
    ]);
    const { t, balance } = assembleAndApply(call(0n), load, ctx);
    const r = t.receipts.get(1)!;
    expect(r.status).toBe('reverted');
    expect(balance(SENDER)).toBe(U64_MAX - 10n - BigInt(r.gasUsed));
    expect(balance(CONTRACT)).toBe(1_000_000n);
  });

  it('transfers that fit are applied', () => {
    const ctx = context([{ to: PAYEE, amount: 100n }]);
    const load = store([
      [SENDER, 1_000_000n],
      [CONTRACT, 1_000n],
      [PAYEE, U64_MAX - 100n],
    ]);
    const { t, balance } = assembleAndApply(call(10n), load, ctx);
    expect(t.receipts.get(1)!.status).toBe('success');
    expect(balance(CONTRACT)).toBe(910n);
    expect(balance(PAYEE)).toBe(U64_MAX);
    expect(t.contracts.storageGet(addressKey(CONTRACT), 'k')).toBe('1');
  });
});
