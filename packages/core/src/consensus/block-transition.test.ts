import { describe, it, expect } from 'vitest';
import { applyBlock, assembleBlockState, blockAccountKeys, blockAccounts, checkBlockSignatures } from './block-transition.js';
import { COIN, NETWORKS } from './params.js';
import { signTransfer, type CoinbaseTx, type TransferTx } from '../primitives/transaction.js';
import type { Block } from '../primitives/block.js';
import { computeMerkleRoot } from '../primitives/block.js';
import { hexToBytes } from '../encoding/bytes.js';
import { parseAddress } from '../primitives/address.js';
import { nobleBackend } from '../crypto/keys.js';
import { addressKey } from '../state/commitment.js';
import { commitState } from '../state/state-tree.js';
import { TreeWriter } from '../state/smt.js';
import type { Account } from '../state/account.js';
import { expectReject } from '../test-support/expect-reject.js';

const params = NETWORKS.regtest;
const PRIV = hexToBytes('4646464646464646464646464646464646464646464646464646464646464646');
const SENDER = parseAddress('0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F');
const TO = parseAddress('0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
const MINER = parseAddress('0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB');
const ZERO_ROOT = new Uint8Array(32);
const NO_NODES = { node: () => undefined };
const EMPTY_STATE = { root: ZERO_ROOT, nodes: NO_NODES };

const transfer = (nonce: bigint, amount: bigint, to = TO): TransferTx =>
  signTransfer({ kind: 'transfer', chainId: params.chainId, nonce, fee: 100n, to, amount, data: new Uint8Array(0) }, PRIV);

function makeStore(): Map<string, Account> {
  return new Map([[addressKey(SENDER), { balance: 10_000n, nonce: 0n }]]);
}

function block(txs: TransferTx[], cb: Partial<CoinbaseTx>): Block {
  const coinbase: CoinbaseTx = {
    kind: 'coinbase',
    chainId: params.chainId,
    height: 1,
    to: MINER,
    amount: 0n,
    stateRoot: ZERO_ROOT,
    extra: new Uint8Array(0),
    ...cb,
  };
  const all = [coinbase, ...txs];
  return {
    header: { version: 1, prevHash: ZERO_ROOT, merkleRoot: computeMerkleRoot(all), time: 0, bits: params.powLimitBits, nonce: 0 },
    txs: all,
  };
}

describe('assembleBlockState + applyBlock', () => {
  const candidates = [transfer(0n, 1_000n), transfer(5n, 1n), transfer(1n, 1_001n), transfer(2n, 1_000_000n)];
  const store = makeStore();
  const assembled = assembleBlockState(candidates, 1, EMPTY_STATE, MINER, (k) => store.get(k), params, nobleBackend);

  it('includes only the transfers that apply, in order', () => {
    expect(assembled.included).toEqual([candidates[0], candidates[2]]);
    expect(assembled.fees).toBe(200n);
    expect(assembled.reward).toBe(50n * COIN + 200n);
  });

  it('commits to the expected post-state', () => {
    const expected = new Map([
      [addressKey(SENDER), { address: SENDER, account: { balance: 10_000n - 2_201n, nonce: 2n } }],
      [addressKey(TO), { address: TO, account: { balance: 2_001n, nonce: 0n } }],
      [addressKey(MINER), { address: MINER, account: { balance: 50n * COIN + 200n, nonce: 0n } }],
    ]);
    expect(assembled.stateRoot).toEqual(commitState(new TreeWriter(NO_NODES), ZERO_ROOT, expected));
  });

  it('does not modify the loaded accounts', () => {
    expect(store.get(addressKey(SENDER))).toEqual({ balance: 10_000n, nonce: 0n });
  });

  it('applyBlock accepts the assembled block and reproduces its root', () => {
    const b = block(assembled.included, { amount: assembled.reward, stateRoot: assembled.stateRoot });
    expect(blockAccountKeys(b, nobleBackend).sort()).toEqual([SENDER, TO, MINER].map(addressKey).sort());
    const accounts = blockAccounts(b, nobleBackend);
    expect([...accounts.keys()]).toEqual(blockAccountKeys(b, nobleBackend));
    for (const [k, address] of accounts) expect(addressKey(address)).toBe(k);
    const t = applyBlock(b, 1, EMPTY_STATE, (k) => store.get(k), params, nobleBackend);
    expect(t.fees).toBe(200n);
    expect(t.stateRoot).toEqual(assembled.stateRoot);
    expect(t.changes.get(addressKey(SENDER))!.account).toEqual({ balance: 7_799n, nonce: 2n });
    expect(t.previous.get(addressKey(SENDER))).toEqual({ balance: 10_000n, nonce: 0n });
    expect(t.previous.get(addressKey(TO))).toBeNull();
    expect(t.previous.get(addressKey(MINER))).toBeNull();
    expect(store.get(addressKey(SENDER))).toEqual({ balance: 10_000n, nonce: 0n });
  });

  it('a coinbase may pay less than allowed (with the matching root), never more', () => {
    const load = (k: string) => store.get(k);
    expectReject(
      () => applyBlock(block(assembled.included, { amount: assembled.reward + 1n, stateRoot: assembled.stateRoot }), 1, EMPTY_STATE, load, params, nobleBackend),
      'bad-cb-amount',
    );
  });

  it('bad-state-root, bad-cb-height, bad-cb-missing and nonce errors', () => {
    const load = (k: string) => store.get(k);
    const root = assembled.stateRoot.slice();
    root[0]! ^= 1;
    expectReject(() => applyBlock(block(assembled.included, { amount: assembled.reward, stateRoot: root }), 1, EMPTY_STATE, load, params, nobleBackend), 'bad-state-root');
    expectReject(
      () => applyBlock(block(assembled.included, { amount: assembled.reward, stateRoot: assembled.stateRoot }), 2, EMPTY_STATE, load, params, nobleBackend),
      'bad-cb-height',
    );
    expectReject(() => applyBlock({ ...block([], {}), txs: [] }, 1, EMPTY_STATE, load, params, nobleBackend), 'bad-cb-missing');
    expectReject(
      () => applyBlock(block([candidates[2]!], { amount: 0n }), 1, EMPTY_STATE, load, params, nobleBackend),
      'bad-txns-nonce-gap',
    );
  });

  it('blockAccountKeys rejects a bad signature', () => {
    const t = transfer(0n, 1n);
    const sig = t.signature.slice();
    sig[40]! ^= 1;
    expectReject(() => blockAccountKeys(block([{ ...t, signature: sig }], {}), nobleBackend), 'bad-txns-sig');
  });

  it('blockAccounts names the accounts without checking signatures; checkBlockSignatures then rejects, and every key is judged before any signature', () => {
    const t = transfer(0n, 1n);
    const sig = t.signature.slice();
    sig[40]! ^= 1;
    const forged = block([{ ...t, signature: sig }], {});
    expect([...blockAccounts(forged, nobleBackend).keys()].sort()).toEqual([SENDER, TO, MINER].map(addressKey).sort());
    expect(() => checkBlockSignatures(forged, nobleBackend)).toThrow(/bad-txns-sig: signature does not verify/);
    const offCurve = new Uint8Array(33);
    offCurve[0] = 2;
    offCurve[32] = 5;
    const both = block([{ ...t, signature: sig }, { ...transfer(1n, 1n), publicKey: offCurve }], {});
    expect(() => blockAccountKeys(both, nobleBackend)).toThrow(/bad-txns-sig: invalid public key/);
  });
});

describe('the coinbase credit stays within u64', () => {
  const U64_MAX = (1n << 64n) - 1n;
  const reward = 50n * COIN;
  const storeWithMiner = (balance: bigint) => new Map([[addressKey(MINER), { balance, nonce: 0n }]]);
  const rootWithMiner = (balance: bigint) =>
    commitState(new TreeWriter(NO_NODES), ZERO_ROOT, new Map([[addressKey(MINER), { address: MINER, account: { balance, nonce: 0n } }]]));

  it('rejects a coinbase that would lift the miner past 2^64 - 1 (bad-cb-amount), not a host RangeError', () => {
    const store = storeWithMiner(U64_MAX - 9n);
    const err = expectReject(
      () => applyBlock(block([], { amount: reward, stateRoot: ZERO_ROOT }), 1, EMPTY_STATE, (k) => store.get(k), params, nobleBackend),
      'bad-cb-amount',
      100,
    );
    expect(err.detail).toMatch(/2\^64/);
  });

  it('accepts a coinbase that fills the miner exactly to 2^64 - 1', () => {
    const store = storeWithMiner(U64_MAX - reward);
    const t = applyBlock(block([], { amount: reward, stateRoot: rootWithMiner(U64_MAX) }), 1, EMPTY_STATE, (k) => store.get(k), params, nobleBackend);
    expect(t.changes.get(addressKey(MINER))!.account.balance).toBe(U64_MAX);
  });

  it('assembly claims only what fits, and the block it builds is valid', () => {
    const store = storeWithMiner(U64_MAX - 9n);
    const load = (k: string) => store.get(k);
    const a = assembleBlockState([], 1, EMPTY_STATE, MINER, load, params, nobleBackend);
    expect(a.reward).toBe(9n);
    expect(a.stateRoot).toEqual(rootWithMiner(U64_MAX));
    const t = applyBlock(block([], { amount: a.reward, stateRoot: a.stateRoot }), 1, EMPTY_STATE, load, params, nobleBackend);
    expect(t.stateRoot).toEqual(a.stateRoot);
  });
});
