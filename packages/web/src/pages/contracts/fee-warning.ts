import { COIN } from '@hackcoin/core';
import { formatHckAmount } from '../../lib/amount';

/**
 * When a fee deserves a second look. The gas price left blank, and a plain
 * send's preset fee, come from the node's fee estimate, which a lying node can
 * set at will and the miners whose blocks feed it can push up by paying
 * themselves a high price: the reviews name a fee that is large against the
 * balance, above a fixed cap, or far above the node's floor.
 */

/** A (maximum) fee above this share of the spendable balance is called out. */
export const FEE_SHARE_PERCENT = 10n;
/**
 * A plain send's fee, or a contract transaction's maximum fee, above this is called out: the
 * command-line wallet's default --max-fee (Core's -maxtxfee).
 */
export const SEND_FEE_CAP = COIN / 10n;
/** A gas price above this multiple of the node's minimum is called out. */
export const GAS_PRICE_MULTIPLE = 10n;

export interface FeeCheck {
  maxFee: bigint;
  value: bigint;
  gasPrice: bigint;
  /**
   * The least gas price the node relays this transaction at with its gas limit (contract-tx's
   * minGasPriceFor of the node's minFeeRate), when its fee estimate said: a price far above it is
   * called out, and with the gas limit counted in, a large limit's needed price is not.
   */
  minGasPrice?: bigint | undefined;
  /** What the sender can spend; null while unknown. */
  available: bigint | null;
}

export interface FeeVerdict {
  /** Reasons to look twice; the transaction may still be confirmed. */
  warnings: string[];
  /** Value plus maximum fee exceed the balance: the node would refuse it, so nothing is signed. */
  overBalance: boolean;
}

/** The share as a percentage with one decimal, rounded up so a fee just over the line never reads as on it. */
function percentOf(part: bigint, whole: bigint): string {
  const tenths = (part * 1000n + whole - 1n) / whole;
  return `${tenths / 10n}.${tenths % 10n} %`;
}

function capWarning(what: string, fee: bigint, payer: string): string[] {
  return fee > SEND_FEE_CAP ? [`The ${what} of ${formatHckAmount(fee)} is above ${formatHckAmount(SEND_FEE_CAP)}, the most ${payer} pays without asking.`] : [];
}

function shareWarning(what: string, fee: bigint, available: bigint | null): string[] {
  if (available === null || fee <= 0n || fee * 100n <= available * FEE_SHARE_PERCENT) return [];
  return [available > 0n ? `The ${what} is ${percentOf(fee, available)} of your spendable balance (more than ${FEE_SHARE_PERCENT} %).` : `The ${what} is more than your spendable balance of 0.`];
}

export function checkFee(c: FeeCheck): FeeVerdict {
  // Above the cap whatever the balance: a node that blocks verification also picks the balance judged
  // against, and the gas floor the price is compared with is its own figure too.
  const warnings = [...capWarning('maximum fee', c.maxFee, 'a transaction'), ...shareWarning('maximum fee', c.maxFee, c.available)];
  if (c.minGasPrice !== undefined && c.minGasPrice > 0n && c.gasPrice > c.minGasPrice * GAS_PRICE_MULTIPLE) {
    warnings.push(`The gas price ${c.gasPrice.toLocaleString('en-US')} is ${(c.gasPrice / c.minGasPrice).toLocaleString('en-US')}× the node's minimum of ${c.minGasPrice.toLocaleString('en-US')} (more than ${GAS_PRICE_MULTIPLE}×).`);
  }
  return { warnings, overBalance: c.available !== null && c.value + c.maxFee > c.available };
}

/**
 * A plain send's fee: above SEND_FEE_CAP, or above FEE_SHARE_PERCENT of the
 * spendable balance when it is known. The review asks for an explicit yes to
 * any of these before it signs.
 */
export function checkSendFee(fee: bigint, available: bigint | null): string[] {
  return [...capWarning('fee', fee, 'a send'), ...shareWarning('fee', fee, available)];
}
