import { useMemo } from 'react';
import type { NetworkName } from '@hackcoin/core';
import { claimedNetwork } from '../lib/network-pin';
import { useNodeInfo } from './node-info';

/**
 * The network the node claims, once its /api/node/info passed core's schema
 * and names that network's own chain id and genesis; `rejected` says why not.
 * Whether it is the wallet's pinned network is checked where it is verified.
 */
export function useWalletNetwork(): { network: NetworkName | undefined; rejected: string | undefined } {
  const data = useNodeInfo().data;
  return useMemo(() => {
    if (!data) return { network: undefined, rejected: undefined };
    try {
      return { network: claimedNetwork(data), rejected: undefined };
    } catch (e) {
      return { network: undefined, rejected: e instanceof Error ? e.message : String(e) };
    }
  }, [data]);
}
