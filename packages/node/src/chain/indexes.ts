import { isContractTx, parseAddress, txHash, txSender, type Block, type SignatureBackend } from '@hackcoin/core';
import { Prefix, key, u32be } from '../store/keys.js';
import type { BatchOp } from '../store/db.js';

/** What the index needs of a contract transaction's receipt: the contract and whom it paid. */
export interface IndexedReceipt {
  contract: Uint8Array;
  transfers?: readonly { to: Uint8Array }[];
}

/**
 * Transaction and address index entries for a main-chain block. Besides
 * sender and recipient, an address is indexed under a contract transaction
 * that created its contract or paid it coins (Etherscan's "internal
 * transactions"), so such payouts show in its history. The same function
 * produces the deletes on disconnect, so the two can never drift.
 */
export function indexOps(
  block: Block,
  blockHash: Uint8Array,
  height: number,
  backend: SignatureBackend,
  remove: boolean,
  receipts: ReadonlyMap<number, IndexedReceipt> = new Map(),
): BatchOp[] {
  const ops: BatchOp[] = [];
  const h = u32be(height);
  block.txs.forEach((tx, i) => {
    const hash = txHash(tx);
    const idx = u32be(i);
    const txKey = key(Prefix.tx, hash);
    ops.push(remove ? { type: 'del', key: txKey } : { type: 'put', key: txKey, value: key(0, blockHash, h, idx).subarray(1) });
    const parties = tx.kind === 'transfer' ? [txSender(tx, backend), tx.to] : [tx.to];
    const r = receipts.get(i);
    if (r) parties.push(r.contract, ...(r.transfers ?? []).map((t) => t.to));
    // One row per address and transaction, however many times it takes part.
    const seen = new Set<string>();
    for (const addr of parties) {
      const k = key(Prefix.addressTx, addr, h, idx);
      const id = k.join(',');
      if (seen.has(id)) continue;
      seen.add(id);
      ops.push(remove ? { type: 'del', key: k } : { type: 'put', key: k, value: hash });
    }
  });
  return ops;
}

/** The receipts stored for a block's contract transactions, by transaction index (for disconnecting it). */
export async function storedReceipts(
  block: Block,
  read: (hash: Uint8Array) => Promise<{ contractAddress: string; transfers?: { to: string }[] } | undefined>,
): Promise<Map<number, IndexedReceipt>> {
  const out = new Map<number, IndexedReceipt>();
  for (let i = 1; i < block.txs.length; i++) {
    const tx = block.txs[i]!;
    if (tx.kind !== 'transfer' || !isContractTx(tx)) continue;
    const r = await read(txHash(tx));
    if (r) out.set(i, { contract: parseAddress(r.contractAddress), transfers: (r.transfers ?? []).map((t) => ({ to: parseAddress(t.to) })) });
  }
  return out;
}
