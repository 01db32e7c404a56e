import { bytesToHex, equalBytes, isContractTx, parseAddress, txHash, txSender, type Block, type SignatureBackend } from '@hackcoin/core';
import { Prefix } from '../store/keys.js';
import type { KeyedOp } from '../store/db.js';
import { ByteArena } from './byte-arena.js';

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
 * produces the deletes on disconnect, so the two can never drift. Keys and
 * values are carved from `arena` (see ByteArena).
 */
export function indexOps(
  block: Block,
  blockHash: Uint8Array,
  height: number,
  backend: SignatureBackend,
  remove: boolean,
  receipts: ReadonlyMap<number, IndexedReceipt> = new Map(),
  arena: ByteArena = new ByteArena(),
): KeyedOp[] {
  const ops: KeyedOp[] = [];
  const txs = block.txs;
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    const hash = txHash(tx);
    const txKey = arena.alloc(1 + hash.length);
    txKey[0] = Prefix.tx;
    txKey.set(hash, 1);
    if (remove) ops.push({ type: 'del', key: txKey });
    else {
      // Block hash ‖ height (BE) ‖ index (BE): getTxLocation's layout.
      const location = arena.alloc(blockHash.length + 8);
      location.set(blockHash, 0);
      writeU32be(location, blockHash.length, height);
      writeU32be(location, blockHash.length + 4, i);
      ops.push({ type: 'put', key: txKey, value: location });
    }
    const parties = tx.kind === 'transfer' ? [txSender(tx, backend), tx.to] : [tx.to];
    const r = receipts.get(i);
    if (r) {
      parties.push(r.contract);
      for (const t of r.transfers ?? []) parties.push(t.to);
    }
    // One row per address and transaction, however many times it takes part.
    for (const addr of distinct(parties)) {
      const k = arena.alloc(1 + addr.length + 8);
      k[0] = Prefix.addressTx;
      k.set(addr, 1);
      writeU32be(k, 1 + addr.length, height);
      writeU32be(k, 5 + addr.length, i);
      ops.push(remove ? { type: 'del', key: k } : { type: 'put', key: k, value: hash });
    }
  }
  return ops;
}

function writeU32be(b: Uint8Array, offset: number, n: number): void {
  b[offset] = n >>> 24;
  b[offset + 1] = (n >>> 16) & 0xff;
  b[offset + 2] = (n >>> 8) & 0xff;
  b[offset + 3] = n & 0xff;
}

/** Pairwise for the usual two or three parties; a set for a contract that paid many. */
function distinct(addrs: Uint8Array[]): Uint8Array[] {
  if (addrs.length <= 8) {
    return addrs.filter((a, i) => {
      for (let j = 0; j < i; j++) if (equalBytes(addrs[j]!, a)) return false;
      return true;
    });
  }
  const seen = new Set<string>();
  return addrs.filter((a) => {
    const id = bytesToHex(a);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
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
