import { addressKey, hashToHex, isContractTx, txHash, txSender, type HistoryCursor, type SignatureBackend, type Transaction } from '@hackcoin/core';
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

/** Coins a contract paid out in a transaction (Etherscan's "internal transactions"), base units as strings. */
export interface InternalTransfer {
  from: string;
  to: string;
  amount: string;
}

export interface ConfirmedAddressTx {
  tx: Transaction;
  entry: ChainEntry;
  /** Its position in the block: with the block's height, the cursor of its row. */
  index: number;
  /** Present when the transaction is a contract call that paid coins out. */
  internal?: InternalTransfer[];
}

/**
 * What an internal transfer means for one address: the coins it received from
 * contracts in the transaction (an address that is neither sender nor
 * recipient is in the history only for these).
 */
export function internalReceived(internal: InternalTransfer[] | undefined, me: string): bigint {
  let sum = 0n;
  for (const t of internal ?? []) if (t.to.toLowerCase() === `0x${me}`) sum += BigInt(t.amount);
  return sum;
}

/**
 * Past this many rows a page number costs several times the first page (every skipped row is read),
 * so such a page is charged to the client's heavy budget; the `before` cursor costs page 1 at any depth.
 */
export const DEEP_PAGE_ROWS = 1_000;

/**
 * Up to `limit` main-chain transactions of an address, newest first, from a row offset or a cursor.
 * One row more than needed is read to learn whether another page exists; `next` is then the cursor
 * of the last row of this page (a row skipped below still moves it, so the next page never repeats).
 */
export async function confirmedAddressTxs(
  chain: Chain,
  address: Uint8Array,
  from: number | HistoryCursor,
  limit: number,
): Promise<{ items: ConfirmedAddressTx[]; more: boolean; next: HistoryCursor | null }> {
  const read = await chain.addressTxs(address, from, limit + 1);
  const rows = read.slice(0, limit);
  const more = read.length > limit;
  const last = rows[rows.length - 1];
  const items: ConfirmedAddressTx[] = [];
  for (const r of rows) {
    const entry = chain.getEntryByHeight(r.height);
    const tx = entry ? await chain.getTx(entry, r.index) : null;
    // The index may briefly lag a reorg; a row that no longer matches its block is skipped, not misreported.
    if (!entry || !tx || hashToHex(txHash(tx)) !== hashToHex(r.hash)) continue;
    const receipt = tx.kind === 'transfer' && isContractTx(tx) ? await chain.contracts.receipt(r.hash) : undefined;
    items.push(receipt?.transfers ? { tx, entry, index: r.index, internal: receipt.transfers } : { tx, entry, index: r.index });
  }
  return { items, more, next: more && last ? { height: last.height, index: last.index } : null };
}
