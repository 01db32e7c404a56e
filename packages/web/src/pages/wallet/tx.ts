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
import type { AddressInfoJson, MempoolInfo } from '../../lib/types';

export interface SendRequest {
  network: NetworkName;
  from: string;
  to: string;
  amount: bigint;
  fee: FeeChoice;
  feeEstimate: FeeEstimate;
  data?: Uint8Array;
}

/** The fallback rates (base units per byte) when the mempool says nothing; the node's minimum is 1. */
export const DEFAULT_FEES: FeeEstimate = { slow: 1n, normal: 2n, fast: 5n };

/** Fee presets from the mempool: outbid what is waiting for "fast", match the median for "normal". */
export function feeEstimateFrom(mempool: MempoolInfo | undefined): FeeEstimate {
  const rates = (mempool?.transactions ?? []).map((t) => Math.ceil(t.feeRate)).sort((a, b) => a - b);
  if (rates.length === 0) return DEFAULT_FEES;
  const median = BigInt(rates[Math.floor(rates.length / 2)]!);
  const top = BigInt(rates[rates.length - 1]!);
  const normal = median > DEFAULT_FEES.normal ? median : DEFAULT_FEES.normal;
  const fast = top + 1n > DEFAULT_FEES.fast ? top + 1n : DEFAULT_FEES.fast;
  return { slow: DEFAULT_FEES.slow, normal, fast: fast > normal ? fast : normal + 1n };
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
        feeEstimate: req.feeEstimate,
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
