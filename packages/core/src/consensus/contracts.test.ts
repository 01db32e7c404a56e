import { describe, expect, it } from 'vitest';
import { contractPayload, type CallPayload } from './contracts.js';
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
