import {
  answerMismatch,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  txId,
  type FeeChoice,
  type FeeEstimate,
  type NetworkName,
  type Submitted,
  type Wallet,
} from '@hackcoin/core';
import { api } from '../../lib/api';
import { signingParams } from '../../lib/network-pin';
import { recordSent, verifiedNextNonce } from '../../lib/verified-nonce';

export interface SendRequest {
  network: NetworkName;
  from: string;
  to: string;
  amount: bigint;
  fee: FeeChoice;
  /** Needed for a preset fee. */
  feeEstimate?: FeeEstimate | undefined;
  data?: Uint8Array;
}

/**
 * Signs in the browser and hands the node only the raw signed bytes. The nonce
 * is one this browser verified (lib/verified-nonce), never the node's word;
 * a node that fails verification gets nothing signed, and nothing is signed
 * for a chain id other than the pinned network's (lib/network-pin).
 */
export async function signTransfer(wallet: Wallet, req: SendRequest): Promise<{ raw: string; nonce: bigint; spend: bigint; id: string }> {
  const nonce = await verifiedNextNonce(req.network, req.from);
  const key = wallet.keyFor(req.from);
  try {
    const tx = buildSignedTransfer(
      {
        params: signingParams(req.network),
        to: req.to,
        amount: req.amount,
        fee: req.fee,
        ...(req.feeEstimate ? { feeEstimate: req.feeEstimate } : {}),
        nonce,
        ...(req.data ? { data: req.data } : {}),
      },
      key,
    );
    return { raw: bytesToHex(encodeTx(tx)), nonce, spend: tx.amount + tx.fee, id: txId(tx) };
  } finally {
    key.fill(0);
  }
}

export async function sendTransfer(wallet: Wallet, req: SendRequest, path = '/api/transactions'): Promise<Submitted> {
  const { raw, nonce, spend, id } = await signTransfer(wallet, req);
  const sent = await api<Submitted>(path, { body: { raw } });
  recordSent(req.network, req.from, nonce, spend);
  // The id is ours to compute: the one a node names is what the page would track and link to.
  const mismatch = answerMismatch(sent, { id });
  if (mismatch) throw new Error(`the node answered with ${mismatch}, which was signed here; it was handed the signed transaction`);
  return sent;
}
