import { checkTransferSanity } from '../consensus/tx-rules.js';
import type { ConsensusParams } from '../consensus/params.js';
import { PUBKEY_SIZE, SIGNATURE_SIZE } from '../crypto/keys.js';
import { ZERO_ADDRESS, parseAddress, ADDRESS_SIZE } from '../primitives/address.js';
import { parseHck } from '../primitives/amount.js';
import { signTransfer, txSize, type TransferTx, type UnsignedTransfer } from '../primitives/transaction.js';
import { WalletError } from './errors.js';
import { NonceTracker } from './nonce.js';
import { U64_MAX } from '../encoding/writer.js';


export type FeePreset = 'slow' | 'normal' | 'fast';

/** A node's fee-rate estimate, in base units per byte of the signed transfer. */
export interface FeeEstimate {
  slow: bigint;
  normal: bigint;
  fast: bigint;
}

/** A preset rate, or a total fee fixed by the user in base units. */
export type FeeChoice = FeePreset | { custom: bigint };

export interface TransferRequest {
  /** Network the transfer is for: supplies the chainId it signs and the limits it is checked against. */
  params: ConsensusParams;
  to: string | Uint8Array;
  /** Base units, or decimal HCK text such as "1.5" (parseHck). */
  amount: bigint | string;
  /** Contract payload, passed through as is; empty or absent for a plain transfer. */
  data?: Uint8Array;
  fee: FeeChoice;
  /** Needed for a preset fee. */
  feeEstimate?: FeeEstimate;
  /** An explicit nonce, or a tracker whose next nonce is used (and reserved only once signing succeeds). */
  nonce: bigint | NonceTracker;
}

/** Exact encoded size of a signed transfer carrying `dataLength` payload bytes; fees are priced on it. */
export function signedTransferSize(dataLength: number): number {
  // Measured with the real encoder so a format change cannot desynchronise fee pricing.
  return txSize({
    kind: 'transfer',
    chainId: 0,
    nonce: 0n,
    fee: 0n,
    to: ZERO_ADDRESS,
    amount: 0n,
    data: new Uint8Array(dataLength),
    publicKey: new Uint8Array(PUBKEY_SIZE),
    signature: new Uint8Array(SIGNATURE_SIZE),
  });
}

/** The fee in base units: a preset's per-byte rate times the size, or the custom amount. */
export function feeForSize(choice: FeeChoice, size: number, estimate?: FeeEstimate): bigint {
  let fee: bigint;
  if (typeof choice === 'object') {
    fee = choice.custom;
  } else {
    if (!estimate) throw new WalletError(`fee preset "${choice}" needs a fee estimate`);
    const rate = estimate[choice];
    if (typeof rate !== 'bigint') throw new WalletError(`unknown fee preset "${String(choice)}"`);
    if (rate < 0n) throw new WalletError('fee rates must be non-negative');
    fee = rate * BigInt(size);
  }
  if (typeof fee !== 'bigint' || fee < 0n || fee > U64_MAX) throw new WalletError('fee must be a non-negative 64-bit amount');
  return fee;
}

function toUnits(amount: bigint | string): bigint {
  const units = typeof amount === 'string' ? parseHck(amount) : amount;
  if (typeof units !== 'bigint' || units < 0n || units > U64_MAX) throw new WalletError('amount must be a non-negative 64-bit amount');
  return units;
}

function toAddress(to: string | Uint8Array): Uint8Array {
  if (typeof to === 'string') return parseAddress(to);
  if (to.length !== ADDRESS_SIZE) throw new WalletError('recipient must be a 20-byte address');
  return to.slice();
}

/** The unsigned transfer for a request (does not reserve a tracker's nonce). */
export function buildTransfer(req: TransferRequest): UnsignedTransfer {
  const data = (req.data ?? new Uint8Array(0)).slice();
  if (data.length > req.params.maxTxDataSize) {
    throw new WalletError(`contract data is ${data.length} bytes; the limit is ${req.params.maxTxDataSize}`);
  }
  const amount = toUnits(req.amount);
  const fee = feeForSize(req.fee, signedTransferSize(data.length), req.feeEstimate);
  if (amount + fee > U64_MAX) throw new WalletError('amount plus fee overflows 64 bits');
  const nonce = req.nonce instanceof NonceTracker ? req.nonce.peek() : req.nonce;
  if (nonce < 0n || nonce > U64_MAX) throw new WalletError('nonce out of range');
  return { kind: 'transfer', chainId: req.params.chainId, nonce, fee, to: toAddress(req.to), amount, data };
}

/**
 * Builds, signs and sanity-checks a transfer. A tracker's nonce is taken
 * only after everything succeeded, so a failed build leaves no gap.
 */
export function buildSignedTransfer(req: TransferRequest, privateKey: Uint8Array): TransferTx {
  const tx = signTransfer(buildTransfer(req), privateKey);
  checkTransferSanity(tx, req.params);
  if (req.nonce instanceof NonceTracker) req.nonce.take();
  return tx;
}
