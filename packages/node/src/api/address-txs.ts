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
 * Stored block bytes one page may read: each row's transaction comes out of its whole block, so 100
 * rows of an address in full blocks read ~200 MB (260 ms of CPU, cold). Past this the page ends early
 * with a cursor to go on from; its first block is always read.
 */
export const PAGE_BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * Up to `limit` main-chain transactions of an address, newest first, from a row offset or a cursor.
 * One row more than needed is read to learn whether another page exists; `next` is then the cursor
 * of the last row of this page (a row skipped below still moves it, so the next page never repeats).
 * Rows of one block read it once.
 */
export async function confirmedAddressTxs(
  chain: Chain,
  address: Uint8Array,
  from: number | HistoryCursor,
  limit: number,
  blockBytes = PAGE_BLOCK_BYTES,
): Promise<{ items: ConfirmedAddressTx[]; more: boolean; next: HistoryCursor | null }> {
  const read = await chain.addressTxs(address, from, limit + 1);
  let rows = read.slice(0, limit);
  let more = read.length > limit;
  const items: ConfirmedAddressTx[] = [];
  let bytes = 0;
  // Rows come newest first, so one block's rows are adjacent.
  for (let start = 0; start < rows.length; ) {
    if (bytes >= blockBytes) {
      rows = rows.slice(0, start);
      more = true;
      break;
    }
    let end = start + 1;
    while (end < rows.length && rows[end]!.height === rows[start]!.height) end++;
    const group = rows.slice(start, end);
    start = end;
    const entry = chain.getEntryByHeight(group[0]!.height);
    if (!entry) continue;
    const got = await chain.getTxs(entry, group.map((r) => r.index));
    bytes += got.read;
    group.forEach((r, i) => {
      const tx = got.txs[i];
      // The index may briefly lag a reorg; a row that no longer matches its block is skipped, not misreported.
      if (tx && hashToHex(txHash(tx)) === hashToHex(r.hash)) items.push({ tx, entry, index: r.index });
    });
  }
  for (const item of items) {
    const { tx } = item;
    if (tx.kind !== 'transfer' || !isContractTx(tx)) continue;
    const receipt = await chain.contracts.receipt(txHash(tx));
    if (receipt?.transfers) item.internal = receipt.transfers;
  }
  const last = rows[rows.length - 1];
  return { items, more, next: more && last ? { height: last.height, index: last.index } : null };
}
