import { addressKey, encodeTx, txHash, txId, txSender, type SignatureBackend, type TransferTx } from '@hackcoin/core';

export interface MempoolEntry {
  tx: TransferTx;
  hash: Uint8Array;
  id: string;
  sender: Uint8Array;
  senderKey: string;
  recipientKey: string;
  size: number;
  /** Fee per byte; policy ordering only, never consensus, so a float is fine. */
  feeRate: number;
  /** Unix seconds when first seen. */
  time: number;
}

export function makeMempoolEntry(tx: TransferTx, backend: SignatureBackend, time: number): MempoolEntry {
  const sender = txSender(tx, backend);
  const size = encodeTx(tx).length;
  return {
    tx,
    hash: txHash(tx),
    id: txId(tx),
    sender,
    senderKey: addressKey(sender),
    recipientKey: addressKey(tx.to),
    size,
    feeRate: Number(tx.fee) / size,
    time,
  };
}
