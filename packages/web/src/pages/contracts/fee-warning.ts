/**
 * When a contract transaction's maximum fee deserves a second look. The gas
 * price left blank comes from the node's fee estimate, which the miners whose
 * blocks feed it can push up by paying themselves a high price: the review
 * names a fee that is large against the balance or far above the node's floor.
 */

/** A maximum fee above this share of the spendable balance is called out. */
export const FEE_SHARE_PERCENT = 10n;
/** A gas price above this multiple of the node's minimum is called out. */
export const GAS_PRICE_MULTIPLE = 10n;

export interface FeeCheck {
  maxFee: bigint;
  value: bigint;
  gasPrice: bigint;
  /** The node's lowest gas price worth quoting, when its fee estimate said. */
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

export function checkFee(c: FeeCheck): FeeVerdict {
  const warnings: string[] = [];
  if (c.available !== null && c.maxFee > 0n && c.maxFee * 100n > c.available * FEE_SHARE_PERCENT) {
    warnings.push(
      c.available > 0n
        ? `The maximum fee is ${percentOf(c.maxFee, c.available)} of your spendable balance (more than ${FEE_SHARE_PERCENT} %).`
        : 'The maximum fee is more than your spendable balance of 0.',
    );
  }
  if (c.minGasPrice !== undefined && c.minGasPrice > 0n && c.gasPrice > c.minGasPrice * GAS_PRICE_MULTIPLE) {
    warnings.push(`The gas price ${c.gasPrice.toLocaleString('en-US')} is ${(c.gasPrice / c.minGasPrice).toLocaleString('en-US')}× the node's minimum of ${c.minGasPrice.toLocaleString('en-US')} (more than ${GAS_PRICE_MULTIPLE}×).`);
  }
  return { warnings, overBalance: c.available !== null && c.value + c.maxFee > c.available };
}
