/** Raised for problems with a contract's source or with the engine's inputs (never for a contract's own revert). */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}
