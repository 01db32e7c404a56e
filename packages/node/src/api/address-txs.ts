import { addressKey, hashToHex, txHash, txSender, type SignatureBackend, type Transaction } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { ChainEntry } from '../chain/entry.js';

export type Direction = 'in' | 'out' | 'self';

/** How a transaction looks from one address (`me` as addressKey): coinbases are incoming. */
export function directionOf(tx: Transaction, me: string, backend: SignatureBackend): Direction {
  if (tx.kind === 'coinbase') return 'in';
  const fromMe = addressKey(txSender(tx, backend)) === me;
  const toMe = addressKey(tx.to) === me;
  return fromMe && toMe ? 'self' : fromMe ? 'out' : 'in';
}

/**
 * Main-chain transactions of an address, newest first, read through the
 * address index. `rows` counts index rows read, so callers can ask for one
 * more than they show to learn whether another page exists.
 */
export async function confirmedAddressTxs(
  chain: Chain,
  address: Uint8Array,
  offset: number,
  limit: number,
): Promise<{ rows: number; items: { tx: Transaction; entry: ChainEntry }[] }> {
  const rows = await chain.addressTxs(address, offset, limit);
  const items: { tx: Transaction; entry: ChainEntry }[] = [];
  for (const r of rows) {
    const entry = chain.getEntryByHeight(r.height);
    const block = entry ? await chain.getBlock(entry) : null;
    const tx = block?.txs[r.index];
    // The index may briefly lag a reorg; a row that no longer matches its block is skipped, not misreported.
    if (!entry || !tx || hashToHex(txHash(tx)) !== hashToHex(r.hash)) continue;
    items.push({ tx, entry });
  }
  return { rows: rows.length, items };
}
