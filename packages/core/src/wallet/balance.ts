import { WalletError } from './errors.js';

/** Base units as a bigint, or as a decimal integer string (how JSON carries 64-bit amounts). */
export type UnitsLike = bigint | string;

export interface PendingTxInfo {
  txid?: string;
  /** 'out': sent by the address; 'in': received by it; 'self': sent to itself, which costs only the fee. */
  direction: 'in' | 'out' | 'self';
  amount: UnitsLike;
  /** Paid by the sender; ignored for 'in'. */
  fee: UnitsLike;
}

/** What the node reports for one address: confirmed state plus its mempool transfers. */
export interface AddressInfo {
  address?: string;
  /** Balance in the state at the chain tip. */
  balance: UnitsLike;
  /** Confirmed account nonce (the next transfer's nonce if nothing is pending). */
  nonce?: UnitsLike;
  pending: PendingTxInfo[];
}

export interface BalanceSummary {
  confirmed: bigint;
  /** Sum of unconfirmed amounts arriving. */
  pendingIncoming: bigint;
  /** Sum of unconfirmed amounts plus fees leaving. */
  pendingOutgoing: bigint;
  /**
   * What a new transfer may spend: confirmed minus pending outgoing. Pending
   * incoming is excluded because it is not in the state a new transfer is
   * checked against until it confirms (and may never confirm).
   */
  available: bigint;
}

function units(v: UnitsLike, what: string): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n) throw new WalletError(`${what} is negative`);
    return v;
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new WalletError(`${what} must be a non-negative integer amount in base units`);
}

export function computeBalance(info: AddressInfo): BalanceSummary {
  const confirmed = units(info.balance, 'balance');
  let pendingIncoming = 0n;
  let pendingOutgoing = 0n;
  info.pending.forEach((tx, i) => {
    const amount = units(tx.amount, `pending[${i}].amount`);
    const fee = units(tx.fee, `pending[${i}].fee`);
    if (tx.direction === 'in') pendingIncoming += amount;
    else if (tx.direction === 'out') pendingOutgoing += amount + fee;
    else if (tx.direction === 'self') pendingOutgoing += fee;
    else throw new WalletError(`pending[${i}].direction must be "in", "out" or "self"`);
  });
  // The mempool should never let outgoing exceed the balance; clamp rather than show a negative amount.
  const available = confirmed > pendingOutgoing ? confirmed - pendingOutgoing : 0n;
  return { confirmed, pendingIncoming, pendingOutgoing, available };
}

/** Nonce for the address's next transfer: confirmed nonce plus its own pending sends. */
export function nextNonce(info: AddressInfo): bigint {
  const own = info.pending.filter((t) => t.direction !== 'in').length;
  return units(info.nonce ?? 0n, 'nonce') + BigInt(own);
}
