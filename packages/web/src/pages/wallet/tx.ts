import {
  NETWORKS,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  type FeeChoice,
  type FeeEstimate,
  type NetworkName,
  type Wallet,
} from '@hackcoin/core';
import { api } from '../../lib/api';
import type { AddressInfoJson } from '../../lib/types';

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
 * is the node's `nextNonce`, which already counts this address's pending sends.
 */
export async function signTransfer(wallet: Wallet, req: SendRequest): Promise<{ raw: string; id?: string }> {
  const info = await api<AddressInfoJson>(`/api/address/${req.from}?limit=1`);
  const key = wallet.keyFor(req.from);
  try {
    const tx = buildSignedTransfer(
      {
        params: NETWORKS[req.network],
        to: req.to,
        amount: req.amount,
        fee: req.fee,
        ...(req.feeEstimate ? { feeEstimate: req.feeEstimate } : {}),
        nonce: BigInt(info.nextNonce),
        ...(req.data ? { data: req.data } : {}),
      },
      key,
    );
    return { raw: bytesToHex(encodeTx(tx)) };
  } finally {
    key.fill(0);
  }
}

export async function sendTransfer(wallet: Wallet, req: SendRequest, path = '/api/transactions'): Promise<{ id: string }> {
  const { raw } = await signTransfer(wallet, req);
  return api<{ id: string; accepted: boolean }>(path, { body: { raw } });
}
