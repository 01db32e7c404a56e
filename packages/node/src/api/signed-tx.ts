import { decodeTx, hexToBytes, type TransferTx, type signedTx } from '@hackcoin/core';
import type { z } from 'zod';
import { HttpError } from './http-error.js';


/** A submitted signed transfer (raw hex or field by field) as a transaction; decoding errors are 400s. */
export function toTransfer(body: z.output<typeof signedTx>): TransferTx {
  if ('raw' in body) {
    let tx;
    try {
      tx = decodeTx(hexToBytes(body.raw));
    } catch (e) {
      throw new HttpError(400, `bad-txns-decode: ${(e as Error).message}`, 'bad-txns-decode');
    }
    if (tx.kind !== 'transfer') throw new HttpError(400, 'bad-txns-decode: a coinbase cannot be submitted', 'bad-txns-decode');
    return tx;
  }
  return {
    kind: 'transfer',
    chainId: body.chainId,
    nonce: body.nonce,
    fee: body.fee,
    to: body.to,
    amount: body.amount,
    data: hexToBytes(body.data ?? ''),
    publicKey: hexToBytes(body.publicKey),
    signature: hexToBytes(body.signature),
  };
}
