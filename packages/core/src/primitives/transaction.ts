import { BufferReader, DecodeError } from '../encoding/reader.js';
import { BufferWriter } from '../encoding/writer.js';
import { hashToHex } from '../encoding/bytes.js';
import { sha256d } from '../crypto/hash.js';
import {
  PUBKEY_SIZE,
  SIGNATURE_SIZE,
  addressFromPublicKey,
  nobleBackend,
  publicKeyFromPrivate,
  signDigest,
  type SignatureBackend,
} from '../crypto/keys.js';
import { ADDRESS_SIZE } from './address.js';

export const TX_VERSION_COINBASE = 0;
export const TX_VERSION_TRANSFER = 1;
/** Hard decode limit; the consensus limit (params.maxTxDataSize) is checked separately. */
export const MAX_TX_DATA_DECODE = 1 << 20;
export const MAX_COINBASE_EXTRA_DECODE = 255;

/**
 * The first transaction of every block. It carries the height (so every
 * coinbase is unique), pays subsidy plus fees, and commits to the state root
 * after the block. `extra` is the last field so Stratum can splice
 * extranonce1 ‖ extranonce2 between coinb1 and coinb2.
 */
export interface CoinbaseTx {
  kind: 'coinbase';
  chainId: number;
  height: number;
  to: Uint8Array;
  amount: bigint;
  stateRoot: Uint8Array;
  extra: Uint8Array;
}

export interface UnsignedTransfer {
  kind: 'transfer';
  chainId: number;
  nonce: bigint;
  fee: bigint;
  to: Uint8Array;
  amount: bigint;
  /** Contract payload; empty for a plain transfer. */
  data: Uint8Array;
}

export interface TransferTx extends UnsignedTransfer {
  publicKey: Uint8Array;
  signature: Uint8Array;
}

export type Transaction = CoinbaseTx | TransferTx;

// Decoded and hashed forms are remembered per object: block validation would
// otherwise re-encode each transaction several times.
const rawCache = new WeakMap<Transaction, Uint8Array>();
const hashCache = new WeakMap<Transaction, Uint8Array>();
const senderCache = new WeakMap<TransferTx, Uint8Array>();
/** A block's signature checks and its state transition both ask for it; transactions are never mutated. */
const sigHashCache = new WeakMap<UnsignedTransfer, Uint8Array>();

function writeUnsigned(w: BufferWriter, tx: UnsignedTransfer): void {
  w.u8(TX_VERSION_TRANSFER)
    .u32(tx.chainId)
    .u64(tx.nonce)
    .u64(tx.fee)
    .fixed(tx.to, ADDRESS_SIZE)
    .u64(tx.amount)
    .varBytes(tx.data);
}

export function encodeTx(tx: Transaction): Uint8Array {
  const cached = rawCache.get(tx);
  if (cached) return cached;
  const w = new BufferWriter(160);
  if (tx.kind === 'coinbase') {
    w.u8(TX_VERSION_COINBASE)
      .u32(tx.chainId)
      .u32(tx.height)
      .fixed(tx.to, ADDRESS_SIZE)
      .u64(tx.amount)
      .fixed(tx.stateRoot, 32)
      .varBytes(tx.extra);
  } else {
    writeUnsigned(w, tx);
    w.fixed(tx.publicKey, PUBKEY_SIZE).fixed(tx.signature, SIGNATURE_SIZE);
  }
  const raw = w.finish();
  rawCache.set(tx, raw);
  return raw;
}

/** The digest a transfer's signature covers: sha256d of everything but the key and signature. */
export function transferSigHash(tx: UnsignedTransfer): Uint8Array {
  let h = sigHashCache.get(tx);
  if (!h) {
    // A decoded or encoded transfer already holds these bytes: all but the key and signature.
    const raw = rawCache.get(tx as TransferTx);
    if (raw) {
      h = sha256d(raw.subarray(0, raw.length - PUBKEY_SIZE - SIGNATURE_SIZE));
    } else {
      const w = new BufferWriter(128);
      writeUnsigned(w, tx);
      h = sha256d(w.finish());
    }
    sigHashCache.set(tx, h);
  }
  return h;
}

/**
 * Reads one transaction. Its encoding is copied once, to keep as its cached
 * form, and the byte fields are views into that copy: one allocation instead
 * of five, and nothing shared with the caller's buffer or other transactions.
 */
export function readTx(r: BufferReader): Transaction {
  const start = r.pos;
  const version = r.u8();
  let tx: Transaction;
  if (version === TX_VERSION_COINBASE) {
    const chainId = r.u32();
    const height = r.u32();
    const to = r.pos - start;
    r.bytes(ADDRESS_SIZE);
    const amount = r.u64();
    const stateRoot = r.pos - start;
    r.bytes(32);
    const extraLength = r.varBytes(MAX_COINBASE_EXTRA_DECODE).length;
    const raw = r.bytesFrom(start);
    tx = {
      kind: 'coinbase',
      chainId,
      height,
      to: raw.subarray(to, to + ADDRESS_SIZE),
      amount,
      stateRoot: raw.subarray(stateRoot, stateRoot + 32),
      extra: raw.subarray(raw.length - extraLength),
    };
    rawCache.set(tx, raw);
  } else if (version === TX_VERSION_TRANSFER) {
    const chainId = r.u32();
    const nonce = r.u64();
    const fee = r.u64();
    const to = r.pos - start;
    r.bytes(ADDRESS_SIZE);
    const amount = r.u64();
    const dataLength = r.varBytes(MAX_TX_DATA_DECODE).length;
    const data = r.pos - start - dataLength;
    r.bytes(PUBKEY_SIZE);
    r.bytes(SIGNATURE_SIZE);
    const raw = r.bytesFrom(start);
    const publicKey = raw.length - SIGNATURE_SIZE - PUBKEY_SIZE;
    tx = {
      kind: 'transfer',
      chainId,
      nonce,
      fee,
      to: raw.subarray(to, to + ADDRESS_SIZE),
      amount,
      data: raw.subarray(data, data + dataLength),
      publicKey: raw.subarray(publicKey, publicKey + PUBKEY_SIZE),
      signature: raw.subarray(publicKey + PUBKEY_SIZE),
    };
    rawCache.set(tx, raw);
  } else {
    throw new DecodeError(`unknown transaction version ${version}`);
  }
  return tx;
}

/** Moves past one transaction as readTx reads it, building nothing: finding one transaction of a stored block. */
export function skipTx(r: BufferReader): void {
  const version = r.u8();
  if (version === TX_VERSION_COINBASE) {
    r.bytes(4 + 4 + ADDRESS_SIZE + 8 + 32);
    r.varBytes(MAX_COINBASE_EXTRA_DECODE);
  } else if (version === TX_VERSION_TRANSFER) {
    r.bytes(4 + 8 + 8 + ADDRESS_SIZE + 8);
    r.varBytes(MAX_TX_DATA_DECODE);
    r.bytes(PUBKEY_SIZE + SIGNATURE_SIZE);
  } else {
    throw new DecodeError(`unknown transaction version ${version}`);
  }
}

export function decodeTx(bytes: Uint8Array): Transaction {
  const r = new BufferReader(bytes);
  const tx = readTx(r);
  r.done();
  return tx;
}

/** Transaction hash in internal byte order (what the merkle tree uses). */
export function txHash(tx: Transaction): Uint8Array {
  let h = hashCache.get(tx);
  if (!h) {
    h = sha256d(encodeTx(tx));
    hashCache.set(tx, h);
  }
  return h;
}

/** Transaction id as displayed: byte-reversed hash, like Bitcoin. */
export function txId(tx: Transaction): string {
  return hashToHex(txHash(tx));
}

export function txSize(tx: Transaction): number {
  return encodeTx(tx).length;
}

/** The sender's 20-byte address, derived from the public key the transaction carries. */
export function txSender(tx: TransferTx, backend: SignatureBackend = nobleBackend): Uint8Array {
  let s = senderCache.get(tx);
  if (!s) {
    s = addressFromPublicKey(tx.publicKey, backend);
    senderCache.set(tx, s);
  }
  return s;
}

export function verifyTransferSignature(tx: TransferTx, backend: SignatureBackend = nobleBackend): boolean {
  return backend.verify(transferSigHash(tx), tx.signature, tx.publicKey);
}

export function signTransfer(tx: UnsignedTransfer, privateKey: Uint8Array): TransferTx {
  const signature = signDigest(transferSigHash(tx), privateKey);
  return { ...tx, publicKey: publicKeyFromPrivate(privateKey), signature };
}
