import { reject } from './errors.js';
import type { ConsensusParams } from './params.js';
import {
  txSender,
  txSize,
  verifyTransferSignature,
  type TransferTx,
} from '../primitives/transaction.js';
import { InvalidKeyError, type SignatureBackend } from '../crypto/keys.js';
import type { Account } from '../state/account.js';
import { formatHck } from '../primitives/amount.js';
import { contractPayload } from './contracts.js';
import { U64_MAX } from '../encoding/writer.js';


/** Checks that need no chain state. Signature checking is separate: it is the expensive part. */
export function checkTransferSanity(tx: TransferTx, params: ConsensusParams): void {
  if (tx.chainId !== params.chainId) reject('bad-txns-chainid', `chainId ${tx.chainId} is not ${params.chainId}`);
  if (tx.data.length > params.maxTxDataSize) reject('bad-txns-data-length');
  if (txSize(tx) > params.maxBlockSize / 10) reject('bad-txns-oversize');
  if (tx.amount + tx.fee > U64_MAX) reject('bad-txns-amount-overflow');
  // Non-empty data is a contract payload, and must be a valid one.
  if (tx.data.length > 0) contractPayload(tx, params);
}

/**
 * The transfer's sender address; a public key that is not a point is 'bad-txns-sig'. Anything else
 * the backend throws propagates as a host failure: made a rule, it would mark a valid block invalid
 * for good on this node alone.
 */
export function transferSender(tx: TransferTx, backend: SignatureBackend): Uint8Array {
  try {
    return txSender(tx, backend);
  } catch (e) {
    if (e instanceof InvalidKeyError) reject('bad-txns-sig', 'invalid public key');
    throw e;
  }
}

export function checkTransferSignature(tx: TransferTx, backend: SignatureBackend): Uint8Array {
  const sender = transferSender(tx, backend);
  if (!verifyTransferSignature(tx, backend)) reject('bad-txns-sig', 'signature does not verify');
  return sender;
}

/**
 * The state transition of one transfer. `recipient` is the same object as
 * `sender` for a payment to oneself, which then only costs the fee.
 */
export function applyTransfer(tx: TransferTx, sender: Account, recipient: Account): void {
  if (tx.nonce < sender.nonce) reject('bad-txns-nonce-too-low', `expected ${sender.nonce}, got ${tx.nonce}`, 0);
  if (tx.nonce > sender.nonce) reject('bad-txns-nonce-gap', `expected ${sender.nonce}, got ${tx.nonce}`, 0);
  const cost = tx.amount + tx.fee;
  if (sender.balance < cost) reject('bad-txns-insufficient-funds', `needs ${formatHck(cost)} HCK, has ${formatHck(sender.balance)} HCK`, 0);
  // Checked before any mutation so a rejected transfer leaves both accounts untouched.
  const recipientBefore = recipient === sender ? sender.balance - cost : recipient.balance;
  if (recipientBefore + tx.amount > U64_MAX) reject('bad-txns-amount-overflow');
  sender.balance -= cost;
  sender.nonce += 1n;
  recipient.balance += tx.amount;
}
