import { computeBalance, type BalanceSummary } from '@hackcoin/core';
import { useApi } from '../../hooks/useApi';
import type { AddressInfoJson } from '../../lib/types';

/**
 * A wallet address as the node sees it, live on new blocks and on the address's own topic. `before`
 * is a previous answer's `next`: the confirmed rows older than it.
 */
export function useAddressInfo(address: string, page = 1, limit = 10, before?: string) {
  const cursor = before === undefined ? '' : `&before=${encodeURIComponent(before)}`;
  return useApi<AddressInfoJson>(`/api/address/${address}?page=${page}&limit=${limit}${cursor}`, { refreshOn: ['blocks', `address:${address}`], throttleMs: 250 });
}

export function balanceOf(info: AddressInfoJson): BalanceSummary {
  const me = info.address.toLowerCase();
  const listed = computeBalance({
    balance: info.balance,
    nonce: info.nonce,
    pending: info.pending.map((t) => ({
      txid: t.id,
      direction: t.from?.toLowerCase() === me && t.to.toLowerCase() === me ? 'self' : t.direction,
      amount: t.amount,
      fee: t.fee ?? '0',
    })),
  });
  // The node lists every pending send of the address but only the newest payments to it, and sums them all.
  return info.pendingIncoming === undefined ? listed : { ...listed, pendingIncoming: BigInt(info.pendingIncoming) };
}
