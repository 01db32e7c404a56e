import {
  addressKey,
  contractPayload,
  encodeTx,
  intrinsicGas,
  isContractTx,
  txHash,
  txId,
  txSender,
  txVsize,
  type ConsensusParams,
  type SignatureBackend,
  type TransferTx,
} from '@hackcoin/core';

export interface MempoolEntry {
  tx: TransferTx;
  hash: Uint8Array;
  id: string;
  sender: Uint8Array;
  senderKey: string;
  recipientKey: string;
  size: number;
  /**
   * The fee the transaction is sure to pay if mined: a transfer's fee, a contract transaction's
   * intrinsic gas × gas price. Its `fee` field is only a maximum (gasLimit × gasPrice): ranking by
   * it let a call declaring 50M gas, and paying for a few thousand, outbid every honest transaction.
   */
  fee: bigint;
  /** Fee per byte of vsize: what selection, eviction and the rolling floor rank by. */
  feeRate: number;
  /**
   * Core's txVsize: the larger of the size and the block bytes its declared gas stands for, which the
   * relay minimum and `feeRate` are over; a package's rate is its fees over the sum of these.
   */
  vsize: number;
  /** A contract transaction's declared gas limit, as the block's gas budget counts it (0 for a plain transfer). */
  gasLimit: number;
  /** Unix seconds when first seen. */
  time: number;
}

/** `tx` must have passed checkTransferSanity (its contract payload parses). */
export function makeMempoolEntry(tx: TransferTx, backend: SignatureBackend, params: ConsensusParams, time: number): MempoolEntry {
  const sender = txSender(tx, backend);
  const size = encodeTx(tx).length;
  let fee = tx.fee;
  let gasLimit = 0;
  if (isContractTx(tx)) {
    // Only numbers are kept: the parsed payload itself stays in core's bounded cache.
    const payload = contractPayload(tx, params);
    fee = BigInt(intrinsicGas(tx, params, payload)) * payload.gasPrice;
    gasLimit = payload.gasLimit;
  }
  const vsize = txVsize(size, gasLimit, params);
  return {
    tx,
    hash: txHash(tx),
    id: txId(tx),
    sender,
    senderKey: addressKey(sender),
    recipientKey: addressKey(tx.to),
    size,
    fee,
    feeRate: Number(fee) / vsize,
    vsize,
    gasLimit,
    time,
  };
}
