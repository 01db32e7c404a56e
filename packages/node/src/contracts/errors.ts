/** Raised for problems with a contract's source or with the engine's inputs (never for a contract's own revert). */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/**
 * The chain state behind a running contract failed (I/O, a bug). Not a
 * verdict: the engine rethrows it to the chain instead of letting the
 * contract catch it, since another node would not see the same failure.
 */
export class HostFailure extends Error {
  override readonly name = 'HostFailure';
}
