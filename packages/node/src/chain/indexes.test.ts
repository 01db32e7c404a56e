import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  formatAddress,
  generatePrivateKey,
  keyInfoFromPrivateKey,
  nobleBackend,
  parseAddress,
  signTransfer,
  txHash,
  utf8ToBytes,
  type Block,
  type CoinbaseTx,
} from '@hackcoin/core';
import { Prefix } from '../store/keys.js';
import { indexOps, storedReceipts } from './indexes.js';

const addr = (b: number) => new Uint8Array(20).fill(b);
const key = generatePrivateKey();
const sender = parseAddress(keyInfoFromPrivateKey(key).addressText);
const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: 1, height: 7, to: addr(1), amount: 1n, stateRoot: new Uint8Array(32), extra: new Uint8Array(0) };
const call = signTransfer({ kind: 'transfer', chainId: 1, nonce: 0n, fee: 100n, to: addr(2), amount: 0n, data: utf8ToBytes('{"type":"call"}') }, key);
const block = { header: {}, txs: [coinbase, call] } as unknown as Block;

/** The addresses indexed under the block's transaction at `index`. */
const indexed = (ops: ReturnType<typeof indexOps>, index: number) =>
  ops
    .filter((o) => o.key[0] === Prefix.addressTx && o.key[o.key.length - 1] === index)
    .map((o) => bytesToHex(o.key.subarray(1, 21)))
    .sort();

describe('address index', () => {
  it('indexes whom a contract paid (internal transfers), once per address, and removes exactly what it added', async () => {
    // The contract pays the sender back and a third address twice.
    const receipt = { contract: addr(2), transfers: [{ to: addr(3) }, { to: addr(3) }, { to: sender }] };
    const put = indexOps(block, new Uint8Array(32), 7, nobleBackend, false, new Map([[1, receipt]]));
    expect(indexed(put, 1)).toEqual([bytesToHex(addr(2)), bytesToHex(addr(3)), bytesToHex(sender)].sort());

    // Disconnecting reads the stored receipt JSON back and deletes the same rows.
    const json = { contractAddress: formatAddress(addr(2)), transfers: receipt.transfers.map((t) => ({ to: formatAddress(t.to) })) };
    const stored = await storedReceipts(block, async () => json);
    const del = indexOps(block, new Uint8Array(32), 7, nobleBackend, true, stored);
    expect(del.every((o) => o.type === 'del')).toBe(true);
    expect(del.map((o) => bytesToHex(o.key)).sort()).toEqual(put.map((o) => bytesToHex(o.key)).sort());
  });
});

describe('index rows of a plain transfer', () => {
  const to = addr(9);
  const transfer = signTransfer({ kind: 'transfer', chainId: 1, nonce: 0n, fee: 100n, to, amount: 5n, data: new Uint8Array(0) }, key);
  const self = signTransfer({ kind: 'transfer', chainId: 1, nonce: 1n, fee: 100n, to: sender, amount: 5n, data: new Uint8Array(0) }, key);
  const plain = { header: {}, txs: [coinbase, transfer, self] } as unknown as Block;
  const blockHash = new Uint8Array(32).fill(0xab);
  const hex = (ops: ReturnType<typeof indexOps>) => ops.map((o) => [bytesToHex(o.key), o.type === 'put' ? bytesToHex(o.value) : null]);

  it('locates each transaction and lists it once under each party, a payment to oneself once', () => {
    const ops = indexOps(plain, blockHash, 0x01020304, nobleBackend, false);
    const txKey = (tx: (typeof plain.txs)[number]) => '06' + bytesToHex(txHash(tx));
    const row = (a: Uint8Array, i: number) => '07' + bytesToHex(a) + '01020304' + i.toString(16).padStart(8, '0');
    const loc = (i: number) => 'ab'.repeat(32) + '01020304' + i.toString(16).padStart(8, '0');
    expect(hex(ops)).toEqual([
      [txKey(coinbase), loc(0)],
      [row(addr(1), 0), bytesToHex(txHash(coinbase))],
      [txKey(transfer), loc(1)],
      [row(sender, 1), bytesToHex(txHash(transfer))],
      [row(to, 1), bytesToHex(txHash(transfer))],
      [txKey(self), loc(2)],
      [row(sender, 2), bytesToHex(txHash(self))],
    ]);
    const del = indexOps(plain, blockHash, 0x01020304, nobleBackend, true);
    expect(hex(del)).toEqual(hex(ops).map(([k]) => [k, null]));
  });

  it('keeps one row per address when a contract paid many, some of them twice', () => {
    const payees = Array.from({ length: 12 }, (_, i) => ({ to: addr(20 + (i % 5)) }));
    const ops = indexOps(block, blockHash, 7, nobleBackend, false, new Map([[1, { contract: addr(2), transfers: payees }]]));
    const expected = [sender, addr(2), ...[20, 21, 22, 23, 24].map(addr)].map(bytesToHex).sort();
    expect(indexed(ops, 1)).toEqual(expected);
  });
});
