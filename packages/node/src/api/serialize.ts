import {
  bytesToHex,
  difficultyFromBits,
  encodeHeader,
  encodeTx,
  hashToHex,
  txId,
  txSender,
  type BlockHeaderJson,
  type SignatureBackend,
  type Transaction,
  type TxJson,
} from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import { checksummed } from './address-format.js';

// Transactions are immutable once built, so their JSON (two checksummed addresses, an id) is
// computed once: the mempool and explorer routes serve the same objects again and again.
const txJsonCache = new WeakMap<Transaction, TxJson>();

/** JSON shapes of the API (core's api/ schemas). Amounts are decimal strings of base units: JSON numbers lose precision. */
export function txJson(tx: Transaction, backend: SignatureBackend): TxJson {
  let j = txJsonCache.get(tx);
  if (!j) {
    j = buildTxJson(tx, backend);
    txJsonCache.set(tx, j);
  }
  return j;
}

function buildTxJson(tx: Transaction, backend: SignatureBackend): TxJson {
  const common = { id: txId(tx), size: encodeTx(tx).length, to: checksummed(tx.to), amount: tx.amount.toString() };
  if (tx.kind === 'coinbase') {
    return { ...common, type: 'coinbase' as const, chainId: tx.chainId, height: tx.height, stateRoot: bytesToHex(tx.stateRoot), extra: bytesToHex(tx.extra) };
  }
  return {
    ...common,
    type: 'transfer' as const,
    chainId: tx.chainId,
    from: checksummed(txSender(tx, backend)),
    nonce: tx.nonce.toString(),
    fee: tx.fee.toString(),
    data: bytesToHex(tx.data),
    publicKey: bytesToHex(tx.publicKey),
    signature: bytesToHex(tx.signature),
  };
}

export function headerJson(entry: ChainEntry, confirmations: number | null): BlockHeaderJson {
  const h = entry.header;
  return {
    hash: entry.id,
    height: entry.height,
    version: h.version,
    previousHash: hashToHex(h.prevHash),
    merkleRoot: hashToHex(h.merkleRoot),
    time: h.time,
    bits: `0x${h.bits.toString(16).padStart(8, '0')}`,
    nonce: h.nonce,
    difficulty: difficultyFromBits(h.bits),
    chainWork: entry.chainWork.toString(16),
    stateRoot: bytesToHex(entry.stateRoot),
    confirmations,
    rawHeader: bytesToHex(encodeHeader(h)),
  };
}
