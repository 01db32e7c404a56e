import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { blockCoinbase, blockHash, blockSize, blockTxAt, blockTxsAt, computeMerkleRoot, decodeBlock, encodeBlock, encodedTxCount, type Block } from './block.js';
import { genesisBlock } from '../consensus/genesis.js';
import { encodeHeader, headerHash } from './header.js';
import { encodeTx, signTransfer, txHash, type CoinbaseTx } from './transaction.js';
import { merkleRoot } from '../consensus/merkle.js';
import { NETWORKS } from '../consensus/params.js';
import { BufferWriter } from '../encoding/writer.js';
import { bytesToHex, concatBytes, hexToBytes } from '../encoding/bytes.js';
import { DecodeError } from '../encoding/reader.js';

const params = NETWORKS.regtest;
const cb: CoinbaseTx = {
  kind: 'coinbase',
  chainId: params.chainId,
  height: 9,
  to: new Uint8Array(20).fill(1),
  amount: 5_000_000_000n,
  stateRoot: new Uint8Array(32).fill(2),
  extra: hexToBytes('00ff'),
};
const t1 = signTransfer(
  { kind: 'transfer', chainId: params.chainId, nonce: 0n, fee: 1n, to: new Uint8Array(20).fill(3), amount: 5n, data: hexToBytes('6869') },
  hexToBytes('11'.repeat(32)),
);
const txs = [cb, t1];
const block: Block = {
  header: { version: 1, prevHash: new Uint8Array(32).fill(4), merkleRoot: computeMerkleRoot(txs), time: 1_800_000_000, bits: 0x207fffff, nonce: 42 },
  txs,
};

describe('block encoding', () => {
  it('is header ‖ varint(count) ‖ transactions', () => {
    const raw = encodeBlock(block);
    expect(bytesToHex(raw)).toBe(bytesToHex(concatBytes(encodeHeader(block.header), new Uint8Array([2]), encodeTx(cb), encodeTx(t1))));
  });

  it('round-trips through decodeBlock', () => {
    const decoded = decodeBlock(encodeBlock(block));
    expect(decoded).toEqual(block);
    expect(blockHash(decoded)).toEqual(headerHash(block.header));
    expect(decoded.txs.map(txHash)).toEqual(txs.map(txHash));
  });

  it('computeMerkleRoot is merkleRoot over the tx hashes', () => {
    expect(computeMerkleRoot(txs)).toEqual(merkleRoot([txHash(cb), txHash(t1)]));
  });

  it('computeMerkleRoot answers for the list as it is now, whatever was asked before', () => {
    const list = [cb, t1];
    const first = computeMerkleRoot(list);
    first.fill(0);
    expect(computeMerkleRoot(list)).toEqual(merkleRoot([txHash(cb), txHash(t1)]));
    list.reverse();
    expect(computeMerkleRoot(list)).toEqual(merkleRoot([txHash(t1), txHash(cb)]));
    list.push(t1);
    expect(computeMerkleRoot(list)).toEqual(merkleRoot([txHash(t1), txHash(cb), txHash(t1)]));
    list[2] = cb;
    expect(computeMerkleRoot(list)).toEqual(merkleRoot([txHash(t1), txHash(cb), txHash(cb)]));
    list.pop();
    expect(computeMerkleRoot(list)).toEqual(merkleRoot([txHash(t1), txHash(cb)]));
  });

  it('rejects trailing bytes and truncation', () => {
    const raw = encodeBlock(block);
    expect(() => decodeBlock(concatBytes(raw, new Uint8Array([0])))).toThrow('trailing bytes');
    expect(() => decodeBlock(raw.subarray(0, raw.length - 1))).toThrow(DecodeError);
    expect(() => decodeBlock(raw.subarray(0, 80))).toThrow(DecodeError);
  });

  it('refuses absurd transaction counts before reading them', () => {
    const raw = new BufferWriter().bytes(encodeHeader(block.header)).varint(100_001).finish();
    expect(() => decodeBlock(raw)).toThrow('too many transactions');
  });

  it('counts an encoded block\'s transactions within the same bound as decoding it', () => {
    expect(encodedTxCount(encodeBlock(block))).toBe(2);
    const counted = (n: number) => encodedTxCount(new BufferWriter().bytes(encodeHeader(block.header)).varint(n).finish());
    expect(counted(100_000)).toBe(100_000);
    for (const n of [100_001, 0xffffffff, Number.MAX_SAFE_INTEGER]) {
      expect(() => counted(n), String(n)).toThrow(DecodeError);
      expect(() => counted(n), String(n)).toThrow('too many transactions');
    }
  });

  it('blockCoinbase returns the first tx only if it is a coinbase', () => {
    expect(blockCoinbase(block)).toBe(cb);
    expect(blockCoinbase({ ...block, txs: [t1] })).toBeUndefined();
    expect(blockCoinbase({ ...block, txs: [] })).toBeUndefined();
  });
});

describe('blockSize', () => {
  it('equals the length of the encoding', () => {
    for (const p of Object.values(NETWORKS)) {
      const b = genesisBlock(p);
      expect(blockSize(b)).toBe(encodeBlock(b).length);
    }
  });
});

describe('blockTxAt', () => {
  it('finds each transaction of an encoded block exactly as decodeBlock does, and nothing past the last', () => {
    const transfer = fc
      .record({ nonce: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), data: fc.uint8Array({ maxLength: 300 }), amount: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) })
      .map(({ nonce, data, amount }) =>
        signTransfer({ kind: 'transfer', chainId: params.chainId, nonce, fee: 1n, to: new Uint8Array(20).fill(7), amount, data }, hexToBytes('22'.repeat(32))),
      );
    const coinbase = fc.uint8Array({ maxLength: 100 }).map((extra): CoinbaseTx => ({ ...cb, extra }));
    fc.assert(
      fc.property(coinbase, fc.array(transfer, { maxLength: 12 }), (first, rest) => {
        const all = [first, ...rest];
        const raw = encodeBlock({ header: block.header, txs: all });
        const decoded = decodeBlock(raw).txs;
        decoded.forEach((tx, i) => expect(bytesToHex(encodeTx(blockTxAt(raw, i)!))).toBe(bytesToHex(encodeTx(tx))));
        expect([blockTxAt(raw, all.length), blockTxAt(raw, -1)]).toEqual([undefined, undefined]);
        // Several at once, in any order and repeated, read in one walk.
        const asked = [all.length - 1, 0, all.length, all.length - 1, -1];
        expect(blockTxsAt(raw, asked).map((tx) => (tx ? bytesToHex(encodeTx(tx)) : undefined))).toEqual(
          asked.map((i) => (decoded[i] ? bytesToHex(encodeTx(decoded[i]!)) : undefined)),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a truncated block with a decode error, not a wrong transaction', () => {
    const raw = encodeBlock(block);
    expect(() => blockTxAt(raw.subarray(0, raw.length - 10), 1)).toThrow(DecodeError);
  });

  it('refuses a count decodeBlock refuses, even for a transaction the bytes hold', () => {
    const raw = new BufferWriter().bytes(encodeHeader(block.header)).varint(100_001).bytes(encodeTx(block.txs[0]!)).finish();
    expect(() => blockTxAt(raw, 0)).toThrow('too many transactions');
  });
});
