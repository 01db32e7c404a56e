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

/**
 * The best header chain known has less work than the network's minimum
 * (MIN_CHAIN_WORK): it may be a chain forged cheaply from genesis, so nothing
 * is verified against it. Not proof that the node lies (it may still be
 * syncing); another node, or this one later, may do better.
 */
export class InsufficientChainWork extends Error {
  override name = 'InsufficientChainWork';
}
