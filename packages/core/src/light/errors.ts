/**
 * How a light client's failures read to a wallet: UntrustworthyNode names a
 * node caught serving what its own chain cannot back; the others mean
 * "not verified yet" and blame nobody.
 */

/** The node sent something its own chain cannot back: a proof that fails, bad headers, or figures that differ from its proofs. */
export class UntrustworthyNode extends Error {
  override name = 'UntrustworthyNode';
}

/**
 * Verification could not finish now, through no proven fault of the node:
 * it did not answer in time, its headers are dated ahead of this device's
 * clock, or one sync used up its request budget. The headers checked so far
 * are kept; a later sync continues from them.
 */
export class RetryLater extends Error {
  override name = 'RetryLater';
}
