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

const guestVisible = new WeakSet<Error>();

/**
 * An error a host function raises on purpose for the contract to see (bad
 * argument, read-only call, insufficient balance...): the guest gets it as a
 * catchable exception, the same on every node. Any other exception thrown in
 * a host function is a host failure (see vm-pool.ts).
 */
export function guestError(C: ErrorConstructor | TypeErrorConstructor, message: string): Error {
  const e = new C(message);
  guestVisible.add(e);
  return e;
}

export function isGuestError(e: unknown): boolean {
  return e instanceof Error && guestVisible.has(e);
}
