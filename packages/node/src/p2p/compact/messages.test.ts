import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NETWORKS, generatePrivateKey, signTransfer, type CoinbaseTx, type Transaction } from '@hackcoin/core';
import {
  decodeBlockTxn,
  decodeBlockTxnRequest,
  decodeCompactBlock,
  encodeBlockTxn,
  encodeBlockTxnRequest,
  encodeCompactBlock,
  type CompactBlock,
  type Decoded,
} from './messages.js';

const P = NETWORKS.regtest;
const MAX = P.maxBlockTxs;
const key = generatePrivateKey();
const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: P.chainId, height: 7, to: new Uint8Array(20).fill(1), amount: 50n, stateRoot: new Uint8Array(32).fill(2), extra: new Uint8Array([1, 2, 3]) };
const transfer = (nonce: number): Transaction =>
  signTransfer({ kind: 'transfer', chainId: P.chainId, nonce: BigInt(nonce), fee: 1000n, to: new Uint8Array(20).fill(3), amount: 5n, data: new Uint8Array() }, key);
const header = { version: 1, prevHash: new Uint8Array(32).fill(9), merkleRoot: new Uint8Array(32).fill(8), time: 1_700_000_000, bits: 0x207fffff, nonce: 42 };

function sample(shortIds: number[], prefilled: CompactBlock['prefilled'] = [{ index: 0, tx: coinbase }]): CompactBlock {
  return { header, nonce: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), shortIds, prefilled };
}

function rule<T>(d: Decoded<T>): string {
  return d.ok ? 'ok' : d.rule;
}

const U48 = fc.integer({ min: 0, max: 2 ** 48 - 1 });

describe('compact block messages', () => {
  it('round-trip a compact block with short ids up to 2^48 − 1 and a prefilled transfer', () => {
    fc.assert(
      fc.property(fc.array(U48, { maxLength: 50 }), (ids) => {
        const cb = sample(ids, [{ index: 0, tx: coinbase }, { index: ids.length + 1 - Math.min(ids.length, 1), tx: transfer(1) }]);
        const d = decodeCompactBlock(encodeCompactBlock(cb), MAX);
        expect(d.ok && d.value.shortIds).toEqual(ids);
        expect(d.ok && d.value.prefilled.map((p) => p.index)).toEqual(cb.prefilled.map((p) => p.index));
      }),
      { numRuns: 100 },
    );
  });

  it('round-trip getblocktxn (differential indexes) and blocktxn', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: MAX - 1 }), { minLength: 1, maxLength: 200 }), (raw) => {
        const indexes = [...raw].sort((a, b) => a - b);
        const d = decodeBlockTxnRequest(encodeBlockTxnRequest({ blockHash: new Uint8Array(32).fill(5), indexes }), MAX);
        expect(d.ok && d.value.indexes).toEqual(indexes);
      }),
      { numRuns: 100 },
    );
    const txs = [transfer(1), transfer(2)];
    const d = decodeBlockTxn(encodeBlockTxn({ blockHash: new Uint8Array(32).fill(5), txs }), MAX);
    expect(d.ok && d.value.txs.length).toBe(2);
  });

  it('name the rule each hostile message breaks', () => {
    const good = encodeCompactBlock(sample([1, 2, 3]));
    expect(rule(decodeCompactBlock(good.subarray(0, good.length - 1), MAX))).toBe('cmpct-malformed');
    expect(rule(decodeCompactBlock(new Uint8Array([...good, 0]), MAX))).toBe('cmpct-malformed');
    expect(rule(decodeCompactBlock(encodeCompactBlock(sample([1, 2, 3])), 3))).toBe('cmpct-too-many-txs');
    expect(rule(decodeCompactBlock(encodeCompactBlock(sample([1], [])), MAX))).toBe('cmpct-no-coinbase');
    expect(rule(decodeCompactBlock(encodeCompactBlock(sample([1], [{ index: 0, tx: transfer(0) }])), MAX))).toBe('cmpct-no-coinbase');
    expect(rule(decodeCompactBlock(encodeCompactBlock(sample([1], [{ index: 1, tx: coinbase }])), MAX))).toBe('cmpct-no-coinbase');
    expect(rule(decodeCompactBlock(encodeCompactBlock(sample([1], [{ index: 0, tx: coinbase }, { index: 3, tx: transfer(0) }])), MAX))).toBe('cmpct-index-overflow');
    // A count of 10,000 short ids in a 100-byte message is refused before anything is allocated.
    const huge = encodeCompactBlock(sample([]));
    huge[88] = 0xfd;
    expect(rule(decodeCompactBlock(new Uint8Array([...huge.subarray(0, 89), 0x10, 0x27, ...huge.subarray(89)]), MAX))).toBe('cmpct-malformed');

    const hash = new Uint8Array(32);
    expect(rule(decodeBlockTxnRequest(encodeBlockTxnRequest({ blockHash: hash, indexes: [] }), MAX))).toBe('cmpct-empty-request');
    expect(rule(decodeBlockTxnRequest(encodeBlockTxnRequest({ blockHash: hash, indexes: [3, MAX] }), MAX))).toBe('cmpct-index-overflow');
    expect(rule(decodeBlockTxnRequest(new Uint8Array([...hash, 0xfe, 0xff, 0xff, 0xff, 0x7f]), MAX))).toBe('cmpct-too-many-txs');
    expect(rule(decodeBlockTxn(encodeBlockTxn({ blockHash: hash, txs: [transfer(0), coinbase] }), MAX))).toBe('cmpct-blocktxn-coinbase');
  });

  it('never throw on arbitrary bytes or on mutations of valid messages: a message or a named rule', () => {
    const valid = [
      encodeCompactBlock(sample([1, 2, 2 ** 48 - 1], [{ index: 0, tx: coinbase }, { index: 2, tx: transfer(4) }])),
      encodeBlockTxnRequest({ blockHash: new Uint8Array(32), indexes: [0, 5, 6, 300] }),
      encodeBlockTxn({ blockHash: new Uint8Array(32), txs: [transfer(1), transfer(2)] }),
    ];
    const mutated = fc
      .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat())
      .map(([b, edits, cut]) => {
        const out = b.slice(0, b.length - (cut % 4));
        for (const [at, v] of edits) if (out.length) out[at % out.length] = v;
        return out;
      });
    const decoders = [
      (b: Uint8Array) => decodeCompactBlock(b, MAX),
      (b: Uint8Array) => decodeBlockTxnRequest(b, MAX),
      (b: Uint8Array) => decodeBlockTxn(b, MAX),
    ];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated), (bytes) => {
        for (const decode of decoders) {
          const d = decode(bytes);
          if (!d.ok) expect(d.rule).toMatch(/^cmpct-[a-z-]+$/);
          else if ('indexes' in d.value) expect(d.value.indexes.every((i, k, a) => i < MAX && (k === 0 || i > a[k - 1]!))).toBe(true);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});
