import { computeBalance, type BalanceSummary } from '@hackcoin/core';
import { useApi } from '../../hooks/useApi';
import type { AddressInfoJson } from '../../lib/types';

/** A wallet address as the node sees it, live on new blocks and on the address's own topic. */
export function useAddressInfo(address: string, page = 1, limit = 10) {
  return useApi<AddressInfoJson>(`/api/address/${address}?page=${page}&limit=${limit}`, { refreshOn: ['blocks', `address:${address}`], throttleMs: 250 });
}

export function balanceOf(info: AddressInfoJson): BalanceSummary {
  const me = info.address.toLowerCase();
  return computeBalance({
    balance: info.balance,
    nonce: info.nonce,
    pending: info.pending.map((t) => ({
      txid: t.id,
      direction: t.from?.toLowerCase() === me && t.to.toLowerCase() === me ? 'self' : t.direction,
      amount: t.amount,
      fee: t.fee ?? '0',
    })),
  });
}
