import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  formatAddress,
  generatePrivateKey,
  keyInfoFromPrivateKey,
  nobleBackend,
  parseAddress,
  signTransfer,
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
