import { decodeHeader, headerId, hexToBytes } from '@hackcoin/core';
import { useApi } from '../../hooks/useApi';
import type { BlockDetail, HeadersJson } from '../../lib/types';

export interface BlockPlace {
  confirmations: number | null;
  nextHash: string | null;
}

/**
 * What a new block changes about one already shown: its confirmations and the
 * block after it. Read on every `blocks` push from the two main-chain headers
 * at its height (160 bytes) rather than by fetching the block again, which
 * may hold 10,000 transactions. Its own answer stands until they are in.
 */
export function useBlockPlace(b: BlockDetail | undefined): BlockPlace | undefined {
  const res = useApi<HeadersJson>(b ? `/api/headers?from=${b.height}&count=2` : null, { refreshOn: ['blocks'] });
  if (!b) return undefined;
  const h = res.data;
  if (h?.from !== b.height) return { confirmations: b.confirmations, nextHash: b.nextHash };
  const [at, next] = h.headers.map((hex) => headerId(decodeHeader(hexToBytes(hex))));
  // Off the main chain (a reorg took it off) the header at its height is another block's, as the node's own answer would say.
  return { confirmations: at === b.hash ? h.tipHeight - b.height + 1 : null, nextHash: next ?? null };
}
