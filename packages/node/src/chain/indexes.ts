import { txHash, txSender, type Block, type SignatureBackend } from '@hackcoin/core';
import { Prefix, key, u32be } from '../store/keys.js';
import type { BatchOp } from '../store/db.js';

/**
 * Transaction and address index entries for a main-chain block. The same
 * function produces the deletes on disconnect, so the two can never drift.
 */
export function indexOps(block: Block, blockHash: Uint8Array, height: number, backend: SignatureBackend, remove: boolean): BatchOp[] {
  const ops: BatchOp[] = [];
  const h = u32be(height);
  block.txs.forEach((tx, i) => {
    const hash = txHash(tx);
    const idx = u32be(i);
    const txKey = key(Prefix.tx, hash);
    ops.push(remove ? { type: 'del', key: txKey } : { type: 'put', key: txKey, value: key(0, blockHash, h, idx).subarray(1) });
    const parties = tx.kind === 'transfer' ? [txSender(tx, backend), tx.to] : [tx.to];
    for (const addr of parties) {
      const k = key(Prefix.addressTx, addr, h, idx);
      ops.push(remove ? { type: 'del', key: k } : { type: 'put', key: k, value: hash });
    }
  });
  return ops;
}
