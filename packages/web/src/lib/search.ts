/** What the explorer's single search box was given. */
export type SearchKind =
  | { kind: 'empty' }
  | { kind: 'height'; height: number }
  | { kind: 'address'; address: string }
  | { kind: 'hash'; hash: string }
  | { kind: 'invalid'; reason: string };

const MAX_HEIGHT = 9_999_999_999;

export function detectSearchKind(input: string): SearchKind {
  const q = input.trim();
  if (q === '') return { kind: 'empty' };
  if (/^\d+$/.test(q)) {
    const height = Number(q);
    if (height > MAX_HEIGHT) return { kind: 'invalid', reason: 'Height is too large' };
    return { kind: 'height', height };
  }
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return { kind: 'address', address: q };
  const hex = q.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { kind: 'hash', hash: hex.toLowerCase() };
  if (/^(0x)?[0-9a-fA-F]+$/i.test(q)) {
    return { kind: 'invalid', reason: `Expected 40 hex digits for an address or 64 for a block hash / tx id (got ${hex.length})` };
  }
  return { kind: 'invalid', reason: 'Enter a block height, block hash, transaction id or 0x address' };
}

export interface Probe {
  /** Resolves true when the node knows a block with this hash. */
  block: (hash: string) => Promise<boolean>;
  tx: (id: string) => Promise<boolean>;
}

/**
 * The explorer route for a search. A 64-hex string is either a block hash or
 * a transaction id: ask the node which (block first, as bitcoin explorers do).
 */
export async function resolveSearch(input: string, probe: Probe): Promise<{ path: string } | { error: string }> {
  const s = detectSearchKind(input);
  switch (s.kind) {
    case 'empty':
      return { error: 'Type something to search for' };
    case 'invalid':
      return { error: s.reason };
    case 'height':
      return { path: `/explorer/block/${s.height}` };
    case 'address':
      return { path: `/explorer/address/${s.address}` };
    case 'hash':
      if (await probe.block(s.hash)) return { path: `/explorer/block/${s.hash}` };
      if (await probe.tx(s.hash)) return { path: `/explorer/tx/${s.hash}` };
      return { error: `No block or transaction ${s.hash.slice(0, 12)}… on this node` };
  }
}
