import { describe, expect, it } from 'vitest';
import { contractPayload, isWellFormedUnicode, type CallPayload, type DeployPayload } from './contracts.js';
import { RuleError } from './errors.js';
import { NETWORKS } from './params.js';
import type { TransferTx } from '../primitives/transaction.js';
import { utf8ToBytes } from '../encoding/bytes.js';

const params = NETWORKS.regtest;

const HEAVY_ARGS = `[${Array(21_800).fill('{}').join(',')}]`;

/** A call of ~64 KB whose args are ~21,800 empty objects: the payload that costs most heap per byte once parsed. */
function heavyCall(i: number, args = HEAVY_ARGS): TransferTx {
  const len = args.length + 100;
  const gasLimit = params.contractTxBaseGas + 16 * len;
  const data = utf8ToBytes(`{"type":"call","fn":"f${i}","args":${args},"gasLimit":${gasLimit},"gasPrice":"1"}`);
  const to = new Uint8Array(20).fill(7);
  return { kind: 'transfer', chainId: params.chainId, nonce: BigInt(i), fee: BigInt(gasLimit), to, amount: 0n, data, publicKey: new Uint8Array(33), signature: new Uint8Array(64) };
}

describe('contractPayload cache', () => {
  // Its memory bound is tested where transactions are held: mempool/payload-memory.test.ts.
  it('parses again on a miss, to the same payload', () => {
    const first = heavyCall(1_000);
    const a = contractPayload(first, params) as CallPayload;
    for (let i = 0; i < 300; i++) contractPayload(heavyCall(2_000 + i, '[]'), params);
    const b = contractPayload(first, params) as CallPayload;
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
    expect(contractPayload(first, params)).toBe(b);
  });
});

describe('contractPayload: deploy code must be well-formed Unicode', () => {
  function deploy(codeJson: string): TransferTx {
    const gasLimit = 1_000_000;
    const data = utf8ToBytes(`{"type":"deploy","code":${codeJson},"init":[],"gasLimit":${gasLimit},"gasPrice":"1"}`);
    return { kind: 'transfer', chainId: params.chainId, nonce: 0n, fee: BigInt(gasLimit), to: new Uint8Array(20), amount: 0n, data, publicKey: new Uint8Array(33), signature: new Uint8Array(64) };
  }
  const ruleOf = (tx: TransferTx): string | undefined => {
    try {
      contractPayload(tx, params);
      return undefined;
    } catch (e) {
      return e instanceof RuleError ? e.code : 'not a RuleError';
    }
  };

  it('rejects a lone surrogate escape (high, low, or at either end) with bad-txns-contract-payload', () => {
    for (const code of ['"// \\ud800\\nexport function f() {}"', '"const s = \'\\udc00x\';"', '"x\\ud800"', '"\\udfffx"', '"\\udc00\\ud800"']) {
      expect(ruleOf(deploy(code)), code).toBe('bad-txns-contract-payload');
    }
  });

  it('accepts surrogate pairs, escaped or as UTF-8, and U+FFFD itself', () => {
    for (const code of ['"// \\ud83d\\ude00\\nexport function f() {}"', '"// 😀 \\ufffd �"', '"export function f() { return 1; }"']) {
      expect(ruleOf(deploy(code)), code).toBeUndefined();
      expect((contractPayload(deploy(code), params) as DeployPayload).code).toBe(JSON.parse(code));
    }
  });

  it('isWellFormedUnicode', () => {
    expect(isWellFormedUnicode('a\uD83D\uDE00b')).toBe(true);
    expect(isWellFormedUnicode('\uD800')).toBe(false);
    expect(isWellFormedUnicode('\uDE00\uD83D')).toBe(false);
  });
});
